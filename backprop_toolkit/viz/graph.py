"""Drawings of symbolic graphs: the forward graph and Figure 6.10.

Drawn bottom to top like the book: inputs at the bottom, the output at the
top. The nodes the last ``sym.grad`` made (``node.is_derivative``) sit in a
cluster of their own, in the derivative colour, labelled with the derivative
they hold (``dz/dx``, and the chain rule's local factors ``dy/dx``) over their
op (``f'``, ``×``). One edge per use of a value: ``x * x`` draws two edges,
labelled with the argument positions where their order matters. The caption
names the rarer op symbols (``⇉``, ``ᵀ``).
"""

import numpy as np

from .. import primitives as P
from .. import symbolic as sym
from ..symbolic.grad import derivative_name
from . import styles
from .dot import Dot, Html, format_value, html_escape, html_label
from .legend import set_title, symbol_rows


@html_label
def node_label(node, name=None):
    """HTML-like label: the name in bold over the op (``z`` over ``f``), or the op alone.

    ``name`` stands for the node's own name where it has none (a chain-rule factor).
    """
    name = node.name if name is None else name
    if node.is_var:
        return f"<<b>{html_escape(name or 'x')}</b>>"
    if node.is_const:
        head = f"{html_escape(name)} = " if name else ""
        return f"<{head}{html_escape(constant_text(node.value))}>"
    op = styles.gate_symbol(node.prim)  # the same symbols as on tape circuits
    if name is None:
        return f"<{html_escape(op)}>"
    return (f"<<b>{html_escape(name)}</b><br/>"
            f"<font point-size=\"9\">{html_escape(op)}</font>>")


def constant_text(value):
    """A constant as short as it is exact to 3 digits: ``0.5``, ``2``, ``[0, 1, 1, 0]``, ``4×2``."""
    array = np.asarray(value)
    if 0 < array.ndim and array.size <= 4:
        return "[" + ", ".join(constant_text(v) for v in array.reshape(-1)) + "]"
    text = format_value(array)
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


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
    """Label edges with argument positions where the order matters (``z - t``, ``W @ x``):
    not on ``+``, ``×``, ``max``, whose repeated input (``q × q``) shows as two edges."""
    return len(node.inputs) > 1 and node.prim not in styles.COMMUTATIVE


def chain_factor_names(order):
    """Names for the unnamed local derivatives, as Figure 6.10 labels its f' nodes.

    ``sym.grad`` names the cotangent of a named node ``v`` ``dz/dv``. Where
    that cotangent, or one term of it (a sum), is a product ``dz/du × F`` and
    ``u`` is a named node that consumes ``v``, the chain rule says that ``F``
    is the local derivative ``du/dv``. Returns ``id(F) -> "du/dv"``.
    """
    named = [n for n in order if n.name]
    outputs = {id(n.of): n.of for n in order if n.of is not None and n.of.name}
    holds = {}  # (id(output), name of a cotangent) -> the node it is the cotangent of
    for y in outputs.values():
        for v in named:
            holds[(id(y), derivative_name(y.name, v.name))] = v
    names = {}
    for c in order:
        v = holds.get((id(c.of), c.name)) if c.name and c.of is not None else None
        if v is None:
            continue
        terms = [c]
        while terms:  # the cotangent and, through sums, each of its terms
            term = terms.pop()
            if term.prim is P.add_p:
                terms.extend(term.inputs)
            elif term.prim is P.mul_p:
                name_factor(term, c.of, v, holds, names)
    return names


def name_factor(product, y, v, holds, names):
    """In ``product = dy/du × F`` (either order), name ``F`` ``du/dv`` if ``u`` consumes ``v``."""
    for g, factor in (product.inputs, product.inputs[::-1]):
        u = holds.get((id(y), g.name)) if g.name else None
        if (u is not None and factor.name is None and factor.is_derivative
                and id(factor) not in names and any(i is v for i in u.inputs)):
            names[id(factor)] = derivative_name(u.name, v.name)


