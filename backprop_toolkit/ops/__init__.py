"""The op language users write in: functions over numbers, tensors and nodes.

Simple primitives are used as they are (``bt.exp`` *is* the table's ``exp_p``).
The ops that take keyword metadata (``axis``, ``shape``) normalise it, so that
two equal calls make equal nodes (:mod:`.arguments`); composites are built
from primitives (``mean``). One module per family:

* :mod:`.pointwise`: elementwise arithmetic, functions of one input, comparisons, ``where``;
* :mod:`.functions`: numpy's other smooth elementwise functions (``tan``, ``arctan2``,
  ``log10``, ``logaddexp``, ...) and its aliases (``fabs``, ``divide``, ``conj``, ...);
* :mod:`.piecewise`: ``minimum``, ``fmin``/``fmax``, ``clip``, remainders, roundings;
* :mod:`.reductions`: ``sum``, ``prod``, ``mean``, ``max``, ``min``, ``var``, ``std``,
  ``average``, the softmax family;
* :mod:`.cumulative`: ``cumsum``, ``cumprod``, ``diff``;
* :mod:`.logical`: ``any``, ``all``, ``count_nonzero`` (no derivative), and why
  ``argmax`` is refused;
* :mod:`.casting`: ``astype``;
* :mod:`.shape`: ``transpose``, ``reshape``, broadcasting, indexing, ``squeeze``, ``moveaxis``;
* :mod:`.joining`: ``concatenate``, ``stack`` and its family, ``split`` and its family;
* :mod:`.rearranging`: ``flip``, ``roll``, ``rot90``, ``repeat``, ``tile``, ``pad``, ``sort``,
  ``take``;
* :mod:`.linalg`: ``matmul`` and the contractions (``dot``, ``tensordot``, ``outer``, ...);
* :mod:`.einsum`: numpy's ``einsum``, as a chain of two-operand contractions;
* :mod:`.diagonals`: ``diagonal``, ``trace``, ``diag``, ``tril``, ``triu``;
* :mod:`.np_linalg`: numpy.linalg's ``norm``, ``det``, ``slogdet``, ``inv``, ``solve``;
* :mod:`.decompositions`: numpy.linalg's ``eigh``, ``eigvalsh``, ``svd``, ``svdvals``,
  ``cholesky``, ``pinv``, ``matrix_power`` (and why ``eig`` is refused);
* :mod:`.operators`: :class:`Operators`, the ``+ - * / ** @ [] .T < >`` and the array
  methods (``x.sum(axis=0)``, ``x.reshape(2, 3)``) of every engine value, and numpy's own
  functions called on one;
* :mod:`.numpy_api`: which numpy function means which op (filled by each family
  with :func:`implements`, beside the op).

A user's own primitives (:func:`elementwise`, :func:`primitive`) are made in
:mod:`backprop_toolkit.primitives.user`.
"""

from ..primitives.user import elementwise, primitive  # noqa: F401 (bt.elementwise, bt.primitive)
from .pointwise import (abs, add, cos, div, equal, exp, greater, greater_equal, less,  # noqa: F401
                        less_equal, log, maximum, mul, neg, not_equal, power, relu, sigmoid,
                        sign, sin, sqrt, square, stop_gradient, sub, tanh, where)
from .functions import (absolute, arccos, arccosh, arcsin, arcsinh, arctan, arctan2,  # noqa: F401
                        arctanh, cbrt, conj, conjugate, cosh, deg2rad, degrees, divide, exp2,
                        expm1, fabs, float_power, hypot, log1p, log2, log10, logaddexp,
                        logaddexp2, positive, rad2deg, radians, real, reciprocal, sinc, sinh,
                        tan, imag, angle, real_if_close)
from .piecewise import (around, ceil, clip, floor, fmax, fmin, fmod, minimum, mod,  # noqa: F401
                        remainder, rint, round, trunc, nan_to_num, select)
from .linalg import matmul  # noqa: F401
from .numpy_api import (FUNCTIONS, REFUSED, UFUNCS, implements, no_entry, refused,  # noqa: F401
                        refuses)
from .diagonals import diag, diagonal, trace, tril, triu  # noqa: F401
from .einsum import einsum  # noqa: F401
from .linalg import cross, dot, inner, kron, outer, tensordot, vdot  # noqa: F401
from .np_linalg import det, inv, norm, slogdet, solve  # noqa: F401
from .decompositions import (cholesky, eigh, eigvalsh, matrix_power, pinv, svd,  # noqa: F401
                             svdvals)
from .operators import Operators  # noqa: F401
from .reductions import (average, log_softmax, logsumexp, max, mean, min, prod,  # noqa: F401
                         softmax, std, sum, var)
from .cumulative import cumprod, cumsum, diff, gradient, linspace  # noqa: F401
from .logical import all, any, count_nonzero  # noqa: F401
from .casting import astype  # noqa: F401
from .shape import (atleast_1d, atleast_2d, atleast_3d, broadcast_to, expand_dims,  # noqa: F401
                    getitem, moveaxis, ravel, reshape, rollaxis, squeeze, sum_to, swapaxes,
                    transpose)
from .joining import (append, array_split, column_stack, concatenate, dsplit, dstack,  # noqa: F401
                      hsplit, hstack, split, stack, vsplit, vstack)
from .rearranging import (flip, fliplr, flipud, pad, repeat, roll, rot90, sort,  # noqa: F401
                          take, take_along_axis, tile)
