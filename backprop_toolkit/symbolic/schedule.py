"""Building a compiled program: a graph's nodes numbered into slots, one step per
computed node, each step emptying the slots it reads for the last time.

A program keeps no node of its graph. A failing step is worded from its
:class:`Origin` (the primitive and the user line), one per line of user code
and primitive, shared by all the steps made there; so a deep graph is freed once
compiled, and a compiled million-node chain holds only its steps. A caller that
owns the graph (the transforms' compiler) may let the build take it apart as it
goes (``consume``): each node drops its inputs once its step is made, so
the nodes no later step reads are freed while the schedule grows, and the graph
and the program never both exist in full. A node taken apart becomes
:data:`SPENT`: one the traced function kept (appended to a list, say) says so
when it is printed, and raises when it is evaluated or differentiated.
"""

from typing import NamedTuple

from ..dispatch import Primitive
from ..errors import BackpropError
from ..passes import toposort


def _spent(*args, **params):
    raise BackpropError(
        "this node was made inside a symbolic transform (bt.grad, bt.jvp, ... with "
        "engine='symbolic') and was taken apart when that transform compiled: a node made "
        "by the traced function belongs to it. To keep a graph to print, draw or evaluate, "
        "build it outside the transform, from sym.var nodes (sym.grad and sym.simplify "
        "leave their graphs whole)")


SPENT = Primitive("spent", _spent, _spent, [_spent], [_spent])
"""What a node the transforms' compiler took apart becomes (``consume``)."""


class Origin(NamedTuple):
    """What a step keeps of its node: the primitive and the user line a failure names."""

    prim: object
    where: tuple


class Step(NamedTuple):
    """One line of a schedule: ``slots[out] = impl(*slots[args], **params)``, then the
    slots in ``frees`` (used for the last time here) are emptied."""

    impl: object    # the primitive's numpy forward, node.prim.impl
    args: tuple     # the input slots
    params: dict
    out: int        # the slot that receives the result
    frees: tuple    # slots to empty after this step
    node: Origin    # the node's primitive and line, which word a failure (not the node)


_tuple_new = tuple.__new__  # Step(...) without the frame of its generated __new__


class Built(NamedTuple):
    """What a :class:`~backprop_toolkit.symbolic.evaluate.Program` keeps of its graph."""

    initial: list       # each slot's value before a run: a constant's, else None
    input_slots: list
    output_slots: list
    consts: set         # the slots of constants (never freed, never recomputed)
    shared: set         # output slots someone else holds too: copied on the way out
    steps: list
    shapes: list        # each slot's traced shape (the generated code's specialized calls)


def build(outputs, inputs, consume=None, order=None):
    """The :class:`Built` schedule computing ``outputs`` (nodes) from ``inputs`` (nodes).

    Slots follow the topological order (inputs not used come last): ``toposort``'s, or
    ``order``, a topological listing the caller has (``simplify_to_compile``'s) holding
    every node the outputs need and maybe others, which get no step. The steps
    are made from the last node back: a slot's first reader met is its last, so
    each step's frees come with it, and a node no step read is not needed; with
    ``consume``, a serial number, the nodes made from it on (the caller's own) are taken
    apart from the outputs down, each freed as soon as its step is made (``order``, the
    caller's list, is emptied too); older nodes are left whole. ``True``: every node,
    ``False`` or ``None``: none.
    """
    if type(consume) is bool:  # True: every node (serial numbers start at 0); False: none
        consume = 0 if consume else None
    order = toposort(outputs, stop=inputs) if order is None else order
    slot, base, n_slots = slot_table(order, inputs)
    given = {n.serial for n in inputs}
    initial, consts = [None] * n_slots, set()
    shapes = [n.shape for n in order] + [None] * (n_slots - len(order))
    output_slots = [slot[n.serial - base] for n in outputs]
    steps = _steps_back(order, (slot, base), given, output_slots, (initial, consts), consume)
    input_slots = [slot[n.serial - base] for n in inputs]
    for n, s in zip(inputs, input_slots):  # unused inputs have slots too
        shapes[s] = n.shape
        if n.is_const:
            consts.add(s)
            initial[s] = n.value
    # outputs that someone else holds too (a constant, a fed input, an earlier output) are
    # copied on the way out: every returned array is the caller's own
    shared = {s for s, n in zip(output_slots, outputs)
              if n.is_const or n.serial in given or output_slots.count(s) > 1}
    return Built(initial, input_slots, output_slots, consts, shared, steps, shapes)


