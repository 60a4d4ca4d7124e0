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

from ..dispatch import new_serial
from ..errors import user_frame
from ..collector import gc_paused
from ..passes import by_serial
from .cse import Subexpressions, cse_key
from .graph import Node, nodes, short, under_way
from .rewrites import FOLD_ONLY, NEED_A_CONSTANT, RULES

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
        new = _in_place(nodes(outs), Subexpressions(), [])
    else:
        new = _general(nodes(outs), fired, in_place)
    results = [new.get(o.serial, o) for o in outs]
    results = results[0] if single else results
    return (results, fired) if report else results


@gc_paused
def simplify_to_compile(outputs, owned_since=0):
    """``simplify(outputs, in_place=True)`` for the transforms' compiler, which owns the
    nodes made from serial number ``owned_since`` on (its trace and derivative):
    ``(results, order)``, ``order`` a topological listing of the simplified graph
    (every node the results need, and a few they no longer need) for
    ``compile(..., order=order)``, which then walks nothing again. An older node (a
    user's graph of constants the traced function closed over) is listed as it is:
    neither rewired, nor renumbered, nor merged away.

    The nodes are taken in serial order (:func:`~backprop_toolkit.passes.by_serial`: one
    visit per node), not the drawings' depth-first one: common subexpressions may keep
    another of their equal nodes, which computes the same numbers. The graph is compiled,
    never shown.
    """
    outs, kept = list(outputs), []
    order = by_serial(outs)
    foreign = 0  # the user's nodes come first in serial order
    while foreign < len(order) and order[foreign].serial < owned_since:
        foreign += 1
    kept.extend(order[:foreign])
    new = _in_place(order[foreign:], Subexpressions(), kept)
    return [new.get(o.serial, o) for o in outs], kept


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


def _in_place(order, merged, kept):
    """The loop of ``simplify(in_place=True)`` (the transforms' graphs: millions of nodes)
    with the common cases inlined: ``_rewire``, ``_rewrite``'s test of whether any rule
    can fire, the CSE table's first level for a node without params. The same result as
    the general loop (tests/test_simplify_fast.py); returns the map of the nodes that
    became another. ``kept`` receives the simplified graph's nodes in a topological
    order: each node that stays itself, and the nodes a rule made, as they come."""
    new, keep, first = {}, kept.append, merged.first.setdefault
    for node in order:
        inputs, prim, mark = node.inputs, node.prim, None
        for i in inputs:
            if i.serial in new:  # rewired over the new inputs
                node.inputs = inputs = tuple([new.get(i.serial, i) for i in inputs])
                break
        if node.of is not None and node.of.serial in new:
            node.of = new[node.of.serial]
        serial, newer, n_const = node.serial, False, 0
        for i in inputs:  # one pass: is an input newer (then so is the node), a constant?
            newer = newer or i.serial > serial
            n_const += i.prim is None and i.op == "const"
        if newer:
            node.serial = new_serial()
        if prim is None:
            result = _merge(node, merged, None)
        elif n_const == len(inputs) or prim in RULES and (n_const or prim not in NEED_A_CONSTANT):
            mark = new_serial()  # a rule may fire (or fold): what it makes comes after this
            result = _merge(_rewrite(node, None), merged, None)
        elif node.params:
            result = _merge(node, merged, None)
        elif first(inputs[0].serial, node) is node:  # the first node to read its first input
            result = node
        elif len(inputs) == 1:  # another node read its input first (cos(x) beside sin(x))
            result = merged.find(node, (prim, inputs[0].serial))
        else:
            result = merged.find(node, (prim, *[i.serial for i in inputs]))
        if result is node:
            keep(node)
        else:
            new[node.serial] = result
            if mark is not None and result.serial > mark:
                kept.extend(_made_since(result, mark))
    return new


def _made_since(result, mark):
    """The nodes under ``result`` made after serial number ``mark`` (by a rule), inputs
    first; those made before are in the simplified graph's listing already."""
    made, stack = {result.serial: result}, [result]
    while stack:
        for i in stack.pop().inputs:
            if i.serial > mark and i.serial not in made:
                made[i.serial] = i
                stack.append(i)
    return [made[s] for s in sorted(made)]


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
