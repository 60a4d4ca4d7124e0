"""The tape engine used explicitly (README: "A first example")."""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import tape


def test_api_example():
    x = tape.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    y = bt.sum(bt.tanh(x) * x)
    y.backward()
    v = np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad, np.tanh(v) + v * (1 - np.tanh(v) ** 2), rtol=1e-14)
    assert isinstance(x.grad, np.ndarray)
    assert y.value == pytest.approx(np.sum(np.tanh(v) * v))


def test_tensor_conveniences():
    x = tape.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2.0
    assert x.is_leaf and not y.is_leaf
    copy = y.numpy()
    copy[0] = 99.0                       # a copy: the tape's value is untouched
    np.testing.assert_array_equal(y.value, [2.0, 4.0])
    assert bt.sum(y).value.item() == 6.0 and float(bt.stop_gradient(bt.sum(y))) == 6.0
    assert y.shape == (2,) and y.dtype == np.float64 and len(y) == 2


def test_gradient_is_absent_before_backward():
    x = tape.Tensor(2.0, requires_grad=True)
    y = x * x
    assert x.grad is None and y.grad is None


def test_backward_with_explicit_seed_for_vector_output():
    x = tape.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = x ** 2
    y.backward(np.array([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(x.grad, [2.0, 2.0, -6.0])


def test_backward_of_vector_output_without_seed_is_an_error():
    y = tape.Tensor(np.ones(3), requires_grad=True) * 2.0
    with pytest.raises(bt.ShapeError, match=r"shape \(3,\).*pass a seed"):
        y.backward()


def test_backward_with_wrong_seed_shape():
    y = tape.Tensor(np.ones(3), requires_grad=True) * 2.0
    with pytest.raises(bt.ShapeError, match="seed shape"):
        y.backward(np.ones(2))


def test_backward_twice_raises_and_keeps_gradients():
    x = tape.Tensor(3.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(bt.BackpropError, match="already ran"):
        y.backward()
    assert x.grad == 6.0           # nothing half-changed


def test_gradients_accumulate_across_outputs_until_zeroed():
    x = tape.Tensor(3.0, requires_grad=True)
    (x * x).backward()
    (x * 2.0).backward()
    assert x.grad == 8.0
    x.zero_grad()
    assert x.grad is None


def test_shared_subexpression_accumulates_not_overwrites():
    x = tape.Tensor(2.0, requires_grad=True)
    a = x * 3.0
    y = a * a + a          # a used twice: dy/da = 2a + 1 = 13
    y.backward()
    assert a.grad == 13.0 and x.grad == 39.0


def test_backward_without_requires_grad_is_an_error():
    y = tape.Tensor(2.0) * 3.0
    with pytest.raises(bt.BackpropError, match="requires_grad"):
        y.backward()


def test_python_control_flow_on_values():
    def f(x):
        y = x
        while y < 10.0:          # data-dependent loop: fine on the tape
            y = y * 2.0
        if y > 12.0:
            return y * y
        return y

    x = tape.Tensor(1.5, requires_grad=True)
    y = f(x)                      # 1.5 -> 3 -> 6 -> 12: returns 12 = 8x
    y.backward()
    assert y.value == 12.0 and x.grad == 8.0
    assert bt.grad(f)(1.5) == 8.0


def test_integer_tensor_with_requires_grad_becomes_float():
    x = tape.Tensor(np.array([1, 2]), requires_grad=True)
    assert x.dtype == np.float64


def test_complex_tensor_is_refused():
    with pytest.raises(bt.DTypeError, match="complex"):
        tape.Tensor(np.array([1j]), requires_grad=True)


def test_repr_shows_value_op_and_grad():
    x = tape.Tensor(2.0, requires_grad=True, name="x")
    y = x * 3.0
    y.backward()
    assert repr(x) == "Tensor(x=2., leaf, grad=3.)"
    assert "mul" in repr(y)


def test_functional_higher_order_on_the_tape():
    x = tape.Tensor(0.3, requires_grad=True)
    y = bt.sin(x) * x
    (g,) = tape.grad([y], [x], [1.0], create_graph=True)
    assert isinstance(g, tape.Tensor) and g.requires_grad
    (h,) = tape.grad([g], [x], [1.0])
    assert h == pytest.approx(2 * np.cos(0.3) - 0.3 * np.sin(0.3))


def test_tape_jvp_forward_sweep():
    x = tape.Tensor(0.3, requires_grad=True)
    y = bt.exp(x) * x
    (dot,) = tape.jvp([y], [x], [2.0])
    assert dot == pytest.approx(2.0 * (np.exp(0.3) * 1.3))


def test_numpy_ufuncs_run_through_the_table():
    """np.sin(tensor) is bt.sin(tensor), recorded; a numpy function with no entry raises."""
    x = tape.Tensor(1.0, requires_grad=True)
    y = np.sin(x)
    assert isinstance(y, tape.Tensor) and y.prim is bt.sin
    y.backward()
    np.testing.assert_allclose(x.grad, np.cos(1.0))
    with pytest.raises(bt.BackpropError, match="np.fft"):
        np.fft.fft(tape.Tensor(np.ones(3), requires_grad=True))
