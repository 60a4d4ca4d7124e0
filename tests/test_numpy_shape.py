"""numpy's shape functions on engine values: joining, splitting, rearranging, sorting.

The generic checks (tests/test_numpy_functions.py) run every sample of
tests/numpy_examples.py; this file checks what they cannot see: that each linear
op's VJP is the transpose of its JVP (``<u, L v> = <L^T u, v>``), closed-form
gradients, that sort's gradient follows the permutation (ties included), the
split/concatenate round trip, ``stack``'s axis, memory linear in the number of
stacked pieces, and clear errors for what is not supported.
"""

import tracemalloc

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit.primitives import TABLE

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

LINEAR = {   # numpy code linear in x, and the shape of x
    "concatenate": (lambda x: np.concatenate([x, 2 * x[:1], x], axis=0), (3, 2)),
    "concatenate axis=None": (lambda x: np.concatenate([x, x[0]], axis=None), (3, 2)),
    "stack axis=1": (lambda x: np.stack([x, 3 * x, x[::-1]], axis=1), (3, 2)),
    "stack axis=-1": (lambda x: np.stack([x[0], x[1]], axis=-1), (2, 3)),
    "hstack": (lambda x: np.hstack([x, x[:, :1]]), (3, 2)),
    "vstack": (lambda x: np.vstack([x[0], x]), (3, 2)),
    "dstack": (lambda x: np.dstack([x, x]), (3, 2)),
    "column_stack": (lambda x: np.column_stack([x[:, 0], x]), (3, 2)),
    "split": (lambda x: np.split(x, [1, 2], axis=1)[2], (2, 4)),
    "array_split": (lambda x: np.array_split(x, 4)[0], (6,)),
    "expand_dims": (lambda x: np.expand_dims(x, (0, -1)), (3, 2)),
    "squeeze": (lambda x: np.squeeze(x, 1), (3, 1, 2)),
    "ravel F": (lambda x: np.ravel(x, "F"), (3, 2)),
    "repeat": (lambda x: np.repeat(x, [2, 0, 3], axis=0), (3, 2)),
    "repeat int": (lambda x: np.repeat(x, 2, axis=1), (3, 2)),
    "tile": (lambda x: np.tile(x, (2, 1, 3)), (3, 2)),
    "pad constant": (lambda x: np.pad(x, ((1, 0), (2, 3))), (3, 2)),
    "pad edge": (lambda x: np.pad(x, 3, mode="edge"), (3, 2)),
    "pad reflect": (lambda x: np.pad(x, (2, 1), mode="reflect"), (4, 3)),
    "pad symmetric": (lambda x: np.pad(x, 4, mode="symmetric"), (3,)),
    "pad wrap": (lambda x: np.pad(x, ((0, 4), (1, 1)), mode="wrap"), (3, 2)),
    "roll": (lambda x: np.roll(x, (1, -3), axis=(0, 1)), (3, 4)),
    "roll flat": (lambda x: np.roll(x, 4), (3, 2)),
    "flip": (lambda x: np.flip(x, (0, 2)), (2, 3, 2)),
    "fliplr": (lambda x: np.fliplr(x), (3, 2)),
    "flipud": (lambda x: np.flipud(x), (3, 2)),
    "rot90": (lambda x: np.rot90(x, 3, axes=(1, 2)), (2, 3, 4)),
    "moveaxis": (lambda x: np.moveaxis(x, [0, 2], [1, 0]), (2, 3, 4)),
    "swapaxes": (lambda x: np.swapaxes(x, -1, 0), (2, 3, 4)),
    "atleast_3d": (lambda x: np.atleast_3d(x), (3,)),
    "take": (lambda x: np.take(x, [[0, 2], [2, 2]], axis=0), (3, 2)),
    "take clip": (lambda x: np.take(x, [-5, 1, 9], mode="clip"), (3, 2)),
    "take_along_axis": (lambda x: np.take_along_axis(x, np.array([[1, 1], [0, 1]]), 1), (2, 3)),
}


