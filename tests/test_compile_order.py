"""The transforms' private build without walks (issue 15, W3 symbolic): ``simplify_to_compile``
takes the graph in serial order and lists the simplified graph for ``compile(..., order=)``,
which then needs no walk of its own. Each is checked against the path it replaces (the
in-place ``simplify`` and a compile that walks the graph): the same numbers, bit for bit,
the same steps, and the transforms on both engines. Also the node made without
``Node.__init__`` (``Node.apply``): its user line, shape and dtype as before.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit.passes import by_serial, toposort

from test_depth_build import graphs


def feeds(inputs, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(v.shape) for v in inputs]


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_by_serial_lists_toposort_s_nodes_inputs_first(make):
    outputs, _ = make()
    walked, listed = toposort(outputs), by_serial(outputs + outputs[:1])  # twice: listed once
    assert sorted(map(id, listed)) == sorted(map(id, walked))
    place = {id(n): k for k, n in enumerate(listed)}
    assert all(place[id(i)] < place[id(n)] for n in listed for i in n.inputs)


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_the_listing_holds_the_simplified_graph_inputs_first(make):
    outputs, _ = make()
    results, order = sym.simplify_to_compile(outputs)
    place = {id(n): k for k, n in enumerate(order)}
    assert len(place) == len(order)                        # each node once
    needed = toposort(results)
    assert all(id(n) in place for n in needed)             # rule-made nodes too
    assert all(place[id(i)] < place[id(n)] for n in needed for i in n.inputs)


@pytest.mark.parametrize("make", graphs(), ids=lambda f: f.__name__)
def test_compiling_the_listing_gives_the_walked_program(make):
    outputs, inputs = make()
    walked = sym.compile(sym.simplify(outputs, in_place=True), inputs, consume=True)
    outputs, inputs2 = make()
    results, order = sym.simplify_to_compile(outputs)
    listed = sym.compile(results, inputs2, consume=True, order=order)
    assert order == [()] * len(order)                      # consumed as it went
    assert len(listed.steps) == len(walked.steps)          # nothing no output needs
    names = sorted(s.node.prim.name for s in walked.steps)  # in another order: serial, not
    assert sorted(s.node.prim.name for s in listed.steps) == names        # depth-first
    values = feeds(inputs, 2)
    for a, b in zip(walked(*values), listed(*values)):
        np.testing.assert_array_equal(a, b)


def test_a_listing_with_unneeded_nodes_compiles_only_what_is_needed():
    x, unused = sym.var("x"), sym.var("unused")
    y = bt.sin(x) * 2.0
    dead = [bt.cos(x), sym.constant(5.0), unused, bt.exp(unused)]
    program = sym.compile([y], [x], order=by_serial([y] + dead))
    assert [s.node.prim.name for s in program.steps] == ["sin", "mul"]
    assert [program.initial[s] for s in program._consts] == [2.0]   # 5.0 is not kept
    assert program(0.3)[0] == np.sin(0.3) * 2.0


def with_constants(x, depth=30):
    """A function on which every rule of ``simplify`` that makes nodes fires."""
    y = bt.sin(x) * 1.0 + 0.0 * x
    for k in range(depth):
        y = 2.0 * (0.5 * bt.sin(y)) + (-(-y)) * 0.25 - (x - x) + bt.cos(y) / 1.0
    return bt.sum(y * y) if np.ndim(x) else y * y


@pytest.mark.parametrize("x0", [0.7, np.array([0.3, -1.1, 2.0])])
def test_the_transforms_agree_across_engines(x0):
    grads = {e: bt.grad(with_constants, engine=e)(x0) for e in ("symbolic", "tape")}
    np.testing.assert_allclose(grads["symbolic"], grads["tape"], rtol=1e-12)
    t = np.ones_like(x0)
    tangents = {e: bt.jvp(with_constants, (x0,), (t,), engine=e)[1] for e in ("symbolic", "tape")}
    np.testing.assert_allclose(tangents["symbolic"], tangents["tape"], rtol=1e-12)
    out, pullback = bt.vjp(with_constants, x0, engine="symbolic")
    np.testing.assert_allclose(pullback(np.ones_like(out))[0], grads["tape"], rtol=1e-12)
    short, h = (lambda v: with_constants(v, 3)), 1e-6  # noqa: E731
    central = (short(x0 + h) - short(x0 - h)) / (2 * h)
    np.testing.assert_allclose(np.sum(bt.grad(short, engine="symbolic")(x0)), np.sum(central),
                               rtol=1e-6)


def test_the_transforms_give_the_walked_path_s_numbers_bit_for_bit():
    x0 = np.array([0.3, -1.1, 2.0])
    x = sym.var("x", shape=(3,))
    y = with_constants(x)
    walked = sym.compile(sym.simplify([y] + sym.grad(y, [x]), in_place=True), [x])
    value, grad = bt.value_and_grad(with_constants, engine="symbolic")(x0)
    expected = walked(x0)
    np.testing.assert_array_equal(value, expected[0])
    np.testing.assert_array_equal(grad, expected[1])


# -- nodes made faster: the user's line from Primitive.__call__'s caller, dtypes by class ---
def test_a_node_names_the_line_that_made_it_however_the_op_was_called():
    import inspect

    x = sym.var("x", shape=(3,))
    here = inspect.currentframe().f_lineno
    made = [bt.sin(x), x * 2.0, bt.reshape(x, (3,)) + x, np.cos(x), bt.sum(x)]
    for node in made:
        assert node.where == (__file__, here + 1), node
    with pytest.raises(bt.ShapeError, match=rf"test_compile_order.py:{here + 5}"):
        bt.matmul(x, sym.var("y", shape=(2,)))


def test_node_dtypes_and_shapes_as_before():
    x = sym.var("x", shape=(2, 3), dtype=np.float32)
    assert x.dtype == np.dtype(np.float32) and isinstance(x.dtype, np.dtype)
    assert sym.var("i", dtype="int64").dtype == np.dtype(np.int64)
    assert (x * sym.var("r", shape=(3,))).shape == (2, 3)
    assert (x * x).shape == (2, 3) and (x * x).dtype == np.float32
    with pytest.raises(bt.ShapeError):
        x + sym.var("bad", shape=(4,))


def test_a_node_made_by_a_rule_with_a_list_shape_or_a_dtype_type():
    from backprop_toolkit.dispatch import Primitive

    twice = Primitive("twice_listed", lambda a: 2 * a, lambda s: list(s),
                      [lambda g, out, a: 2.0 * g], [lambda t, out, a: 2.0 * t])
    x = sym.var("x", shape=(2, 3))
    node = twice(x)
    assert type(node.shape) is tuple and node.shape == (2, 3)
    cast = x.astype(np.float32)
    assert cast.dtype == np.dtype(np.float32) and isinstance(cast.dtype, np.dtype)
    assert sym.compile(twice(cast), [x])(np.ones((2, 3))).dtype == np.float32


def test_a_node_made_by_apply_has_every_slot_init_would_give_it():
    """``Node.apply`` fills the slots itself (no ``__init__`` frame per node): a slot added to
    ``__init__`` and forgotten there would leave nodes without it. Every slot of an applied
    node is set, and equal to what ``Node(...)`` makes of the same arguments."""
    x, w = sym.var("x", (3,)), sym.var("w", (3,), np.float32)
    for node in (x * w, bt.sin(x), bt.sum(x, axis=0), x.reshape((1, 3)), x.astype(np.float32)):
        again = sym.Node(node.op, node.prim, node.inputs, node.params, node.shape, node.dtype,
                         node.name, node.value, node.of, node.where)
        for slot in sym.Node.__slots__:
            if slot != "serial":
                assert getattr(node, slot) == getattr(again, slot) or (
                    getattr(node, slot) is getattr(again, slot)), slot
        assert node.serial < again.serial


def closed_over_graph():
    """A user's graph of constants, the kind a lecture builds and then uses inside a
    function: it holds a fold (``sin(c) * 2``), a product by one and a user primitive."""
    a = np.array([0.1, 0.2, 0.3])
    sq = bt.primitive("sq", lambda x: x * x, lambda g, out, x: 2 * x * g,
                      jvp=lambda t, out, x: 2 * x * t)
    c = sym.constant(a)
    k = bt.sin(c) * 2.0 + sq(c) * 1.0
    return k, 2 * np.sin(a) + a * a


def picture(node):
    """What a reader sees of a graph: its printout, and each node's serial and inputs."""
    return sym.to_text(node), [(n.serial, n.op, tuple(map(id, n.inputs))) for n in sym.nodes(node)]


