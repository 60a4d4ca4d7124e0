"""No recursion anywhere: chains of 100,000 ops."""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import tape

DEPTH = 100_000


def sin_chain(x):
    for _ in range(DEPTH):
        x = bt.sin(x)
    return x


def test_chain_of_100k_sin_on_the_tape():
    x0 = 0.5
    expected, x = 1.0, x0
    for _ in range(DEPTH):        # d/dx of the chain: product of cos at each stage
        expected *= np.cos(x)
        x = np.sin(x)
    assert bt.grad(sin_chain)(x0) == pytest.approx(expected, rel=1e-9)


def test_explicit_backward_on_100k_chain():
    x = tape.Tensor(0.5, requires_grad=True)
    y = sin_chain(x)
    y.backward()
    assert np.isfinite(x.grad)


def test_chain_of_100k_sin_on_the_symbolic_engine():
    """Build, differentiate, simplify, compile and evaluate a 100k chain: no recursion."""
    from backprop_toolkit import symbolic as sym

    w = sym.var("w")
    y = sin_chain(w)
    dy = sym.grad(y, w)
    simple = sym.simplify(dy)
    program = sym.compile(simple, [w])
    assert len(sym.nodes(simple)) >= 2 * DEPTH
    tape_value = bt.grad(sin_chain)(0.5)
    assert program(0.5) == pytest.approx(tape_value, rel=1e-12)
    assert sym.evaluate(dy, {w: 0.5}) == pytest.approx(tape_value, rel=1e-12)
    assert sym.to_text(simple).count("\n") > DEPTH      # printing is iterative too
