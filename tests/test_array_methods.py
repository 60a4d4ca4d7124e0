"""numpy's array methods and attributes on tape tensors and symbolic nodes.

``x.sum(axis=0)``, ``x.reshape(2, 3)``, ``x.T``, ``x.astype(np.float32)``: a
student's numpy code written with methods must give numpy's values and the same
derivatives as the same code written with bt ops, on both engines.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

X = np.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])


def value_on(engine, fun, *xs):
    """``fun`` of the engine's values: (numbers, the engine's own result)."""
    if engine == "tape":
        out = fun(*[tape.Tensor(x, requires_grad=True) for x in xs])
        return (out.value if isinstance(out, tape.Tensor) else out), out
    nodes = [sym.var(f"x{i}", shape=np.shape(x), dtype=np.asarray(x).dtype)
             for i, x in enumerate(xs)]
    out = fun(*nodes)
    if not isinstance(out, sym.Node):
        return out, out
    return sym.evaluate(out, dict(zip(nodes, xs))), out


METHODS = [
    lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.sum(axis=-1, keepdims=True),
    lambda x: x.sum((0, 1)), lambda x: x.mean(1), lambda x: x.mean(axis=0, keepdims=True),
    lambda x: x.max(), lambda x: x.max(axis=1), lambda x: x.min(0),
    lambda x: x.min(axis=-1, keepdims=True), lambda x: x.prod(), lambda x: x.prod(axis=1),
    lambda x: x.std(), lambda x: x.std(axis=1, ddof=1), lambda x: x.var(0),
    lambda x: x.var(ddof=1, keepdims=True), lambda x: x.cumsum(), lambda x: x.cumsum(axis=1),
    lambda x: x.cumprod(0), lambda x: x.reshape(3, 2), lambda x: x.reshape((3, 2)),
    lambda x: x.reshape([6]), lambda x: x.reshape(-1, 1), lambda x: x.reshape(6, order="C"),
    lambda x: x.transpose(), lambda x: x.transpose(1, 0), lambda x: x.transpose((1, 0)),
    lambda x: x.T, lambda x: x.swapaxes(0, 1), lambda x: x.swapaxes(-1, 0), lambda x: x.ravel(),
    lambda x: x.flatten(), lambda x: x.reshape(1, 2, 1, 3).squeeze(),
    lambda x: x.reshape(1, 2, 1, 3).squeeze(axis=2),
    lambda x: x.reshape(1, 2, 1, 3).squeeze((0, -2)),
    lambda x: x.astype(np.float64), lambda x: (x > 0).astype(float) * x,
    lambda x: x.dot(np.ones(3)), lambda x: x.dot(np.ones((3, 4))), lambda x: x.T.dot(x),
    lambda x: x[0].dot(x[1]), lambda x: x.dot(2.0),
]


@pytest.mark.parametrize("k", range(len(METHODS)))
def test_methods_give_numpys_values_and_derivatives(engine, k):
    fun = METHODS[k]
    value, _ = value_on(engine, fun, X)
    expected = fun(X)
    assert np.shape(value) == np.shape(expected)
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    bt.check_function(fun, X, engine=engine, seed=k)


def test_attributes_and_len(engine):
    x3 = np.zeros((2, 3, 4))
    _, out = value_on(engine, lambda x: x * 1.0, x3)
    assert out.shape == (2, 3, 4) and out.ndim == 3 and out.size == 24 and len(out) == 2
    assert out.dtype == np.float64
    _, scalar = value_on(engine, lambda x: x.sum(), x3)
    assert scalar.shape == () and scalar.ndim == 0 and scalar.size == 1
    with pytest.raises(TypeError):
        len(scalar)


# -- a student's MLP, written with methods ---------------------------------------------------
def mlp_methods(W1, b1, W2, x, y):
    h = np.tanh(x @ W1 + b1)
    return ((h @ W2 - y) ** 2).mean()


def mlp_ops(W1, b1, W2, x, y):
    h = bt.tanh(bt.matmul(x, W1) + b1)
    return bt.mean(bt.square(bt.matmul(h, W2) - y))


def mlp_more_methods(W1, b1, W2, x, y):
    # (x.dot(W1) with a numpy x would be numpy's own method, which turns W1 into numbers: a
    # ConversionError on the tape; x @ W1 dispatches to W1)
    h = np.tanh(W1.T.dot(x.T).T + b1.reshape(1, -1))
    err = h.dot(W2).ravel() - y.reshape(-1)
    return (err * err).sum(axis=0) / err.size


def test_an_mlp_written_with_methods(engine):
    rng = np.random.default_rng(3)
    W1, b1, W2 = rng.standard_normal((4, 5)), rng.standard_normal(5), rng.standard_normal((5, 1))
    x, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 1))
    args, wrt = (W1, b1, W2, x, y), (0, 1, 2)
    expected = bt.grad(mlp_ops, wrt, engine=engine)(*args)
    numeric = bt.numerical_grad(mlp_methods, *args, argnums=wrt)
    for fun in (mlp_methods, mlp_more_methods):
        got = bt.grad(fun, wrt, engine=engine)(*args)
        for g, e, n in zip(got, expected, numeric):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-8)
    other = "symbolic" if engine == "tape" else "tape"
    for g, o in zip(bt.grad(mlp_methods, wrt, engine=engine)(*args),
                    bt.grad(mlp_methods, wrt, engine=other)(*args)):
        np.testing.assert_allclose(g, o, rtol=1e-12, atol=1e-14)


# -- astype: a differentiable cast between float types -----------------------------------------
def test_astype_float32_is_differentiable(engine):
    x = np.array([0.1, 1.0 / 3.0, 2.5])
    value, out = value_on(engine, lambda x: x.astype(np.float32), x)
    assert out.dtype == np.float32 and value.dtype == np.float32
    np.testing.assert_array_equal(value, x.astype(np.float32))
    g = bt.grad(lambda x: np.sum(x.astype(np.float32) * 2.0), engine=engine)(x)
    assert g.dtype == np.float64            # the cotangent is cast back to the input's dtype
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])
    x32 = x.astype(np.float32)
    g32 = bt.grad(lambda x: np.sum(np.sin(x.astype("float64"))), engine=engine)(x32)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, np.cos(x32.astype(np.float64)), rtol=1e-6)
    _, dot = bt.jvp(lambda x: x.astype(np.float32), (x,), (np.ones(3),), engine=engine)
    np.testing.assert_array_equal(dot, np.ones(3, dtype=np.float32))


def test_astype_to_bool_is_a_truth_value_and_to_int_is_refused(engine):
    x = np.array([0.0, 1.5, -2.0])
    value, out = value_on(engine, lambda x: x.astype(bool), x)
    np.testing.assert_array_equal(value, [False, True, True])
    assert out.dtype == np.bool_
    with pytest.raises(bt.DTypeError, match="astype: cannot cast .* to int64"):
        bt.grad(lambda x: np.sum(x.astype(int)), engine=engine)(x)
    with pytest.raises(bt.DTypeError, match="casting='safe'"):
        bt.grad(lambda x: np.sum(x.astype(np.float32, casting="safe")), engine=engine)(x)


# -- item and tolist: numbers only when no derivative is lost --------------------------------
@pytest.mark.parametrize("read", [lambda y: y.item(), lambda y: y.tolist()])
def test_item_and_tolist_raise_like_float(engine, read):
    with pytest.raises(bt.ConversionError, match=r"x\.(item|tolist)\(\)") as info:
        bt.grad(lambda x: np.sum(x) * read(np.sum(x)), engine=engine)(X)
    assert "test_array_methods.py" in str(info.value)


def test_item_and_tolist_of_a_constant_read_numbers():
    c = tape.Tensor(np.array([[1.0, 2.0]]))
    assert c.tolist() == [[1.0, 2.0]] and c.sum().item() == 3.0 and c.item(1) == 2.0


# -- refused forms: errors naming the method ---------------------------------------------------
@pytest.mark.parametrize("fun,error,match", [
    (lambda x: x.reshape(3, 2, order="F"), bt.BackpropError, "reshape: order="),
    (lambda x: x.ravel("F"), bt.BackpropError, "ravel: order="),
    (lambda x: x.flatten(order="A"), bt.BackpropError, "flatten: order="),
    (lambda x: x.reshape(4, 2), bt.ShapeError, "reshape"),
    (lambda x: x.squeeze(axis=0), bt.ShapeError, "squeeze: axis 0 has length 2"),
    (lambda x: x.transpose(0, 0), bt.ShapeError, "transpose"),
    (lambda x: x.swapaxes(0, 2), bt.ShapeError, "swapaxes"),
    (lambda x: x.dot(np.ones((2, 3, 4))), bt.ShapeError, "dot: a right operand with 3 axes"),
    (lambda x: x.sum(out=np.zeros(3)), bt.BackpropError, "sum: out="),
    (lambda x: x[x.argmax()], bt.BackpropError, r"x\.argmax\(\): an index has no derivative"),
    (lambda x: x.argmin(), bt.BackpropError, r"x\.argmin\(\)"),
    (lambda x: x.argsort(), bt.BackpropError, r"x\.argsort\(\)"),
])
def test_refused_method_arguments(engine, fun, error, match):
    with pytest.raises(error, match=match):
        bt.grad(lambda x: np.sum(fun(x)), engine=engine)(X)


def test_truth_value_methods(engine):
    x = np.array([[0.0, 2.0], [1.0, 3.0]])
    for fun in (lambda x: x.any(), lambda x: x.all(axis=1), lambda x: (x > 1).any(0)):
        value, _ = value_on(engine, fun, x)
        np.testing.assert_array_equal(value, fun(x))
