"""The checks behind the exercises' test cells (backprop_toolkit.exercises), called directly.

A specific wrong answer gives a message naming the wrong entry by its inputs, the
expected and found values and the mistake, as the student wrote it; a swapped
pair of returns is recognised as swapped; a composite where a primitive is asked
gets a sentence; the toolkit's autodiff is refused inside the student's function.
"""

import inspect
import json
import pathlib

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import exercises as ex
from backprop_toolkit.exercises import trace_table

COURSE = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "exercises" / "source"


def fails_with(check, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


# -- rules -----------------------------------------------------------------------------------

def vjp_right(g, out, x):
    return g * bt.sigmoid(x)


def vjp_flipped(g, out, x):
    return -g * bt.sigmoid(x)


def test_rules_right_rules_pass_on_numbers_and_engines():
    ex.check_softplus_rules(vjp_right, vjp_right)
    ex.check_softplus_on_engines(vjp_right, vjp_right, x=[[0.5, -2.5], [3.0, 0.0]])


def test_rules_sign_flip_is_named_by_input():
    message = fails_with(ex.check_softplus_rules, vjp_flipped, vjp_right)
    g = np.random.default_rng(0).uniform(0.5, 2.0, 5)
    assert message.startswith(f"softplus_vjp(g, out, x) at x = 3, g = {g[4]:.4g}: expected ")
    assert "(5 of 5 wrong); the sign is flipped" in message
    message = fails_with(ex.check_softplus_on_engines, vjp_right, vjp_flipped, x=[0.5, -1.0])
    assert message.startswith("softplus on the tape engine: softplus (tape): JVP")
    message = fails_with(ex.check_softplus_on_engines, vjp_flipped, vjp_right, x=[0.5, -1.0])
    assert "VJP for input x[" in message


def test_rules_numpy_inside_a_rule_is_explained():
    """np.exp has an entry in the op language, so a rule may use it; np.ldexp has none."""
    ex.check_softplus_on_engines(lambda g, out, x: g / (1 + np.exp(-x)),
                                 lambda t, out, x: t / (1 + np.exp(-x)), x=[0.5, -1.0])

    def without(g, out, x):
        return g / (1 + np.exp(-np.ldexp(x, 0)))       # ldexp(x, 0) = x * 2**0 = x

    ex.check_softplus_rules(without, without)  # right on numbers
    message = fails_with(ex.check_softplus_on_engines, without, without, x=[0.5, -1.0])
    assert "the vjp rule of softplus raised BackpropError" in message
    assert "bt.* ops" in message and "np.ldexp" in message
    assert "in your code, line" in message and "np.ldexp(x, 0)" in message


def test_rules_composite_where_a_primitive_is_asked_gets_a_sentence():
    def softplus(x):
        return bt.log(1 + bt.exp(x))

    message = fails_with(ex.check_rule_on_engines, softplus, (np.array([0.5]),))
    assert message.startswith("softplus is a plain function (a composite of ops), not a "
                              "primitive")
    assert "bt.primitive(name, forward=..., vjp=..., jvp=...)" in message


def test_rules_rule_calling_autodiff_is_refused(engine):
    def by_grad(g, out, x):
        return g * bt.grad(lambda y: bt.sum(bt.log(1 + bt.exp(y))), engine=engine)(x)

    message = fails_with(ex.check_softplus_rules, by_grad, vjp_right)
    assert message.startswith("softplus_vjp(g, out, x) called bt.grad, which is switched off")


# -- two_layer -------------------------------------------------------------------------------

def reference_backward(W1, W2, x, t, delta1_sign=1.0):
    z1 = np.tanh(W1 @ x)
    delta2 = W2 @ z1 - t
    delta1 = delta1_sign * (1 - z1 ** 2) * (W2.T @ delta2)
    return np.outer(delta1, x), np.outer(delta2, z1)


def test_two_layer_wrong_sign_of_delta1_is_named():
    ex.check_two_layer(reference_backward)
    message = fails_with(ex.check_two_layer,
                         lambda *a: reference_backward(*a, delta1_sign=-1.0))
    W1, W2, x, t = ex.two_layer_problem()
    expected = bt.grad(ex.two_layer_loss, argnums=0)(W1, W2, x, t)
    i, j = np.unravel_index(np.argmax(np.abs(expected)), expected.shape)
    assert message.startswith(f"dL/dW1[{i}, {j}]: expected {expected[i, j]:.4g}, "
                              f"got {-expected[i, j]:.4g}")
    assert message.endswith("your delta for layer 1 has the wrong sign")


def test_two_layer_transpose_is_named():
    message = fails_with(ex.check_two_layer,
                         lambda *a: (reference_backward(*a)[0].T, reference_backward(*a)[1]))
    assert message == ("dL/dW1: expected shape (4, 3), got shape (3, 4); it looks transposed "
                       "(its transpose is right)")


def test_two_layer_swapped_pair_is_named():
    message = fails_with(ex.check_two_layer, lambda *a: reference_backward(*a)[::-1])
    assert message.startswith("backward returned (dL/dW2, dL/dW1), the pair swapped")


def test_two_layer_autodiff_and_its_errors_are_refused(engine):
    def by_grad(W1, W2, x, t):
        try:
            return bt.grad(ex.two_layer_loss, (0, 1), engine=engine)(W1, W2, x, t)
        except bt.BackpropError:  # caught: still refused
            return reference_backward(W1, W2, x, t, delta1_sign=-1.0)

    message = fails_with(ex.check_two_layer, by_grad)
    assert message.startswith("backward(W1, W2, x, t) called bt.grad, which is switched off")

    def raises(W1, W2, x, t):
        return {}["dW1"]

    message = fails_with(ex.check_two_layer, raises)
    assert message.startswith("backward(W1, W2, x, t) raised KeyError: 'dW1'")
    assert message.endswith('in your code, line '
                            f'{raises.__code__.co_firstlineno + 1}: return {{}}["dW1"]')


def test_two_layer_finite_differences_and_the_checks_hints_are_refused():
    def by_differences(W1, W2, x, t):
        return bt.numerical_grad(ex.two_layer_loss, W1, W2, x, t, argnums=(0, 1))

    message = fails_with(ex.check_two_layer, by_differences)
    assert message.startswith("backward(W1, W2, x, t) called bt.numerical_grad, which is "
                              "switched off")

    def from_the_hints(W1, W2, x, t):
        from backprop_toolkit.exercises import two_layer
        return two_layer._mistakes(W1, W2, x, t)[1][0][0] * -1, np.zeros((2, 4))

    message = fails_with(ex.check_two_layer, from_the_hints)
    assert message.startswith("backward(W1, W2, x, t) called the checks' hints")


def test_two_layer_a_derivative_compiled_before_is_refused():
    """sym.grad where autodiff is on, its compiled program run inside backward."""
    W1, W2, x, t = (bt.symbolic.var(n, s) for n, s in (("W1", (4, 3)), ("W2", (2, 4)),
                                                       ("x", (3,)), ("t", (2,))))
    program = bt.symbolic.compile(bt.symbolic.grad(ex.two_layer_loss(W1, W2, x, t), [W1, W2]),
                                  [W1, W2, x, t])
    message = fails_with(ex.check_two_layer, lambda *args: tuple(program(*args)))
    assert message.startswith("backward(W1, W2, x, t) called a symbolic graph (sym.evaluate")


def test_two_layer_result_that_is_not_numbers_is_named():
    message = fails_with(ex.check_two_layer, lambda *a: (np.zeros((4, 3)), "dW2"))
    assert message.startswith("dL/dW2: expected numbers, got str")
    message = fails_with(ex.check_two_layer, lambda *a: np.zeros((4, 3)))
    assert message.startswith("backward must return a pair (dW1, dW2), got ndarray")


# -- derivative_graph ------------------------------------------------------------------------

def test_derivative_graph_wrong_node_is_named():
    def rebuilds_a(u, v, a, b, z):
        dz_da = u * bt.cos(u * v)
        return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v + b, "dz/dv": dz_da * u}

    message = fails_with(ex.check_derivative_graph_structure, rebuilds_a)
    assert message.startswith("dz/da: expected cos(a) of the forward node a, found cos(mul(u, v))")
    ex.check_derivative_graph_values(rebuilds_a)  # right numbers, wrong graph

    def forgets_b(u, v, a, b, z):
        dz_da = u * bt.cos(a)
        return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v, "dz/dv": dz_da * u}

    message = fails_with(ex.check_derivative_graph_structure, forgets_b)
    assert message.startswith("dz/du: expected add(mul(dz/da, v), b)")
    assert message.endswith("found mul(dz/da, v)")
    message = fails_with(ex.check_derivative_graph_values, forgets_b)
    assert message.startswith("dz/du at u=0.5, v=-1.5: expected -1.23, got -0.5488")


