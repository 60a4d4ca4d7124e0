"""numpy.linalg: ``norm`` (a composite), ``det``, ``slogdet``, ``inv``, ``solve`` (entries).

The matrix norms ``ord='nuc'``, ``2`` and ``-2`` are the sum, the largest and the smallest
of the singular values (:func:`~backprop_toolkit.ops.decompositions.svdvals`): their
gradient is ``U V^T`` (``u_1 v_1^T``, ``u_k v_k^T``) where the singular values are distinct
and nonzero.

``np.linalg.det``, ``inv`` and ``solve`` dispatch through ``__array_function__``
like the rest of numpy, so they reach these ops on tensors and nodes.

**The 2-norm at zero.** ``|x|`` has no derivative at ``x = 0`` (numpy has no
opinion: it has no derivatives). Here its gradient there is **0**, the
smallest subgradient, on both engines and at every order: the norm is
``sqrt`` of the sum of squares ``s`` taken where ``s > 0`` only
(``where(s == 0, 0, sqrt(where(s == 0, 1, s)))``), so no ``0 / 0`` ever
appears. Away from 0 the gradient is ``x / |x|``. The same holds for the
Frobenius norm of a zero matrix.
"""

from collections import namedtuple

import numpy as np

from .. import primitives as P
from ..dispatch import ndim_of, shape_of
from .arguments import axes_of
from .decompositions import svdvals
from .diagonals import refuse, shape_error
from .numpy_api import implements
from .pointwise import abs, equal, neg, not_equal, sqrt, square, where
from .reductions import max, sum

SlogdetResult = namedtuple("SlogdetResult", "sign logabsdet")
MATRIX_ORDS = (None, "fro", 1, -1, np.inf, -np.inf, "nuc", 2, -2)


@implements(np.linalg.det)
def det(a):
    """The determinant of each matrix of a stack ``(..., n, n)``."""
    return P.det_p(a)


@implements(np.linalg.slogdet)
def slogdet(a):
    """``(sign, logabsdet)`` of each matrix of a stack: ``det = sign * exp(logabsdet)``,
    with ``logabsdet`` finite where ``det`` over- or underflows. ``sign`` has derivative 0."""
    return SlogdetResult(P.det_sign_p(a), P.logabsdet_p(a))


@implements(np.linalg.inv)
def inv(a):
    """The inverse of each matrix of a stack ``(..., n, n)``."""
    return P.inv_p(a)


@implements(np.linalg.solve)
def solve(a, b):
    """``x`` with ``a @ x = b``, as numpy 2 reads ``b``: a vector ``(n,)`` if it has one
    axis, else a stack of matrices ``(..., n, k)``; the batches broadcast."""
    if ndim_of(b) != 1:
        return P.solve_p(a, b)
    (n,) = shape_of(b)
    x = P.solve_p(a, P.reshape_p(b, shape=(n, 1)))
    return P.reshape_p(x, shape=shape_of(x)[:-1])


@implements(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """numpy's ``norm``. Vectors (``axis`` an int, or a 1-d ``x``): ``ord`` None/2,
    1, inf, -inf, 0 or any other number p (``sum |x|^p ^ 1/p``). Matrices (``axis`` a
    pair, or a 2-d ``x``): None/'fro', 1, -1, inf, -inf, and from the singular values
    'nuc' (their sum), 2 (the largest), -2 (the smallest). ``ord=None, axis=None``: the
    2-norm of all entries, any shape."""
    keepdims = bool(keepdims)
    if axis is None and ord is None:
        return _root_of_squares(x, axes_of("np.linalg.norm", x, None), keepdims)
    if axis is None:
        axis = tuple(range(ndim_of(x)))
        if len(axis) not in (1, 2):
            raise shape_error("np.linalg.norm", f"ord={ord!r} needs a 1-d or 2-d value or "
                                                f"axis=, got shape {shape_of(x)}")
    elif isinstance(axis, (int, np.integer)):
        axis = (axis,)
    axes = tuple(axes_of("np.linalg.norm", x, a)[0] for a in axis)
    if len(set(axes)) != len(axes) or len(axes) not in (1, 2):
        raise shape_error("np.linalg.norm", f"axis={axis!r}: give one axis (vectors) or "
                                            "two different axes (matrices)")
    if len(axes) == 1:
        return _vector_norm(x, ord, axes, keepdims)
    return _matrix_norm(x, ord, axes, keepdims)


def _root_of_squares(x, axes, keepdims):
    """``sqrt(sum(x^2))`` over ``axes``, with gradient 0 (not 0/0) where it is 0."""
    s = sum(square(x), axis=axes, keepdims=keepdims)
    zero = equal(s, 0.0)
    return where(zero, 0.0, sqrt(where(zero, 1.0, s)))


def _vector_norm(x, ord, axes, keepdims):
    if isinstance(ord, str):
        raise shape_error("np.linalg.norm", f"invalid norm order {ord!r} for vectors")
    if ord is None or ord == 2:
        return _root_of_squares(x, axes, keepdims)
    if ord == np.inf:
        return max(abs(x), axis=axes, keepdims=keepdims)
    if ord == -np.inf:
        return neg(max(neg(abs(x)), axis=axes, keepdims=keepdims))
    if ord == 0:  # the number of nonzero entries: integer-valued, derivative 0
        return sum(where(not_equal(x, 0.0), 1.0, 0.0), axis=axes, keepdims=keepdims)
    if ord == 1:
        return sum(abs(x), axis=axes, keepdims=keepdims)
    ord = float(ord)
    return sum(abs(x) ** ord, axis=axes, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    """Frobenius, the largest (smallest) absolute column (1) or row (inf) sum, or from the
    singular values."""
    if ord not in MATRIX_ORDS:
        raise refuse("np.linalg.norm", f"ord={ord!r} is not a matrix norm; supported: "
                                       "None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf")
    if ord is None or ord == "fro":
        return _root_of_squares(x, axes, keepdims)
    if ord in ("nuc", 2, -2):
        return _singular_value_norm(x, ord, axes, keepdims)
    row, col = axes
    summed, largest = (row, col) if ord in (1, -1) else (col, row)
    sums = sum(abs(x), axis=summed, keepdims=True)
    sign = 1.0 if ord in (1, np.inf) else -1.0
    result = sign * max(sign * sums, axis=largest, keepdims=True)
    if keepdims:
        return result
    return P.reshape_p(result, shape=tuple(n for i, n in enumerate(shape_of(result))
                                           if i not in axes))


def _singular_value_norm(x, ord, axes, keepdims):
    """The sum ('nuc'), largest (2) or smallest (-2) singular value of the matrices in
    ``axes``, moved last as numpy does."""
    shape = shape_of(x)
    rest = tuple(i for i in range(len(shape)) if i not in axes)
    s = svdvals(P.transpose_p(x, axes=rest + axes))
    last = len(rest)
    result = sum(s, axis=last) if ord == "nuc" else max(s, axis=last) if ord == 2 \
        else neg(max(neg(s), axis=last))
    if not keepdims:
        return result
    return P.reshape_p(result, shape=tuple(1 if i in axes else n for i, n in enumerate(shape)))
