"""The symbolic engine behind the transforms: trace once per signature, compile, reuse."""

import weakref

import numpy as np

from .. import symbolic as sym
from ..dispatch import Traced
from ..errors import BackpropError
from ..passes import gc_paused
from ..tape import as_float_array
from .common import Tracing, check_scalar, fun_name


class SymbolicEngine:
    """Trace the function with placeholder nodes, differentiate the graph, compile, cache."""

    name = "symbolic"

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
        key, dtypes = signature(call)
        values = [as_input(a, dtype) for a, dtype in zip(call.args, dtypes) if dtype is not None]
        store = self._store(call.fun)
        if key is not None and store is not None and (kind, key) in store:
            return store[(kind, key)], values
        return self._build(call, kind, build, key, traced_args(call, dtypes), store), values

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
            outputs = sym.simplify([y] + sym.grad(y, xs, seed=seed))
            return sym.compile(outputs, variables + [seed])

        program, values = self.traced(call, "vjp", build)
        backward = program.partial(*values)  # the forward part runs once, here
        value = backward.known[0]
        return value, lambda cotangent: backward(np.asarray(cotangent, value.dtype))[1:]

    def linearize(self, call):
        if self.nested(call.args):
            xs, y = self.graph_call(call)
            return y, lambda tangents: sym.jvp(y, xs, tangents)

        def build(variables, xs, y):
            tangents = [sym.var(f"d{x.name}", x.shape, x.dtype) for x in xs]
            outputs = sym.simplify([y, sym.jvp(y, xs, tangents)])
            return sym.compile(outputs, variables + tangents)

        program, values = self.traced(call, "jvp", build)
        pushforward = program.partial(*values)  # the forward part runs once, here
        return pushforward.known[0], lambda tangents: pushforward(*tangents)[1]

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
    """``(key, dtypes)``: the cache key, and each argument's var dtype (``None``: baked in).

    The key holds each var's shape and dtype, and every baked-in argument
    and keyword by value; ``None`` if one of those is not hashable.
    """
    dtypes = [input_dtype(a, n in call.nums) for n, a in enumerate(call.args)]
    key = [call.nums]
    for a, dtype in zip(call.args, dtypes):
        key.append(("var", np.shape(a), dtype.str) if dtype is not None else baked_key(a))
    if call.kwargs:
        key.append(tuple(sorted((k, baked_key(v)) for k, v in call.kwargs.items())))
    key = tuple(key)
    try:
        hash(key)
    except TypeError:
        return None, dtypes
    return key, dtypes


def traced_args(call, dtypes):
    """``(name, arg, var dtype or None)`` per argument: what a trace needs."""
    names = {n: name for n, name in zip(call.nums, call.names)}
    return [(names.get(n, f"arg{n}"), a, dtype)
            for n, (a, dtype) in enumerate(zip(call.args, dtypes))]


def baked_key(a):
    if isinstance(a, np.ndarray):
        return ("array", a.dtype.str, a.shape, a.tobytes())
    return ("value", type(a).__name__, a)
