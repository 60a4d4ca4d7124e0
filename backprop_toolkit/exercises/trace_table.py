"""Grader of ``trace_table``: the forward-mode table of f(x1, x2) = x1 x2 + sin(x1).

Each row is ``(w_i, dw_i)``: the value and its tangent for the seed
``(dx1, dx2)``; the last row is checked against ``bt.jvp`` on both engines.
"""

import numpy as np

from .. import api, ops
from .compare import compare


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
