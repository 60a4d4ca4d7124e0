"""The table's linear algebra: ``einsum`` (two-operand contractions), ``det``, ``inv``, ``solve``.

``einsum(a, b, spec)`` is the one contraction entry: ``tensordot``, ``dot``,
``inner``, ``outer``, ``kron`` and numpy's whole ``einsum`` (any number of
operands, ``...``, repeated indices) are composites in
:mod:`backprop_toolkit.ops.einsum`. The op hands the entry a spec it can
transpose directly: two operands, no index twice in one term, and every index
of an operand also in the other operand or in the output (diagonals, lone sums
and size-1 broadcasting are done before, by ``reshape``, ``getitem`` and
``sum``). Then the entry is bilinear, and its VJP for one operand is another
contraction: swap that operand's indices with the output's,

    c = einsum("ij,jk->ik", a, b)   ->   a_bar = einsum("ik,jk->ij", g, b).

Its forward is one (batched) matrix product (``np.matmul``, BLAS), never
numpy's loop-based ``np.einsum``.

The matrix functions work on stacks ``(..., n, n)``, as numpy's do:

* ``det``:  d det(A) = det(A) tr(A^-1 dA),  so  A_bar = g det(A) A^-T;
* ``logabsdet`` (numpy's ``slogdet(A)[1]``): A_bar = g A^-T;
* ``det_sign`` (``slogdet(A)[0]``): piecewise constant, derivative 0;
* ``inv``:  d A^-1 = -A^-1 dA A^-1,  so  A_bar = -A^-T g A^-T;
* ``solve(A, B) = A^-1 B`` for ``B`` of shape ``(..., n, k)``:
  B_bar = A^-T g,  A_bar = -B_bar X^T  (``X`` the output).

At a singular matrix ``det``'s rules need ``inv`` and raise, as ``inv`` does.
"""

import functools
import math

import numpy as np

from ..dispatch import Primitive, shape_of
from ..shapes import einsum_plan, einsum_shape, einsum_transpose, solve_shape, square_batch
from .elementwise import neg_p
from .linear import matmul_p, reshape_p, sum_to_p, swap_last
from .reductions import sum_p
from .table import register


# -- einsum(a, b, spec): a two-operand contraction, bilinear ---------------------
def _einsum_impl(a, b, spec):
    """``np.einsum(spec, a, b)``, computed as one (batched) matrix product."""
    a = a if type(a) is np.ndarray else np.asarray(a)
    b = b if type(b) is np.ndarray else np.asarray(b)
    perm_a, shape_a, perm_b, shape_b, product, shape, perm = einsum_recipe(spec, a.shape,
                                                                          b.shape)
    if perm_a is not None:
        a = a.transpose(perm_a)
    if perm_b is not None:
        b = b.transpose(perm_b)
    out = product(a.reshape(shape_a), b.reshape(shape_b)).reshape(shape)
    return out if perm is None else out.transpose(perm)


@functools.lru_cache(maxsize=1024)
def einsum_recipe(spec, a, b):
    """How :func:`_einsum_impl` runs ``spec`` on operands of shapes ``a`` and ``b``: the
    operands' permutations (``None``: none) and matrix shapes, the product (``matmul``,
    or ``multiply`` when nothing is summed), the product's shape and permutation."""
    p = einsum_plan(spec)
    at, bt = tuple(a[i] for i in p.perm_a), tuple(b[i] for i in p.perm_b)
    batch, free_a = at[:p.batch], at[p.batch:p.batch + p.free_a]
    free_b = bt[len(bt) - p.free_b:]
    inner = math.prod(at[p.batch + p.free_a:])
    lead = (math.prod(batch),) if p.batch else ()
    keep = lambda perm: None if perm == tuple(range(len(perm))) else perm  # noqa: E731
    return (keep(p.perm_a), lead + (math.prod(free_a), inner), keep(p.perm_b),
            lead + (inner, math.prod(free_b)), np.multiply if inner == 1 else np.matmul,
            batch + free_a + free_b, keep(p.out_perm))


