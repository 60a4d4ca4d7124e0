"""Sample calls of every numpy function the op language gives a meaning to.

``tests/test_numpy_functions.py`` runs each sample as *numpy code* on tape
tensors and symbolic nodes (``np.sin(x)``, not ``bt.sin(x)``): the values must
be numpy's, and the derivatives pass ``bt.check_function`` (reverse, forward,
second order, against central differences) on both engines. The coverage
table of the docs (``docs/coverage.py`` writes ``docs/numpy_coverage.md``) is
made from the same samples, so a function without samples is a failing test.

A sample is a :class:`Sample`: numpy code as a function of float arrays and
makers of those arrays (``rng -> array``). ``kind`` says what to check:

* ``"smooth"``: all four derivative checks (``second_order=False`` for
  functions whose second derivative is not defined where sampled);
* ``"zero"``: integer-valued (``floor``, ``sign``): the derivative is exactly 0;
* ``"boolean"``: truth values (``less``): only the values are checked;
* ``"metadata"``: not a value at all (``np.shape``): compared as it is.
"""

from typing import Callable, NamedTuple

import numpy as np

from primitive_examples import (away_from_zero, normal, positive, positive_definite, signed,
                                uniform, well_conditioned, with_zeros)


class Sample(NamedTuple):
    fun: Callable
    inputs: tuple
    kind: str = "smooth"
    second_order: bool = True


def unary(ufunc, make=normal(3, 2), **kw):
    return [Sample(lambda x: ufunc(x), (make,), **kw)]


def binary(ufunc, make_a=normal(3, 2), make_b=normal(2), **kw):
    return [Sample(lambda a, b: ufunc(a, b), (make_a, make_b), **kw)]


CORE = {
    np.add: binary(np.add), np.subtract: binary(np.subtract),
    np.multiply: binary(np.multiply),
    np.true_divide: binary(np.true_divide, normal(3, 2), away_from_zero(2)),
    np.negative: unary(np.negative),
    np.power: binary(np.power, positive(3, 2), normal(2)),
    np.exp: unary(np.exp), np.log: unary(np.log, positive(3, 2)),
    np.sin: unary(np.sin), np.cos: unary(np.cos), np.tanh: unary(np.tanh),
    np.sqrt: unary(np.sqrt, positive(3, 2)), np.square: unary(np.square),
    np.absolute: unary(np.absolute, away_from_zero(3, 2)),
    np.sign: unary(np.sign, away_from_zero(3, 2), kind="zero"),
    np.maximum: binary(np.maximum, normal(3, 2), lambda rng: rng.standard_normal(2) + 0.3),
    np.less: binary(np.less, kind="boolean"),
    np.less_equal: binary(np.less_equal, kind="boolean"),
    np.greater: binary(np.greater, kind="boolean"),
    np.greater_equal: binary(np.greater_equal, kind="boolean"),
    np.equal: binary(np.equal, kind="boolean"),
    np.not_equal: binary(np.not_equal, kind="boolean"),
    np.where: [Sample(lambda a, b: np.where(a > 0, a, b), (away_from_zero(3, 2), normal(2)))],
    np.matmul: [Sample(lambda a, b: np.matmul(a, b), (normal(3, 4), normal(4, 2))),
                Sample(lambda a, b: a @ b, (normal(4), normal(4, 2)))],
    np.sum: [Sample(lambda x: np.sum(x), (normal(3, 2),)),
             Sample(lambda x: np.sum(x, axis=0, keepdims=True), (normal(3, 2),))],
    np.mean: [Sample(lambda x: np.mean(x, axis=1), (normal(3, 2),))],
    np.max: [Sample(lambda x: np.max(x, axis=0), (normal(3, 2),))],
    np.amax: [Sample(lambda x: np.amax(x), (normal(3, 2),))],
    np.transpose: [Sample(lambda x: np.transpose(x), (normal(3, 2),))],
    np.reshape: [Sample(lambda x: np.reshape(x, (2, 3)), (normal(3, 2),))],
    np.broadcast_to: [Sample(lambda x: np.broadcast_to(x, (3, 2)), (normal(2),))],
    np.shape: [Sample(lambda x: np.shape(x), (normal(3, 2),), kind="metadata")],
    np.ndim: [Sample(lambda x: np.ndim(x), (normal(3, 2),), kind="metadata")],
}


def inside(low, high, *shape):
    """Inside a function's domain, away from its edges."""
    return uniform(low, high, *shape)


def bound(low, high):
    """A clip bound per column, [low, high] apart from the other's."""
    return uniform(low, high, 2)


REMAINDER_A, REMAINDER_B = signed(0.2, 1.4, 3, 2), signed(1.5, 2.0, 2)  # |a / b| in (0.1, 0.93)
CLIPPED = normal(4, 2)  # against the bounds +-0.5: no entry within 1e-6 of a bound

