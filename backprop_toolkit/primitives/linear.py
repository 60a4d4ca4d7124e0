"""The table's linear entries: broadcasting, reshaping, indexing, and ``matmul``.

A linear op ``y = L(x)`` has ``L`` itself as its JVP and the transpose
``L^T`` as its VJP, and the transposes are entries too: ``broadcast_to`` and
``sum_to`` are each other's, so are ``getitem`` and ``scatter_add``;
``reshape`` and ``transpose`` undo themselves. ``matmul`` is bilinear.

Rules name entries that come later in this file (``broadcast_to_p``'s rule
calls ``sum_to_p``): a rule looks its names up when it *runs*, in this
module's globals, by which time the whole table exists.
"""

import functools

import numpy as np

from ..dispatch import Primitive, float_dtype, shape_of
from ..shapes import (broadcast_to_shape, index_shape, inverse_permutation, matmul_shape,
                      reshape_shape, same_shape, sum_to_axes, transpose_shape, unchanged_shape)
from .table import register


def linear(name, impl, shape, transpose_rule, doc, identity=None):
    """A linear op ``y = L(x)``: JVP is ``L(t)``, VJP the transpose ``L^T(g)``.

    ``identity(x_shape, **params)`` says when ``L`` leaves ``x`` as it is
    (a reshape to the same shape): then no node or tape entry is made.
    """

    def jvp(t, out, x, **params):
        return prim(t, **params)

    prim = register(Primitive(name, impl, shape, [transpose_rule], [jvp], doc=doc,
                              identity=identity))
    return prim


# -- broadcasting, made explicit: each is the other's transpose --------------
def _sum_to_impl(x, shape):
    axes = sum_to_axes(x.shape if type(x) is np.ndarray else np.shape(x), shape)
    summed = np.add.reduce(x, axis=axes) if axes else x  # np.sum's Python wrapper, skipped
    if summed.shape == shape or summed.shape == tuple(shape):  # the fresh sum, not a view
        return summed
    return np.reshape(summed, shape)


