"""Reductions with numpy's signatures: sums, products, extremes, moments, the softmax family.

Each op takes numpy's arguments in numpy's order (``np.sum(x, 0, None, None, True)``
works), normalises ``axis`` (None, an int, a negative int or a tuple) to a sorted
tuple and ``keepdims`` to a bool, and refuses what it does not support (``out=``,
``where=``, integer ``dtype=``) with an error naming it. ``sum``, ``prod`` and
``max`` are table entries; ``mean``, ``min``, ``var``, ``std`` and ``average``
are composites of them, exact and differentiable to any order.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import shape_of
from ..errors import BackpropError, ShapeError, format_where, user_frame
from .arguments import NOT_GIVEN, axes_of, one_axis, refuse, where_given
from .casting import with_dtype
from .numpy_api import implements
from .pointwise import maximum, square, sqrt


def count(x, axes):
    """The number of entries a reduction over ``axes`` (normalized) combines."""
    shape, n = shape_of(x), 1
    for a in axes:
        n *= shape[a]
    return n


def all_axes(x):
    """``axis=None`` normalized: every axis of ``x``, as ``axes_of`` gives it."""
    return tuple(range(len(shape_of(x))))


@implements(np.sum)
def sum(x, axis=None, dtype=None, out=None, keepdims=False, initial=NOT_GIVEN, where=True):
    """Sum of ``x`` over ``axis`` (all axes by default); ``initial`` is added to it."""
    if axis is None and dtype is None and out is None and initial is NOT_GIVEN and where is True:
        return P.sum_p(x, axis=all_axes(x), keepdims=bool(keepdims))  # the common call, first
    refuse("sum", out=out is not None, where=where_given(where))
    x = with_dtype("sum", x, dtype)
    total = P.sum_p(x, axis=axes_of("sum", x, axis), keepdims=bool(keepdims))
    return total if initial is NOT_GIVEN else total + initial


@implements(np.mean)
def mean(x, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean of ``x`` over ``axis``: ``sum(x) / n``, a composite."""
    if axis is None and dtype is None and out is None and where is True:  # the common call
        axes = all_axes(x)
        return P.sum_p(x, axis=axes, keepdims=bool(keepdims)) / float(count(x, axes))
    refuse("mean", out=out is not None, where=where_given(where))
    return mean_over(with_dtype("mean", x, dtype), axes_of("mean", x, axis), keepdims)


def mean_over(x, axes, keepdims):
    """The mean over normalized ``axes``: the sum divided by the count of its terms."""
    return sum(x, axes, keepdims=keepdims) / float(count(x, axes))


@implements(np.prod)
def prod(x, axis=None, dtype=None, out=None, keepdims=False, initial=NOT_GIVEN, where=True):
    """Product of the entries of ``x`` over ``axis``; ``initial`` multiplies it.

    d prod / dx_i is the product of the *other* entries, computed without
    dividing (see ``prod_p``), so it is right where entries are 0: with one
    zero only that entry gets a gradient, with two none does.
    """
    refuse("prod", out=out is not None, where=where_given(where))
    x = with_dtype("prod", x, dtype)
    product = P.prod_p(x, axis=axes_of("prod", x, axis), keepdims=bool(keepdims))
    return product if initial is NOT_GIVEN else product * initial


@implements(np.max, np.amax)
def max(x, axis=None, out=None, keepdims=False, initial=NOT_GIVEN, where=True):
    """Largest entry of ``x`` over ``axis``; ``initial`` is a lower bound.

    The gradient goes to the arg max; entries that tie for the maximum share it
    equally (two tied entries get 1/2 each): a convention, since max is not
    differentiable there, and the one that keeps ``max(x) = max(x, x)`` symmetric.
    """
    refuse("max", out=out is not None, where=where_given(where))
    largest = P.max_p(x, axis=axes_of("max", x, axis), keepdims=bool(keepdims))
    return largest if initial is NOT_GIVEN else maximum(largest, initial)


@implements(np.min, np.amin)
def min(x, axis=None, out=None, keepdims=False, initial=NOT_GIVEN, where=True):
    """Smallest entry of ``x`` over ``axis``: ``-max(-x)``, a composite (exact: negating
    rounds nothing). Ties share the gradient equally, as for :func:`max`."""
    refuse("min", out=out is not None, where=where_given(where))
    bound = NOT_GIVEN if initial is NOT_GIVEN else P.neg_p(initial)
    return P.neg_p(max(P.neg_p(x), axis, keepdims=keepdims, initial=bound))


