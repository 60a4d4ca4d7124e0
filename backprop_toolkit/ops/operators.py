"""The Python operators of every engine value: ``+ - * / ** @ [] .T < == >``.

:class:`Operators` is the base both engines' values share (the tape's
``Tensor``, the symbolic ``Node``): each operator is one call of the op
language, and numpy's own functions called on a value come here too.
"""

from .pointwise import (abs, add, div, equal, greater, greater_equal, less, less_equal, mul,
                          neg, not_equal, power, sub)
from .linalg import matmul
from .numpy_api import FUNCTIONS, UFUNCS, no_entry
from .shape import getitem, transpose


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
        if op is None:  # np.linalg.eigh is numpy.linalg's: named as a student writes it
            module = (getattr(func, "__module__", None) or "numpy").replace("numpy", "np", 1)
            raise no_entry(f"{module}.{func.__name__}")
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
