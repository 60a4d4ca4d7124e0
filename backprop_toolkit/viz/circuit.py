"""Tape drawings in the "circuit" style of lecture slides.

Left to right: the inputs, then one small circle per gate (``+``, ``×``,
``exp``), and a wire per use of a value. Each wire carries the value that
flows forward on it (green, above) and, once known, the gradient that flows
back (red, below). Before ``backward()`` the gradients are absent, not zero.
"""

from ..errors import BackpropError
from ..passes import toposort
from . import styles
from .dot import Dot, format_value, html_escape, html_label
from .legend import CIRCUIT_ROWS, set_title, symbol_rows


@html_label
def wire_label(value, grad):
    """The green value over the red gradient (or the value alone)."""
    text = f'<font color="{styles.VALUE_COLOUR}">{html_escape(format_value(value))}</font>'
    if grad is not None:
        text += f'<br/><font color="{styles.GRAD_COLOUR}">{html_escape(format_value(grad))}</font>'
    return f"<{text}>"


def branch_grad(t, k, grads):
    """The gradient that gate ``t`` sends back along its ``k``-th wire.

    It is the gate's VJP rule applied to the gate's own gradient: where a value
    fans out to several gates, each wire shows its own share, and the shares
    add up at the fork (shown as a sum there).
    """
    g = grads.get(id(t))
    rule = t.prim.vjp_rule(k) if t.prim is not None and not t.prim.boolean else None
    if g is None or rule is None:
        return None
    return rule(g, t.value, *[i.value for i in t.inputs], **t.params)


def fan_out(order):
    uses = {}
    for t in order:
        for i in t.inputs:
            uses[id(i)] = uses.get(id(i), 0) + 1
    return uses


@html_label
def total_label(name, total):
    return (f'<{html_escape(name)}<br/><font color="{styles.GRAD_COLOUR}" point-size="10">'
            f'Σ {html_escape(format_value(total))}</font>>')


def write_circuit(dot, output, grads, highlight=(), prefix="", output_name=None, ran=None,
                  tangents=False):
    """Add the recorded computation of ``output`` to ``dot``.

    The output wire ends at a terminal ``<prefix>out`` named ``output_name``.

    Args:
        grads: ``id(tensor) -> gradient`` for the tensors whose gradient is
            known; a wire shows the share its gate sends back, once the gate's
            gradient is known (values only before).
        highlight: tensors drawn lit (a step-by-step frame's current gate).
        ran: ids of the gates whose rule has run (step-by-step frames); by
            default every gate whose gradient is known.
        tangents: ``grads`` holds forward-mode tangents instead: each wire
            shows the tangent of the value it carries (no shares, no sums).
    """
    order = toposort([output])
    uses = fan_out(order)
    lit = {id(t) for t in highlight}
    for t in order:
        forked = not tangents and uses.get(id(t), 0) > 1 and id(t) in grads
        write_gate(dot, dot.id(t, prefix), t, grads.get(id(t)) if forked else None, id(t) in lit)
    for t in order:
        for k, i in enumerate(t.inputs):
            if i.prim is None and not i.requires_grad:
                share = label = None  # a constant's wire stays bare
            else:
                share = grads.get(id(i)) if tangents else \
                    branch_grad(t, k, grads) if ran is None or id(t) in ran else None
                label = wire_label(i.value, share)
            attrs = {"label": label} if label else {}
            if len(t.inputs) > 1 and t.prim not in styles.COMMUTATIVE:
                attrs.update(headlabel=str(k), **styles.OPERAND)
            dot.edge(dot.id(i, prefix), dot.id(t, prefix), **attrs)
    sink = f"{prefix}out"
    dot.node(sink, label=output_name or output.name or "out", **styles.TERMINAL)
    dot.edge(dot.id(output, prefix), sink, label=wire_label(output.value, grads.get(id(output))))
    return order


def write_gate(dot, node_id, t, total, lit):
    """A gate (circle), an input (its name) or a constant (its value); ``total``: the sum at a fork."""
    if t.prim is not None:
        style = dict(styles.GATE)
        if lit:
            style.update(fillcolor=styles.HIGHLIGHT, penwidth="2")
        if total is not None:
            style.update(xlabel=total_label("", total))
        dot.node(node_id, label=styles.gate_symbol(t.prim), **style)
    elif t.requires_grad:
        name = t.name or "input"
        dot.node(node_id, label=name if total is None else total_label(name, total),
                 **styles.TERMINAL)
    else:
        dot.node(node_id, label=format_value(t.value), **styles.CONSTANT_TERMINAL)


def recorded_grads(output):
    """The gradients ``backward()`` left on the tensors (absent ones are left out)."""
    return {id(t): t.grad for t in toposort([output]) if t.grad is not None}


def circuit_dot(output, title=None, grads=None, highlight=(), output_name=None):
    """A :class:`Dot` of a tape tensor's recorded computation, slide style."""
    if output.prim is None and not output.inputs:
        raise BackpropError("draw: this tensor has no recorded computation to draw (a leaf); "
                         "draw a tensor computed from inputs with requires_grad=True")
    dot = Dot(rankdir="LR")
    order = write_circuit(dot, output, recorded_grads(output) if grads is None else grads,
                          highlight=highlight, output_name=output_name)
    set_title(dot, title, circuit_key(order))
    return dot


def circuit_key(order, rows=CIRCUIT_ROWS):
    """The key of a circuit: its colours (``rows``), then the rarer gates it shows (``xⁿ``)."""
    return tuple(rows) + tuple(symbol_rows(t.prim for t in order if t.prim is not None))