@pytest.mark.parametrize("name", LINEAR)
def test_the_vjp_is_the_transpose_of_the_jvp(name, engine):
    """For a linear L: the JVP is L itself, and <u, L v> = <L^T u, v> (the VJP is L^T)."""
    fun, shape = LINEAR[name]
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal(shape), rng.standard_normal(shape)
    value, pullback = bt.vjp(fun, x, engine=engine)
    np.testing.assert_array_equal(value, fun(x))
    u = rng.standard_normal(np.shape(value))
    (transposed,) = pullback(u)
    _, forward = bt.jvp(fun, (x,), (v,), engine=engine)
    np.testing.assert_allclose(forward, fun(v), rtol=1e-13, atol=1e-13)   # L v
    assert np.sum(u * forward) == pytest.approx(np.sum(transposed * v), rel=1e-12, abs=1e-12)


def test_closed_form_gradients(engine):
    x = np.array([1.0, -2.0, 0.5, 4.0])
    w = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])

    def grad(f):
        return bt.grad(f, engine=engine)(x)

    np.testing.assert_array_equal(grad(lambda x: np.sum(np.tile(x, 3))), [3.0] * 4)
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.repeat(x, [2, 0, 1, 3]))),
                                  [2.0, 0.0, 1.0, 3.0])
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.pad(x, 2, mode="edge"))),
                                  [3.0, 1.0, 1.0, 3.0])
    np.testing.assert_array_equal(grad(lambda x: np.sum(w[:6] * np.pad(x, (1, 1)))), w[1:5])
    np.testing.assert_array_equal(grad(lambda x: np.sum(w[:4] * np.roll(x, 1))), np.roll(w[:4], -1))
    np.testing.assert_array_equal(grad(lambda x: np.sum(w[:4] * np.flip(x))), w[3::-1])
    # d/dx sum(pad(x)**2, constant 7) = 2x: the constant border has no derivative
    np.testing.assert_allclose(grad(lambda x: np.sum(np.pad(x, 3, constant_values=7.0) ** 2)),
                               2 * x)


def test_second_order_through_stack_and_sort(engine):
    """Hessians: sum(stack([x0 x1, x1^2])^2) and sum(w * sort(x)^3), in closed form."""
    x = np.array([0.5, -1.5])
    h = bt.hessian(lambda x: np.sum(np.stack([x[0] * x[1], x[1] ** 2]) ** 2), engine=engine)(x)
    expected = [[2 * x[1] ** 2, 4 * x[0] * x[1]], [4 * x[0] * x[1], 2 * x[0] ** 2 + 12 * x[1] ** 2]]
    np.testing.assert_allclose(h, expected, rtol=1e-12)
    x = np.array([0.3, -2.0, 1.1])
    w = np.array([1.0, 10.0, 100.0])
    h = bt.hessian(lambda x: np.sum(w * np.sort(x) ** 3), engine=engine)(x)
    ranks = np.argsort(np.argsort(x))          # where each entry lands after sorting
    np.testing.assert_allclose(h, np.diag(6 * w[ranks] * x), rtol=1e-12)


def test_sort_gradient_follows_the_permutation(engine):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    for axis in (-1, 0):
        g = bt.grad(lambda x: np.sum(w * np.sort(x, axis=axis)), engine=engine)(x)
        order = np.argsort(x, axis=axis)         # sorted[i] = x[order[i]]: g[order[i]] = w[i]
        expected = np.empty_like(w)
        np.put_along_axis(expected, order, w, axis=axis)
        np.testing.assert_array_equal(g, expected)
    g = bt.grad(lambda x: np.sum(w.reshape(-1) * np.sort(x, axis=None)), engine=engine)(x)
    np.testing.assert_array_equal(g.reshape(-1)[np.argsort(x, axis=None)], w.reshape(-1))