ELEMENTWISE = {
    np.tan: unary(np.tan, inside(-1.2, 1.2, 3, 2)),
    np.sinh: unary(np.sinh), np.cosh: unary(np.cosh),
    np.arcsin: unary(np.arcsin, inside(-0.9, 0.9, 3, 2)),
    np.arccos: unary(np.arccos, inside(-0.9, 0.9, 3, 2)),
    np.arctan: unary(np.arctan), np.arcsinh: unary(np.arcsinh),
    np.arccosh: unary(np.arccosh, inside(1.2, 3.0, 3, 2)),
    np.arctanh: unary(np.arctanh, inside(-0.9, 0.9, 3, 2)),
    np.arctan2: binary(np.arctan2, normal(3, 2), away_from_zero(2))
    + binary(np.arctan2, away_from_zero(3, 2), normal(3, 2)),
    np.hypot: binary(np.hypot, away_from_zero(3, 2), away_from_zero(2)),
    np.exp2: unary(np.exp2),
    np.expm1: unary(np.expm1) + unary(np.expm1, signed(1e-9, 1e-6, 3)),
    np.log2: unary(np.log2, positive(3, 2)), np.log10: unary(np.log10, positive(3, 2)),
    np.log1p: unary(np.log1p, inside(-0.5, 2.0, 3, 2)),
    np.logaddexp: binary(np.logaddexp)
    + binary(np.logaddexp, inside(999.0, 1001.0, 3), inside(-1001.0, 1001.0, 3)),
    np.logaddexp2: binary(np.logaddexp2)
    + binary(np.logaddexp2, inside(999.0, 1001.0, 3), inside(999.0, 1001.0, 3)),
    np.reciprocal: unary(np.reciprocal, away_from_zero(3, 2)),
    np.sinc: unary(np.sinc) + unary(np.sinc, signed(0.01, 0.2, 6)),
    np.cbrt: unary(np.cbrt, away_from_zero(3, 2)),
    np.fabs: unary(np.fabs, away_from_zero(3, 2)),
    np.positive: unary(np.positive) + [Sample(lambda x: +x, (normal(3),))],
    np.conjugate: unary(np.conjugate) + unary(np.conj),
    np.real: unary(np.real) + unary(np.real, normal()),
    np.float_power: binary(np.float_power, positive(3, 2), normal(2)),
    np.deg2rad: unary(np.deg2rad), np.radians: unary(np.radians),
    np.rad2deg: unary(np.rad2deg), np.degrees: unary(np.degrees),
    np.minimum: binary(np.minimum, normal(3, 2), lambda rng: rng.standard_normal(2) + 0.3),
    np.fmin: binary(np.fmin, normal(3, 2), lambda rng: rng.standard_normal(2) + 0.3),
    np.fmax: binary(np.fmax, normal(3, 2), lambda rng: rng.standard_normal(2) + 0.3),
    np.clip: [Sample(lambda x: np.clip(x, -0.5, 0.5), (CLIPPED,)),
              Sample(lambda x: np.clip(x, None, 0.5), (CLIPPED,)),
              Sample(lambda x: np.clip(x, a_min=-0.5, a_max=None), (CLIPPED,)),
              Sample(lambda x: np.clip(x, min=-0.5, max=0.5), (CLIPPED,)),
              Sample(lambda x: np.clip(x, max=0.5), (CLIPPED,)),
              Sample(lambda x, lo, hi: np.clip(x, lo, hi),     # array bounds, differentiable
                     (CLIPPED, bound(-1.0, -0.3), bound(0.3, 1.0))),
              Sample(lambda x, lo: np.clip(x, lo, 0.5), (CLIPPED, bound(-1.0, -0.3)))],
    np.remainder: binary(np.remainder, REMAINDER_A, REMAINDER_B)
    + [Sample(lambda a, b: a % b, (REMAINDER_A, REMAINDER_B))],
    np.fmod: binary(np.fmod, REMAINDER_A, REMAINDER_B),
    np.floor: unary(np.floor, kind="zero"), np.ceil: unary(np.ceil, kind="zero"),
    np.trunc: unary(np.trunc, kind="zero"), np.rint: unary(np.rint, kind="zero"),
    np.round: [Sample(lambda x: np.round(x), (normal(3, 2),), kind="zero"),
               Sample(lambda x: np.round(x, 2), (normal(3, 2),), kind="zero"),
               Sample(lambda x: np.round(x, decimals=-1), (uniform(-40, 40, 3),), kind="zero")],
    np.around: [Sample(lambda x: np.around(x, 1), (normal(3, 2),), kind="zero")],
}

