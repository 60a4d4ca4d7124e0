"""backprop_toolkit: backpropagation taught two ways, with one op language.

* the tape engine (symbol-to-number): ``engine="tape"``, :mod:`backprop_toolkit.tape`;
* the symbolic engine (symbol-to-symbol): ``engine="symbolic"``.

See README.md for the API and docs/design.md for how it is built; ``bt.grad(f)(x)`` is the place to start.
"""

from . import symbolic, tape
from .checking import (check_function, check_grad, check_primitive, numerical_grad,
                       numerical_jacobian)
from .viz import (GraphvizMissingError, TraceTable, backprop_steps, draw, draw_dot,
                  draw_side_by_side, save_figure, trace_table)
from .api import ENGINES, grad, hessian, jacobian, jvp, value_and_grad, vjp
from .adapters.cache import RetraceWarning
from .errors import (AutodiffDisabledError, BackpropError, ControlFlowError, ConversionError,
                     DTypeError, EngineMixError, RuleError, ShapeError)
from .passes import by_hand
from .ops import (abs, add, broadcast_to, cos, div, elementwise, equal, exp, getitem, greater,
                  greater_equal, less, less_equal, log, log_softmax, logsumexp, matmul, max,
                  maximum, mean, mul, neg, not_equal, power, primitive, relu, reshape, sigmoid,
                  sign, sin, softmax, sqrt, square, stack, stop_gradient, sub, sum, sum_to, tanh,
                  transpose, where)
