"""The key of a drawing: what a circuit's colours mean, and the rarer op symbols.

A circuit carries two numbers per wire; the key says which is the value and
which the gradient (or, in forward mode, the tangent), each sample in its own
colour. A graph that shows ``⇉``, ``⤶``, ``ᵀ``, ``?:`` or ``xⁿ`` names them
(:data:`~.styles.SYMBOL_WORDS`). The key is part of the drawing's caption: a
line in smaller type under the title, so that it takes no room beside the drawing.
"""

from . import styles
from .dot import Html, html_escape

VALUE_ROW = (("green", styles.VALUE_COLOUR), "(upper number): value, computed forward")
CIRCUIT_ROWS = (VALUE_ROW, (("red", styles.GRAD_COLOUR), "(lower): gradient, sent backward"))
TANGENT_ROWS = (VALUE_ROW, (("red", styles.GRAD_COLOUR), "(lower): tangent, carried forward"))


def symbol_rows(prims):
    """A row ``(symbol, its name)`` for each primitive of ``prims`` that needs one, in order."""
    rows, seen = [], set()
    for prim in prims:
        if prim in styles.SYMBOL_WORDS and prim not in seen:
            seen.add(prim)
            rows.append(((styles.gate_symbol(prim), None), "= " + styles.SYMBOL_WORDS[prim]))
    return rows


def key_line(rows, per_line=3):
    """The key as HTML-like text: ``sample meaning`` entries, a few to a line."""
    entries = []
    for (sample, colour), meaning in rows:
        shown = html_escape(sample)
        if colour:
            shown = f'<font color="{colour}">{shown}</font>'
        entries.append(f"{shown} {html_escape(meaning)}")
    lines = ["      ".join(entries[k:k + per_line]) for k in range(0, len(entries), per_line)]
    return "<br/>".join(lines)


def set_title(dot, title, rows):
    """Caption ``dot`` with ``title`` and, under it in smaller type, the key ``rows``."""
    if not rows:
        if title:
            dot.graph.update(label=title, labelloc="t")
        return
    head = f"{html_escape(title)}<br/>" if title else ""
    key = f'<font point-size="{styles.KEY_SIZE}" color="{styles.KEY_COLOUR}">{key_line(rows)}</font>'
    dot.graph.update(label=Html(f"<{head}{key}>"), labelloc="t")
