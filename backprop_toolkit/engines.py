"""The two engines behind the transforms of :mod:`backprop_toolkit.api`.

Each adapter answers three questions about one :class:`Call` of a user
function (which arguments are differentiated, with what values):

* ``vjp(call) -> (value, pullback)``: reverse mode, ``pullback(cotangent)``;
* ``linearize(call) -> (value, pushforward)``: forward mode, ``pushforward(tangents)``;
* ``value_and_grad(call) -> (value, grads)``: the common special case.

Inside another transform of the same engine (an argument is a tensor or a
node, or a transform is already tracing) results stay tensors or nodes, so
transforms compose to any order. At the top level they are numbers. The
symbolic adapter compiles the derivative graph once per input signature and
reuses it.
"""

import weakref

import numpy as np

from . import symbolic as sym
from . import tape as tp
from .dispatch import Traced, shape_of
from .errors import BackpropError, DTypeError, ShapeError
from .passes import gc_paused, toposort
from .tape import as_float_array


class Call:
    """``fun(*args, **kwargs)``, differentiated with respect to ``args[n]`` for ``n`` in ``nums``."""

    def __init__(self, fun, args, kwargs, nums, names):
        self.fun, self.args, self.kwargs, self.nums, self.names = fun, args, kwargs, nums, names

    def primals(self):
        return [self.args[n] for n in self.nums]

    def with_args(self, chosen, others=None):
        """The full argument list with ``chosen`` at ``nums`` (and ``others`` elsewhere)."""
        full = list(self.args if others is None else others)
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


# --------------------------------------------------------------------------
# The tape engine.
# --------------------------------------------------------------------------


class TapeEngine:
    """Record the function on the tape, then sweep the record (``tape.grad``/``tape.jvp``)."""

    name = "tape"
    node_type = tp.Tensor

    def __init__(self):
        self.tracing = Tracing()

    def nested(self, values):
        return self.tracing.depth > 0 or any(isinstance(v, tp.Tensor) for v in values)

    @gc_paused
    def watch(self, call):
        """Leaf tensors for the primals and the recorded output (one run of ``call``)."""
        xs = []
        for p, name in zip(call.primals(), call.names):
            if isinstance(p, tp.Tensor) and p.requires_grad:
                xs.append(p)
            else:
                value = p.value if isinstance(p, tp.Tensor) else p
                xs.append(tp.Tensor(as_float_array(value, name), True, name))
        with self.tracing:
            y = call.run(call.with_args(xs))
        if isinstance(y, Traced) and not isinstance(y, tp.Tensor):
            raise BackpropError(f"{fun_name(call.fun)} returned a {y.engine} value inside a "
                                "tape transform")
        return xs, (y if isinstance(y, tp.Tensor) else tp.Tensor(y))

    def vjp(self, call):
        nested = self.nested(call.primals())
        xs, y = self.watch(call)

        def pullback(cotangent):
            return tp.grad([y], xs, [cotangent], create_graph=nested)

        return (y if nested else y.value), pullback

    def linearize(self, call):
        nested = self.nested(call.primals())
        xs, y = self.watch(call)
        order = toposort([y], stop=xs)  # walked once, swept once per tangent

        def pushforward(tangents):
            return tp.jvp([y], xs, tangents, create_graph=nested, order=order)[0]

        return (y if nested else y.value), pushforward

    def value_and_grad(self, call):
        value, pullback = self.vjp(call)
        check_scalar(value, call.fun)
        return value, pullback(np.ones((), dtype=float_dtype(value)))

    def is_result(self, x):
        """An engine value the caller must get back as it is (inside a transform)."""
        return isinstance(x, tp.Tensor) and (x.requires_grad or self.tracing.depth > 0)


# --------------------------------------------------------------------------
# The symbolic engine.
# --------------------------------------------------------------------------


