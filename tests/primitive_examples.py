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


def args(*makers):
    return lambda rng: tuple(m(rng) for m in makers)


UNARY = [(args(normal(3, 2)), {}), (args(normal()), {})]
POS_UNARY = [(args(positive(3, 2)), {}), (args(positive()), {})]
BINARY = [
    (args(normal(3, 2), normal(3, 2)), {}),
    (args(normal(3, 2), normal(2)), {}),        # broadcasting a row
    (args(normal(), normal(4)), {}),            # a scalar against a vector
]
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
    "logsumexp": [(args(normal(3, 4)), {"axis": a, "keepdims": k})
                  for a in [(0, 1), (1,)] for k in (False, True)],
    "softmax": [(args(normal(3, 4)), {"axis": 1}), (args(normal(3, 4)), {"axis": 0})],
    "log_softmax": [(args(normal(3, 4)), {"axis": 1}), (args(normal(3, 4)), {"axis": 0})],
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
}
