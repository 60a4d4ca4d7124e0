"""The op language users write in: functions over numbers, tensors and nodes.

Simple primitives are used as they are (``bt.exp`` *is* the table's ``exp_p``).
The ops that take keyword metadata (``axis``, ``shape``) normalise it, so that
two equal calls make equal nodes (:mod:`.arguments`); composites are built
from primitives (``mean``). One module per family:

* :mod:`.pointwise`: elementwise arithmetic, functions of one input, comparisons, ``where``;
* :mod:`.reductions`: ``sum``, ``mean``, ``max``, the softmax family;
* :mod:`.shape`: ``transpose``, ``reshape``, broadcasting, indexing, ``stack``;
* :mod:`.linalg`: ``matmul`` and the contractions (``dot``, ``tensordot``, ``outer``, ...);
* :mod:`.einsum`: numpy's ``einsum``, as a chain of two-operand contractions;
* :mod:`.diagonals`: ``diagonal``, ``trace``, ``diag``, ``tril``, ``triu``;
* :mod:`.np_linalg`: numpy.linalg's ``norm``, ``det``, ``slogdet``, ``inv``, ``solve``;
* :mod:`.operators`: :class:`Operators`, the ``+ - * / ** @ [] .T < >`` of every
  engine value, and numpy's own functions called on one;
* :mod:`.numpy_api`: which numpy function means which op (filled by each family
  with :func:`implements`, beside the op).

A user's own primitives (:func:`elementwise`, :func:`primitive`) are made in
:mod:`backprop_toolkit.primitives.user`.
"""

from ..primitives.user import elementwise, primitive  # noqa: F401 (bt.elementwise, bt.primitive)
from .pointwise import (abs, add, cos, div, equal, exp, greater, greater_equal, less,  # noqa: F401
                          less_equal, log, maximum, mul, neg, not_equal, power, relu, sigmoid,
                          sign, sin, sqrt, square, stop_gradient, sub, tanh, where)
from .diagonals import diag, diagonal, trace, tril, triu  # noqa: F401
from .einsum import einsum  # noqa: F401
from .linalg import cross, dot, inner, kron, matmul, outer, tensordot, vdot  # noqa: F401
from .np_linalg import det, inv, norm, slogdet, solve  # noqa: F401
from .numpy_api import FUNCTIONS, UFUNCS, implements, no_entry  # noqa: F401
from .operators import Operators  # noqa: F401
from .reductions import log_softmax, logsumexp, max, mean, softmax, sum  # noqa: F401
from .shape import broadcast_to, getitem, reshape, stack, sum_to, transpose  # noqa: F401
