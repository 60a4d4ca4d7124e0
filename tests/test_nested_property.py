"""Nested transforms with closures over outer values (docs/design.md, "Levels").

An inner transform differentiates with respect to its own variable only; a value
closed over from an enclosing transform is a constant to it, yet still depends
on the outer variable. Getting this wrong is Siskind and Pearlmutter's
"perturbation confusion".

Property tests draw small expressions ``body(x, y)`` from a grammar over the
outer variable ``x``, the inner variable ``y`` and constants, and check

    bt.grad(lambda x: D(lambda y: body(x, y))(g(x)))(x0)
        == d/dx [ d/dy body(x, y) at y = g(x) ]  at x0

where the inner derivative ``D`` is ``bt.grad``, ``bt.jvp`` or ``bt.vjp`` and
the point ``g(x)`` is the outer variable itself, a number, or an expression in
``x``. The references are independent of the toolkit: a closed form from a small
differentiator of the expression tree, and nested central differences on plain
numpy. Deterministic tests check hand-derived closed forms of grad-of-grad,
jvp inside grad, vjp inside jvp, Hessians through closures and three levels.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import backprop_toolkit as bt

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------
# Expression trees: ("x",), ("y",), ("c", value), (unary, a), (binary, a, b).
# --------------------------------------------------------------------------

UNARY = ("sin", "cos", "exp", "tanh", "neg")
BINARY = ("add", "sub", "mul")

BT_LIB = {"sin": bt.sin, "cos": bt.cos, "exp": bt.exp, "tanh": bt.tanh}
NP_LIB = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "tanh": np.tanh}


def evaluate(tree, x, y, lib):
    """The value of ``tree`` at ``x``, ``y``, with the elementary functions of ``lib``."""
    op = tree[0]
    if op == "x":
        return x
    if op == "y":
        return y
    if op == "c":
        return tree[1]
    if op == "neg":
        return -evaluate(tree[1], x, y, lib)
    if op in lib:
        return lib[op](evaluate(tree[1], x, y, lib))
    a, b = evaluate(tree[1], x, y, lib), evaluate(tree[2], x, y, lib)
    return a + b if op == "add" else a - b if op == "sub" else a * b


def const(v):
    return ("c", v)


def diff(tree, var):
    """d tree / d var as another tree (plain calculus, no simplification beyond zeros)."""
    op = tree[0]
    if op in ("x", "y"):
        return const(1.0 if op == var else 0.0)
    if op == "c":
        return const(0.0)
    if op in BINARY:
        a, b = tree[1], tree[2]
        da, db = diff(a, var), diff(b, var)
        if op == "mul":
            return ("add", ("mul", da, b), ("mul", a, db))
        return (op, da, db)
    a = tree[1]
    da = diff(a, var)
    outer = {"sin": ("cos", a),
             "cos": ("neg", ("sin", a)),
             "exp": ("exp", a),
             "tanh": ("sub", const(1.0), ("mul", ("tanh", a), ("tanh", a))),
             "neg": const(-1.0)}[op]
    return ("mul", outer, da)


def substitute(tree, var, by):
    """``tree`` with every ``var`` leaf replaced by the tree ``by``."""
    if tree[0] == var:
        return by
    if tree[0] in ("x", "y", "c"):
        return tree
    return (tree[0],) + tuple(substitute(t, var, by) for t in tree[1:])


def show(tree):
    """Infix text of a tree, for failure messages."""
    op = tree[0]
    if op in ("x", "y"):
        return op
    if op == "c":
        return repr(tree[1])
    if op == "neg":
        return f"-({show(tree[1])})"
    if op in UNARY:
        return f"{op}({show(tree[1])})"
    sym = {"add": "+", "sub": "-", "mul": "*"}[op]
    return f"({show(tree[1])} {sym} {show(tree[2])})"


constants = st.sampled_from([-1.5, -0.5, 0.25, 0.5, 1.0, 2.0])


def expressions(variables):
    leaves = st.one_of(st.sampled_from([(v,) for v in variables]), constants.map(const))
    return st.recursive(
        leaves,
        lambda kids: st.one_of(st.tuples(st.sampled_from(UNARY), kids),
                               st.tuples(st.sampled_from(BINARY), kids, kids)),
        max_leaves=6)


def mentions(tree, var):
    return tree[0] == var or any(isinstance(t, tuple) and mentions(t, var) for t in tree[1:])


# Bodies that use both x and y: a closure over the outer variable, and an inner
# derivative that is not trivially 0 (bodies without y: ``trivial_bodies``).
@st.composite
def bodies(draw):
    tree = draw(expressions(("x", "y")))
    for var in ("y", "x"):
        if not mentions(tree, var):  # join a term in the missing variable
            term = draw(st.one_of(st.just((var,)), st.tuples(st.sampled_from(UNARY), st.just((var,)))))
            op = draw(st.sampled_from(BINARY))
            tree = (op, tree, term) if draw(st.booleans()) else (op, term, tree)
    return tree


bodies = bodies()
trivial_bodies = expressions(("x",))
# Where the inner derivative is taken: the outer variable itself, a number, or
# an expression in x (so the inner argument depends on the outer variable),
# kept to bounded functions so that the body is evaluated where it is tame.
bounded_points = st.recursive(
    st.one_of(st.just(("x",)), constants.map(const)),
    lambda kids: st.one_of(st.tuples(st.sampled_from(("sin", "cos", "tanh", "neg")), kids),
                           st.tuples(st.sampled_from(BINARY), kids, kids)),
    max_leaves=3)
points = st.one_of(st.just(("x",)), constants.map(const), bounded_points)
starts = st.sampled_from([-1.1, -0.6, -0.3, 0.2, 0.45, 0.8, 1.2])
inner_kinds = st.sampled_from(["grad", "jvp", "vjp"])
outer_kinds = st.sampled_from(["grad", "jvp", "vjp"])


# --------------------------------------------------------------------------
# The nested computation on the toolkit, and its references.
# --------------------------------------------------------------------------

def inner_derivative(kind, fun, at, engine):
    """d fun / d y at ``at`` by one of three transforms (scalar in, scalar out)."""
    if kind == "grad":
        return bt.grad(fun, engine=engine)(at)
    if kind == "jvp":
        return bt.jvp(fun, (at,), (1.0,), engine=engine)[1]
    _, pullback = bt.vjp(fun, at, engine=engine)
    return pullback(1.0)[0]


def nested(body, point, x0, engine, inner="grad", outer="grad"):
    """d/dx [ d/dy body(x, y) at y = point(x) ] at x0, both levels on ``engine``."""
    def outer_fun(x):
        def inner_fun(y):  # a fresh closure over this level's x on every call
            return evaluate(body, x, y, BT_LIB)
        return inner_derivative(inner, inner_fun, evaluate(point, x, None, BT_LIB), engine)

    return inner_derivative(outer, outer_fun, x0, engine)


def closed_form(body, point, x0):
    """The same number from the differentiated expression tree."""
    dy = diff(body, "y")
    return float(evaluate(diff(substitute(dy, "y", point), "x"), x0, None, NP_LIB))


def nested_central_difference(body, point, x0, h_outer=1e-4, h_inner=1e-5):
    """The same number by central differences of central differences, in numpy only."""
    def f(x, y):
        return float(evaluate(body, x, y, NP_LIB))

    def inner(x):
        y = float(evaluate(point, x, None, NP_LIB))
        return (f(x, y + h_inner) - f(x, y - h_inner)) / (2 * h_inner)

    return (inner(x0 + h_outer) - inner(x0 - h_outer)) / (2 * h_outer)


def well_conditioned(body, point, x0):
    """Finite everywhere on the stencil and not huge (exp of exp of exp can overflow)."""
    with np.errstate(all="ignore"):
        m = magnitude(body, point, x0)
    return math.isfinite(m) and m < 1e4


def magnitude(body, point, x0):
    """The largest |body| near the stencil: central differences lose about eps * this / h^2."""
    y0 = float(evaluate(point, x0, None, NP_LIB))
    return max(abs(float(evaluate(body, x, y, NP_LIB)))
               for x in (x0 - 1e-4, x0, x0 + 1e-4) for y in (y0 - 1e-3, y0, y0 + 1e-3))


def as_number(value):
    """A transform's scalar result as a float; it must be a numpy value, never an engine object."""
    assert isinstance(value, (np.ndarray, np.generic, float)), type(value)
    assert np.shape(value) == (), np.shape(value)
    return float(value)


