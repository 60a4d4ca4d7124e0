"""The symbolic engine's build at depth: in-place simplify, a program holding no node,
a schedule built from the last node back, the CSE table's two levels (issue 15).

Each fast path is checked against the path it replaces: the copying simplify, the
schedule's frees as the forward rule finds them, the tape engine, the closed form.
"""

import gc

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit.examples import book_f
from backprop_toolkit.symbolic import cse
from backprop_toolkit.symbolic.schedule import with_frees


def sin_chain(x, depth):
    for _ in range(depth):
        x = bt.sin(x)
    return x


def graphs():
    """``(outputs, inputs)`` builders: chains, shared subexpressions, rewrites that fire."""
    def chain():
        x = sym.var("x")
        y = sin_chain(x, 40)
        return [y, sym.grad(y, x)], [x]

    def book():
        w = sym.var("w")
        f = book_f()
        z = f(f(f(w)))
        return [sym.grad(sym.grad(z, w), w)], [w]

    def shared():
        a, b = sym.var("a"), sym.var("b")
        twice = bt.sin(a * b) + bt.sin(a * b)            # twins: merged by CSE
        y = -(-(twice * 1.0)) + (a - a) + 0.0 * b + bt.exp(2.0 * (3.0 * b))
        return [y] + sym.grad(y, [a, b]), [a, b]

    def wide():
        x = sym.var("x", shape=(3,))
        terms = [bt.sin(x + 0.1 * i) for i in range(6)]
        y = bt.sum(terms[0] + terms[1] + terms[2] * terms[3] + terms[4] / (terms[5] + 3.0))
        return [y, sym.grad(y, x)], [x]

    return [chain, book, shared, wide]


def feeds(inputs, rng):
    return [rng.standard_normal(v.shape) for v in inputs]


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_simplify_in_place_gives_the_copying_simplify_s_graph(make):
    rng = np.random.default_rng(0)
    outputs, inputs = make()
    copied = sym.simplify(outputs)
    kept = [sym.to_text(o) for o in outputs]
    outputs2, inputs2 = make()
    rewired = sym.simplify(outputs2, in_place=True)
    assert [sym.to_text(o) for o in outputs] == kept          # the copying one changed nothing
    assert len(sym.nodes(rewired)) == len(sym.nodes(copied))
    assert [n.op for n in sym.nodes(rewired)] == [n.op for n in sym.nodes(copied)]
    for n in sym.nodes(rewired):                               # inputs made before their users
        assert all(i.serial < n.serial for i in n.inputs)
    values = feeds(inputs, rng)
    for a, b in zip(sym.compile(copied, inputs)(*values), sym.compile(rewired, inputs2)(*values)):
        np.testing.assert_allclose(a, b, rtol=1e-14)


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_cse_keys_sharing_a_hash_are_told_apart(make, monkeypatch):
    outputs, _ = make()
    expected = [n.op for n in sym.nodes(sym.simplify(outputs))]
    monkeypatch.setattr(cse, "hash", lambda key: 0, raising=False)
    assert [n.op for n in sym.nodes(sym.simplify(outputs))] == expected


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_a_consumed_build_gives_the_same_schedule(make):
    rng = np.random.default_rng(1)
    outputs, inputs = make()
    kept = sym.compile(outputs, inputs)
    outputs, inputs = make()
    consumed = sym.compile(outputs, inputs, consume=True)
    def plain(steps):  # book_f() makes its primitives afresh: compared by name
        return [(s.node.prim.name, *s[1:5]) for s in steps]

    assert plain(consumed.steps) == plain(kept.steps)
    # the frees found from the last step back are the ones the forward rule finds
    again = with_frees(list(kept.steps), len(kept.initial), kept.output_slots, kept._consts)
    assert [s.frees for s in again] == [s.frees for s in kept.steps]
    values = feeds(inputs, rng)
    for a, b in zip(kept(*values), consumed(*values)):
        np.testing.assert_allclose(a, b, rtol=0)


def test_a_program_holds_no_node_but_its_inputs():
    x = sym.var("x")
    y = sin_chain(x, 30)
    program = sym.compile([y, sym.grad(y, x)], [x])
    held = [v for k, v in vars(program).items() if k != "inputs"]
    for step in program.steps:
        held.extend(step)
        held.extend(step.node)
    seen = held + [r for obj in held for r in gc.get_referents(obj)]
    assert not any(isinstance(obj, sym.Node) for obj in seen)
    assert program(0.4)[0] == pytest.approx(sym.evaluate(y, {x: 0.4}))


def test_a_failing_step_still_names_its_primitive_and_line():
    x = sym.var("x", shape=(3,))
    y = bt.reshape(x, (3,))
    program = sym.compile([bt.matmul(y, y)], [x])
    step = program.steps[-1]
    assert step.node.prim.name == "matmul" and step.node.where[0] == __file__
    with pytest.raises(bt.BackpropError, match="matmul"):
        program._run(program.steps, [np.ones((3, 2))] + program.initial[1:])


def test_sparse_serial_numbers_take_the_dict():
    x = sym.var("x")
    for _ in range(500):  # serial numbers pass by: the graph's are far apart
        sym.constant(1.0)
    y = bt.sin(x) * bt.cos(x)
    program = sym.compile([y, sym.grad(y, x)], [sym.var("unused"), x])
    value, slope = program(0.0, 0.3)
    assert value == pytest.approx(np.sin(0.3) * np.cos(0.3))
    assert slope == pytest.approx(np.cos(0.6))


def test_a_deep_chain_through_the_transforms_matches_the_tape_and_the_closed_form():
    depth, x0 = 20_000, 0.7
    expected, x = 1.0, x0
    for _ in range(depth):
        expected *= np.cos(x)
        x = np.sin(x)
    symbolic = bt.grad(lambda v: sin_chain(v, depth), engine="symbolic")(x0)
    assert symbolic == pytest.approx(expected, rel=1e-11)
    assert symbolic == pytest.approx(bt.grad(lambda v: sin_chain(v, depth))(x0), rel=1e-12)
    value, vjp = bt.vjp(lambda v: sin_chain(v, depth), x0, engine="symbolic")
    assert vjp(1.0)[0] == pytest.approx(expected, rel=1e-11)
    tangent = bt.jvp(lambda v: sin_chain(v, depth), (x0,), (1.0,), engine="symbolic")[1]
    assert tangent == pytest.approx(expected, rel=1e-11)
