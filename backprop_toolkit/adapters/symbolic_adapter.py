"""The symbolic engine's adapter for the transforms: trace once per signature, compile, reuse."""

from operator import attrgetter

import numpy as np

from .. import primitives as P
from .. import symbolic as sym
from ..dispatch import as_float_array, new_serial
from ..symbolic.fusion import fed
from .cache import CompileCache
from .call import normalize_argnums
from .common import Tracing, check_scalar, lent, output_leaf, owned_results
from .signature import quick_key, signature

_DTYPE = attrgetter("dtype")


class SymbolicAdapter:
    """Trace the function with placeholder nodes, differentiate the graph, compile, cache."""

    name = "symbolic"

    def __init__(self):
        self.tracing = Tracing()
        self.cache = CompileCache()

    def nested(self, values):
        return self.tracing.depth > 0 or any(isinstance(v, sym.Node) for v in values)

    # -- inside another symbolic transform: build nodes ----------------------
    def graph_call(self, call):
        """This call's own variables and its output nodes.

        A node of an enclosing transform becomes ``fresh(node)`` (the inner
        derivative starts there and sees the outer node as a constant); a
        number becomes a constant node of its own.
        """
        xs = [P.fresh_p(p).named(name) if isinstance(p, sym.Node)
              else sym.constant(as_float_array(p, name), name)
              for p, name in zip(call.primals(), call.names)]
        with self.tracing:
            ys = call.run(call.with_args(xs))
        return xs, [output_leaf(y, call.fun, sym.Node, sym.constant) for y in ys]

    # -- at the top level: trace once per signature, compile, run -------------
    def traced(self, call, kind, build):
        """``(program, input values)`` for ``call``'s signature; sets ``call.out_tree``.

        ``build(vars, diff_vars, ys, since)`` makes the program, once per signature, from
        the nodes made from serial number ``since`` on, which are its own: the trace and its
        derivative, simplified in place and taken apart as they compile. Older nodes (a
        user's graph of constants the function closed over) are left as they are. The input
        values are the numeric arguments, in var order.
        """
        key, dtypes = signature(call)
        values = [as_input(a, dtype) for a, dtype in zip(call.args, dtypes) if dtype is not None]
        found = self.cache.lookup(call.fun, kind, key) if key is not None else None
        if found is None:  # the user's function runs: its arguments are lent, not copied
            with lent(call.primals()):
                built = self._build(call, build, dtypes)
            found = self.cache.store(call.fun, kind, key, built, call)
        program, call.out_tree = found
        return program, values
    def _build(self, call, build, dtypes):
        """Trace ``call`` on vars; ``(build's program, the output's structure)``."""
        names = dict(zip(call.nums, call.names))
        args, variables, since = [], [], new_serial()
        for n, (a, dtype) in enumerate(zip(call.args, dtypes)):
            if dtype is None:
                args.append(a)
                continue
            variables.append(sym.var(names.get(n, f"arg{n}"), np.shape(a), dtype))
            args.append(variables[-1])
        with self.tracing:
            ys = [output_leaf(y, call.fun, sym.Node, sym.constant) for y in call.run(args)]
        return build(variables, [args[n] for n in call.nums], ys, since), call.out_tree

    def vjp(self, call):
        if self.nested(call.args):
            xs, ys = self.graph_call(call)
            return ys, lambda cotangents: sym.grad(ys, xs, seed=list(cotangents))

        def build(variables, xs, ys, since):
            seeds = [sym.var(f"seed{k}", y.shape, y.dtype) for k, y in enumerate(ys)]
            outputs, order = sym.simplify_to_compile(ys + sym.grad(ys, xs, seed=seeds), since)
            return sym.compile(outputs, variables + seeds, consume=since, order=order)

        program, values = self.traced(call, "vjp", build)
        backward = program.partial(*values)  # the forward part runs once, here
        n_out = len(program.output_slots) - len(call.nums)
        outs = backward.known[:n_out]

        def pullback(cotangents):
            return backward(*[np.asarray(c, y.dtype) for c, y in zip(cotangents, outs)])[n_out:]

        return outs, pullback

    def linearize(self, call):
        if self.nested(call.args):
            xs, ys = self.graph_call(call)
            return ys, lambda tangents: sym.jvp(ys, xs, list(tangents))

        def build(variables, xs, ys, since):
            tangents = [sym.var(f"d{x.name}", x.shape, x.dtype) for x in xs]
            outputs, order = sym.simplify_to_compile(ys + sym.jvp(ys, xs, tangents), since)
            return sym.compile(outputs, variables + tangents, consume=since, order=order)

        program, values = self.traced(call, "jvp", build)
        pushforward = program.partial(*values)  # the forward part runs once, here
        n_out = len(program.output_slots) // 2

        def push(tangents):
            return pushforward(*tangents)[n_out:]

        push.batched = lambda tangents: pushforward.batched(*tangents)[n_out:]
        return pushforward.known[:n_out], push

    def value_and_grad(self, call):
        if self.nested(call.args):
            xs, ys = self.graph_call(call)
            check_scalar(ys, call)
            return ys[0], sym.grad(ys[0], xs)

        def build(variables, xs, ys, since):
            check_scalar(ys, call)
            outputs, order = sym.simplify_to_compile(ys + sym.grad(ys[0], xs), since)
            return sym.compile(outputs, variables, consume=since, order=order)

        program, values = self.traced(call, "grad", build)
        results = program(*values)  # no user code runs here: nothing to lend
        return results[0], owned_results(results[1:], call.args)

    def quick_grad(self, fun, args, argnums, with_value):
        """``value_and_grad`` of a call seen before, with plain arrays for arguments and no
        keywords, as the transform returns it; ``None`` for any other call, which then
        takes the general path (and is traced there if its signature is new).

        Returns ``(value, gradients)``, the gradients a tuple for a tuple ``argnums``.
        Without ``with_value`` the value is ``None`` and the steps only it needs do not
        run. A gradient the program made (an array of the argument's dtype, not a scalar)
        is handed over; any other is copied.
        """
        if self.tracing.depth:
            return None
        nums, many = normalize_argnums(argnums, len(args), fun)
        key = quick_key(args, nums)
        found = None if key is None else self.cache.lookup(fun, "grad", key)
        if found is None:
            return None
        outputs, fresh = fed(found[0], args, 0 if with_value else 1)
        value = np.array(outputs[0])[()] if with_value else None
        grads, primals = outputs[with_value:], [args[n] for n in nums]
        if not (all(fresh[with_value:])  # all new, of their primals' dtypes: as they are
                and tuple(map(_DTYPE, grads)) == tuple(map(_DTYPE, primals))):
            grads = handed(grads, fresh[with_value:], primals, args)
        return value, grads if many else grads[0]

    def is_result(self, x):
        return isinstance(x, sym.Node)


def as_input(a, dtype):
    """The value fed for argument ``a`` into its var of ``dtype``."""
    if type(a) is np.ndarray and a.dtype == dtype:
        return a
    return np.asarray(a, dtype=dtype)


def handed(outputs, fresh, primals, args):
    """The gradients as the caller gets them (what ``api.finish`` makes of ``owned_results``):
    each output itself if it is ``fresh`` (new, the program's own) or an array the program
    made (owning its data, writeable, none of the arguments or other gradients), and of its
    primal's dtype; else a copy in that dtype. ``args``: every argument, differentiated or
    not (d/dx sum(x * y) is the input ``y`` itself)."""
    grads, held = [], {id(a) for a in args}
    held.update(id(g) for g, new in zip(outputs, fresh) if new)
    for g, new, p in zip(outputs, fresh, primals):
        if type(g) is np.ndarray and g.ndim and g.dtype == p.dtype and (new or (
                g.base is None and g.flags.writeable and id(g) not in held)):
            k = g
        else:
            k = np.array(g, dtype=p.dtype)
            k = k[()] if k.ndim == 0 else k
        held.add(id(k))
        grads.append(k)
    return tuple(grads)
