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
from operator import is_

import numpy as np

from ..dispatch import new_serial
from ..errors import user_frame
from ..passes import gc_paused
from .graph import Node, nodes, short, under_way
from .rewrites import FOLD_ONLY, NEED_A_CONSTANT, RULES, SMALL_CONSTANT

Rewrite = namedtuple("Rewrite", "rule before after")
Rewrite.__str__ = lambda r: f"{r.rule}: {r.before}  ->  {r.after}"


# -- the driver ----------------------------------------------------------------
@gc_paused
def simplify(outputs, report=False, in_place=False):
    """Equivalent nodes for ``outputs`` (a node or a list), simplified.

    Args:
        outputs: a node or a list of nodes.
        report: also return the list of :class:`Rewrite` records (rule,
            node before, node after), in the order they fired.
        in_place: for a caller that owns the graph (no one else holds its
            nodes: the transforms' compiler): a node whose inputs were
            simplified is rewired, not copied, and takes a new serial number
            where an input is newer than it (inputs come before their users).
            A deep derivative then does not exist twice while it is simplified
            (``mul(1, cos)`` becomes ``cos``, so every later node of a chain
            gets new inputs). Names are not passed on: that graph is compiled,
            never shown.
    """
    single = isinstance(outputs, Node)
    outs = [outputs] if single else list(outputs)
    fired = [] if report else None  # records are built only when asked for
    if in_place and not report:
        new = _in_place(nodes(outs), Subexpressions())
    else:
        new = _general(nodes(outs), fired, in_place)
    results = [new.get(o.serial, o) for o in outs]
    results = results[0] if single else results
    return (results, fired) if report else results


def _general(order, fired, in_place):
    """Simplify ``order`` (a topological listing), recording rewrites in ``fired`` (a list,
    or ``None``); returns the map of the nodes that became another."""
    # keyed by serial numbers, ints the nodes already hold (id() would make one per node);
    # `new` holds only the nodes that became another node
    new, merged, alias, used = {}, Subexpressions(), {}, set()
    rebuild = _rewire if in_place else _rebuild
    for node in order:
        result = rebuild(node, new, alias)
        if result.prim is not None:
            result = _rewrite(result, fired)
        result = _merge(result, merged, fired)
        if not in_place:
            result = _pass_name(node, result, merged, alias, used)
        if result is not node:
            new[node.serial] = result
    return new


def _in_place(order, merged):
    """The loop of ``simplify(in_place=True)`` (the transforms' graphs: millions of nodes)
    with the common cases inlined: ``_rewire``, ``_rewrite``'s test of whether any rule
    can fire, ``cse_key`` of a node without params. The same result as the general loop
    (tests/test_simplify_fast.py); returns the map of the nodes that became another."""
    new = {}
    for node in order:
        inputs, prim = node.inputs, node.prim
        for i in inputs:
            if i.serial in new:  # rewired over the new inputs
                node.inputs = inputs = tuple([new.get(i.serial, i) for i in inputs])
                break
        if node.of is not None and node.of.serial in new:
            node.of = new[node.of.serial]
        for i in inputs:
            if i.serial > node.serial:  # after its inputs, as every node
                node.serial = new_serial()
                break
        if prim is None:
            result = _merge(node, merged, None)
        else:
            if prim in RULES and (prim not in NEED_A_CONSTANT or any(
                    [i.prim is None and i.op == "const" for i in inputs])):
                result = _rewrite(node, None)
            elif all([i.prim is None and i.op == "const" for i in inputs]):
                result = _rewrite(node, None)  # folding
            else:
                result = node
            if result is node and not node.params:
                result = merged.find(node, (prim, *[i.serial for i in inputs]))
            else:
                result = _merge(result, merged, None)
        if result is not node:
            new[node.serial] = result
    return new


def _pass_name(node, result, merged, alias, used):
    """``result``, named as ``node`` if it lost the name; ``used`` learns its inputs."""
    if node.name is not None and result.name is None and result.serial not in used:
        # pass the name on (mul(1, f'(y)) named dz/dy becomes f'(y) named dz/dy), unless
        # the unnamed node already feeds others: a renamed copy would compute it twice
        unnamed, result = result, _carry_name(result, node.name, merged)
        alias[unnamed.serial] = (unnamed, result)
    for i in result.inputs:
        used.add(i.serial)
    return result


def _new_inputs(node, new, alias):
    """``(inputs, of)``: ``node``'s over its simplified inputs, and its output if derived."""
    inputs = node.inputs
    for i in inputs:
        if i.serial in new:  # a tuple is made only where an input changed
            inputs = tuple([new.get(i.serial, i) for i in inputs])
            break
    if alias:
        inputs = tuple([alias.get(x.serial, (None, x))[1] for x in inputs])
    of = node.of
    return inputs, (new.get(of.serial, of) if of is not None else None)


