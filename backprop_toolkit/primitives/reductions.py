"""The table's reductions (``sum``, ``prod``, ``max``, ``logsumexp``), ``cumsum``, the
softmax family, and the running product (:func:`cumprod_along`) that ``prod``'s rule uses.

A reduction's params are normalized by the op language (``bt.sum`` turns
``axis`` into a sorted tuple and ``keepdims`` into a bool), so an entry here
always gets both. Its VJP spreads the cotangent back over the reduced axes
with :func:`expand`.

A rule looks its names up when it *runs*, in this module's globals: the
entries of the other files are imported above, those of this file exist by then.
"""

import numpy as np

from ..dispatch import Primitive, dtype_of, shape_of
from ..shapes import inverse_permutation, reduce_shape_rule, reduced_shape, same_shape
from .elementwise import astype_p, equal_p, exp_p, greater_p, where_p
from .linear import broadcast_to_p, getitem_p, linear, reshape_p, scatter_add_p, transpose_p
from .table import register


def expand(g, shape, axis, keepdims):
    """Undo a reduction's shape: ``g`` (reduced over ``axis``) spread back to ``shape``."""
    kept = reduced_shape(shape, axis, True)
    return broadcast_to_p(reshape_p(g, shape=kept), shape=shape)


sum_p = linear(
    "sum", lambda x, axis, keepdims: np.add.reduce(x, axis=axis, keepdims=keepdims),  # np.sum
    # less its Python wrapper (2 us of 4): axis is always a tuple here, the dtype rule the same
    reduce_shape_rule,
    lambda g, out, x, axis, keepdims: expand(g, shape_of(x), axis, keepdims),  # d sum = 1 each
    doc="sum(x, axis, keepdims).  Every summand gets the cotangent: VJP = broadcast g.")


# -- running sums and products along one axis ---------------------------------
def _cumsum_impl(x, axis, reverse):
    if not reverse:
        return np.cumsum(x, axis=axis)
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


cumsum_p = linear(
    "cumsum", _cumsum_impl, same_shape,
    # out_k = sum_{i<=k} x_i, so x_i's cotangent is sum_{k>=i} g_k: the cumsum of g from the end
    lambda g, out, x, axis, reverse: cumsum_p(g, axis=axis, reverse=not reverse),
    doc="cumsum(x, axis, reverse): running sums along axis (from the end if reverse).  "
        "VJP: the running sum of g the other way.")


def shifted(x, axis, step, fill):
    """``x`` moved ``step`` places along ``axis`` (to higher indices; lower if ``step < 0``),
    the places left empty holding ``fill``. Linear in ``x`` (a gather and a scatter; ``fill``
    put in by ``where``), so no entry is rounded and ``x``'s dtype is kept."""
    shape = shape_of(x)
    n, k, lead = shape[axis], abs(step), (slice(None),) * axis
    source, target = (slice(0, n - k), slice(k, n)) if step > 0 else (slice(k, n), slice(0, n - k))
    part = getitem_p(x, index=lead + (source,))
    moved = scatter_add_p(part, index=lead + (target,), shape=shape)
    filled = scatter_add_p(broadcast_to_p(1.0, shape=shape_of(part)), index=lead + (target,),
                           shape=shape)  # numbers, made at once: 1 where an entry moved to
    return where_p(greater_p(filled, 0.0), moved, fill)


def cumprod_along(x, axis):
    """Running products ``prod_{j<=i} x_j`` along ``axis`` by doubling (Hillis-Steele):
    log2(n) steps of ``c * shifted(c)``. Only products, so every derivative of it is exact
    where entries are 0 too (no division)."""
    step, n = 1, shape_of(x)[axis]
    while step < n:
        x = x * shifted(x, axis, step, 1.0)
        step *= 2
    return x


def _reversed(x, axis):
    return getitem_p(x, index=(slice(None),) * axis + (slice(None, None, -1),))


def others(x, axis):
    """For each entry, the product of the *other* entries over ``axis`` (a tuple): exact
    with zeros. The axes are moved last and flattened; there ``others_i = L_i R_i``, the
    products of the entries before and after ``i`` (running products, shifted by one)."""
    shape = shape_of(x)
    kept = tuple(i for i in range(len(shape)) if i not in axis)
    order = kept + tuple(axis)
    lead, n = tuple(shape[i] for i in kept), 1
    for i in axis:
        n *= shape[i]
    if n <= 1:  # no other entries: their product is 1
        return astype_p(broadcast_to_p(1.0, shape=shape), dtype=dtype_of(x).name)
    flat = reshape_p(transpose_p(x, axes=order), shape=lead + (n,))
    last = len(lead)
    before = shifted(cumprod_along(flat, last), last, 1, 1.0)
    after = shifted(_reversed(cumprod_along(_reversed(flat, last), last), last), last, -1, 1.0)
    moved = reshape_p(before * after, shape=tuple(shape[i] for i in order))
    return transpose_p(moved, axes=inverse_permutation(order))


prod_p = register(Primitive(
    "prod", lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    reduce_shape_rule,
    # d prod / dx_i = the product of the other entries (not prod / x_i: exact at zeros)
    vjp=[lambda g, out, x, axis, keepdims:
         expand(g, shape_of(x), axis, keepdims) * others(x, axis)],
    jvp=[lambda t, out, x, axis, keepdims:
         sum_p(t * others(x, axis), axis=axis, keepdims=keepdims)],
    doc="prod(x, axis, keepdims).  d/dx_i = the product of the other entries, computed with "
        "running products (no division), so it is exact where entries are 0, to any order."))


