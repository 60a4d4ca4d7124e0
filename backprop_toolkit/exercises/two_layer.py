"""Grader of ``two_layer``: a hand-written backward pass of L = 1/2 ||W2 tanh(W1 x) - t||^2.

With ``a1 = W1 x``, ``z1 = tanh(a1)``, ``y = W2 z1``: ``delta_2 = y - t``,
``dL/dW2 = delta_2 z1^T``, ``delta_1 = (1 - z1^2) * (W2^T delta_2)``,
``dL/dW1 = delta_1 x^T``; checked against ``bt.grad`` on both engines. The
student's ``backward`` runs first, with the toolkit's automatic
differentiation off; the expected values are computed after it returned.
"""

import numpy as np

from .. import api, ops
from ..passes import refuse_by_hand
from .compare import close, compare
from .sealed import frozen, student_call

ENGINES = ("tape", "symbolic")


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


def _pair(result):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"backward must return a pair (dW1, dW2), got "
                             f"{type(result).__name__} {result!r:.60}")
    return frozen(result[0], "dL/dW1"), frozen(result[1], "dL/dW2")


def check_two_layer(backward, sizes=(3, 4, 2), seed=0):
    """Check a hand-written ``backward(W1, W2, x, t) -> (dW1, dW2)`` against both engines."""
    problem = two_layer_problem(sizes, seed)
    got = student_call(backward, [p.copy() for p in problem], "backward(W1, W2, x, t)",
                       convert=_pair)
    refs = [api.grad(two_layer_loss, (0, 1), engine=e)(*problem) for e in ENGINES]
    compare("tape vs symbolic engine dL/dW1", refs[1][0], refs[0][0])
    if not close(got[0], refs[0][0]) and close(got[0], refs[0][1]) and close(got[1], refs[0][0]):
        raise AssertionError("backward returned (dL/dW2, dL/dW1), the pair swapped: return "
                             "(dW1, dW2), in the order of the arguments")
    wrong_w2, wrong_w1 = _mistakes(*problem)
    compare("dL/dW2", got[1], refs[0][1], wrong_w2)
    compare("dL/dW1", got[0], refs[0][0], wrong_w1)


def _mistakes(W1, W2, x, t):
    """``(wrong dW2, hint)`` and ``(wrong dW1, hint)`` pairs of the usual mistakes (made from
    the right deltas, so never for a student's ``backward`` to call)."""
    refuse_by_hand("the checks' hints")
    a1 = W1 @ x
    z1 = np.tanh(a1)
    d2 = W2 @ z1 - t
    back = W2.T @ d2
    d1 = (1 - z1 ** 2) * back
    wrong_w2 = [
        (-np.outer(d2, z1), "delta_L = y - t, and yours has the opposite sign (t - y?)"),
        (np.outer(d2, a1), "the input of layer 2 is z1 = tanh(a1), not a1"),
        (2 * np.outer(d2, z1), "L = 1/2 ||y - t||^2, so delta_L = y - t with no factor 2")]
    wrong_w1 = [
        (-np.outer(d1, x), "your delta for layer 1 has the wrong sign"),
        (np.outer(back, x), "your delta for layer 1 misses the factor h'(a1) = 1 - z1^2"),
        (np.outer((1 - a1 ** 2) * back, x), "h'(a1) = 1 - tanh(a1)^2 = 1 - z1^2, not 1 - a1^2"),
        (np.outer(z1 * back, x), "h'(a1) is 1 - z1^2, not z1"),
        (np.outer(d1, z1), "the input of layer 1 is x: dL/dW1 = delta_1 x^T")]
    return wrong_w2, wrong_w1