def _steps_back(order, table, given, output_slots, constants, consume):
    """The steps for ``order``'s computed nodes (not ``given``), made from the last back;
    constants go into ``constants`` (the initial slots and the set of their slots)."""
    slot, base = table
    seen = bytearray(len(constants[0]))  # slots a later step (or the caller) reads
    for s in output_slots:
        seen[s] = 1
    steps, missing, origins = [], [], {}
    emit = steps.append
    for k in range(len(order) - 1, -1, -1):
        n = order[k]  # its slot is k; a node no later step reads is not needed (a listing
        if not seen[k]:  # may hold more)
            pass
        elif n.prim is None:  # is_var, is_const: properties, not tried first
            _leaf(n, k, given, missing, constants)
        elif n.serial in given:
            pass
        elif len(n.inputs) == 1:  # most steps: one operand, freed here or later (_step's
            i = n.inputs[0]       # first case, inlined: a frame less per node)
            args = frees = (slot[i.serial - base],)
            if seen[args[0]]:
                frees = ()
            else:
                seen[args[0]] = 1
                if i.prim is None and i.op == "const":
                    frees = ()
            origin = origins.get(n.prim)  # _origin(n, origins), inlined
            if origin is None or origin.where is not n.where:
                origin = _origin(n, origins)
            emit(_tuple_new(Step, (n.prim.impl, args, n.params, k, frees, origin)))
        else:
            emit(_step(n, k, slot, base, seen, origins))
        if consume is not None:
            order[k] = ()
            if n.prim is not None and n.serial >= consume and n.serial not in given:
                n.inputs, n.prim, n.op = (), SPENT, "spent"  # freed unless someone kept it
    if missing:
        raise BackpropError("sym.compile: the outputs need values for "
                            + ", ".join(f"var {n.name!r}" for n in reversed(missing))
                            + ", which are not among the inputs")
    steps.reverse()
    return steps


def _leaf(n, k, given, missing, constants):
    """A var or constant needed at slot ``k``: a constant's value is the slot's initial one;
    a var not ``given`` is ``missing``."""
    if n.op == "var":
        if n.serial not in given:
            missing.append(n)
    elif n.op == "const":
        constants[1].add(k)
        constants[0][k] = n.value


def _step(n, out, slot, base, seen, origins):
    """The step computing node ``n`` into slot ``out``; it frees the slots no later step
    reads (``seen`` marks those that one does), constants' excepted."""
    args, frees = [], []
    for i in n.inputs:
        a = slot[i.serial - base]
        args.append(a)
        if not seen[a]:
            seen[a] = 1
            if i.prim is not None or i.op != "const":  # not i.is_const (a property)
                frees.append(a)
    args = tuple(args)
    if len(frees) > 1:
        frees.sort()
    frees = tuple(frees)
    if frees == args:  # a step freeing what it reads shares the tuple
        frees = args
    return _tuple_new(Step, (n.prim.impl, args, n.params, out, frees, _origin(n, origins)))


def _origin(n, origins):
    """``n``'s :class:`Origin`, the same object for every node of its primitive and line.
    ``origins[prim]`` is the last one made or found for ``prim`` (a loop's line repeats, so
    it is the answer most often: ``_steps_back`` tries it inline before calling this)."""
    origin = origins.get(n.prim)
    if origin is None or origin.where is not n.where:
        origin = origins.get((n.prim, n.where))
        if origin is None:
            origin = origins[n.prim, n.where] = Origin(n.prim, n.where)
        origins[n.prim] = origin
    return origin


def slot_table(order, inputs):
    """``(table, base, number of slots)``: ``table[node.serial - base]`` is a node's slot,
    its place in ``order`` (inputs not in it come after). A list by serial number when
    those are dense (8 bytes a node, where a dict takes about 50), else a dict."""
    serials, more = [n.serial for n in order], [n.serial for n in inputs]
    base = min(serials + more, default=0)
    span = max(serials + more, default=0) - base + 1
    table = [None] * span if span <= 4 * (len(serials) + len(more)) + 64 else {}
    for k, s in enumerate(serials):  # each node of ``order`` once: its place is its slot
        table[s - base] = k
    lookup, k = table.__getitem__ if type(table) is list else table.get, len(serials)
    for s in more:
        if lookup(s - base) is None:
            table[s - base] = k
            k += 1
    return table, base, k


def with_frees(steps, n_slots, outputs, consts):
    """``steps`` (in that order, changed in place), each made to free the slots it reads
    for the last time (never an output's or a constant's). Walked from the end: a slot's
    first reader there is its last. A bytearray by slot, not a set: a deep graph has
    millions; a step freeing exactly the slots it reads shares its argument tuple."""
    seen = bytearray(n_slots)
    for s in outputs:
        seen[s] = 1
    for s in consts:
        seen[s] = 1
    for k in range(len(steps) - 1, -1, -1):
        step = steps[k]
        frees = []
        for a in step.args:
            if not seen[a]:
                seen[a] = 1
                frees.append(a)
        if len(frees) > 1:
            frees.sort()
        frees = step.args if frees == list(step.args) else tuple(frees)
        if frees != step.frees:
            steps[k] = Step(step.impl, step.args, step.params, step.out, frees, step.node)
    return steps
