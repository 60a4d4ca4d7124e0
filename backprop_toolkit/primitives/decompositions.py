"""The table's matrix decompositions: ``eigh``, ``svd``, ``cholesky``, and ``pinv``.

Each works on stacks ``(..., m, n)``, as numpy's do. A decomposition has several
results (eigenvalues *and* eigenvectors) but an entry has one output, so the
results are **packed** into one array that the op (:mod:`backprop_toolkit.ops.
decompositions`) cuts apart with ``getitem``: one decomposition per call, and the rules
read every result from ``out`` instead of decomposing again.

* ``eigh(A)`` of the symmetric part ``S = (A + A^T)/2`` (numpy reads one triangle; the op
  builds the symmetric matrix from it): packed ``(..., n + 1, n)``, the eigenvalues ``w``
  as a row above the eigenvectors ``V`` (``S = V diag(w) V^T``). With
  ``F_ij = 1/(w_j - w_i)`` off the diagonal and 0 on it,

      dw = diag(V^T dS V),   dV = V (F o (V^T dS V)),
      A_bar = sym(V (diag(w_bar) + F o (V^T V_bar)) V^T).

* ``svd(A)``, the thin SVD ``A = U diag(s) V^T`` of an ``m x n`` matrix, ``k = min(m, n)``:
  packed ``(..., m + 1 + n, k)``: ``U`` (m x k), ``s`` as a row, ``V`` (n x k). With
  ``F_ij = 1/(s_j^2 - s_i^2)`` and ``dP = U^T dA V``,

      ds = diag(dP),   dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1,
      dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1,
      A_bar = U [(F o (J - J^T)) S + diag(s_bar) + S (F o (K - K^T))] V^T
              + (I - U U^T) U_bar S^-1 V^T + U S^-1 V_bar^T (I - V V^T)

  with ``J = U^T U_bar``, ``K = V^T V_bar`` (Townsend 2016); the last two terms only for a
  tall (``m > n``) or wide (``m < n``) matrix, where they are not zero.

* ``cholesky(A) = L`` of the symmetric part, ``S = L L^T``, ``L`` lower triangular. With
  ``Phi(X)`` the lower triangle of ``X`` with its diagonal halved (Murray 2016),

      dL = L Phi(L^-1 dS L^-T),   A_bar = sym(L^-T Phi(L^T L_bar) L^-1).

* ``pinv(A, rcond) = A^+``, numpy's pseudo-inverse; at a matrix of constant rank
  (Golub and Pereyra 1973),

      dA^+ = -A^+ dA A^+ + A^+ A^+^T dA^T (I - A A^+) + (I - A^+ A) dA^T A^+^T A^+.

**Where there is no derivative.** Repeated eigenvalues (singular values) leave the
eigenvectors (singular vectors) undefined: ``F`` is infinite there. The rules take
``F_ij = 0`` where ``w_i == w_j`` exactly (the diagonal, and exact ties), so the
eigenvalues' own derivative stays right and nothing is ``nan``; derivatives of the
vectors near a tie are large, as they truly are. A tall or wide SVD divides by the
singular values: a zero one gives ``inf``. ``cholesky`` of a matrix that is not positive
definite fails as numpy does; ``pinv``'s derivative assumes the rank does not change.
"""

import numpy as np

from ..dispatch import Primitive, shape_of
from ..shapes import cholesky_shape, eigh_shape, pinv_shape, svd_shape
from .elementwise import equal_p, greater_p, where_p
from .linalg import solve_p
from .linear import broadcast_to_p, getitem_p, matmul_p, reshape_p, swap_last
from .reductions import cumsum_p, sum_p
from .shape import concatenate_p
from .table import register


# -- helpers: rows, columns, the symmetric part, the inverse gaps -----------------------
def _row(x):
    """A stack of vectors ``(..., n)`` as rows ``(..., 1, n)``: scales a matrix's columns."""
    shape = shape_of(x)
    return reshape_p(x, shape=shape[:-1] + (1, shape[-1]))


def _col(x):
    """A stack of vectors ``(..., n)`` as columns ``(..., n, 1)``: scales a matrix's rows."""
    shape = shape_of(x)
    return reshape_p(x, shape=shape + (1,))


