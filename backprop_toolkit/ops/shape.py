"""Shape ops: transposing, reshaping, broadcasting and indexing.

``expand_dims``, ``squeeze``, ``ravel`` and ``atleast_*`` are reshapes; ``moveaxis``
and ``swapaxes`` are transposes. Joining and splitting (``concatenate``, ``stack``,
``split``) are in :mod:`.joining`; flipping, rolling, repeating, padding and sorting
in :mod:`.rearranging`.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from ..shapes import reshape_shape
from .arguments import axis_in, axis_list, checked, unsupported
from .numpy_api import implements

implements(np.shape)(shape_of)
implements(np.ndim)(ndim_of)


@implements(np.transpose)
def transpose(x, axes=None):
    """Permute the axes of ``x`` (reverse them by default)."""
    n = ndim_of(x)
    if axes is None:
        axes = tuple(reversed(range(n)))
    elif sorted(checked("transpose", lambda: [int(a) % n for a in axes])) != list(range(n)) \
            or len(axes) != n:
        raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of "
                         f"{n} axes\n  at {format_where(user_frame())}")
    return P.transpose_p(x, axes=tuple(int(a) % n for a in axes))


@implements(np.reshape)
def reshape(x, shape):
    """``x`` with a new shape of the same size (one entry may be -1)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return P.reshape_p(x, shape=checked("reshape", reshape_shape, shape_of(x), shape))


@implements(np.broadcast_to)
def broadcast_to(x, shape):
    """Copies of ``x`` filling ``shape`` (numpy broadcasting, made explicit)."""
    return P.broadcast_to_p(x, shape=tuple(shape))


def sum_to(x, shape):
    """Sum ``x`` down to ``shape``: the transpose of :func:`broadcast_to`."""
    return P.sum_to_p(x, shape=tuple(shape))


def getitem(x, index):
    """``x[index]`` for ints, slices, ``None``, ``...`` and integer arrays."""
    return P.getitem_p(x, index=index)


@implements(np.expand_dims)
def expand_dims(a, axis):
    """``a`` with new axes of length 1 at ``axis`` (an int or a tuple): a reshape."""
    count = 1 if isinstance(axis, (int, np.integer)) else len(tuple(axis))
    new = axis_list("expand_dims", axis, ndim_of(a) + count)
    rest = iter(shape_of(a))
    return P.reshape_p(a, shape=tuple(1 if d in new else next(rest)
                                      for d in range(ndim_of(a) + count)))


@implements(np.squeeze)
def squeeze(a, axis=None):
    """``a`` without its axes of length 1 (those of ``axis`` only, if given): a reshape."""
    shape = shape_of(a)
    if axis is None:
        return P.reshape_p(a, shape=tuple(n for n in shape if n != 1))
    axes = axis_list("squeeze", axis, len(shape))
    if any(shape[d] != 1 for d in axes):
        raise ShapeError(f"squeeze: cannot select an axis to squeeze out which has size not "
                         f"equal to one (shape {shape}, axis {axis})\n"
                         f"  at {format_where(user_frame())}")
    return P.reshape_p(a, shape=tuple(n for d, n in enumerate(shape) if d not in axes))


@implements(np.ravel)
def ravel(a, order="C"):
    """``a`` flattened, row by row (``order='C'``) or column by column (``'F'``)."""
    if order == "F":
        a = transpose(a)
    elif order != "C":
        raise unsupported("ravel", f"order={order!r} follows the memory layout, which an "
                                   "engine value does not have; use order='C' or 'F'")
    return P.reshape_p(a, shape=(size_of(a),))


def size_of(x):
    """The number of entries of ``x``."""
    size = 1
    for n in shape_of(x):
        size *= n
    return size


def at_least(a, ndim):
    """``a`` with axes of length 1 added as ``np.atleast_1d/2d/3d`` add them: a scalar
    becomes ``(1, ..., 1)``, a vector a row ``(1, n)`` (or ``(1, n, 1)``), a matrix
    ``(m, n, 1)``."""
    shape = shape_of(a)
    if len(shape) >= ndim:
        return a
    if len(shape) == 0:
        return P.reshape_p(a, shape=(1,) * ndim)
    if len(shape) == 1:
        return P.reshape_p(a, shape=(1,) + shape + (1,) * (ndim - 2))
    return P.reshape_p(a, shape=shape + (1,))


def _at_least_all(arys, ndim):
    results = [at_least(a, ndim) for a in arys]
    return results[0] if len(results) == 1 else tuple(results)


@implements(np.atleast_1d)
def atleast_1d(*arys):
    """Each of ``arys`` with at least one axis (one result, or a tuple of them)."""
    return _at_least_all(arys, 1)


@implements(np.atleast_2d)
def atleast_2d(*arys):
    """Each of ``arys`` with at least two axes: a vector becomes a row ``(1, n)``."""
    return _at_least_all(arys, 2)


@implements(np.atleast_3d)
def atleast_3d(*arys):
    """At least three axes: ``(n,)`` becomes ``(1, n, 1)``, ``(m, n)`` becomes ``(m, n, 1)``."""
    return _at_least_all(arys, 3)


@implements(np.moveaxis)
def moveaxis(a, source, destination):
    """``a`` with the axes ``source`` moved to the places ``destination``: a transpose."""
    n = ndim_of(a)
    source, destination = axis_list("moveaxis", source, n), axis_list("moveaxis", destination, n)
    if len(source) != len(destination):
        raise ShapeError("moveaxis: `source` and `destination` arguments must have the same "
                         f"number of elements\n  at {format_where(user_frame())}")
    order = [d for d in range(n) if d not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return P.transpose_p(a, axes=tuple(order))


@implements(np.rollaxis)
def rollaxis(a, axis, start=0):
    """numpy's older :func:`moveaxis`: axis ``axis`` moved to just before axis ``start``."""
    n = ndim_of(a)
    axis = axis_list("rollaxis", axis, n)[0]
    if not isinstance(start, (int, np.integer)) or not -n <= start <= n:
        raise ShapeError(f"rollaxis: start {start!r} is out of range for {n} axes\n"
                         f"  at {format_where(user_frame())}")
    start = start + n if start < 0 else int(start)
    return moveaxis(a, axis, start - 1 if axis < start else start)


@implements(np.swapaxes)
def swapaxes(a, axis1, axis2):
    """``a`` with two axes exchanged: a transpose."""
    n = ndim_of(a)
    i, j = axis_in("swapaxes", axis1, n), axis_in("swapaxes", axis2, n)
    order = list(range(n))
    order[i], order[j] = j, i
    return P.transpose_p(a, axes=tuple(order))
