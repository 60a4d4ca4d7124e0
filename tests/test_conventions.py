"""Conventions at the edges, names as labels, dtypes kept (issue 10, items 9-11).

The rule behind every test: a derivative the toolkit cannot compute correctly
is an error, never a plausible number, and both engines give the same numbers.
Each number is checked against an independent reference: a closed form, numpy
itself, or central differences (``bt.numerical_grad``) on a numpy function.
"""

import re

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import primitives as P
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape


def both_engines(fun):
    """``fun(engine)`` on each engine, as a list."""
    return [fun(engine) for engine in bt.ENGINES]


# -- item 10: power at its edges ------------------------------------------------------
def test_zero_power_is_flat_even_at_zero(engine):
    """x**0 == 1 everywhere, so d/dx x**0 is 0 everywhere, x = 0 included (JAX's convention)."""
    d = bt.grad(lambda x: x ** 0.0, engine=engine)
    for x in (0.0, 1.5, -2.0):
        assert d(x) == bt.numerical_grad(lambda x: np.power(x, 0.0), x) == 0.0


def test_zero_power_second_and_third_derivatives_are_zero(engine):
    """The masked point never meets inf: no 0 * inf = nan at any order."""
    d1 = bt.grad(lambda x: x ** 0.0, engine=engine)
    d2 = bt.grad(d1, engine=engine)
    d3 = bt.grad(d2, engine=engine)
    assert d2(0.0) == 0.0 and d3(0.0) == 0.0
    _, tangent = bt.jvp(d1, (0.0,), (1.0,), engine=engine)
    assert tangent == 0.0