def degrees_of_freedom(op, x, axes, ddof, correction):
    """``n - ddof`` for a variance over ``axes``; ``correction`` is numpy's other name."""
    if correction is not NOT_GIVEN:
        if ddof != 0:
            raise BackpropError(f"{op}: give ddof= or correction=, not both\n"
                                f"  at {format_where(user_frame())}")
        ddof = correction
    n = count(x, axes)
    if n - ddof <= 0:
        raise ShapeError(f"{op}: ddof={ddof} leaves no degrees of freedom for {n} entries "
                         f"over axis {axes} of shape {shape_of(x)} (numpy gives inf or nan); "
                         f"use a smaller ddof\n  at {format_where(user_frame())}")
    return float(n - ddof)


@implements(np.var)
def var(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=NOT_GIVEN, correction=NOT_GIVEN):
    """Variance ``sum((x - mean(x))^2) / (n - ddof)`` over ``axis``, a composite.

    ``d var / dx_i = 2 (x_i - mean) / (n - ddof)`` (the mean's own
    dependence on ``x_i`` cancels, since the deviations sum to 0).
    """
    refuse("var", out=out is not None, where=where_given(where), mean=mean is not NOT_GIVEN)
    x = with_dtype("var", x, dtype)
    axes = axes_of("var", x, axis)
    dof = degrees_of_freedom("var", x, axes, ddof, correction)
    centered = P.sub_p(x, mean_over(x, axes, True))
    return sum(square(centered), axes, keepdims=keepdims) / dof


@implements(np.std)
def std(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=NOT_GIVEN, correction=NOT_GIVEN):
    """Standard deviation ``sqrt(var(x, ddof))``, a composite.

    ``d std / dx_i = (x_i - mean) / ((n - ddof) std)``; where ``std = 0`` (all
    entries equal) it is not differentiable and the gradient is ``nan``. Over a
    single entry (``n = 1``) std is 0 whatever ``x`` is: its derivatives are 0,
    and it is computed as the variance, which is identically 0 too.
    """
    refuse("std", out=out is not None, where=where_given(where), mean=mean is not NOT_GIVEN)
    variance = var(x, axis, dtype, None, ddof, keepdims, correction=correction)
    shape = shape_of(x)
    if all(shape[a] == 1 for a in axes_of("std", x, axis)):
        return variance
    return sqrt(variance)


@implements(np.average)
def average(x, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted mean ``sum(w x) / sum(w)`` over ``axis``, a composite; differentiable in
    ``x`` and in ``weights``. Weights of ``x``'s shape, or 1-D along one int ``axis``.
    Weights summing to 0 give inf or nan (numpy raises; a symbolic node has no value)."""
    refuse("average", returned=bool(returned))
    if weights is None:
        return mean(x, axis, keepdims=keepdims)
    w, axes = weights, axes_of("average", x, axis)
    if shape_of(w) != shape_of(x):
        w = weights_along("average", x, w, axis)
    total = sum(w, axes, keepdims=keepdims)
    return sum(P.mul_p(x, w), axes, keepdims=keepdims) / total


def weights_along(op, x, w, axis):
    """1-D weights ``w`` shaped to lie along ``axis`` of ``x`` (numpy's rule for them)."""
    shape = shape_of(x)
    if axis is None:
        raise ShapeError(f"{op}: axis must be given when the weights' shape {shape_of(w)} "
                         f"differs from the shape {shape}\n  at {format_where(user_frame())}")
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    a = one_axis(op, x, axis)
    if shape_of(w) != (shape[a],):
        raise ShapeError(f"{op}: weights of shape {shape_of(w)} fit neither the shape {shape} "
                         f"nor its axis {a} (length {shape[a]})\n  at {format_where(user_frame())}")
    along = tuple(shape[a] if i == a else 1 for i in range(len(shape)))
    return P.reshape_p(w, shape=along)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, stable for inputs of any magnitude."""
    return P.logsumexp_p(x, axis=axes_of("logsumexp", x, axis), keepdims=bool(keepdims))


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return P.softmax_p(x, axis=one_axis("softmax", x, axis))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return P.log_softmax_p(x, axis=one_axis("log_softmax", x, axis))
