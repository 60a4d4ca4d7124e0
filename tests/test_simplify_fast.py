"""The fast paths of the symbolic build at depth (issue 15, round two), each against the
general path it skips: the rule tries simplify leaves out, the walk's order, the result of
``grad`` on both engines.
"""

import importlib
import itertools

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import primitives as P
from backprop_toolkit import symbolic as sym
from backprop_toolkit.passes import toposort
from backprop_toolkit.symbolic import rewrites
from backprop_toolkit.symbolic.graph import graph_neighbours

from test_depth_build import graphs

simplify_module = importlib.import_module("backprop_toolkit.symbolic.simplify")


def operands():
    """Nodes without a constant among their inputs, of every kind a rule looks into."""
    a, b = sym.var("a", shape=(2, 2)), sym.var("b", shape=(2, 2))
    return [a, b, a * b, -a, a * 2.0, 3.0 * b, a - b, a + b, bt.sin(a)]


def built(prim, x, y):
    if prim is P.einsum_p:
        return prim(x, y, spec="ij,jk->ik")
    return prim(x, y)


@pytest.mark.parametrize("prim", sorted(rewrites.NEED_A_CONSTANT, key=lambda p: p.name),
                         ids=lambda p: p.name)
def test_no_rule_fires_without_a_constant_input(prim):
    for x, y in itertools.product(operands(), repeat=2):
        node = built(prim, x, y)
        if node.prim is not prim:
            continue
        assert not any(i.is_const for i in node.inputs)
        assert [rule(node) for rule in rewrites.RULES[prim]] == [None] * len(rewrites.RULES[prim])


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
@pytest.mark.parametrize("in_place", [False, True])
def test_skipping_rule_tries_changes_nothing(make, in_place, monkeypatch):
    outputs, _ = make()
    fast, fired = sym.simplify(outputs, report=True, in_place=in_place)
    fast_text = [sym.to_text(o) for o in fast]
    monkeypatch.setattr(simplify_module, "NEED_A_CONSTANT", frozenset())
    outputs, _ = make()
    slow, fired_slow = sym.simplify(outputs, report=True, in_place=in_place)
    assert [sym.to_text(o) for o in slow] == fast_text
    assert [r.rule for r in fired_slow] == [r.rule for r in fired]


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_the_in_place_loop_gives_the_general_loop_s_graph(make):
    outputs, inputs = make()
    general, _ = sym.simplify(outputs, report=True, in_place=True)   # report: the general loop
    outputs2, inputs2 = make()
    fast = sym.simplify(outputs2, in_place=True)
    assert [sym.to_text(o) for o in fast] == [sym.to_text(o) for o in general]
    for n in sym.nodes(fast):                                         # inputs before users
        assert all(i.serial < n.serial for i in n.inputs)
    rng = np.random.default_rng(1)
    values = [rng.standard_normal(v.shape) for v in inputs]
    for a, b in zip(sym.compile(general, inputs)(*values), sym.compile(fast, inputs2)(*values)):
        np.testing.assert_array_equal(a, b)


def reference_toposort(outputs, stop=(), neighbours=lambda n: n.inputs, since=None):
    """The walk as it was written first: the order every caller expects."""
    stop_ids = {id(n) for n in stop}
    order, done, stack = [], set(), list(reversed(outputs))
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        waiting = False
        if id(node) not in stop_ids:
            for child in reversed(neighbours(node)):
                if id(child) not in done and (since is None or child.serial >= since):
                    stack.append(child)
                    waiting = True
        if not waiting:
            done.add(id(node))
            order.append(node)
            stack.pop()
    return order


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_toposort_keeps_its_order(make):
    outputs, inputs = make()
    assert toposort(outputs) == reference_toposort(outputs)
    assert toposort(outputs, stop=inputs[:1]) == reference_toposort(outputs, stop=inputs[:1])
    assert (toposort(outputs, neighbours=graph_neighbours)
            == reference_toposort(outputs, neighbours=graph_neighbours))
    since = max(i.serial for i in inputs)
    assert toposort(outputs, since=since) == reference_toposort(outputs, since=since)


def deep(x, depth=300):
    for k in range(depth):
        x = bt.sin(x) * 0.3 + x if k % 3 else bt.cos(x) * 0.5 + x * 0.9
    return x


@pytest.mark.parametrize("x0", [0.7, -1.3])
def test_deep_grad_agrees_across_engines(x0):
    symbolic = bt.grad(deep, engine="symbolic")(x0)
    tape = bt.grad(deep, engine="tape")(x0)
    np.testing.assert_allclose(symbolic, tape, rtol=1e-12)
    vs, gs = bt.value_and_grad(deep, engine="symbolic")(x0)
    np.testing.assert_allclose(gs, tape, rtol=1e-12)
    np.testing.assert_allclose(vs, deep(x0), rtol=1e-12)
    short = lambda x: deep(x, 12)  # noqa: E731 (at 300 the derivative is below differences)
    h = 1e-6
    np.testing.assert_allclose(bt.grad(short, engine="symbolic")(x0),
                               (short(x0 + h) - short(x0 - h)) / (2 * h), rtol=1e-5)
