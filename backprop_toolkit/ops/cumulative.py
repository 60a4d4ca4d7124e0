"""Running sums and products, differences and even steps: ``cumsum``, ``cumprod``,
``diff``, ``gradient``, ``linspace``.

``axis=None`` flattens first, as numpy does. ``cumsum`` is a table entry (linear:
its VJP is the running sum of the cotangent taken from the other end); ``cumprod``
and ``diff`` are composites: ``cumprod`` by doubling (log2 n products of shifted
copies, no division, so exact where entries are 0, to any order), ``diff`` as
``x[1:] - x[:-1]`` repeated ``n`` times; ``gradient`` is numpy's finite differences
(central inside, one-sided at the two ends); ``linspace`` is ``start + (stop - start) t``
for the fixed fractions ``t``, so it is differentiable in ``start`` and ``stop``.
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


@implements(np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """numpy's finite-difference gradient of ``f`` along each axis of ``axis`` (all by
    default): ``(f[i+1] - f[i-1]) / 2h`` inside, ``(f[1] - f[0]) / h`` and
    ``(f[-1] - f[-2]) / h`` at the ends. Spacings ``h`` are numbers (one for all
    axes, or one per axis); ``edge_order=2`` and coordinate arrays are refused."""
    refuse("gradient", edge_order=edge_order != 1,
           varargs=any(np.ndim(h) != 0 or isinstance(h, Traced) for h in varargs))
    n = ndim_of(f)
    axes = list(range(n)) if axis is None else \
        [one_axis("gradient", f, a) for a in (axis if isinstance(axis, tuple) else (axis,))]
    spacing = list(varargs) or [1.0]
    spacing = spacing * len(axes) if len(spacing) == 1 else spacing
    if len(spacing) != len(axes):
        raise ShapeError(f"gradient: {len(varargs)} spacings for {len(axes)} axes\n"
                         f"  at {format_where(user_frame())}")
    results = tuple(_differences(f, a, float(h)) for a, h in zip(axes, spacing))
    return results[0] if len(results) == 1 else results


def _differences(f, a, h):
    """One axis of :func:`gradient`."""
    if shape_of(f)[a] < 2:
        raise ShapeError(f"gradient: axis {a} of shape {shape_of(f)} needs at least 2 entries\n"
                         f"  at {format_where(user_frame())}")
    lead = (slice(None),) * a

    def part(start, stop):
        return P.getitem_p(f, index=lead + (slice(start, stop),))

    ends = [(part(1, 2) - part(0, 1)) / h, (part(-1, None) - part(-2, -1)) / h]
    inside = (part(2, None) - part(None, -2)) / (2.0 * h)
    return P.concatenate_p(ends[0], inside, ends[1], axis=a)


@implements(np.linspace)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (``stop`` left out
    without ``endpoint``): ``start + (stop - start) t``, differentiable in both ends.
    Array ends stack along a new first axis; other ``axis`` and ``dtype`` are refused."""
    refuse("linspace", axis=axis != 0, dtype=dtype is not None)
    if not isinstance(num, (int, np.integer)) or num < 0:
        raise ShapeError(f"linspace: num must be an int >= 0, got {num!r}\n"
                         f"  at {format_where(user_frame())}")
    div = num - 1 if endpoint else num
    fractions = np.arange(num, dtype=float) / div if div > 0 else np.zeros(num)
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop))
    t = fractions.reshape((num,) + (1,) * len(shape))
    samples = start + (stop - start) * t
    if retstep:
        return samples, (stop - start) / div if div > 0 else np.nan
    return samples
