"""Shape ops: transposing, reshaping, broadcasting, indexing and stacking."""

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from ..shapes import reshape_shape
from .arguments import checked
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


@implements(np.stack)
def stack(values):
    """Stack equally shaped values along a new first axis.

    On numbers this is ``np.stack``; on engine values it is a sum of
    ``scatter_add`` placements, so it is differentiable like any composite.
    """
    values = list(values)
    if not any(isinstance(v, Traced) for v in values):
        return np.stack([np.asarray(v) for v in values])
    shape = (len(values),) + shape_of(values[0])
    total = None
    for i, value in enumerate(values):
        term = P.scatter_add_p(value, index=(i,), shape=shape)
        total = term if total is None else total + term
    return total
