"""Checks for the student exercises in ``notebooks/exercises`` (nbgrader test cells).

Each check raises an ``AssertionError`` a student can act on: it names the
entry or node that is wrong, what was expected, what was found, and, where a
common mistake explains the difference (a flipped sign, a transpose, a missing
factor), which one. Nothing in the package imports this module.

* ``rules``: :func:`check_softplus_rules`, :func:`check_rule_on_engines`;
* ``two_layer``: :func:`check_two_layer`;
* ``derivative_graph``: :func:`check_derivative_graph_structure`,
  :func:`check_derivative_graph_values`;
* ``trace_table``: :func:`check_trace_table`;
* ``debug_backward``: :func:`check_reused_node`, :func:`check_deep_chain`,
  :func:`check_diamond`.
"""

import sys

import numpy as np

from . import api, checking, ops
from . import primitives as P
from . import symbolic as sym


def _close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _as_array(value, what):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected numbers, got {type(value).__name__} "
                             f"{value!r:.60}") from None


def compare(what, got, expected, mistakes=(), rtol=1e-6, atol=1e-9):
    """Assert ``got`` equals ``expected``, else name the worst entry and diagnose.

    Args:
        what: the quantity's name in the message (``"dL/dW1"``).
        mistakes: ``(wrong_value, hint)`` pairs: if ``got`` equals a
            ``wrong_value``, its ``hint`` explains the mistake.
    """
    got, expected = _as_array(got, what), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        hint = ""
        if got.shape == expected.T.shape and got.ndim == 2:
            hint = ("; it looks transposed" + ("" if not _close(got.T, expected)
                                                  else " (its transpose is right)"))
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape "
                             f"{got.shape}{hint}")
    if _close(got, expected, rtol, atol):
        return
    k = checking.worst_entry(np.abs(got - expected) - (atol + rtol * np.abs(expected)))
    message = f"{what}{checking.index_text(k)}: expected {expected[k]:.4g}, got {got[k]:.4g}"
    if got.size > 1:
        message += f" ({int(np.sum(~np.isclose(got, expected, rtol, atol)))} of {got.size} wrong)"
    for wrong, hint in mistakes:
        if _close(got, wrong, rtol, atol):
            message += f"; {hint}"
            break
    raise AssertionError(message)


# --- rules: softplus(x) = log(1 + exp(x)), softplus'(x) = sigmoid(x) ---------------------

def check_softplus_rules(softplus, x=(-2.0, -0.3, 0.0, 0.7, 3.0), seed=0):
    """Check the forward and both rules of a softplus primitive on plain numbers."""
    x = np.asarray(x, dtype=float)
    compare("softplus(x)", softplus(x), np.logaddexp(0.0, x))
    g = np.random.default_rng(seed).uniform(0.5, 2.0, x.shape)
    s = 1 / (1 + np.exp(-x))
    out = np.logaddexp(0.0, x)
    for mode, rule, name in (("vjp", softplus.vjp[0], "g"), ("jvp", softplus.jvp[0], "t")):
        mistakes = [(-g * s, "the sign is flipped"),
                    (s, f"your rule ignores the incoming {name}: multiply by it (chain rule)"),
                    (g * (1 - s), "that is sigmoid(-x); d/dx log(1 + e^x) = e^x / (1 + e^x) "
                                  "= sigmoid(x)"),
                    (g * np.exp(x), "e^x is only the numerator: divide by 1 + e^x"),
                    (g * out, "you returned softplus itself (out); its derivative is sigmoid(x)"),
                    (g * s * (1 - s), "that is the derivative of sigmoid, one order too far")]
        try:
            got = rule(g, out, x)
        except Exception as err:  # the student's code: report whatever it raised
            raise AssertionError(f"softplus {mode} rule {mode}({name}, out, x) raised "
                                 f"{type(err).__name__}: {err}") from None
        compare(f"softplus rule {mode}({name}, out, x)", got, g * s, mistakes)


def check_rule_on_engines(prim, args, engines=None):
    """``bt.check_primitive`` on every engine, with the engine named in the message."""
    for engine in engines or api.ENGINES:
        try:
            checking.check_primitive(prim, args, engine=engine)
        except AssertionError as err:
            raise AssertionError(f"{prim.name} on the {engine} engine: {err}") from None
        except Exception as err:
            raise AssertionError(
                f"{prim.name} on the {engine} engine raised {type(err).__name__}: {err}\n"
                "A rule must run on tape tensors and symbolic nodes as well as on numbers: "
                "write it with bt.* ops (bt.sigmoid, bt.exp, *, +); a numpy function works "
                "only where the op language has it (np.exp, np.tanh), never np.logaddexp") from None


# --- two_layer: L = 1/2 ||W2 tanh(W1 x) - t||^2 ---------------------------------------------

def two_layer_loss(W1, W2, x, t):
    """The exercise's network in the op language: ``1/2 ||W2 tanh(W1 x) - t||^2``."""
    y = W2 @ ops.tanh(W1 @ x)
    return 0.5 * ops.sum((y - t) ** 2)


