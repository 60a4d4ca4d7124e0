"""What both adapters share: the call being differentiated, levels, and checks."""

import threading

import numpy as np

from ..dispatch import shape_of
from ..errors import DTypeError, ShapeError, fun_name


class Call:
    """``fun(*args, **kwargs)``, differentiated with respect to some of its leaves.

    The transforms flatten structured arguments (:mod:`backprop_toolkit.trees`),
    so an adapter sees flat lists only:

    Attributes:
        fun: the user's function (it keys the symbolic engine's cache).
        args: the flat argument list: every argument's leaves in its place.
        nums: positions in ``args`` that are differentiated.
        names: a label per differentiated position (``x``, ``p['W']``).
        kwargs: keyword arguments, passed through unchanged.
        structure: how ``args`` map back to the user's arguments (hashable).
        rebuild: ``rebuild(args) -> user's positional arguments``.
        out_tree: the structure of the output, known once ``run`` has run.
    """

    def __init__(self, fun, args, kwargs, nums, names, structure, rebuild, flatten_out):
        self.fun, self.args, self.kwargs, self.nums, self.names = fun, args, kwargs, nums, names
        self.structure, self.rebuild, self.flatten_out = structure, rebuild, flatten_out
        self.out_tree = None

    def primals(self):
        return [self.args[n] for n in self.nums]

    def with_args(self, chosen):
        """The flat argument list with ``chosen`` at ``nums``."""
        full = list(self.args)
        for n, value in zip(self.nums, chosen):
            full[n] = value
        return full

    def run(self, args):
        """Run the user's function on flat ``args``; returns its output's leaves (a list)."""
        leaves, self.out_tree = self.flatten_out(self.fun(*self.rebuild(args), **self.kwargs))
        return leaves


class Tracing(threading.local):
    """How deep this thread is inside transforms of one engine.

    Per thread: a transform running in one thread never makes another
    thread's call think it is nested. Inside a transform, results stay
    engine values so that the enclosing transform can differentiate them.
    """

    def __init__(self):
        self.depth = 0

    def __enter__(self):
        self.depth += 1

    def __exit__(self, *exc):
        self.depth -= 1


def check_scalar(values, call):
    """``grad`` needs one real scalar output: ``values`` are the output's leaves."""
    fun = call.fun
    if call.out_tree.kind != "leaf":
        raise ShapeError(f"grad: {fun_name(fun)} returned a {call.out_tree.kind}; grad needs one "
                         "scalar output (use bt.jacobian or bt.vjp for several outputs)")
    (value,) = values
    if shape_of(value) != ():
        raise ShapeError(
            f"grad: {fun_name(fun)} returned shape {shape_of(value)}; grad needs a scalar output "
            "(reduce it, e.g. bt.sum, or use bt.jacobian / bt.vjp)")
    kind = np.dtype(getattr(value, "dtype", np.float64)).kind
    if kind not in "fiu":
        raise DTypeError(f"grad: {fun_name(fun)} returned dtype {value.dtype}, not a number")


def check_output(y, fun):
    """A non-engine output leaf must be numbers: never an array of Python objects.

    numpy turns engine values it cannot handle into object arrays; taken as a
    constant, such an output would have a derivative of zero, silently.
    """
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        raise DTypeError(
            f"{fun_name(fun)} returned a value of dtype {array.dtype} ({type(y).__name__}); "
            "a transform's outputs are real numbers, tensors or nodes. An object array "
            "usually means a numpy function mixed numbers with tensors or nodes: use bt ops")
    return y
