"""Joining and splitting: ``concatenate``, ``stack`` and its family, ``split`` and its family.

Everything that joins is one ``concatenate`` node, whatever the number of pieces
(the table's variadic entry): ``stack`` is a reshape of each piece (a new axis of
length 1) and a ``concatenate`` along that axis, so stacking ``n`` scalars takes memory
linear in ``n``. Splitting is a list of ``getitem`` slices, one per piece; the VJP of
``concatenate`` is that same list of slices of ``g``.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, ndim_of, shape_of
from ..errors import ShapeError, format_where, user_frame
from .arguments import axis_in, numpy_only, unsupported
from .numpy_api import implements
from .shape import at_least, ravel, reshape


def pieces_of(op, arrays):
    """The pieces to join as a list: engine values as they are, anything else as an array
    (``np.concatenate`` of a Python float makes a float64 array too). One array is the
    sequence of its rows, as in numpy."""
    pieces = [a if isinstance(a, Traced) else np.asarray(a) for a in arrays]
    if not pieces:
        raise ShapeError(f"{op}: need at least one array to join\n"
                         f"  at {format_where(user_frame())}")
    return pieces


def check_casting(op, casting):
    if casting != "same_kind":
        raise unsupported(op, f"casting={casting!r} is not supported on engine values (the "
                              "result's dtype follows numpy's promotion of the pieces)")


@implements(np.concatenate)
def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``arrays`` end to end along an existing ``axis`` (``None``: each flattened first).

    One ``concatenate`` node for any number of arrays. Its VJP gives each piece its
    slice of ``g``; its JVP concatenates the tangents.
    """
    numpy_only("concatenate", out=out, dtype=dtype)
    check_casting("concatenate", casting)
    pieces = pieces_of("concatenate", arrays)
    if axis is None:
        pieces, axis = [ravel(a) for a in pieces], 0
    if ndim_of(pieces[0]) == 0:
        raise ShapeError("concatenate: zero-dimensional arrays cannot be concatenated (use "
                         "np.stack to make a vector of scalars)\n"
                         f"  at {format_where(user_frame())}")
    return P.concatenate_p(*pieces, axis=axis_in("concatenate", axis, ndim_of(pieces[0])))


@implements(np.append)
def append(arr, values, axis=None):
    """``arr`` followed by ``values`` along ``axis`` (both flattened for ``None``).
    A list holding engine values (``[x, 2.0]``) is stacked first, as numpy would make
    it an array."""
    arr, values = (stack(v) if isinstance(v, (list, tuple)) else v for v in (arr, values))
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


@implements(np.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Equally shaped ``arrays`` along a new ``axis`` (the first by default).

    ``bt.stack([x[0], 2 * x[1]])`` is how to build an array from engine values
    (``np.array([...])`` of them cannot be differentiated). A reshape of each piece
    (a new axis of length 1 at ``axis``) and one ``concatenate``: memory linear in
    the number of pieces.
    """
    numpy_only("stack", out=out, dtype=dtype)
    check_casting("stack", casting)
    pieces = pieces_of("stack", arrays)
    shape = shape_of(pieces[0])
    if any(shape_of(a) != shape for a in pieces):
        raise ShapeError("stack: all input arrays must have the same shape, got "
                         f"{sorted({shape_of(a) for a in pieces})}\n"
                         f"  at {format_where(user_frame())}")
    axis = axis_in("stack", axis, len(shape) + 1)
    expanded = shape[:axis] + (1,) + shape[axis:]
    return P.concatenate_p(*[P.reshape_p(a, shape=expanded) for a in pieces], axis=axis)


@implements(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    """Side by side: along the second axis (the first for vectors)."""
    numpy_only("hstack", dtype=dtype)
    check_casting("hstack", casting)
    pieces = [at_least(a, 1) for a in pieces_of("hstack", tup)]
    return concatenate(pieces, axis=0 if ndim_of(pieces[0]) == 1 else 1)


@implements(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    """One under the other: along the first axis, vectors taken as rows ``(1, n)``."""
    numpy_only("vstack", dtype=dtype)
    check_casting("vstack", casting)
    return concatenate([at_least(a, 2) for a in pieces_of("vstack", tup)], axis=0)


@implements(np.dstack)
def dstack(tup):
    """Along the third axis (depth), after ``atleast_3d``."""
    return concatenate([at_least(a, 3) for a in pieces_of("dstack", tup)], axis=2)


@implements(np.column_stack)
def column_stack(tup):
    """Vectors as columns ``(n, 1)`` (2-d pieces as they are), side by side."""
    pieces = pieces_of("column_stack", tup)
    columns = [reshape(a, (-1, 1)) if ndim_of(a) < 2 else a for a in pieces]
    return concatenate(columns, axis=1)


# -- splitting: a list of slices ------------------------------------------------------
def split_points(op, length, indices_or_sections, equal):
    """numpy's boundaries of the pieces of an axis of ``length`` (``split``, ``array_split``)."""
    try:
        points = [int(i) for i in indices_or_sections]  # a sequence of indices
        return [0] + points + [length]
    except TypeError:
        pass
    sections = int(indices_or_sections)
    if sections <= 0:
        raise ShapeError(f"{op}: number sections must be larger than 0\n"
                         f"  at {format_where(user_frame())}")
    each, extras = divmod(length, sections)
    if equal and extras:
        raise ShapeError(f"{op}: array split does not result in an equal division ({length} "
                         f"into {sections}); np.array_split allows unequal pieces\n"
                         f"  at {format_where(user_frame())}")
    sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
    return [int(p) for p in np.cumsum(sizes)]


def _split(op, ary, indices_or_sections, axis, equal=True):
    axis = axis_in(op, axis, ndim_of(ary))
    points = split_points(op, shape_of(ary)[axis], indices_or_sections, equal)
    lead = (slice(None),) * axis
    return [P.getitem_p(ary, index=lead + (slice(start, stop),))
            for start, stop in zip(points[:-1], points[1:])]


@implements(np.split)
def split(ary, indices_or_sections, axis=0):
    """``ary`` cut along ``axis`` into equal sections, or at the given indices: a list of
    slices (``getitem``), each differentiable on its own."""
    return _split("split", ary, indices_or_sections, axis)


@implements(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    """As :func:`split`, but ``n`` sections need not divide the axis (the first are longer)."""
    return _split("array_split", ary, indices_or_sections, axis, equal=False)


def _split_at_least(op, ary, indices_or_sections, ndim, axis):
    if ndim_of(ary) < ndim:
        raise ShapeError(f"{op} only works on arrays of {ndim} or more dimensions (got shape "
                         f"{shape_of(ary)})\n  at {format_where(user_frame())}")
    return _split(op, ary, indices_or_sections, axis)


@implements(np.hsplit)
def hsplit(ary, indices_or_sections):
    """:func:`split` along the second axis (the first for a vector)."""
    return _split_at_least("hsplit", ary, indices_or_sections, 1,
                           1 if ndim_of(ary) > 1 else 0)


@implements(np.vsplit)
def vsplit(ary, indices_or_sections):
    """:func:`split` along the first axis, of an array of at least two axes."""
    return _split_at_least("vsplit", ary, indices_or_sections, 2, 0)


@implements(np.dsplit)
def dsplit(ary, indices_or_sections):
    """:func:`split` along the third axis, of an array of at least three axes."""
    return _split_at_least("dsplit", ary, indices_or_sections, 3, 2)
