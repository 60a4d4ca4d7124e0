"""The table's joining and ordering entries: ``concatenate`` (any number of inputs) and
``sort_by`` (a permutation found at run time).

Every other shape function of numpy (``stack``, ``split``, ``flip``, ``roll``, ``pad``,
``repeat``, ``tile``, ...) is a composite of these and of the linear entries
(``getitem``, ``reshape``, ``transpose``, ``broadcast_to``): see
:mod:`backprop_toolkit.ops.joining` and :mod:`backprop_toolkit.ops.rearranging`.

``concatenate`` is *variadic*: one node for ``n`` inputs, so stacking 20,000 scalars
keeps memory linear in ``n`` (a sum of ``n`` placements into the full shape would be
``n**2``). Its rules see all inputs at once (see ``Primitive``'s ``variadic``): the
VJP cuts ``g`` back into one slice per input, the JVP concatenates the tangents.
"""

import numpy as np

from ..dispatch import Primitive, shape_of
from ..shapes import concatenate_shape, equal_shapes
from .linear import broadcast_to_p, getitem_p
from .table import register


# -- concatenate(x_1, ..., x_n, axis): linear in every input -----------------------
# d/dx_i: g[..., start_i:stop_i] (the slice where x_i was put), a getitem of g.
# JVP: concatenate(t_1, ..., t_n), with zeros for an input that has no tangent.
def _concatenate_vjp(g, out, *xs, axis):
    lead, start, pieces = (slice(None),) * axis, 0, []
    for x in xs:
        stop = start + shape_of(x)[axis]
        pieces.append(getitem_p(g, index=lead + (slice(start, stop),)))
        start = stop
    return pieces


def _concatenate_jvp(tangents, out, *xs, axis):
    parts = [broadcast_to_p(0.0, shape=shape_of(x)) if t is None else t
             for t, x in zip(tangents, xs)]
    return concatenate_p(*parts, axis=axis)


concatenate_p = register(Primitive(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis), concatenate_shape,
    vjp=[_concatenate_vjp], jvp=[_concatenate_jvp], variadic=True,
    doc="concatenate(x_1, ..., x_n, axis): the inputs end to end along axis.  Linear; "
        "VJP: the slice g[..., start_i:stop_i] for x_i; JVP: the tangents concatenated."))


# -- sort_by(t, key, axis, inverse): t reordered as sorting key reorders key --------
# Linear in t: JVP sort_by(t_dot, key), VJP the inverse permutation, sort_by(g, key,
# inverse=not inverse). The order is piecewise constant in key: no derivative (None).
def _sort_by_impl(t, key, axis, inverse):
    t, order = np.asarray(t), np.argsort(key, axis=axis, kind="stable")
    if not inverse:
        return np.take_along_axis(t, order, axis=axis)
    out = np.empty_like(t)
    np.put_along_axis(out, order, t, axis=axis)
    return out


sort_by_p = register(Primitive(
    "sort_by", _sort_by_impl, equal_shapes,
    vjp=[lambda g, out, t, key, axis, inverse: sort_by_p(g, key, axis=axis,
                                                         inverse=not inverse), None],
    jvp=[lambda d, out, t, key, axis, inverse: sort_by_p(d, key, axis=axis,
                                                         inverse=inverse), None],
    doc="sort_by(t, key, axis, inverse): t permuted along axis by the (stable) order that "
        "sorts key; inverse=True undoes it.  sort(x) = sort_by(x, x).  VJP for t: "
        "sort_by(g, key, inverse=not inverse), the permutation's transpose; key: none "
        "(the order is piecewise constant)."))
