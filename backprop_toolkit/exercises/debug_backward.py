"""Grader of ``debug_backward``: a tiny scalar engine (``Value``) whose ``backward`` must
accumulate gradients (``+=``), order nodes topologically and not recurse per node.

The graphs are built with this module's own copy of the notebook's ``Value``
(the same class, a test checks, so a notebook cannot hand in a different one),
whose ``parents`` raise ``RecursionError`` when read from more than :data:`DEEP`
calls below the check: a backward pass that recurses once per node is caught
even where the recursion limit was raised. The student's ``backward`` runs with Python's
default recursion limit (1,000) and autodiff off; the gradients are read as
numbers before the expected ones are computed.
"""

import sys

from .compare import compare
from .sealed import frozen, student_call

DEEP = 50
"""Calls below the check's own frame: deeper than this, ``backward`` is recursing."""


class Value:
    """A scalar that remembers how it was made."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.parents = parents          # the Values this one was computed from
        self.local_grads = local_grads  # d self / d parent, one number per parent
        self.grad = 0.0

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"


class Watched(Value):
    """:class:`Value`, whose ``parents`` raise ``RecursionError`` when read from more than
    :data:`DEEP` calls below the check (``limit``, the stack depth that is). :func:`watched`
    turns a graph of Values into Watched ones."""

    limit = None  # set by _run_backward, before the student's backward runs

    @property
    def parents(self):
        try:
            sys._getframe(Watched.limit)
        except ValueError:  # the stack is not that deep: fine
            return self._parents
        raise RecursionError(f"backward went more than {DEEP} calls deep")

    @parents.setter
    def parents(self, parents):
        self._parents = parents


def watched(root):
    """Every node of ``root``'s graph, made a :class:`Watched` (no recursion here either)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if type(node) is Value and id(node) not in seen:
            seen.add(id(node))
            node.__class__, node._parents = Watched, vars(node).pop("parents")
            stack.extend(node._parents)
    return root


def _run_backward(backward, root, nodes, what):
    """``backward(root)`` at the default recursion limit; the nodes' ``.grad`` as numbers."""
    watched(root)
    limit, Watched.limit = sys.getrecursionlimit(), _depth() + DEEP
    kept = dict(vars(Watched))
    sys.setrecursionlimit(1000)  # Python's default: the graded code must not depend on more
    try:
        grads = student_call(backward, (root,), f"backward(root) for {what}",
                             convert=lambda _: [frozen(n.grad, "a .grad") for n in nodes],
                             explain={RecursionError: RECURSION})
        changed = sys.getrecursionlimit() != 1000
    finally:
        sys.setrecursionlimit(limit)
    if changed:
        raise AssertionError(f"{what}: backward changed the recursion limit: {RECURSION}")
    if any(vars(Watched).get(k) is not v for k, v in kept.items()):
        raise AssertionError(f"{what}: backward changed the checks' Value class; a backward "
                             "pass only sets the nodes' .grad")
    return grads


RECURSION = ("backward (or its topological sort) recurses once per node, and Python allows "
             "about 1,000 nested calls. Order the nodes with an explicit stack (a list you "
             "append to and pop from) instead")


def _depth():
    frame, depth = sys._getframe(1), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def check_reused_node(backward, x0=3.0):
    """``y = x * x + x``: x is used three times, so ``dy/dx = 2x + 1``."""
    x = Value(x0)
    y = x * x + x
    (grad,) = _run_backward(backward, y, [x], "y = x * x + x")
    compare(f"dy/dx for y = x * x + x at x = {x0} (x.grad)", grad, 2 * x0 + 1, [
        (x0, "only the last use of x counts: a node used several times must sum the "
             "gradients of all its uses (parent.grad += ..., not =)"),
        (1.0, "only the use in '+ x' counts: accumulate with += (not =)"),
        (2 * x0, "the use in '+ x' is lost: accumulate with += (not =)")])


def check_deep_chain(backward, n=10_000):
    """``y = x * c * c * ... * c``, ``n`` multiplications deep: ``dy/dx = c^n``."""
    c = 1.0001
    x = Value(0.5)
    y = x
    for _ in range(n):
        y = y * c
    (grad,) = _run_backward(backward, y, [x], f"a chain of {n:,} nodes")
    compare(f"dy/dx at the bottom of a chain of {n:,} nodes (x.grad)", grad, c ** n)


def check_diamond(backward, x0=0.5, y0=-2.0):
    """``a = x * y, b = a + x, c = a * b``: every node must wait for all its consumers."""
    x, y = Value(x0), Value(y0)
    a = x * y
    b = a + x
    c = a * b
    grads = _run_backward(backward, c, [a, x, y], "c = a * b with a = x * y, b = a + x")
    av, bv = x0 * y0, x0 * y0 + x0
    compare(f"dc/da (a.grad) at x={x0}, y={y0}", grads[0], bv + av,
            [(av, "a feeds c twice (directly and through b): sum both (+=)"),
             (bv, "a feeds c twice (directly and through b): sum both (+=)")])
    late = ("; a.grad is right, so a's gradient was passed on before it was complete: the "
            "order is not topological (a node may only be appended to the order after all "
            "of its parents are)")
    compare(f"dc/dx (x.grad) at x={x0}, y={y0}", grads[1], (bv + av) * y0 + av,
            [(grads[1], late)])
    compare(f"dc/dy (y.grad) at x={x0}, y={y0}", grads[2], (bv + av) * x0, [(grads[2], late)])
