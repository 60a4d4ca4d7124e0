"""Drawings of symbolic graphs: the forward graph and Figure 6.10.

Drawn bottom to top like the book: inputs at the bottom, the output at the
top. Nodes made by ``sym.grad`` (``node.is_derivative``) sit in a cluster of
their own, in the derivative colour, labelled with the derivative they hold
(``dz/dx``) under their op (``f'``, ``×``). One edge per use of a value: ``x * x``
draws two edges, labelled with the argument positions.
"""

from .. import symbolic as sym
from . import styles
from .dot import Dot, format_value, html_escape
from .dot import html_label



@html_label
def node_label(node):
    """HTML-like label: the name in bold over the op (``z`` over ``f``), or the op alone."""
    if node.is_var:
        return f"<<b>{html_escape(node.name or 'x')}</b>>"
    if node.is_const:
        value = format_value(node.value, digits=3).rstrip("0").rstrip(".") or "0"
        head = f"{html_escape(node.name)} = " if node.name else ""
        return f"<{head}{html_escape(value)}>"
    op = styles.gate_symbol(node.prim)  # the same symbols as on tape circuits
    if node.name is None:
        return f"<{html_escape(op)}>"
    return (f"<<b>{html_escape(node.name)}</b><br/>"
            f"<font point-size=\"9\">{html_escape(op)}</font>>")


def node_style(node, highlight=()):
    if node.is_const:
        style = dict(styles.CONST_NODE)
        if node.is_derivative:
            style.update(fillcolor=styles.DERIVATIVE_FILL, color=styles.DERIVATIVE_LINE)
    elif node.is_var:
        style = dict(styles.VAR_NODE)
    elif node.is_derivative:
        style = dict(styles.DERIVATIVE_NODE)
    else:
        style = dict(styles.FORWARD_NODE)
    if any(node is h for h in highlight):
        style.update(fillcolor=styles.HIGHLIGHT, penwidth="2")
    return style


def show_positions(node):
    """Label edges with argument positions where the order or a repeat matters."""
    ids = [id(i) for i in node.inputs]
    return len(ids) > 1 and (node.prim not in styles.COMMUTATIVE or len(set(ids)) < len(ids))


def write_graph(dot, outputs, prefix="", highlight=(), split=True):
    """Add the graph of ``outputs`` to ``dot``: forward and derivative clusters."""
    order = sym.nodes(outputs)
    sides = [("forward", [n for n in order if not n.is_derivative]),
             ("derivative", [n for n in order if n.is_derivative])]
    clustered = split and sides[1][1]
    for side, members in sides:
        if not members:
            continue
        if clustered:
            title = "forward graph" if side == "forward" else "added by sym.grad"
            dot.open_cluster(f"{prefix}{side}", title)
        for n in members:
            dot.node(dot.id(n, prefix), label=node_label(n), **node_style(n, highlight))
        if clustered:
            dot.close_cluster()
    for n in order:
        positions = show_positions(n)
        for k, i in enumerate(n.inputs):
            attrs = dict(styles.DERIVATIVE_EDGE) if n.is_derivative else {}
            if positions:
                attrs.update(headlabel=str(k), labelfontsize="9", labelfontcolor=styles.MUTED)
            dot.edge(dot.id(i, prefix), dot.id(n, prefix), **attrs)
    return order


def graph_dot(outputs, title=None, highlight=(), split=True):
    """A :class:`Dot` of a symbolic graph (a node or a list of nodes)."""
    dot = Dot(rankdir="BT", label=title)
    write_graph(dot, outputs, highlight=highlight, split=split)
    return dot


def simplification_dot(outputs, title=None):
    """Before and after ``sym.simplify``, side by side (raw left, simplified right)."""
    dot = Dot(rankdir="BT", label=title)
    simplified = sym.simplify(outputs)
    for prefix, graph, caption in (("raw_", outputs, "as sym.grad built it"),
                                   ("simple_", simplified, "after sym.simplify")):
        count = len(sym.nodes(graph))
        dot.open_cluster(prefix + "all", f"{caption} ({count} nodes)", style="rounded")
        write_graph(dot, graph, prefix=prefix, split=False)
        dot.close_cluster()
    return dot
