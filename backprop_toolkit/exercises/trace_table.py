"""Grader of ``trace_table``: the forward-mode table of f(x1, x2) = x1 x2 + sin(x1).

Each row is ``(w_i, dw_i)``: the value and its tangent for the seed
``(dx1, dx2)``; the last row is checked against ``bt.jvp`` on both engines.
The student's ``trace`` runs first (autodiff off, and the checks' own expected
rows refused to it), its table read as numbers, and only then are the expected
rows computed. A wrong tangent is matched
against the usual mistakes, each described as the formula the student wrote;
:func:`hints` lists them, and at the points the tests use no two give the
same number (``tests/test_exercises.py`` checks).
"""

import numpy as np

from .. import api, ops
from ..passes import refuse_by_hand
from .compare import close, compare
from .sealed import frozen, student_call

ENGINES = ("tape", "symbolic")
ROWS = ("w1 = x1", "w2 = x2", "w3 = w1 * w2", "w4 = sin(w1)", "w5 = w3 + w4")


def trace_function(x1, x2):
    """The traced function, in the op language."""
    return x1 * x2 + ops.sin(x1)


def _table(rows):
    """The student's rows as a 5 x 2 array of numbers."""
    if not isinstance(rows, (list, tuple)) or len(rows) != 5 or any(
            not isinstance(r, (list, tuple)) or len(r) != 2 for r in rows):
        raise AssertionError(f"trace must return 5 rows (w_i, dw_i), got {rows!r:.100}")
    return frozen([[value, tangent] for value, tangent in rows], "the rows")


def expected_rows(x1, x2, dx1, dx2):
    """The table, row by row: ``[(w_i, dw_i)]`` (not for a student's ``trace`` to call)."""
    refuse_by_hand("the checks' expected table")
    w3, dw3 = x1 * x2, dx1 * x2 + x1 * dx2
    w4, dw4 = np.sin(x1), np.cos(x1) * dx1
    return [(x1, dx1), (x2, dx2), (w3, dw3), (w4, dw4), (w3 + w4, dw3 + dw4)]


def hints(x1, x2, dx1, dx2):
    """Per row, ``(wrong tangent, what the student wrote)`` for the usual mistakes."""
    refuse_by_hand("the checks' hints")
    dw3, dw4 = dx1 * x2 + x1 * dx2, np.cos(x1) * dx1
    return [
        [(1.0, "dw1 = 1, a seed written in: the seed is dx1"),
         (dx2, "dw1 = dx2: w1 = x1, so its tangent is the seed of x1, dx1")],
        [(0.0, "dw2 = 0, a seed written in: the seed is dx2"),
         (dx1, "dw2 = dx1: w2 = x2, so its tangent is the seed of x2, dx2")],
        [(dx1 * dx2, "dw3 = dw1 * dw2: the product rule gives dw1 * w2 + w1 * dw2"),
         (dx1 * x2, "dw3 = dw1 * w2: the product rule's term w1 * dw2 is missing"),
         (x1 * dx2, "dw3 = w1 * dw2: the product rule's term dw1 * w2 is missing"),
         (x2 + x1, "dw3 = w2 + w1, the seed (1, 1) written in: use dw1 and dw2")],
        [(np.sin(x1) * dx1, "dw4 = sin(w1) * dw1: d sin(w1) = cos(w1) dw1"),
         (np.cos(x1), "dw4 = cos(w1): the tangent dw1 is missing, dw4 = cos(w1) * dw1"),
         (-np.cos(x1) * dx1, "dw4 = -cos(w1) * dw1: the sign is flipped, d sin = +cos")],
        [(dw3, "dw5 = dw3: dw5 = dw3 + dw4, the term dw4 is missing"),
         (dw4, "dw5 = dw4: dw5 = dw3 + dw4, the term dw3 is missing"),
         (dw3 * dw4, "dw5 = dw3 * dw4: w5 = w3 + w4 is a sum, so dw5 = dw3 + dw4")]]


def check_trace_table(trace, x1, x2, dx1, dx2):
    """Check ``trace(x1, x2, dx1, dx2)``: five ``(value, tangent)`` rows, then ``bt.jvp``."""
    got = student_call(trace, (x1, x2, dx1, dx2), "trace(x1, x2, dx1, dx2)", convert=_table)
    where = f" (x1={x1}, x2={x2}, seed dx1={dx1}, dx2={dx2})"
    for i, (name, (w, dw), wrong) in enumerate(zip(ROWS, expected_rows(x1, x2, dx1, dx2),
                                                   hints(x1, x2, dx1, dx2))):
        if not close(got[i], [w, dw]) and close(got[i], [dw, w]):
            raise AssertionError(f"row {name}{where}: your pair is (dw{i + 1}, w{i + 1}); "
                                 "return (value, tangent): (w, dw)")
        compare(f"row {name}: value w{i + 1}{where}", got[i, 0], w)
        compare(f"row {name}: tangent dw{i + 1}{where}", got[i, 1], dw, wrong)
    for engine in ENGINES:
        value, tangent = api.jvp(trace_function, (x1, x2), (dx1, dx2), engine=engine)
        compare(f"w5 vs bt.jvp ({engine})", got[4, 0], value)
        compare(f"dw5 vs bt.jvp ({engine})", got[4, 1], tangent)