def _sym(x):
    """``(X + X^T) / 2``: the symmetric part."""
    return (x + swap_last(x)) * 0.5


def _rows(x, rows):
    """``x[..., rows, :]`` (``rows`` an int or a slice) of a stack of matrices."""
    return getitem_p(x, index=(slice(None),) * (len(shape_of(x)) - 2) + (rows,))


def _inverse_gaps(w):
    """``F_ij = 1 / (w_j - w_i)``, and 0 where ``w_j == w_i`` (the diagonal, exact ties)."""
    gap = _row(w) - _col(w)
    tie = equal_p(gap, 0.0)
    return where_p(tie, 0.0, 1.0 / where_p(tie, 1.0, gap))


def _diagonal_of_product(x, y):
    """``diag(X^T Y)`` as a row ``(..., 1, n)``: the column sums of ``X * Y``."""
    n = len(shape_of(y))
    return sum_p(x * y, axis=(n - 2,), keepdims=True)


# -- eigh: eigenvalues and eigenvectors of the symmetric part ----------------------------
def _eigh_impl(a, uplo):
    w, v = np.linalg.eigh(0.5 * (a + np.swapaxes(a, -1, -2)), UPLO=uplo)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eigh_vjp(g, out, a, uplo):
    w, v = _rows(out, 0), _rows(out, slice(1, None))
    g_w, g_v = _rows(g, 0), _rows(g, slice(1, None))
    inner = _inverse_gaps(w) * matmul_p(swap_last(v), g_v)
    return _sym(matmul_p(v * _row(g_w) + matmul_p(v, inner), swap_last(v)))


def _eigh_jvp(t, out, a, uplo):
    w, v = _rows(out, 0), _rows(out, slice(1, None))
    st_v = matmul_p(_sym(t), v)                                        # dS V
    d_v = matmul_p(v, _inverse_gaps(w) * matmul_p(swap_last(v), st_v))
    return concatenate_p(_diagonal_of_product(v, st_v), d_v, axis=len(shape_of(out)) - 2)


eigh_p = register(Primitive(
    "eigh", _eigh_impl, eigh_shape, vjp=[_eigh_vjp], jvp=[_eigh_jvp],
    doc="eigh(A, uplo) of the symmetric part S = (A + A^T)/2, packed: the eigenvalues w as "
        "a row above the eigenvectors V, (..., n + 1, n).  With F_ij = 1/(w_j - w_i) (0 on "
        "ties): VJP sym(V (diag(w_bar) + F o (V^T V_bar)) V^T).  uplo is numpy's, for its "
        "exact values; it does not change the function."))


# -- svd: the thin singular value decomposition ----------------------------------------
def _svd_impl(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)


def _svd_parts(x, m):
    return _rows(x, slice(0, m)), _rows(x, m), _rows(x, slice(m + 1, None))


def _svd_vjp(g, out, a):
    m, n = shape_of(a)[-2:]
    u, s, v = _svd_parts(out, m)
    g_u, g_s, g_v = _svd_parts(g, m)
    f = _inverse_gaps(s * s)
    j, k = matmul_p(swap_last(u), g_u), matmul_p(swap_last(v), g_v)
    inner = f * (j - swap_last(j)) * _row(s) + _col(s) * (f * (k - swap_last(k)))
    left = matmul_p(u, inner) + u * _row(g_s)
    if m > n:                                       # (I - U U^T) U_bar S^-1
        left = left + (g_u - matmul_p(u, j)) / _row(s)
    a_bar = matmul_p(left, swap_last(v))
    if m < n:                                       # U S^-1 V_bar^T (I - V V^T)
        a_bar = a_bar + matmul_p(u / _row(s), swap_last(g_v - matmul_p(v, k)))
    return a_bar


def _svd_jvp(t, out, a):
    m, n = shape_of(a)[-2:]
    u, s, v = _svd_parts(out, m)
    f, s_row, s_col = _inverse_gaps(s * s), _row(s), _col(s)
    t_v, tt_u = matmul_p(t, v), matmul_p(swap_last(t), u)              # dA V, dA^T U
    dp = matmul_p(swap_last(u), t_v)                                   # U^T dA V
    d_u = matmul_p(u, f * (dp * s_row + s_col * swap_last(dp)))
    d_v = matmul_p(v, f * (s_col * dp + swap_last(dp) * s_row))
    if m > n:
        d_u = d_u + (t_v - matmul_p(u, dp)) / s_row
    if m < n:
        d_v = d_v + (tt_u - matmul_p(v, swap_last(dp))) / s_row
    return concatenate_p(d_u, _diagonal_of_product(u, t_v), d_v, axis=len(shape_of(out)) - 2)


