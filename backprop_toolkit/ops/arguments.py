"""Normalising an op's metadata (axes, shapes) before it reaches the table.

Two equal calls must make equal nodes, so ``axis=-1`` and ``axis=(1,)`` of a
matrix both become ``(1,)``; a complaint about metadata becomes a
:class:`~backprop_toolkit.errors.ShapeError` naming the op and the user's line.
"""

import numpy as np

from ..dispatch import ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from ..shapes import normalize_axis


def checked(op, rule, *args):
    """Run a metadata rule (axes, shapes); its complaint becomes a :class:`ShapeError`."""
    try:
        return rule(*args)
    except (ValueError, TypeError, IndexError) as err:
        raise ShapeError(f"{op}: {err} (operand shape {shape_of(args[0]) if args else ()})\n"
                         f"  at {format_where(user_frame())}") from None


def axes_of(op, x, axis):
    """``axis`` of ``x`` as a sorted tuple of non-negative ints (all axes for ``None``)."""
    return checked(op, lambda n: normalize_axis(axis, n), ndim_of(x))


def one_axis(op, x, axis):
    """``axis`` of ``x`` as one non-negative int."""
    if not isinstance(axis, (int, np.integer)):
        raise ShapeError(f"{op}: axis must be one int, got {axis!r}\n"
                         f"  at {format_where(user_frame())}")
    (a,) = axes_of(op, x, axis)
    return a
