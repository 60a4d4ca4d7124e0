"""The symbolic engine used explicitly (README: "The symbolic engine, explicitly")."""

from collections import Counter

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit.examples import book_f, book_graph


def dtanh(v):
    return 1 - np.tanh(v) ** 2


# -- Figure 6.10 ---------------------------------------------------------------
def test_figure_6_10_is_exactly_the_books_graph():
    f = book_f()
    w = sym.var("w")
    dz_dw = sym.simplify(sym.grad(f(f(f(w))), w))
    counts = Counter(n.op for n in sym.nodes(dz_dw))
    assert counts == {"var": 1, "f": 3, "f'": 3, "mul": 2}
    # dz/dw = (f'(y) * f'(x)) * f'(w)
    assert dz_dw.op == "mul"
    left, fw = dz_dw.inputs
    assert fw.op == "f'" and fw.inputs == (w,)
    fy, fx = left.inputs
    assert (fy.op, fx.op) == ("f'", "f'")
    x = fx.inputs[0]
    y = fy.inputs[0]
    assert x.op == "f" and x.inputs == (w,) and y.op == "f" and y.inputs == (x,)


def test_figure_6_10_evaluates_and_differentiates_again():
    f = book_f()
    w = sym.var("w")
    dz_dw = sym.grad(f(f(f(w))), w)
    for value in (0.5, -1.3):
        x = np.tanh(value); y = np.tanh(x)
        assert sym.evaluate(dz_dw, {w: value}) == pytest.approx(
            dtanh(y) * dtanh(x) * dtanh(value), rel=1e-14)
    d2 = sym.grad(dz_dw, w)                      # the derivative graph, differentiated
    reference = bt.grad(bt.grad(lambda w: f(f(f(w)))))(0.5)       # the tape's answer
    assert sym.evaluate(d2, {"w": 0.5}) == pytest.approx(reference, rel=1e-12)
    assert sym.evaluate(sym.simplify(d2), {"w": 0.5}) == pytest.approx(reference, rel=1e-12)


def test_derivative_nodes_are_marked_and_named():
    w, z = book_graph()
    dz_dw = sym.simplify(sym.grad(z, w))
    listing = sym.nodes(dz_dw)
    names = {n.name for n in listing if n.is_derivative}
    assert {"dz/dy", "dz/dx", "dz/dw"} <= names
    assert {n.name for n in listing if not n.is_derivative} == {"w", "x", "y", "z"}
    assert "dz/dx = mul(dz/dy, t" in sym.to_text(dz_dw) or "dz/dx = mul(dz/dy, f'" in sym.to_text(dz_dw)


def test_to_text_one_equation_per_line():
    a = sym.var("a")
    b = sym.var("b")
    q = (a + b).named("q")
    text = sym.to_text(q * 2.0)
    assert text.splitlines() == ["a = var", "b = var", "q = add(a, b)", "t1 = mul(q, 2)"]


def test_to_latex():
    w = sym.var("w")
    assert sym.to_latex(w * w + bt.sin(w)) == "w \\cdot w + \\sin w"
    assert sym.to_latex((w + 1.0) * w) == "\\left(w + 1\\right) \\cdot w"
    assert sym.to_latex(bt.exp(-w) / (1.0 + w)) == "\\frac{e^{-w}}{1 + w}"


# -- grad, jvp ---------------------------------------------------------------------
def test_grad_list_matches_and_zero_for_unused():
    a, b, c = sym.var("a"), sym.var("b"), sym.var("c")
    ga, gb, gc = sym.grad(a * b, [a, b, c])
    assert sym.evaluate([ga, gb, gc], {"a": 2.0, "b": 3.0, "c": 1.0}) == [3.0, 2.0, 0.0]


def test_grad_with_seed_is_a_vjp(rng):
    x = sym.var("x", shape=(3,))
    u = sym.var("u", shape=(3,))
    g = sym.grad(bt.sin(x), x, seed=u)
    xv, uv = rng.standard_normal(3), rng.standard_normal(3)
    np.testing.assert_allclose(sym.evaluate(g, {x: xv, u: uv}), uv * np.cos(xv))


def test_grad_of_vector_output_needs_a_seed():
    x = sym.var("x", shape=(3,))
    with pytest.raises(bt.ShapeError, match=r"shape \(3,\).*seed"):
        sym.grad(x * 2.0, x)


