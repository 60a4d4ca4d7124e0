"""Grader of ``derivative_graph``: dz/du and dz/dv of z = sin(u v) u, built node by node.

With ``a = u v``, ``b = sin(a)``, ``z = b u``: ``dz/db = u``,
``dz/da = dz/db cos(a)``, ``dz/dv = dz/da u``, ``dz/du = dz/da v + b`` (u is
used twice, so its two contributions add). ``build`` runs with the toolkit's
automatic differentiation off (``sym.grad`` raises inside it); its graph is
checked to be made of the toolkit's own nodes and primitives before anything
evaluates it, and ``sym.grad``'s reference is made after.
"""

import numpy as np

from .. import ops
from .. import primitives as P
from .. import symbolic as sym
from .compare import close, compare
from .sealed import student_call


def derivative_graph_forward():
    """Fresh forward graph ``a = u * v, b = sin(a), z = b * u``: returns ``u, v, a, b, z``."""
    u, v = sym.var("u"), sym.var("v")
    a = u * v
    b = ops.sin(a)
    return u, v, a, b, b * u


KEYS = ("dz/db", "dz/da", "dz/du", "dz/dv")


def _student_graph(build):
    u, v, a, b, z = forward = derivative_graph_forward()
    grads = student_call(build, forward, "build(u, v, a, b, z)", convert=_graph)
    return forward, grads


def _graph(grads):
    """The returned dict, checked to hold the toolkit's own nodes only: nothing of the
    student's runs when it is evaluated."""
    if type(grads) is not dict or set(grads) != set(KEYS):
        raise AssertionError(f"build must return a dict with keys {KEYS}, got "
                             f"{sorted(grads) if isinstance(grads, dict) else type(grads)}")
    genuine = set(map(id, P.TABLE.values()))
    for key in KEYS:
        if type(grads[key]) is not sym.Node:
            raise AssertionError(f"{key}: expected a symbolic node, got "
                                 f"{type(grads[key]).__name__} (build nodes, compute nothing)")
        for n in sym.nodes(grads[key]):
            if n.of is not None:
                raise AssertionError(f"{key} was made by sym.grad: build the nodes by hand "
                                     "(sym.grad is only the reference)")
            if type(n) is not sym.Node or type(n.inputs) is not tuple or (
                    n.prim is not None and id(n.prim) not in genuine) or (
                    n.is_const and type(n.value) not in (float, int, np.ndarray, np.float64)):
                raise AssertionError(f"{key} holds a node that is not one of the toolkit's "
                                     "(build with *, +, bt.cos on the given nodes)")
    return {key: grads[key] for key in KEYS}


def _describe(node, names):
    if node in names:
        return names[node]
    if node.is_const:
        return f"{float(np.asarray(node.value)):.4g}"
    return f"{node.op}({', '.join(_describe(i, names) for i in node.inputs)})"


def _same(node, prim, inputs):
    """``node`` is the primitive ``prim`` (not just one of that name) applied to exactly
    these nodes (either order for add and mul)."""
    if node.prim is not prim or len(node.inputs) != len(inputs):
        return False
    if all(a is b for a, b in zip(node.inputs, inputs)):
        return True
    return prim in (P.add_p, P.mul_p) and all(a is b for a, b in zip(node.inputs, inputs[::-1]))


def check_derivative_graph_structure(build):
    """Check each node of the hand-built derivative graph: its op and its inputs."""
    (u, v, a, b, z), g = _student_graph(build)
    names = {u: "u", v: "v", a: "a", b: "b", z: "z"}
    if g["dz/db"] is not u:
        raise AssertionError(f"dz/db: expected the node u itself (z = b * u, so dz/db = u), "
                             f"found {_describe(g['dz/db'], names)}")
    da = g["dz/da"]
    cos = next((i for i in da.inputs if i.prim is P.cos_p), None) if da.prim is P.mul_p else None
    if cos is None or not _same(da, P.mul_p, (u, cos)):
        raise AssertionError(f"dz/da: expected mul(dz/db, cos(a)), found {_describe(da, names)}")
    if cos.inputs[0] is not a:
        raise AssertionError(f"dz/da: expected cos(a) of the forward node a, found "
                             f"cos({_describe(cos.inputs[0], names)}), a new node: reuse a; the "
                             "derivative graph is built on top of the forward graph")
    names[da] = "dz/da"
    dv, du = g["dz/dv"], g["dz/du"]
    if not _same(dv, P.mul_p, (da, u)):
        raise AssertionError(f"dz/dv: expected mul(dz/da, u) (a = u * v), found "
                             f"{_describe(dv, names)}")
    path = next((i for i in du.inputs if i is not b), None) if du.prim is P.add_p else None
    if path is None or not _same(du, P.add_p, (path, b)) or not _same(path, P.mul_p, (da, v)):
        raise AssertionError(
            f"dz/du: expected add(mul(dz/da, v), b): u is used twice (by a = u * v and by "
            f"z = b * u), so its gradient is the sum of both; found {_describe(du, names)}")
    new = [n for n in sym.nodes([g[k] for k in KEYS]) if not any(n is f for f in (u, v, a, b))]
    if len(new) != 5:
        raise AssertionError(f"the derivative graph should add 5 nodes (cos, 3 mul, add), "
                             f"yours adds {len(new)}: {[n.op for n in new]}")


def check_derivative_graph_values(build, points=((0.5, -1.5), (2.0, 0.25))):
    """Evaluate the hand-built nodes, then compare with ``sym.grad``'s graph."""
    (u, v, a, b, z), g = _student_graph(build)
    got = [sym.evaluate([g["dz/du"], g["dz/dv"]], {u: uu, v: vv}) for uu, vv in points]
    reference = sym.grad(z, [u, v])
    for (uu, vv), (got_u, got_v) in zip(points, got):
        ref_u, ref_v = sym.evaluate(reference, {u: uu, v: vv})
        if not close(got_u, ref_u) and close(got_u, ref_v) and close(got_v, ref_u):
            raise AssertionError(f"at u={uu}, v={vv} your dz/du is dz/dv and your dz/dv is "
                                 "dz/du: the two are swapped")
        ab = np.cos(uu * vv)
        compare(f"dz/du at u={uu}, v={vv}", got_u, ref_u, [
            (ab * uu * vv, "the term b (from z = b * u directly) is missing"),
            (np.sin(uu * vv), "the path through a = u * v is missing")])
        compare(f"dz/dv at u={uu}, v={vv}", got_v, ref_v)
