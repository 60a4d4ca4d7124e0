"""The W2 float32 step's shorter ways (issue 15), each against the general path.

- ``logsumexp``'s and ``log_softmax``'s numpy forward (``_lse_kept``): fewer calls, and
  the max of many short rows taken over the transposed copy (``_max_kept``). The very
  bits of the formula it replaced (the reference below), signed zeros, inf and nan
  included; the table's examples hold a matrix of that shape, so the generic checker
  runs it on both engines to second order against central differences.
- The symbolic engine's fed schedule (``symbolic/fusion.py``): the forwards of
  ``fusion.FRESH`` return arrays of their own (their results are handed over and
  specialized like a ufunc's), and an elementwise step reads a ``broadcast_to``'s
  source instead of its copy (``direct_operands``). The same numbers and dtypes as the
  program's interpreter, and close to the tape's.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import primitives as P
from backprop_toolkit.primitives.reductions import (SHORT_ROWS, _log_softmax_impl,
                                                    _logsumexp_impl, _max_kept)
from backprop_toolkit.symbolic import fusion
from bench import w2_array_mlp as w2

from primitive_examples import EXAMPLES
from test_quick_grad import interpreted, programs_of

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


def reference_lse(x, axis, keepdims):
    """The forward as it was: ``np.max``, ``np.sum``, then ``log(s) + m``."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)


def same_bits(got, want):
    """Equal type, dtype, shape, values (nan where nan) and sign of every zero."""
    assert type(got) is type(want) and got.dtype == want.dtype and np.shape(got) == np.shape(want)
    np.testing.assert_array_equal(got, want)  # nan matches nan
    numbers = ~np.isnan(want)
    np.testing.assert_array_equal(np.signbit(got)[numbers], np.signbit(want)[numbers])


def awkward(shape, dtype, rng):
    """Normal numbers with rows of inf, -inf, nan, all -inf, and maxima +0 and -0 tied
    (in both orders) or alone among very negative entries."""
    x = rng.standard_normal(shape) * 3
    if x.ndim == 2 and x.shape[0] >= 8 and x.shape[1] >= 2:
        x[1, 0], x[2, -1], x[3, 1] = np.inf, -np.inf, np.nan
        x[4] = -np.inf
        x[5], x[6], x[7] = -300.0, -300.0, -300.0
        x[5, :2], x[6, :2] = (0.0, -0.0), (-0.0, 0.0)
        x[7, -1] = -0.0
    return x.astype(dtype)


SHAPES = [((128, 10), 1), ((128, 10), (1,)), ((SHORT_ROWS, SHORT_ROWS), (1,)), ((31, 10), 1),
          ((128, SHORT_ROWS + 1), (1,)), ((64, 1), 1), ((3, 4), (0, 1)), ((3, 4), 0),
          ((2, 3, 4), (2,)), ((40, 3, 5), (2,)), ((5,), (0,)), ((), ())]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64])
@pytest.mark.parametrize("shape, axis", SHAPES)
def test_logsumexp_and_log_softmax_forwards_keep_the_formulas_bits(shape, axis, dtype, rng):
    x = awkward(shape, dtype, rng) if dtype != np.int64 else rng.integers(-5, 5, shape)
    for layout in (x, np.asfortranarray(x), x.T.copy().T):  # C, F, a view of another order
        for keepdims in (False, True):
            with np.errstate(all="ignore"):
                same_bits(_logsumexp_impl(layout, axis, keepdims),
                          reference_lse(layout, axis, keepdims))
        if isinstance(axis, int):
            with np.errstate(all="ignore"):
                want = layout - reference_lse(layout, axis, True)
                same_bits(_log_softmax_impl(layout, axis), want)


def test_many_short_rows_take_the_transposed_max(rng):
    x = rng.standard_normal((128, 10)).astype(np.float32)
    got = _max_kept(x, 1)
    assert got.base is not None and got.base.shape == (128,)  # the columns' max, reshaped
    same_bits(got, np.max(x, axis=1, keepdims=True))
    assert _max_kept(x[:20], 1).base is None  # few rows: numpy's own reduction


def test_the_table_checks_the_short_rows_on_both_engines():
    """The generic checker (tests/test_primitives.py) meets the transposed max."""
    for name in ("log_softmax", "logsumexp"):
        shapes = [make(np.random.default_rng(0))[0].shape for make, _ in EXAMPLES[name]]
        assert any(len(s) == 2 and s[0] >= SHORT_ROWS >= s[1] for s in shapes), name


# -- the fed schedule ----------------------------------------------------------------------
@pytest.mark.parametrize("prim", sorted(fusion.FRESH, key=lambda p: p.name), ids=str)
def test_fresh_forwards_return_arrays_of_their_own(prim):
    rng = np.random.default_rng(3)
    examples = [(make(rng), params) for make, params in EXAMPLES[prim.name]]
    if prim is P.where_p:  # large enough for the bit mask, against a zero on either side
        c, g = rng.standard_normal((64, 70)) > 0, rng.standard_normal((64, 70))
        examples += [((c, g, 0.0), {}), ((c, 0.0, g), {})]
    for args, params in examples:
        for dtype in (np.float64, np.float32):
            args = [np.asarray(a, dtype) if np.asarray(a).dtype.kind == "f" else a for a in args]
            out = prim.impl(*args, **params)
            assert type(out) is np.ndarray or isinstance(out, np.generic)
            if type(out) is np.ndarray:
                assert out.base is None and out.flags.writeable and out.flags.owndata
                assert not any(np.shares_memory(out, a) for a in args if type(a) is np.ndarray)


