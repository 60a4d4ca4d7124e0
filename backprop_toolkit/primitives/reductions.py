"""The table's reductions (``sum``, ``max``, ``logsumexp``) and the softmax family.

A reduction's params are normalized by the op language (``bt.sum`` turns
``axis`` into a sorted tuple and ``keepdims`` into a bool), so an entry here
always gets both. Its VJP spreads the cotangent back over the reduced axes
with :func:`expand`.

A rule looks its names up when it *runs*, in this module's globals: the
entries of the other files are imported above, those of this file exist by then.
"""

import numpy as np

from ..dispatch import Primitive, shape_of
from ..shapes import reduce_shape_rule, reduced_shape
from .elementwise import equal_p, exp_p, where_p
from .linear import broadcast_to_p, linear, reshape_p
from .table import register


def expand(g, shape, axis, keepdims):
    """Undo a reduction's shape: ``g`` (reduced over ``axis``) spread back to ``shape``."""
    kept = reduced_shape(shape, axis, True)
    return broadcast_to_p(reshape_p(g, shape=kept), shape=shape)


sum_p = linear(
    "sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    reduce_shape_rule,
    lambda g, out, x, axis, keepdims: expand(g, shape_of(x), axis, keepdims),  # d sum = 1 each
    doc="sum(x, axis, keepdims).  Every summand gets the cotangent: VJP = broadcast g.")


def _max_share(out, x, axis, keepdims):
    """1/k at the k positions that attain the maximum, 0 elsewhere (constant in x)."""
    hit = where_p(equal_p(x, expand(out, shape_of(x), axis, keepdims)), 1.0, 0.0)
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
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)


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
    return x - _logsumexp_impl(x, axis=axis, keepdims=True)


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
