"""The generic graph evaluator, and the compiled form of a graph.

A graph is compiled into a flat *schedule*: a list of steps over numbered
slots (``slot[5] = mul(slot[2], slot[3])``), with each intermediate freed
after its last use. :func:`evaluate` is a one-off compile-and-run; a
:class:`Program` from :func:`compile` runs the same schedule again and again
for any inputs. A schedule run again and again becomes straight-line Python
(:mod:`.codegen`) made of slot numbers only: no user string ever becomes code.
"""

import numpy as np

from ..dispatch import FAILURES, Traced
from ..errors import BackpropError, DTypeError, ShapeError, format_where
from ..collector import gc_paused
from ..passes import refuse_by_hand, toposort
from . import codegen
from .graph import FLOAT64, Node
from .schedule import Step, build, with_frees  # noqa: F401 (Step: evaluate.Step, as before)


class Program:
    """A compiled graph: ``program(*input_values) -> list of output values``.

    Attributes:
        inputs: the input nodes, in call order (vars: they hold no graph).
        output_slots: the slots of the outputs, in return order.
        steps: the schedule, a list of :class:`Step` in order.

    A program holds no other node of its graph (:mod:`.schedule`).
    """

    @gc_paused
    def __init__(self, outputs, inputs, consume=None, order=None):
        self.inputs = list(inputs)
        (self.initial, self.input_slots, self.output_slots, self._consts, self._shared,
         self.steps, self.shapes) = build(list(outputs), self.inputs, consume, order)
        self._splits, self._runners = {}, {}

    def _schedule(self, steps):
        """``steps`` (in that order, changed in place), each made to free the slots it uses
        for the last time."""
        return with_frees(steps, len(self.initial), self.output_slots, self._consts)

    def __call__(self, *values):
        if len(values) != len(self.inputs):
            raise BackpropError(f"compiled graph: {len(self.inputs)} inputs expected, "
                                f"got {len(values)}")
        slots = list(self.initial)
        for s, node, value in zip(self.input_slots, self.inputs, values):
            slots[s] = check_feed(node, value)
        return self._run(self.steps, slots, "all")

    def _run(self, steps, slots, key=None):
        """Run ``steps`` on ``slots``; the values of the outputs (the caller's own arrays).

        A schedule run again and again (``key`` names it) runs as generated code
        (:mod:`.codegen`); otherwise each step calls ``impl`` itself rather than
        ``prim.evaluate`` (one frame less per step). A failing step raises the same
        error either way, worded by its primitive: the interpreter finds it.
        """
        refuse_by_hand("a symbolic graph (sym.evaluate, sym.compile)")
        run = self._generated(steps, key)
        if run is not None:
            try:
                return self._returned(run(slots))
            except FAILURES:
                pass  # the interpreter below runs into the same failure and words it
        out, slot = None, slots.__getitem__  # map(slot, args): the values in those slots
        try:
            for impl, args, params, out, frees, _ in steps:  # unpacked: no attribute reads
                if params:
                    slots[out] = impl(*map(slot, args), **params)
                elif len(args) == 1:  # most steps: no map object, no keywords
                    slots[out] = impl(slots[args[0]])
                elif len(args) == 2:
                    slots[out] = impl(slots[args[0]], slots[args[1]])
                else:
                    slots[out] = impl(*map(slot, args))
                for f in frees:
                    slots[f] = None
        except FAILURES as err:
            step = next(s for s in steps if s.out == out)  # each step has its own out slot
            node = step.node
            raise node.prim.failure([slots[a] for a in step.args], step.params, err,
                                    node.where) from None
        return self._returned([slots[s] for s in self.output_slots])

    def _returned(self, values):
        return [np.array(v) if s in self._shared else as_numpy(v)
                for s, v in zip(self.output_slots, values)]

    def _generated(self, steps, key):
        """The generated function for the schedule ``key`` (made at its first run), or
        ``None`` for a one-off run or a schedule too long to be worth compiling."""
        if key is None or len(steps) > codegen.MAX_STEPS:
            return None
        if key not in self._runners:
            self._runners[key] = codegen.generate(steps, self.output_slots)
        return self._runners[key][0]

    def __len__(self):
        return len(self.steps)

    def partial(self, *static_values):
        """Fix the first inputs; returns ``run(*other_inputs)`` that only recomputes
        what depends on the others.

        Forward mode uses it: the forward values are computed once, then each
        tangent costs only the tangent part of the graph. ``run.known`` holds
        the outputs the fixed inputs already determine (``None`` for the rest).
        """
        k = len(static_values)
        n_static, steps = self._split(k)
        slots = list(self.initial)
        for s, node, value in zip(self.input_slots, self.inputs, static_values):
            slots[s] = check_feed(node, value)
        self._run(steps[:n_static], slots)  # interpreted: it fills the slots read below
        dynamic, inputs = steps[n_static:], list(zip(self.input_slots, self.inputs))[k:]

        def run(*values):
            filled = list(slots)
            for (s, node), value in zip(inputs, values):
                filled[s] = check_feed(node, value)
            return self._run(dynamic, filled, ("dynamic", k))

        def batched(*values):
            """``run`` on tangents that may be :class:`~backprop_toolkit.batching.Batched`
            (many at once): each step through its primitive, which keeps the batch axis;
            the output slots as they are (batched or not)."""
            filled = list(slots)
            for (s, node), value in zip(inputs, values):  # a batch is the api's own, checked
                filled[s] = value if isinstance(value, Traced) else check_feed(node, value)
            for step in dynamic:  # a batched argument's own apply, else the numpy forward
                args = [filled[a] for a in step.args]
                batch = next((type(a) for a in args if isinstance(a, Traced)), None)
                filled[step.out] = step.impl(*args, **step.params) if batch is None \
                    else batch.apply(step.node.prim, args, step.params)
                for f in step.frees:
                    filled[f] = None
            return [filled[s] for s in self.output_slots]

        run.known = [None if slots[s] is None else as_numpy(slots[s]) for s in self.output_slots]
        run.batched = batched
        return run

    def _split(self, k):
        """``(number of static steps, steps)`` with the first ``k`` inputs fixed: the steps
        that depend on fixed inputs only come first. Made once per ``k``."""
        if k not in self._splits:
            static_slots = self._consts | set(self.input_slots[:k])
            static, rest = [], []
            for step in self.steps:  # a step is static when all its inputs are
                if all(a in static_slots for a in step.args):
                    static_slots.add(step.out)
                    static.append(step)
                else:
                    rest.append(step)
            self._splits[k] = len(static), self._schedule(static + rest)
        return self._splits[k]


