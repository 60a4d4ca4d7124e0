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
from .viz import step_through
from .api import ENGINES, grad, hessian, jacobian, jvp, value_and_grad, vjp
from .adapters.cache import RetraceWarning
from .errors import (AutodiffDisabledError, BackpropError, ControlFlowError, ConversionError,
                     DTypeError, EngineMixError, NumericError, RuleError, ShapeError)
from .handwork import by_hand
from .ops import (abs, add, broadcast_to, cos, div, elementwise, equal, exp, getitem, greater,
                  greater_equal, less, less_equal, log, log_softmax, logsumexp, matmul, max,
                  maximum, mean, mul, neg, not_equal, power, primitive, relu, reshape, sigmoid,
                  sign, sin, softmax, sqrt, square, stack, stop_gradient, sub, sum, sum_to, tanh,
                  transpose, where)
from .ops import (absolute, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, around,
                  cbrt, ceil, clip, conj, conjugate, cosh, deg2rad, degrees, divide, exp2, expm1,
                  fabs, float_power, floor, fmax, fmin, fmod, hypot, log1p, log2, log10,
                  logaddexp, logaddexp2, minimum, mod, positive, rad2deg, radians, real,
                  reciprocal, remainder, rint, round, sinc, sinh, tan, trunc)
from .ops import (all, any, astype, average, count_nonzero, cumprod, cumsum, diff, min, prod,
                  std, var)
from .ops import (cross, det, diag, diagonal, dot, einsum, inner, inv, kron, norm, outer, slogdet,
                  solve, tensordot, trace, tril, triu, vdot)
from .ops import cholesky, eigh, eigvalsh, matrix_power, pinv, svd, svdvals
from .ops import (array_split, atleast_1d, atleast_2d, atleast_3d, column_stack, concatenate,
                  dsplit, dstack, expand_dims, flip, fliplr, flipud, hsplit, hstack, moveaxis,
                  pad, ravel, repeat, roll, rot90, sort, split, squeeze, swapaxes, take,
                  take_along_axis, tile, vsplit, vstack)
from .ops import (angle, append, gradient, imag, linspace, nan_to_num, real_if_close, rollaxis,
                  select)
