"""Truth values and counts of engine values: ``any``, ``all``, ``count_nonzero``; and why
``argmax``, ``argmin`` and ``argsort`` are refused.

None of them has a derivative. ``any`` and ``all`` give truth values, like a
comparison (``bt.where`` consumes them; on the tape ``if np.any(x > 0):`` works, on
the symbolic engine it raises as any branch on a node does). ``count_nonzero`` gives
the count as a float (numpy gives an int): its derivative is 0, and the float divides
(``np.sum(x) / np.count_nonzero(x)``). All three are composites of a comparison, a
``where`` and a sum, so the table needs no entry for them.

An index is different: ``x[np.argmax(x)]`` needs the index as a number to build the
graph, and a symbolic node has none. Both engines refuse the arg functions alike,
pointing to ``np.max`` (whose gradient goes to the arg max) and ``x.value``.
"""

import numpy as np

from .. import primitives as P
from .arguments import axes_of, refuse, where_given
from .numpy_api import implements, refuses


def nonzero_count(op, x, axis, keepdims):
    """How many entries of ``x`` over ``axis`` are not 0 (a float, derivative 0)."""
    hits = P.where_p(P.not_equal_p(x, 0.0), 1.0, 0.0)
    return P.sum_p(hits, axis=axes_of(op, x, axis), keepdims=bool(keepdims))


@implements(np.count_nonzero)
def count_nonzero(x, axis=None, *, keepdims=False):
    """The number of nonzero entries over ``axis``, as a float (no derivative)."""
    return nonzero_count("count_nonzero", x, axis, keepdims)


@implements(np.any)
def any(x, axis=None, out=None, keepdims=False, *, where=True):
    """Whether some entry over ``axis`` is nonzero: a truth value (no derivative)."""
    refuse("any", out=out is not None, where=where_given(where))
    return P.greater_p(nonzero_count("any", x, axis, keepdims), 0.0)


@implements(np.all)
def all(x, axis=None, out=None, keepdims=False, *, where=True):
    """Whether every entry over ``axis`` is nonzero: a truth value (no derivative)."""
    refuse("all", out=out is not None, where=where_given(where))
    zeros = P.sum_p(P.where_p(P.equal_p(x, 0.0), 1.0, 0.0), axis=axes_of("all", x, axis),
                    keepdims=bool(keepdims))
    return P.equal_p(zeros, 0.0)


INDEX_REFUSED = (
    "an index has no derivative, and a symbolic node has no value to take it from, so "
    "x[np.argmax(x)] cannot be built on either engine. For the largest or smallest entry "
    "use np.max(x) or np.min(x) (x.max(), x.min()): the gradient goes to the arg max "
    "(shared equally among ties). To read an index on purpose, take it of x.value on the "
    "tape, or compute it outside the differentiated function.")

refuses(np.argmax, np.argmin, np.argsort, why=INDEX_REFUSED)
refuses(np.argpartition, why=INDEX_REFUSED)
refuses(np.partition, why=(
    "the order numpy leaves inside each side of the kth entry is not specified, so a "
    "gradient could not follow numpy's values; use np.sort(x) (whose gradient follows the "
    "permutation) and take the entries you need."))
