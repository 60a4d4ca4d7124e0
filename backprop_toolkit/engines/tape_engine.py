"""The tape engine behind the transforms: record the function, then sweep the record."""

import numpy as np

from .. import tape as tp
from ..dispatch import Traced
from ..errors import BackpropError
from ..passes import gc_paused, toposort
from ..tape import as_float_array
from .common import Tracing, check_scalar, float_dtype, fun_name


class TapeEngine:
    """Record the function on the tape, then sweep the record (``tape.grad``/``tape.jvp``)."""

    name = "tape"

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
