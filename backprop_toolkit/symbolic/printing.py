"""Graphs as text: one equation per line, and expressions as LaTeX.

``to_text(dz_dw)`` prints the graph the way the algorithm builds it::

    w = var()
    x = f(w)
    dz/dx = mul(dz/dy, f'(x))

Unnamed intermediate nodes get temporary names ``t1, t2, ...`` in
topological order, so the same graph always prints the same way.
"""

import numpy as np

from ..passes import toposort
from .graph import nodes

def format_constant(value):
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):g}"
    if array.size and np.all(array == array.reshape(-1)[0]):
        return f"{float(array.reshape(-1)[0]):g}{list(array.shape)}"
    return f"const{list(array.shape)}"


def label(node):
    """A short label in constant time: the name, a constant's value, or
    ``op(args)`` with named or constant arguments shown and others as ``…``."""
    if node.name is not None:
        return node.name
    if node.op == "const":
        return format_constant(node.value)
    args = ", ".join(i.name if i.name is not None else
                     format_constant(i.value) if i.op == "const" else "…" for i in node.inputs)
    return f"{node.op}({args})"


def short(node):
    """A node's repr: ``op(inputs)`` with its inputs' labels, and its shape."""
    if node.op == "var":
        return f"var({node.name!r}, shape={node.shape})"
    if node.op == "const":
        return f"const({format_constant(node.value)})"
    head = f"{node.name} = " if node.name else ""
    return f"{head}{node.op}({', '.join(label(i) for i in node.inputs)})"


def to_text(outputs):
    """The graph of ``outputs`` as equations, one per line, inputs first."""
    names, lines, count = {}, [], 0
    for n in nodes(outputs):
        if n.op == "const":
            names[id(n)] = label(n)
            continue
        if n.name is None:
            count += 1
            names[id(n)] = f"t{count}"
        else:
            names[id(n)] = n.name
        if n.op == "var":
            lines.append(f"{names[id(n)]} = var{'' if n.shape == () else ' ' + str(n.shape)}")
        else:
            args = ", ".join(names[id(i)] for i in n.inputs)
            lines.append(f"{names[id(n)]} = {n.op}({args})")
    return "\n".join(lines)


# -- LaTeX ---------------------------------------------------------------------
# op -> (template, precedence); {0}, {1} are the operands.
LATEX = {
    "add": ("{0} + {1}", 1), "sub": ("{0} - {1}", 1), "mul": ("{0} \\cdot {1}", 2),
    "div": ("\\frac{{{0}}}{{{1}}}", 4), "neg": ("-{0}", 3), "power": ("{0}^{{{1}}}", 4),
    "matmul": ("{0} {1}", 2), "exp": ("e^{{{0}}}", 4), "log": ("\\log {0}", 3),
    "sin": ("\\sin {0}", 3), "cos": ("\\cos {0}", 3), "tanh": ("\\tanh {0}", 3),
    "sigmoid": ("\\sigma\\left({0}\\right)", 4), "relu": ("\\mathrm{{relu}}\\left({0}\\right)", 4),
    "sqrt": ("\\sqrt{{{0}}}", 4), "square": ("{0}^{{2}}", 4), "abs": ("\\left|{0}\\right|", 4),
    "sum": ("\\sum {0}", 3), "transpose": ("{0}^{{T}}", 4),
}
# operands that must be atoms (braces already group the others)
ATOMIC_OPERANDS = {"power": (0,), "square": (0,), "transpose": (0,), "log": (0,), "sin": (0,),
                   "cos": (0,), "tanh": (0,), "sum": (0,), "neg": (0,)}


def _latex_name(name):
    if "/" in name and name.startswith("d"):
        top, bottom = name[1:].split("/d", 1) if "/d" in name else (name, "")
        return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"
    return name if len(name) == 1 else f"\\mathrm{{{name}}}"


def to_latex(node):
    """The expression of ``node`` as a LaTeX string (vars by their names)."""
    memo = {}
    for n in toposort([node]):
        if n.op == "var":
            memo[id(n)] = (_latex_name(n.name or "x"), 5)
        elif n.op == "const":
            memo[id(n)] = (format_constant(n.value), 5)
        else:
            memo[id(n)] = _latex_of(n, [memo[id(i)] for i in n.inputs])
    return memo[id(node)][0]


def _latex_of(n, operands):
    template, prec = LATEX.get(n.op, (None, 4))
    if template is None:  # a user primitive: f'(x), h(a, b)
        args = ", ".join(text for text, _ in operands)
        return f"\\mathrm{{{n.op}}}\\left({args}\\right)" if len(n.op) > 2 else \
            f"{n.op}\\left({args}\\right)", 4
    atoms = ATOMIC_OPERANDS.get(n.op, ())
    parts = []
    for i, (text, p) in enumerate(operands):
        needs = p < prec or (i in atoms and p < 5) or (n.op == "sub" and i == 1 and p <= 1)
        parts.append(f"\\left({text}\\right)" if needs and n.op != "div" else text)
    return template.format(*parts), prec