def _broadcast_to_impl(x, shape):
    """``np.broadcast_to(x, shape).copy()`` without numpy's Python wrapper (3 us of 3.5; it
    runs in every reduction's backward): a fresh array with ``x`` written into it."""
    x = np.asarray(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if x.ndim > len(shape):  # assignment would drop leading 1s that broadcast_to refuses
        return np.broadcast_to(x, shape).copy()
    out = np.empty(shape, x.dtype)
    out[...] = x  # numpy's ValueError when x does not broadcast to shape
    return out


broadcast_to_p = linear(
    "broadcast_to", _broadcast_to_impl,
    broadcast_to_shape,
    lambda g, out, x, shape: sum_to_p(g, shape=shape_of(x)),        # transpose: sum the copies
    doc="broadcast_to(x, shape): copies of x.  VJP: sum_to(g, x.shape).",
    identity=unchanged_shape)
sum_to_p = linear(
    "sum_to", _sum_to_impl,
    lambda s, shape: tuple(shape),
    lambda g, out, x, shape: broadcast_to_p(g, shape=shape_of(x)),  # transpose: copy back
    doc="sum_to(x, shape): sum the broadcast axes away.  VJP: broadcast_to(g, x.shape).",
    identity=unchanged_shape)

# fresh(x) = x: a transform's own variable standing for a value of an enclosing transform.
# The inner transform differentiates with respect to the fresh node only; the outer one sees
# through it (d fresh(x)/dx = 1), so nested transforms never confuse their variables.
fresh_p = register(Primitive(
    "fresh", lambda x: x, same_shape,
    vjp=[lambda g, out, x: g],                                      # d x / d x = 1
    jvp=[lambda t, out, x: t],
    doc="fresh(x) = x: a new variable for one transform level.  VJP: g, JVP: t."))

# -- shape ops -----------------------------------------------------------------
reshape_p = linear(
    "reshape", lambda x, shape: np.reshape(x, shape),
    reshape_shape,
    lambda g, out, x, shape: reshape_p(g, shape=shape_of(x)),      # transpose: reshape back
    doc="reshape(x, shape).  VJP: reshape(g, x.shape).",
    identity=unchanged_shape)
transpose_p = linear(
    "transpose", lambda x, axes: np.asarray(x).transpose(axes),  # np.transpose, one frame less
    transpose_shape,
    lambda g, out, x, axes: transpose_p(g, axes=inverse_permutation(axes)),   # permute back
    doc="transpose(x, axes).  VJP: the inverse permutation of g.",
    identity=lambda s, axes: tuple(axes) == tuple(range(len(axes))))
getitem_p = linear(
    "getitem", lambda x, index: np.asarray(x[index]),
    index_shape,
    lambda g, out, x, index: scatter_add_p(g, index=index, shape=shape_of(x)),
    doc="getitem(x, index) = x[index].  VJP: g added into zeros of x's shape at index.")


def _scatter_add_impl(g, index, shape):
    z = np.zeros(shape, dtype=float_dtype(g))
    np.add.at(z, index, g)
    return z


scatter_add_p = linear(
    "scatter_add", _scatter_add_impl,
    lambda s, index, shape: tuple(shape),
    lambda g, out, x, index, shape: getitem_p(g, index=index),  # transpose of scatter is gather
    doc="scatter_add(g, index, shape): zeros of shape with g added at index.  VJP: g[index].")


# -- matmul(a, b) = a @ b.  d/da: g @ b^T, d/db: a^T @ g (vectors seen as 1-row / 1-column) ---
def swap_last(x):
    """Transpose of the last two axes (a batch of matrices)."""
    return transpose_p(x, axes=last_two_swapped(len(shape_of(x))))


@functools.lru_cache(maxsize=64)
def last_two_swapped(ndim):
    """The permutation ``swap_last`` applies to ``ndim`` axes (made once per rank: every
    ``matmul`` rule asks for it)."""
    axes = tuple(range(ndim))
    return axes[:-2] + (axes[-1], axes[-2])


def as_matrix(x, vector_axis):
    """A 1-D ``x`` as a row (``vector_axis=0``) or column (``1``) matrix; others as they are."""
    shape = shape_of(x)
    if len(shape) != 1:
        return x
    return reshape_p(x, shape=(1, shape[0]) if vector_axis == 0 else (shape[0], 1))


def _matmul_vjp_a(g, out, a, b):
    if len(shape_of(a)) > 1 and len(shape_of(b)) > 1:  # matrices (or batches of them)
        return sum_to_p(matmul_p(g, swap_last(b)), shape=shape_of(a))
    a2, b2 = as_matrix(a, 0), as_matrix(b, 1)
    g2 = reshape_p(g, shape=matmul_shape(shape_of(a2), shape_of(b2)))
    return reshape_p(sum_to_p(matmul_p(g2, swap_last(b2)), shape=shape_of(a2)),
                     shape=shape_of(a))


def _matmul_vjp_b(g, out, a, b):
    if len(shape_of(a)) > 1 and len(shape_of(b)) > 1:
        return sum_to_p(matmul_p(swap_last(a), g), shape=shape_of(b))
    a2, b2 = as_matrix(a, 0), as_matrix(b, 1)
    g2 = reshape_p(g, shape=matmul_shape(shape_of(a2), shape_of(b2)))
    return reshape_p(sum_to_p(matmul_p(swap_last(a2), g2), shape=shape_of(b2)),
                     shape=shape_of(b))


matmul_p = register(Primitive(
    "matmul", np.matmul, matmul_shape,
    vjp=[_matmul_vjp_a, _matmul_vjp_b],
    jvp=[lambda t, out, a, b: matmul_p(t, b),               # bilinear: d(ab) = (da) b + a (db)
         lambda t, out, a, b: matmul_p(a, t)],
    doc="matmul(a, b) = a @ b.  VJP: g @ b^T for a, a^T @ g for b."))