def test_symbolic_jvp(rng):
    x = sym.var("x", shape=(2,))
    t = sym.var("t", shape=(2,))
    dot = sym.jvp(bt.exp(x) * x, x, [t])
    xv, tv = rng.standard_normal(2), rng.standard_normal(2)
    np.testing.assert_allclose(sym.evaluate(dot, {x: xv, t: tv}), np.exp(xv) * (1 + xv) * tv)


def test_grad_never_changes_the_forward_graph():
    w = sym.var("w")
    z = bt.sin(w) * w
    before = sym.to_text(z)
    sym.simplify(sym.grad(z, w))
    assert sym.to_text(z) == before and z.inputs[1] is w


# -- evaluate, compile ----------------------------------------------------------------
def test_evaluate_missing_input_names_it():
    a, b = sym.var("a"), sym.var("b")
    with pytest.raises(bt.BackpropError, match="no value for var 'b'"):
        sym.evaluate(a * b, {"a": 1.0})


def test_evaluate_wrong_shape_names_the_var():
    x = sym.var("x", shape=(3,))
    with pytest.raises(bt.ShapeError, match=r"var 'x'.*\(3,\).*\(2,\)"):
        sym.evaluate(bt.sum(x), {x: np.ones(2)})


def test_compile_reuses_one_graph_for_many_inputs(rng):
    x = sym.var("x", shape=(4,))
    y = bt.sum(bt.tanh(x) ** 2)
    g = sym.simplify(sym.grad(y, x))
    fast = sym.compile([y, g], [x])
    for _ in range(3):
        xv = rng.standard_normal(4)
        value, grad = fast(xv)
        assert value == pytest.approx(np.sum(np.tanh(xv) ** 2))
        np.testing.assert_allclose(grad, 2 * np.tanh(xv) * dtanh(xv), rtol=1e-13)


def test_compiled_schedule_frees_intermediates():
    x = sym.var("x")
    y = x
    for _ in range(10):
        y = bt.sin(y)
    program = sym.compile([y], [x])
    freed = [s for step in program.steps for s in step.frees]
    assert len(freed) == 10              # the input and 9 intermediates: all but the output
    assert program(0.3)[0] == pytest.approx(sym.evaluate(y, {x: 0.3}))


def test_compile_refuses_an_input_that_is_missing():
    a, b = sym.var("a"), sym.var("b")
    with pytest.raises(bt.BackpropError, match="var 'b'"):
        sym.compile(a * b, [a])


# -- simplify -------------------------------------------------------------------------
@pytest.mark.parametrize("build, expected_op", [
    (lambda x: x * 1.0, "var"),
    (lambda x: 1.0 * x + 0.0, "var"),
    (lambda x: x - 0.0, "var"),
    (lambda x: x / 1.0, "var"),
    (lambda x: x ** 1.0, "var"),
    (lambda x: -(-x), "var"),
    (lambda x: x * 0.0, "const"),
    (lambda x: x - x, "const"),
    (lambda x: x ** 0.0, "const"),
    (lambda x: (2.0 * 3.0 + 1.0) * x, "mul"),   # folded to a single const
    (lambda x: 0.0 - x, "neg"),
    (lambda x: bt.sin(x) + -bt.cos(x), "sub"),
    (lambda x: 2.0 * (3.0 * x), "mul"),
    (lambda x: (x * 3.0) * 2.0, "mul"),
    (lambda x: -bt.sin(x) + bt.cos(x), "sub"),
])
def test_rewrites(build, expected_op):
    x = sym.var("x")
    node = build(x)
    s = sym.simplify(node)
    assert s.op == expected_op
    for v in (0.7, -2.0):
        assert sym.evaluate(s, {x: v}) == pytest.approx(sym.evaluate(node, {x: v}))


def test_constant_folding_result():
    x = sym.var("x")
    s = sym.simplify((2.0 * 3.0 + 1.0) * x)
    assert s.inputs[0].op == "const" and float(s.inputs[0].value) == 7.0
    s = sym.simplify(2.0 * (x * 3.0))               # constants gathered across a product
    assert [i.op for i in s.inputs] == ["const", "var"] and float(s.inputs[0].value) == 6.0


def test_common_subexpressions_are_merged():
    x = sym.var("x")
    y = bt.sin(x) * bt.cos(x) + bt.sin(x) * bt.cos(x)
    s = sym.simplify(y)
    assert Counter(n.op for n in sym.nodes(s)) == {"var": 1, "sin": 1, "cos": 1, "mul": 1,
                                                    "add": 1}


