"""Rearranging entries: flipping, rotating, rolling, repeating, tiling, padding, sorting, taking.

All are composites of the linear entries, so each derivative is a transpose the table
already has:

* ``flip``, ``fliplr``, ``flipud``: ``getitem`` with reversed slices; ``rot90``: a flip
  and a ``transpose``; ``roll``: a ``concatenate`` of two slices per axis;
* ``repeat`` and ``tile``: ``broadcast_to`` between reshapes (VJP: a sum of the copies),
  or ``getitem`` with an integer array for per-entry repeats (VJP: ``scatter_add``,
  which adds up repeated indices);
* ``pad``: ``scatter_add`` of the array into zeros of the padded shape, plus the constant
  border; the modes that only copy entries (``edge``, ``reflect``, ``symmetric``,
  ``wrap``) are a ``getitem`` with numpy's own index per axis;
* ``take`` and ``take_along_axis``: ``getitem`` with integer arrays;
* ``sort``: the table's ``sort_by(x, x)``: the gradient follows the permutation.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, float_dtype, ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from .arguments import axes_of, axis_in, numpy_only, unsupported
from .numpy_api import implements
from .shape import ravel, transpose


def along(axis, index):
    """An index that applies ``index`` to ``axis`` and keeps every axis before it."""
    return (slice(None),) * axis + (index,)


def numbers(op, name, value):
    """A metadata argument (indices, repeats, widths) as a numpy array: never an engine
    value. An empty list is read as integers (``np.take(a, [])``)."""
    if isinstance(value, Traced):
        raise unsupported(op, f"{name} must be numbers, not a {value.engine} value (it says "
                              "where entries go; it has no derivative)")
    value = np.asarray(value)
    return value.astype(np.intp) if value.size == 0 else value


@implements(np.flip)
def flip(m, axis=None):
    """``m`` with the order of its entries reversed along ``axis`` (all axes by default)."""
    axes = axes_of("flip", m, axis)
    if not axes:
        return m
    reverse = slice(None, None, -1)
    return P.getitem_p(m, index=tuple(reverse if d in axes else slice(None)
                                      for d in range(max(axes) + 1)))


@implements(np.fliplr)
def fliplr(m):
    """Columns in reverse order (axis 1)."""
    return _flip_one("fliplr", m, 1)


@implements(np.flipud)
def flipud(m):
    """Rows in reverse order (axis 0)."""
    return _flip_one("flipud", m, 0)


def _flip_one(op, m, axis):
    """``flip(m, axis)`` for an ``m`` that has that axis."""
    if ndim_of(m) <= axis:
        raise ShapeError(f"{op}: input must be >= {axis + 1}-d, got shape {shape_of(m)}\n"
                         f"  at {format_where(user_frame())}")
    return flip(m, axis)


@implements(np.rot90)
def rot90(m, k=1, axes=(0, 1)):
    """``m`` turned ``k`` quarter turns in the plane of ``axes`` (from the first axis
    towards the second), as numpy does it: a flip and a transpose."""
    n, axes = ndim_of(m), tuple(axes)
    if len(axes) != 2:
        raise ShapeError(f"rot90: len(axes) must be 2\n  at {format_where(user_frame())}")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == n:
        raise ShapeError(f"rot90: axes must be different\n  at {format_where(user_frame())}")
    a, b = (axis_in("rot90", d, n) for d in axes)
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(m, (a, b))
    order = list(range(n))
    order[a], order[b] = b, a
    if k == 1:
        return transpose(flip(m, b), order)
    return flip(transpose(m, order), b)


@implements(np.roll)
def roll(a, shift, axis=None):
    """``a`` shifted by ``shift`` places along ``axis``, the entries pushed past the end
    coming back at the start (all entries, flattened, for ``axis=None``). Tuples of shifts
    and axes roll several axes; each roll is a ``concatenate`` of two slices."""
    if axis is None:
        return P.reshape_p(roll(ravel(a), shift, 0), shape=shape_of(a))
    shifts, axes = np.broadcast_arrays(numbers("roll", "shift", shift), np.asarray(axis))
    if shifts.ndim > 1:
        raise ShapeError(f"roll: shift and axis must be ints or 1-d sequences\n"
                         f"  at {format_where(user_frame())}")
    total = {}
    for s, d in zip(shifts.reshape(-1), axes.reshape(-1)):
        d = axis_in("roll", d, ndim_of(a))
        total[d] = total.get(d, 0) + int(s)
    for d, s in total.items():
        length = shape_of(a)[d]
        s = s % length if length else 0
        if s:
            a = P.concatenate_p(P.getitem_p(a, index=along(d, slice(length - s, None))),
                                P.getitem_p(a, index=along(d, slice(None, length - s))),
                                axis=d)
    return a


@implements(np.repeat)
def repeat(a, repeats, axis=None):
    """Each entry of ``a`` repeated ``repeats`` times along ``axis`` (flattened for
    ``None``); ``repeats`` may give one count per entry."""
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis_in("repeat", axis, ndim_of(a))
    repeats = numbers("repeat", "repeats", repeats)
    if repeats.dtype.kind not in "iu" or np.any(repeats < 0):
        raise ShapeError(f"repeat: repeats must be non-negative integers, got {repeats!r}\n"
                         f"  at {format_where(user_frame())}")
    shape = shape_of(a)
    if repeats.size == 1:  # a copy per entry: broadcast a new axis after `axis`, merge it
        r = int(repeats.reshape(-1)[0])
        spread = shape[:axis + 1] + (r,) + shape[axis + 1:]
        single = shape[:axis + 1] + (1,) + shape[axis + 1:]
        copies = P.broadcast_to_p(P.reshape_p(a, shape=single), shape=spread)
        return P.reshape_p(copies, shape=shape[:axis] + (shape[axis] * r,) + shape[axis + 1:])
    if repeats.shape != (shape[axis],):
        raise ShapeError(f"repeat: {repeats.size} repeats for an axis of length {shape[axis]}\n"
                         f"  at {format_where(user_frame())}")
    return P.getitem_p(a, index=along(axis, np.repeat(np.arange(shape[axis]), repeats)))


@implements(np.tile)
def tile(A, reps):
    """``A`` repeated as blocks, ``reps[i]`` times along axis ``i`` (numpy's rules for
    ``reps`` longer or shorter than ``A.ndim``): a ``broadcast_to`` between reshapes."""
    reps = numbers("tile", "reps", reps).reshape(-1)
    if reps.dtype.kind not in "iu" or np.any(reps < 0):
        raise ShapeError(f"tile: reps must be non-negative integers, got {reps!r}\n"
                         f"  at {format_where(user_frame())}")
    shape = shape_of(A)
    ndim = max(len(shape), len(reps))
    shape = (1,) * (ndim - len(shape)) + shape
    reps = (1,) * (ndim - len(reps)) + tuple(int(r) for r in reps)
    blocks = tuple(x for r, n in zip(reps, shape) for x in (r, n))
    single = tuple(x for n in shape for x in (1, n))
    copies = P.broadcast_to_p(P.reshape_p(A, shape=single), shape=blocks)
    return P.reshape_p(copies, shape=tuple(r * n for r, n in zip(reps, shape)))


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``a`` sorted along ``axis`` (flattened for ``None``): the table's ``sort_by(a, a)``.

    The gradient follows the permutation: entry ``i`` of the result is entry ``p(i)`` of
    ``a``, so ``g[i]`` goes back to ``p(i)``. Ties are broken by numpy's stable order (the
    earlier entry comes first); tied entries are equal, so every kind of sort gives the
    same values, and the derivative there is one-sided (it is not defined at a tie).
    """
    if order is not None:
        raise unsupported("sort", "order= sorts structured arrays by field; engine values "
                                  "have no fields")
    if kind is not None and stable is not None:
        raise unsupported("sort", "`kind` and `stable` can't be given at the same time; use "
                                  "only one of them")
    if axis is None:
        a, axis = ravel(a), 0
    return P.sort_by_p(a, a, axis=axis_in("sort", axis, ndim_of(a)), inverse=False)