def _rebuild(node, new, alias):
    """``node`` over its simplified inputs (itself if nothing changed)."""
    inputs, of = _new_inputs(node, new, alias)
    if of is node.of and (inputs is node.inputs or all(map(is_, inputs, node.inputs))):
        return node
    return Node(node.op, node.prim, inputs, node.params, node.shape, node.dtype,
                name=node.name, value=node.value, of=of, where=node.where)


def _rewire(node, new, alias):
    """``node`` itself over its simplified inputs: changed in place (``in_place=True``)."""
    inputs, of = _new_inputs(node, new, alias)
    if of is not node.of or inputs is not node.inputs and not all(map(is_, inputs, node.inputs)):
        node.inputs, node.of = inputs, of
    for i in inputs:
        if i.serial > node.serial:  # an input rewired (renumbered) before it, or new
            node.serial = new_serial()  # after its inputs', as every node's
            break
    return node


def _rewrite(node, fired):
    """Apply the table's rules to ``node`` until none fires."""
    prim = node.prim
    if prim not in RULES:
        if not all([i.is_const for i in node.inputs]):
            return node  # only folding applies to it, and that needs constants
    elif prim in NEED_A_CONSTANT and not any([i.is_const for i in node.inputs]):
        return node  # every rule of it needs a constant input
    stack = under_way()
    for _ in range(100):  # each rewrite shrinks the node; this only bounds a bad rule
        # what a rule builds stays on the node's side (Derivation(node.of), inlined)
        stack.append((node.of, node.where or user_frame()))
        try:
            result = _first_rewrite(node, fired)
        finally:
            stack.pop()
        if result is None:
            return node
        node = result
    return node


def _first_rewrite(node, fired):
    """What the first rule that applies makes of ``node`` (recorded if asked), or ``None``."""
    for rule in RULES.get(node.prim, FOLD_ONLY):  # a primitive without rules: folding only
        result = rule(node)
        if result is not None:
            if fired is not None:
                fired.append(Rewrite(rule.__name__, short(node), short(result)))
            return result
    return None


def _merge(node, merged, fired):
    """The first node seen with ``node``'s key (``node`` itself if it is the first)."""
    key = cse_key(node)
    if key is None:
        return node
    seen = merged.find(node, key)
    if fired is not None and seen is not node and not node.is_const:  # constants: silently
        fired.append(Rewrite("common subexpression", short(node), short(seen)))
    return seen


def _carry_name(node, name, merged):
    """A named node simplified into an unnamed one passes its name on (``dz/dy``)."""
    named = node.named(name)
    key = cse_key(node)
    if key is not None:
        merged.replace(node, named, key)
    return named


class Subexpressions:
    """The CSE table: the node seen first with each key.

    A deep graph has millions of nodes, so it keeps no key it can do without: the
    first node seen reading a node ``i`` first is kept under ``i.serial`` (an int
    that ``i`` holds already); a later one with another key, and a node without
    inputs, under the hash of its key (a new int, smaller than the key), or under
    the key itself where two keys share a hash.
    """

    def __init__(self):
        self.first, self.others = {}, {}

    def find(self, node, key):
        """The node seen first with ``key`` (``node``, now remembered, if none was)."""
        if node.inputs:
            lead = node.inputs[0].serial
            seen = self.first.setdefault(lead, node)
            if seen is node or seen.prim is node.prim and cse_key(seen) == key:
                return seen  # else another key read lead first
        seen = self.others.setdefault(hash(key), node)
        if seen is not node and cse_key(seen) != key:
            seen = self.others.setdefault(key, node)
        return seen

    def replace(self, node, other, key):
        """``other`` (a renamed copy) stands for ``key`` from now on, where ``node`` did."""
        if node.inputs and self.first.get(node.inputs[0].serial) is node:
            self.first[node.inputs[0].serial] = other
        elif self.others.get(hash(key)) is node:
            self.others[hash(key)] = other
        else:
            self.others[key] = other


def cse_key(node):
    """Nodes with equal keys compute the same thing; ``None``: never merge."""
    if node.prim is not None:  # most nodes: one flat tuple, the primitive standing for the op
        if node.params:
            return (node.prim, params_key(node.params), *[i.serial for i in node.inputs])
        return (node.prim, *[i.serial for i in node.inputs])  # deep graphs have millions
    if node.is_var:
        return None
    if node.is_const:
        value = np.asarray(node.value)
        if value.size > SMALL_CONSTANT:
            return None
        return ("const", isinstance(node.value, float), value.dtype.str, value.shape,
                value.tobytes())
    return (node.op, params_key(node.params), *[i.serial for i in node.inputs])


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