einsum_p = register(Primitive(
    "einsum", _einsum_impl, einsum_shape,
    # bilinear; the cotangent of one operand contracts g with the other operand
    vjp=[lambda g, out, a, b, spec: einsum_p(g, b, spec=einsum_transpose(spec, 0)),
         lambda g, out, a, b, spec: einsum_p(a, g, spec=einsum_transpose(spec, 1))],
    jvp=[lambda t, out, a, b, spec: einsum_p(t, b, spec=spec),      # d(ab) = (da) b + a (db)
         lambda t, out, a, b, spec: einsum_p(a, t, spec=spec)],
    doc="einsum(a, b, spec), e.g. spec='ij,jk->ik': a contraction of two operands (each "
        "index in the other operand or the output, none twice in a term).  Bilinear; "
        "VJP for a: einsum(g, b) with a's and the output's indices swapped ('ik,jk->ij')."))


# -- determinants -------------------------------------------------------------------
def _as_matrices(g):
    """``g`` (one number per matrix of a stack) with two axes of 1 appended, to scale them."""
    return reshape_p(g, shape=shape_of(g) + (1, 1))


def _inv_transpose(a):
    return swap_last(inv_p(a))


def _trace_with(m, t):
    """``tr(m^T t)`` for each matrix of the stacks ``m`` and ``t``: sum of ``m * t``."""
    n = len(shape_of(t))
    return sum_p(m * t, axis=(n - 2, n - 1), keepdims=False)


det_p = register(Primitive(
    "det", np.linalg.det, lambda a: square_batch(a),
    # d det(A) = det(A) tr(A^-1 dA):  A_bar = g det(A) A^-T
    vjp=[lambda g, out, a: _as_matrices(g * out) * _inv_transpose(a)],
    jvp=[lambda t, out, a: out * _trace_with(_inv_transpose(a), t)],
    doc="det(A) of each matrix of a stack (..., n, n).  d det = det(A) tr(A^-1 dA): "
        "VJP = g det(A) A^-T (raises at a singular A, where A^-1 does not exist)."))
logabsdet_p = register(Primitive(
    "logabsdet", lambda a: np.linalg.slogdet(a)[1], lambda a: square_batch(a),
    # d log|det A| = tr(A^-1 dA):  A_bar = g A^-T
    vjp=[lambda g, out, a: _as_matrices(g) * _inv_transpose(a)],
    jvp=[lambda t, out, a: _trace_with(_inv_transpose(a), t)],
    doc="logabsdet(A) = log|det A| (numpy's slogdet(A)[1]), stable where det over- or "
        "underflows.  VJP = g A^-T."))
det_sign_p = register(Primitive(
    "det_sign", lambda a: np.linalg.slogdet(a)[0], lambda a: square_batch(a), [None], [None],
    doc="det_sign(A) in {-1, 0, 1} (numpy's slogdet(A)[0]): piecewise constant, "
        "derivative 0."))


# -- inverse and solve ----------------------------------------------------------------
inv_p = register(Primitive(
    "inv", np.linalg.inv, lambda a: square_batch(a) + tuple(a[-2:]),
    # d A^-1 = -A^-1 dA A^-1:  A_bar = -A^-T g A^-T
    vjp=[lambda g, out, a: neg_p(matmul_p(matmul_p(swap_last(out), g), swap_last(out)))],
    jvp=[lambda t, out, a: neg_p(matmul_p(matmul_p(out, t), out))],
    doc="inv(A) of each matrix of a stack (..., n, n).  d A^-1 = -A^-1 dA A^-1: "
        "VJP = -A^-T g A^-T."))


def _solve_vjp_b(g, out, a, b):
    """B_bar = A^-T g, summed over the batch axes ``b`` was broadcast along."""
    return sum_to_p(solve_p(swap_last(a), g), shape=shape_of(b))


def _solve_vjp_a(g, out, a, b):
    """A_bar = -B_bar X^T, with B_bar before summing (one per matrix of the batch)."""
    b_bar = solve_p(swap_last(a), g)
    return neg_p(sum_to_p(matmul_p(b_bar, swap_last(out)), shape=shape_of(a)))


solve_p = register(Primitive(
    "solve", np.linalg.solve, solve_shape,
    vjp=[_solve_vjp_a, _solve_vjp_b],
    # X = A^-1 B:  dX = A^-1 (dB - dA X)
    jvp=[lambda t, out, a, b: solve_p(a, neg_p(matmul_p(t, out))),
         lambda t, out, a, b: solve_p(a, t)],
    doc="solve(A, B) = A^-1 B for stacks A (..., n, n), B (..., n, k), batches broadcast.  "
        "VJP: B_bar = A^-T g, A_bar = -B_bar X^T."))