def test_simplify_reports_what_fired_and_keeps_its_input():
    x = sym.var("x")
    y = x * 1.0 + bt.sin(x) * bt.sin(x) * 0.0
    before = sym.to_text(y)
    s, fired = sym.simplify(y, report=True)
    rules = [r.rule for r in fired]
    assert "times_one" in rules and "times_zero" in rules and "plus_zero" in rules
    assert "common subexpression" in rules
    assert sym.to_text(y) == before
    assert s is x
    assert all(" -> " in str(r) for r in fired)


def test_broadcast_is_not_lost_by_simplification():
    x = sym.var("x")                           # a scalar times ones(3) stays a vector
    y = x * np.ones(3)
    s = sym.simplify(y)
    assert s.shape == (3,)
    np.testing.assert_array_equal(sym.evaluate(s, {x: 2.0}), [2.0, 2.0, 2.0])


def test_a_known_branch_that_is_a_scalar_constant_is_spread_to_the_wheres_shape():
    """where(False, x, 0.0) of a vector is a vector of zeros (the constant branch does not fit
    the where's shape as it is); then x + zeros is x. Power's guards in a Hessian made these."""
    x = sym.var("x", shape=(4,))
    cond = sym.var("c", shape=()) * 0.0 == 1.0       # a constant False after folding
    y = bt.where(cond, bt.sin(x), 0.0) + bt.cos(x)
    s = sym.simplify(y)
    assert s.op == "cos" and s.shape == (4,)
    keep = sym.simplify(bt.where(cond, 0.0, bt.sin(x)))
    assert keep.op == "sin"
    value = np.linspace(-1, 1, 4)
    np.testing.assert_allclose(sym.evaluate(s, {x: value, "c": 1.0}), np.cos(value))


def test_rosenbrock_hessian_has_no_where_left_and_engines_agree(rng):
    def f(x):
        a, b = x[:-1], x[1:]
        return bt.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)

    x = rng.uniform(-1.5, 1.5, 7)
    hs = {e: bt.hessian(f, engine=e)(x) for e in ("tape", "symbolic")}
    np.testing.assert_allclose(hs["symbolic"], hs["tape"], rtol=1e-12, atol=1e-9)
    n = x.size
    exact = np.zeros((n, n))
    exact[np.arange(n - 1), np.arange(n - 1)] += 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    exact[np.arange(1, n), np.arange(1, n)] += 200
    exact[np.arange(n - 1), np.arange(1, n)] = exact[np.arange(1, n), np.arange(n - 1)] = \
        -400 * x[:-1]
    np.testing.assert_allclose(hs["symbolic"], exact, rtol=1e-12, atol=1e-9)
    xs, t = sym.var("x", shape=(n,)), sym.var("t", shape=(n,))
    hvp = sym.simplify(sym.jvp(sym.grad(f(xs), xs), xs, [t]))   # a Hessian column
    assert "where" not in {node.op for node in sym.nodes(hvp)}
    np.testing.assert_allclose(sym.evaluate(hvp, {xs: x, t: np.eye(n)[2]}), exact[:, 2],
                               rtol=1e-12)


# -- the lesson: control flow needs a static graph ----------------------------------
def test_python_if_on_a_node_points_to_where():
    x = sym.var("x")
    with pytest.raises(bt.ControlFlowError, match="bt.where"):
        if x > 0:
            pass
    with pytest.raises(bt.ControlFlowError):
        bt.grad(lambda x: x if x > 0 else -x, engine="symbolic")(1.0)
    assert bt.grad(lambda x: x if x > 0 else -x, engine="tape")(1.0) == 1.0
    assert bt.grad(lambda x: bt.where(x > 0, x, -x), engine="symbolic")(-1.0) == -1.0


def test_mixing_engines_is_an_error():
    x = sym.var("x")
    t = tape.Tensor(1.0, requires_grad=True)
    with pytest.raises(bt.EngineMixError, match="tape.*symbolic|symbolic.*tape"):
        x * t


def test_shape_error_when_building_names_op_and_line():
    a = sym.var("a", shape=(3,))
    b = sym.var("b", shape=(4,))
    with pytest.raises(bt.ShapeError) as info:
        a + b  # building this node fails
    assert "add" in str(info.value) and "(3,)" in str(info.value)
    assert "a + b  # building this node fails" in str(info.value)


