"""Sample inputs for every entry of the primitive table.

The generic checker (tests/test_primitives.py) runs each entry at these
inputs on both engines, both modes, to second order. A new table entry
without examples here fails ``test_every_entry_has_examples``: adding an
entry means adding its test inputs, nothing more.

Each value is a list of ``(make_args, params)``; ``make_args(rng)`` returns
the positional inputs. Inputs keep away from kinks (relu, abs, max) and
domain edges (log, sqrt) so that central differences are accurate.
"""

import numpy as np


def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    return lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)


def uniform(low, high, *shape):
    return lambda rng: rng.uniform(low, high, shape)


def signed(low, high, *shape):
    """Either sign, magnitude in [low, high]."""
    return lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(low, high, shape)
def with_zeros(rng):
    """A matrix whose rows hold one zero, two zeros and none: where ``prod``'s derivative
    is the product of the other entries, not ``prod / x``."""
    x = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    x[0, 1] = x[1, 0] = x[1, 2] = 0.0
    return x
def well_conditioned(*shape):
    """A stack of n x n matrices near 3 I: invertible, with a moderate condition number."""
    n = shape[-1]
    return lambda rng: 3.0 * np.eye(n) + rng.standard_normal(shape[:-1] + (n, n))


def positive_definite(*shape):
    """A stack of symmetric positive definite n x n matrices, X X^T / n + I."""
    n = shape[-1]

    def make(rng):
        x = rng.standard_normal(shape)
        return x @ np.swapaxes(x, -1, -2) / n + np.eye(n)
    return make


def args(*makers):
    return lambda rng: tuple(m(rng) for m in makers)


UNARY = [(args(normal(3, 2)), {}), (args(normal()), {})]
POS_UNARY = [(args(positive(3, 2)), {}), (args(positive()), {})]
BINARY = [
    (args(normal(3, 2), normal(3, 2)), {}),
    (args(normal(3, 2), normal(2)), {}),        # broadcasting a row
    (args(normal(), normal(4)), {}),            # a scalar against a vector
]
# mod, fmod: |a / b| in (0.1, 0.93) or (2.06, 2.27), away from the jumps at integers
REMAINDER = [(args(signed(0.2, 1.4, 3, 2), signed(1.5, 2.0, 3, 2)), {}),
             (args(signed(0.2, 1.4, 3, 2), signed(1.5, 2.0, 2)), {}),
             (args(uniform(3.2, 3.4, 4), uniform(1.5, 1.55)), {})]
AXES = [None, (0,), (1,), (0, 1)]