def zeros_in(*shape):
    """Entries away from 0, with about a third of them exactly 0 (for counts and products)."""
    def make(rng):
        x = away_from_zero(*shape)(rng)
        return np.where(rng.uniform(size=shape) < 0.35, 0.0, x)
    return make


# Reductions: numpy's argument forms (axis None/int/negative/tuple, keepdims, positional).
REDUCTIONS = {
    np.sum: [Sample(lambda x: np.sum(x, axis=-1), (normal(3, 2),)),
             Sample(lambda x: np.sum(x, (0, 2)), (normal(2, 3, 2),)),
             Sample(lambda x: np.sum(x, 0, None, None, True), (normal(3, 2),)),   # positional
             Sample(lambda x: np.sum(x, axis=1, initial=2.5), (normal(3, 2),)),
             Sample(lambda x: np.sum(x, dtype=np.float64), (normal(3, 2),))],
    np.mean: [Sample(lambda x: np.mean(x), (normal(3, 2),)),
              Sample(lambda x: np.mean(x, axis=(0, -1), keepdims=True), (normal(2, 3, 2),))],
    np.max: [Sample(lambda x: np.max(x, axis=-1, keepdims=True), (normal(3, 4),)),
             Sample(lambda x: np.max(x, axis=1, initial=0.0), (normal(3, 4),))],
    np.prod: [Sample(lambda x: np.prod(x), (normal(2, 3),)),
              Sample(lambda x: np.prod(x, axis=1, keepdims=True), (normal(3, 4),)),
              Sample(lambda x: np.prod(x, axis=(0, -1)), (normal(2, 3, 2),)),
              Sample(lambda x: np.prod(x, axis=1), (with_zeros,)),          # 1 and 2 zeros a row
              Sample(lambda x: np.prod(x, axis=0, initial=2.0), (normal(3, 2),))],
    np.min: [Sample(lambda x: np.min(x), (normal(3, 4),)),
             Sample(lambda x: np.min(x, axis=0), (normal(3, 4),)),
             Sample(lambda x: np.min(x, axis=(-1,), keepdims=True), (normal(3, 4),)),
             Sample(lambda x: np.min(x, axis=1, initial=0.0), (normal(3, 4),))],
    np.amin: [Sample(lambda x: np.amin(x, 1), (normal(3, 4),))],
    np.var: [Sample(lambda x: np.var(x), (normal(3, 4),)),
             Sample(lambda x: np.var(x, axis=0, ddof=1), (normal(3, 4),)),
             Sample(lambda x: np.var(x, axis=-1, keepdims=True), (normal(3, 4),)),
             Sample(lambda x: np.var(x, (0, 2), None, None, 1), (normal(2, 3, 2),)),
             Sample(lambda x: np.var(x, axis=1, correction=1), (normal(3, 4),))],
    np.std: [Sample(lambda x: np.std(x), (normal(3, 4),)),
             Sample(lambda x: np.std(x, axis=1, ddof=1), (normal(3, 4),)),
             Sample(lambda x: np.std(x, axis=0, keepdims=True), (normal(3, 4),))],
    np.average: [Sample(lambda x: np.average(x), (normal(3, 4),)),
                 Sample(lambda x, w: np.average(x, weights=w), (normal(3, 4), positive(3, 4))),
                 Sample(lambda x, w: np.average(x, axis=1, weights=w), (normal(3, 4), positive(4))),
                 Sample(lambda x, w: np.average(x, axis=0, weights=w, keepdims=True),
                        (normal(3, 4), positive(3))),
                 Sample(lambda x, w: np.average(x, axis=(0, 1), weights=w),
                        (normal(3, 4), positive(3, 4)))],
    np.cumsum: [Sample(lambda x: np.cumsum(x), (normal(3, 2),)),              # flattened
                Sample(lambda x: np.cumsum(x, axis=0), (normal(3, 2),)),
                Sample(lambda x: np.cumsum(x, -1), (normal(2, 3, 4),))],
    np.cumprod: [Sample(lambda x: np.cumprod(x), (normal(2, 3),)),
                 Sample(lambda x: np.cumprod(x, axis=1), (normal(3, 5),)),
                 Sample(lambda x: np.cumprod(x, axis=-1), (with_zeros,)),
                 Sample(lambda x: np.cumprod(x, axis=0), (normal(4, 2),))],
    np.diff: [Sample(lambda x: np.diff(x), (normal(3, 4),)),
              Sample(lambda x: np.diff(x, n=2, axis=0), (normal(4, 3),)),
              Sample(lambda x: np.diff(x, 3), (normal(5),)),
              Sample(lambda x: np.diff(x, n=0), (normal(3),))],
    np.astype: [Sample(lambda x: np.astype(x > 0, np.float64) * x, (away_from_zero(3, 2),)),
                Sample(lambda x: np.astype(x, np.float64), (normal(3, 2),)),
                Sample(lambda x: np.astype(x, bool), (zeros_in(3, 4),), kind="boolean")],
    np.count_nonzero: [Sample(lambda x: np.count_nonzero(x), (zeros_in(3, 4),), kind="zero"),
                       Sample(lambda x: np.count_nonzero(x > 0, axis=1, keepdims=True) * x,
                              (away_from_zero(3, 4),), kind="smooth")],   # a float count
    np.any: [Sample(lambda x: np.any(x), (zeros_in(3, 4),), kind="boolean"),
             Sample(lambda x: np.any(x > 1.0, axis=0), (normal(3, 4),), kind="boolean"),
             Sample(lambda x: np.any(x, -1, keepdims=True), (zeros_in(3, 2),), kind="boolean")],
    np.all: [Sample(lambda x: np.all(x), (zeros_in(3, 4),), kind="boolean"),
             Sample(lambda x: np.all(x > -1.0, axis=1), (normal(3, 4),), kind="boolean"),
             Sample(lambda x: np.all(x, 0, keepdims=True), (zeros_in(3, 2),), kind="boolean")],
}