# --------------------------------------------------------------------------
# Properties.
# --------------------------------------------------------------------------

@pytest.mark.parametrize("engine", bt.ENGINES)
@SETTINGS
@given(body=bodies, point=points, x0=starts, inner=inner_kinds, outer=outer_kinds)
def test_nested_derivative_matches_references(engine, body, point, x0, inner, outer):
    assume(well_conditioned(body, point, x0))
    got = as_number(nested(body, point, x0, engine, inner, outer))
    exact = closed_form(body, point, x0)
    where = f"body = {show(body)}, y = {show(point)}, x0 = {x0}, {outer} of {inner}"
    assert math.isclose(got, exact, rel_tol=1e-9, abs_tol=1e-9), (where, got, exact)
    fd = nested_central_difference(body, point, x0)
    # The reference's own error: rounding (about eps |body| / h^2) and truncation,
    # estimated by the change when both steps double (about 3x the truncation at h).
    rounding = 1e-6 * (1.0 + magnitude(body, point, x0))
    truncation = abs(fd - nested_central_difference(body, point, x0, 2e-4, 2e-5))
    assert abs(got - fd) <= 1e-4 * abs(exact) + rounding + truncation, (where, got, fd)


@SETTINGS
@given(body=bodies, point=points, x0=starts, inner=inner_kinds, outer=outer_kinds)
def test_engines_agree_on_nested_derivatives(body, point, x0, inner, outer):
    assume(well_conditioned(body, point, x0))
    tape = as_number(nested(body, point, x0, "tape", inner, outer))
    symbolic = as_number(nested(body, point, x0, "symbolic", inner, outer))
    assert math.isclose(tape, symbolic, rel_tol=1e-10, abs_tol=1e-12), \
        (show(body), show(point), x0, inner, outer, tape, symbolic)


