"""Graphs as text: one equation per line, and expressions as LaTeX.

``to_text(dz_dw)`` prints the graph the way the algorithm builds it::

    w = var()
    x = f(w)
    dz/dx = mul(dz/dy, f'(x))

Unnamed intermediate nodes get temporary names ``t1, t2, ...`` in
topological order, so the same graph always prints the same way.
"""

import numpy as np

from .. import primitives as P
from ..passes import toposort
from .graph import format_constant, label, nodes


def to_text(outputs):
    """The graph of ``outputs`` as equations, one per line, inputs first."""
    names, lines, count = {}, [], 0
    for n in nodes(outputs):
        if n.is_const:
            names[id(n)] = label(n)
            continue
        if n.name is None:
            count += 1
            names[id(n)] = f"t{count}"
        else:
            names[id(n)] = n.name
        if n.is_var:
            lines.append(f"{names[id(n)]} = var{'' if n.shape == () else ' ' + str(n.shape)}")
        else:
            args = ", ".join(names[id(i)] for i in n.inputs)
            lines.append(f"{names[id(n)]} = {n.op}({args})")
    return "\n".join(lines)


# -- LaTeX ---------------------------------------------------------------------
# primitive -> (template, precedence, operand positions the template already groups);
# keyed by the primitive itself: a user primitive named "add" prints as add(a, b)
LATEX = {
    P.add_p: ("{0} + {1}", 1, ()), P.sub_p: ("{0} - {1}", 1, ()), P.mul_p: ("{0} \\cdot {1}", 2, ()),
    P.div_p: ("\\frac{{{0}}}{{{1}}}", 5, (0, 1)), P.neg_p: ("-{0}", 3, ()),
    P.power_p: ("{0}^{{{1}}}", 4, (1,)), P.matmul_p: ("{0} {1}", 2, ()),
    P.exp_p: ("e^{{{0}}}", 5, (0,)), P.log_p: ("\\log {0}", 3, ()), P.sin_p: ("\\sin {0}", 3, ()),
    P.cos_p: ("\\cos {0}", 3, ()), P.tanh_p: ("\\tanh {0}", 3, ()),
    P.sigmoid_p: ("\\sigma\\left({0}\\right)", 5, (0,)),
    P.relu_p: ("\\mathrm{{relu}}\\left({0}\\right)", 5, (0,)),
    P.sqrt_p: ("\\sqrt{{{0}}}", 5, (0,)), P.square_p: ("{0}^{{2}}", 4, ()),
    P.abs_p: ("\\left|{0}\\right|", 5, (0,)), P.sum_p: ("\\sum {0}", 3, ()),
    P.prod_p: ("\\prod {0}", 3, ()),
    P.transpose_p: ("{0}^{{T}}", 4, ()),
    P.tan_p: ("\\tan {0}", 3, ()), P.sinh_p: ("\\sinh {0}", 3, ()),
    P.cosh_p: ("\\cosh {0}", 3, ()), P.arcsin_p: ("\\arcsin {0}", 3, ()),
    P.arccos_p: ("\\arccos {0}", 3, ()), P.arctan_p: ("\\arctan {0}", 3, ()),
    P.log2_p: ("\\log_2 {0}", 3, ()), P.log10_p: ("\\log_{{10}} {0}", 3, ()),
    P.floor_p: ("\\left\\lfloor {0} \\right\\rfloor", 5, (0,)),
    P.ceil_p: ("\\left\\lceil {0} \\right\\rceil", 5, (0,)),
    P.det_p: ("\\det {0}", 3, ()), P.inv_p: ("{0}^{{-1}}", 4, ()),
    P.logabsdet_p: ("\\log \\left|\\det {0}\\right|", 5, (0,)),
}
TIGHT = (P.power_p, P.square_p, P.transpose_p, P.neg_p, P.inv_p)  # an operand of equal precedence needs ( )
ATOM = 6  # names and numbers never need parentheses


def _latex_name(name):
    if any(c in name for c in "\\_{^"):  # already LaTeX: w_{3}, \dot{w}_{1}
        return name
    parts = split_derivative_name(name)
    if parts is not None:
        top, bottom = (_latex_name(p) for p in parts)
        return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"
    return name if len(name) == 1 else f"\\mathrm{{{name}}}"


def split_derivative_name(name):
    """``'dz/dx' -> ('z', 'x')``, ``'d(dz/dw)/dw' -> ('dz/dw', 'w')``; ``None`` otherwise."""
    if not name.startswith("d") or "/d" not in name:
        return None
    rest = name[1:]
    if rest.startswith("("):
        depth = 0
        for k, c in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth == 0:
                break
        top, rest = rest[1:k], rest[k + 1:]
        if not rest.startswith("/d"):
            return None
        bottom = rest[2:]
    else:
        top, bottom = rest.split("/d", 1)
    if bottom.startswith("(") and bottom.endswith(")"):
        bottom = bottom[1:-1]
    return top, bottom


def to_latex(node):
    """The expression of ``node`` as a LaTeX string (vars by their names)."""
    memo = {}
    for n in toposort([node]):
        if n.is_var:
            memo[id(n)] = (_latex_name(n.name or "x"), ATOM)
        elif n.is_const:
            memo[id(n)] = (format_constant(n.value), ATOM)
        else:
            memo[id(n)] = _latex_of(n, [memo[id(i)] for i in n.inputs])
    return memo[id(node)][0]


def _index_text(index):
    parts = []
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, slice):
            parts.append(":".join("" if v is None else str(v)
                                  for v in (item.start, item.stop, item.step)[:2 + (item.step is not None)]))
        else:
            parts.append(str(np.asarray(item).tolist()))
    return ", ".join(parts)


def _latex_of(n, operands):
    """One node's LaTeX from its operands', with parentheses where precedence needs them."""
    if n.prim is P.getitem_p:
        text, p = operands[0]
        base = text if p >= ATOM else f"\\left({text}\\right)"
        return f"{base}[{_index_text(n.params['index'])}]", ATOM
    if n.prim not in LATEX:  # a user primitive: f'(x), h(a, b)
        args = ", ".join(text for text, _ in operands)
        head = f"\\mathrm{{{n.op}}}" if len(n.op) > 2 else n.op
        return f"{head}\\left({args}\\right)", ATOM
    template, prec, grouped = LATEX[n.prim]
    parts = []
    for i, (text, p) in enumerate(operands):
        right_of_minus = n.prim is P.sub_p and i == 1 and p <= prec
        loose = p < prec or (p == prec and n.prim in TIGHT)
        needs = i not in grouped and (loose or right_of_minus)
        parts.append(f"\\left({text}\\right)" if needs else text)
    return template.format(*parts), prec