def test_sort_ties_follow_the_stable_order(engine):
    """Tied entries: the earlier one takes the earlier place (numpy's stable argsort), so
    the gradient of place i goes to the entry the stable order put there."""
    x = np.array([1.0, 0.0, 1.0, 1.0])
    w = np.array([10.0, 20.0, 30.0, 40.0])
    g = bt.grad(lambda x: np.sum(w * np.sort(x)), engine=engine)(x)
    np.testing.assert_array_equal(g, [20.0, 10.0, 30.0, 40.0])


@pytest.mark.parametrize("sections,axis", [(3, 0), ([1, 1, 4], 1), ([], 1), (2, -1)])
def test_split_then_concatenate_is_the_identity(sections, axis, engine):
    x = np.arange(24.0).reshape(3, 8) / 7
    fun = (lambda x: np.concatenate(np.array_split(x, sections, axis=axis), axis=axis))
    value, pullback = bt.vjp(fun, x, engine=engine)
    np.testing.assert_array_equal(value, x)
    u = np.random.default_rng(2).standard_normal(x.shape)
    np.testing.assert_array_equal(pullback(u)[0], u)
    pieces = bt.vjp(lambda x: np.split(x, sections, axis=axis)[0], x, engine=engine)[0]
    np.testing.assert_array_equal(pieces, np.split(x, sections, axis=axis)[0])


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_stack_axis(axis, engine):
    a, b = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    value, pullback = bt.vjp(lambda a, b: bt.stack([a, b], axis=axis), a, b, engine=engine)
    np.testing.assert_array_equal(value, np.stack([a, b], axis=axis))
    u = np.random.default_rng(3).standard_normal(value.shape)
    ga, gb = pullback(u)
    np.testing.assert_array_equal(ga, np.take(u, 0, axis=axis))
    np.testing.assert_array_equal(gb, np.take(u, 1, axis=axis))


def test_stack_of_scalars_and_constants(engine):
    """The students' way to build a vector: values of the function and plain numbers."""
    f = lambda x: np.sum(np.stack([x[0], 2 * x[1], 1.0, np.float64(3.0)]) ** 2)  # noqa: E731
    x = np.array([1.5, -0.5])
    np.testing.assert_array_equal(bt.grad(f, engine=engine)(x), [3.0, -4.0])
    _, dot = bt.jvp(lambda x: np.concatenate([x, np.ones(2)]), (x,), (np.ones(2),),
                    engine=engine)   # a constant piece has a zero tangent
    np.testing.assert_array_equal(dot, [1.0, 1.0, 0.0, 0.0])


def test_one_concatenate_node_for_many_pieces():
    """stack is n reshapes and ONE concatenate of n inputs, not n placements into the result."""
    xs = [sym.var(f"x{i}") for i in range(50)]
    nodes = sym.nodes(bt.stack(xs))
    assert [n.op for n in nodes].count("concatenate") == 1
    assert len(nodes) == 2 * len(xs) + 1


def peak_mib(work):
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def test_stacking_20000_scalars_takes_memory_linear_in_their_number(engine):
    """A sum of 20,000 placements into the full shape held ~6 GiB; one concatenate holds
    a few MiB (a generous bound: this is memory, not time)."""
    n = 20000
    if engine == "tape":
        xs = [tape.Tensor(float(i), requires_grad=True) for i in range(n)]

        def work():
            bt.sum(bt.stack([2.0 * x for x in xs])).backward()
    else:
        xs = [sym.var(f"x{i}") for i in range(n)]

        def work():
            grads = sym.grad(bt.sum(bt.stack([2.0 * x for x in xs])), xs)
            assert sym.evaluate(grads[7], {}) == 2.0
    assert peak_mib(work) < 200
    if engine == "tape":
        assert xs[7].grad == 2.0


def test_the_variadic_entry_is_checked_like_any_other(engine):
    rng = np.random.default_rng(4)
    pieces = [rng.standard_normal((2, k)) for k in (1, 3, 2)]
    bt.check_primitive(TABLE["concatenate"], pieces, {"axis": 1}, engine=engine)


