"""What both engine adapters share: the call being differentiated, and checks."""

import numpy as np

from ..dispatch import shape_of
from ..errors import DTypeError, ShapeError


class Call:
    """``fun(*args, **kwargs)``, differentiated with respect to ``args[n]`` for ``n`` in ``nums``."""

    def __init__(self, fun, args, kwargs, nums, names):
        self.fun, self.args, self.kwargs, self.nums, self.names = fun, args, kwargs, nums, names

    def primals(self):
        return [self.args[n] for n in self.nums]

    def with_args(self, chosen):
        """The full argument list with ``chosen`` at ``nums``."""
        full = list(self.args)
        for n, value in zip(self.nums, chosen):
            full[n] = value
        return full

    def run(self, args):
        return self.fun(*args, **self.kwargs)


class Tracing:
    """Counts the transforms of one engine that are evaluating a user function."""

    def __init__(self):
        self.depth = 0

    def __enter__(self):
        self.depth += 1

    def __exit__(self, *exc):
        self.depth -= 1


def fun_name(fun):
    return getattr(fun, "__name__", type(fun).__name__)


def check_scalar(value, fun):
    if shape_of(value) != ():
        raise ShapeError(
            f"grad: {fun_name(fun)} returned shape {shape_of(value)}; grad needs a scalar output "
            "(reduce it, e.g. bt.sum, or use bt.jacobian / bt.vjp)")
    kind = np.dtype(getattr(value, "dtype", np.float64)).kind
    if kind not in "fiu":
        raise DTypeError(f"grad: {fun_name(fun)} returned dtype {value.dtype}, not a number")


def float_dtype(x):
    """The floating dtype of a value (float64 for integers and nodes' unknowns)."""
    dtype = getattr(x, "dtype", None)
    dtype = np.asarray(x).dtype if dtype is None else np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)
