"""float32 stays float32: no entry of the table makes a float64 array from float32 inputs.

numpy promotes quietly: one float64 constant (``np.float64(0.5)``, a 0-d float64
array) in a rule turns every later array of the backward pass into float64, which
doubles its memory traffic and, if cast back at the end, hides the loss. These
tests watch every entry's numpy forward (``impl``) while both engines differentiate
float32 functions, and fail on any float64 array an entry produces; the gradients
must be float32 and agree with the hand-written float32 derivative. Also here: the
bit-mask fast path of ``where`` gives ``np.where``'s very bits.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit.primitives import TABLE
from backprop_toolkit.primitives.elementwise import LARGE, _where_impl
from bench import w2_array_mlp as w2

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


@pytest.fixture
def produced(monkeypatch):
    """Every ``(entry, dtype)`` of an array some entry's numpy forward returned meanwhile."""
    seen = []

    def watched(prim):
        impl = prim.impl

        def run(*args, **params):
            out = impl(*args, **params)
            if type(out) is np.ndarray:  # (a Python-number sum folded at build is np.float64,
                seen.append((prim.name, out.dtype))  # made a Python float again: not counted)
            return out

        return run

    for prim in TABLE.values():
        monkeypatch.setattr(prim, "impl", watched(prim))
    return seen


def assert_no_float64(produced):
    wide = sorted({name for name, dtype in produced if dtype == np.float64})
    assert produced and not wide, f"entries that made float64 arrays from float32: {wide}"


def mlp_problem():
    """W2's float32 problem (bench/w2_array_mlp.py), small, yet its hidden arrays large
    enough for ``where``'s fast path."""
    return w2.problem(batch=64, sizes=(80, 64, 32, 10), dtype=np.float32)


mlp_loss, mlp_by_hand = w2.loss, w2.numpy_grads  # the model and the floor's derivative


def test_the_mlp_problem_reaches_the_fast_where():
    x, _, params = mlp_problem()
    assert (x @ params[0]).size >= LARGE and (x @ params[0] @ params[2]).size < LARGE


def test_a_float32_mlp_gradient_is_float32_through_and_through(engine, produced):
    x, onehot, params = mlp_problem()
    grads = bt.grad(mlp_loss, argnums=tuple(range(6)), engine=engine)(*params, x, onehot)
    assert_no_float64(produced)
    assert {"relu", "where", "log_softmax", "matmul", "sum_to"} <= {n for n, _ in produced}
    for g, expected, p in zip(grads, mlp_by_hand(params, x, onehot), params):
        assert g.dtype == np.float32 and g.shape == p.shape
        np.testing.assert_allclose(g, expected, rtol=2e-4, atol=2e-6)


FUNCTIONS = {
    "relu, where": lambda x, y: bt.sum(bt.relu(x) * y + bt.where(x > y, x, 0.0)),
    "maximum, minimum": lambda x, y: bt.sum(bt.maximum(x, y) - 0.5 * bt.minimum(x, 2.0)),
    "exp, log, sqrt, power": lambda x, y: bt.sum(bt.exp(x) * bt.log(y * y + 1.0)
                                                 + bt.sqrt(y * y + 2.0) + (x * x + 1.0) ** 1.5),
    "tanh, sigmoid, square, abs": lambda x, y: bt.sum(bt.tanh(x) * bt.sigmoid(y)
                                                      + 2.0 * bt.square(x) + bt.abs(y)),
    "mean, max, logsumexp": lambda x, y: (bt.mean(x * y) + bt.sum(bt.max(x, axis=0))
                                          + bt.sum(bt.logsumexp(y, axis=1))),
    "softmax, broadcasting": lambda x, y: bt.sum(bt.softmax(x + y[0], axis=-1) * y
                                                 - x / 3.0),
    "matmul, transpose": lambda x, y: bt.sum((x @ y.T) * 0.5) + bt.sum(bt.transpose(x) @ y),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("size", [(3, 4), (64, 70)], ids=["small", "large"])
def test_float32_functions_make_no_float64(engine, produced, name, size):
    """Elementwise, reduction and matmul rules with Python-number constants: first and
    second order (forward over reverse), on arrays below and above ``where``'s fast path."""
    rng = np.random.default_rng(1)
    x, y = (rng.normal(size=size).astype(np.float32) for _ in range(2))
    f = FUNCTIONS[name]
    grad = bt.grad(f, argnums=(0, 1), engine=engine)
    expected = grad(x.astype(np.float64), y.astype(np.float64))
    produced.clear()
    gx, gy = grad(x, y)
    grad_x = bt.grad(f, engine=engine)
    _, hx = bt.jvp(lambda x: grad_x(x, y), (x,), (np.ones_like(x),), engine=engine)
    assert_no_float64(produced)
    assert gx.dtype == gy.dtype == hx.dtype == np.float32
    for g, e in zip((gx, gy), expected):
        np.testing.assert_allclose(g, e, rtol=1e-3, atol=1e-4)


# -- where: the bit-mask select against a zero ----------------------------------------
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0, np.finfo(np.float32).tiny / 4]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
@pytest.mark.parametrize("shape", [(3,), (LARGE,), (64, 70)])
def test_where_against_zero_gives_np_where_bit_for_bit(dtype, shape):
    rng = np.random.default_rng(2)
    a = rng.normal(size=shape).astype(dtype)
    a.reshape(-1)[:len(SPECIALS)] = SPECIALS[:a.size]
    c = rng.normal(size=shape) > 0
    strided = np.repeat(a, 2, axis=-1)[..., ::2]  # not contiguous
    spread = np.broadcast_to(a.reshape(-1)[:1], shape)  # stride 0, read-only
    for args in [(c, a, 0.0), (c, 0.0, a), (c, a, 0), (c, 0, a), (c, strided, 0.0),
                 (np.asfortranarray(c), a, 0.0), (c, spread, 0.0), (c, 0.0, spread),
                 (c, a, -0.0), (c, a, 1.0), (c, a, np.float64(0.0)), (c, a, np.zeros_like(a))]:
        out, expected = _where_impl(*args), np.where(*args)
        assert out.dtype == expected.dtype and out.shape == expected.shape
        assert out.tobytes() == expected.tobytes(), (dtype, shape, args[1:])
        assert out.base is None and out.flags.writeable  # a fresh array (handed over)


def test_relu_derivative_is_zero_below_the_kink_even_for_an_infinite_cotangent(engine):
    """Not ``g * [x > 0]``: there ``0 * inf`` would be ``nan`` where ``x <= 0``."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(LARGE,)).astype(np.float32)
    x[:4] = [-1.0, 0.0, 2.0, -0.0]
    g = np.where(rng.normal(size=x.shape) > 0, np.float32(np.inf), np.float32(-1.5))
    g[:4] = [np.inf, -np.inf, np.nan, np.inf]
    value, pullback = bt.vjp(bt.relu, x, engine=engine)
    (bar,) = pullback(g)
    assert value.dtype == bar.dtype == np.float32
    assert bar.tobytes() == np.where(x > 0, g, np.float32(0.0)).tobytes()
