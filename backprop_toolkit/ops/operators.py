"""The Python operators and numpy's array methods of every engine value.

:class:`Operators` is the base both engines' values share (the tape's
``Tensor``, the symbolic ``Node``): each operator (``+ - * / % ** @ [] .T < == >``)
and each array method (``x.sum(axis=0)``, ``x.reshape(2, 3)``, ``x.astype(np.float32)``)
is one call of the op language, and numpy's own functions called on a value come
here too.
"""

import numpy as np

from ..dispatch import ndim_of
from ..errors import DTypeError, ShapeError, format_where, user_frame
from . import cumulative, logical, reductions
from .arguments import axes_of, one_axis, refuse
from .casting import cast, target_dtype
from .linalg import matmul
from .numpy_api import FUNCTIONS, REFUSED, UFUNCS, no_entry, refused
from .piecewise import remainder
from .pointwise import (abs, add, div, equal, greater, greater_equal, less, less_equal, mul,
                        neg, not_equal, power, sub)
from .shape import getitem, reshape, transpose


class Operators:
    """Python operators of engine values, each one call of the op language.

    ``x % y`` is numpy's ``remainder`` (the sign of ``y``, as Python's).
    Comparisons are elementwise, as in numpy (``x == 1.0`` is a boolean
    tensor or node); hashing stays by identity, so values can key dicts.
    numpy's own functions called on an engine value come here too
    (``__array_ufunc__``, ``__array_function__``): those with an entry in the
    op language run it; any other raises an error that names the function,
    never a silent conversion to numbers, and so do a ufunc's methods
    (``np.add.reduce``, ``np.add.at``) and its keywords (``out=``, ``where=``
    other than ``True``, ``dtype=``), each named in the message.
    """

    __slots__ = ()
    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        op = UFUNCS.get(ufunc) if method == "__call__" else None
        if op is None:  # no entry, or a method: np.add.reduce, np.add.at, np.multiply.outer
            raise no_entry(f"np.{ufunc.__name__}" + ("" if method == "__call__" else
                                                     f".{method}"))
        if kwargs and not (len(kwargs) == 1 and kwargs.get("where") is True):
            raise refused(f"np.{ufunc.__name__}",
                          sorted(k for k in kwargs if not (k == "where" and kwargs[k] is True)))
        return op(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        op = FUNCTIONS.get(func)
        if op is None:  # np.linalg.eigh is numpy.linalg's: named as a student writes it
            module = (getattr(func, "__module__", None) or "numpy").replace("numpy", "np", 1)
            module = module.replace("._core", "")
            raise no_entry(f"{module if module.startswith('np.') else 'np'}.{func.__name__}",
                           why=REFUSED.get(func))
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

    def __mod__(self, other):
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(other, self)

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

    # -- numpy's array methods: x.f(...) is np.f(x, ...), with numpy's arguments --------
    def sum(self, *args, **kwargs):
        return reductions.sum(self, *args, **kwargs)

    def mean(self, *args, **kwargs):
        return reductions.mean(self, *args, **kwargs)

    def prod(self, *args, **kwargs):
        return reductions.prod(self, *args, **kwargs)

    def max(self, *args, **kwargs):
        return reductions.max(self, *args, **kwargs)

    def min(self, *args, **kwargs):
        return reductions.min(self, *args, **kwargs)

    def var(self, *args, **kwargs):
        return reductions.var(self, *args, **kwargs)

    def std(self, *args, **kwargs):
        return reductions.std(self, *args, **kwargs)

    def cumsum(self, *args, **kwargs):
        return cumulative.cumsum(self, *args, **kwargs)

    def cumprod(self, *args, **kwargs):
        return cumulative.cumprod(self, *args, **kwargs)

    def any(self, *args, **kwargs):
        return logical.any(self, *args, **kwargs)

    def all(self, *args, **kwargs):
        return logical.all(self, *args, **kwargs)

    def argmax(self, *args, **kwargs):
        raise no_entry("x.argmax()", why=REFUSED[np.argmax])

    def argmin(self, *args, **kwargs):
        raise no_entry("x.argmin()", why=REFUSED[np.argmin])

    def argsort(self, *args, **kwargs):
        raise no_entry("x.argsort()", why=REFUSED[np.argsort])

    def reshape(self, *shape, order="C", copy=None):
        """``x.reshape(2, 3)`` or ``x.reshape((2, 3))``; C order only. ``copy`` has no
        effect: engine values are immutable, so a view and a copy cannot be told apart."""
        refuse("reshape", order=order != "C")
        if not shape:
            raise ShapeError(f"reshape: give the new shape, x.reshape(2, 3)\n"
                             f"  at {format_where(user_frame())}")
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
            shape = shape[0]
        return reshape(self, shape)

    def transpose(self, *axes):
        """``x.transpose()``, ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``."""
        if axes in ((), (None,)):
            return transpose(self)
        if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
            axes = axes[0]
        return transpose(self, axes)

    def swapaxes(self, axis1, axis2):
        axes = list(range(self.ndim))
        a, b = one_axis("swapaxes", self, axis1), one_axis("swapaxes", self, axis2)
        axes[a], axes[b] = b, a
        return transpose(self, axes)

    def ravel(self, order="C"):
        """The entries as one axis, in C order (a reshape)."""
        refuse("ravel", order=order != "C")
        return reshape(self, (self.size,))

    def flatten(self, order="C"):
        """The entries as one axis, in C order (a reshape; values are never shared)."""
        refuse("flatten", order=order != "C")
        return reshape(self, (self.size,))

    def squeeze(self, axis=None):
        """``x`` without its axes of length 1 (those of ``axis``, if given): a reshape."""
        shape = self.shape
        if axis is None:
            axes = tuple(i for i, n in enumerate(shape) if n == 1)
        else:
            axes = axes_of("squeeze", self, axis)
        for a in axes:
            if shape[a] != 1:
                raise ShapeError(f"squeeze: axis {a} has length {shape[a]}, not 1 (shape "
                                 f"{shape})\n  at {format_where(user_frame())}")
        return reshape(self, tuple(n for i, n in enumerate(shape) if i not in axes))

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """``x`` as ``dtype``: differentiable to a float dtype (the cotangent is cast back),
        ``x != 0`` for bool, refused for integers (see :mod:`.casting`). ``order``,
        ``subok`` and ``copy`` have no effect on immutable engine values."""
        target = target_dtype("astype", dtype)
        if not np.can_cast(self.dtype, target, casting):
            raise DTypeError(f"astype: cannot cast {self.dtype} to {target} under "
                             f"casting={casting!r}\n  at {format_where(user_frame())}")
        return cast("astype", self, target)

    def dot(self, other, out=None):
        """numpy's ``dot``: ``matmul`` when ``other`` has at most 2 axes, a product with a
        scalar; stacks of matrices on the right (where ``dot`` and ``matmul`` differ) are
        refused: write ``matmul`` or ``einsum`` to say which one you mean."""
        refuse("dot", out=out is not None)
        a, b = ndim_of(self), ndim_of(other)
        if a == 0 or b == 0:
            return mul(self, other)
        if b > 2:
            raise ShapeError(f"dot: a right operand with {b} axes is not supported (np.dot "
                             "and np.matmul differ there); use matmul\n"
                             f"  at {format_where(user_frame())}")
        return matmul(self, other)

    def item(self, *args):
        """The value as a Python number: a ``ConversionError`` for a value being
        differentiated, as ``float(x)`` (read it on purpose with ``x.value`` on the tape)."""
        return self._number(np.asarray, "x.item()").item(*args)

    def tolist(self):
        """The value as nested lists: a ``ConversionError`` as for :meth:`item`."""
        return self._number(np.asarray, "x.tolist()").tolist()
