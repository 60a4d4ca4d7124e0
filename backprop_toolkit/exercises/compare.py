"""What every grader shares: compare a student's numbers with the expected ones.

:func:`compare` raises an ``AssertionError`` a student can act on: the entry
that is worst (named by the caller: ``at x = 3``), what was expected and found,
and, where a known mistake (a flipped sign, a transpose, a missing factor)
gives exactly the student's numbers, which one. The verdict uses only array
arithmetic and Python's own ``abs`` and ``bool``, which the checks verify, not
numpy functions such as ``np.allclose``.
"""

import numpy as np

from .. import checking


def close(a, b, rtol=1e-6, atol=1e-9):
    """Same shape and every entry within ``atol + rtol |b|`` (NaN is never close)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool((abs(a - b) <= atol + rtol * abs(b)).all())


def compare(what, got, expected, mistakes=(), rtol=1e-6, atol=1e-9, where=None):
    """Assert ``got`` equals ``expected``, else name the worst entry and diagnose.

    Args:
        what: the quantity's name in the message (``"dL/dW1"``).
        got: the student's numbers, read already (``sealed.frozen``).
        mistakes: ``(wrong_value, hint)`` pairs: if ``got`` equals a
            ``wrong_value``, its ``hint`` explains the mistake (each that does,
            joined by "or").
        where: optional ``where(index) -> text`` naming an entry by its inputs
            (`` at x = 3``); by default its index (``[2, 0]``).
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        hint = ""
        if got.shape == expected.T.shape and got.ndim == 2:
            hint = ("; it looks transposed" + ("" if not close(got.T, expected)
                                                  else " (its transpose is right)"))
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape "
                             f"{got.shape}{hint}")
    if close(got, expected, rtol, atol):
        return
    wrong = ~(abs(got - expected) <= atol + rtol * abs(expected))
    k = checking.worst_entry(abs(got - expected) - (atol + rtol * abs(expected)))
    place = (where or checking.index_text)(k)
    message = f"{what}{place}: expected {expected[k]:.4g}, got {got[k]:.4g}"
    if got.size > 1:
        message += f" ({int(wrong.sum())} of {got.size} wrong)"
    hints = [hint for wrong_value, hint in mistakes if close(got, wrong_value, rtol, atol)]
    if hints:  # several mistakes may give the same numbers here: each is a possibility
        message += "; " + "; or ".join(dict.fromkeys(hints))
    raise AssertionError(message)
