"""Evaluation traces: the Wengert list of one evaluation, as in the lecture's table.

``bt.trace_table(f, 1.5, -0.5, wrt=0)`` runs ``f`` on the tape and lists every
intermediate ``w_k`` with its value, its forward-mode derivative ``ẇ_k``
(seed 1 on argument ``wrt``, 0 on the others) and its reverse-mode adjoint
``w̄_k = df/dw_k``. The formulas are the table's own rules, printed by the
symbolic engine: the op on named placeholders, and its JVP rule on them.
"""

import html
from collections import namedtuple

import numpy as np

from .. import symbolic as sym
from .. import tape
from ..api import arg_names, normalize_argnums
from ..passes import toposort
from .dot import format_value
from .steps import record

Row = namedtuple("Row", "name definition value tangent_rule tangent adjoint")
Row.__doc__ = ("One line of a trace: ``name = definition`` (LaTeX), its value, the forward-mode "
               "rule and value of its tangent, and its reverse-mode adjoint (None if the "
               "output is not a scalar).")


class TraceTable:
    """A Wengert list with values, tangents and adjoints; shows as HTML in Jupyter."""

    def __init__(self, rows, wrt_name):
        self.rows = rows
        self.wrt_name = wrt_name

    def _cells(self, math):
        for r in self.rows:
            adjoint = "" if r.adjoint is None else format_value(r.adjoint, 4)
            yield (math(f"w_{{{r.name}}}"), math(r.definition), format_value(r.value, 4),
                   math(f"\\dot{{w}}_{{{r.name}}} = {r.tangent_rule}"),
                   format_value(r.tangent, 4), adjoint)

    def header(self):
        return ("$w_k$", "definition", "value", "forward rule", f"$\\dot{{w}}_k = dw_k/d{self.wrt_name}$",
                "$\\bar{w}_k = df/dw_k$")

    def to_markdown(self):
        """A Markdown table (formulas as ``$...$`` math)."""
        lines = ["| " + " | ".join(self.header()) + " |", "|" + " --- |" * 6]
        for cells in self._cells(lambda s: f"${s}$"):
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_latex(self):
        """A LaTeX ``tabular``."""
        lines = ["\\begin{tabular}{llrlrr}", " & ".join(self.header()) + " \\\\", "\\hline"]
        for cells in self._cells(lambda s: f"${s}$"):
            lines.append(" & ".join(cells) + " \\\\")
        lines.append("\\end{tabular}")
        return "\n".join(lines)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header())
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
                       for cells in self._cells(lambda s: f"${s}$"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self):
        return self.to_markdown()


def latex_arg(name):
    """``x1`` as ``x_{1}``: a trailing number becomes a subscript."""
    stem = name.rstrip("0123456789")
    return f"{stem}_{{{name[len(stem):]}}}" if stem and stem != name else name


def trace_table(fun, *args, wrt=0):
    """The Wengert list of ``fun(*args)`` with forward derivatives along argument ``wrt``.

    The tangent seed is 1 (ones, for an array) on argument ``wrt`` and 0 on
    the others; the adjoint column is filled when ``fun`` returns a scalar.
    """
    (wrt,), _ = normalize_argnums(wrt, len(args), fun, "wrt")  # -1 is the last; out of range raises
    names = arg_names(fun, len(args))
    leaves, y = record(fun, args)
    order = toposort([y])
    steps = leaves + [t for t in order if t.prim is not None]
    label = {id(t): str(k + 1) for k, t in enumerate(steps)}
    seeds = [np.ones_like(t.value) if k == wrt else np.zeros_like(t.value)
             for k, t in enumerate(leaves)]
    dots = tape.tangents(y, leaves, seeds)
    adjoints = tape.adjoints(y)[0] if np.ndim(y.value) == 0 else {}
    placeholders = {id(t): sym.var(f"w_{{{label[id(t)]}}}", shape=np.shape(t.value))
                    for t in steps}
    position = {id(t): n for n, t in enumerate(leaves)}  # by identity: == is elementwise
    rows = []
    for t in steps:
        k = label[id(t)]
        if t.prim is None:
            definition = latex_arg(names[position[id(t)]])
            rule = "1" if position[id(t)] == wrt else "0"
        else:
            definition, rule = _formulas(t, placeholders, label)
        rows.append(Row(k, definition, t.value, rule, dots.get(id(t), 0.0),
                        adjoints.get(id(t)) if adjoints else None))
    return TraceTable(rows, latex_arg(names[wrt]))


def _formulas(t, placeholders, label):
    """LaTeX of ``t``'s op and of its JVP rule, on the named placeholders."""
    inputs = [placeholders[id(i)] if id(i) in placeholders else sym.constant(i.value)
              for i in t.inputs]
    definition = sym.to_latex(t.prim(*inputs, **t.params))
    out = placeholders[id(t)]
    terms = []
    for k, (i, node) in enumerate(zip(t.inputs, inputs)):
        rule = t.prim.jvp_rule(k)
        if rule is None or id(i) not in placeholders:
            continue
        tangent = sym.var(f"\\dot{{w}}_{{{label[id(i)]}}}", shape=node.shape)
        terms.append(rule(tangent, out, *inputs, **t.params))
    if not terms:
        return definition, "0"
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return definition, sym.to_latex(sym.simplify(total))
