"""Simplification: constant folding, algebraic identities, common subexpressions.

Raw derivative graphs are full of ``1 * x`` (the seed) and ``x + 0`` (a
missing contribution). :func:`simplify` rebuilds a graph bottom-up, once, in
topological order: each node's inputs are already simplified, the rewrite
table is tried on it until nothing fires, and equal nodes (same op, same
inputs, same parameters) are merged. It returns new nodes and never changes
its input; ``report=True`` also returns which rewrite fired where.

Rewrites key on the primitive itself (``P.mul_p``), never on its name: a user
primitive called ``"mul"`` is not multiplication and gets no rewrite.

What the rewrites keep:

* a replacement has the node's shape *and dtype*: ``x + 0`` stays when the
  sum promotes ``x`` (an int var plus ``0.0``, float32 plus a float64 zero);
* ``x * 1``, ``x / 1``, ``x ** 1``, ``x ** 0``, ``-(-x)``, ``a + (-b)``,
  ``0 - x`` and ``where`` with a constant condition give numpy's result for
  every ``x``, inf and nan included (``x + 0`` and ``0 - x`` up to the sign
  of a zero); ``c * (d * x) -> (c d) * x`` rounds once where numpy rounds twice;
* ``x * 0 -> 0``, ``0 @ x -> 0`` (``einsum`` too), ``x - x -> 0`` and ``0 / x -> 0``
  **assume that ``x`` is finite** (and nonzero, for ``0 / x``): for ``x =
  inf`` or ``nan`` numpy gives ``nan``, the simplified graph 0. Derivative
  graphs are full of such zeros, and dropping them is most of what
  simplifying buys. The table's rules do not lean on it: ``power``'s rules
  mask their edges with ``where``, so ``d/dx x**0`` at ``x = 0`` is 0 on both
  engines, simplified or not.
"""

from collections import namedtuple

import numpy as np

from .. import primitives as P
from ..ops import mul, neg, sub
from ..passes import gc_paused
from .graph import BOOL, Derivation, Node, nodes, short

Rewrite = namedtuple("Rewrite", "rule before after")
Rewrite.__str__ = lambda r: f"{r.rule}: {r.before}  ->  {r.after}"

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
    """A constant standing for ``node``: its shape, dtype and side of the graph."""
    return Node("const", None, (), {}, node.shape, node.dtype, value=value, of=node.of,
                where=node.where)


def filled(node, value):
    """``node``'s shape filled with ``value``."""
    return constant_for(node, np.full(node.shape, value, dtype=node.dtype))


# -- the rewrite table: primitive -> rules, rule(node) -> a replacement or None --
# A rule that builds nodes runs inside Derivation(node.of) (see _first_rewrite), so
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
        if cond.all() and fits(a, n):
            return a
        if not cond.any() and fits(b, n):
            return b


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


# -- the driver ----------------------------------------------------------------
@gc_paused
def simplify(outputs, report=False):
    """Equivalent nodes for ``outputs`` (a node or a list), simplified.

    Args:
        outputs: a node or a list of nodes.
        report: also return the list of :class:`Rewrite` records (rule,
            node before, node after), in the order they fired.
    """
    single = isinstance(outputs, Node)
    outs = [outputs] if single else list(outputs)
    # keyed by serial numbers, ints the nodes already hold (id() would make one per node)
    new, merged, alias, used = {}, {}, {}, set()
    fired = [] if report else None  # records are built only when asked for
    for node in nodes(outs):
        result = _rebuild(node, new, alias)
        if node.prim is not None:
            result = _rewrite(result, fired)
        result = _merge(result, merged, fired)
        if node.name is not None and result.name is None and result.serial not in used:
            # pass the name on (mul(1, f'(y)) named dz/dy becomes f'(y) named dz/dy), unless
            # the unnamed node already feeds others: a renamed copy would compute it twice
            unnamed, result = result, _carry_name(result, node.name, merged)
            alias[unnamed.serial] = (unnamed, result)
        used.update(i.serial for i in result.inputs)
        new[node.serial] = result
    results = [new[o.serial] for o in outs]
    results = results[0] if single else results
    return (results, fired) if report else results


def _rebuild(node, new, alias):
    """``node`` over its simplified inputs (itself if nothing changed)."""
    inputs = tuple(new[i.serial] for i in node.inputs)
    if alias:
        inputs = tuple(alias.get(x.serial, (None, x))[1] for x in inputs)
    of = new.get(node.of.serial, node.of) if node.of is not None else None
    if all(a is b for a, b in zip(inputs, node.inputs)) and of is node.of:
        return node
    return Node(node.op, node.prim, inputs, node.params, node.shape, node.dtype,
                name=node.name, value=node.value, of=of, where=node.where)


def _rewrite(node, fired):
    """Apply the table's rules to ``node`` until none fires."""
    for _ in range(100):  # each rewrite shrinks the node; this only bounds a bad rule
        result = _first_rewrite(node, fired)
        if result is None:
            return node
        node = result
    return node


def _first_rewrite(node, fired):
    """What the first rule that applies makes of ``node`` (recorded if asked), or ``None``."""
    rules = RULES.get(node.prim)
    if rules is None:  # only folding applies, and it builds no op node
        return _fired(fired, fold_constants, node, fold_constants(node))
    with Derivation(node.of, node.where):  # what a rule builds stays on the node's side
        for rule in rules:
            result = rule(node)
            if result is not None:
                return _fired(fired, rule, node, result)
    return None


def _fired(fired, rule, node, result):
    if fired is not None and result is not None:
        fired.append(Rewrite(rule.__name__, short(node), short(result)))
    return result


def _merge(node, merged, fired):
    key = cse_key(node)
    if key is None:
        return node
    seen = merged.setdefault(key, node)
    if fired is not None and seen is not node and not node.is_const:  # constants: silently
        fired.append(Rewrite("common subexpression", short(node), short(seen)))
    return seen


def _carry_name(node, name, merged):
    """A named node simplified into an unnamed one passes its name on (``dz/dy``)."""
    named = node.named(name)
    key = cse_key(node)
    if key is not None:
        merged[key] = named
    return named


def cse_key(node):
    """Nodes with equal keys compute the same thing; ``None``: never merge."""
    if node.is_var:
        return None
    if node.is_const:
        value = np.asarray(node.value)
        if value.size > SMALL_CONSTANT:
            return None
        return ("const", isinstance(node.value, float), value.dtype.str, value.shape,
                value.tobytes())
    return (node.op, node.prim, params_key(node.params) if node.params else (),
            *[i.serial for i in node.inputs])  # one flat tuple per node: deep graphs have many


def params_key(value):
    """A hashable stand-in for parameters (slices and arrays are not hashable)."""
    if isinstance(value, dict):
        return tuple(sorted((k, params_key(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(params_key(v) for v in value)
    if isinstance(value, slice):
        return ("slice", value.start, value.stop, value.step)
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    return value
