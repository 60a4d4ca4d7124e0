"""The rewrite table of :func:`~backprop_toolkit.symbolic.simplify.simplify`.

``REWRITES`` maps a primitive to its rules, tried in order after constant
folding; a rule takes a node whose inputs are already simplified and returns
a replacement or ``None``. Rules key on the primitive itself (``P.mul_p``),
never on its name. What each rule keeps and assumes is in
:mod:`backprop_toolkit.symbolic.simplify`'s docstring.
"""

import numpy as np

from .. import primitives as P
from ..ops import mul, neg, sub
from .graph import BOOL, Node

SMALL_CONSTANT = 1024  # constants up to this size are merged by value


# -- what a node is ------------------------------------------------------------
def is_const(node, value=None):
    """``node`` is a constant (equal to ``value`` everywhere, if given)."""
    if not node.is_const:
        return False
    return value is None or bool(np.all(np.asarray(node.value) == value))


def fits(x, node):
    """``x`` can stand for ``node``: same shape and dtype (no broadcast, no promotion lost)."""
    return x.shape == node.shape and x.dtype == node.dtype


def constant_for(node, value):
    """A constant standing for ``node``: its shape, dtype and side of the graph. Its array
    is read-only, as :func:`~backprop_toolkit.symbolic.graph.constant`'s: a program hands
    out what is writeable (a folded gradient, ``2 * ones``, is the program's own)."""
    if type(value) is np.ndarray:  # a new array, or a view of a read-only constant's
        value.setflags(write=False)
    return Node("const", None, (), {}, node.shape, node.dtype, value=value, of=node.of,
                where=node.where)


def filled(node, value):
    """``node``'s shape filled with ``value``."""
    return constant_for(node, np.full(node.shape, value, dtype=node.dtype))


# -- the rewrite table: primitive -> rules, rule(node) -> a replacement or None --
# A rule that builds nodes runs inside Derivation(node.of) (simplify._first_rewrite), so
# what it builds stays on the node's side of the graph.
def fold_constants(n):              # op(constants) = its value (unless it would swell)
    if n.prim is not None and all(i.is_const for i in n.inputs) and not swells(n):
        value = n.prim.evaluate([i.value for i in n.inputs], n.params, n.where)
        weak = folds_weak(n, value)
        return constant_for(n, float(value) if weak else np.asarray(value, n.dtype))


def swells(n):
    """Folding ``n`` would keep a large array, more numbers than its inputs hold (``scatter_add``
    into a big shape), until simplifying ends: ``n**2`` numbers for the gradients of ``x[i]``,
    each ``i``. Left as a node, the program computes it and frees it after its last use."""
    size = int(np.prod(n.shape, dtype=np.int64))
    return size > SMALL_CONSTANT and size > sum(np.size(i.value) for i in n.inputs)


def folds_weak(n, value):
    """A scalar made from Python floats (and truth values) stays a Python float, as
    weak as they are: ``where(2.0 == 0.0, 1.0, 2.0)`` is ``2.0``. A truth value stays bool."""
    weak = [isinstance(i.value, float) for i in n.inputs]
    return (np.ndim(value) == 0 and not n.prim.boolean and any(weak)
            and all(w or i.dtype == BOOL for w, i in zip(weak, n.inputs)))


def times_one(n):                     # x * 1 = 1 * x = x
    if n.prim is P.mul_p:
        a, b = n.inputs
        for x, one in ((a, b), (b, a)):
            if is_const(one, 1) and fits(x, n):
                return x


def times_zero(n):                    # x * 0 = 0,  0 / x = 0,  0 @ x = 0  (x finite, nonzero)
    if (n.prim is P.mul_p or n.prim is P.matmul_p or n.prim is P.einsum_p) \
            and any(is_const(i, 0) for i in n.inputs):
        return filled(n, 0)
    if n.prim is P.div_p and is_const(n.inputs[0], 0):
        return filled(n, 0)


def plus_zero(n):                     # x + 0 = 0 + x = x,  x - 0 = x
    if n.prim is P.add_p:
        a, b = n.inputs
        for x, zero in ((a, b), (b, a)):
            if is_const(zero, 0) and fits(x, n):
                return x
    if n.prim is P.sub_p and is_const(n.inputs[1], 0) and fits(n.inputs[0], n):
        return n.inputs[0]


