"""The op language users write in: functions over numbers, tensors and nodes.

Simple primitives are used as they are (``bt.exp`` *is* the table's ``exp_p``).
The ops that take keyword metadata (``axis``, ``shape``) normalise it, so that
two equal calls make equal nodes (:mod:`.arguments`); composites are built
from primitives (``mean``). One module per family:

* :mod:`.pointwise`: elementwise arithmetic, functions of one input, comparisons, ``where``;
* :mod:`.reductions`: ``sum``, ``mean``, ``max``, the softmax family;
* :mod:`.shape`: ``transpose``, ``reshape``, broadcasting, indexing, ``squeeze``, ``moveaxis``;
* :mod:`.joining`: ``concatenate``, ``stack`` and its family, ``split`` and its family;
* :mod:`.rearranging`: ``flip``, ``roll``, ``rot90``, ``repeat``, ``tile``, ``pad``, ``sort``,
  ``take``;
* :mod:`.linalg`: ``matmul`` and the contractions;
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
from .linalg import matmul  # noqa: F401
from .numpy_api import FUNCTIONS, UFUNCS, implements, no_entry  # noqa: F401
from .operators import Operators  # noqa: F401
from .reductions import log_softmax, logsumexp, max, mean, softmax, sum  # noqa: F401
from .shape import (atleast_1d, atleast_2d, atleast_3d, broadcast_to, expand_dims,  # noqa: F401
                    getitem, moveaxis, ravel, reshape, squeeze, sum_to, swapaxes, transpose)
from .joining import (array_split, column_stack, concatenate, dsplit, dstack,  # noqa: F401
                      hsplit, hstack, split, stack, vsplit, vstack)
from .rearranging import (flip, fliplr, flipud, pad, repeat, roll, rot90, sort,  # noqa: F401
                          take, take_along_axis, tile)
