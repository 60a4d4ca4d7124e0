"""The short paths an entry takes on plain arrays (the tape's first-order rules run there).

Issue 15 gave the common calls a shorter way through: ``broadcast_to`` writes into a
fresh array instead of ``np.broadcast_to(...).copy()``, ``sum`` calls ``np.add.reduce``
without ``np.sum``'s wrapper, ``Primitive.__call__`` compares an array's shape with
``shape=`` itself for ``reshape``/``sum_to``/``broadcast_to``, and ``bt.sum``/``bt.mean``
take ``axis=None`` before checking the rest. Each is checked here against the general
path (numpy itself, an explicit ``axis``), both engines and central differences, with
shapes that broadcast and float32 inputs; errors still name the op, shapes and line.
"""

import inspect

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import primitives as P

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

BROADCASTS = [((), (3, 2)), ((2,), (3, 2)), ((1, 2), (4, 1, 2)), ((3, 1), (3, 4)), ((1,), (1,)),
              ((2, 1, 3), (2, 5, 3)), ((), ())]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
@pytest.mark.parametrize("source, target", BROADCASTS)
def test_broadcast_to_gives_numpys_fresh_array(source, target, dtype):
    x = np.arange(int(np.prod(source)), dtype=np.float64).reshape(source).astype(dtype)
    out = P.broadcast_to_p(x, shape=target)
    want = np.broadcast_to(x, target)
    assert out.dtype == want.dtype and out.shape == want.shape
    np.testing.assert_array_equal(out, want)
    if source != target:  # a new array, writeable, sharing nothing with x
        assert out.flags.writeable and not np.shares_memory(out, x)


def test_broadcast_to_of_python_numbers_and_int_shapes():
    assert P.broadcast_to_p(1.5, shape=(2,)).dtype == np.float64
    np.testing.assert_array_equal(P.broadcast_to_p(np.ones(1), shape=3), np.ones(3))
    assert P.broadcast_to_p(np.float32(2), shape=(2, 2)).dtype == np.float32


@pytest.mark.parametrize("source, target", [((1, 3), (3,)), ((2,), (3,)), ((2, 3), (3, 3))])
def test_broadcast_to_refuses_what_numpy_refuses(source, target):
    line = inspect.currentframe().f_lineno + 2
    with pytest.raises(bt.ShapeError) as err:
        P.broadcast_to_p(np.ones(source), shape=target)
    message = str(err.value)
    assert "broadcast_to" in message and str(source) in message
    assert f"test_array_fast_paths.py:{line}" in message


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
@pytest.mark.parametrize("shape, axis, keepdims", [((3, 4), (0,), False), ((3, 4), (0, 1), True),
                                                   ((2, 3, 4), (1, 2), False), ((), (), False)])
def test_sum_entry_is_np_sum(shape, axis, keepdims, dtype):
    x = np.arange(1, 1 + int(np.prod(shape))).reshape(shape).astype(dtype)
    out = P.sum_p(x, axis=axis, keepdims=keepdims)
    want = np.sum(x, axis=axis, keepdims=keepdims)
    assert np.shape(out) == want.shape and np.asarray(out).dtype == want.dtype
    np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize("prim", [P.reshape_p, P.sum_to_p, P.broadcast_to_p])
def test_a_shape_op_to_the_same_shape_is_the_array_itself(prim):
    x = np.arange(6.0).reshape(2, 3)
    assert prim(x, shape=(2, 3)) is x
    same = prim(x, shape=[2, 3])  # a list: computed, the same values
    np.testing.assert_array_equal(same, x)
    assert np.shape(prim(np.float64(2.0), shape=())) == ()


@pytest.mark.parametrize("source, target", [((3, 4), (4,)), ((3, 4), (1, 4)), ((3, 4), (3, 1)),
                                            ((2, 3, 1), (3, 1)), ((5, 2, 3), (2, 1))])
def test_sum_to_on_arrays_is_the_sum_over_the_broadcast_axes(source, target):
    x = np.arange(int(np.prod(source)), dtype=np.float32).reshape(source)
    out = P.sum_to_p(x, shape=target)
    lead = len(source) - len(target)
    want = x.sum(axis=tuple(range(lead)))
    want = want.sum(axis=tuple(i for i, n in enumerate(target) if n == 1), keepdims=True)
    assert out.shape == target and out.dtype == np.float32
    np.testing.assert_allclose(out, want)


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_bt_reductions_without_axis_match_the_explicit_axes(op, keepdims):
    x = np.arange(12.0).reshape(3, 4)
    fast = getattr(bt, op)(x, keepdims=keepdims)
    general = getattr(bt, op)(x, axis=(0, 1), keepdims=keepdims)
    np.testing.assert_array_equal(fast, general)
    assert np.shape(fast) == np.shape(general)
    assert getattr(bt, op)([1, 2, 3]) == getattr(np, op)([1, 2, 3])


def broadcast_loss(w, b, x):
    """A bias that broadcasts, a mean and a sum: every short path of the sweep."""
    h = bt.tanh(x @ w + b)
    return bt.mean(bt.square(h)) + bt.sum(h * b) / 7.0


def central(fun, args, k, eps=1e-6):
    """d fun / d args[k] by central differences, in float64."""
    args = [np.asarray(a, dtype=np.float64) for a in args]
    grad = np.zeros_like(args[k])
    for i in np.ndindex(args[k].shape):
        up, down = [a.copy() for a in args], [a.copy() for a in args]
        up[k][i] += eps
        down[k][i] -= eps
        grad[i] = (fun(*up) - fun(*down)) / (2 * eps)
    return grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradients_agree_across_engines_and_with_central_differences(dtype):
    rng = np.random.default_rng(3)
    w, b, x = (rng.normal(size=s).astype(dtype) for s in [(3, 4), (4,), (5, 3)])
    results = {engine: bt.grad(broadcast_loss, argnums=(0, 1), engine=engine)(w, b, x)
               for engine in ("tape", "symbolic")}
    tol = 1e-4 if dtype == np.float32 else 1e-7
    for k in (0, 1):
        want = central(broadcast_loss, [w, b, x], k)
        for engine, grads in results.items():
            assert grads[k].dtype == dtype, engine
            assert grads[k].shape == want.shape
            np.testing.assert_allclose(grads[k], want, rtol=tol, atol=tol)


def test_a_gradient_that_is_a_broadcast_is_the_callers_own():
    x = np.ones((3, 2))
    for engine in ("tape", "symbolic"):
        g1 = bt.grad(lambda v: bt.sum(v), engine=engine)(x)
        g2 = bt.grad(lambda v: bt.mean(v), engine=engine)(x)
        g1[0, 0] = 5.0  # writeable, shared with nothing
        np.testing.assert_array_equal(g2, np.full((3, 2), 1 / 6))
        np.testing.assert_array_equal(bt.grad(lambda v: bt.sum(v), engine=engine)(x), x)


@pytest.mark.parametrize("engine", ["tape", "symbolic"])
def test_errors_in_the_short_paths_name_op_shapes_and_line(engine):
    def bad(w):
        return bt.mean(w + np.ones(4))  # the line the error names

    line = inspect.getsourcelines(bad)[1] + 1
    with pytest.raises(bt.ShapeError) as err:
        bt.grad(bad, engine=engine)(np.ones((2, 3)))
    message = str(err.value)
    assert "add" in message and "(2, 3)" in message and "(4,)" in message
    assert f"test_array_fast_paths.py:{line}" in message
