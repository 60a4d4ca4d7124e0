"""Forward-mode Jacobians and Hessians push all basis tangents through one batched pass
(backprop_toolkit/batching.py); they must equal the per-column passes they replace.

The per-column reference is ``bt.jvp`` with one unit tangent at a time (the path
``jacobian(mode="forward")`` took before batching), on every entry of the table, both
engines, float64 and float32.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import batching
from backprop_toolkit.primitives import TABLE

from primitive_examples import EXAMPLES

CASES = [(name, k) for name in sorted(TABLE) for k in range(len(EXAMPLES[name][:2]))
         if TABLE[name].differentiable]


def entry_function(name, k, dtype):
    """``(f, xs)``: the entry as a function of its differentiated inputs, and their values."""
    prim = TABLE[name]
    make_args, params = EXAMPLES[name][k]
    args = list(make_args(np.random.default_rng(k)))
    diff = [i for i, a in enumerate(args) if np.asarray(a).dtype.kind == "f"
            and (prim.variadic or prim.jvp[i] is not None)]
    for i in diff:
        args[i] = np.asarray(args[i], dtype=dtype)

    def f(*xs):
        full = list(args)
        for i, x in zip(diff, xs):
            full[i] = x
        return prim(*full, **params)

    return f, [args[i] for i in diff]


def per_column_jacobian(f, xs, argnum, engine):
    """The Jacobian of ``f`` in ``xs[argnum]``, one ``bt.jvp`` per input entry."""
    x = xs[argnum]
    columns = []
    for k in range(x.size):
        tangents = [np.zeros_like(a) for a in xs]
        tangents[argnum].reshape(-1)[k] = 1
        columns.append(np.asarray(bt.jvp(f, xs, tangents, engine=engine)[1]))
    out_shape = np.shape(columns[0]) if columns else ()
    return np.moveaxis(np.stack(columns), 0, -1).reshape(out_shape + x.shape)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,k", CASES)
def test_batched_jacobian_equals_per_column(name, k, dtype, engine):
    f, xs = entry_function(name, k, dtype)
    assert xs
    batched = bt.jacobian(f, argnums=tuple(range(len(xs))), engine=engine, mode="forward")(*xs)
    for j, block in enumerate(batched):
        reference = per_column_jacobian(f, xs, j, engine)
        assert block.dtype == reference.dtype
        np.testing.assert_allclose(block, reference, rtol=1e-6 if dtype == np.float32 else 1e-12,
                                   atol=1e-6 if dtype == np.float32 else 1e-12, err_msg=name)


@pytest.mark.parametrize("name,k", [(name, k) for name, k in CASES if k == 0])
def test_batched_hessian_equals_per_column(name, k, engine):
    """Second order: the tangent pass runs through the recorded or built backward graph."""
    f, xs = entry_function(name, k, np.float64)
    assert xs
    weights = np.random.default_rng(1).standard_normal(np.shape(f(*xs)))

    def scalar(x):
        return bt.sum(f(x, *xs[1:]) * weights)

    g = bt.grad(scalar, engine=engine)
    reference = per_column_jacobian(g, [xs[0]], 0, engine)
    np.testing.assert_allclose(bt.hessian(scalar, engine=engine)(xs[0]), reference,
                               rtol=1e-12, atol=1e-12, err_msg=name)


def test_the_batched_pass_is_taken(engine, monkeypatch):
    """One jacobian of a 50-entry input makes a handful of batched calls, not 50 passes."""
    calls = []
    apply = batching.Batched.apply.__func__
    monkeypatch.setattr(batching.Batched, "apply",
                        classmethod(lambda cls, *a: calls.append(a[0].name) or apply(cls, *a)))
    x = np.linspace(0.1, 1.0, 50)
    h = bt.hessian(lambda x: bt.sum(bt.sin(x[1:] * x[:-1])), engine=engine)(x)
    assert calls and len(calls) < 50
    expected = bt.jacobian(bt.grad(lambda x: bt.sum(bt.sin(x[1:] * x[:-1]))), mode="reverse")(x)
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-12)


def test_looped_fallback_for_advanced_indexing(engine):
    """An index array moves axes about: that entry runs once per column, still right."""
    index = np.array([2, 0, 2, 1])

    def f(x):
        return bt.sin(x)[index] * x[:4]

    x = np.linspace(0.1, 1.0, 5)
    reference = bt.jacobian(f, engine=engine, mode="reverse")(x)
    np.testing.assert_allclose(bt.jacobian(f, engine=engine, mode="forward")(x), reference,
                               rtol=1e-12, atol=1e-12)


def test_a_user_primitive_is_looped(engine):
    """An entry outside the table is never assumed elementwise: it is run per column."""
    square_rows = bt.primitive("square_rows", lambda x: x @ x.T,
                               vjp=[lambda g, out, x: (g + bt.transpose(g)) @ x],
                               jvp=[lambda t, out, x: t @ bt.transpose(x) + x @ bt.transpose(t)],
                               shape=lambda s: (s[0], s[0]))
    x = np.arange(6.0).reshape(3, 2) / 7
    forward = bt.jacobian(lambda x: square_rows(x), engine=engine, mode="forward")(x)
    reverse = bt.jacobian(lambda x: square_rows(x), engine=engine, mode="reverse")(x)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)


def test_basic_indexing_of_a_matrix_keeps_the_batch_axis(engine):
    """Slices of a matrix (getitem forward, scatter_add in the backward graph): batched."""
    def f(x):
        return bt.sum(bt.sin(x[1:, :1]) * x[:-1, 1:]) + bt.sum(x[0] ** 3)

    x = np.arange(12.0).reshape(4, 3) / 10
    reference = bt.jacobian(bt.grad(f, engine=engine), engine=engine, mode="reverse")(x)
    np.testing.assert_allclose(bt.hessian(f, engine=engine)(x), reference, rtol=1e-12,
                               atol=1e-12)