def _max_share(out, x, axis, keepdims):
    """1/k at the k positions that attain the maximum, 0 elsewhere (constant in x), in x's
    dtype: the truth values cast, not ``where(.., 1.0, 0.0)`` (float64 from two Python
    numbers, which would make a float32 gradient float64 from here on)."""
    hit = astype_p(equal_p(x, expand(out, shape_of(x), axis, keepdims)), dtype=dtype_of(x).name)
    return hit / expand(sum_p(hit, axis=axis, keepdims=True), shape_of(x), axis, True)


max_p = register(Primitive(
    "max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims), reduce_shape_rule,
    # d max / dx_i = 1 at the arg max (split evenly among ties), else 0
    vjp=[lambda g, out, x, axis, keepdims:
         expand(g, shape_of(x), axis, keepdims) * _max_share(out, x, axis, keepdims)],
    jvp=[lambda t, out, x, axis, keepdims:
         sum_p(t * _max_share(out, x, axis, keepdims), axis=axis, keepdims=keepdims)],
    doc="max(x, axis, keepdims).  The gradient goes to the maximal entry (shared among ties)."))


def _logsumexp_impl(x, axis, keepdims):
    s = _lse_kept(x, axis)
    return s if keepdims else np.squeeze(s, axis=axis)


def _lse_kept(x, axis):
    """logsumexp over ``axis`` (an int or a tuple), the axes kept: ``m + log sum e^(x - m)``,
    m = max x (0 where not finite). ``np.sum`` less its Python wrapper, the log and the
    ``+ m`` in the sum's own array: the same numbers in fewer calls (W2's 128 x 10)."""
    m = _max_kept(x, axis)
    m = np.where(np.isfinite(m), m, 0)
    s = np.add.reduce(np.exp(x - m), axis=axis, keepdims=True)
    if type(s) is not np.ndarray or s.dtype != m.dtype:
        return np.log(s) + m  # a scalar, or a sum of another type than m (integer x)
    np.log(s, out=s)
    s += m
    return s


def _max_kept(x, axis):
    """``np.max(x, axis, keepdims=True)``. Many short rows (a batch's 10 classes): the max
    of the rows of the transposed copy, 3 against 11 us on 128 x 10 (numpy runs an inner loop
    per short row). The same numbers: a max is exact in any order but for the sign of a zero
    maximum, which nothing made of it shows (``e^(x - m)`` and ``log(s) + m`` are the same for
    m = +0 and -0), and the payload of a nan, which ``_lse_kept`` replaces by 0."""
    if (type(x) is np.ndarray and x.ndim == 2 and (axis == 1 or axis == (1,))
            and x.shape[0] >= SHORT_ROWS and 0 < x.shape[1] <= SHORT_ROWS):
        return np.maximum.reduce(x.T.copy(), axis=0).reshape(x.shape[0], 1)
    return np.maximum.reduce(x, axis=axis, keepdims=True)  # np.max less its wrapper


SHORT_ROWS = 32
"""At least this many rows, at most this long: ``_max_kept`` reduces the transposed copy."""


def _softmax_weights(out, x, axis, keepdims):
    """softmax(x) along ``axis``, from logsumexp's output: e^(x - lse)."""
    return exp_p(x - expand(out, shape_of(x), axis, keepdims))


logsumexp_p = register(Primitive(
    "logsumexp", _logsumexp_impl, reduce_shape_rule,
    # d lse / dx = softmax(x) = e^(x - out)
    vjp=[lambda g, out, x, axis, keepdims:
         expand(g, shape_of(x), axis, keepdims) * _softmax_weights(out, x, axis, keepdims)],
    jvp=[lambda t, out, x, axis, keepdims:
         sum_p(t * _softmax_weights(out, x, axis, keepdims), axis=axis, keepdims=keepdims)],
    doc="logsumexp(x, axis) = log sum e^x, computed as m + log sum e^(x-m), m = max x.  "
        "d/dx = softmax(x)."))


def _softmax_impl(x, axis):
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def _log_softmax_impl(x, axis):
    return x - _lse_kept(x, axis)


# softmax: J = diag(s) - s s^T is symmetric, so VJP and JVP share one formula.
def _softmax_rule(g, out, x, axis):
    return out * (g - sum_p(g * out, axis=(axis,), keepdims=True))


softmax_p = register(Primitive(
    "softmax", _softmax_impl, lambda s, axis: tuple(s),
    vjp=[_softmax_rule],          # s * (g - <g, s>)
    jvp=[_softmax_rule],          # s * (t - <t, s>)
    doc="softmax(x, axis) = e^x / sum e^x.  J = diag(s) - s s^T: VJP = s (g - <g, s>)."))
log_softmax_p = register(Primitive(
    "log_softmax", _log_softmax_impl, lambda s, axis: tuple(s),
    # J = I - 1 s^T with s = e^out
    vjp=[lambda g, out, x, axis: g - exp_p(out) * sum_p(g, axis=(axis,), keepdims=True)],
    jvp=[lambda t, out, x, axis: t - sum_p(exp_p(out) * t, axis=(axis,), keepdims=True)],
    doc="log_softmax(x, axis) = x - logsumexp(x).  J = I - 1 s^T, s = softmax(x)."))
