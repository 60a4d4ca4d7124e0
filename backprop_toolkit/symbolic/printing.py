"""Graphs as text: one equation per line, and expressions as LaTeX.

``to_text(dz_dw)`` prints the graph the way the algorithm builds it::

    w = var()
    x = f(w)
    dz/dx = mul(dz/dy, f'(x))

Unnamed intermediate nodes get temporary names ``t1, t2, ...`` in
topological order, so the same graph always prints the same way.

Names are the user's strings, printed safely: :func:`visible` shows control
characters as symbols and cuts very long names; in LaTeX a name is either a
plain math name (``w``, ``w_{3}``, ``\\dot{w}_{1}``, ``\\alpha``) or set upright with
every special character escaped (``\\mathrm{a\\}b}``), never run as LaTeX code.
"""

import re

import numpy as np

from .. import primitives as P
from ..passes import toposort
from .graph import format_constant, label, nodes

MAX_NAME = 200
"""The longest name shown whole; a longer one is cut and ends in ``…`` (Graphviz
refuses labels over 16,384 characters, and no slide shows one of 200)."""

CONTROL = {**{c: 0x2400 + c for c in range(0x20)}, 0x7F: 0x2421,
           **{c: 0xFFFD for c in [*range(0x80, 0xA0), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF,
                                  0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}}
"""Control characters as their visible symbols (``\\n`` as ␊, ESC as ␛); C1 controls,
lone surrogates, non-characters, line and paragraph separators and bidirectional
overrides as �."""
KEEP_NEWLINES = {c: shown for c, shown in CONTROL.items() if c != ord("\n")}


def visible(text, limit=MAX_NAME, newlines=False):
    """``text`` safe to show anywhere: no control characters (but ``\\n`` if ``newlines``),
    at most ``limit`` characters."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.translate(KEEP_NEWLINES if newlines else CONTROL)


def to_text(outputs):
    """The graph of ``outputs`` as equations, one per line, inputs first."""
    names, lines, count = {}, [], 0
    for n in nodes(outputs):
        if n.is_const:
            names[id(n)] = visible(label(n))
            continue
        if n.name is None:
            count += 1
            names[id(n)] = f"t{count}"
        else:
            names[id(n)] = visible(n.name)
        if n.is_var:
            lines.append(f"{names[id(n)]} = var{'' if n.shape == () else ' ' + str(n.shape)}")
        else:
            args = ", ".join(names[id(i)] for i in n.inputs)
            lines.append(f"{names[id(n)]} = {visible(n.op)}({args})")
    return "\n".join(lines)


# -- LaTeX names -----------------------------------------------------------------
GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|"
         "mu|nu|xi|pi|rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|"
         "Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega")
LETTER = rf"(?:[A-Za-z]|\\(?:{GREEK}))"
SCRIPT = r"(?:[A-Za-z0-9]|\{[A-Za-z0-9]+\})"
MATH_NAME = re.compile(rf"(?:\\(?:dot|ddot|bar|hat|tilde|vec)\{{{LETTER}\}}|{LETTER})"
                       rf"(?:_{SCRIPT})?(?:\^{SCRIPT})?")
"""A name that is already LaTeX math and safe as it is: ``w``, ``x_1``, ``w_{3}``,
``\\dot{w}_{1}``, ``\\alpha^{2}``. Anything else is escaped."""

LATEX_ESCAPES = str.maketrans({"\\": "\\backslash{}", "{": "\\{", "}": "\\}", "_": "\\_",
                               "^": "\\hat{}", "%": "\\%", "$": "\\$", "&": "\\&", "#": "\\#",
                               "~": "\\sim{}", " ": "\\ "})


def latex_escape(text):
    """``text`` as literal characters in LaTeX math: ``a}b`` as ``a\\}b``, ``\\input`` as
    ``\\backslash{}input``."""
    return visible(text).translate(LATEX_ESCAPES)


def latex_name(name):
    """A variable's name in LaTeX: as it is if :data:`MATH_NAME`, ``dz/dx`` as a fraction
    of partials, a one-letter name as it is, any other upright and escaped."""
    name = visible(name)
    if MATH_NAME.fullmatch(name) or (len(name) == 1 and name.isalpha()):
        return name
    parts = split_derivative_name(name)
    if parts is not None:
        top, bottom = (latex_name(p) for p in parts)
        return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"
    return f"\\mathrm{{{latex_escape(name)}}}"


def latex_op(op):
    """A user primitive's name as a function name: ``f'`` as it is, ``relu2`` upright."""
    return op if re.fullmatch(r"[A-Za-z][A-Za-z']?", op) else f"\\mathrm{{{latex_escape(op)}}}"


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


# -- LaTeX expressions -------------------------------------------------------------
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
    P.pinv_p: ("{0}^{{+}}", 4, ()),
}
TIGHT = (P.power_p, P.square_p, P.transpose_p, P.neg_p, P.inv_p, P.pinv_p)  # an operand of equal precedence needs ( )
ATOM = 6  # names and numbers never need parentheses
INLINE_LIMIT = 1000
"""The longest expression printed inline. Past it, because a shared subexpression
repeats (``y = y*y`` 27 times inlines to a billion characters), each shared
subexpression is printed once, on a numbered line: the output stays linear in the nodes."""


def to_latex(node):
    """The expression of ``node`` as a LaTeX string (vars by their names).

    Inline (``w \\cdot w + \\sin w``) up to :data:`INLINE_LIMIT` characters. A longer
    expression with shared subexpressions names each of them once, as ``to_text`` does:
    ``t_{2} \\quad\\text{where}\\quad \\begin{aligned} t_{1} &= y \\cdot y \\\\
    t_{2} &= t_{1} \\cdot t_{1} \\end{aligned}``.
    """
    order = toposort([node])
    forms = latex_forms(order, {})
    names = shared_names(order) if inline_length(order, forms) > INLINE_LIMIT else {}
    if not names:
        return expand(node, forms, {})
    forms = latex_forms(order, names)
    lines = " \\\\ ".join(f"{names[id(n)]} &= {expand(n, forms, names)}"
                          for n in order if id(n) in names)
    return (f"{expand(node, forms, names)} \\quad\\text{{where}}\\quad "
            f"\\begin{{aligned}} {lines} \\end{{aligned}}")


def latex_forms(order, names):
    """``id -> (pieces, precedence)``: a node's LaTeX as text pieces and operand
    positions (ints); a named operand counts as an atom."""
    forms = {}
    for n in order:
        if n.is_var:
            forms[id(n)] = [latex_name(n.name or "x")], ATOM
        elif n.is_const:
            forms[id(n)] = [format_constant(n.value)], ATOM
        else:
            precs = [ATOM if id(i) in names else forms[id(i)][1] for i in n.inputs]
            text, prec = _latex_of(n, precs)
            parts = text.split("\0")   # operands are \0k\0; names cannot hold \0 (visible)
            forms[id(n)] = [int(p) if k % 2 else p for k, p in enumerate(parts) if p or k % 2], prec
    return forms


def inline_length(order, forms):
    """How long the inline LaTeX of the last node is, shared subexpressions repeated
    (computed, not written: it may be astronomically long)."""
    length = {}
    for n in order:
        length[id(n)] = sum(length[id(n.inputs[p])] if isinstance(p, int) else len(p)
                            for p in forms[id(n)][0])
    return length[id(order[-1])]


def shared_names(order):
    """``t_{1}, t_{2}, ...`` for the operations used more than once, in order."""
    uses = {}
    for n in order:
        for i in n.inputs:
            uses[id(i)] = uses.get(id(i), 0) + 1
    shared = [n for n in order if uses.get(id(n), 0) > 1 and not (n.is_var or n.is_const)]
    return {id(n): f"t_{{{k}}}" for k, n in enumerate(shared, 1)}


def expand(node, forms, names):
    """The LaTeX of ``node``: its pieces, operands expanded in place unless named
    (an explicit stack: a chain of 100,000 nodes is fine)."""
    out, stack = [], [(node, iter(forms[id(node)][0]))]
    while stack:
        current, pieces = stack[-1]
        piece = next(pieces, None)
        if piece is None:
            stack.pop()
        elif isinstance(piece, str):
            out.append(piece)
        elif id(current.inputs[piece]) in names:
            out.append(names[id(current.inputs[piece])])
        else:
            child = current.inputs[piece]
            stack.append((child, iter(forms[id(child)][0])))
    return "".join(out)


def _index_text(index):
    parts = []
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, slice):
            parts.append(":".join("" if v is None else str(v)
                                  for v in (item.start, item.stop, item.step)[:2 + (item.step is not None)]))
        else:
            parts.append(str(np.asarray(item).tolist()))
    return ", ".join(parts)


def _latex_of(n, precs):
    """One node's LaTeX, operand ``k`` written ``\\0k\\0``, with parentheses where the
    operands' precedences ``precs`` need them; returns the text and its precedence."""
    operands = [(f"\0{k}\0", p) for k, p in enumerate(precs)]
    if n.prim is P.getitem_p:
        text, p = operands[0]
        base = text if p >= ATOM else f"\\left({text}\\right)"
        return f"{base}[{_index_text(n.params['index'])}]", ATOM
    if n.prim not in LATEX:  # a user primitive: f'(x), h(a, b)
        args = ", ".join(text for text, _ in operands)
        return f"{latex_op(n.op)}\\left({args}\\right)", ATOM
    template, prec, grouped = LATEX[n.prim]
    parts = []
    for i, (text, p) in enumerate(operands):
        right_of_minus = n.prim is P.sub_p and i == 1 and p <= prec
        loose = p < prec or (p == prec and n.prim in TIGHT)
        needs = i not in grouped and (loose or right_of_minus)
        parts.append(f"\\left({text}\\right)" if needs else text)
    return template.format(*parts), prec
