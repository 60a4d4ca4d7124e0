"""Grader of ``debug_backward``: a tiny scalar engine (``Value``, ``backward``) that must
accumulate gradients (``+=``), order nodes topologically and not recurse per node.
"""

import sys

from .compare import compare


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
