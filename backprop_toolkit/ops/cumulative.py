"""Running sums and products, and differences: ``cumsum``, ``cumprod``, ``diff``.

``axis=None`` flattens first, as numpy does. ``cumsum`` is a table entry (linear:
its VJP is the running sum of the cotangent taken from the other end); ``cumprod``
and ``diff`` are composites: ``cumprod`` by doubling (log2 n products of shifted
copies, no division, so exact where entries are 0, to any order), ``diff`` as
``x[1:] - x[:-1]`` repeated ``n`` times.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from ..primitives.reductions import cumprod_along
from .arguments import NOT_GIVEN, one_axis, refuse
from .casting import with_dtype
from .numpy_api import implements


def along(op, x, axis, dtype):
    """``x`` (cast to ``dtype``) and the one axis to run along; ``None`` flattens ``x``."""
    x = with_dtype(op, x, dtype)
    if axis is None:
        size = 1
        for n in shape_of(x):
            size *= n
        return P.reshape_p(x, shape=(size,)), 0
    return x, one_axis(op, x, axis)


@implements(np.cumsum)
def cumsum(x, axis=None, dtype=None, out=None):
    """Running sums along ``axis`` (of the flattened ``x`` by default).

    ``out_k = sum_{i<=k} x_i``, so ``d/dx_i`` of ``sum_k g_k out_k`` is
    ``sum_{k>=i} g_k``: the VJP is a running sum of ``g`` from the end.
    """
    refuse("cumsum", out=out is not None)
    x, axis = along("cumsum", x, axis, dtype)
    return P.cumsum_p(x, axis=axis, reverse=False)


@implements(np.cumprod)
def cumprod(x, axis=None, dtype=None, out=None):
    """Running products along ``axis`` (of the flattened ``x`` by default).

    A composite of products of shifted copies (doubling: log2 n steps), so every
    derivative is a sum of products of the other entries, exact where entries
    are 0: no ``nan`` where numpy's value is finite.
    """
    refuse("cumprod", out=out is not None)
    x, axis = along("cumprod", x, axis, dtype)
    return cumprod_along(x, axis)


@implements(np.diff)
def diff(x, n=1, axis=-1, prepend=NOT_GIVEN, append=NOT_GIVEN):
    """``n``-th differences along ``axis``: ``x[1:] - x[:-1]``, ``n`` times (a composite).

    ``prepend=`` and ``append=`` are refused: concatenate the values yourself.
    """
    refuse("diff", prepend=prepend is not NOT_GIVEN, append=append is not NOT_GIVEN)
    if ndim_of(x) == 0:
        raise ShapeError("diff: needs at least one axis, got a scalar\n"
                         f"  at {format_where(user_frame())}")
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ShapeError(f"diff: n must be an int >= 0, got {n!r}\n"
                         f"  at {format_where(user_frame())}")
    x = x if isinstance(x, Traced) else np.asarray(x)
    a = one_axis("diff", x, axis)
    lead = (slice(None),) * a
    for _ in range(int(n)):
        x = P.getitem_p(x, index=lead + (slice(1, None),)) - \
            P.getitem_p(x, index=lead + (slice(None, -1),))
    return x
