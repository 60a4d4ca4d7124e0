"""The lecture texts' examples, with their published numbers, on both engines.

References are independent of the engines: closed-form derivatives written
out with numpy, and the lectures' own numbers (rounded as printed).
"""

import numpy as np
import pytest
from numpy.polynomial import polynomial as npoly

import backprop_toolkit as bt
from backprop_toolkit import tape


# -- (x + y) z: the first circuit --------------------------------------------
def circuit(x, y, z):
    q = x + y
    return q * z


def test_add_mul_circuit(engine):
    grads = bt.grad(circuit, (0, 1, 2), engine=engine)(-2.0, 5.0, -4.0)
    assert grads == (-4.0, -4.0, 3.0)
    assert bt.value_and_grad(circuit, engine=engine)(-2.0, 5.0, -4.0)[0] == -12.0


def test_add_mul_circuit_on_the_tape_explicitly():
    x, y, z = (tape.Tensor(v, requires_grad=True, name=n) for v, n in [(-2.0, "x"), (5.0, "y"),
                                                                        (-4.0, "z")])
    q = x + y
    f = q * z
    f.backward()
    assert (q.value, f.value) == (3.0, -12.0)
    assert (x.grad, y.grad, z.grad, q.grad, f.grad) == (-4.0, -4.0, 3.0, -4.0, 1.0)


# -- the sigmoid neuron ----------------------------------------------------------
W0, X0 = np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])


def neuron_unfused(w, x):
    """1 / (1 + exp(-(w0 x0 + w1 x1 + w2))), built from exp and division."""
    return 1.0 / (1.0 + bt.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))


def neuron_fused(w, x):
    return bt.sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])


@pytest.mark.parametrize("neuron", [neuron_unfused, neuron_fused])
def test_sigmoid_neuron(neuron, engine):
    dw, dx = bt.grad(neuron, (0, 1), engine=engine)(W0, X0)
    s = 1 / (1 + np.exp(-1.0))          # the neuron's input is w.x + w2 = 1
    np.testing.assert_allclose(dw, s * (1 - s) * np.array([-1.0, -2.0, 1.0]), rtol=1e-12)
    np.testing.assert_allclose(dx, s * (1 - s) * W0[:2], rtol=1e-12)
    # the numbers printed on the slides
    np.testing.assert_allclose(dw, [-0.197, -0.393, 0.197], atol=5e-4)
    np.testing.assert_allclose(dx, [0.393, -0.590], atol=5e-4)


def test_sigmoid_circuit_intermediate_gradients():
    """The step-by-step numbers of the unfused circuit: 1.37, -0.53, -0.20, 0.20."""
    w = [tape.Tensor(v, requires_grad=True) for v in W0]
    x = [tape.Tensor(v, requires_grad=True) for v in X0]
    dot = w[0] * x[0] + w[1] * x[1] + w[2]
    negated = -dot
    e = bt.exp(negated)
    denom = 1.0 + e
    f = 1.0 / denom
    f.backward()
    assert round(float(denom.value), 2) == 1.37
    assert round(float(denom.grad), 2) == -0.53           # -1/1.37^2
    assert round(float(e.grad), 2) == -0.53
    assert round(float(negated.grad), 2) == -0.20         # e^-1 * -0.53
    assert round(float(dot.grad), 2) == 0.20
    assert [round(float(t.grad), 2) for t in x] == [0.39, -0.59]
    assert [round(float(t.grad), 2) for t in w] == [-0.20, -0.39, 0.20]


# -- (x + s(y)) / (s(x) + (x + y)^2): a staged computation ------------------------------
def staged(x, y):
    return (x + bt.sigmoid(y)) / (bt.sigmoid(x) + (x + y) ** 2)


def test_staged_computation(engine):
    x, y = 3.0, -4.0
    s = lambda v: 1 / (1 + np.exp(-v))
    num, den = x + s(y), s(x) + (x + y) ** 2
    dx = (1 * den - num * (s(x) * (1 - s(x)) + 2 * (x + y))) / den ** 2
    dy = (s(y) * (1 - s(y)) * den - num * 2 * (x + y)) / den ** 2
    got = bt.grad(staged, (0, 1), engine=engine)(x, y)
    np.testing.assert_allclose(got, (dx, dy), rtol=1e-12)


# -- gradient patterns: add distributes, max routes, mul switches --------------------
def test_gradient_patterns(engine):
    g = bt.grad(lambda a, b: 2.0 * (a + b), (0, 1), engine=engine)(3.0, -1.0)
    assert g == (2.0, 2.0)                                   # add: both get it
    g = bt.grad(lambda a, b: 2.0 * bt.maximum(a, b), (0, 1), engine=engine)(3.0, -1.0)
    assert g == (2.0, 0.0)                                   # max: only the larger
    g = bt.grad(lambda a, b: 2.0 * (a * b), (0, 1), engine=engine)(3.0, -1.0)
    assert g == (-2.0, 6.0)                                  # mul: each gets the other


# -- ||W x||^2 ------------------------------------------------------------------------
def squared_norm(W, x):
    q = W @ x
    return bt.sum(q * q)


def test_vectorized_norm(engine, rng):
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    q = W @ x
    dW, dx = bt.grad(squared_norm, (0, 1), engine=engine)(W, x)
    np.testing.assert_allclose(dW, 2 * np.outer(q, x), rtol=1e-12)     # 2 q x^T
    np.testing.assert_allclose(dx, 2 * W.T @ q, rtol=1e-12)            # 2 W^T q