def two_layer_problem(sizes=(3, 4, 2), seed=0):
    """Inputs ``(W1, W2, x, t)`` for the given layer sizes (input, hidden, output)."""
    n_in, n_hidden, n_out = sizes
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n_hidden, n_in)), rng.standard_normal((n_out, n_hidden)),
            rng.standard_normal(n_in), rng.standard_normal(n_out))


def check_two_layer(backward, sizes=(3, 4, 2), seed=0):
    """Check a hand-written ``backward(W1, W2, x, t) -> (dW1, dW2)`` against both engines."""
    W1, W2, x, t = two_layer_problem(sizes, seed)
    refs = [api.grad(two_layer_loss, (0, 1), engine=e)(W1, W2, x, t) for e in api.ENGINES]
    compare("tape vs symbolic engine dL/dW1", refs[1][0], refs[0][0])
    got = backward(W1.copy(), W2.copy(), x.copy(), t.copy())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise AssertionError(f"backward must return a pair (dW1, dW2), got {type(got).__name__}")
    a1 = W1 @ x
    z1 = np.tanh(a1)
    y = W2 @ z1
    d2 = y - t
    d1 = (1 - z1 ** 2) * (W2.T @ d2)
    compare("dL/dW2", got[1], refs[0][1], [
        (-np.outer(d2, z1), "delta_L = y - t, and yours has the opposite sign (t - y?)"),
        (np.outer(d2, a1), "the input of layer 2 is z1 = tanh(a1), not a1"),
        (2 * np.outer(d2, z1), "L = 1/2 ||y - t||^2, so delta_L = y - t with no factor 2")])
    compare("dL/dW1", got[0], refs[0][0], [
        (-np.outer(d1, x), "your delta for layer 1 has the wrong sign"),
        (np.outer(W2.T @ d2, x), "your delta for layer 1 misses the factor h'(a1) = 1 - z1^2"),
        (np.outer((1 - a1 ** 2) * (W2.T @ d2), x),
         "h'(a1) = 1 - tanh(a1)^2 = 1 - z1^2, not 1 - a1^2"),
        (np.outer(z1 * (W2.T @ d2), x), "h'(a1) is 1 - z1^2, not z1"),
        (np.outer(d1, z1), "the input of layer 1 is x: dL/dW1 = delta_1 x^T")])


# --- derivative_graph: z = sin(u v) u, dz/du and dz/dv built node by node ---------------------

def derivative_graph_forward():
    """Fresh forward graph ``a = u * v, b = sin(a), z = b * u``: returns ``u, v, a, b, z``."""
    u, v = sym.var("u"), sym.var("v")
    a = u * v
    b = ops.sin(a)
    return u, v, a, b, b * u


KEYS = ("dz/db", "dz/da", "dz/du", "dz/dv")


def _student_graph(build):
    u, v, a, b, z = forward = derivative_graph_forward()
    grads = build(u, v, a, b, z)
    if not isinstance(grads, dict) or set(grads) != set(KEYS):
        raise AssertionError(f"build must return a dict with keys {KEYS}, got "
                             f"{sorted(grads) if isinstance(grads, dict) else type(grads)}")
    for key in KEYS:
        if not isinstance(grads[key], sym.Node):
            raise AssertionError(f"{key}: expected a symbolic node, got "
                                 f"{type(grads[key]).__name__} (build nodes, compute nothing)")
        if any(n.of is not None for n in sym.nodes(grads[key])):
            raise AssertionError(f"{key} was made by sym.grad: build the nodes by hand "
                                 "(sym.grad is only the reference)")
    return forward, grads


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
    """Evaluate the hand-built nodes and compare with ``sym.grad``'s graph."""
    (u, v, a, b, z), g = _student_graph(build)
    reference = sym.grad(z, [u, v])
    for uu, vv in points:
        feed = {u: uu, v: vv}
        ref_u, ref_v = sym.evaluate(reference, feed)
        got_u, got_v = sym.evaluate([g["dz/du"], g["dz/dv"]], feed)
        ab = np.cos(uu * vv)
        compare(f"dz/du at u={uu}, v={vv}", got_u, ref_u, [
            (ab * uu * vv, "the term b (from z = b * u directly) is missing"),
            (np.sin(uu * vv), "the path through a = u * v is missing")])
        compare(f"dz/dv at u={uu}, v={vv}", got_v, ref_v)


# --- trace_table: f(x1, x2) = x1 * x2 + sin(x1), forward mode ----------------------------------

ROWS = ("w1 = x1", "w2 = x2", "w3 = w1 * w2", "w4 = sin(w1)", "w5 = w3 + w4")


def trace_function(x1, x2):
    """The traced function, in the op language."""
    return x1 * x2 + ops.sin(x1)