def right_graph(u, v, a, b, z):
    dz_da = u * bt.cos(a)
    return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v + b, "dz/dv": dz_da * u}


def test_derivative_graph_swapped_pair_is_named():
    def swapped(u, v, a, b, z):
        grads = right_graph(u, v, a, b, z)
        grads["dz/du"], grads["dz/dv"] = grads["dz/dv"], grads["dz/du"]
        return grads

    message = fails_with(ex.check_derivative_graph_values, swapped)
    assert message == ("at u=0.5, v=-1.5 your dz/du is dz/dv and your dz/dv is dz/du: the two "
                       "are swapped")


def test_derivative_graph_sym_grad_is_refused_and_foreign_nodes_are_named():
    def by_sym_grad(u, v, a, b, z):
        du, dv = bt.symbolic.grad(z, [u, v])
        return {"dz/db": u, "dz/da": u * bt.cos(a), "dz/du": du, "dz/dv": dv}

    message = fails_with(ex.check_derivative_graph_values, by_sym_grad)
    assert message.startswith("build(u, v, a, b, z) called sym.grad, which is switched off")
    mine = bt.primitive("mine", forward=np.cos, vjp=lambda g, out, x: g)

    def own_primitive(u, v, a, b, z):
        return {**right_graph(u, v, a, b, z), "dz/dv": u * mine(a) * u}

    message = fails_with(ex.check_derivative_graph_values, own_primitive)
    assert message.startswith("dz/dv holds a node that is not one of the toolkit's")