# -- forward accumulation of x1 x2 + sin x1 -------------------------------------------
def wengert(x1, x2):
    w1, w2 = x1, x2
    w3 = w1 * w2
    w4 = bt.sin(w1)
    return w3 + w4


def test_forward_accumulation(engine):
    x1, x2 = 1.5, -0.5
    value, dfdx1 = bt.jvp(wengert, (x1, x2), (1.0, 0.0), engine=engine)   # seed w1' = 1
    _, dfdx2 = bt.jvp(wengert, (x1, x2), (0.0, 1.0), engine=engine)       # second pass
    assert value == pytest.approx(x1 * x2 + np.sin(x1), rel=1e-15)
    assert dfdx1 == pytest.approx(x2 + np.cos(x1), rel=1e-15)
    assert dfdx2 == pytest.approx(x1, rel=1e-15)
    # reverse mode gets both in one pass
    assert bt.grad(wengert, (0, 1), engine=engine)(x1, x2) == pytest.approx((dfdx1, dfdx2))


# -- a layered network: deltas -----------------------------------------------------------
def mlp_error(W1, W2, W3, x, t):
    z1 = bt.tanh(W1 @ x)
    z2 = bt.sigmoid(W2 @ z1)
    y = W3 @ z2                      # linear outputs, sum-of-squares error
    return 0.5 * bt.sum((y - t) ** 2)


def mlp_deltas_by_hand(Ws, x, t):
    """The lecture's backward pass: delta(L) = y - t, delta(l) = h'(a) * W(l+1)^T delta(l+1)."""
    W1, W2, W3 = Ws
    a1 = W1 @ x; z1 = np.tanh(a1)
    a2 = W2 @ z1; z2 = 1 / (1 + np.exp(-a2))
    y = W3 @ z2
    d3 = y - t
    d2 = z2 * (1 - z2) * (W3.T @ d3)
    d1 = (1 - z1 ** 2) * (W2.T @ d2)
    return [np.outer(d1, x), np.outer(d2, z1), np.outer(d3, z2)]    # grad W(l) = delta z^T


def test_mlp_deltas(engine, rng):
    Ws = [rng.standard_normal((5, 3)), rng.standard_normal((4, 5)), rng.standard_normal((2, 4))]
    x, t = rng.standard_normal(3), rng.standard_normal(2)
    got = bt.grad(mlp_error, (0, 1, 2), engine=engine)(*Ws, x, t)
    for g, ref in zip(got, mlp_deltas_by_hand(Ws, x, t)):
        np.testing.assert_allclose(g, ref, rtol=1e-10, atol=1e-14)


# -- single neuron regression (linear and logistic) -------------------------------------
@pytest.mark.parametrize("h, hprime", [
    (lambda a: a, lambda a: np.ones_like(a)),
    (bt.sigmoid, lambda a: (1 / (1 + np.exp(-a))) * (1 - 1 / (1 + np.exp(-a)))),
])
def test_single_neuron_gradient(h, hprime, engine, rng):
    X, t, w = rng.standard_normal((6, 3)), rng.standard_normal(6), rng.standard_normal(3)
    E = lambda w: 0.5 * bt.sum((h(X @ w) - t) ** 2)
    a = X @ w
    y = np.asarray(h(a))
    expected = ((y - t) * hprime(a)) @ X          # sum_m (y - t) h'(a) x
    np.testing.assert_allclose(bt.grad(E, engine=engine)(w), expected, rtol=1e-12)


def test_linear_regression_error_graph(engine, rng):
    w, x, t = rng.standard_normal(3), rng.standard_normal(3), 0.7
    E = lambda w: 0.5 * (bt.sum(w * x) - t) ** 2
    np.testing.assert_allclose(bt.grad(E, engine=engine)(w), (w @ x - t) * x, rtol=1e-12)


# -- higher order ------------------------------------------------------------------------
def tanh_derivative_reference(n, x):
    """d^n tanh / dx^n via polynomials in T = tanh x: P_{k+1}(T) = P_k'(T) (1 - T^2)."""
    p = np.array([0.0, 1.0])                       # P_0(T) = T
    for _ in range(n):
        p = npoly.polymul(npoly.polyder(p), [1.0, 0.0, -1.0])
    return npoly.polyval(np.tanh(x), p)


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_nth_derivative_of_tanh(n, engine):
    d = bt.tanh
    for _ in range(n):
        d = bt.grad(d, engine=engine)
    assert d(1.0) == pytest.approx(tanh_derivative_reference(n, 1.0), rel=1e-10)
    if n == 7:
        assert round(d(1.0), 6) == 12.288368


def test_figure_6_10_function(engine):
    """z = f(f(f(w))) with the book's f: dz/dw = f'(y) f'(x) f'(w)."""
    fprime = bt.elementwise("f'", lambda v: 1 - np.tanh(v) ** 2,
                            derivative=lambda v: -2 * bt.tanh(v) * (1 - bt.tanh(v) ** 2))
    f = bt.elementwise("f", np.tanh, derivative=fprime)
    w = 0.5
    x = np.tanh(w); y = np.tanh(x)
    d = lambda v: 1 - np.tanh(v) ** 2
    got = bt.grad(lambda w: f(f(f(w))), engine=engine)(w)
    assert got == pytest.approx(d(y) * d(x) * d(w), rel=1e-14)
