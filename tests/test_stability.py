"""softmax, log_softmax and logsumexp at inputs of magnitude 1000."""

import numpy as np
import pytest

import backprop_toolkit as bt

BIG = np.array([1000.0, -1000.0, 999.0, 0.0])


@pytest.mark.parametrize("op", [bt.softmax, bt.log_softmax, bt.logsumexp])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_finite_values_and_gradients(op, sign, engine):
    x = sign * BIG
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = op(x)
        g = bt.grad(lambda x: bt.sum(op(x) * np.array([1.0, 2.0, 3.0, 4.0])), engine=engine)(x)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(g))


def test_values_at_1000():
    assert bt.logsumexp(BIG) == pytest.approx(1000 + np.log(1 + np.exp(-1.0)))
    s = bt.softmax(BIG)
    assert s[0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    np.testing.assert_allclose(bt.log_softmax(BIG), BIG - bt.logsumexp(BIG))


def test_log_softmax_gradient_closed_form(engine):
    x = np.array([1000.0, 999.0, -1000.0])
    w = np.array([0.5, -1.0, 2.0])
    g = bt.grad(lambda x: bt.sum(bt.log_softmax(x) * w), engine=engine)(x)
    s = np.exp(x - x.max()) / np.sum(np.exp(x - x.max()))
    np.testing.assert_allclose(g, w - s * w.sum(), rtol=1e-12, atol=1e-300)


def test_sigmoid_is_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(bt.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