# -- clear errors -------------------------------------------------------------------------
REFUSED = [
    (lambda x: np.pad(x, 1, mode="mean"), bt.BackpropError, "np.pad: mode='mean'"),
    (lambda x: np.pad(x, 1, mode="reflect", reflect_type="odd"), bt.BackpropError, "odd"),
    (lambda x: np.pad(x, 1, stat_length=2), bt.BackpropError, "unsupported keyword"),
    (lambda x: np.pad(x, -1), bt.ShapeError, "negative"),
    (lambda x: np.pad(x, ((1, 2, 3),)), bt.ShapeError, "pad_width"),
    (lambda x: np.concatenate([x, x], out=np.zeros(6)), bt.BackpropError, "out="),
    (lambda x: np.stack([x, x], dtype=np.float32), bt.BackpropError, "dtype="),
    (lambda x: np.concatenate([x[0], x[1]]), bt.ShapeError, "zero-dimensional"),
    (lambda x: np.concatenate([x, x[:2, None]]), bt.ShapeError, "concatenate"),
    (lambda x: np.stack([x, x[:2]]), bt.ShapeError, "same shape"),
    (lambda x: np.stack([x, x], axis=2), bt.ShapeError, "out of bounds"),
    (lambda x: np.split(x, 2), bt.ShapeError, "equal division"),
    (lambda x: np.vsplit(x, 3), bt.ShapeError, "2 or more dimensions"),
    (lambda x: np.sort(x, order="a"), bt.BackpropError, "order="),
    (lambda x: np.take(x, [1], mode="fill"), bt.BackpropError, "mode='fill'"),
    (lambda x: np.take(x, [0.5]), bt.ShapeError, "integers"),
    (lambda x: np.take(x, x), bt.BackpropError, "indices must be numbers"),
    (lambda x: np.take(x, [7]), bt.ShapeError, "getitem"),
    (lambda x: np.ravel(x, order="K"), bt.BackpropError, "order='K'"),
    (lambda x: np.squeeze(x, 0), bt.ShapeError, "size not equal to one"),
    (lambda x: np.moveaxis(x[None], 0, [0, 1]), bt.ShapeError, "same number"),
    (lambda x: np.expand_dims(x, (0, 0)), bt.ShapeError, "repeated axis"),
    (lambda x: np.repeat(x, [1, 2]), bt.ShapeError, "repeats"),
    (lambda x: np.fliplr(x), bt.ShapeError, ">= 2-d"),
    (lambda x: np.rot90(x), bt.ShapeError, "axes must be different"),
    (lambda x: np.rot90(x[None], axes=(0, 3)), bt.ShapeError, "out of bounds"),
]


@pytest.mark.parametrize("k", range(len(REFUSED)))
def test_unsupported_arguments_raise_clear_errors(k, engine):
    fun, kind, words = REFUSED[k]
    with pytest.raises(kind) as info:
        bt.grad(lambda x: np.sum(fun(x)), engine=engine)(np.arange(3.0))
    message = str(info.value)  # what went wrong, then the user's line (which shows the call)
    assert words in message.splitlines()[0] and "test_numpy_shape.py" in message, message


@pytest.mark.parametrize("build", [lambda x: np.array([x[0], x[1] * 2]),
                                   lambda x: np.asarray([x[0], 1.0]),
                                   lambda x: np.array([[x[0]], [x[1]]])])
def test_np_array_of_engine_values_points_to_stack(build, engine):
    """numpy does not dispatch np.array on a list: it would make plain numbers (or an
    object array). The conversion is refused, and the message says what to write."""
    with pytest.raises(bt.ConversionError) as info:
        bt.grad(lambda x: np.sum(build(x)), engine=engine)(np.array([1.0, 2.0]))
    assert "np.stack([x[0], 2 * x[1]])" in str(info.value).splitlines()[0]
