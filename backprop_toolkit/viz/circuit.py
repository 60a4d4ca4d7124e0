"""Tape drawings in the "circuit" style of lecture slides.

Left to right: the inputs, then one small circle per gate (``+``, ``×``,
``exp``), and a wire per use of a value. Each wire carries the value that
flows forward on it (green, above) and, once known, the gradient that flows
back (red, below). Before ``backward()`` the gradients are absent, not zero.
"""

from ..errors import BackpropError
from ..passes import toposort
from . import styles
from .dot import Dot, format_value, html_escape


def wire_label(value, grad):
    """The green value over the red gradient (or the value alone)."""
    text = f'<font color="{styles.VALUE_COLOUR}">{html_escape(format_value(value))}</font>'
    if grad is not None:
        text += f'<br/><font color="{styles.GRAD_COLOUR}">{html_escape(format_value(grad))}</font>'
    return f"<{text}>"


def gate_symbol(tensor):
    return styles.GATE_SYMBOL.get(tensor.prim.name, tensor.prim.name)


def write_circuit(dot, output, grads, highlight=(), prefix="", output_name=None):
    """Add the recorded computation of ``output`` to ``dot``.

    Args:
        grads: ``id(tensor) -> gradient`` for the tensors whose gradient is
            shown (the others' wires show values only).
        highlight: tensors drawn lit (a step-by-step frame's current gate).
    """
    order = toposort([output])
    lit = {id(t) for t in highlight}
    for t in order:
        node_id = dot.id(t, prefix)
        if t.prim is not None:
            style = dict(styles.GATE)
            if id(t) in lit:
                style.update(fillcolor=styles.HIGHLIGHT, penwidth="2")
            dot.node(node_id, label=gate_symbol(t), **style)
        elif t.requires_grad:
            dot.node(node_id, label=t.name or "input", **styles.TERMINAL)
        else:
            dot.node(node_id, label=format_value(t.value), **styles.CONSTANT_TERMINAL)
    for t in order:
        for k, i in enumerate(t.inputs):
            label = wire_label(i.value, grads.get(id(i))) if i.prim is not None or i.requires_grad \
                else ""
            attrs = {"label": label} if label else {}
            if len(t.inputs) > 1 and t.prim.name not in ("add", "mul", "maximum"):
                attrs.update(headlabel=str(k), labelfontsize="8", labelfontcolor=styles.MUTED)
            dot.edge(dot.id(i, prefix), dot.id(t, prefix), **attrs)
    sink = f"{prefix}out"
    dot.node(sink, label=output_name or output.name or "out", **styles.TERMINAL)
    dot.edge(dot.id(output, prefix), sink, label=wire_label(output.value, grads.get(id(output))))
    return order


def recorded_grads(output):
    """The gradients ``backward()`` left on the tensors (absent ones are left out)."""
    return {id(t): t.grad for t in toposort([output]) if t.grad is not None}


def circuit_dot(output, title=None, grads=None, highlight=(), output_name=None):
    """A :class:`Dot` of a tape tensor's recorded computation, slide style."""
    if output.prim is None and not output.inputs:
        raise BackpropError("draw: this tensor has no recorded computation to draw (a leaf); "
                         "draw a tensor computed from inputs with requires_grad=True")
    dot = Dot(rankdir="LR", label=title)
    write_circuit(dot, output, recorded_grads(output) if grads is None else grads,
                  highlight=highlight, output_name=output_name)
    return dot