def test_zero_base_is_flat_in_the_exponent(engine):
    """0**y == 0 for every y > 0, so d/dy 0**y is 0 there, to any order."""
    d1 = bt.grad(lambda y: 0.0 ** y, engine=engine)
    d2 = bt.grad(d1, engine=engine)
    for y in (0.5, 2.0):
        assert d1(y) == bt.numerical_grad(lambda y: np.power(0.0, y), y) == 0.0
        assert d2(y) == 0.0


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # 0**-0.5 is inf: true
def test_power_at_a_zero_base_matches_the_closed_form(engine):
    """d/dx x**b at x = 0: b x**(b-1) where that is defined (inf for 0 < b < 1), 0 for b = 0."""
    b = np.array([0.0, 0.5, 1.0, 2.0, 3.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        closed = np.where(b == 0, 0.0, b * np.power(0.0, b - 1))   # [0, inf, 1, 0, 0]
    got = bt.grad(lambda x: bt.sum(x ** b), engine=engine)(np.zeros(5))
    np.testing.assert_array_equal(got, closed)


def test_power_exponent_derivative_at_a_zero_base(engine):
    """d/dy x**y at x = 0 is 0, for a constant base and for a base that is an argument."""
    y = np.array([0.0, 0.5, 1.0, 2.0])
    by_constant = bt.grad(lambda y: bt.sum(np.zeros(4) ** y), engine=engine)(y)
    by_argument = bt.grad(lambda x, y: bt.sum(x ** y), argnums=1, engine=engine)(np.zeros(4), y)
    np.testing.assert_array_equal(by_constant, np.zeros(4))
    np.testing.assert_array_equal(by_argument, np.zeros(4))


def test_power_mixed_partials_stay_right_where_the_exponent_is_zero(engine):
    """Only a = b = 0 is masked: at b = 0, a = 2 the mixed partial a**(b-1) (1 + b log a) is 1/2.

    A mask on ``b == 0`` alone would make d/db (d/da a**b) 0 there, and the
    Hessian asymmetric.
    """
    hess = bt.hessian(lambda p: p[0] ** p[1], engine=engine)(np.array([2.0, 0.0]))
    a, b = 2.0, 0.0
    closed = np.array([[b * (b - 1) * a ** (b - 2), a ** (b - 1) * (1 + b * np.log(a))],
                       [a ** (b - 1) * (1 + b * np.log(a)), a ** b * np.log(a) ** 2]])
    np.testing.assert_allclose(hess, closed, rtol=1e-12)


def test_power_hessian_at_a_zero_base(engine):
    """At (0, 2), a**b has the Hessian [[b (b-1) a**(b-2), 0], [0, 0]] (limits of a log a)."""
    hess = bt.hessian(lambda p: p[0] ** p[1], engine=engine)(np.array([0.0, 2.0]))
    np.testing.assert_array_equal(hess, [[2.0, 0.0], [0.0, 0.0]])


def test_power_edges_agree_between_engines_and_with_and_without_simplify():
    x = sym.var("x")
    raw = sym.grad(x ** 0.0, x)
    assert sym.evaluate(raw, {x: 0.0}) == sym.evaluate(sym.simplify(raw), {x: 0.0}) == 0.0
    y = sym.var("y")
    raw = sym.grad(0.0 ** y, y)
    assert sym.evaluate(raw, {y: 0.5}) == sym.evaluate(sym.simplify(raw), {y: 0.5}) == 0.0
    cases = [(lambda x: x ** 0.0, 0.0), (lambda y: 0.0 ** y, 0.5),
             (lambda x: bt.sum(x ** np.array([0.0, 1.0, 2.0])), np.zeros(3))]
    for fun, at in cases:
        tape_grad, symbolic_grad = both_engines(lambda e: bt.grad(fun, engine=e)(at))
        np.testing.assert_array_equal(tape_grad, symbolic_grad)


def test_power_masks_cost_nothing_for_a_constant_exponent():
    """The masks fold away when the exponent is a constant: d/dx x**3 is 3 x**2, as before."""
    x = sym.var("x")
    dx = sym.simplify(sym.grad(x ** 3.0, x))
    assert {n.op for n in sym.nodes(dx)} == {"var", "const", "power", "mul"}
    assert sym.evaluate(dx, {x: 2.0}) == 3 * 2.0 ** 2


def test_simplify_picks_the_branch_of_a_constant_condition():
    x = sym.var("x")
    assert sym.simplify(bt.where(np.array(True), x, 2.0 * x)) is x
    assert sym.simplify(bt.where(np.array(False), 2.0 * x, x)) is x
    x32 = sym.var("x32", dtype=np.float32)
    kept = sym.simplify(bt.where(np.array(True), x32, np.zeros(())))   # numpy: float64
    assert kept.op == "where" and sym.evaluate(kept, {x32: 1.0}).dtype == np.float64


def test_power_rules_pass_the_generic_checker_at_a_zero_exponent(engine):
    """Away from a = 0 nothing changes: b = 0 exactly, to second order, against differences."""
    bt.check_primitive(bt.power, (np.array([0.7, 1.3, 2.0]), np.zeros(3)), engine=engine)


# -- item 11: names are labels, never identities ----------------------------------------
def plus_one_mul():
    """A user primitive that only shares the built-in mul's name: a * b + 1."""
    return bt.primitive("mul", forward=lambda a, b: a * b + 1,
                        vjp=[lambda g, out, a, b: g * b, lambda g, out, a, b: g * a],
                        jvp=[lambda t, out, a, b: t * b, lambda t, out, a, b: t * a])


def test_user_primitive_named_mul_gets_no_rewrites(engine):
    fake = plus_one_mul()
    value, pullback = bt.vjp(lambda x: fake(x, 1.0), 1.0, engine=engine)
    assert value == 1.0 * 1.0 + 1          # its own forward, not x * 1 = x
    assert pullback(1.0) == (1.0,)
    assert bt.grad(lambda x: fake(x, 0.0) * 3.0, engine=engine)(2.0) == 0.0   # d/dx 3(0x + 1)


def test_user_primitive_named_mul_survives_simplify():
    x = sym.var("x")
    fake = plus_one_mul()
    simplified = sym.simplify(fake(x, 1.0))
    assert simplified.prim is fake
    assert sym.evaluate(simplified, {x: 3.0}) == 3.0 * 1.0 + 1
    assert sym.evaluate(sym.simplify(fake(x, 0.0)), {x: 3.0}) == 1.0   # not times_zero


def test_one_input_user_primitive_named_like_binary_builtins(engine):
    """A one-input "mul" (or "add", "power") used to crash sym.simplify."""
    for name in ("mul", "add", "sub", "power", "div", "where", "broadcast_to"):
        twice = bt.elementwise(name, lambda x: 2.0 * x, derivative=lambda x: 2.0 + 0.0 * x)
        assert bt.grad(lambda x: twice(x) * 1.0 + 0.0, engine=engine)(3.0) == 2.0
        x = sym.var("x")
        assert sym.evaluate(sym.simplify(twice(x) * 1.0), {x: 3.0}) == 6.0


def test_user_primitives_named_var_and_const_are_operations():
    x = sym.var("x")
    for name in ("var", "const"):
        op = bt.elementwise(name, np.negative, derivative=lambda x: -1.0 + 0.0 * x)
        node = op(x)
        assert not node.is_var and not node.is_const
        assert repr(node) == f"{name}(x)"
        assert sym.to_text(node).splitlines()[-1] == f"t1 = {name}(x)"
        assert sym.evaluate(node, {x: 2.0}) == -2.0
        assert sym.evaluate(sym.simplify(sym.grad(node, x)), {x: 2.0}) == -1.0
        program = sym.compile(node, [x])
        assert program(5.0) == -5.0


def test_user_primitive_named_add_prints_as_a_call():
    a, b = sym.var("a"), sym.var("b")
    fake_add = bt.primitive("add", forward=lambda a, b: a - b,
                            vjp=[lambda g, out, a, b: g, lambda g, out, a, b: -g],
                            jvp=[lambda t, out, a, b: t, lambda t, out, a, b: -t])
    assert sym.to_latex(fake_add(a, b)) == "\\mathrm{add}\\left(a, b\\right)"
    assert sym.to_latex(a + b) == "a + b"


def drawn(engine, fun):
    """DOT text of ``fun(a, b)`` as the engine draws it (tape circuit or symbolic graph)."""
    if engine == "tape":
        a, b = (tape.Tensor(v, requires_grad=True, name=n) for v, n in [(2.0, "a"), (3.0, "b")])
    else:
        a, b = sym.var("a"), sym.var("b")
    return bt.draw_dot(fun(a, b))


def test_user_primitive_named_mul_is_drawn_with_its_name(engine):
    fake = plus_one_mul()
    text = drawn(engine, fake)
    assert "×" not in text and re.search(r"\bmul\b", text)
    assert re.findall(r'headlabel="(\d)"', text) == ["0", "1"]      # argument order shown
    builtin = drawn(engine, lambda a, b: a * b)
    assert "×" in builtin and "headlabel" not in builtin             # commutative: no order


def test_two_vars_with_one_name_are_not_fed_by_that_name():
    a1, a2 = sym.var("a"), sym.var("a")
    with pytest.raises(bt.BackpropError, match=r"'a'.*2 different vars.*nodes"):
        sym.evaluate(a1 - a2, {"a": 1.0})
    assert sym.evaluate(a1 - a2, {a1: 1.0, a2: 3.0}) == 1.0 - 3.0
    b = sym.var("b")
    assert sym.evaluate(a1 * b, {"a": 2.0, "b": 5.0}) == 10.0   # one var per name: fine


# -- item 9: dtypes kept -----------------------------------------------------------------
def test_stack_keeps_a_python_float_in_float64(engine):
    value, pullback = bt.vjp(lambda x: bt.stack([x, 0.1]), 3.0, engine=engine)
    reference = np.stack([3.0, 0.1])
    assert value.dtype == reference.dtype and value[1] == reference[1] == 0.1
    assert pullback(np.array([1.0, 1.0])) == (1.0,)


@pytest.mark.parametrize("x, other", [(np.float32(3.0), np.float32(0.1)),
                                      (np.float32(3.0), 0.1),
                                      (3.0, np.float32(0.1))])
def test_stack_dtypes_follow_numpy_on_both_engines(x, other):
    reference = np.stack([np.asarray(x), np.asarray(other)])
    values = both_engines(lambda e: bt.vjp(lambda x: bt.stack([x, other]), x, engine=e)[0])
    for value in values:
        assert value.dtype == reference.dtype
        np.testing.assert_array_equal(value, reference)


def test_scatter_add_keeps_float_dtypes():
    assert P.scatter_add_p(0.1, index=(1,), shape=(2,))[1] == 0.1
    out32 = P.scatter_add_p(np.float32(0.1), index=(1,), shape=(2,))
    assert out32.dtype == np.float32
    assert P.scatter_add_p(3, index=(0,), shape=(2,)).dtype == np.float64


def test_evaluate_computes_in_the_declared_dtype():
    x = sym.var("x")
    square = sym.evaluate(x * x, {x: np.int8(16)})        # int8 would wrap 256 to 0
    assert square == 16.0 ** 2 and square.dtype == np.float64
    assert sym.evaluate(x * 2.0, {x: True}) == 2.0
    assert sym.compile(x * x, [x])(np.int8(16)) == 256.0
    x32 = sym.var("x32", dtype=np.float32)
    result = sym.evaluate(x32 * x32, {x32: 0.1})
    assert result.dtype == np.float32 and result == np.float32(0.1) * np.float32(0.1)


def test_tangents_and_cotangents_of_other_real_types_compute_in_the_primal_dtype(engine):
    x = np.float32(3.0)
    for t in (np.int8(100), True):
        _, tangent = bt.jvp(lambda x: x * x, (x,), (t,), engine=engine)
        assert tangent == 2 * 3.0 * float(t) and tangent.dtype == np.float32
        (cotangent,) = bt.vjp(lambda x: x * x, x, engine=engine)[1](t)
        assert cotangent == 2 * 3.0 * float(t) and cotangent.dtype == np.float32


@pytest.mark.parametrize("value", [1 + 2j, np.array(1 + 2j), np.array([object()]), "text"])
def test_evaluate_refuses_values_that_do_not_convert(value):
    x = sym.var("x", shape=np.shape(value))
    with pytest.raises(bt.DTypeError, match=r"var 'x'.*float64"):
        sym.evaluate(x * x, {x: value})


def test_an_integer_var_takes_only_safe_casts():
    n = sym.var("n", dtype=np.int8)
    assert sym.evaluate(n + n, {n: np.int8(3)}) == 6
    with pytest.raises(bt.DTypeError, match="var 'n'"):
        sym.evaluate(n + n, {n: np.int64(300)})


@pytest.mark.parametrize("build", [lambda x: x + 0.0, lambda x: 0.0 + x, lambda x: x - 0.0,
                                   lambda x: x * 1.0, lambda x: 1.0 * x, lambda x: x / 1.0,
                                   lambda x: x ** 1.0])
def test_simplify_keeps_numpys_promotion_of_integers(build):
    n = sym.var("n", dtype=np.int8)
    reference = build(np.int8(100))                       # numpy: a float64 result
    got = sym.evaluate(sym.simplify(build(n)), {n: np.int8(100)})
    assert got == reference and np.asarray(got).dtype == np.asarray(reference).dtype


@pytest.mark.parametrize("build", [lambda x: x + np.zeros(3), lambda x: x * np.ones(3),
                                   lambda x: x - np.zeros(3), lambda x: x / np.ones(3)])
def test_float32_promoted_by_float64_data_on_both_engines(engine, build):
    """float32 + a float64 array is float64 in numpy; ``x + 0`` must not drop that."""
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    reference = build(x)
    value, pullback = bt.vjp(build, x, engine=engine)
    assert value.dtype == reference.dtype == np.float64
    np.testing.assert_array_equal(value, reference)
    (cotangent,) = pullback(np.ones(3))
    np.testing.assert_allclose(cotangent, bt.numerical_grad(lambda x: np.sum(build(x)), x),
                               rtol=1e-6)


def test_simplify_still_drops_identities_that_keep_the_dtype():
    x32 = sym.var("x", shape=(3,), dtype=np.float32)
    assert sym.simplify(x32 + 0.0) is x32 and sym.simplify(x32 * 1.0) is x32
    assert sym.simplify(x32 + np.zeros(3, np.float32)) is x32
