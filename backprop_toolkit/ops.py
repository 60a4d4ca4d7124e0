"""The op language users write in: functions over numbers, tensors and nodes.

Simple primitives are used as they are (``bt.exp`` *is* the table's ``exp_p``).
This module adds what takes keyword metadata (``axis``, ``shape``), normalised
so that two equal calls make equal nodes, the composites built from
primitives (``mean``), and :class:`Operators`, the ``+ - * / ** @ [] .T < >``
of every engine value. A user's own primitives (:func:`elementwise`,
:func:`primitive`) are made in :mod:`backprop_toolkit.primitives.user`.
"""

import numpy as np

from . import primitives as P
from .dispatch import Traced, ndim_of, shape_of
from .errors import BackpropError, ShapeError, format_where, user_frame
from .primitives.user import elementwise, primitive  # noqa: F401 (bt.elementwise, bt.primitive)
from .shapes import normalize_axis, reshape_shape

# the entries whose op is the primitive itself: bt.mul is the table's mul_p
add, sub, mul, div, neg, power = P.add_p, P.sub_p, P.mul_p, P.div_p, P.neg_p, P.power_p
matmul, exp, log, sin, cos, tanh = P.matmul_p, P.exp_p, P.log_p, P.sin_p, P.cos_p, P.tanh_p
sigmoid, relu, sqrt, square, abs = P.sigmoid_p, P.relu_p, P.sqrt_p, P.square_p, P.abs_p
sign, maximum, where, stop_gradient = P.sign_p, P.maximum_p, P.where_p, P.stop_gradient_p
less, less_equal, greater, greater_equal = P.less_p, P.less_equal_p, P.greater_p, P.greater_equal_p
equal, not_equal = P.equal_p, P.not_equal_p


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


def sum(x, axis=None, keepdims=False):
    """Sum of ``x`` over ``axis`` (all axes by default)."""
    return P.sum_p(x, axis=axes_of("sum", x, axis), keepdims=bool(keepdims))


def mean(x, axis=None, keepdims=False):
    """Mean of ``x`` over ``axis``: ``sum(x) / n``, a composite."""
    axes = axes_of("mean", x, axis)
    shape = shape_of(x)
    count = 1
    for a in axes:
        count *= shape[a]
    return sum(x, axes, keepdims) / float(count)


def max(x, axis=None, keepdims=False):
    """Largest entry of ``x`` over ``axis``; its gradient goes to the arg max."""
    return P.max_p(x, axis=axes_of("max", x, axis), keepdims=bool(keepdims))


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, stable for inputs of any magnitude."""
    return P.logsumexp_p(x, axis=axes_of("logsumexp", x, axis), keepdims=bool(keepdims))


def _one_axis(op, x, axis):
    if not isinstance(axis, (int, np.integer)):
        raise ShapeError(f"{op}: axis must be one int, got {axis!r}\n"
                         f"  at {format_where(user_frame())}")
    (a,) = axes_of(op, x, axis)
    return a


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return P.softmax_p(x, axis=_one_axis("softmax", x, axis))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return P.log_softmax_p(x, axis=_one_axis("log_softmax", x, axis))


def transpose(x, axes=None):
    """Permute the axes of ``x`` (reverse them by default)."""
    n = ndim_of(x)
    if axes is None:
        axes = tuple(reversed(range(n)))
    elif sorted(checked("transpose", lambda: [int(a) % n for a in axes])) != list(range(n)) \
            or len(axes) != n:
        raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of "
                         f"{n} axes\n  at {format_where(user_frame())}")
    return P.transpose_p(x, axes=tuple(int(a) % n for a in axes))


def reshape(x, shape):
    """``x`` with a new shape of the same size (one entry may be -1)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return P.reshape_p(x, shape=checked("reshape", reshape_shape, shape_of(x), shape))


