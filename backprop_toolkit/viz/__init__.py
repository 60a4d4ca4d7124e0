"""Drawings, traces and slide figures: the top layer, it may use everything below.

* :func:`draw`: a symbolic graph (Figure 6.10 style) or a tape circuit;
* :func:`draw_side_by_side`, :func:`backprop_steps`: the two engines compared,
  and the backward pass step by step;
* :func:`step_through`: the backward pass step by step, with a slider in Jupyter;
* :func:`trace_table`: the Wengert list with forward and reverse derivatives;
* :func:`save_figure` and :mod:`.figures`: the slide figures.
"""

from .files import FigurePathError
from .render import (DotTimeoutError, DrawingTooLargeError, GraphvizMissingError, backprop_steps,
                     draw, draw_dot, draw_side_by_side, save_figure)
from .stepper import Stepper, step_through
from .trace import TraceTable, trace_table