def spread(s, y):  # mul of a broadcast_to copy, and a sub and a div with it on either side
    b = bt.broadcast_to(s, y.shape)
    return bt.sum(bt.sin(b * y) + (b - y) * (y / b) + (y - b) / (1.0 + y * b))


def spread_over_a_row(s, y, r):  # the other operand smaller than the output: not direct
    return bt.sum(bt.cos(bt.broadcast_to(s, y.shape) * r) * y)  # (s * r would be a row)


def w2_small(w1, b1, w2_, b2, w3, b3, x, onehot):
    return w2.loss(w1, b1, w2_, b2, w3, b3, x, onehot)


x_small, onehot_small, params_small = w2.problem(batch=40, sizes=(6, 8, 7, 5))
CASES = {
    "spread a row": (spread, [(1, 4), (3, 4)], True),
    "spread a column": (spread, [(3, 1), (3, 4)], True),
    "spread a vector": (spread, [(4,), (2, 3, 4)], True),
    "spread a scalar": (spread, [(), (3, 4)], False),  # 0-d: left as it is (numpy 1's casts)
    "spread over a row": (spread_over_a_row, [(1, 4), (3, 4), (4,)], None),
    "w2": (w2_small, [np.shape(a) for a in params_small + [x_small, onehot_small]], True),
}


def fed_source(f):
    (program,) = programs_of(f)
    return program, program._runners[("fed", 1)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", CASES)
def test_direct_operands_give_the_interpreters_numbers(name, dtype, rng):
    fun, shapes, direct = CASES[name]

    def f(*args):  # this test's own programs
        return fun(*args)

    values = [np.asarray(rng.uniform(0.5, 1.5, s), dtype) for s in shapes]
    if name == "w2":
        values = [np.asarray(v, dtype) for v in params_small + [x_small, onehot_small]]
    nums = tuple(range(len(shapes)))
    g = bt.grad(f, nums, engine="symbolic")
    g(*values)
    got = g(*values)  # the fed schedule
    program, (run, fresh) = fed_source(f)
    want = interpreted(program, values)[1:]
    for a, b, v in zip(got, want, values):
        assert a.dtype == dtype == b.dtype and a.shape == v.shape
        np.testing.assert_array_equal(a, b)
    for a, b in zip(got, bt.grad(f, nums, engine="tape")(*values)):
        np.testing.assert_allclose(a, b, rtol=1e-4 if dtype == np.float32 else 1e-12,
                                   atol=1e-6 if dtype == np.float32 else 1e-14)
    if direct is not None:  # the copy is gone where it can go, kept where not
        assert bool(broadcast_calls(run)) is not direct


def broadcast_calls(run):
    """The ``f<k>`` names of the generated code that call ``broadcast_to``'s forward."""
    return {name for name, value in run.__globals__.items()
            if name.startswith("f") and value is P.broadcast_to_p.impl}


def test_the_w2_step_hands_every_gradient_over(rng):
    """W2's fed schedule: no broadcast copy, every gradient fresh (no check, no copy),
    the bias gradients ``np.add.reduce`` with the axes worked out once."""
    x, onehot, params = w2.problem(batch=64, sizes=(20, 16, 12, 10), dtype=np.float32)

    def f(*args):
        return w2.loss(*args)

    g = bt.grad(f, tuple(range(6)), engine="symbolic")
    g(*params, x, onehot)
    grads = g(*params, x, onehot)
    program, (run, fresh) = fed_source(f)
    assert fresh == (True,) * 6 and not broadcast_calls(run)
    assert sum(v is fusion.REDUCE for v in run.__globals__.values()) >= 3
    for got, want in zip(grads, w2.numpy_grads(params, x, onehot)):
        assert got.dtype == np.float32 and got.flags.owndata and got.flags.writeable
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-6)


def test_a_fresh_forward_returned_twice_gives_two_arrays(rng):
    """``relu(x)`` is the gradient for both ``y`` and ``z``: each caller's array its own."""
    def f(x, y, z):
        return bt.sum(bt.relu(x) * y) + bt.sum(bt.relu(x) * z)

    g = bt.grad(f, (0, 1, 2), engine="symbolic")
    x, y, z = (rng.standard_normal(6) for _ in range(3))
    for _ in range(3):  # traced, then the fed schedule
        _, gy, gz = g(x, y, z)
        assert not np.shares_memory(gy, gz) and gy.flags.writeable and gz.flags.writeable
        np.testing.assert_array_equal(gz, np.maximum(x, 0))
        gy[...] = 7.0