@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "jvp", "vjp", "hessian"])
def test_a_transform_leaves_a_graph_it_closed_over_as_it_was(transform):
    """The transforms simplify and take apart only the nodes they make: a user's graph the
    function closed over keeps its nodes, their inputs, serials and printout (it was
    simplified in place and renumbered), and the numbers are the tape's on the same values."""
    k, values = closed_over_graph()
    before = picture(k)
    x = np.array([1.0, 2.0, 3.0])

    def run(f, engine):
        return {"grad": lambda: bt.grad(f, engine=engine)(x),
                "value_and_grad": lambda: bt.value_and_grad(f, engine=engine)(x)[1],
                "jvp": lambda: bt.jvp(f, (x,), (np.ones(3),), engine=engine)[1],
                "vjp": lambda: bt.vjp(f, x, engine=engine)[1](1.0)[0],
                "hessian": lambda: bt.hessian(f, engine=engine)(x)}[transform]()

    expected = run(lambda x: bt.sum(bt.sin(x) * values), "tape")  # the same numbers, no graph
    f = lambda x: bt.sum(bt.sin(x) * k)  # noqa: E731 (one function: the second call is cached)
    for _ in range(2):
        got = run(f, "symbolic")
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    assert picture(k) == before
    assert np.allclose(sym.evaluate(k, {}), values)


def test_a_node_the_traced_function_kept_says_it_was_taken_apart():
    """A node made inside a symbolic transform belongs to it (compiling takes it apart, the
    price of a million-node derivative under 1 GiB); one the function kept in a list prints
    as spent and raises, naming the reason, when evaluated or differentiated, instead of a
    node with no inputs that printed as ``mul()`` and failed inside numpy."""
    kept = []

    def f(x):
        h = bt.sin(x) * 2.0
        kept.append(h)
        return bt.sum(h * x)

    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(bt.grad(f, engine="symbolic")(x),
                               bt.grad(f, engine="tape")(x), rtol=1e-14)
    spent = kept[0]
    assert sym.to_text(spent) == "t1 = spent()"
    derivative = sym.grad(bt.sum(spent * spent), spent)  # 2 * spent: needs its value
    for node in (spent, derivative):
        with pytest.raises(bt.BackpropError, match="taken apart when that transform compiled"):
            sym.evaluate(node, {})
