"""Piecewise elementwise ops with numpy's names: ``minimum``, ``fmin``, ``fmax``,
``clip``, the remainders and the roundings.

The gradient conventions, on both engines:

* ``minimum`` (as ``maximum``): the smaller input takes the gradient; at a tie each
  input takes half of it. ``fmin``/``fmax`` are the same where neither input is
  nan; where one is, all of it goes to the other input (the one returned).
* ``clip(x, lo, hi) = minimum(maximum(x, lo), hi)``: the gradient is 1 for ``x``
  strictly between the bounds and flows to the bound where ``x`` is beyond it;
  at exactly a bound it is split half and half between ``x`` and that bound.
* ``mod``/``remainder``: d/da = 1, d/db = -floor(a / b); ``fmod``: d/db = -trunc(a / b).
* ``nan_to_num``: the gradient passes where ``x`` is finite; the replaced entries
  (nan, inf) are constants, with derivative 0.
* ``select``: the gradient goes to the choice taken at each entry, as ``where``.
* ``floor``, ``ceil``, ``trunc``, ``rint``, ``round``: integer-valued, so the
  derivative is exactly 0 (their entries have no rule; the output is a constant).
"""

import operator

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, dtype_of
from ..errors import BackpropError, format_where, user_frame
from .functions import positive
from .numpy_api import implements, refused
from .pointwise import maximum, not_equal, where

minimum, remainder, fmod = P.minimum_p, P.remainder_p, P.fmod_p
mod = remainder                 # np.mod is np.remainder
floor, ceil, trunc = P.floor_p, P.ceil_p, P.trunc_p

for _ufunc, _op in [(np.minimum, minimum), (np.remainder, remainder), (np.fmod, fmod),
                    (np.floor, floor), (np.ceil, ceil), (np.trunc, trunc)]:
    implements(_ufunc)(_op)


def _isnan(x):
    """nan is the one number not equal to itself."""
    return not_equal(x, x)


@implements(np.fmax)
def fmax(a, b):
    """``maximum`` that ignores nan: where one input is nan the other is the result (and
    takes the gradient).  A composite: ``where(b is nan, a, where(a is nan, b, maximum))``."""
    return where(_isnan(b), a, where(_isnan(a), b, maximum(a, b)))


@implements(np.fmin)
def fmin(a, b):
    """``minimum`` that ignores nan (see :func:`fmax`)."""
    return where(_isnan(b), a, where(_isnan(a), b, minimum(a, b)))


_NO_VALUE = np._NoValue  # numpy's own marker for "not given", so its signature is ours


@implements(np.clip)
def clip(a, a_min=_NO_VALUE, a_max=_NO_VALUE, out=None, *, min=_NO_VALUE, max=_NO_VALUE,
         **kwargs):
    """``a`` limited to ``[a_min, a_max]``: ``minimum(maximum(a, a_min), a_max)``, numpy's
    order (where ``a_min > a_max`` the result is ``a_max``). A bound may be ``None`` (no
    bound), a number or an array, given as ``a_min``/``a_max`` or numpy 2's ``min``/``max``.
    The gradient is 1 strictly inside, flows to the bound where ``a`` is clipped, and is
    split half and half at a tie (``maximum``'s rule)."""
    if out is not None or kwargs:
        raise refused("np.clip", (["out"] if out is not None else []) + sorted(kwargs))
    if a_min is _NO_VALUE and a_max is _NO_VALUE:
        a_min = None if min is _NO_VALUE else min
        a_max = None if max is _NO_VALUE else max
    elif a_min is _NO_VALUE or a_max is _NO_VALUE:
        missing = "a_min" if a_min is _NO_VALUE else "a_max"
        raise TypeError(f"clip() missing 1 required positional argument: '{missing}'")
    elif min is not _NO_VALUE or max is not _NO_VALUE:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and `a_max` "
                         "are provided is forbidden.")
    if a_min is None and a_max is None:
        return positive(a)
    if a_min is not None:
        a = maximum(a, a_min)
    return a if a_max is None else minimum(a, a_max)


@implements(np.round, np.around)
def round(a, decimals=0, out=None):
    """``a`` rounded to ``decimals`` decimals, halves to even (numpy's).  d/da = 0."""
    if out is not None:
        raise refused("np.round", ["out"])
    try:
        decimals = operator.index(decimals)
    except TypeError:
        raise BackpropError(f"np.round: decimals must be an integer, got {decimals!r}\n"
                            f"  at {format_where(user_frame())}") from None
    return P.round_p(a, decimals=decimals)


around = round


@implements(np.rint)
def rint(x):
    """``x`` rounded to the nearest integer, halves to even: ``round(x, 0)``.  d/dx = 0."""
    return P.round_p(x, decimals=0)


@implements(np.nan_to_num)
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with nan, +inf and -inf replaced (by 0 and the largest finite numbers of
    ``x``'s dtype by default). ``copy`` has no effect: engine values never change."""
    if not isinstance(x, Traced):
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    big = np.finfo(dtype_of(x))
    x = where(not_equal(x, x), nan, x)
    x = where(P.equal_p(x, np.inf), big.max if posinf is None else posinf, x)
    return where(P.equal_p(x, -np.inf), big.min if neginf is None else neginf, x)


@implements(np.select)
def select(condlist, choicelist, default=0):
    """Per entry, the choice of the first condition that holds (``default`` if none):
    a chain of ``where`` from the last condition to the first."""
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise BackpropError("np.select: list of cases must be same length as list of "
                            f"conditions\n  at {format_where(user_frame())}")
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = where(condition, choice, result)
    return result