def check_trace_table(trace, x1, x2, dx1, dx2):
    """Check ``trace(x1, x2, dx1, dx2)``: five ``(value, tangent)`` rows, then ``bt.jvp``."""
    rows = trace(x1, x2, dx1, dx2)
    if len(rows) != 5 or any(len(r) != 2 for r in rows):
        raise AssertionError(f"expected 5 rows (w_i, dw_i), got {rows!r:.100}")
    w = [x1, x2, x1 * x2, np.sin(x1), x1 * x2 + np.sin(x1)]
    dw = [dx1, dx2, dx1 * x2 + x1 * dx2, np.cos(x1) * dx1, dx1 * x2 + x1 * dx2 + np.cos(x1) * dx1]
    hints = [[(dx2, "dw1 is the seed of x1")], [(dx1, "dw2 is the seed of x2")],
             [(dx1 * dx2, "product rule: dw3 = dw1 * w2 + w1 * dw2, not dw1 * dw2"),
              (dx1 * x2, "product rule: the term w1 * dw2 is missing"),
              (x1 * dx2, "product rule: the term dw1 * w2 is missing")],
             [(np.sin(x1) * dx1, "d sin(w1) = cos(w1) dw1, not sin(w1) dw1"),
              (np.cos(x1), "multiply cos(w1) by the tangent dw1"),
              (-np.cos(x1) * dx1, "the sign is flipped: d sin = +cos")],
             [(dw[2], "dw5 = dw3 + dw4: dw4 is missing"), (dw[3], "dw5 = dw3 + dw4: dw3 is missing")]]
    where = f" (x1={x1}, x2={x2}, seed dx1={dx1}, dx2={dx2})"
    for i, ((value, tangent), name) in enumerate(zip(rows, ROWS)):
        compare(f"row {name}: value w{i + 1}{where}", value, w[i])
        compare(f"row {name}: tangent dw{i + 1}{where}", tangent, dw[i], hints[i])
    for engine in api.ENGINES:
        value, tangent = api.jvp(trace_function, (x1, x2), (dx1, dx2), engine=engine)
        compare(f"w5 vs bt.jvp ({engine})", rows[4][0], value)
        compare(f"dw5 vs bt.jvp ({engine})", rows[4][1], tangent)


# --- debug_backward: a tiny scalar engine (Value, backward) ------------------------------------

def _run_backward(backward, root, what):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default: the graded code must not depend on more
    try:
        backward(root)
    except RecursionError:
        raise AssertionError(
            f"{what}: RecursionError: backward (or its topological sort) recurses once per "
            "node, and Python allows about 1,000 nested calls. Order the nodes with an "
            "explicit stack (a list you append to and pop from) instead") from None
    finally:
        sys.setrecursionlimit(limit)


def check_reused_node(Value, backward, x0=3.0):
    """``y = x * x + x``: x is used three times, so ``dy/dx = 2x + 1``."""
    x = Value(x0)
    y = x * x + x
    _run_backward(backward, y, "y = x * x + x")
    compare(f"dy/dx for y = x * x + x at x = {x0} (x.grad)", x.grad, 2 * x0 + 1, [
        (x0, "only the last use of x counts: a node used several times must sum the "
             "gradients of all its uses (parent.grad += ..., not =)"),
        (1.0, "only the use in '+ x' counts: accumulate with += (not =)"),
        (2 * x0, "the use in '+ x' is lost: accumulate with += (not =)")])


def check_deep_chain(Value, backward, n=10_000):
    """``y = x * c * c * ... * c``, ``n`` multiplications deep: ``dy/dx = c^n``."""
    c = 1.0001
    x = Value(0.5)
    y = x
    for _ in range(n):
        y = y * c
    _run_backward(backward, y, f"a chain of {n:,} nodes")
    compare(f"dy/dx at the bottom of a chain of {n:,} nodes (x.grad)", x.grad, c ** n)


def check_diamond(Value, backward, x0=0.5, y0=-2.0):
    """``a = x * y, b = a + x, c = a * b``: every node must wait for all its consumers."""
    x, y = Value(x0), Value(y0)
    a = x * y
    b = a + x
    c = a * b
    _run_backward(backward, c, "c = a * b with a = x * y, b = a + x")
    av, bv = x0 * y0, x0 * y0 + x0
    compare(f"dc/da (a.grad) at x={x0}, y={y0}", a.grad, bv + av,
            [(av, "a feeds c twice (directly and through b): sum both (+=)"),
             (bv, "a feeds c twice (directly and through b): sum both (+=)")])
    late = ("; a.grad is right, so a's gradient was passed on before it was complete: the "
            "order is not topological (a node may only be appended to the order after all "
            "of its parents are)")
    compare(f"dc/dx (x.grad) at x={x0}, y={y0}", x.grad, (bv + av) * y0 + av,
            [(x.grad, late)])
    compare(f"dc/dy (y.grad) at x={x0}, y={y0}", y.grad, (bv + av) * x0, [(y.grad, late)])