# -- trace_table -----------------------------------------------------------------------------

def right_trace(x1, x2, dx1, dx2):
    w3, w4 = x1 * x2, np.sin(x1)
    dw3, dw4 = dx1 * x2 + x1 * dx2, np.cos(x1) * dx1
    return [(x1, dx1), (x2, dx2), (w3, dw3), (w4, dw4), (w3 + w4, dw3 + dw4)]


def test_trace_table_wrong_row_is_named():
    def trace(x1, x2, dx1, dx2):
        rows = [(x1, dx1), (x2, dx2), (x1 * x2, dx1 * x2 + x1 * dx2)]
        rows.append((np.sin(x1), np.sin(x1) * dx1))          # sin' = sin: wrong
        rows.append((rows[2][0] + rows[3][0], rows[2][1] + rows[3][1]))
        return rows

    message = fails_with(ex.check_trace_table, trace, 1.5, -0.5, 1.0, 0.0)
    assert message == ("row w4 = sin(w1): tangent dw4 (x1=1.5, x2=-0.5, seed dx1=1.0, dx2=0.0): "
                       "expected 0.07074, got 0.9975; dw4 = sin(w1) * dw1: d sin(w1) = cos(w1) dw1")


VISIBLE = (1.5, -0.5, 0.5, 3.0)
"""The visible test's point and seed (the notebook's test cell)."""


def test_trace_table_visible_point_tells_the_mistakes_apart():
    """At the visible test's point, each usual mistake gives its own tangent, not the right
    one: the hint names what the student wrote (elsewhere a hint may list several)."""
    rows = trace_table.expected_rows(*VISIBLE)
    for (w, dw), wrong in zip(rows, trace_table.hints(*VISIBLE)):
        values = [dw] + [value for value, _ in wrong]
        assert all(abs(a - b) > 1e-3 for i, a in enumerate(values) for b in values[i + 1:]), (
            values)


def test_trace_table_a_mistake_two_hints_fit_gets_both():
    message = fails_with(ex.check_trace_table, mistaken(0, lambda *a: 1.0), 0.7, 2.0, 0.0, 1.0)
    assert message.endswith("dw1 = 1, a seed written in: the seed is dx1; or dw1 = dx2: w1 = "
                            "x1, so its tangent is the seed of x1, dx1")


def mistaken(row, tangent):
    """``right_trace`` with one row's tangent replaced by ``tangent(x1, x2, dx1, dx2)``."""
    def trace(*args):
        rows = right_trace(*args)
        rows[row] = (rows[row][0], tangent(*args))
        return rows
    return trace


