"""Normalising an op's metadata (axes, shapes) before it reaches the table.

Two equal calls must make equal nodes, so ``axis=-1`` and ``axis=(1,)`` of a
matrix both become ``(1,)``; a complaint about metadata becomes a
:class:`~backprop_toolkit.errors.ShapeError` naming the op and the user's line.
"""

import numpy as np

from ..dispatch import ndim_of, shape_of
from ..errors import BackpropError, ShapeError, format_where, user_frame
from ..shapes import normalize_axis
from .numpy_api import refused

NOT_GIVEN = object()
"""The default of a numpy argument the op language does not support (``initial=``,
``where=``): only the caller's own value is refused."""


def checked(op, rule, *args):
    """Run a metadata rule (axes, shapes); its complaint becomes a :class:`ShapeError`."""
    try:
        return rule(*args)
    except (ValueError, TypeError, IndexError) as err:
        raise ShapeError(f"{op}: {err} (operand shape {shape_of(args[0]) if args else ()})\n"
                         f"  at {format_where(user_frame())}") from None


def refuse(op, **given):
    """Refuse the numpy arguments ``op`` does not support: ``given`` says, for each
    argument's name, whether the caller gave it (a value other than numpy's default)."""
    names = [name for name, was_given in given.items() if was_given]
    if names:
        raise refused(op, names)


def where_given(where):
    """numpy's ``where=`` was given a mask (anything but its default, True)."""
    return not (where is True or where is np.True_)


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


def axis_in(op, axis, ndim):
    """``axis`` as one non-negative int among ``ndim`` axes (``stack``'s new axis counts)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ShapeError(f"{op}: axis must be one int, got {axis!r}\n"
                         f"  at {format_where(user_frame())}")
    if not -ndim <= axis < ndim:
        raise ShapeError(f"{op}: axis {axis} is out of bounds for an array of {ndim} "
                         f"dimensions\n  at {format_where(user_frame())}")
    return int(axis) % ndim


def axis_list(op, axis, ndim):
    """``axis`` (an int or a sequence of ints) as a list of non-negative ints, in the given
    order, none repeated (numpy's ``normalize_axis_tuple``: ``moveaxis``, ``expand_dims``)."""
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    out = [axis_in(op, a, ndim) for a in axes]
    if len(set(out)) != len(out):
        raise ShapeError(f"{op}: repeated axis in {tuple(axes)}\n"
                         f"  at {format_where(user_frame())}")
    return out


def unsupported(op, message):
    """The error for a numpy argument the op does not support (``out=``, ``mode='mean'``)."""
    return BackpropError(f"np.{op}: {message}\n  at {format_where(user_frame())}")


def numpy_only(op, **given):
    """Refuse ``out=`` and ``dtype=`` (given as not ``None``): an engine value is never
    written in place, and its dtype follows its inputs'."""
    refuse(f"np.{op}", **{name: value is not None for name, value in given.items()})