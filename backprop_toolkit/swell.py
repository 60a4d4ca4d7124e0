"""Expression swell: how big the n-th derivative graph of tanh gets, on both engines.

Differentiating a derivative graph again multiplies its size: every node of
the previous derivative gets a derivative of its own. This module measures it
(the numbers in the README and the swell figure come from here):

* **symbolic, raw**: ``sym.grad`` applied n times, never simplified;
* **symbolic, simplified**: simplified after each order, before the next grad;
* **tape**: the recorded graph of the n-th derivative, taken on the tape with
  ``create_graph=True`` (symbol-to-number pays the same swell, at run time).

Sizes count the nodes the derivative's value depends on (data dependencies).
"""

import numpy as np

from . import symbolic as sym
from . import tape
from .ops import tanh
from .passes import toposort


def expression_swell(fun=tanh, orders=7, at=1.0):
    """One row per order ``n = 1..orders``: graph sizes and the derivative's value.

    Returns:
        A list of dicts with keys ``order``, ``raw``, ``simplified``, ``tape``,
        ``value`` (the n-th derivative at ``at``, from the simplified graph)
        and ``tape_value`` (the same number, from the tape).
    """
    w = sym.var("w")
    raw = simplified = fun(w)
    x = tape.Tensor(at, requires_grad=True, name="w")
    recorded = fun(x)
    rows = []
    for n in range(1, orders + 1):
        raw = sym.grad(raw, w)
        simplified = sym.simplify(sym.grad(simplified, w))
        (recorded,) = tape.grad([recorded], [x], [np.ones(())], create_graph=True)
        rows.append({
            "order": n,
            "raw": len(toposort([raw])),
            "simplified": len(toposort([simplified])),
            "tape": len(toposort([recorded])),
            "value": float(sym.evaluate(simplified, {w: at})),
            "tape_value": float(recorded.value),
        })
    return rows


def swell_markdown(rows):
    """The rows as a Markdown table."""
    lines = ["| n | symbolic, raw | symbolic, simplified | tape (recorded) | d^n tanh(1) |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['order']} | {r['raw']} | {r['simplified']} | {r['tape']} | "
                     f"{r['value']:.6f} |")
    return "\n".join(lines)
