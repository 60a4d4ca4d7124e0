"""The common transforms on both engines, against closed forms."""

import numpy as np
import pytest

import backprop_toolkit as bt


def f_scalar(x):
    return bt.sin(x) * x ** 2


def df_scalar(x):
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x)


def test_grad_returns_float_for_scalar(engine):
    g = bt.grad(f_scalar, engine=engine)(0.7)
    assert isinstance(g, float)
    assert g == pytest.approx(df_scalar(0.7), rel=1e-14)


def test_grad_returns_array_of_argument_shape(engine, rng):
    x = rng.standard_normal((2, 3))
    g = bt.grad(lambda x: bt.sum(bt.exp(x) * 3.0), engine=engine)(x)
    assert isinstance(g, np.ndarray) and g.shape == (2, 3)
    np.testing.assert_allclose(g, 3 * np.exp(x), rtol=1e-14)


def test_value_and_grad(engine):
    v, g = bt.value_and_grad(f_scalar, engine=engine)(1.3)
    assert v == pytest.approx(np.sin(1.3) * 1.69)
    assert g == pytest.approx(df_scalar(1.3))


def test_argnums_tuple_and_negative(engine):
    f = lambda a, b, c: a * b + bt.sin(c)
    assert bt.grad(f, (2, 0), engine=engine)(2.0, 3.0, 0.0) == (1.0, 3.0)
    assert bt.grad(f, -1, engine=engine)(2.0, 3.0, 0.0) == 1.0


def test_keyword_arguments_pass_through(engine):
    f = lambda x, scale=1.0: scale * x ** 2
    assert bt.grad(f, engine=engine)(3.0, scale=2.0) == 12.0


def test_second_derivative_by_composition(engine):
    d2 = bt.grad(bt.grad(f_scalar, engine=engine), engine=engine)
    x = 0.4
    expected = -np.sin(x) * x ** 2 + 4 * x * np.cos(x) + 2 * np.sin(x)
    assert d2(x) == pytest.approx(expected, rel=1e-12)


def test_grad_through_closure_of_outer_variable(engine):
    """d/dx [d/dy (x y^2) at y=2] = 4: the inner grad sees the outer x."""
    outer = bt.grad(lambda x: bt.grad(lambda y: x * y * y, engine=engine)(2.0), engine=engine)
    assert outer(3.0) == pytest.approx(4.0)


def test_vjp_matches_transposed_jacobian(engine, rng):
    A = rng.standard_normal((3, 4))
    f = lambda x: bt.tanh(A @ x)
    x, u = rng.standard_normal(4), rng.standard_normal(3)
    value, vjp_fn = bt.vjp(f, x, engine=engine)
    (bar,) = vjp_fn(u)
    J = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(value, np.tanh(A @ x), rtol=1e-14)
    np.testing.assert_allclose(bar, J.T @ u, rtol=1e-12)


def test_vjp_two_primals(engine, rng):
    a, b, u = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3)
    _, vjp_fn = bt.vjp(lambda a, b: a * b, a, b, engine=engine)
    ga, gb = vjp_fn(u)
    np.testing.assert_allclose(ga, u * b)
    np.testing.assert_allclose(gb, u * a)


def test_jvp_matches_jacobian(engine, rng):
    A = rng.standard_normal((3, 4))
    f = lambda x: bt.tanh(A @ x)
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    value, dot = bt.jvp(f, (x,), (v,), engine=engine)
    J = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(dot, J @ v, rtol=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_modes(engine, mode, rng):
    A = rng.standard_normal((3, 4))
    x = rng.standard_normal(4)
    J = bt.jacobian(lambda x: bt.tanh(A @ x), engine=engine, mode=mode)(x)
    np.testing.assert_allclose(J, (1 - np.tanh(A @ x) ** 2)[:, None] * A, rtol=1e-12)


def test_jacobian_of_matrix_function_shape(engine, rng):
    X = rng.standard_normal((2, 3))
    for mode in ("reverse", "forward"):
        J = bt.jacobian(lambda X: X * 2.0, engine=engine, mode=mode)(X)
        assert J.shape == (2, 3, 2, 3)
        np.testing.assert_allclose(J.reshape(6, 6), 2 * np.eye(6))


def test_hessian_rosenbrock(engine, rng):
    def rosen(x):
        return bt.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    x = rng.uniform(-1, 1, 5)
    H = bt.hessian(rosen, engine=engine)(x)
    n = len(x)
    ref = np.zeros((n, n))
    for i in range(n - 1):   # the analytic Hessian, term by term
        ref[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        ref[i, i + 1] += -400 * x[i]
        ref[i + 1, i] += -400 * x[i]
        ref[i + 1, i + 1] += 200
    np.testing.assert_allclose(H, ref, rtol=1e-10, atol=1e-9)


def test_hessian_vector_product_forward_over_reverse(engine, rng):
    A = rng.standard_normal((4, 4))
    A = A + A.T
    f = lambda x: 0.5 * bt.sum(x * (A @ x)) + bt.sum(bt.sin(x))
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    _, hv = bt.jvp(bt.grad(f, engine=engine), (x,), (v,), engine=engine)
    np.testing.assert_allclose(hv, A @ v - np.sin(x) * v, rtol=1e-12)


def test_third_order_by_grad_of_hessian(engine):
    f = lambda x: x ** 4
    d3 = bt.grad(bt.grad(bt.grad(f, engine=engine), engine=engine), engine=engine)
    assert d3(2.0) == pytest.approx(48.0)


def test_grad_of_jacobian_composes(engine, rng):
    x = rng.standard_normal(3)
    g = bt.grad(lambda x: bt.sum(bt.jacobian(lambda y: y ** 3, engine=engine)(x)),
                engine=engine)(x)
    np.testing.assert_allclose(g, 6 * x, rtol=1e-12)


def test_function_not_depending_on_argument(engine):
    assert bt.grad(lambda x, y: y * 2.0, engine=engine)(1.0, 3.0) == 0.0
    g = bt.grad(lambda x: 5.0, engine=engine)(np.ones(3))
    np.testing.assert_array_equal(g, np.zeros(3))


def test_results_are_numpy_not_engine_objects(engine, rng):
    x = rng.standard_normal(3)
    results = [bt.grad(lambda x: bt.sum(x ** 2), engine=engine)(x),
               bt.jacobian(lambda x: x ** 2, engine=engine)(x),
               bt.hessian(lambda x: bt.sum(x ** 3), engine=engine)(x),
               bt.jvp(lambda x: x ** 2, (x,), (x,), engine=engine)[1],
               bt.vjp(lambda x: x ** 2, x, engine=engine)[1](x)[0]]
    for r in results:
        assert type(r) is np.ndarray


def test_float32_stays_float32(engine):
    x = np.array([0.5, 1.5], dtype=np.float32)
    g = bt.grad(lambda x: bt.sum(bt.tanh(x) * 2.0), engine=engine)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * (1 - np.tanh(x) ** 2), rtol=1e-6)


def test_integer_input_is_promoted_to_float64(engine):
    """Documented: an integer argument is differentiated as the float it equals."""
    g = bt.grad(lambda x: x ** 2, engine=engine)(3)
    assert g == 6.0 and isinstance(g, float)
    g = bt.grad(lambda x: bt.sum(x ** 2), engine=engine)(np.array([1, 2]))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [2.0, 4.0])