def merged(*families):
    """One dict of samples from several families (a function's lists are joined)."""
    out = {}
    for family in families:
        for function, samples in family.items():
            out[function] = out.get(function, []) + samples
    return out


def einsum(spec, *shapes):
    return Sample(lambda *xs: np.einsum(spec, *xs), tuple(normal(*s) for s in shapes))


def norm(make, **kw):
    return Sample(lambda x: np.linalg.norm(x, **kw), (make,))


LINALG = {
    np.einsum: [Sample(lambda a, b: np.einsum("...ij,...jk->...ik", a, b),   # no batch at all
                       (normal(0, 2, 3), normal(0, 3, 4))),
                einsum("ij,jk->ik", (3, 4), (4, 2)), einsum("ij,jk", (3, 4), (4, 2)),
                einsum("ii->i", (3, 3)), einsum("ii", (3, 3)), einsum("ji", (2, 3)),
                einsum("...ij,...jk->...ik", (2, 3, 4), (4, 2)),
                einsum("...i,...i", (3, 4), (1, 4)), einsum("i,ij,j->", (3,), (3, 4), (4,)),
                einsum("bij,bjk->bik", (2, 3, 4), (2, 4, 2)), einsum("iij->j", (2, 2, 3)),
                einsum("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)), einsum("i,j->ij", (3,), (2,)),
                einsum("ijk->", (2, 3, 2)), einsum("ij,j->i", (2, 1), (3,)),
                Sample(lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]),
                       (normal(3, 4), normal(4, 2)))],
    np.tensordot: [Sample(lambda a, b: np.tensordot(a, b), (normal(2, 3, 4), normal(3, 4, 2))),
                   Sample(lambda a, b: np.tensordot(a, b, axes=1), (normal(2, 3), normal(3, 4))),
                   Sample(lambda a, b: np.tensordot(a, b, axes=0), (normal(2), normal(3))),
                   Sample(lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])),
                          (normal(3, 4, 2), normal(4, 3, 2))),
                   Sample(lambda a, b: np.tensordot(a, b, axes=(-1, 0)),
                          (normal(3, 4), normal(4, 2)))],
    np.dot: [Sample(lambda a, b: np.dot(a, b), (normal(3, 4), normal(4, 2))),
             Sample(lambda a, b: np.dot(a, b), (normal(4), normal(4))),
             Sample(lambda a, b: np.dot(a, b), (normal(), normal(3, 2))),
             Sample(lambda a, b: np.dot(a, b), (normal(2, 3, 4), normal(4))),
             Sample(lambda a, b: np.dot(a, b), (normal(4), normal(2, 4, 3))),
             Sample(lambda a, b: np.dot(a, b), (normal(2, 3, 4), normal(2, 4, 3)))],
    np.inner: [Sample(lambda a, b: np.inner(a, b), (normal(2, 3), normal(4, 3))),
               Sample(lambda a, b: np.inner(a, b), (normal(3), normal(3))),
               Sample(lambda a, b: np.inner(a, b), (normal(), normal(3)))],
    np.outer: [Sample(lambda a, b: np.outer(a, b), (normal(3), normal(2))),
               Sample(lambda a, b: np.outer(a, b), (normal(2, 3), normal(2)))],
    np.vdot: [Sample(lambda a, b: np.vdot(a, b), (normal(2, 3), normal(6)))],
    np.kron: [Sample(lambda a, b: np.kron(a, b), (normal(2, 3), normal(3, 2))),
              Sample(lambda a, b: np.kron(a, b), (normal(2), normal(3, 2)))],
    np.cross: [Sample(lambda a, b: np.cross(a, b), (normal(3), normal(3))),
               Sample(lambda a, b: np.cross(a, b), (normal(4, 3), normal(3))),
               Sample(lambda a, b: np.cross(a, b, axisa=0, axisc=0), (normal(3, 4), normal(4, 3))),
               Sample(lambda a, b: np.cross(a, b, axis=1), (normal(2, 3, 2), normal(2, 3, 2)))],
    np.trace: [Sample(lambda a: np.trace(a), (normal(3, 3),)),
               Sample(lambda a: np.trace(a, offset=1), (normal(3, 4),)),
               Sample(lambda a: np.trace(a, -1, 2, 0), (normal(3, 2, 4),))],
    np.diagonal: [Sample(lambda a: np.diagonal(a), (normal(3, 4),)),
                  Sample(lambda a: np.diagonal(a, 1, 2, 0), (normal(2, 3, 4),)),
                  Sample(lambda a: np.diagonal(a, -2), (normal(4, 3),))],
    np.diag: [Sample(lambda v: np.diag(v), (normal(3),)),
              Sample(lambda v: np.diag(v, k=2), (normal(3),)),
              Sample(lambda v: np.diag(v, k=-1), (normal(3),)),
              Sample(lambda a: np.diag(a, k=1), (normal(3, 4),))],
    np.tril: [Sample(lambda a: np.tril(a), (normal(3, 4),)),
              Sample(lambda a: np.tril(a, 1), (normal(2, 3, 3),))],
    np.triu: [Sample(lambda a: np.triu(a), (normal(4, 3),)),
              Sample(lambda a: np.triu(a, -1), (normal(2, 3, 3),))],
    np.linalg.norm: [norm(normal(3, 4)), norm(normal(5), ord=1), norm(normal(5), ord=np.inf),
                     norm(normal(5), ord=-np.inf), norm(normal(5), ord=3),
                     norm(normal(3, 4), axis=1), norm(normal(3, 4), axis=0, keepdims=True),
                     norm(normal(2, 3, 4), ord=2, axis=-1), norm(normal(3, 4), ord="fro"),
                     norm(normal(3, 4), ord=1), norm(normal(3, 4), ord=-1),
                     norm(normal(3, 4), ord=np.inf),
                     norm(normal(3, 4, 2), ord=-np.inf, axis=(2, 0), keepdims=True),
                     norm(normal(2, 3, 4), keepdims=True), norm(normal(3, 4), ord="nuc"),
                     norm(normal(4, 3), ord=2), norm(normal(3, 3), ord=-2),
                     norm(normal(3, 2, 4), ord="nuc", axis=(2, 0), keepdims=True),
                     norm(normal(2, 3, 4), ord=2, axis=(-1, -2))],
    np.linalg.det: [Sample(lambda a: np.linalg.det(a), (well_conditioned(3),)),
                    Sample(lambda a: np.linalg.det(a), (well_conditioned(2, 3),))],
    np.linalg.slogdet: [Sample(lambda a: np.linalg.slogdet(a).logabsdet, (normal(3, 3),)),
                        Sample(lambda a: np.linalg.slogdet(a)[0] * np.exp(np.linalg.slogdet(a)[1]),
                               (normal(2, 3, 3),))],
    np.linalg.inv: [Sample(lambda a: np.linalg.inv(a), (well_conditioned(3),)),
                    Sample(lambda a: np.linalg.inv(a), (well_conditioned(2, 3),))],
    np.linalg.solve: [Sample(lambda a, b: np.linalg.solve(a, b), (well_conditioned(3), normal(3))),
                      Sample(lambda a, b: np.linalg.solve(a, b),
                             (well_conditioned(3), normal(3, 2))),
                      Sample(lambda a, b: np.linalg.solve(a, b),
                             (well_conditioned(2, 3), normal(3))),
                      Sample(lambda a, b: np.linalg.solve(a, b),
                             (well_conditioned(2, 3), normal(2, 3, 2))),
                      Sample(lambda a, b: np.linalg.solve(a, b),
                             (well_conditioned(3), normal(2, 3, 2)))],
    # eigh, eigvalsh, cholesky read one triangle of a (not symmetric here): so do the
    # derivatives, checked against central differences of numpy's own functions
    np.linalg.eigh: [Sample(lambda a: weighted(np.linalg.eigh(a)), (normal(3, 3),)),
                     Sample(lambda a: weighted(np.linalg.eigh(a, "U")), (normal(2, 3, 3),)),
                     Sample(lambda a: np.linalg.eigh(a).eigenvectors, (positive_definite(4, 4),)),
                     Sample(lambda a: np.linalg.eigh(a + a.T)[0], (normal(4, 4),))],
    np.linalg.eigvalsh: [Sample(lambda a: np.linalg.eigvalsh(a), (normal(3, 3),)),
                         Sample(lambda a: np.linalg.eigvalsh(a, UPLO="U"), (normal(2, 3, 3),))],
    np.linalg.svd: [Sample(lambda a: weighted(np.linalg.svd(a)), (normal(3, 3),)),
                    Sample(lambda a: weighted(np.linalg.svd(a, full_matrices=False)),
                           (normal(4, 3),)),
                    Sample(lambda a: weighted(np.linalg.svd(a, full_matrices=False)),
                           (normal(2, 2, 4),)),
                    Sample(lambda a: np.linalg.svd(a, compute_uv=False), (normal(3, 5),)),
                    Sample(lambda a: np.linalg.svd(a, full_matrices=False).S, (normal(2, 4, 2),))],
    np.linalg.svdvals: [Sample(lambda a: np.linalg.svdvals(a), (normal(3, 4),)),
                        Sample(lambda a: np.linalg.svdvals(a), (normal(2, 4, 3),))],
    np.linalg.cholesky: [Sample(lambda a: np.linalg.cholesky(a), (positive_definite(3, 3),)),
                         Sample(lambda a: np.linalg.cholesky(a), (positive_definite(2, 3, 3),)),
                         Sample(lambda a, b: np.linalg.cholesky(a + np.triu(b, 1)),
                                (positive_definite(3, 3), normal(3, 3))),
                         Sample(lambda a, b: np.linalg.cholesky(a + np.tril(b, -1), upper=True),
                                (positive_definite(3, 3), normal(3, 3)))],
    np.linalg.pinv: [Sample(lambda a: np.linalg.pinv(a), (normal(3, 2),)),
                     Sample(lambda a: np.linalg.pinv(a), (normal(2, 2, 4),)),
                     Sample(lambda a: np.linalg.pinv(a, rcond=1e-10), (well_conditioned(3),)),
                     Sample(lambda x: np.linalg.pinv(x.T @ x), (normal(2, 3),)),   # rank 2
                     Sample(lambda a: np.linalg.pinv(a, hermitian=True),
                            (positive_definite(3, 3),))],
    np.linalg.matrix_power: [Sample(lambda a: np.linalg.matrix_power(a, 2), (normal(3, 3),)),
                             Sample(lambda a: np.linalg.matrix_power(a, 5), (normal(2, 3, 3),)),
                             Sample(lambda a: np.linalg.matrix_power(a, -3),
                                    (well_conditioned(3),)),
                             Sample(lambda a: np.linalg.matrix_power(a, 1), (normal(3, 3),)),
                             Sample(lambda a: np.linalg.matrix_power(a, 0), (normal(3, 3),))],
}