def sides(order, split, terminals=False):
    """``[(cluster name, title, nodes)]``: the graph that was differentiated, then the nodes
    the last differentiation added (an empty cluster for ``terminals`` if it added none).

    For a second derivative the first cluster holds ``dz/dw``'s whole graph, forward
    and derivative nodes: that graph is what the second ``sym.grad`` walked.
    """
    if not split or not (terminals or any(n.is_derivative for n in order)):
        return [("all", None, order)]
    last = next((n.of for n in reversed(order) if n.is_derivative), None)
    added = [n for n in order if n.is_derivative and n.of is last]
    given = [n for n in order if not (n.is_derivative and n.of is last)]
    title = "forward graph" if last is None or not last.is_derivative else \
        f"the graph of {last.name or 'the derivative'}"
    return [("forward", title, given)] * bool(given) + [("derivative", "added by sym.grad", added)]


def write_graph(dot, outputs, prefix="", highlight=(), split=True, results=()):
    """Add the graph of ``outputs`` to ``dot``: forward and derivative clusters.

    ``results``: ``(name, node)`` pairs to show by name (``df/dx``); a node that
    does not already carry its name (``df/dx`` is the forward node ``z``) gets
    a terminal with that name, pointed at from the node.
    """
    shown = [outputs] if isinstance(outputs, sym.Node) else list(outputs)
    order = sym.nodes(shown + [node for _, node in results])
    factors = chain_factor_names(order)
    terminals = result_terminals(results)
    parts = sides(order, split, bool(terminals))
    for k, (side, title, members) in enumerate(parts):
        if title:
            dot.open_cluster(f"{prefix}{side}", title,
                             labelloc=title_side(side, dot.graph.get("rankdir")))
        for n in members:
            dot.node(dot.id(n, prefix), label=node_label(n, factors.get(id(n))),
                     **node_style(n, highlight))
        if k == len(parts) - 1:
            write_terminals(dot, terminals, prefix)
        if title:
            dot.close_cluster()
    for n in order:
        write_edges(dot, n, prefix)
    for k, (name, node) in enumerate(terminals):
        dot.edge(dot.id(node, prefix), f"{prefix}result{k}", **styles.RESULT_EDGE)
    return order


def title_side(side, rankdir):
    """``labelloc`` of a cluster's title: the forward graph's at the bottom, a derivative's on
    top, away from the edges between them (rankdir=BT turns ``labelloc`` upside down)."""
    return "t" if (side != "forward") != (rankdir == "BT") else "b"


def write_edges(dot, n, prefix):
    """One edge per input of ``n``, numbered where the order matters."""
    positions = show_positions(n)
    for k, i in enumerate(n.inputs):
        attrs = dict(styles.DERIVATIVE_EDGE) if n.is_derivative else {}
        if positions:
            attrs.update(headlabel=str(k), **styles.OPERAND)
        dot.edge(dot.id(i, prefix), dot.id(n, prefix), **attrs)


def result_terminals(results):
    """The ``(name, node)`` results that need a terminal: the node has another name, or
    an earlier result already shows it."""
    shown, terminals = set(), []
    for name, node in results:
        if node.name == name and id(node) not in shown:
            shown.add(id(node))
        else:
            terminals.append((name, node))
    return terminals


def write_terminals(dot, terminals, prefix):
    for k, (name, _) in enumerate(terminals):
        dot.node(f"{prefix}result{k}", label=Html(f"<<b>{html_escape(name)}</b>>"),
                 **styles.RESULT)


def graph_dot(outputs, title=None, highlight=(), split=True, results=()):
    """A :class:`Dot` of a symbolic graph (a node or a list of nodes)."""
    dot = Dot(rankdir="BT")
    order = write_graph(dot, outputs, highlight=highlight, split=split, results=results)
    set_title(dot, title, symbol_rows(n.prim for n in order))   # names ⇉, ᵀ, ... if drawn
    return dot


def simplification_dot(outputs, title=None):
    """Before and after ``sym.simplify``, side by side (raw left, simplified right)."""
    dot = Dot(rankdir="BT")
    simplified = sym.simplify(outputs)
    for prefix, graph, caption in (("raw_", outputs, "as sym.grad built it"),
                                   ("simple_", simplified, "after sym.simplify")):
        count = len(sym.nodes(graph))
        dot.open_cluster(prefix + "all", f"{caption} ({count} nodes)", style="rounded")
        write_graph(dot, graph, prefix=prefix, split=False)
        dot.close_cluster()
    set_title(dot, title, symbol_rows(n.prim for n in sym.nodes(outputs)))
    return dot
