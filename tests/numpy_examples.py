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

from primitive_examples import away_from_zero, normal, positive


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

SAMPLES = {**CORE, **SHAPE}
"""Every numpy function with a meaning in the op language, with its samples."""