IDX = np.array([[2, 0, 1, 1], [0, 0, 3, 2], [1, 3, 3, 0]])  # take_along_axis's indices


def weighted(pieces):
    """The pieces of a split in one array, each scaled differently (a wrong piece shows)."""
    return np.concatenate([np.ravel(p) * (k + 1) for k, p in enumerate(pieces)])


SHAPE = {
    np.concatenate: [
        Sample(lambda a, b: np.concatenate([a, b]), (normal(3, 2), normal(1, 2))),
        Sample(lambda a, b: np.concatenate((a, b), axis=1), (normal(3, 2), normal(3, 4))),
        Sample(lambda a, b, c: np.concatenate([a, b, c], axis=-1),
               (normal(2, 1), normal(2, 3), normal(2, 2))),
        Sample(lambda a, b: np.concatenate([a, b], axis=None), (normal(3, 2), normal(4))),
        Sample(lambda a: np.concatenate([a, np.ones((1, 2)), 2 * a]), (normal(3, 2),)),
        Sample(lambda a: np.concatenate(a), (normal(3, 2),))],        # the rows of one array
    np.stack: [
        Sample(lambda a, b: np.stack([a, b]), (normal(3), normal(3))),
        Sample(lambda a, b: np.stack([a, b], axis=1), (normal(3, 2), normal(3, 2))),
        Sample(lambda a, b, c: np.stack((a, b, c), axis=-1), (normal(2, 3), normal(2, 3),
                                                              normal(2, 3))),
        Sample(lambda x: np.stack([x[0], 2 * x[1], x[0] * x[2]]), (normal(3),)),
        Sample(lambda x: np.stack([x, np.ones(3)], axis=0), (normal(3),))],
    np.hstack: [Sample(lambda a, b: np.hstack([a, b]), (normal(3), normal(2))),
                Sample(lambda a, b: np.hstack((a, b)), (normal(3, 2), normal(3, 1)))],
    np.vstack: [Sample(lambda a, b: np.vstack([a, b]), (normal(3), normal(3))),
                Sample(lambda a, b: np.vstack((a, b)), (normal(2, 3), normal(1, 3)))],
    np.dstack: [Sample(lambda a, b: np.dstack([a, b]), (normal(3), normal(3))),
                Sample(lambda a, b: np.dstack((a, b)), (normal(2, 3), normal(2, 3)))],
    np.column_stack: [Sample(lambda a, b: np.column_stack([a, b]), (normal(3), normal(3, 2)))],
    np.split: [Sample(lambda x: weighted(np.split(x, 2)), (normal(4, 3),)),
               Sample(lambda x: weighted(np.split(x, [1, 3], axis=1)), (normal(2, 5),)),
               Sample(lambda x: np.split(x, 3, axis=-1)[1], (normal(2, 6),))],
    np.array_split: [Sample(lambda x: weighted(np.array_split(x, 3)), (normal(5),)),
                     Sample(lambda x: weighted(np.array_split(x, [2], axis=1)), (normal(2, 3),))],
    np.hsplit: [Sample(lambda x: weighted(np.hsplit(x, 2)), (normal(3, 4),)),
                Sample(lambda x: weighted(np.hsplit(x, [1])), (normal(3),))],
    np.vsplit: [Sample(lambda x: weighted(np.vsplit(x, 2)), (normal(4, 3),))],
    np.dsplit: [Sample(lambda x: weighted(np.dsplit(x, [1])), (normal(2, 2, 3),))],
    np.expand_dims: [Sample(lambda x: np.expand_dims(x, 0), (normal(3, 2),)),
                     Sample(lambda x: np.expand_dims(x, axis=-1), (normal(3, 2),)),
                     Sample(lambda x: np.expand_dims(x, (0, 2)), (normal(3),))],
    np.squeeze: [Sample(lambda x: np.squeeze(x), (normal(3, 1, 2, 1),)),
                 Sample(lambda x: np.squeeze(x, axis=1), (normal(3, 1, 1),))],
    np.ravel: [Sample(lambda x: np.ravel(x), (normal(3, 2),)),
               Sample(lambda x: np.ravel(x, order="F"), (normal(3, 2),))],
    np.repeat: [Sample(lambda x: np.repeat(x, 2), (normal(3, 2),)),
                Sample(lambda x: np.repeat(x, 3, axis=1), (normal(3, 2),)),
                Sample(lambda x: np.repeat(x, [1, 0, 2], axis=0), (normal(3, 2),))],
    np.tile: [Sample(lambda x: np.tile(x, 2), (normal(3),)),
              Sample(lambda x: np.tile(x, (2, 1)), (normal(2, 3),)),
              Sample(lambda x: np.tile(x, (2, 1, 2)), (normal(2, 3),))],
    np.pad: [Sample(lambda x: np.pad(x, 1), (normal(3, 2),)),
             Sample(lambda x: np.pad(x, ((1, 2), (0, 1))), (normal(3, 2),)),
             Sample(lambda x: np.pad(x, (2, 1), constant_values=1.5), (normal(3),)),
             Sample(lambda x: np.pad(x, 2, mode="edge"), (normal(3, 2),)),
             Sample(lambda x: np.pad(x, ((2, 3),), mode="reflect"), (normal(4),)),
             Sample(lambda x: np.pad(x, (1, 2), mode="symmetric"), (normal(3, 2),)),
             Sample(lambda x: np.pad(x, 4, mode="wrap"), (normal(3),)),
             Sample(lambda x: np.pad(x, {1: (2, 1)}), (normal(3, 2),)),
             Sample(lambda x: np.pad(x, {-2: 1}, mode="edge"), (normal(3, 2),))],
    np.roll: [Sample(lambda x: np.roll(x, 1), (normal(3, 2),)),
              Sample(lambda x: np.roll(x, -1, axis=1), (normal(3, 4),)),
              Sample(lambda x: np.roll(x, (1, 5), axis=(0, 1)), (normal(3, 4),))],
    np.flip: [Sample(lambda x: np.flip(x), (normal(3, 2),)),
              Sample(lambda x: np.flip(x, 0), (normal(3, 2),)),
              Sample(lambda x: np.flip(x, axis=(0, 2)), (normal(2, 3, 2),))],
    np.fliplr: [Sample(lambda x: np.fliplr(x), (normal(3, 2),))],
    np.flipud: [Sample(lambda x: np.flipud(x), (normal(3, 2),))],
    np.rot90: [Sample(lambda x: np.rot90(x), (normal(3, 2),)),
               Sample(lambda x: np.rot90(x, 2), (normal(3, 2),)),
               Sample(lambda x: np.rot90(x, k=-1, axes=(2, 0)), (normal(2, 3, 4),))],
    np.moveaxis: [Sample(lambda x: np.moveaxis(x, 0, -1), (normal(2, 3, 4),)),
                  Sample(lambda x: np.moveaxis(x, [0, 1], [2, 0]), (normal(2, 3, 4),))],
    np.swapaxes: [Sample(lambda x: np.swapaxes(x, 0, 2), (normal(2, 3, 4),))],
    np.atleast_1d: [Sample(lambda x: np.atleast_1d(x), (normal(),)),
                    Sample(lambda a, b: np.atleast_1d(a, b)[1], (normal(), normal(3)))],
    np.atleast_2d: [Sample(lambda x: np.atleast_2d(x), (normal(3),))],
    np.atleast_3d: [Sample(lambda x: np.atleast_3d(x), (normal(3),)),
                    Sample(lambda x: np.atleast_3d(x), (normal(3, 2),))],
    np.sort: [Sample(lambda x: np.sort(x), (normal(3, 4),)),
              Sample(lambda x: np.sort(x, axis=0), (normal(3, 4),)),
              Sample(lambda x: np.sort(x, axis=None), (normal(3, 4),)),
              Sample(lambda x: np.sort(x ** 2 * x[::-1]), (normal(5),))],
    np.take: [Sample(lambda x: np.take(x, [5, 0, 0, 2]), (normal(3, 2),)),
              Sample(lambda x: np.take(x, [[1, 1], [0, 2]], axis=1), (normal(2, 3),)),
              Sample(lambda x: np.take(x, 1, axis=0), (normal(2, 3),)),
              Sample(lambda x: np.take(x, [-1, 4], axis=1, mode="wrap"), (normal(2, 3),))],
    np.take_along_axis: [Sample(lambda x: np.take_along_axis(x, IDX, axis=1), (normal(3, 4),)),
                         Sample(lambda x: np.take_along_axis(x, IDX[:2], 0), (normal(4, 4),))],
}

