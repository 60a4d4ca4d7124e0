"""numpy.linalg's decompositions: ``eigh``, ``eigvalsh``, ``svd``, ``svdvals``,
``cholesky``, ``pinv`` and ``matrix_power``; ``eig`` and ``eigvals`` are refused.

The table's entries (:mod:`backprop_toolkit.primitives.decompositions`) pack several
results into one array; the ops here cut them apart and return numpy's named tuples
(``w, v = np.linalg.eigh(a)``; ``np.linalg.svd(a).S``).

**One triangle.** numpy's ``eigh``, ``eigvalsh`` and ``cholesky`` read one triangle of
their input (``UPLO='L'``: the lower one, the diagonal included) and ignore the other.
So does the derivative here: the function of ``a`` is that of the symmetric matrix
``S = where(i >= j, a, a^T)``, so ``a``'s gradient is 0 in the ignored triangle and, below
the diagonal, ``S``'s gradient at ``(i, j)`` plus its gradient at ``(j, i)``; central
differences of numpy's own functions give the same numbers. (A function of a matrix that
is symmetric anyway, ``np.linalg.cholesky(x @ x.T)``, sees no difference.)

**Where there is no derivative**: repeated eigenvalues or singular values (the vectors
are not unique), a zero singular value of a tall or wide matrix, a change of rank in
``pinv``: see the table's module. ``svd`` with ``full_matrices=True`` of a non-square
matrix is refused: its extra columns are any basis of a complement, with no derivative.
"""

from collections import namedtuple

import numpy as np

from .. import primitives as P
from ..dispatch import float_dtype, ndim_of, shape_of
from ..primitives.linear import swap_last
from .diagonals import refuse, shape_error
from .numpy_api import implements, refuses

EighResult = namedtuple("EighResult", "eigenvalues eigenvectors")
SVDResult = namedtuple("SVDResult", "U S Vh")
NO_VALUE = object()  # numpy's "not given" for pinv's rtol=


def _matrices(function, a, square=True):
    """``(m, n)`` of the stack of matrices ``a``, checked (square unless told)."""
    shape = shape_of(a)
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        what = "square matrices (..., n, n)" if square else "matrices (..., m, n)"
        raise shape_error(function, f"needs a stack of {what}, got shape {shape}")
    return shape[-2], shape[-1]


def _rows(x, rows):
    return P.getitem_p(x, index=(slice(None),) * (ndim_of(x) - 2) + (rows,))


def symmetric_from_triangle(function, a, uplo="L"):
    """The symmetric matrix numpy reads from one triangle of ``a``: ``a`` where ``i >= j``
    (``uplo='L'``) or ``i <= j`` (``'U'``), ``a^T`` elsewhere."""
    if not isinstance(uplo, str) or uplo.upper() not in ("L", "U"):
        raise shape_error(function, f"UPLO must be 'L' or 'U', got {uplo!r}")
    n, _ = _matrices(function, a)
    lower = np.tri(n, dtype=bool)
    return P.where_p(lower if uplo.upper() == "L" else lower.T, a, swap_last(a))


@implements(np.linalg.eigh)
def eigh(a, UPLO="L"):
    """``(eigenvalues, eigenvectors)`` of each symmetric matrix of a stack, the eigenvalues
    ascending, ``a = V diag(w) V^T``; only the ``UPLO`` triangle of ``a`` is read."""
    packed = P.eigh_p(symmetric_from_triangle("np.linalg.eigh", a, UPLO), uplo=UPLO.upper())
    return EighResult(_rows(packed, 0), _rows(packed, slice(1, None)))


@implements(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    """The eigenvalues of :func:`eigh`, ascending."""
    return eigh(a, UPLO).eigenvalues


@implements(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``(U, S, Vh)`` with ``a = U diag(S) Vh``, ``S`` descending, or ``S`` alone
    (``compute_uv=False``). Thin (``full_matrices=False``) for any shape; numpy's default
    ``full_matrices=True`` only for square matrices, where both are the same."""
    m, n = _matrices("np.linalg.svd", a, square=False)
    if hermitian:
        raise refuse("np.linalg.svd", "hermitian=True is not supported; use np.linalg.eigh "
                                      "for a symmetric matrix, or hermitian=False")
    if full_matrices and compute_uv and m != n:
        raise refuse("np.linalg.svd", f"full_matrices=True for a {m} x {n} matrix has no "
                                      "derivative (its extra columns are any basis of a "
                                      "complement); pass full_matrices=False for the thin SVD")
    packed = P.svd_p(a)
    if not compute_uv:
        return _rows(packed, m)
    return SVDResult(_rows(packed, slice(0, m)), _rows(packed, m),
                     swap_last(_rows(packed, slice(m + 1, None))))


@implements(np.linalg.svdvals)
def svdvals(x):
    """The singular values of each matrix of a stack, descending."""
    return svd(x, compute_uv=False)


@implements(np.linalg.cholesky)
def cholesky(a, upper=False):
    """``L`` (lower triangular, ``a = L L^T``) of each symmetric positive definite matrix,
    read from the lower triangle; ``upper=True``: ``L^T``, read from the upper one."""
    if upper:
        return swap_last(P.cholesky_p(symmetric_from_triangle("np.linalg.cholesky", a, "U")))
    return P.cholesky_p(symmetric_from_triangle("np.linalg.cholesky", a, "L"))


@implements(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=NO_VALUE):
    """The Moore-Penrose pseudo-inverse, numpy's cutoff included (singular values below
    ``rcond`` (or ``rtol``) times the largest count as 0); ``hermitian=True`` reads the
    lower triangle. Its derivative holds where the rank does not change."""
    m, n = _matrices("np.linalg.pinv", a, square=hermitian)
    if rcond is None:
        rcond = 1e-15 if rtol is NO_VALUE else \
            max(m, n) * np.finfo(float_dtype(a)).eps if rtol is None else rtol
    elif rtol is not NO_VALUE:
        raise shape_error("np.linalg.pinv", "rtol and rcond can't both be set")
    if np.ndim(rcond) != 0:
        raise refuse("np.linalg.pinv", "an rcond per matrix is not supported; give one number")
    if hermitian:
        a = symmetric_from_triangle("np.linalg.pinv", a, "L")
    return P.pinv_p(a, rcond=float(rcond))


@implements(np.linalg.matrix_power)
def matrix_power(a, n):
    """``a @ a @ ... @ a`` (``n`` factors; ``inv(a)`` ones for ``n < 0``), by repeated
    squaring as numpy does; ``n = 0`` gives identities, a constant (derivative 0)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise shape_error("np.linalg.matrix_power", f"exponent must be an integer, got {n!r}")
    size, _ = _matrices("np.linalg.matrix_power", a)
    if n == 0:
        return np.broadcast_to(np.eye(size, dtype=float_dtype(a)), shape_of(a)).copy()
    if n < 0:
        a, n = P.inv_p(a), -int(n)
    if n <= 3:
        return a if n == 1 else P.matmul_p(a, a) if n == 2 else P.matmul_p(P.matmul_p(a, a), a)
    square = result = None
    while n > 0:
        square = a if square is None else P.matmul_p(square, square)
        n, bit = divmod(n, 2)
        if bit:
            result = square if result is None else P.matmul_p(result, square)
    return result


refuses(np.linalg.eig, np.linalg.eigvals,
        why="the eigenvalues and eigenvectors of a general real matrix are complex in "
            "general, and the toolkit differentiates real values only. For a symmetric "
            "matrix use np.linalg.eigh (or eigvalsh); for a general one, np.linalg.svd.")