svd_p = register(Primitive(
    "svd", _svd_impl, svd_shape, vjp=[_svd_vjp], jvp=[_svd_jvp],
    doc="svd(A): the thin SVD A = U diag(s) V^T, packed (..., m + 1 + n, k): U, s as a row, "
        "V.  VJP: U [(F o (J - J^T)) S + diag(s_bar) + S (F o (K - K^T))] V^T (+ the "
        "(I - U U^T) and (I - V V^T) terms of a tall or wide A), F_ij = 1/(s_j^2 - s_i^2), "
        "J = U^T U_bar, K = V^T V_bar."))


# -- cholesky: S = L L^T ----------------------------------------------------------------
def _lower_weights(n):
    """The constant ``Phi`` multiplies by: 1 below the diagonal, 1/2 on it, 0 above. Row and
    column numbers are running sums of ones (a constant: no derivative flows here)."""
    ones = broadcast_to_p(1.0, shape=(n, n))
    row, col = cumsum_p(ones, axis=0, reverse=False), cumsum_p(ones, axis=1, reverse=False)
    return where_p(greater_p(row, col), 1.0, where_p(equal_p(row, col), 0.5, 0.0))


def _phi(x):
    return x * _lower_weights(shape_of(x)[-1])


def _cholesky_vjp(g, out, a):
    lt = swap_last(out)
    c = solve_p(lt, _phi(matmul_p(lt, g)))              # L^-T Phi(L^T g)
    return _sym(solve_p(lt, swap_last(c)))              # sym(C L^-1) = sym(L^-T C^T)


def _cholesky_jvp(t, out, a):
    y = solve_p(out, _sym(t))                           # L^-1 dS
    return matmul_p(out, _phi(solve_p(out, swap_last(y))))    # L Phi(L^-1 dS L^-T)


cholesky_p = register(Primitive(
    "cholesky", lambda a: np.linalg.cholesky(0.5 * (a + np.swapaxes(a, -1, -2))),
    cholesky_shape, vjp=[_cholesky_vjp], jvp=[_cholesky_jvp],
    doc="cholesky(A) = L, lower triangular, with L L^T the symmetric part of A.  JVP: "
        "L Phi(L^-1 dS L^-T), Phi the lower triangle with its diagonal halved; VJP: "
        "sym(L^-T Phi(L^T g) L^-1)."))


# -- pinv: the Moore-Penrose pseudo-inverse, at constant rank ------------------------------
def _pinv_vjp(g, out, a, rcond):
    pt, gt = swap_last(out), swap_last(g)
    x = matmul_p(gt, matmul_p(out, pt))                 # g^T A+ A+^T
    y = matmul_p(matmul_p(pt, out), gt)                 # A+^T A+ g^T
    return (x - matmul_p(a, matmul_p(out, x)) + y - matmul_p(matmul_p(y, out), a)
            - matmul_p(matmul_p(pt, g), pt))


def _pinv_jvp(t, out, a, rcond):
    pt, tt = swap_last(out), swap_last(t)
    x = matmul_p(matmul_p(out, pt), tt)                 # A+ A+^T dA^T
    y = matmul_p(tt, matmul_p(pt, out))                 # dA^T A+^T A+
    return (x - matmul_p(matmul_p(x, a), out) + y - matmul_p(out, matmul_p(a, y))
            - matmul_p(matmul_p(out, t), out))


pinv_p = register(Primitive(
    "pinv", lambda a, rcond: np.linalg.pinv(a, rcond=rcond), pinv_shape,
    vjp=[_pinv_vjp], jvp=[_pinv_jvp],
    doc="pinv(A, rcond) = A^+ (singular values below rcond * the largest count as 0).  At "
        "constant rank: VJP -A+^T g A+^T + (I - A A+) g^T A+ A+^T + A+^T A+ g^T (I - A+ A)."))
