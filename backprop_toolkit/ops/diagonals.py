"""Diagonals and triangles: ``diagonal``, ``trace``, ``diag``, ``tril``, ``triu``, composites.

A diagonal is a strided slice of the flattened matrix: entry ``(i, i + k)`` of
an ``n x m`` matrix is entry ``i (m + 1) + k`` of its rows laid end to end. So
``diagonal`` is ``transpose``, ``reshape`` and ``getitem`` with a slice (its
VJP puts the cotangent back on the diagonal, ``scatter_add``), and ``diag`` of
a vector is that ``scatter_add`` itself. ``tril`` and ``triu`` keep one
triangle with ``where(mask, x, 0)``: the gradient is masked the same way.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import ndim_of, shape_of
from ..errors import BackpropError, ShapeError, format_where, user_frame
from .arguments import axes_of
from .numpy_api import implements
from .reductions import sum


def refuse(function, what):
    """The error for an argument of a numpy function that the op language does not take."""
    return BackpropError(f"{function}: {what}\n  at {format_where(user_frame())}")


def shape_error(function, what):
    """The :class:`ShapeError` for shapes or axes that ``function`` cannot take."""
    return ShapeError(f"{function}: {what}\n  at {format_where(user_frame())}")


def no_out(function, out, dtype=None):
    """Refuse numpy's ``out=`` (an engine value cannot be written into) and ``dtype=``."""
    if out is not None:
        raise refuse(function, "out= is not supported: an engine value cannot be written into "
                               "an array; use the returned value")
    if dtype is not None:
        raise refuse(function, "dtype= is not supported: the result keeps the operands' "
                               "floating dtype")


def diagonal_slice(n, m, offset):
    """The entries ``(i, i + offset)`` of an ``n x m`` matrix, as a slice of its ``n m``
    entries in row-major order."""
    start = offset if offset >= 0 else -offset * m
    count = max(0, min(n, m - offset) if offset >= 0 else min(n + offset, m))
    if count == 0:
        return slice(0, 0)
    return slice(start, start + (m + 1) * (count - 1) + 1, m + 1)


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy's ``diagonal``: the entries ``(i, i + offset)`` of the matrices in axes
    ``(axis1, axis2)``, as a new last axis."""
    if ndim_of(a) < 2:
        raise shape_error("np.diagonal", f"needs at least two axes, got shape {shape_of(a)}")
    (axis1,), (axis2,) = axes_of("np.diagonal", a, axis1), axes_of("np.diagonal", a, axis2)
    if axis1 == axis2:
        raise shape_error("np.diagonal", f"axis1 and axis2 cannot be the same ({axis1})")
    rest = tuple(i for i in range(ndim_of(a)) if i not in (axis1, axis2))
    moved = P.transpose_p(a, axes=rest + (axis1, axis2))
    shape = shape_of(moved)
    n, m = shape[-2], shape[-1]
    flat = P.reshape_p(moved, shape=shape[:-2] + (n * m,))
    index = (slice(None),) * len(rest) + (diagonal_slice(n, m, int(offset)),)
    return P.getitem_p(flat, index=index)


@implements(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """numpy's ``trace``: the sum of :func:`diagonal`. Its gradient is the identity
    matrix (shifted by ``offset``)."""
    no_out("np.trace", out, dtype)
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


@implements(np.diag)
def diag(v, k=0):
    """numpy's ``diag``: a vector onto the ``k``-th diagonal of a square matrix, or the
    ``k``-th diagonal of a matrix."""
    if ndim_of(v) == 2:
        return diagonal(v, k)
    if ndim_of(v) != 1:
        raise shape_error("np.diag", f"input must be 1- or 2-d, got shape {shape_of(v)}")
    n = shape_of(v)[0] + abs(int(k))
    flat = P.scatter_add_p(v, index=(diagonal_slice(n, n, int(k)),), shape=(n * n,))
    return P.reshape_p(flat, shape=(n, n))


def _triangle(function, m, k, upper):
    """``m`` with the entries outside one triangle of its last two axes set to 0."""
    shape = shape_of(m)
    if not shape:
        raise shape_error(function, "needs at least one axis, got a 0-d value")
    mask = np.tri(*shape[-2:], k=int(k) - 1 if upper else int(k), dtype=bool)
    return P.where_p(~mask if upper else mask, m, 0.0)


@implements(np.tril)
def tril(m, k=0):
    """numpy's ``tril``: zeros above the ``k``-th diagonal of the last two axes."""
    return _triangle("np.tril", m, k, upper=False)


@implements(np.triu)
def triu(m, k=0):
    """numpy's ``triu``: zeros below the ``k``-th diagonal of the last two axes."""
    return _triangle("np.triu", m, k, upper=True)
