"""Reductions written as numpy code: closed-form derivatives, ties, zeros, errors.

The generic checks (tests/test_numpy_functions.py) compare every sample with
central differences; here the derivatives are compared with their formulas, at
the points where a formula is easy to get wrong (zeros in a product, tied
maxima), and unsupported arguments must raise an error that names the function.
Every test runs on both engines.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


def value_on(engine, fun, *xs):
    """``fun`` of the engine's values, read back as numbers (and the engine's own result)."""
    if engine == "tape":
        out = fun(*[tape.Tensor(x, requires_grad=True) for x in xs])
        return out.value, out
    nodes = [sym.var(f"x{i}", shape=np.shape(x), dtype=np.asarray(x).dtype)
             for i, x in enumerate(xs)]
    out = fun(*nodes)
    return sym.evaluate(out, dict(zip(nodes, xs))), out


# -- prod: the product of the *other* entries, also where entries are 0 ----------------------
@pytest.mark.parametrize("x,expected", [
    ([2.0, 5.0, 3.0, 4.0], [60.0, 24.0, 40.0, 30.0]),   # no zero: prod / x_i
    ([2.0, 0.0, 3.0, 4.0], [0.0, 24.0, 0.0, 0.0]),      # one zero: only it has a gradient
    ([0.0, 5.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.0]),       # two zeros: none has
    ([0.0], [1.0]),                                       # one entry: d x / dx = 1
])
def test_prod_gradient_is_the_product_of_the_others(engine, x, expected):
    g = bt.grad(lambda x: np.prod(x), engine=engine)(np.array(x))
    np.testing.assert_array_equal(g, expected)


def test_prod_hessian_at_zeros(engine):
    # d^2 prod / dx_i dx_j = product of the entries other than i and j (0 on the diagonal)
    x = np.array([2.0, 0.0, 3.0, 4.0])
    h = bt.hessian(lambda x: np.prod(x), engine=engine)(x)
    expected = np.array([[0, 12, 0, 0], [12, 0, 8, 6], [0, 8, 0, 0], [0, 6, 0, 0.0]])
    np.testing.assert_array_equal(h, expected)
    h2 = bt.hessian(lambda x: np.prod(x), engine=engine)(np.array([0.0, 5.0, 0.0, 4.0]))
    expected2 = np.zeros((4, 4))
    expected2[0, 2] = expected2[2, 0] = 20.0             # only the two zeros' mixed partial
    np.testing.assert_array_equal(h2, expected2)


def test_prod_over_an_axis_with_zeros(engine):
    x = np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [1.0, 2.0, 4.0]])
    w = np.array([1.0, 2.0, 3.0])
    g = bt.grad(lambda x: np.sum(w * np.prod(x, axis=1)), engine=engine)(x)
    expected = np.array([[0, 3.0, 0], [0, 0, 0], [24, 12, 6.0]])
    np.testing.assert_array_equal(g, expected)
    assert np.all(np.isfinite(g))


# -- cumprod: no nan where numpy's value is finite --------------------------------------------
def test_cumprod_gradient_with_a_zero(engine):
    # cumprod([a, b, c]) = [a, ab, abc]; its sum has gradient [1 + b + bc, a + ac, ab]
    x = np.array([2.0, 0.0, 3.0])
    g = bt.grad(lambda x: np.sum(np.cumprod(x)), engine=engine)(x)
    np.testing.assert_array_equal(g, [1.0, 8.0, 0.0])
    y = np.array([[0.0, 2.0, 0.0, 5.0], [1.0, 3.0, 2.0, 0.5]])
    w = np.arange(1.0, 9.0).reshape(2, 4)
    g = bt.grad(lambda y: np.sum(w * np.cumprod(y, axis=1)), engine=engine)(y)
    expected = bt.numerical_grad(lambda y: np.sum(w * np.cumprod(y, axis=1)), y)
    np.testing.assert_allclose(g, expected, rtol=1e-8, atol=1e-8)


def test_cumprod_and_prod_keep_float32(engine):
    x = np.array([1.5, 0.0, 2.0, 3.0], dtype=np.float32)
    for f in (np.cumprod, np.prod):
        value, out = value_on(engine, f, x)
        assert out.dtype == np.float32 and value.dtype == np.float32
        np.testing.assert_array_equal(value, f(x))
    g = bt.grad(lambda x: np.sum(np.cumprod(x)), engine=engine)(x)
    assert g.dtype == np.float32


# -- max and min: ties share the gradient equally ---------------------------------------------
def test_max_and_min_share_ties_equally(engine):
    x = np.array([1.0, 3.0, 3.0, 2.0])
    np.testing.assert_array_equal(bt.grad(np.max, engine=engine)(x), [0, 0.5, 0.5, 0])
    y = np.array([1.0, 1.0, 1.0, 2.0])
    np.testing.assert_allclose(bt.grad(np.min, engine=engine)(y), [1 / 3, 1 / 3, 1 / 3, 0])
    m = np.array([[2.0, 2.0, 1.0], [0.0, 4.0, 4.0]])
    g = bt.grad(lambda m: np.sum(np.amin(m, axis=1) + m.max(axis=1)), engine=engine)(m)
    np.testing.assert_array_equal(g, [[0.5, 0.5, 1.0], [1.0, 0.5, 0.5]])


def test_max_and_min_docstrings_state_the_tie_rule():
    assert "share it" in bt.max.__doc__ and "share the gradient equally" in bt.min.__doc__


# -- var and std: d std = (x - mean) / ((n - ddof) std) ---------------------------------------
@pytest.mark.parametrize("ddof", [0, 1])
def test_std_and_var_closed_forms(engine, ddof):
    x = np.array([0.3, -1.2, 2.0, 0.7, 1.1])
    n, centered = x.size, x - x.mean()
    g_std = bt.grad(lambda x: np.std(x, ddof=ddof), engine=engine)(x)
    np.testing.assert_allclose(g_std, centered / ((n - ddof) * np.std(x, ddof=ddof)), rtol=1e-12)
    g_var = bt.grad(lambda x: x.var(ddof=ddof), engine=engine)(x)
    np.testing.assert_allclose(g_var, 2 * centered / (n - ddof), rtol=1e-12)


def test_std_along_an_axis(engine):
    x = np.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])
    w = np.array([[1.0], [2.0]])
    g = bt.grad(lambda x: np.sum(w * np.std(x, axis=1, ddof=1, keepdims=True)),
                engine=engine)(x)
    centered = x - x.mean(axis=1, keepdims=True)
    expected = w * centered / (2 * np.std(x, axis=1, ddof=1, keepdims=True))
    np.testing.assert_allclose(g, expected, rtol=1e-12)


# -- cumsum: the VJP is a cumsum from the end -------------------------------------------------
def test_cumsum_vjp_is_a_reversed_cumsum(engine):
    x = np.array([[0.5, 1.0, -2.0], [3.0, 0.25, 1.5]])
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g = bt.grad(lambda x: np.sum(w * np.cumsum(x, axis=1)), engine=engine)(x)
    np.testing.assert_array_equal(g, np.cumsum(w[:, ::-1], axis=1)[:, ::-1])
    flat = bt.grad(lambda x: np.sum(w.reshape(-1) * np.cumsum(x)), engine=engine)(x)
    np.testing.assert_array_equal(flat, np.cumsum(w.reshape(-1)[::-1])[::-1].reshape(2, 3))


def test_cumsum_flattens_as_numpy(engine):
    x = np.arange(6.0).reshape(2, 3)
    value, _ = value_on(engine, np.cumsum, x)
    np.testing.assert_array_equal(value, np.cumsum(x))
    assert value.shape == (6,)


# -- diff ---------------------------------------------------------------------------------
def test_diff_gradients(engine):
    x = np.array([1.0, 4.0, 9.0, 16.0])
    w = np.array([1.0, 2.0, 3.0])
    g = bt.grad(lambda x: np.sum(w * np.diff(x)), engine=engine)(x)
    np.testing.assert_array_equal(g, [-1.0, -1.0, -1.0, 3.0])   # [-w0, w0-w1, w1-w2, w2]
    g2 = bt.grad(lambda x: np.sum(np.diff(x, n=2)), engine=engine)(x)
    np.testing.assert_array_equal(g2, [1.0, -1.0, -1.0, 1.0])
    m = np.arange(12.0).reshape(3, 4) ** 2
    value, _ = value_on(engine, lambda m: np.diff(m, 2, axis=0), m)
    np.testing.assert_array_equal(value, np.diff(m, 2, axis=0))


# -- average --------------------------------------------------------------------------------
def test_average_gradients_in_values_and_weights(engine):
    x = np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]])
    w = np.array([1.0, 2.0, 5.0])
    gx, gw = bt.grad(lambda x, w: np.sum(np.average(x, axis=1, weights=w)), (0, 1),
                     engine=engine)(x, w)
    np.testing.assert_allclose(gx, np.broadcast_to(w / w.sum(), x.shape), rtol=1e-12)
    avg = np.average(x, axis=1, weights=w)
    np.testing.assert_allclose(gw, np.sum(x - avg[:, None], axis=0) / w.sum(), rtol=1e-12)


# -- any, all, count_nonzero: values with no derivative ---------------------------------------
def test_truth_values_and_counts(engine):
    x = np.array([[0.0, 2.0, 0.0], [1.0, 3.0, -1.0]])
    for fun in (lambda x: np.any(x, axis=1), lambda x: np.all(x, axis=1),
                lambda x: np.all(x), lambda x: np.any(x == 5.0),
                lambda x: np.count_nonzero(x, axis=0), lambda x: np.count_nonzero(x)):
        value, _ = value_on(engine, fun, x)
        np.testing.assert_array_equal(value, fun(x))
    # truth values feed where: rows with every entry positive are kept
    g = bt.grad(lambda x: np.sum(np.where(np.all(x > 0, axis=1, keepdims=True), x, 0.0)),
                engine=engine)(x + 0.5)                   # rows [.5, 2.5, .5], [1.5, 3.5, -.5]
    np.testing.assert_array_equal(g, [[1, 1, 1], [0, 0, 0]])
    g = bt.grad(lambda x: np.sum(x) / np.count_nonzero(x), engine=engine)(x)
    np.testing.assert_allclose(g, np.full(x.shape, 1 / 4))


# -- numpy's argument forms ---------------------------------------------------------------
@pytest.mark.parametrize("fun", [
    lambda x: np.sum(x, 1, None, None, True),             # positional keepdims
    lambda x: np.mean(x, axis=(-1, 0)),
    lambda x: np.prod(x, -2, keepdims=True),
    lambda x: np.std(x, None, None, None, 1),               # positional ddof
    lambda x: np.var(x, axis=(0,), correction=1),
    lambda x: np.min(x, axis=-1, initial=0.5),
    lambda x: np.sum(x, axis=0, initial=1.0),
])
def test_argument_forms_give_numpys_values(engine, fun):
    x = np.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])
    value, _ = value_on(engine, fun, x)
    np.testing.assert_allclose(value, fun(x), rtol=1e-12)
    assert np.shape(value) == np.shape(fun(x))


# -- unsupported arguments: an error that names the function ----------------------------------
@pytest.mark.parametrize("fun,error,match", [
    (lambda x: np.sum(x, out=np.zeros(3)), bt.BackpropError, "sum: out="),
    (lambda x: np.prod(x, where=x > 0), bt.BackpropError, "prod: where="),
    (lambda x: np.var(x, mean=0.0), bt.BackpropError, "var: mean="),
    (lambda x: np.var(x, ddof=1, correction=1), bt.BackpropError, "var: give ddof"),
    (lambda x: np.std(x, axis=0, ddof=2), bt.ShapeError, "std: ddof=2 leaves no degrees"),
    (lambda x: np.sum(x, dtype=int), bt.DTypeError, "sum: dtype=int64"),
    (lambda x: np.cumsum(x, out=x), bt.BackpropError, "cumsum: out="),
    (lambda x: np.diff(x, prepend=0.0), bt.BackpropError, "diff: prepend="),
    (lambda x: np.diff(x, n=-1), bt.ShapeError, "diff: n must be"),
    (lambda x: np.average(x, axis=1, weights=np.ones(3), returned=True), bt.BackpropError,
     "average: returned="),
    (lambda x: np.average(x, weights=np.ones(3)), bt.ShapeError, "average: axis must be given"),
    (lambda x: np.average(x, axis=0, weights=np.ones(3)), bt.ShapeError, "average: weights"),
    (lambda x: np.max(x, axis=2), bt.ShapeError, "max"),
    (lambda x: np.cumprod(x, axis=(0, 1)), bt.ShapeError, "cumprod: axis must be one int"),
    (lambda x: x[np.argmax(x)], bt.BackpropError, "np.argmax: an index has no derivative"),
    (lambda x: np.argsort(x), bt.BackpropError, "np.argsort: an index"),
    (lambda x: np.any(x, out=np.zeros(2)), bt.BackpropError, "any: out="),
])
def test_unsupported_arguments_raise_naming_the_function(engine, fun, error, match):
    x = np.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])
    with pytest.raises(error, match=match) as info:
        bt.grad(lambda x: np.sum(fun(x)), engine=engine)(x)
    assert "test_numpy_reductions.py" in str(info.value)   # the user's line


def test_engines_agree_on_a_mixture():
    x = np.array([[0.3, -1.2, 2.0, 0.0], [0.7, 1.1, -0.4, 1.5], [0.2, 0.0, 0.0, 0.9]])

    def f(x):
        return (np.sum(np.prod(x, axis=1)) + np.std(x, axis=0, ddof=1).sum()
                + np.cumsum(x, axis=1)[:, -1].var() + np.min(np.cumprod(x, axis=0))
                + np.average(np.diff(x), weights=np.array([1.0, 2.0, 3.0]), axis=-1).sum())

    tape_g, sym_g = (bt.grad(f, engine=e)(x) for e in bt.ENGINES)
    np.testing.assert_allclose(tape_g, sym_g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tape_g, bt.numerical_grad(f, x), rtol=1e-6, atol=1e-7)