def as_numpy(value):
    return np.float64(value) if isinstance(value, float) else value


def check_feed(node, value):
    """A fed value as its var computes with it: the var's declared shape and dtype.

    The value is converted to the var's dtype where numpy's ``same_kind``
    casting allows it (what assigning into an array of that dtype does): bools
    and integers become floats, float64 becomes float32 for a float32 var. A
    value that does not fit (complex or object data, strings, floats for an
    integer var) is a :class:`DTypeError` naming the var. A var that is not a
    float type takes only ``safe`` casts (int8 into int64, never the reverse).
    """
    if type(value) is np.ndarray and value.dtype == node.dtype and value.shape == node.shape:
        return value  # the common case, quickly (a fed node is a var)
    if not node.is_var:
        return value
    shape = np.shape(value)
    if shape != node.shape:
        raise ShapeError(f"var {node.name!r} was declared with shape {node.shape} but fed a "
                         f"value of shape {shape}\n  var made at {format_where(node.where)}")
    if type(value) is float and node.dtype == FLOAT64:  # the common cases, quickly
        return value
    dtype = value.dtype if type(value) is np.ndarray else np.asarray(value).dtype
    if dtype == node.dtype:
        return value
    casting = "same_kind" if node.dtype.kind == "f" else "safe"
    if not np.can_cast(dtype, node.dtype, casting):
        raise DTypeError(f"var {node.name!r} was declared with dtype {node.dtype} but fed a "
                         f"value of dtype {dtype}, which does not convert to it ({casting} "
                         "casting); feed real numbers, or declare the var with the dtype you "
                         f"mean\n  var made at {format_where(node.where)}")
    return np.asarray(value, dtype=node.dtype)[()]  # a numpy scalar for a scalar var


def compile(outputs, inputs, consume=None, order=None):
    """Compile ``outputs`` (a node or a list) as a function of ``inputs`` (nodes).

    The callable takes the input values positionally and returns a value (or a
    list, matching ``outputs``). ``consume``, a serial number, is for a caller that owns
    the nodes made from it on (the transforms' compiler: its trace and derivative):
    compiling takes them apart as it goes (:mod:`.schedule`), and they are of no use
    afterwards; older nodes (a user's graph it closed over) are left whole. ``order``, from
    :func:`~backprop_toolkit.symbolic.simplify.simplify_to_compile`, spares the walk
    over the graph: a topological listing of every node the outputs need.
    """
    single = isinstance(outputs, Node)
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    program = Program([outputs] if single else outputs, inputs, consume, order)
    if not single:
        return program

    def run(*values):
        return program(*values)[0]

    run.program = program
    return run


def evaluate(outputs, feed):
    """Values of ``outputs`` (a node or a list) for the inputs in ``feed``.

    ``feed`` maps var nodes, or their names, to values. A var the outputs
    need and the feed lacks is an error that names it; so is a name that
    would feed two different vars (``sym.var("a")`` made twice): a name is a
    label, not an identity, so such vars are fed by their nodes.
    """
    single = isinstance(outputs, Node)
    outs = [outputs] if single else list(outputs)
    needed = [n for n in toposort(outs) if n.is_var]
    values = [feed_value(feed, v) for v in needed]
    check_names_unambiguous(feed, needed)
    results = Program(outs, needed)(*values)
    return results[0] if single else results


def feed_value(feed, var):
    if var in feed:
        return feed[var]
    if var.name in feed:
        return feed[var.name]
    raise BackpropError(f"sym.evaluate: no value for var {var.name!r} (shape {var.shape}); "
                        "add it to the feed, keyed by the node or its name")


def check_names_unambiguous(feed, needed):
    """No name in ``feed`` stands for two different vars among ``needed``."""
    by_name = {}
    for var in needed:
        if var not in feed:
            by_name.setdefault(var.name, []).append(var)
    for name, found in by_name.items():
        if len(found) > 1:
            lines = "\n".join(f"  var {name!r} made at {format_where(v.where)}" for v in found)
            raise BackpropError(
                f"sym.evaluate: the feed's key {name!r} would give {len(found)} different vars "
                f"named {name!r} the same value; key the feed by the var nodes themselves "
                f"({{node: value}}), not by the name\n{lines}")