def test_ops_on_plain_numbers_return_numpy():
    assert bt.sin(0.0) == 0.0 and isinstance(bt.sin(0.0), np.floating)
    assert isinstance(bt.sum(np.ones(3)), np.floating)
    np.testing.assert_array_equal(bt.relu(np.array([-1.0, 2.0])), [0.0, 2.0])
    assert bt.mean(np.arange(4.0)) == 1.5


def test_numpy_on_either_side_of_an_operator(engine):
    f = lambda x: bt.sum(np.ones(3) * x + 2 - x / np.full(3, 2.0)) + bt.sum(np.eye(3) @ x)
    np.testing.assert_allclose(bt.grad(f, engine=engine)(np.arange(3.0)), np.full(3, 1.5))


def test_indexing_slicing_transpose(engine, rng):
    X = rng.standard_normal((3, 4))
    f = lambda X: bt.sum(X[1]) + bt.sum(X[:, 1:3] ** 2) + bt.sum(X.T[0])
    ref = np.zeros((3, 4))
    ref[1] += 1
    ref[:, 1:3] += 2 * X[:, 1:3]
    ref[:, 0] += 1
    np.testing.assert_allclose(bt.grad(f, engine=engine)(X), ref)


def test_where_and_comparisons(engine):
    f = lambda x: bt.sum(bt.where(x > 0, x ** 2, -x))
    x = np.array([-2.0, 3.0])
    np.testing.assert_allclose(bt.grad(f, engine=engine)(x), [-1.0, 6.0])


def test_mean_max_reshape(engine, rng):
    X = rng.standard_normal((2, 3))
    np.testing.assert_allclose(bt.grad(lambda X: bt.mean(X), engine=engine)(X), np.full((2, 3), 1 / 6))
    g = bt.grad(lambda X: bt.sum(bt.max(X, axis=1)), engine=engine)(X)
    np.testing.assert_allclose(g, (X == X.max(axis=1, keepdims=True)).astype(float))
    g = bt.grad(lambda X: bt.sum(bt.reshape(X, (3, 2))[0] * 5.0), engine=engine)(X)
    np.testing.assert_allclose(g.reshape(-1), [5, 5, 0, 0, 0, 0])


def test_max_splits_gradient_among_ties(engine):
    g = bt.grad(lambda x: bt.max(x), engine=engine)(np.array([1.0, 3.0, 3.0]))
    np.testing.assert_allclose(g, [0.0, 0.5, 0.5])


def test_check_grad_passes_and_fails(engine):
    bt.check_grad(f_scalar, 0.3, engine=engine)
    bad = bt.elementwise("bad", np.sin, derivative=lambda x: bt.cos(x) * 1.01)
    with pytest.raises(AssertionError, match=r"d<lambda>/dx\[1\]: got"):
        bt.check_grad(lambda x: bt.sum(bad(x) * np.array([0.0, 10.0])), np.array([0.2, 0.4]),
                      engine=engine)


def test_numerical_grad_against_closed_form():
    g = bt.numerical_grad(lambda x: np.sum(np.sin(x)), np.array([0.1, 0.2]))
    np.testing.assert_allclose(g, np.cos([0.1, 0.2]), rtol=1e-9)
    ga, gb = bt.numerical_grad(lambda a, b: a * b ** 2, 2.0, 3.0, argnums=(0, 1))
    assert ga == pytest.approx(9.0) and gb == pytest.approx(12.0)
