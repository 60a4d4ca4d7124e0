"""The tape's own reverse sweep: ``passes.reverse_pass(..., keep=False)`` for tape tensors,
with less bookkeeping per tensor.

The generic sweep serves both engines and every caller (drawings that watch each
step, ``backward()`` that keeps every cotangent). The transforms need less: the
cotangents of their own variables, once. A tape tensor gives two things the
generic sweep cannot assume:

* its serial number, a plain int attribute, keys the cotangents (no ``id()``
  call per lookup, three per input in the generic sweep);
* the order of the record: every tensor's inputs were made before it, so the
  tensors sorted by serial number are in topological order. The sweep collects
  the region once (each tensor visited once) and sorts it, instead of a
  depth-first search that looks at every tensor twice.

The order may differ from the depth-first one where a tensor has several
users; a sum of three or more contributions may then round differently in the
last bit, as any change of summation order does. Same rules, same products:
``tests/test_tape_sweep.py`` checks it against ``passes.reverse_pass`` on both
views (arrays, tensors for ``create_graph``).
"""

import operator

from ..collector import gc_paused
from ..passes import check_rule_result, numeric_error, oldest, refuse_by_hand
from .tensor import value_of

serial_of = operator.attrgetter("serial")


def region(outputs, since):
    """The tensors ``outputs`` depend on made at serial ``since`` or later (the ones an
    older tensor cannot depend on: ``passes.oldest``), sorted by serial: inputs first."""
    nodes, seen = [], set()
    for out in outputs:
        if out.serial >= since and out.serial not in seen:
            seen.add(out.serial)
            nodes.append(out)
    for node in nodes:  # a worklist: the loop reaches what it appends
        inputs = node._inputs  # a tuple, or a one-input op's input itself (``Tensor.inputs``)
        if type(inputs) is not tuple:
            key = inputs.serial
            if key >= since and key not in seen:
                seen.add(key)
                nodes.append(inputs)
            continue
        for inp in inputs:
            key = inp.serial
            if key >= since and key not in seen:
                seen.add(key)
                nodes.append(inp)
    nodes.sort(key=serial_of)
    return nodes


def depending_on(order, sources):
    """The serials of the tensors in ``order`` that depend on one of ``sources`` (or are one)."""
    live = {s.serial for s in sources}
    for node in order:
        inputs = node._inputs
        if type(inputs) is not tuple:
            if inputs.serial in live:
                live.add(node.serial)
            continue
        for inp in inputs:
            if inp.serial in live:
                live.add(node.serial)
                break
    return live


@gc_paused
def cotangents(outputs, seeds, wrt, view):
    """The cotangents of ``wrt`` (``None`` where the outputs do not depend on one) for the
    output cotangents ``seeds``: what ``passes.reverse_pass(outputs, seeds, wrt, view,
    keep=False)[0]`` returns. ``view``: ``value_of`` (rules on arrays) or ``None`` (rules
    on the tensors themselves, recorded for a higher derivative)."""
    refuse_by_hand("the reverse sweep (bt.grad, sym.grad, Tensor.backward)")
    order, live, bars = seeded(outputs, seeds, wrt)
    targets, kept = {w.serial for w in wrt}, {}
    arrays = view is value_of
    try:  # a rule's numpy work on arrays may meet a floating-point error np.errstate raises
        for node in reversed(order):
            serial = node.serial
            g = bars.pop(serial, None)
            if g is None:
                continue
            if serial in targets:
                kept[serial] = g
            prim = node.prim
            if prim is None or not prim.differentiable:
                continue
            inputs, params, rule = node._inputs, node.params, prim.vjp[0]
            if type(inputs) is not tuple and rule is not None and not prim.variadic:  # common case
                x = inputs  # one input, kept alone: no tuple of views, no loop, no empty **params
                key = x.serial
                if key in live:
                    if arrays:  # first order: the values read directly, not through ``view``
                        xv, out = x._value, node._value
                    else:
                        xv, out = (x, node) if view is None else (view(x), view(node))
                    bar = rule(g, out, xv, **params) if params else rule(g, out, xv)
                    try:  # two attribute reads: arrays and numpy scalars have a shape
                        wrong = bar.shape != xv.shape
                    except AttributeError:  # a Python number, or not a value (None, a list): checked
                        wrong = getattr(bar, "shape", None) != getattr(xv, "shape", ())
                    if wrong:
                        check_rule_result(bar, x, node, 0, "VJP")
                    total = bars.get(key)
                    bars[key] = bar if total is None else total + bar
                continue
            spread(bars, g, node, inputs if type(inputs) is tuple else (inputs,), view, live)
    except FloatingPointError as err:
        raise numeric_error(node, err, "VJP") from None
    return [kept.get(w.serial) for w in wrt]


def spread(bars, g, node, inputs, view, live):
    """The general step: each input of ``node`` in ``live`` gets its share of ``node``'s
    cotangent ``g``, by its own rule or (a variadic entry) from the joint rule's list."""
    prim, params = node.prim, node.params
    views, out = (inputs, node) if view is None else (tuple(map(view, inputs)), view(node))
    shares = prim.vjp[0](g, out, *views, **params) if prim.variadic else None
    for i, x in enumerate(inputs):
        if x.serial in live and (shares is not None or prim.vjp[i] is not None):
            bar = prim.vjp[i](g, out, *views, **params) if shares is None else shares[i]
            accumulate(bars, bar, x, views[i], node, i)


def seeded(outputs, seeds, wrt):
    """The region in topological order, the serials of its tensors that depend on ``wrt``,
    and the cotangents to start from: the ``seeds`` of the outputs that do."""
    since = oldest(wrt)
    order = region(outputs, since) if since is not None else []
    live = depending_on(order, wrt)
    bars = {}
    for out, seed in zip(outputs, seeds):
        if out.serial in live:
            bars[out.serial] = seed if out.serial not in bars else bars[out.serial] + seed
    return order, live, bars


def accumulate(bars, bar, x, xv, node, i):
    """Add ``bar``, the cotangent input ``i`` of ``node`` (``x``, seen as ``xv``) gets, to
    what ``x`` has (never overwrite); a rule's result of the wrong shape is the rule's error."""
    if getattr(bar, "shape", None) != getattr(xv, "shape", ()):
        check_rule_result(bar, x, node, i, "VJP")
    total = bars.get(x.serial)
    bars[x.serial] = bar if total is None else total + bar