def test_node_repr_and_attributes():
    w = sym.var("w", shape=(2,))
    y = bt.sin(w)
    assert (y.op, y.inputs, y.name, y.shape) == ("sin", (w,), None, (2,))
    assert repr(y) == "sin(w)"
    assert repr(w) == "var('w', shape=(2,))"
    assert w.op == "var" and sym.constant(2.0).op == "const"


def test_nodes_is_topological():
    w = sym.var("w")
    y = bt.exp(w) * bt.sin(w)
    listing = sym.nodes(y)
    position = {id(n): k for k, n in enumerate(listing)}
    for n in listing:
        assert all(position[id(i)] < position[id(n)] for i in n.inputs)
    assert listing[0] is w and listing[-1] is y


# -- the symbolic transforms: one graph per signature ----------------------------------
def test_transform_traces_once_per_signature():
    traces = []

    def f(x):
        traces.append(np.shape(x))
        return bt.sum(x ** 2)

    g = bt.grad(f, engine="symbolic")
    g(np.ones(3)); g(np.arange(3.0)); g(np.ones(3))
    assert len(traces) == 1
    np.testing.assert_array_equal(g(np.arange(3.0)), [0.0, 2.0, 4.0])
    g(np.ones(4))
    assert len(traces) == 2


def test_data_arguments_are_inputs_not_baked_in(rng):
    """Non-differentiated float data is fed, so new data does not reuse stale numbers."""
    loss = lambda w, x, t: bt.sum((x @ w - t) ** 2)
    g = bt.grad(loss, engine="symbolic")
    w = rng.standard_normal(3)
    for _ in range(2):
        x, t = rng.standard_normal((5, 3)), rng.standard_normal(5)
        np.testing.assert_allclose(g(w, x, t), 2 * x.T @ (x @ w - t), rtol=1e-12)


def test_integer_index_arguments_are_baked_in():
    g = bt.grad(lambda x, i: bt.sum(x[i]), engine="symbolic")
    np.testing.assert_array_equal(g(np.ones(4), np.array([0, 2])), [1, 0, 1, 0])
    np.testing.assert_array_equal(g(np.ones(4), np.array([3])), [0, 0, 0, 1])


def test_broadcast_scalar_one_is_simplified_away():
    x = sym.var("x", shape=(3,))
    one, zero = sym.constant(1.0), sym.constant(0.0)
    y = bt.broadcast_to(one, (3,)) * x + bt.broadcast_to(zero, (3,))
    s, fired = sym.simplify(y, report=True)
    assert s is x
    assert [r.rule for r in fired] == ["fold_constants", "times_one", "fold_constants",
                                       "plus_zero"]


def test_partial_program_recomputes_only_the_dynamic_part(rng):
    x = sym.var("x", shape=(3,))
    t = sym.var("t", shape=(3,))
    dot = sym.simplify(sym.jvp(bt.sum(bt.exp(bt.sin(x)) * x), x, [t]))
    program = sym.compile([dot], [x, t])
    xv = rng.standard_normal(3)
    run = program.partial(xv)
    for _ in range(2):
        tv = rng.standard_normal(3)
        assert run(tv)[0] == pytest.approx(program(xv, tv)[0], rel=1e-14)


def test_names_of_second_derivatives_are_parenthesised():
    w, z = book_graph()
    dz_dw = sym.simplify(sym.grad(z, w)).named("dz/dw")
    d2 = sym.grad(dz_dw, w)
    assert d2.name == "d(dz/dw)/dw"
    assert sym.to_latex(sym.var("d(dz/dw)/dw")) == \
        "\\frac{\\partial \\frac{\\partial z}{\\partial w}}{\\partial w}"


def test_closure_values_are_baked_in_at_the_first_call_as_documented():
    """The README's warning, checked: a closure's number is read once per signature."""
    scale = [2.0]
    f = lambda x: scale[0] * x ** 2                      # noqa: E731
    g = bt.grad(f, engine="symbolic")
    assert g(1.0) == 4.0
    scale[0] = 3.0
    assert g(1.0) == 4.0                                 # the compiled graph is reused
    assert bt.grad(f, engine="symbolic")(2.0) == 8.0     # same fun object: same cache
    assert bt.grad(f, engine="tape")(1.0) == 6.0         # the tape reads it every time