@pytest.mark.parametrize("engine", bt.ENGINES)
@settings(SETTINGS, max_examples=15)
@given(body=trivial_bodies, point=points, x0=starts)
def test_inner_function_without_its_variable_has_zero_derivative(engine, body, point, x0):
    """body(x) does not use y: d/dy is 0 whatever x is, so the outer derivative is 0 too."""
    assert as_number(nested(body, point, x0, engine)) == 0.0


@pytest.mark.parametrize("engine", bt.ENGINES)
@SETTINGS
@given(body=bodies, point=points, x0=starts)
def test_value_and_derivative_of_the_inner_derivative(engine, body, point, x0):
    """value_and_grad of the outer function: the value is d/dy body at y = g(x0) itself."""
    assume(well_conditioned(body, point, x0))
    def outer_fun(x):
        return bt.grad(lambda y: evaluate(body, x, y, BT_LIB), engine=engine)(
            evaluate(point, x, None, BT_LIB))

    value, slope = bt.value_and_grad(outer_fun, engine=engine)(x0)
    y0 = float(evaluate(point, x0, None, NP_LIB))
    want = float(evaluate(diff(body, "y"), x0, y0, NP_LIB))
    assert math.isclose(as_number(value), want, rel_tol=1e-10, abs_tol=1e-12)
    assert math.isclose(as_number(slope), closed_form(body, point, x0), rel_tol=1e-9, abs_tol=1e-9)


def test_the_differentiator_of_the_references_is_right():
    """The reference differentiator itself, on an expression worked out by hand."""
    body = ("mul", ("x",), ("sin", ("mul", ("x",), ("y",))))  # x sin(xy)
    # d/dy = x^2 cos(xy); at y = x: x^2 cos(x^2); d/dx = 2x cos(x^2) - 2x^3 sin(x^2)
    x0 = 0.7
    want = 2 * x0 * math.cos(x0 ** 2) - 2 * x0 ** 3 * math.sin(x0 ** 2)
    assert math.isclose(closed_form(body, ("x",), x0), want, rel_tol=1e-14)
    assert math.isclose(nested_central_difference(body, ("x",), x0), want, rel_tol=1e-6)


# --------------------------------------------------------------------------
# Deterministic cases with hand-derived closed forms.
# --------------------------------------------------------------------------

def test_perturbation_confusion_example_is_exactly_one(engine):
    # d/dy (x y) = x; d/dx x = 1. A confused inner grad would differentiate x*x: 2 x, then 2.
    f = bt.grad(lambda x: bt.grad(lambda y: x * y, engine=engine)(x), engine=engine)
    result = f(3.0)
    assert isinstance(result, (np.ndarray, np.generic))
    assert result == 1.0