def broadcast_to(x, shape):
    """Copies of ``x`` filling ``shape`` (numpy broadcasting, made explicit)."""
    return P.broadcast_to_p(x, shape=tuple(shape))


def sum_to(x, shape):
    """Sum ``x`` down to ``shape``: the transpose of :func:`broadcast_to`."""
    return P.sum_to_p(x, shape=tuple(shape))


def getitem(x, index):
    """``x[index]`` for ints, slices, ``None``, ``...`` and integer arrays."""
    return P.getitem_p(x, index=index)


def stack(values):
    """Stack equally shaped values along a new first axis.

    On numbers this is ``np.stack``; on engine values it is a sum of
    ``scatter_add`` placements, so it is differentiable like any composite.
    """
    values = list(values)
    if not any(isinstance(v, Traced) for v in values):
        return np.stack([np.asarray(v) for v in values])
    shape = (len(values),) + shape_of(values[0])
    total = None
    for i, value in enumerate(values):
        term = P.scatter_add_p(value, index=(i,), shape=shape)
        total = term if total is None else total + term
    return total


class Operators:
    """Python operators of engine values, each one call of the op language.

    Comparisons are elementwise, as in numpy (``x == 1.0`` is a boolean
    tensor or node); hashing stays by identity, so values can key dicts.
    numpy's own functions called on an engine value come here too
    (``__array_ufunc__``, ``__array_function__``): those with an entry in the
    op language run it; any other raises an error that names the function,
    never a silent conversion to numbers.
    """

    __slots__ = ()
    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        op = UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
        if op is None:
            raise no_entry(f"np.{ufunc.__name__}" + ("" if method == "__call__" else
                                                     f".{method}"))
        return op(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        op = FUNCTIONS.get(func)
        if op is None:
            raise no_entry(f"np.{func.__name__}")
        return op(*args, **kwargs)

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __truediv__(self, other):
        return div(self, other)

    def __rtruediv__(self, other):
        return div(other, self)

    def __pow__(self, other):
        return power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return abs(self)

    def __lt__(self, other):
        return less(self, other)

    def __le__(self, other):
        return less_equal(self, other)

    def __gt__(self, other):
        return greater(self, other)

    def __ge__(self, other):
        return greater_equal(self, other)

    def __eq__(self, other):
        return equal(self, other)

    def __ne__(self, other):
        return not_equal(self, other)

    __hash__ = object.__hash__  # identity: engine values are dict keys

    def __getitem__(self, index):
        return getitem(self, index)

    @property
    def T(self):
        return transpose(self)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d value")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def no_entry(function):
    """The error for a numpy function that the op language has no entry for."""
    return BackpropError(
        f"{function} has no entry in the op language, so it cannot be differentiated; "
        "numpy would turn the tensor or node into numbers and the derivative would be "
        "silently lost. Write it with bt ops (bt.sum, bt.where, bt.stack, ...), or add it "
        "with bt.primitive.\n"
        f"  at {format_where(user_frame())}")


UFUNCS = {
    np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.negative: neg,
    np.power: power, np.matmul: matmul, np.exp: exp, np.log: log, np.sin: sin, np.cos: cos,
    np.tanh: tanh, np.sqrt: sqrt, np.square: square, np.absolute: abs, np.sign: sign,
    np.maximum: maximum, np.less: less, np.less_equal: less_equal, np.greater: greater,
    np.greater_equal: greater_equal, np.equal: equal, np.not_equal: not_equal,
}
"""numpy ufuncs that are entries of the op language (``np.sin(x)`` is ``bt.sin(x)``)."""

FUNCTIONS = {
    np.sum: sum, np.mean: mean, np.max: max, np.amax: max, np.transpose: transpose,
    np.reshape: reshape, np.where: where, np.stack: stack, np.broadcast_to: broadcast_to,
    np.shape: shape_of, np.ndim: ndim_of,
}
"""numpy functions with the same meaning in the op language (``np.sum(x, axis=0)``)."""