class SymbolicEngine:
    """Trace the function with placeholder nodes, differentiate the graph, compile, cache."""

    name = "symbolic"
    node_type = sym.Node

    def __init__(self):
        self.tracing = Tracing()
        self.cache = weakref.WeakKeyDictionary()  # fun -> {signature: programs}

    def nested(self, values):
        return self.tracing.depth > 0 or any(isinstance(v, sym.Node) for v in values)

    # -- inside another symbolic transform: build nodes ----------------------
    def graph_call(self, call):
        """Differentiate with respect to the primal nodes (constants for numbers)."""
        xs = [p if isinstance(p, sym.Node) else sym.constant(as_float_array(p, name))
              for p, name in zip(call.primals(), call.names)]
        with self.tracing:
            y = call.run(call.with_args(xs))
        return xs, as_node(y, call.fun)

    # -- at the top level: trace once per signature, compile, run -------------
    def traced(self, call, kind, build):
        """``(programs, input values)`` for ``call``'s signature.

        ``build(vars, diff_vars, y)`` makes the programs, once per signature;
        the input values are the numeric arguments, in var order.
        """
        key, traced_args = signature(call)
        values = [as_input(a, dtype) for _, a, dtype in traced_args if dtype is not None]
        store = self._store(call.fun)
        if key is not None and store is not None and (kind, key) in store:
            return store[(kind, key)], values
        return self._build(call, kind, build, key, traced_args, store), values

    @gc_paused
    def _build(self, call, kind, build, key, traced_args, store):
        """Trace ``call`` on vars, ``build`` its programs and store them under ``key``."""
        variables = [sym.var(name, np.shape(a), dtype)
                     for name, a, dtype in traced_args if dtype is not None]
        it = iter(variables)
        args = [next(it) if dtype is not None else a for name, a, dtype in traced_args]
        with self.tracing:
            y = as_node(call.run(args), call.fun)
        programs = build(variables, [args[n] for n in call.nums], y)
        if key is not None and store is not None:
            store[(kind, key)] = programs
        return programs

    def _store(self, fun):
        try:
            return self.cache.setdefault(fun, {})
        except TypeError:  # not weak-referenceable: trace every call
            return None

    def vjp(self, call):
        if self.nested(call.args):
            xs, y = self.graph_call(call)
            return y, lambda cotangent: sym.grad(y, xs, seed=cotangent)

        def build(variables, xs, y):
            seed = sym.var("seed", y.shape, y.dtype)
            grads = sym.grad(y, xs, seed=seed)
            return (sym.compile([y], variables),
                    sym.compile(sym.simplify(grads), variables + [seed]))

        (forward, backward), values = self.traced(call, "vjp", build)
        (value,) = forward(*values)
        return value, lambda cotangent: backward(*values, np.asarray(cotangent, value.dtype))

    def linearize(self, call):
        if self.nested(call.args):
            xs, y = self.graph_call(call)
            return y, lambda tangents: sym.jvp(y, xs, tangents)

        def build(variables, xs, y):
            tangents = [sym.var(f"d{x.name}", x.shape, x.dtype) for x in xs]
            (dot,) = sym.simplify([sym.jvp(y, xs, tangents)])
            return sym.compile([y], variables), sym.compile([dot], variables + tangents)

        (forward, pushforward), values = self.traced(call, "jvp", build)
        (value,) = forward(*values)
        tangent_part = pushforward.partial(*values)  # forward values once, then per tangent
        return value, lambda tangents: tangent_part(*tangents)[0]

    def value_and_grad(self, call):
        if self.nested(call.args):
            xs, y = self.graph_call(call)
            check_scalar(y, call.fun)
            return y, sym.grad(y, xs)

        def build(variables, xs, y):
            check_scalar(y, call.fun)
            return sym.compile(sym.simplify([y] + sym.grad(y, xs)), variables)

        program, values = self.traced(call, "grad", build)
        results = program(*values)
        return results[0], results[1:]

    def is_result(self, x):
        return isinstance(x, sym.Node)


def as_node(y, fun):
    if isinstance(y, sym.Node):
        return y
    if isinstance(y, Traced):
        raise BackpropError(f"{fun_name(fun)} returned a {y.engine} value inside a symbolic "
                            "transform")
    return sym.constant(y)


def input_dtype(a, differentiated):
    """The dtype of the var standing for argument ``a``, or ``None`` to bake ``a`` in.

    Differentiated arguments are floats (integers promoted). Float data
    becomes a var too, so one compiled graph serves any data of that shape;
    integer and boolean arrays (indices, masks) and non-numbers are baked in.
    """
    if type(a) is np.ndarray and a.dtype.kind == "f":  # the common case, quickly
        return a.dtype
    if isinstance(a, Traced):
        raise BackpropError(f"a {a.engine} value was passed to a symbolic transform")
    if differentiated:
        return as_float_array(a).dtype
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, np.ndarray, np.number)):
        return None
    dtype = np.asarray(a).dtype
    return dtype if dtype.kind == "f" else None


def as_input(a, dtype):
    """The value fed for argument ``a`` into its var of ``dtype``."""
    if type(a) is np.ndarray and a.dtype == dtype:
        return a
    return np.asarray(a, dtype=dtype)


def signature(call):
    """``(key, traced_args)``: the cache key, and ``(name, arg, var dtype or None)`` per argument.

    The key holds each var's shape and dtype, and every baked-in argument
    and keyword by value; ``None`` if one of those is not hashable.
    """
    traced, key = [], [call.nums]
    for n, a in enumerate(call.args):
        dtype = input_dtype(a, n in call.nums)
        name = call.names[call.nums.index(n)] if n in call.nums else f"arg{n}"
        traced.append((name, a, dtype))
        key.append(("var", np.shape(a), dtype.str) if dtype is not None else baked_key(a))
    key.append(tuple(sorted((k, baked_key(v)) for k, v in call.kwargs.items())))
    try:
        hash(tuple(key))
    except TypeError:
        return None, traced
    return tuple(key), traced


def baked_key(a):
    if isinstance(a, np.ndarray):
        return ("array", a.dtype.str, a.shape, a.tobytes())
    return ("value", type(a).__name__, a)


# --------------------------------------------------------------------------
# Shared checks.
# --------------------------------------------------------------------------


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


ENGINES = {"tape": TapeEngine(), "symbolic": SymbolicEngine()}
