"""Checks for the student exercises in ``notebooks/exercises`` (nbgrader test cells).

Each check raises an ``AssertionError`` a student can act on: it names the
entry or node that is wrong, what was expected, what was found, and, where a
common mistake explains the difference (a flipped sign, a transpose, a missing
factor, a swapped pair), which one. One module per assignment, the comparison
they share in :mod:`.compare`; nothing else in the package imports these modules.

* ``rules``: :func:`check_softplus_rules`, :func:`check_softplus_on_engines`
  (and :func:`check_rule_on_engines` for any student primitive);
* ``two_layer``: :func:`check_two_layer`;
* ``derivative_graph``: :func:`check_derivative_graph_structure`,
  :func:`check_derivative_graph_values`;
* ``trace_table``: :func:`check_trace_table`;
* ``debug_backward``: :func:`check_reused_node`, :func:`check_deep_chain`,
  :func:`check_diamond`.

A check runs the student's function first, with the toolkit's automatic
differentiation off (:mod:`.sealed`), and computes what it expects after. A
graded notebook cell does not call these through the notebook's names: it runs
:mod:`.fresh`, which loads them afresh from their files and inspects the kernel
for tampering (:mod:`.integrity`) before and after each check.
"""

from .compare import compare
from .debug_backward import Value, check_deep_chain, check_diamond, check_reused_node
from .derivative_graph import (KEYS, check_derivative_graph_structure,
                               check_derivative_graph_values, derivative_graph_forward)
from .rules import check_rule_on_engines, check_softplus_on_engines, check_softplus_rules
from .trace_table import ROWS, check_trace_table, trace_function
from .two_layer import check_two_layer, two_layer_loss, two_layer_problem
from . import integrity, sealed  # noqa: E402 (fresh.py reaches them as attributes)

__all__ = ["KEYS", "ROWS", "Value", "check_deep_chain", "check_derivative_graph_structure",
           "check_derivative_graph_values", "check_diamond", "check_reused_node",
           "check_rule_on_engines", "check_softplus_on_engines", "check_softplus_rules",
           "check_trace_table", "check_two_layer", "compare", "derivative_graph_forward",
           "integrity", "sealed", "trace_function", "two_layer_loss", "two_layer_problem"]
