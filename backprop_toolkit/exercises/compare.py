"""What every grader shares: compare a student's numbers with the expected ones.

:func:`compare` raises an ``AssertionError`` a student can act on: the entry
that is worst, what was expected and found, and, where a known mistake
(a flipped sign, a transpose, a missing factor) gives exactly the student's
numbers, which one.
"""

import numpy as np

from .. import checking


def close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def as_array(value, what):
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
    got, expected = as_array(got, what), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        hint = ""
        if got.shape == expected.T.shape and got.ndim == 2:
            hint = ("; it looks transposed" + ("" if not close(got.T, expected)
                                                  else " (its transpose is right)"))
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape "
                             f"{got.shape}{hint}")
    if close(got, expected, rtol, atol):
        return
    k = checking.worst_entry(np.abs(got - expected) - (atol + rtol * np.abs(expected)))
    message = f"{what}{checking.index_text(k)}: expected {expected[k]:.4g}, got {got[k]:.4g}"
    if got.size > 1:
        message += f" ({int(np.sum(~np.isclose(got, expected, rtol, atol)))} of {got.size} wrong)"
    for wrong, hint in mistakes:
        if close(got, wrong, rtol, atol):
            message += f"; {hint}"
            break
    raise AssertionError(message)
