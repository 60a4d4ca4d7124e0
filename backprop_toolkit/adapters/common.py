"""What both adapters share: how deep a thread is in transforms, and output checks."""

import threading

import numpy as np

from ..dispatch import Traced, shape_of
from ..errors import BackpropError, DTypeError, ShapeError, fun_name


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


def output_leaf(y, fun, kind, constant):
    """One output leaf as a value of the engine class ``kind``: as it is, or ``constant(y)``.

    A value of the other engine is an error; so is a non-engine leaf that is not
    numbers: numpy turns engine values it cannot handle into object arrays, and
    taken as a constant such an output would have a derivative of zero, silently.
    """
    if isinstance(y, kind):
        return y
    if isinstance(y, Traced):
        raise BackpropError(f"{fun_name(fun)} returned a {y.engine} value inside a "
                            f"{kind.engine} transform")
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        raise DTypeError(
            f"{fun_name(fun)} returned a value of dtype {array.dtype} ({type(y).__name__}); "
            "a transform's outputs are real numbers, tensors or nodes. An object array "
            "usually means a numpy function mixed numbers with tensors or nodes: use bt ops")
    return constant(y)


class lent:
    """The caller's ``arrays``, read-only while one call records and sweeps them
    (``with lent(arrays): ...``).

    A transform that runs its forward and backward pass inside one call
    (``grad``, ``value_and_grad``) borrows the arrays it differentiates
    instead of copying them: nothing can change them while they are lent
    (an in-place write raises numpy's read-only error), so the values the
    backward pass reads are the ones the forward pass used. Each array is
    handed back writeable when the call ends, however it ends. A class, not a
    generator: it runs on every transformed call.
    """

    __slots__ = ("locked",)

    def __init__(self, arrays):
        locked = {}
        for a in arrays:
            if type(a) is np.ndarray and a.flags.writeable:
                locked[id(a)] = a
        self.locked = list(locked.values())

    def __enter__(self):
        for a in self.locked:
            a.setflags(write=False)  # setflags: no flags object made per array

    def __exit__(self, *exc):
        # an array is writeable again only once its base is: bases first (``grad(f)(a[1:],
        # a)`` lends a view and its base, in either order)
        locked = self.locked
        if any(a.base is not None for a in locked):
            locked = sorted(locked, key=base_depth)
        for a in locked:
            a.setflags(write=True)


def base_depth(array):
    """How many views ``array`` is from the array that owns its data (0: it owns it)."""
    depth = 0
    while isinstance(array.base, np.ndarray):
        array, depth = array.base, depth + 1
    return depth


class Owned:
    """A result array made by this call's own pass, which no one else holds.

    :func:`backprop_toolkit.api.finish` returns it without the defensive copy
    it makes of any other result.
    """

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array


def owned_results(results, held):
    """``results`` with the ones that are certainly new marked :class:`Owned`.

    New means: a writeable array owning its data, none of ``held`` (the
    call's arguments) and not already among the results (``x + y`` gives
    both gradients the one seed). Everything an engine keeps is read-only
    (tensor values, constants), so such an array was made by the pass.
    """
    seen = {id(h) for h in held}
    marked = []
    for r in results:
        if type(r) is np.ndarray and r.base is None and r.flags.writeable and id(r) not in seen:
            seen.add(id(r))
            r = Owned(r)
        marked.append(r)
    return marked
