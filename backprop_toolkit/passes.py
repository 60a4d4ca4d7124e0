"""The two sweeps of automatic differentiation, shared by both engines.

A graph is any set of objects with ``.prim`` (``None`` for a leaf),
``.inputs`` (a tuple of such objects) and ``.params`` (a dict): tape tensors
and symbolic nodes both qualify. The sweeps contain no calculus: they look
up each primitive's rule in the table and feed it values chosen by ``view``:

* ``view = lambda n: n.value``: the tape's first order, rules run on arrays;
* ``view = None`` (the nodes themselves): rules run on tensors (recorded:
  higher order) or on nodes (symbol-to-symbol: the derivative becomes part
  of the graph).

Everything is iterative: graphs of 100,000 nodes are normal. Both sweeps, and every
transform built on them, refuse to run inside :func:`by_hand`.
"""

from operator import attrgetter

import numpy as np

from .collector import gc_paused
from .dispatch import shape_of
from .errors import NumericError, RuleError, format_where
from .handwork import by_hand, refuse_by_hand  # noqa: F401 (passes.by_hand: the graders)


def inputs_of(node):
    return node.inputs


def toposort(outputs, stop=(), neighbours=inputs_of, since=None):
    """Every node the ``outputs`` depend on, inputs before their users.

    Iterative depth-first search with an explicit stack (no recursion: a
    chain of 100,000 nodes is fine). A node is listed once all its inputs
    are; inputs are visited left to right. Nodes in ``stop`` are listed but
    not expanded (their inputs are outside the region). ``neighbours(node)``
    gives the nodes that must come before ``node`` (its inputs). With
    ``since``, nodes made before serial number ``since`` are left out: they
    cannot depend on anything made later (see :func:`oldest`).
    """
    # marked by serial numbers, ints the nodes hold: id() would make one per node (96 MB for
    # a million-node chain's derivative)
    stop_serials = {n.serial for n in stop}
    order, done = [], set()
    stack = list(reversed(outputs))
    push, pop, emit, mark = stack.append, stack.pop, order.append, done.add  # bound once:
    while stack:  # the loop visits every node of a deep graph twice
        node = stack[-1]
        serial = node.serial
        if serial in done:
            pop()
            continue
        waiting = False
        if serial not in stop_serials:
            for child in reversed(node.inputs if neighbours is inputs_of else neighbours(node)):
                if child.serial not in done and (since is None or child.serial >= since):
                    push(child)
                    waiting = True
        if not waiting:
            mark(serial)
            emit(node)
            pop()
    return order


def by_serial(outputs):
    """Every node the ``outputs`` depend on, sorted by serial number: inputs before users.

    Every node is newer than its inputs (it takes the next serial number when it is made,
    and ``simplify(in_place=True)`` renumbers a node it rewires after its inputs), so the
    order by serial is a topological one. Found with one visit per node and a sort, where
    :func:`toposort`'s depth-first search visits a node twice; the order is the nodes'
    making, not the depth-first one, so it is for a graph no one is shown (the transforms'
    private graph, which is compiled).
    """
    order, seen = [], set()
    for node in outputs:
        if node.serial not in seen:
            seen.add(node.serial)
            order.append(node)
    stack = list(order)
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add  # bound once
    while stack:
        for child in pop().inputs:
            if child.serial not in seen:
                mark(child.serial)
                emit(child)
                push(child)
    order.sort(key=_SERIAL)  # a chain is walked newest first: runs that timsort reverses
    return order


_SERIAL = attrgetter("serial")


def oldest(sources):
    """The smallest serial number among ``sources``.

    Every tensor and node gets the next serial number when it is made, and
    its inputs exist before it, so a node made before every source cannot
    depend on any of them. A sweep from the outputs stops there: a transform
    nested inside another walks its own level, not the enclosing graph.
    """
    return min((s.serial for s in sources), default=None)


def depending_on(order, sources):
    """The ids of the nodes in ``order`` (topological) that depend on a source."""
    live = {id(s) for s in sources}
    for node in order:
        for i in node.inputs:
            if id(i) in live:
                live.add(id(node))
                break
    return live


@gc_paused
def reverse_pass(outputs, seeds, wrt, view, on_step=None, keep=True):
    """Cotangents of ``wrt`` given output cotangents ``seeds`` (reverse mode).

    Walks the region between ``wrt`` and ``outputs`` from the outputs back,
    calls each primitive's VJP rule as ``rule(g, out, *inputs, **params)``
    and accumulates (never overwrites) the contributions per node in a dict
    local to this pass. ``on_step(node, bars)``, if given, is called after
    each node's rules ran (step-by-step drawings use it). With ``keep=False``
    a cotangent is dropped once its node has passed it on (only ``wrt``'s
    are kept), so memory falls as the pass goes.

    Returns one cotangent per ``wrt`` entry (``None`` where the outputs do
    not depend on it), the dict of all cotangents (by ``id``) and the
    topological order walked.
    """
    refuse_by_hand("the reverse sweep (bt.grad, sym.grad, Tensor.backward)")
    order = toposort(outputs, since=oldest(wrt))  # through an intermediate wrt, not stopping
    live = depending_on(order, wrt)
    bars = {}
    for out, seed in zip(outputs, seeds):
        if id(out) in live:
            bars[id(out)] = seed if id(out) not in bars else bars[id(out)] + seed
    targets = {id(w) for w in wrt}
    try:  # rules on arrays (the tape's first order) may meet np.errstate's raise
        for node in reversed(order):
            key = id(node)
            g = bars.get(key) if keep or key in targets else bars.pop(key, None)
            prim = node.prim
            if g is None or prim is None or not prim.differentiable:
                continue
            inputs, params = node.inputs, node.params
            views = inputs if view is None else [view(x) for x in inputs]
            out = node if view is None else view(node)
            # a variadic entry's one rule gives every input's share at once (one call, not n)
            shares = prim.vjp[0](g, out, *views, **params) if prim.variadic else None
            for i, inp in enumerate(inputs):
                key = id(inp)
                if key not in live:
                    continue
                if shares is None:
                    rule = prim.vjp[i]
                    if rule is None:
                        continue
                    bar = rule(g, out, *views, **params) if params else rule(g, out, *views)
                else:
                    bar = shares[i]
                if getattr(bar, "shape", None) != getattr(views[i], "shape", ()):
                    check_rule_result(bar, inp, node, i, "VJP")
                total = bars.get(key)
                bars[key] = bar if total is None else total + bar  # accumulate, never overwrite
            if on_step is not None:
                on_step(node, bars)
    except FloatingPointError as err:
        raise numeric_error(node, err, "VJP") from None
    return [bars.get(id(w)) for w in wrt], bars, order


