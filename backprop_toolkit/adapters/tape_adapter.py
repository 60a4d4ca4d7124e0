"""The tape engine's adapter for the transforms: record the function, then sweep the record."""

import numpy as np

from .. import tape as tp
from ..dispatch import float_dtype
from ..errors import user_frame
from ..passes import forward_pass, oldest, toposort
from .common import Tracing, check_scalar, lent, output_leaf, owned_results


class TapeAdapter:
    """Record the function on the tape, then sweep the record (``tape.grad``/``tape.jvp``)."""

    name = "tape"

    def __init__(self):
        self.tracing = Tracing()

    def nested(self, values):
        """Inside another transform: this thread is tracing, or an argument is a tensor."""
        if self.tracing.depth > 0:
            return True
        for v in values:  # a loop, not any(generator): it runs on every transformed call
            if isinstance(v, tp.Tensor):
                return True
        return False

    def watch(self, call):
        """This call's own variables, and the recorded outputs (one run of ``call``).

        Every call makes fresh variables (``tape.variable``), even for a tensor
        of an enclosing transform: each transform is its own level.
        """
        where = user_frame()  # the user's line, found once for all the variables
        xs = [tp.variable(p, name, where) for p, name in zip(call.primals(), call.names)]
        with self.tracing:
            ys = call.run(call.with_args(xs))
        return xs, [output_leaf(y, call.fun, tp.Tensor, tp.Tensor) for y in ys]

    def vjp(self, call, nested=None):
        """The values and the pullback; ``nested``: :meth:`nested` of the primals, if known."""
        nested = self.nested(call.primals()) if nested is None else nested
        xs, ys = self.watch(call)

        def pullback(cotangents):
            return tp.grad(ys, xs, cotangents, create_graph=nested)

        return [y if nested else y.value for y in ys], pullback

    def linearize(self, call):
        nested = self.nested(call.primals())
        xs, ys = self.watch(call)
        order = toposort(ys, since=oldest(xs))  # walked once, swept once per tangent

        def pushforward(tangents):
            return tp.jvp(ys, xs, tangents, create_graph=nested, order=order)

        if not nested:  # many tangents at once (batching.Batched): one sweep on arrays
            pushforward.batched = lambda tangents: forward_pass(ys, xs, tangents, tp.value_of,
                                                                order=order)[0]
        return [y if nested else y.value for y in ys], pushforward

    def value_and_grad(self, call):
        """Record and sweep in one call: the arguments are lent, not copied (``lent``),
        and the gradients the sweep makes are handed over, not copied (``owned_results``).

        At the top level every array argument is lent, the constants too (W2's ``x`` and
        ``onehot``): the record keeps a read-only array as it is, where it copies a
        writeable one (400 KB a call for W2's ``x``), and no record outlives the call. A
        write to any argument during the call fails, as one to a differentiated argument
        always did. Nested, the record joins the enclosing transform's, which sweeps it
        after this call: constants are copied as before."""
        primals = call.primals()
        nested = self.nested(primals)
        with lent(primals if nested else call.args):
            values, pullback = self.vjp(call, nested)
            check_scalar(values, call)
            grads = pullback([np.ones((), dtype=float_dtype(values[0]))])
        return values[0], owned_results(grads, call.args)

    def is_result(self, x):
        """An engine value the caller must get back as it is (inside a transform)."""
        return isinstance(x, tp.Tensor) and (x.requires_grad or self.tracing.depth > 0)
