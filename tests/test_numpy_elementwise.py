"""numpy's elementwise functions on engine values: closed-form derivatives, the
conventions at kinks and jumps, numerical stability, aliases and refused arguments.

The generic checks (tests/test_numpy_functions.py) compare every sample with
central differences; these pin down what differences cannot see: exact zeros,
tie-splitting, points where a formula would divide by zero, large inputs.
"""

import math

import numpy as np
import pytest

import backprop_toolkit as bt

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


def elementwise_grad(f, engine):
    """d f(x)_i / d x_i for an elementwise f (the gradient of its sum)."""
    return bt.grad(lambda x: np.sum(f(x)), engine=engine)


def second_derivative(f, engine):
    """d^2 f(x)_i / d x_i^2 for an elementwise f, reverse over reverse."""
    first = elementwise_grad(f, engine)
    return bt.grad(lambda x: np.sum(first(x)), engine=engine)


def forward_second_derivative(f, x, engine):
    """The same, forward over reverse: a JVP of the gradient along ones."""
    _, dot = bt.jvp(elementwise_grad(f, engine), (x,), (np.ones_like(x),), engine=engine)
    return dot


# -- closed forms ---------------------------------------------------------------------
def test_arctan2_partials(engine):
    y, x = np.array([0.3, -1.2, 2.0]), np.array([1.5, -0.4, -0.7])
    dy, dx = bt.grad(lambda y, x: np.sum(np.arctan2(y, x)), argnums=(0, 1), engine=engine)(y, x)
    np.testing.assert_allclose(dx, -y / (x ** 2 + y ** 2), rtol=1e-14)
    np.testing.assert_allclose(dy, x / (x ** 2 + y ** 2), rtol=1e-14)


