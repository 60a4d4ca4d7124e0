"""The symbolic engine: symbol-to-symbol differentiation (Theano, TensorFlow 1).

Ops on :class:`Node` objects build a graph and compute nothing. :func:`grad`
adds nodes that describe the derivative to the same graph; a generic
evaluator (:func:`evaluate`, or :func:`compile` for repeated use) computes
them for any inputs, and since a derivative is just another graph, it can be
differentiated again.

    w = sym.var("w")
    z = f(f(f(w)))
    dz_dw = sym.grad(z, w)
    sym.evaluate(dz_dw, {w: 0.5})
"""

from .evaluate import Program, compile, evaluate
from .grad import grad, jvp
from .graph import Node, constant, nodes, var
from .printing import to_latex, to_text
from .simplify import Rewrite, simplify, simplify_to_compile

__all__ = ["Node", "Program", "Rewrite", "compile", "constant", "evaluate", "grad", "jvp",
           "nodes", "simplify", "to_latex", "to_text", "var"]
