"""The generic graph evaluator, and the compiled form of a graph.

A graph is compiled into a flat *schedule*: a list of steps over numbered
slots (``slot[5] = mul(slot[2], slot[3])``), with each intermediate freed
after its last use. :func:`evaluate` is a one-off compile-and-run; a
:class:`Program` from :func:`compile` runs the same schedule again and again
for any inputs. No source code is generated: no user string ever becomes code.
"""

from typing import NamedTuple

import numpy as np

from ..dispatch import FAILURES
from ..errors import BackpropError, DTypeError, ShapeError, format_where
from ..passes import gc_paused, refuse_by_hand, toposort
from .graph import FLOAT64, Node


class Step(NamedTuple):
    """One line of a schedule: ``slots[out] = impl(*slots[args], **params)``, then the
    slots in ``frees`` (used for the last time here) are emptied."""

    impl: object    # the primitive's numpy forward, node.prim.impl
    args: tuple     # the input slots
    params: dict
    out: int        # the slot that receives the result
    frees: tuple    # slots to empty after this step
    node: Node      # the node computed: its primitive and line word a failure


class Program:
    """A compiled graph: ``program(*input_values) -> list of output values``.

    Attributes:
        inputs, outputs: the nodes, in call and return order.
        steps: the schedule, a list of :class:`Step` in order.
    """

    @gc_paused
    def __init__(self, outputs, inputs):
        self.outputs, self.inputs = list(outputs), list(inputs)
        order = toposort(self.outputs, stop=self.inputs)
        seen = {id(n) for n in order}
        order = [n for n in self.inputs if id(n) not in seen] + order  # unused inputs too
        slot = {id(n): k for k, n in enumerate(order)}
        given = {id(n) for n in self.inputs}
        missing = [n for n in order if n.is_var and id(n) not in given]
        if missing:
            raise BackpropError("sym.compile: the outputs need values for "
                                + ", ".join(f"var {n.name!r}" for n in missing)
                                + ", which are not among the inputs")
        self.initial = [n.value if n.is_const else None for n in order]
        self.input_slots = [slot[id(n)] for n in self.inputs]
        self.output_slots = [slot[id(n)] for n in self.outputs]
        # outputs that someone else holds too (a constant, a fed input, an earlier output) are
        # copied on the way out: every returned array is the caller's own
        self._shared = {s for s in self.output_slots
                        if order[s].is_const or id(order[s]) in given
                        or self.output_slots.count(s) > 1}
        self._order, self._slot, self._splits = order, slot, {}
        self._computed = [n for n in order if n.prim is not None and id(n) not in given]
        self.steps = self._schedule(self._computed, slot)

    def _schedule(self, computed, slot):
        """Steps for ``computed`` (in that order), each freeing what it used last."""
        last_use = {}
        for k, n in enumerate(computed):
            for i in n.inputs:
                last_use[slot[id(i)]] = k
        keep = set(self.output_slots) | {slot[id(n)] for n in self._order if n.is_const}
        frees = [[] for _ in computed]
        for s, k in last_use.items():
            if s not in keep:
                frees[k].append(s)
        return [Step(n.prim.impl, tuple(slot[id(i)] for i in n.inputs), n.params, slot[id(n)],
                     tuple(frees[k]), n) for k, n in enumerate(computed)]

    def __call__(self, *values):
        if len(values) != len(self.inputs):
            raise BackpropError(f"compiled graph: {len(self.inputs)} inputs expected, "
                                f"got {len(values)}")
        slots = list(self.initial)
        for s, node, value in zip(self.input_slots, self.inputs, values):
            slots[s] = check_feed(node, value)
        return self._run(self.steps, slots)

    def _run(self, steps, slots):
        """Run ``steps`` on ``slots``; the values of the outputs (the caller's own arrays).

        Each step calls ``impl`` itself rather than ``prim.evaluate`` (one frame less
        per step); a failing step raises the same error, worded by its primitive.
        """
        refuse_by_hand("a symbolic graph (sym.evaluate, sym.compile)")
        step, slot = None, slots.__getitem__  # map(slot, args): the values in those slots
        try:
            for step in steps:
                slots[step.out] = step.impl(*map(slot, step.args), **step.params)
                for f in step.frees:
                    slots[f] = None
        except FAILURES as err:
            node = step.node
            raise node.prim.failure([slots[a] for a in step.args], step.params, err,
                                    node.where) from None
        return [np.array(slots[s]) if s in self._shared else as_numpy(slots[s])
                for s in self.output_slots]

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
        self._run(steps[:n_static], slots)
        dynamic, inputs = steps[n_static:], list(zip(self.input_slots, self.inputs))[k:]

        def run(*values):
            filled = list(slots)
            for (s, node), value in zip(inputs, values):
                filled[s] = check_feed(node, value)
            return self._run(dynamic, filled)

        run.known = [None if slots[s] is None else as_numpy(slots[s]) for s in self.output_slots]
        return run

    def _split(self, k):
        """``(number of static steps, steps)`` with the first ``k`` inputs fixed: the steps
        that depend on fixed inputs only come first. Made once per ``k``."""
        if k not in self._splits:
            static_ids = {id(n) for n in self.inputs[:k]}
            for n in self._computed:  # a step is static when all its inputs are
                if all(i.is_const or id(i) in static_ids for i in n.inputs):
                    static_ids.add(id(n))
            static = [n for n in self._computed if id(n) in static_ids]
            rest = [n for n in self._computed if id(n) not in static_ids]
            self._splits[k] = len(static), self._schedule(static + rest, self._slot)
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


def compile(outputs, inputs):
    """Compile ``outputs`` (a node or a list) as a function of ``inputs`` (nodes).

    The callable takes the input values positionally and returns a value (or a
    list, matching ``outputs``).
    """
    single = isinstance(outputs, Node)
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    program = Program([outputs] if single else outputs, inputs)
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