def test_confusion_that_changes_the_number(engine):
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1; a confused inner grad gives d/dx [x * 2] = 2.
    f = bt.grad(lambda x: x * bt.grad(lambda y: x + y, engine=engine)(x), engine=engine)
    assert f(3.0) == 1.0
    assert f(-0.5) == 1.0


def test_grad_of_grad_with_closure_at_a_constant_point(engine):
    # d/dy (x^2 y^3) at y = 2 is 12 x^2; d/dx is 24 x.
    f = bt.grad(lambda x: bt.grad(lambda y: x ** 2 * y ** 3, engine=engine)(2.0), engine=engine)
    assert np.isclose(f(1.5), 36.0, rtol=1e-12)


def test_jvp_inside_grad(engine):
    # jvp of y -> sin(x y) at y = x with tangent 1: x cos(x^2).
    # d/dx: cos(x^2) - 2 x^2 sin(x^2).
    def f(x):
        return bt.jvp(lambda y: bt.sin(x * y), (x,), (1.0,), engine=engine)[1]

    x0 = 0.7
    want = math.cos(x0 ** 2) - 2 * x0 ** 2 * math.sin(x0 ** 2)
    assert np.isclose(bt.grad(f, engine=engine)(x0), want, rtol=1e-12)


def test_vjp_inside_jvp(engine):
    # vjp of y -> x sin(y) at y = x with cotangent 1: x cos(x). Its value and
    # forward derivative: x cos x and cos x - x sin x.
    def g(x):
        _, pullback = bt.vjp(lambda y: x * bt.sin(y), x, engine=engine)
        return pullback(1.0)[0]

    x0 = 0.7
    value, tangent = bt.jvp(g, (x0,), (1.0,), engine=engine)
    assert np.isclose(value, x0 * math.cos(x0), rtol=1e-12)
    assert np.isclose(tangent, math.cos(x0) - x0 * math.sin(x0), rtol=1e-12)
    # the same with tangent 2: twice the slope
    assert np.isclose(bt.jvp(g, (x0,), (2.0,), engine=engine)[1],
                      2 * (math.cos(x0) - x0 * math.sin(x0)), rtol=1e-12)


def test_vjp_inside_jvp_on_vectors(engine):
    # g(x) = vjp of y -> x * y * y at y = x with cotangent c: 2 c x^2 (elementwise).
    # Its jvp in direction v: 4 c x v.
    c = np.array([1.0, -2.0, 0.5])

    def g(x):
        _, pullback = bt.vjp(lambda y: x * y * y, x, engine=engine)
        return pullback(c)[0]

    x0, v = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.5, -1.0])
    value, tangent = bt.jvp(g, (x0,), (v,), engine=engine)
    assert np.allclose(value, 2 * c * x0 ** 2, rtol=1e-12)
    assert np.allclose(tangent, 4 * c * x0 * v, rtol=1e-12)


def test_hessian_through_a_closure(engine):
    # h(x) = sum over i of d/dy_i sum(x y^2) at y = x, i.e. sum(2 x^2); Hessian 4 I.
    def h(x):
        return bt.sum(bt.grad(lambda y: bt.sum(x * y * y), engine=engine)(x))

    x0 = np.array([1.0, -2.0, 0.5])
    assert np.allclose(bt.hessian(h, engine=engine)(x0), 4 * np.eye(3), rtol=1e-12, atol=0)


def test_hessian_of_a_function_that_calls_grad_on_a_closed_over_variable(engine):
    # h(x) = w . grad_y [sum(sin(x * y))] at y = c (a fixed point), i.e. sum(w x cos(x c)).
    # d2h/dx_i^2 = w_i (-2 c_i sin(x_i c_i) - x_i c_i^2 cos(x_i c_i)); off-diagonal 0.
    w = np.array([1.0, 2.0, -1.0])
    c = np.array([0.5, -1.0, 1.5])

    def h(x):
        return bt.sum(w * bt.grad(lambda y: bt.sum(bt.sin(x * y)), engine=engine)(c))

    x0 = np.array([0.4, 0.9, -0.3])
    diag = w * (-2 * c * np.sin(x0 * c) - x0 * c ** 2 * np.cos(x0 * c))
    assert np.allclose(bt.hessian(h, engine=engine)(x0), np.diag(diag), rtol=1e-12, atol=1e-14)