def constants_together(n):            # c * (d * x) = (c d) * x, for constants c and d
    if n.prim is P.mul_p:
        a, b = n.inputs
        for c, inner in ((a, b), (b, a)):
            if is_const(c) and inner.prim is P.mul_p:
                for d, x in (inner.inputs, inner.inputs[::-1]):
                    if is_const(d) and fits(x, n):
                        return mul(fold_constants(mul(c, d)), x)


def plus_negated(n):                 # a + (-b) = a - b,  (-a) + b = b - a
    if n.prim is P.add_p:
        a, b = n.inputs
        for x, negated in ((a, b), (b, a)):
            if negated.prim is P.neg_p and fits(x, n) and fits(negated, n):
                return sub(x, negated.inputs[0])


def zero_minus(n):                    # 0 - x = -x
    if n.prim is P.sub_p and is_const(n.inputs[0], 0) and fits(n.inputs[1], n):
        return neg(n.inputs[1])


def minus_self(n):                    # x - x = 0  (x finite)
    if n.prim is P.sub_p and n.inputs[0] is n.inputs[1]:
        return filled(n, 0)


def over_one(n):                      # x / 1 = x,  x ** 1 = x
    if (n.prim is P.div_p or n.prim is P.power_p) and is_const(n.inputs[1], 1) \
            and fits(n.inputs[0], n):
        return n.inputs[0]


def to_the_zero(n):                   # x ** 0 = 1
    if n.prim is P.power_p and is_const(n.inputs[1], 0):
        return filled(n, 1)


def double_negation(n):               # -(-x) = x
    if n.prim is P.neg_p and n.inputs[0].prim is P.neg_p:
        return n.inputs[0].inputs[0]


def broadcast_of_reshape(n):          # broadcast_to(reshape(x, (1, 1)), s) = broadcast_to(x, s)
    if n.prim is P.broadcast_to_p and n.inputs[0].prim is P.reshape_p:
        x = n.inputs[0].inputs[0]
        if int(np.prod(x.shape, dtype=np.int64)) == 1:
            return P.broadcast_to_p(x, shape=n.shape)


def known_branch(n):                  # where(True, a, b) = a,  where(False, a, b) = b
    if n.prim is P.where_p and n.inputs[0].is_const:
        cond = np.asarray(n.inputs[0].value)
        _, a, b = n.inputs
        for taken, branch in ((cond.all(), a), (not cond.any(), b)):
            if taken and fits(branch, n):
                return branch
            if taken and small_scalar_constant(branch, n):  # where(False, x, 0.0) = zeros
                return filled(n, branch.value)


def small_scalar_constant(branch, n):
    """``branch`` is a scalar constant and ``n`` small enough to hold filled with it."""
    return (branch.is_const and np.ndim(branch.value) == 0
            and int(np.prod(n.shape, dtype=np.int64)) <= SMALL_CONSTANT)


REWRITES = {
    P.mul_p: [times_one, times_zero, constants_together], P.matmul_p: [times_zero],
    P.einsum_p: [times_zero],
    P.div_p: [times_zero, over_one],
    P.add_p: [plus_zero, plus_negated], P.sub_p: [plus_zero, zero_minus, minus_self],
    P.power_p: [over_one, to_the_zero], P.neg_p: [double_negation],
    P.broadcast_to_p: [broadcast_of_reshape], P.where_p: [known_branch],
}
"""The rewrite table: primitive -> rules tried in order (after constant folding).
Keyed by the primitive object: a name never selects a rewrite."""

FOLD_ONLY = (fold_constants,)
RULES = {prim: FOLD_ONLY + tuple(rules) for prim, rules in REWRITES.items()}

NEED_A_CONSTANT = frozenset([P.mul_p, P.matmul_p, P.einsum_p, P.div_p, P.power_p])
"""Primitives whose every rule (folding included) needs a constant input: a node of theirs
with none is not tried (a derivative's ``g * cos(x)``s, the most common node of all). A rule
added for one of them that can fire without a constant must take it out of this set; a test
(tests/test_simplify_fast.py) tries every rule on such nodes."""