def test_tan_second_derivative(engine):
    x = np.array([-1.1, -0.3, 0.0, 0.7, 1.2])
    t = np.tan(x)
    expected = 2 * t * (1 + t ** 2)                      # d^2 tan = 2 tan (1 + tan^2)
    np.testing.assert_allclose(second_derivative(np.tan, engine)(x), expected, rtol=1e-13,
                               atol=1e-15)
    np.testing.assert_allclose(forward_second_derivative(np.tan, x, engine), expected,
                               rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("f,x,derivative", [
    (np.arcsin, [-0.9, 0.2, 0.99], lambda x: 1 / np.sqrt(1 - x ** 2)),
    (np.arccos, [-0.9, 0.2, 0.99], lambda x: -1 / np.sqrt(1 - x ** 2)),
    (np.arctan, [-3.0, 0.0, 0.5], lambda x: 1 / (1 + x ** 2)),
    (np.arcsinh, [-3.0, 0.0, 1e200], lambda x: 1 / np.hypot(x, 1)),  # no overflow at 1e200
    (np.arccosh, [1.001, 2.0, 10.0], lambda x: 1 / np.sqrt(x ** 2 - 1)),
    (np.arctanh, [-0.9, 0.0, 0.5], lambda x: 1 / (1 - x ** 2)),
    (np.sinh, [-2.0, 0.0, 1.0], np.cosh), (np.cosh, [-2.0, 0.0, 1.0], np.sinh),
    (np.log2, [0.5, 1.0, 8.0], lambda x: 1 / (x * np.log(2))),
    (np.log10, [0.5, 1.0, 1000.0], lambda x: 1 / (x * np.log(10))),
    (np.log1p, [-0.5, 1e-12, 3.0], lambda x: 1 / (1 + x)),
    (np.expm1, [-40.0, 1e-12, 2.0], np.exp),            # e^-40, not out + 1 = 0
    (np.exp2, [-1.0, 0.0, 3.0], lambda x: 2 ** x * np.log(2)),
    (np.cbrt, [-8.0, 0.125, 27.0], lambda x: 1 / (3 * np.cbrt(x) ** 2)),
    (np.reciprocal, [-2.0, 0.5, 4.0], lambda x: -1 / x ** 2),
    (np.deg2rad, [0.0, 90.0], lambda x: np.full_like(x, np.pi / 180)),
    (np.rad2deg, [0.0, 1.0], lambda x: np.full_like(x, 180 / np.pi)),
])
def test_closed_form_derivatives(f, x, derivative, engine):
    x = np.array(x)
    np.testing.assert_allclose(elementwise_grad(f, engine)(x), derivative(x), rtol=1e-13)


def test_hypot_partials(engine):
    a, b = np.array([3.0, -1.0, 1e200]), np.array([4.0, 2.0, 1e200])
    da, db = bt.grad(lambda a, b: np.sum(np.hypot(a, b)), argnums=(0, 1), engine=engine)(a, b)
    h = np.hypot(a, b)
    np.testing.assert_allclose(da, a / h, rtol=1e-14)
    np.testing.assert_allclose(db, b / h, rtol=1e-14)


def test_values_are_numpys_exactly(engine):
    """Entries run numpy's own function: no rounding a composite would add."""
    x = np.array([8.0, 1000.0, 27.0])
    for f in (np.log2, np.log10, np.cbrt, np.exp2, np.deg2rad, np.rad2deg, np.reciprocal):
        value, _ = bt.jvp(f, (x,), (np.ones(3),), engine=engine)
        assert np.array_equal(value, f(x)), f.__name__
    value, _ = bt.jvp(np.log10, (x,), (np.ones(3),), engine=engine)
    assert value[1] == 3.0


# -- logaddexp: stable for large inputs -------------------------------------------------
@pytest.mark.parametrize("a,b", [(1000.0, 1000.0), (1000.0, 0.0), (-1000.0, -1000.0),
                                 (1000.0, -1000.0), (-745.0, 30.0)])
def test_logaddexp_is_stable(a, b, engine):
    value, (da, db) = bt.value_and_grad(np.logaddexp, argnums=(0, 1), engine=engine)(a, b)
    assert value == np.logaddexp(a, b) and np.isfinite(value)
    sa = 1 / (1 + math.exp(b - a)) if b - a < 700 else 0.0    # softmax weight of a
    assert da == pytest.approx(sa, abs=1e-15) and db == pytest.approx(1 - sa, abs=1e-15)
    hess = bt.hessian(lambda v: np.logaddexp(v[0], v[1]), engine=engine)(np.array([a, b]))
    s = sa * (1 - sa)                                         # d^2/da^2 = s (1 - s)
    np.testing.assert_allclose(hess, [[s, -s], [-s, s]], atol=1e-15)


def test_logaddexp2_is_stable_and_exact(engine):
    value, (da, db) = bt.value_and_grad(np.logaddexp2, argnums=(0, 1),
                                        engine=engine)(1000.0, 1000.0)
    assert value == 1001.0 and da == 0.5 and db == 0.5


# -- sinc at 0 -------------------------------------------------------------------------------
def test_sinc_at_zero(engine):
    x = np.array([0.0, 1e-5, -1e-3, -0.05, 0.5, 2.0])
    first = elementwise_grad(np.sinc, engine)(x)
    assert first[0] == 0.0
    near = x[1:3]  # the Taylor series, no cancellation near 0
    series = -np.pi ** 2 / 3 * near + np.pi ** 4 / 30 * near ** 3 - np.pi ** 6 / 840 * near ** 5
    np.testing.assert_allclose(first[1:3], series, rtol=1e-14)
    # sinc'(-0.05) to 40 digits (mpmath), and (cos(pi x) - sinc x) / x at 0.5 and 2
    np.testing.assert_allclose(first[3:], [0.16408789296847298, -4 / np.pi, 0.5], rtol=1e-14)
    second = second_derivative(np.sinc, engine)(np.array([0.0]))
    np.testing.assert_allclose(second, [-np.pi ** 2 / 3], rtol=1e-14)
    np.testing.assert_allclose(forward_second_derivative(np.sinc, np.array([0.0]), engine),
                               [-np.pi ** 2 / 3], rtol=1e-14)


# -- clip ---------------------------------------------------------------------------------
CLIP_X = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


def test_clip_gradient_inside_at_and_beyond_bounds(engine):
    lo, hi = np.full(5, -0.5), np.full(5, 0.5)
    value, (dx, dlo, dhi) = bt.value_and_grad(lambda x, lo, hi: np.sum(np.clip(x, lo, hi)),
                                              argnums=(0, 1, 2), engine=engine)(CLIP_X, lo, hi)
    assert value == np.sum(np.clip(CLIP_X, lo, hi))
    np.testing.assert_array_equal(dx, [0.0, 0.5, 1.0, 0.5, 0.0])   # a tie splits in half
    np.testing.assert_array_equal(dlo, [1.0, 0.5, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(dhi, [0.0, 0.0, 0.0, 0.5, 1.0])


@pytest.mark.parametrize("call,expected", [
    (lambda x: np.clip(x, -0.5, 0.5), [0, 0.5, 1, 0.5, 0]),
    (lambda x: np.clip(x, None, 0.5), [1, 1, 1, 0.5, 0]),
    (lambda x: np.clip(x, a_min=-0.5, a_max=None), [0, 0.5, 1, 1, 1]),
    (lambda x: np.clip(x, min=-0.5), [0, 0.5, 1, 1, 1]),
    (lambda x: np.clip(x, max=0.5), [1, 1, 1, 0.5, 0]),
    (lambda x: np.clip(x, None, None), [1, 1, 1, 1, 1]),
    (lambda x: np.clip(x, 1.0, -1.0), [0, 0, 0, 0, 0]),     # a_min > a_max: numpy gives a_max
])
def test_clip_arguments(call, expected, engine):
    value, grad = bt.value_and_grad(lambda x: np.sum(call(x)), engine=engine)(CLIP_X)
    assert value == np.sum(call(CLIP_X))
    np.testing.assert_array_equal(grad, expected)


def test_clip_refuses_what_numpy_refuses(engine):
    def run(call):
        return bt.grad(lambda x: np.sum(call(x)), engine=engine)(CLIP_X)

    with pytest.raises(bt.BackpropError, match=r"np.clip: out= is not supported"):
        run(lambda x: np.clip(x, 0, 1, out=np.zeros(5)))
    with pytest.raises(bt.BackpropError, match=r"np.clip: casting= is not supported"):
        run(lambda x: np.clip(x, 0, 1, casting="unsafe"))
    with pytest.raises(TypeError, match="a_max"):
        run(lambda x: np.clip(x, 0))
    with pytest.raises(ValueError, match="forbidden"):
        run(lambda x: np.clip(x, 0, 1, min=0))


# -- minimum, fmin, fmax -------------------------------------------------------------------
@pytest.mark.parametrize("f", [np.minimum, np.fmin, np.maximum, np.fmax])
def test_ties_split_the_gradient(f, engine):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0])
    da, db = bt.grad(lambda a, b: np.sum(f(a, b)), argnums=(0, 1), engine=engine)(a, b)
    smaller = f in (np.minimum, np.fmin)
    np.testing.assert_array_equal(da, [1.0, 0.5, 0.0] if smaller else [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(db, 1 - da)


@pytest.mark.parametrize("f", [np.fmin, np.fmax])
def test_fmin_fmax_ignore_nan(f, engine):
    a, b = np.array([np.nan, 1.0, 2.0]), np.array([3.0, np.nan, 1.0])
    _, pullback = bt.vjp(f, a, b, engine=engine)
    da, db = pullback(np.ones(3))
    _, dot = bt.jvp(f, (a, b), (np.ones(3), np.zeros(3)), engine=engine)
    value, _ = bt.jvp(f, (a, b), (np.ones(3), np.ones(3)), engine=engine)
    np.testing.assert_array_equal(value, f(a, b))
    np.testing.assert_array_equal(da, [0.0, 1.0, 1.0 if f is np.fmax else 0.0])
    np.testing.assert_array_equal(db, [1.0, 0.0, 0.0 if f is np.fmax else 1.0])
    np.testing.assert_array_equal(dot, da)


# -- remainders ---------------------------------------------------------------------------
def test_remainder_partials(engine):
    a, b = np.array([-3.5, 3.5, 7.25, -0.5]), np.array([2.0, -2.0, 3.0, -0.75])
    for f, quotient in ((np.mod, np.floor), (np.remainder, np.floor), (np.fmod, np.trunc),
                        (lambda a, b: a % b, np.floor)):
        value, (da, db) = bt.value_and_grad(lambda a, b: np.sum(f(a, b)), argnums=(0, 1),
                                            engine=engine)(a, b)
        assert value == np.sum(f(a, b))
        np.testing.assert_array_equal(da, np.ones(4))
        np.testing.assert_array_equal(db, -quotient(a / b))
    assert np.mod(-3.5, 2.0) == 0.5 and np.fmod(-3.5, 2.0) == -1.5   # the two conventions


def test_mod_is_remainder():
    assert np.mod is np.remainder and bt.mod is bt.remainder
    assert np.abs is np.absolute and bt.fabs is bt.abs and bt.absolute is bt.abs
    assert bt.conj is bt.conjugate and bt.radians is bt.deg2rad and bt.degrees is bt.rad2deg


# -- integer-valued: derivative exactly 0 ----------------------------------------------------
INTEGER_VALUED = [np.floor, np.ceil, np.trunc, np.rint, np.round, np.around, np.sign,
                  lambda x: np.round(x, 2), lambda x: np.around(x, decimals=-1)]


@pytest.mark.parametrize("f", INTEGER_VALUED)
def test_integer_valued_derivatives_are_exactly_zero(f, engine):
    x = np.array([-2.5, -1.0, -0.3, 0.0, 0.5, 1.0, 2.7, 14.5])  # jumps included
    value, grad = bt.value_and_grad(lambda x: np.sum(f(x) * x), engine=engine)(x)
    assert value == np.sum(f(x) * x)
    np.testing.assert_array_equal(grad, f(x))            # d(f(x) x) = f(x) + 0 * x, exactly
    out, dot = bt.jvp(f, (x,), (np.ones_like(x),), engine=engine)
    np.testing.assert_array_equal(out, f(x))
    np.testing.assert_array_equal(dot, np.zeros_like(x))
    hess = bt.hessian(lambda x: np.sum(f(x) * x ** 2), engine=engine)(x)
    np.testing.assert_array_equal(hess, np.diag(2 * f(x)))


def test_round_refuses_out_and_non_integer_decimals(engine):
    x = np.array([0.25, 1.5])
    with pytest.raises(bt.BackpropError, match="np.round: out= is not supported"):
        bt.grad(lambda x: np.sum(np.round(x, out=np.zeros(2))), engine=engine)(x)
    with pytest.raises(bt.BackpropError, match="decimals must be an integer"):
        bt.grad(lambda x: np.sum(np.round(x, 1.5) * x), engine=engine)(x)


# -- identities on real values, float_power --------------------------------------------------
@pytest.mark.parametrize("f", [np.positive, np.conj, np.conjugate, np.real, np.fabs,
                               lambda x: +x])
def test_identities_on_real_values(f, engine):
    x = np.array([0.5, -2.0])
    value, grad = bt.value_and_grad(lambda x: np.sum(f(x) * x), engine=engine)(x)
    assert value == np.sum(f(x) * x)
    np.testing.assert_array_equal(grad, 2 * np.abs(x) if f is np.fabs else 2 * x)


def test_float_power_computes_in_float64(engine):
    x = np.array([1.5, 2.0], dtype=np.float32)
    value, dot = bt.jvp(lambda x: np.float_power(x, 3), (x,), (np.ones(2, np.float32),),
                        engine=engine)
    assert value.dtype == np.float64 and np.float_power(x, 3).dtype == np.float64
    np.testing.assert_allclose(value, np.float_power(x, 3), rtol=1e-15)
    np.testing.assert_allclose(dot, 3 * x.astype(np.float64) ** 2, rtol=1e-15)


# -- what numpy may not do on engine values ---------------------------------------------------
@pytest.mark.parametrize("call,message", [
    (lambda x: np.sin(x, out=np.zeros(3)), r"np.sin: out= is not supported"),
    (lambda x: np.exp(x, where=np.array([True, False, True])), r"np.exp: where= is not"),
    (lambda x: np.add(x, 1.0, dtype=np.float32), r"np.add: dtype= is not supported"),
    (lambda x: np.tan(x, out=np.zeros(3), casting="unsafe"), r"np.tan: casting=, out= are not"),
    (lambda x: np.add.reduce(x), r"np.add.reduce has no entry"),
    (lambda x: np.add.accumulate(x), r"np.add.accumulate has no entry"),
    (lambda x: np.multiply.outer(x, x), r"np.multiply.outer has no entry"),
    (lambda x: np.maximum.reduce(x), r"np.maximum.reduce has no entry"),
])
def test_ufunc_keywords_and_methods_are_refused(call, message, engine):
    with pytest.raises(bt.BackpropError, match=message):
        bt.grad(lambda x: np.sum(call(x)), engine=engine)(np.array([0.1, 0.2, 0.3]))


def test_add_at_is_refused(engine):
    def f(x):
        np.add.at(x, [0, 0], 1.0)
        return np.sum(x)

    with pytest.raises(bt.BackpropError, match=r"np.add.at has no entry"):
        bt.grad(f, engine=engine)(np.array([0.1, 0.2]))


def test_where_true_is_numpys_default(engine):
    x = np.array([0.1, 0.2])
    grad = bt.grad(lambda x: np.sum(np.sin(x, where=True)), engine=engine)(x)
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-15)


def test_a_student_expression_agrees_across_engines():
    """Many of the new functions in one expression: both engines, Hessians equal."""
    def f(x):
        return np.sum(np.logaddexp(np.arctan2(x, 1.5), np.log1p(np.hypot(x, 0.5)))
                      + np.tanh(np.sinc(x)) * np.clip(np.cosh(x), 1.1, 1.3) + np.fmod(x, 0.7))

    x = np.array([0.3, -0.8, 1.1])
    tape, symbolic = (bt.hessian(f, engine=e)(x) for e in bt.ENGINES)
    np.testing.assert_allclose(tape, symbolic, rtol=1e-12, atol=1e-14)
