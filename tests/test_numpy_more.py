"""The numpy functions found missing by running another project's numpy-gradient tests:
closed forms and edge cases on both engines."""

import numpy as np
import pytest

import backprop_toolkit as bt

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


def test_linspace_is_linear_in_both_ends(engine):
    t = np.linspace(0.0, 1.0, 5)
    weights = np.arange(1.0, 6.0)
    d_start, d_stop = bt.grad(lambda a, b: bt.sum(weights * np.linspace(a, b, 5)), (0, 1),
                              engine=engine)(1.2, -3.4)
    assert np.isclose(d_start, np.sum(weights * (1 - t)))   # d x_k / d start = 1 - t_k
    assert np.isclose(d_stop, np.sum(weights * t))          # d x_k / d stop = t_k


def test_linspace_refuses_what_it_does_not_do(engine):
    with pytest.raises(bt.BackpropError, match="axis="):
        bt.grad(lambda a: bt.sum(np.linspace(a, a + 1, 3, axis=1)), engine=engine)(np.ones(2))


def test_gradient_of_samples_of_a_quadratic(engine):
    """For f = x^2 on a grid of step h, numpy's central difference is exact inside: 2 x."""
    h = 0.5
    grid = np.arange(6) * h

    def inner(c):
        return np.gradient(c * grid ** 2, h)[1:-1]

    jac = bt.jacobian(inner, engine=engine)(2.0)
    np.testing.assert_allclose(jac, 2 * grid[1:-1])          # d (c * 2x) / dc
    with pytest.raises(bt.BackpropError, match="edge_order="):
        bt.grad(lambda c: bt.sum(np.gradient(c * grid, edge_order=2)), engine=engine)(1.0)


def test_nan_to_num_passes_the_gradient_where_finite(engine):
    y = np.array([0.0, np.nan, np.inf, -np.inf])
    f = lambda x: np.nan_to_num(x + y)  # noqa: E731
    value, g = bt.value_and_grad(lambda x: bt.sum(np.sin(f(x))), engine=engine)(np.full(4, 0.3))
    assert np.isclose(value, np.sum(np.sin(np.nan_to_num(0.3 + y))))
    np.testing.assert_allclose(g, [np.cos(0.3), 0.0, 0.0, 0.0])
    out = bt.jvp(f, (np.zeros(4),), (np.ones(4),), engine=engine)[0]
    np.testing.assert_array_equal(out, np.nan_to_num(y))


def test_std_of_one_entry_is_constant_zero(engine):
    """A kink where entries tie, but with one entry std is identically 0: derivative 0."""
    assert bt.grad(lambda x: np.std(x), engine=engine)(3.5) == 0.0
    np.testing.assert_array_equal(
        bt.hessian(lambda x: bt.sum(np.std(x, axis=0)), engine=engine)(np.ones((1, 2))),
        np.zeros((1, 2, 1, 2)))


def test_einsum_over_an_empty_batch(engine):
    a, b = np.ones((0, 2, 3)), np.ones((0, 3, 4))
    g = bt.grad(lambda a: bt.sum(np.einsum("...ij,...jk->...ik", a, b)), engine=engine)(a)
    assert g.shape == (0, 2, 3)


def test_select_gives_the_gradient_to_the_choice_taken(engine):
    masks = [np.array([True, False, False]), np.array([True, True, False])]
    ga, gb = bt.grad(lambda a, b: bt.sum(np.select(masks, [a, b], default=-1.0)), (0, 1),
                     engine=engine)(np.ones(3), np.ones(3))
    np.testing.assert_array_equal(ga, [1, 0, 0])     # the first condition wins entry 0
    np.testing.assert_array_equal(gb, [0, 1, 0])


def test_imag_and_angle_of_real_values_are_constants(engine):
    x = np.array([-2.0, 0.5])
    assert np.array_equal(bt.grad(lambda x: bt.sum(np.angle(x) * x), engine=engine)(x),
                          np.angle(x))          # d (angle(x) x)/dx = angle(x): angle is flat
    assert np.array_equal(bt.grad(lambda x: bt.sum(np.imag(x) + x), engine=engine)(x),
                          np.ones(2))


def test_rollaxis_matches_numpy_for_every_axis_and_start():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    t = bt.tape.Tensor(x, requires_grad=True)
    for axis in range(-3, 3):
        for start in range(-3, 4):
            np.testing.assert_array_equal(np.rollaxis(t, axis, start).value,
                                          np.rollaxis(x, axis, start))


def test_partition_is_refused_with_the_reason(engine):
    with pytest.raises(bt.BackpropError, match="np.sort"):
        bt.grad(lambda x: bt.sum(np.partition(x, 1)), engine=engine)(np.arange(3.0))


def test_every_table_entry_has_a_short_readable_label():
    """Drawings label a table entry with a symbol or a short name (a gate grows to fit,
    but ``greater_equal`` in a circle is not a slide); unusual symbols are named."""
    from backprop_toolkit.primitives import TABLE
    from backprop_toolkit.viz import styles

    long = {name: styles.gate_symbol(p) for name, p in TABLE.items()
            if len(styles.gate_symbol(p)) > 9}
    assert not long, f"labels too long for a gate: {long}"
    for prim in (TABLE["einsum"], TABLE["logaddexp"], TABLE["cumsum"]):
        assert prim in styles.SYMBOL_WORDS


def rnn_numpy(W, U, xs):
    """A student's recurrent net in plain numpy: np. functions, methods, a Python loop."""
    h = np.zeros(W.shape[0])
    states = []
    for x in xs:
        h = np.tanh(W @ h + np.dot(U, x))
        states.append(h)
    H = np.stack(states)
    return (H ** 2).mean() + np.linalg.norm(W) * 0.01 + np.concatenate([H[-1], h]).sum()


def rnn_bt(W, U, xs):
    """The same net in bt ops."""
    h = bt.broadcast_to(0.0, (W.shape[0],))
    states = []
    for k in range(xs.shape[0]):
        h = bt.tanh(W @ h + U @ xs[k])
        states.append(h)
    H = bt.stack(states)
    return bt.mean(H ** 2) + bt.sqrt(bt.sum(W * W)) * 0.01 + 2 * bt.sum(h)


def test_a_students_numpy_loop_matches_bt_ops_and_central_differences(engine):
    rng = np.random.default_rng(3)
    W, U, xs = rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((4, 3)), \
        rng.standard_normal((5, 3))
    got = bt.grad(rnn_numpy, (0, 1), engine=engine)(W, U, xs)
    with_bt = bt.grad(rnn_bt, (0, 1), engine=engine)(W, U, xs)
    numeric = bt.numerical_grad(rnn_numpy, W, U, xs, argnums=(0, 1))
    for g, b, n in zip(got, with_bt, numeric):
        np.testing.assert_allclose(g, b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-8)