def test_hessian_with_the_inner_point_the_outer_variable(engine):
    # h(x) = sum(x^2 * grad_y [sum(x * exp(y))] at y = x) = sum(x^3 exp(x)).
    # d2/dx^2 (x^3 e^x) = (6 x + 6 x^2 + x^3) e^x on the diagonal.
    def h(x):
        return bt.sum(x ** 2 * bt.grad(lambda y: bt.sum(x * bt.exp(y)), engine=engine)(x))

    x0 = np.array([0.3, -0.8])
    diag = (6 * x0 + 6 * x0 ** 2 + x0 ** 3) * np.exp(x0)
    assert np.allclose(bt.hessian(h, engine=engine)(x0), np.diag(diag), rtol=1e-12, atol=1e-14)


def test_jacobian_of_an_inner_gradient_both_modes(engine):
    # J(x) = d/dx [grad_y sum(x * y^2) at y = x] = d/dx (2 x^2) = diag(4 x).
    def g(x):
        return bt.grad(lambda y: bt.sum(x * y ** 2), engine=engine)(x)

    x0 = np.array([0.5, -1.0, 2.0])
    for mode in ("reverse", "forward"):
        assert np.allclose(bt.jacobian(g, engine=engine, mode=mode)(x0), np.diag(4 * x0),
                           rtol=1e-12, atol=0), mode


def test_three_levels(engine):
    # f(x) = d/dy [ d/dz (x y z^2) at z = y ] at y = x.
    # innermost: 2 x y z, at z = y: 2 x y^2; middle: d/dy = 4 x y, at y = x: 4 x^2;
    # outer: d/dx = 8 x. Confusing any two levels gives another number.
    def f(x):
        def middle(y):
            return bt.grad(lambda z: x * y * z * z, engine=engine)(y)
        return bt.grad(middle, engine=engine)(x)

    for x0 in (1.5, -0.25):
        assert np.isclose(bt.grad(f, engine=engine)(x0), 8 * x0, rtol=1e-12)


def test_three_levels_with_every_transform(engine):
    # level 3: vjp of z -> sin(x y z) at z = y (cotangent 1): x y cos(x y^2)
    # level 2: jvp of y -> (that) at y = x, tangent 1:
    #          d/dy [x y cos(x y^2)] = x cos(x y^2) - 2 x^2 y^2 sin(x y^2), at y = x:
    #          x cos(x^3) - 2 x^4 sin(x^3)
    # level 1: grad in x: cos(x^3) - 3 x^3 sin(x^3) - 8 x^3 sin(x^3) - 6 x^6 cos(x^3)
    def level2(x):
        def level3(y):
            _, pullback = bt.vjp(lambda z: bt.sin(x * y * z), y, engine=engine)
            return pullback(1.0)[0]
        return bt.jvp(level3, (x,), (1.0,), engine=engine)[1]

    x0 = 0.8
    s, c = math.sin(x0 ** 3), math.cos(x0 ** 3)
    want = c - 11 * x0 ** 3 * s - 6 * x0 ** 6 * c
    assert np.isclose(bt.grad(level2, engine=engine)(x0), want, rtol=1e-12)


def test_second_derivative_of_a_nested_function(engine):
    # f(x) = d/dy (x y)^2 at y = x = 2 x^2 y at y = x = 2 x^3; f'' = 12 x.
    def f(x):
        return bt.grad(lambda y: (x * y) ** 2, engine=engine)(x)

    f2 = bt.grad(bt.grad(f, engine=engine), engine=engine)
    assert np.isclose(f2(1.25), 15.0, rtol=1e-12)


def test_nested_results_are_numpy_values(engine):
    f = bt.grad(lambda x: bt.grad(lambda y: bt.sum(x * bt.sin(y)), engine=engine)(x),
                engine=engine)
    with pytest.raises(bt.BackpropError):  # the outer function returns a vector: not a scalar
        f(np.array([0.1, 0.2]))
    g = bt.jacobian(lambda x: bt.grad(lambda y: bt.sum(x * bt.sin(y)), engine=engine)(x),
                    engine=engine)
    J = g(np.array([0.1, 0.2]))
    assert type(J) is np.ndarray and J.dtype == np.float64
    x0 = np.array([0.1, 0.2])
    assert np.allclose(J, np.diag(np.cos(x0) - x0 * np.sin(x0)), rtol=1e-12)