@gc_paused
def forward_pass(outputs, sources, tangents, view, order=None):
    """Tangents of ``outputs`` given tangents of ``sources`` (forward mode).

    Walks the region from the sources forward in topological order and sums
    each primitive's JVP contributions ``rule(t_i, out, *inputs, **params)``.
    A source that is itself computed (an intermediate node) gets its given
    tangent *added* to what flows into it, the transpose of reverse mode's
    meaning of ``dz/db`` for an intermediate ``b``: asking about more nodes
    never changes the others' tangents. Returns one tangent per output
    (``None`` where it does not depend on a source) and the dict of all tangents.
    """
    refuse_by_hand("the forward sweep (bt.jvp, sym.jvp)")
    order = toposort(outputs, since=oldest(sources)) if order is None else order
    given = {}
    for s, t in zip(sources, tangents):
        given[id(s)] = t if id(s) not in given else given[id(s)] + t
    dots = dict(given)
    try:  # rules on arrays may meet np.errstate's raise
        for node in order:
            prim = node.prim
            if prim is None or not prim.differentiable:
                continue
            if prim.variadic:  # one rule takes every input's tangent at once
                dot = joint_tangent(node, dots, view, given.get(id(node)))
                if dot is not None:
                    dots[id(node)] = dot
                continue
            inputs = node.inputs
            views = out = None
            dot = given.get(id(node))
            for i, inp in enumerate(inputs):
                t = dots.get(id(inp))
                rule = prim.jvp[i]
                if t is None or rule is None:
                    continue
                if views is None:
                    views = inputs if view is None else [view(x) for x in inputs]
                    out = node if view is None else view(node)
                contrib = rule(t, out, *views, **node.params)
                if getattr(contrib, "shape", None) != getattr(out, "shape", ()):
                    check_rule_result(contrib, node, node, i, "JVP")
                dot = contrib if dot is None else dot + contrib
            if dot is not None:
                dots[id(node)] = dot
    except FloatingPointError as err:
        raise numeric_error(node, err, "JVP") from None
    return [dots.get(id(o)) for o in outputs], dots


def joint_tangent(node, dots, view, dot):
    """``dot`` plus a variadic entry's contribution to its tangent: its one JVP rule fed
    every input's tangent (``None`` where an input has none)."""
    tangents = [dots.get(id(inp)) for inp in node.inputs]
    if all(t is None for t in tangents):
        return dot
    views = node.inputs if view is None else [view(x) for x in node.inputs]
    out = node if view is None else view(node)
    contrib = node.prim.jvp[0](tangents, out, *views, **node.params)
    if getattr(contrib, "shape", None) != getattr(out, "shape", ()):
        check_rule_result(contrib, node, node, "all", "JVP")
    return contrib if dot is None else dot + contrib


_VALUES = (np.ndarray, np.generic, int, float, complex)  # and traced values (a shape tuple)


def numeric_error(node, err, kind):
    """The :class:`NumericError` for a floating-point error ``err`` (which ``np.errstate``
    raises) met by ``node``'s ``kind`` rule working on arrays: it names the op whose
    derivative it is and the user's line that made it (``err`` may name an op of the rule)."""
    return NumericError(f"the {kind} rule of {node.prim.name!r} (its derivative) met: {err}\n"
                        f"  {node.prim.name!r} made at {format_where(getattr(node, 'where', None))}")


def check_rule_result(result, target, node, position, kind):
    """A rule's result must be a value (an array, a number, a traced value: not ``None``, a
    list or a tuple, which the checks before this one let through as a scalar) of
    ``target``'s shape, or the rule is wrong *here*."""
    if not isinstance(result, _VALUES) and type(getattr(result, "shape", None)) is not tuple:
        raise RuleError(
            f"the {kind} rule of {node.prim.name!r} for input {position} returned "
            f"{result!r:.40}, not an array, a number or a traced "
            f"value of shape {shape_of(target)} (write it with the toolkit's ops)\n"
            f"  node made at {format_where(getattr(node, 'where', None))}")
    if shape_of(result) != shape_of(target):
        raise RuleError(
            f"the {kind} rule of {node.prim.name!r} for input {position} returned shape "
            f"{shape_of(result)}, expected {shape_of(target)} (inputs: "
            f"{', '.join(str(shape_of(x)) for x in node.inputs)})\n"
            f"  node made at {format_where(getattr(node, 'where', None))}"
        )
