"""Symbol-to-symbol differentiation: the derivative as new nodes of the same graph.

This is Goodfellow et al.'s algorithm (section 6.5.5): start from
``dz/dz = 1`` and, walking the graph backwards, add for every node ``v`` a node
``dz/dv = sum_i (dz/dv_i) (dv_i/dv)`` over its consumers ``v_i``. It is the
same sweep as the tape's (:func:`~backprop_toolkit.passes.reverse_pass`), fed
nodes instead of numbers, so every rule of the table builds nodes. No value
is ever looked at; the result is a graph that a generic evaluator computes
for any inputs, and that :func:`grad` can differentiate again.
"""

import numpy as np

from ..errors import BackpropError, ShapeError, format_where
from ..passes import forward_pass, refuse_by_hand, reverse_pass
from .graph import Derivation, Node, constant, label


def _as_list(xs):
    if isinstance(xs, Node):
        return [xs], True
    xs = list(xs)
    for x in xs:
        if not isinstance(x, Node):
            raise BackpropError(f"sym.grad: differentiate with respect to nodes, got {x!r}")
    return xs, False


def grad(y, xs, seed=None, on_step=None):
    """Nodes for dy/dx, one per node of ``xs`` (a node or a list, matched).

    Args:
        y: the output node; a scalar unless ``seed`` is given. A list of
            output nodes with a list of seeds gives the sum of their
            vector-Jacobian products (reverse mode of a function with
            several outputs).
        xs: the node(s) to differentiate with respect to. An intermediate
            node ``b`` among them gets ``dy/db`` with ``b``'s own inputs held
            fixed (the cotangent that reaches ``b``); the derivatives with
            respect to the other nodes are the total ones, whatever else is
            asked for.
        seed: optional node (or value) for dL/dy, of ``y``'s shape: then the
            results are the vector-Jacobian products ``seed^T dy/dx``.
        on_step: optional ``on_step(node, cotangents)``, called after each
            node's rule added its nodes (``cotangents`` maps ``id`` to node);
            the step-by-step drawings use it.

    Returns:
        Derivative nodes, named ``dy/dx``; the constant 0 where ``y`` does
        not depend on ``x``. Nothing is simplified: see ``sym.simplify``.
    """
    refuse_by_hand("sym.grad")
    xs, single = _as_list(xs)
    ys, seeds = (list(y), list(seed)) if isinstance(y, (list, tuple)) else ([y], [seed])
    for out in ys:
        if not isinstance(out, Node):
            raise BackpropError(f"sym.grad: the output must be a node, got {type(out).__name__}")
    first = ys[0] if ys else None  # no outputs at all (a function returning None): zeros
    with Derivation(first):
        seeds = [_seed(out, s) for out, s in zip(ys, seeds)]
        bars, all_bars, order = reverse_pass(ys, seeds, xs, None, on_step=on_step)
        if len(ys) == 1:
            _name_derivatives(order, all_bars, first)
        results = [_zeros(x, first) if b is None else _node_of(b, x) for x, b in zip(xs, bars)]
    return results[0] if single else results


def _seed(y, seed):
    """The seed node for output ``y``: ``dy/dy = 1`` for a scalar, else the given one."""
    if seed is None:
        if y.shape != ():
            raise ShapeError(f"sym.grad: the output has shape {y.shape}, not a scalar; "
                             "pass seed= (a node of that shape) or reduce it first\n"
                             f"  output made at {format_where(y.where)}")
        return _named(constant(np.ones((), dtype=y.dtype)), y, y)
    if not isinstance(seed, Node):
        seed = constant(np.asarray(seed, dtype=y.dtype))
    if seed.shape != y.shape:
        raise ShapeError(f"sym.grad: seed shape {seed.shape} differs from the output's "
                         f"shape {y.shape}")
    return seed


def jvp(ys, xs, tangents):
    """Tangent nodes of ``ys`` (forward mode) for tangent nodes of ``xs``.

    Each node of the forward graph gets a tangent node ``sum_i dv/dv_i * t_i``
    built with the table's JVP rules, in topological order.
    """
    refuse_by_hand("sym.jvp")
    ys, single_y = _as_list(ys)
    xs, _ = _as_list(xs)
    tangents = [t if isinstance(t, Node) else constant(t) for t in tangents]
    for x, t in zip(xs, tangents):
        if x.shape != t.shape:
            raise ShapeError(f"sym.jvp: tangent shape {t.shape} differs from {label(x)}'s "
                             f"shape {x.shape}")
    with Derivation(ys[0] if ys else None):
        dots, _ = forward_pass(ys, xs, tangents, None)
        results = [_zeros(y, ys[0]) if d is None else _node_of(d, y) for y, d in zip(ys, dots)]
    return results[0] if single_y else results


def _node_of(value, like):
    """A derivative as a node. A user's rule may give a number where its derivative is a
    constant (``lambda g, out, x: 2.0``); the sweep checked its shape, and it becomes a
    constant node of ``like``'s dtype, as every result of ``grad`` and ``jvp`` is a node."""
    if isinstance(value, Node):
        return value
    return constant(np.asarray(value, dtype=like.dtype))


def _zeros(x, y):
    return _named(constant(np.zeros(x.shape, dtype=x.dtype)), y, x)


def _named(node, y, x):
    """``node`` named ``dy/dx`` when both ``y`` and ``x`` have names."""
    return node.named(derivative_name(y.name, x.name)) if y is not None and y.name and x.name \
        else node


def derivative_name(y, x):
    """``dz/dx``; a name that is itself a derivative goes in parentheses: ``d(dz/dw)/dw``."""
    def wrap(name):
        return f"({name})" if "/" in name else name

    return f"d{wrap(y)}/d{wrap(x)}"


def _name_derivatives(order, bars, y):
    """Name each node's cotangent ``dy/dv``, nearest the output first.

    Names need names: ``dz/dx`` is written when ``z`` and ``x`` are named
    (``sym.var("w")``, ``node.named("x")``); other derivative nodes stay
    unnamed and print as ``t1, t2, ...``. Only nodes this very pass made
    (``of is y``) and left unnamed are named:
    no one else has seen them yet, so this is not a change anyone can
    observe, and it is the one place a node's name is set after creation. A
    cotangent that is shared (``add`` passes it on unchanged) keeps the name
    it got first.
    """
    if y.name is None:
        return
    for node in reversed(order):
        bar = bars.get(id(node))
        if isinstance(bar, Node) and bar.of is y and bar.name is None and node.name:
            bar.name = derivative_name(y.name, node.name)
