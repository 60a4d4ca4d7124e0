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

from primitive_examples import away_from_zero, normal, positive, well_conditioned


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
    np.stack: [Sample(lambda a, b: np.stack([a, b]), (normal(3), normal(3)))],
    np.broadcast_to: [Sample(lambda x: np.broadcast_to(x, (3, 2)), (normal(2),))],
    np.shape: [Sample(lambda x: np.shape(x), (normal(3, 2),), kind="metadata")],
    np.ndim: [Sample(lambda x: np.ndim(x), (normal(3, 2),), kind="metadata")],
}


def einsum(spec, *shapes):
    return Sample(lambda *xs: np.einsum(spec, *xs), tuple(normal(*s) for s in shapes))


def norm(make, **kw):
    return Sample(lambda x: np.linalg.norm(x, **kw), (make,))


LINALG = {
    np.einsum: [einsum("ij,jk->ik", (3, 4), (4, 2)), einsum("ij,jk", (3, 4), (4, 2)),
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
                     norm(normal(2, 3, 4), keepdims=True)],
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
}

SAMPLES = {**CORE, **LINALG}
"""Every numpy function with a meaning in the op language, with its samples."""