# The rest of what students (and other autodiff projects' test suites) call.
NONFINITE = np.array([0.0, np.nan, np.inf, -np.inf])
MASKS = [np.array([[True, False, True], [False, False, True]]),
         np.array([[True, True, False], [False, True, True]])]
MORE = {
    np.imag: [Sample(lambda x: np.imag(x), (normal(3, 2),), kind="zero")],
    np.angle: [Sample(lambda x: np.angle(x), (away_from_zero(3, 2),), kind="zero"),
               Sample(lambda x: np.angle(x, deg=True), (away_from_zero(4),), kind="zero")],
    np.real_if_close: [Sample(lambda x: np.real_if_close(x), (normal(3, 2),))],
    np.nan_to_num: [Sample(lambda x: np.nan_to_num(x + NONFINITE[:2]), (normal(2),)),  # nan only
                    Sample(lambda x: np.nan_to_num(x + NONFINITE, nan=1.5, posinf=9.0,
                                                   neginf=-9.0), (normal(4),))],
    np.select: [Sample(lambda a, b: np.select(MASKS, [a, b]), (normal(2, 3), normal(2, 3))),
                Sample(lambda a, b: np.select(MASKS, [a, b], default=a * b),
                       (normal(2, 3), normal(3)))],
    np.append: [Sample(lambda a, b: np.append(a, b), (normal(3), normal(2, 2))),
                Sample(lambda a, b: np.append(a, b, axis=0), (normal(2, 3), normal(1, 3))),
                Sample(lambda a, b: np.append([a, 2.0], b), (normal(), normal(2)))],
    np.rollaxis: [Sample(lambda x: np.rollaxis(x, 2), (normal(2, 3, 4),)),
                  Sample(lambda x: np.rollaxis(x, 0, 3), (normal(2, 3, 4),)),
                  Sample(lambda x: np.rollaxis(x, -1, 1), (normal(2, 3, 4),))],
    np.gradient: [Sample(lambda x: np.gradient(x), (normal(5),)),
                  Sample(lambda x: np.gradient(x, axis=1), (normal(3, 4),)),
                  Sample(lambda x: np.stack(np.gradient(x, 0.5, 2.0)), (normal(3, 4),)),
                  Sample(lambda x: np.stack(np.gradient(x, axis=(0, -1))), (normal(3, 2, 4),))],
    np.linspace: [Sample(lambda a, b: np.linspace(a, b, 5), (normal(), normal())),
                  Sample(lambda a, b: np.linspace(a, b, 4, endpoint=False), (normal(2), normal())),
                  Sample(lambda a, b: np.linspace(a, b, 1), (normal(), normal()))],
}

SAMPLES = merged(CORE, ELEMENTWISE, REDUCTIONS, LINALG, SHAPE, MORE)
"""Every numpy function with a meaning in the op language, with its samples."""
