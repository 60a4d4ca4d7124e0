"""Property tests: on random programs of the table's ops, both engines agree.

Hypothesis draws a straight-line program (each step applies an op to earlier
values); the two engines must give the same value, gradient, JVP and
Hessian-vector product up to float rounding (1e-10 relative).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_toolkit as bt

UNARY = {
    "sin": bt.sin, "cos": bt.cos, "tanh": bt.tanh, "sigmoid": bt.sigmoid, "neg": bt.neg,
    "exp_tanh": lambda a: bt.exp(bt.tanh(a)),
    "log1p_sq": lambda a: bt.log(1.0 + bt.square(a)),
    "sqrt1p_sq": lambda a: bt.sqrt(1.0 + a * a),
    "softmax": bt.softmax, "log_softmax": bt.log_softmax,
    "lse_keep": lambda a: bt.logsumexp(a, axis=0, keepdims=True) * a,
    "max_keep": lambda a: bt.max(a, axis=0, keepdims=True) + a,
    "mean_keep": lambda a: bt.mean(a, keepdims=True) * a,
    "reverse": lambda a: a[::-1],
    "matvec": lambda a: np.array([[0.5, -1.0, 0.2], [0.3, 0.1, -0.7], [1.0, 0.4, 0.6]]) @ a,
    "cube": lambda a: a ** 3,
}
BINARY = {
    "add": bt.add, "sub": bt.sub, "mul": bt.mul,
    "safe_div": lambda a, b: a / (1.5 + bt.sin(b)),
    "where": lambda a, b: bt.where(a > b, a * b, a - b),
    "pow": lambda a, b: bt.power(1.0 + bt.square(a), bt.tanh(b)),
}

step = st.one_of(
    st.tuples(st.just(1), st.sampled_from(sorted(UNARY)), st.integers(0, 99)),
    st.tuples(st.just(2), st.sampled_from(sorted(BINARY)), st.integers(0, 99), st.integers(0, 99)),
)


def make_program(steps):
    def program(x, y):
        values = [x, y]
        for s in steps:
            if s[0] == 1:
                values.append(UNARY[s[1]](values[s[2] % len(values)]))
            else:
                values.append(BINARY[s[1]](values[s[2] % len(values)], values[s[3] % len(values)]))
        weights = np.array([0.3, -0.7, 1.1])
        return bt.sum(values[-1] * weights) + 0.1 * bt.sum(values[-2] * values[-1])
    return program


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * (1 + np.max(np.abs(a))))


@pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")  # a new program each time
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=6),
       seed=st.integers(0, 2 ** 16))
def test_engines_agree_on_random_programs(steps, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
    v, u = rng.standard_normal(3), rng.standard_normal(3)
    f = make_program(steps)
    results = {}
    for engine in bt.ENGINES:
        value, grads = bt.value_and_grad(f, (0, 1), engine=engine)(x, y)
        _, dot = bt.jvp(f, (x, y), (v, u), engine=engine)
        _, hvp = bt.jvp(bt.grad(f, 0, engine=engine), (x, y), (v, u), engine=engine)
        results[engine] = (value, *grads, dot, hvp)
    for a, b in zip(results["tape"], results["symbolic"]):
        close(a, b)
    # and against the plain-numpy run of the same program
    close(results["tape"][0], f(x, y))
