"""Reductions: sums, means, maxima and the softmax family, with numpy's ``axis``."""

import numpy as np

from .. import primitives as P
from ..dispatch import shape_of
from .arguments import axes_of, one_axis
from .numpy_api import implements


@implements(np.sum)
def sum(x, axis=None, keepdims=False):
    """Sum of ``x`` over ``axis`` (all axes by default)."""
    return P.sum_p(x, axis=axes_of("sum", x, axis), keepdims=bool(keepdims))


@implements(np.mean)
def mean(x, axis=None, keepdims=False):
    """Mean of ``x`` over ``axis``: ``sum(x) / n``, a composite."""
    axes = axes_of("mean", x, axis)
    shape = shape_of(x)
    count = 1
    for a in axes:
        count *= shape[a]
    return sum(x, axes, keepdims) / float(count)


@implements(np.max, np.amax)
def max(x, axis=None, keepdims=False):
    """Largest entry of ``x`` over ``axis``; its gradient goes to the arg max."""
    return P.max_p(x, axis=axes_of("max", x, axis), keepdims=bool(keepdims))


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, stable for inputs of any magnitude."""
    return P.logsumexp_p(x, axis=axes_of("logsumexp", x, axis), keepdims=bool(keepdims))


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return P.softmax_p(x, axis=one_axis("softmax", x, axis))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return P.log_softmax_p(x, axis=one_axis("log_softmax", x, axis))