@implements(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """The entries of ``a`` at ``indices`` along ``axis`` (of the flattened ``a`` for
    ``None``): a ``getitem``, whose VJP adds ``g`` up at repeated indices."""
    numpy_only("take", out=out)
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis_in("take", axis, ndim_of(a))
    return P.getitem_p(a, index=along(axis, wrapped("take", indices, shape_of(a)[axis], mode)))


def wrapped(op, indices, length, mode):
    """Integer ``indices`` into an axis of ``length``, as ``mode`` (raise, wrap, clip) says."""
    indices = numbers(op, "indices", indices)
    if indices.dtype.kind not in "iu":
        raise ShapeError(f"{op}: indices must be integers, got dtype {indices.dtype}\n"
                         f"  at {format_where(user_frame())}")
    if mode == "wrap":
        indices = indices % length
    elif mode == "clip":
        indices = np.clip(indices, 0, length - 1)
    elif mode != "raise":
        raise unsupported(op, f"mode={mode!r}; numpy's modes are 'raise', 'wrap' and 'clip'")
    return int(indices) if indices.ndim == 0 else indices


@implements(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    """``arr``'s entries at ``indices`` along ``axis`` (as ``np.argsort``'s result picks
    them), broadcasting over the other axes: a ``getitem`` with integer arrays."""
    indices = numbers("take_along_axis", "indices", indices)
    if axis is None:
        arr, axis = ravel(arr), 0
    shape = shape_of(arr)
    if indices.ndim != len(shape) or indices.dtype.kind not in "iu":
        raise ShapeError(f"take_along_axis: indices must be integers with as many axes as "
                         f"arr (got {indices.dtype} of shape {indices.shape} for shape "
                         f"{shape})\n  at {format_where(user_frame())}")
    axis = axis_in("take_along_axis", axis, len(shape))
    index = tuple(indices if d == axis else
                  np.arange(n).reshape((1,) * d + (n,) + (1,) * (len(shape) - d - 1))
                  for d, n in enumerate(shape))
    return P.getitem_p(arr, index=index)


# -- pad ----------------------------------------------------------------------------
@implements(np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` with a border of ``pad_width`` entries (numpy's forms: ``n``, ``(before,
    after)``, one pair per axis, ``{axis: pair}``). ``mode='constant'`` (with
    ``constant_values``) places the array into zeros (``scatter_add``) and adds the border;
    ``'edge'``, ``'reflect'``, ``'symmetric'`` and ``'wrap'`` copy entries, a ``getitem``
    per axis with the index numpy's own ``pad`` makes of ``arange(n)``."""
    shape = shape_of(array)
    widths = pad_widths(pad_width, len(shape))
    allowed = {"constant": {"constant_values"}, "reflect": {"reflect_type"},
               "symmetric": {"reflect_type"}, "edge": set(), "wrap": set()}
    if mode not in allowed:
        raise unsupported("pad", f"mode={mode!r} is not supported; use 'constant' (with "
                                 "constant_values), 'edge', 'reflect', 'symmetric' or 'wrap'")
    if not set(kwargs) <= allowed[mode]:
        raise unsupported("pad", f"unsupported keyword arguments for mode {mode!r}: "
                                 f"{sorted(set(kwargs) - allowed[mode])}")
    if mode == "constant":
        return _pad_constant(array, shape, widths, kwargs.get("constant_values", 0))
    if kwargs.get("reflect_type", "even") != "even":
        raise unsupported("pad", "reflect_type='odd' computes new values; only 'even' is "
                                 "supported")
    return _pad_copying(array, shape, widths, mode)


def pad_widths(pad_width, ndim):
    """``pad_width`` in any of numpy's forms as ``(before, after)`` int pairs, one per axis."""
    if isinstance(pad_width, dict):
        pairs = [(0, 0)] * ndim
        for axis, width in pad_width.items():
            pairs[axis_in("pad", axis, ndim)] = (width, width) if np.ndim(width) == 0 else width
        pad_width = pairs
    widths = numbers("pad", "pad_width", pad_width)
    if widths.dtype.kind not in "iu":
        raise ShapeError(f"pad: pad_width must be integers, got {pad_width!r}\n"
                         f"  at {format_where(user_frame())}")
    try:
        widths = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ShapeError(f"pad: pad_width {pad_width!r} does not fit an array of {ndim} "
                         f"axes\n  at {format_where(user_frame())}") from None
    if np.any(widths < 0):
        raise ShapeError(f"pad: pad_width can't contain negative values, got {pad_width!r}\n"
                         f"  at {format_where(user_frame())}")
    return [(int(b), int(a)) for b, a in widths]


def _pad_constant(array, shape, widths, constant_values):
    padded = tuple(b + n + a for n, (b, a) in zip(shape, widths))
    inside = tuple(slice(b, b + n) for n, (b, _) in zip(shape, widths))
    placed = P.scatter_add_p(array, index=inside, shape=padded)
    values = numbers("pad", "constant_values", constant_values)
    border = np.pad(np.zeros(shape, dtype=float_dtype(array)), widths, mode="constant",
                    constant_values=values)
    return placed if not np.any(border) else placed + border


def _pad_copying(array, shape, widths, mode):
    for d, (n, (before, after)) in enumerate(zip(shape, widths)):
        if before or after:
            index = np.pad(np.arange(n), (before, after), mode=mode)
            array = P.getitem_p(array, index=along(d, index))
    return array