EXAMPLES = {
    "add": BINARY,
    "sub": BINARY,
    "mul": BINARY,
    "div": [(args(normal(3, 2), away_from_zero(3, 2)), {}),
            (args(normal(3, 2), away_from_zero(2)), {})],
    "power": [(args(positive(3, 2), normal(3, 2)), {}),
              (args(positive(4), normal()), {})],
    "maximum": [(lambda rng: (rng.standard_normal((3, 2)), rng.standard_normal((3, 2)) + 0.5), {}),
                (args(normal(3, 2), normal(2)), {})],
    "neg": UNARY,
    "exp": UNARY,
    "log": POS_UNARY,
    "sin": UNARY,
    "cos": UNARY,
    "tanh": UNARY,
    "sigmoid": UNARY,
    "relu": [(args(away_from_zero(3, 2)), {})],
    "sqrt": POS_UNARY,
    "square": UNARY,
    "abs": [(args(away_from_zero(3, 2)), {})],
    "sign": [(args(away_from_zero(3, 2)), {})],
    "tan": [(args(uniform(-1.2, 1.2, 3, 2)), {}), (args(uniform(-1.2, 1.2)), {})],
    "sinh": UNARY,
    "cosh": UNARY,
    "arcsin": [(args(uniform(-0.9, 0.9, 3, 2)), {}), (args(uniform(-0.9, 0.9)), {})],
    "arccos": [(args(uniform(-0.9, 0.9, 3, 2)), {}), (args(uniform(-0.9, 0.9)), {})],
    "arctan": UNARY,
    "arcsinh": UNARY,
    "arccosh": [(args(uniform(1.2, 3.0, 3, 2)), {}), (args(uniform(1.2, 3.0)), {})],
    "arctanh": [(args(uniform(-0.9, 0.9, 3, 2)), {}), (args(uniform(-0.9, 0.9)), {})],
    "expm1": UNARY,
    "log1p": [(args(uniform(-0.5, 2.0, 3, 2)), {}), (args(uniform(-0.5, 2.0)), {})],
    "log2": POS_UNARY,
    "log10": POS_UNARY,
    "cbrt": [(args(away_from_zero(3, 2)), {})],
    "sinc": [(args(normal(3, 2)), {}), (args(signed(0.01, 0.09, 4)), {}),  # series branch too
             (args(uniform(-3.0, 3.0, 8)), {})],
    "arctan2": [(args(normal(3, 2), away_from_zero(3, 2)), {}),
                (args(normal(3, 2), away_from_zero(2)), {})],
    "hypot": [(args(away_from_zero(3, 2), away_from_zero(3, 2)), {}),
              (args(away_from_zero(3, 2), away_from_zero(2)), {})],
    "logaddexp": BINARY + [(args(uniform(999.0, 1001.0, 3), uniform(999.0, 1001.0, 3)), {})],
    "logaddexp2": BINARY,
    "minimum": [(lambda rng: (rng.standard_normal((3, 2)), rng.standard_normal((3, 2)) - 0.5),
                 {}),
                (args(normal(3, 2), normal(2)), {})],
    "remainder": REMAINDER,
    "fmod": REMAINDER,
    "floor": [(args(normal(3, 2)), {})],
    "ceil": [(args(normal(3, 2)), {})],
    "trunc": [(args(normal(3, 2)), {})],
    "round": [(args(normal(3, 2)), {"decimals": 0}), (args(normal(3, 2)), {"decimals": 2})],
    "less": BINARY,
    "less_equal": BINARY,
    "greater": BINARY,
    "greater_equal": BINARY,
    "equal": BINARY,
    "not_equal": BINARY,
    "stop_gradient": UNARY,
    "fresh": UNARY,
    "where": [(lambda rng: (rng.standard_normal((3, 2)) > 0, rng.standard_normal((3, 2)),
                            rng.standard_normal((3, 2))), {}),
              (lambda rng: (rng.standard_normal((3, 2)) > 0, rng.standard_normal(2),
                            rng.standard_normal()), {})],
    "broadcast_to": [(args(normal(2)), {"shape": (3, 2)}), (args(normal(3, 1)), {"shape": (3, 4)})],
    "sum_to": [(args(normal(3, 2)), {"shape": (2,)}), (args(normal(3, 4)), {"shape": (3, 1)})],
    "sum": [(args(normal(3, 2)), {"axis": a, "keepdims": k})
            for a in [(0, 1), (0,), (1,)] for k in (False, True)],
    "max": [(args(normal(3, 4)), {"axis": a, "keepdims": k})
            for a in [(0, 1), (0,), (1,)] for k in (False, True)],
    "prod": [(args(normal(3, 4)), {"axis": a, "keepdims": k})
             for a in [(0, 1), (0,), (1,)] for k in (False, True)]
            + [(args(with_zeros), {"axis": a, "keepdims": False}) for a in [(1,), (0, 1)]]
            + [(args(normal(2, 3, 2)), {"axis": (0, 2), "keepdims": True}),
               (args(normal(3, 1)), {"axis": (1,), "keepdims": False})],   # one entry: 1
    "cumsum": [(args(normal(3, 4)), {"axis": 1, "reverse": False}),
               (args(normal(3, 4)), {"axis": 0, "reverse": True}),
               (args(normal(5)), {"axis": 0, "reverse": False})],
    "astype": [(args(normal(3, 2)), {"dtype": "float64"})],   # float32: too coarse for the check
    "logsumexp": [(args(normal(3, 4)), {"axis": a, "keepdims": k})
                  for a in [(0, 1), (1,)] for k in (False, True)]
                 + [(args(normal(33, 4)), {"axis": (1,), "keepdims": False})],  # many short rows
    "softmax": [(args(normal(3, 4)), {"axis": 1}), (args(normal(3, 4)), {"axis": 0})],
    "log_softmax": [(args(normal(3, 4)), {"axis": 1}), (args(normal(3, 4)), {"axis": 0}),
                    (args(normal(33, 4)), {"axis": 1})],  # many short rows: a transposed max
    "reshape": [(args(normal(3, 4)), {"shape": (2, 6)}), (args(normal(3, 4)), {"shape": (12,)})],
    "transpose": [(args(normal(3, 4)), {"axes": (1, 0)}), (args(normal(2, 3, 4)), {"axes": (2, 0, 1)})],
    "getitem": [(args(normal(4, 3)), {"index": (slice(1, 3),)}),
                (args(normal(4, 3)), {"index": (1, 2)}),
                (args(normal(5)), {"index": (np.array([0, 2, 2]),)})],   # repeated index adds up
    "scatter_add": [(args(normal(2, 3)), {"index": (slice(1, 3),), "shape": (4, 3)}),
                    (args(normal(3)), {"index": (np.array([0, 2, 2]),), "shape": (5,)})],
    "concatenate": [(args(normal(3, 2), normal(1, 2)), {"axis": 0}),
                    (args(normal(2, 1), normal(2, 3), normal(2, 2)), {"axis": 1}),
                    (args(normal(4)), {"axis": 0})],
    "sort_by": [(args(normal(3, 4), normal(3, 4)), {"axis": 1, "inverse": False}),
                (args(normal(3, 4), normal(3, 4)), {"axis": 0, "inverse": True}),
                (args(normal(5), normal(5)), {"axis": 0, "inverse": False})],
    "matmul": [(args(normal(3, 4), normal(4, 2)), {}),
               (args(normal(4), normal(4, 2)), {}),
               (args(normal(3, 4), normal(4)), {}),
               (args(normal(4), normal(4)), {}),
               (args(normal(2, 3, 4), normal(4, 2)), {})],
    "einsum": [(args(normal(3, 4), normal(4, 2)), {"spec": "ab,bc->ac"}),
               (args(normal(2, 3, 4), normal(2, 4, 5)), {"spec": "abc,acd->abd"}),
               (args(normal(3, 4), normal(2, 4)), {"spec": "ab,cb->ca"}),
               (args(normal(3), normal(2)), {"spec": "a,b->ab"}),
               (args(normal(4), normal(4)), {"spec": "a,a->"}),
               (args(normal(), normal(3)), {"spec": ",a->a"}),
               (args(normal(2, 3), normal(2, 3)), {"spec": "ab,ab->ba"})],
    "det": [(args(well_conditioned(3)), {}), (args(well_conditioned(2, 3)), {})],
    "logabsdet": [(args(well_conditioned(3)), {}), (args(normal(2, 3, 3)), {})],
    "det_sign": [(args(normal(2, 3, 3)), {})],
    "inv": [(args(well_conditioned(3)), {}), (args(well_conditioned(2, 3)), {})],
    "solve": [(args(well_conditioned(3), normal(3, 2)), {}),
              (args(well_conditioned(2, 3), normal(3, 1)), {}),
              (args(well_conditioned(3), normal(2, 3, 2)), {})],
    # eigh, cholesky: functions of the symmetric part, so any square input is a sample
    "eigh": [(args(normal(3, 3)), {"uplo": "L"}), (args(normal(2, 4, 4)), {"uplo": "U"})],
    "svd": [(args(normal(3, 3)), {}), (args(normal(4, 2)), {}), (args(normal(2, 2, 4)), {})],
    "cholesky": [(args(positive_definite(3, 3)), {}),
                 (lambda rng: (positive_definite(2, 3, 3)(rng)
                               + 0.3 * rng.standard_normal((2, 3, 3)),), {})],
    "pinv": [(args(normal(3, 2)), {"rcond": 1e-15}), (args(normal(2, 2, 4)), {"rcond": 1e-15}),
             (args(well_conditioned(3)), {"rcond": 1e-15})],
}