@pytest.mark.parametrize("row, tangent, hint", [
    (2, lambda x1, x2, dx1, dx2: dx1 * x2, "the product rule's term w1 * dw2 is missing"),
    (3, lambda x1, x2, dx1, dx2: np.cos(x1), "the tangent dw1 is missing"),
    (0, lambda x1, x2, dx1, dx2: 1.0, "dw1 = 1, a seed written in"),
    (1, lambda x1, x2, dx1, dx2: 0.0, "dw2 = 0, a seed written in"),
])
def test_trace_table_visible_test_catches_the_common_mistakes(row, tangent, hint):
    message = fails_with(ex.check_trace_table, mistaken(row, tangent), *VISIBLE)
    assert message.startswith(f"row {ex.ROWS[row]}: tangent dw{row + 1}") and hint in message


def test_trace_table_swapped_pair_is_named():
    def swapped(*args):
        rows = right_trace(*args)
        rows[2] = rows[2][::-1]
        return rows

    message = fails_with(ex.check_trace_table, swapped, *VISIBLE)
    assert message.startswith("row w3 = w1 * w2 (x1=1.5, x2=-0.5, seed dx1=0.5, dx2=3.0): your "
                              "pair is (dw3, w3)")


def test_trace_table_the_checks_own_table_is_refused():
    ex.check_trace_table(right_trace, *VISIBLE)
    message = fails_with(ex.check_trace_table, trace_table.expected_rows, *VISIBLE)
    assert message.startswith("trace(x1, x2, dx1, dx2) called the checks' expected table")


def test_trace_table_jvp_is_refused(engine):
    def by_jvp(x1, x2, dx1, dx2):
        rows = right_trace(x1, x2, dx1, dx2)
        rows[4] = bt.jvp(ex.trace_function, (x1, x2), (dx1, dx2), engine=engine)
        return rows

    message = fails_with(ex.check_trace_table, by_jvp, *VISIBLE)
    assert message.startswith("trace(x1, x2, dx1, dx2) called bt.jvp, which is switched off")


# -- debug_backward --------------------------------------------------------------------------

def backward(root, accumulate=True, recursive=False):
    order, seen = [], set()
    if recursive:
        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)
        visit(root)
    else:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents if p not in seen)
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = parent.grad + local * node.grad if accumulate else local * node.grad


def test_debug_backward_bugs_are_named():
    for check in (ex.check_reused_node, ex.check_deep_chain, ex.check_diamond):
        check(backward)
    message = fails_with(ex.check_reused_node, lambda r: backward(r, accumulate=False))
    assert message.startswith("dy/dx for y = x * x + x at x = 3.0 (x.grad): expected 7, got 3; ")
    assert "+=" in message
    message = fails_with(ex.check_deep_chain, lambda r: backward(r, recursive=True))
    assert message.startswith("backward(root) for a chain of 10,000 nodes raised RecursionError")
    assert "explicit stack" in message
    message = fails_with(ex.check_diamond, lambda r: backward(r, accumulate=False))
    assert message.startswith("dc/da (a.grad) at x=0.5, y=-2.0: expected -1.5, got -1; ")


def test_debug_backward_recursion_is_caught_at_any_recursion_limit():
    import sys

    def deep_recursion(root):
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(100_000)
        try:
            backward(root, recursive=True)
        finally:
            sys.setrecursionlimit(limit)  # put back: only the depth tells

    message = fails_with(ex.check_deep_chain, deep_recursion)
    assert message.startswith("backward(root) for a chain of 10,000 nodes raised "
                              "RecursionError: backward went more than 50 calls deep")
    assert "explicit stack" in message
    ex.check_reused_node(lambda r: backward(r, recursive=True))  # 3 deep: fine

    def leaves_the_limit_raised(root):
        sys.setrecursionlimit(100_000)
        backward(root)

    message = fails_with(ex.check_reused_node, leaves_the_limit_raised)  # (the check restores it)
    assert message.startswith("y = x * x + x: backward changed the recursion limit")

    def lifts_the_watch(root):
        type(root).limit = 10 ** 9
        backward(root, recursive=True)

    message = fails_with(ex.check_reused_node, lifts_the_watch)
    assert message.startswith("y = x * x + x: backward changed the checks' Value class")


def test_debug_backward_value_is_the_notebooks():
    """The checks build their graphs with their own copy of the notebook's Value."""
    nb = json.loads((COURSE / "debug_backward" / "debug_backward.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    notebook = next(c for c in cells if c.startswith("class Value:"))
    assert inspect.getsource(ex.Value).strip() in notebook
