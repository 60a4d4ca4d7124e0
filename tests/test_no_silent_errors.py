"""No silently wrong number: each case here once gave a plausible wrong result with no error.

Every test runs on both engines; references are closed forms, numpy, or the
other engine. Conventions at edges (x**0, 0**y, rewrites) are in
test_conventions.py, nested transforms at random in test_nested_property.py,
threads in test_threads.py.
"""

import math
import warnings

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape

ENGINES = bt.ENGINES


# -- 1. nested transforms: each call is its own level ----------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_inner_grad_treats_the_outer_variable_as_a_constant(engine):
    # d/dx [ d/dy (x y) at y = x ] = d/dx x = 1; confusing y with x would give d/dx 2x = 2
    g = bt.grad(lambda x: bt.grad(lambda y: x * y, engine=engine)(x), engine=engine)
    assert g(3.0) == 1.0


@pytest.mark.parametrize("engine", ENGINES)
def test_inner_grad_of_a_closure_still_depends_on_the_outer_variable(engine):
    # d/dx [ d/dy (x + y) at y = 5 ] * x = d/dx x = 1; d/dx [ x * d/dy sin(x y) at y=2 ]
    f = lambda x: x * bt.grad(lambda y: bt.sin(x * y), engine=engine)(2.0)  # noqa: E731
    x = 0.7
    # x * x cos(2x): derivative 2x cos(2x) - 2 x^2 sin(2x)
    expected = 2 * x * np.cos(2 * x) - 2 * x * x * np.sin(2 * x)
    np.testing.assert_allclose(bt.grad(f, engine=engine)(x), expected, rtol=1e-12)


# -- 2. == and != are elementwise ---------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_equality_is_elementwise_in_a_product(engine):
    f = lambda x: bt.sum(x * (x == 1.0))  # noqa: E731
    x = np.array([1.0, 2.0, 3.0])
    value, g = bt.value_and_grad(f, engine=engine)(x)
    assert value == np.sum(x * (x == 1.0)) == 1.0
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])  # JAX's answer: the mask is constant


@pytest.mark.parametrize("engine", ENGINES)
def test_equality_inside_where_matches_numbers(engine):
    f = lambda x: bt.sum(bt.where(x == 0.0, 1.0, x * x))  # noqa: E731
    x = np.array([0.0, 2.0])
    value, g = bt.value_and_grad(f, engine=engine)(x)
    assert value == f(x) == 5.0
    np.testing.assert_array_equal(g, [0.0, 4.0])
    h = lambda x: bt.sum(bt.where(x != 0.0, x * x, 1.0))  # noqa: E731
    np.testing.assert_array_equal(bt.grad(h, engine=engine)(x), [0.0, 4.0])


def test_comparisons_keep_identity_hashing_and_numpy_truth_rules():
    x = tape.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    n = sym.var("n", shape=(2,))
    assert {x: 1, n: 2}[x] == 1 and {x: 1, n: 2}[n] == 2  # dict keys by identity
    assert isinstance(x == 1.0, tape.Tensor) and isinstance(n != 1.0, sym.Node)
    with pytest.raises(ValueError):  # as numpy: the truth value of two entries is ambiguous
        bool(x == 1.0)
    assert bool(tape.Tensor(2.0) == 2.0)
    with pytest.raises(bt.ControlFlowError):
        bool(n == 1.0)


# -- 3. asking for more derivatives never changes the others ------------------------------

def test_an_intermediate_node_among_the_wrt_changes_nothing_else():
    u, v = sym.var("u"), sym.var("v")
    a = u * v
    b = bt.sin(a)
    z = b * u
    feed = {u: 0.5, v: -1.5}
    uu, vv = 0.5, -1.5
    du = np.sin(uu * vv) + uu * vv * np.cos(uu * vv)     # z = u sin(u v)
    dv = uu * uu * np.cos(uu * vv)
    alone = sym.evaluate(sym.grad(z, [u, v]), feed)
    with_b = sym.evaluate(sym.grad(z, [u, v, b]), feed)
    np.testing.assert_allclose(alone, [du, dv], rtol=1e-12)
    np.testing.assert_allclose(with_b[:2], [du, dv], rtol=1e-12)
    assert with_b[2] == pytest.approx(uu)  # dz/db with b's inputs held: the factor u
    # the tape walks the same way: grad with respect to an intermediate tensor
    tu, tv = tape.Tensor(uu, requires_grad=True), tape.Tensor(vv, requires_grad=True)
    tb = bt.sin(tu * tv)
    tz = tb * tu
    got = tape.grad([tz], [tu, tv, tb], [1.0])
    np.testing.assert_allclose(got, [du, dv, uu], rtol=1e-12)


def test_forward_mode_with_an_intermediate_source_adds_its_tangent():
    u = sym.var("u")
    b = bt.sin(u)
    z = b * b
    # tangent 1 on u and 0 on b: exactly the tangent along u alone
    both = sym.evaluate(sym.jvp(z, [u, b], [1.0, 0.0]), {u: 0.3})
    alone = sym.evaluate(sym.jvp(z, [u], [1.0]), {u: 0.3})
    assert both == pytest.approx(alone) == pytest.approx(2 * np.sin(0.3) * np.cos(0.3))


# -- 4. no escape to plain numbers --------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("escape", [lambda x: math.sin(x), lambda x: float(x) * x,
                                    lambda x: np.float64(x) * x, lambda x: x * int(x),
                                    lambda x: np.asarray(x) * x],
                         ids=["math.sin", "float", "np.float64", "int", "np.asarray"])
def test_converting_a_differentiated_value_raises(engine, escape):
    with pytest.raises(bt.ConversionError) as info:
        bt.grad(escape, engine=engine)(0.5)
    message = str(info.value)
    assert "test_no_silent_errors.py" in message and "bt.stop_gradient" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_stop_gradient_reads_a_number_on_purpose(engine):
    # f = stop(x) * x: df/dx = stop(x) = x, the stopped factor held constant
    g = bt.grad(lambda x: bt.stop_gradient(x) * x, engine=engine)(0.5)
    assert g == 0.5
    assert bt.grad(lambda x: bt.sum(bt.stop_gradient(x * x)), engine=engine)(np.ones(2)).tolist() \
        == [0.0, 0.0]


def test_reading_value_on_the_tape_is_allowed():
    x = tape.Tensor(0.5, requires_grad=True)
    assert math.sin(x.value) == math.sin(0.5) and x.value.item() == 0.5
    assert float(tape.Tensor(2.0)) == 2.0  # a constant converts: no derivative is lost
    assert tape.Tensor(2.0).item() == 2.0 and tape.Tensor([1.0, 2.0]).tolist() == [1.0, 2.0]
    with pytest.raises(bt.ConversionError, match="x.item()"):
        x.item()  # like float(x): the number of a tensor being differentiated


# -- 5. numpy functions: the op table, or an error naming them ----------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_numpy_functions_without_an_entry_raise_naming_them(engine):
    with pytest.raises(bt.BackpropError, match=r"np\.fft\.fft"):
        bt.vjp(np.fft.fft, np.array([1.0, 2.0, 3.0]), engine=engine)
    with pytest.raises(bt.BackpropError, match=r"np\.linalg\.qr"):
        bt.jacobian(lambda x: np.linalg.qr(np.outer(x, x))[1],
                    engine=engine)(np.array([1.0, 2.0]))


@pytest.mark.parametrize("engine", ENGINES)
def test_numpy_functions_with_an_entry_are_differentiated(engine):
    f = lambda x: np.sum(np.sin(x) * np.exp(x), axis=0)  # noqa: E731
    x = np.array([0.1, -0.4, 0.9])
    np.testing.assert_allclose(bt.grad(f, engine=engine)(x),
                               np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x), rtol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_object_array_output_is_refused(engine):
    def sneaky(x):
        out = np.empty(2, dtype=object)
        out[0], out[1] = x, x
        return out

    with pytest.raises(bt.DTypeError, match="object"):
        bt.jacobian(sneaky, engine=engine)(1.0)


# -- 6. structured arguments and outputs ----------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_grad_of_a_dict_of_parameters_is_a_dict(engine):
    def loss(p, x):
        return bt.sum(bt.tanh(p["W"] @ x + p["b"]) ** 2)

    rng = np.random.default_rng(0)
    p = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(2)}
    x = rng.standard_normal(3)
    g = bt.grad(loss, engine=engine)(p, x)
    assert set(g) == {"W", "b"}
    h = np.tanh(p["W"] @ x + p["b"])
    delta = 2 * h * (1 - h * h)
    np.testing.assert_allclose(g["b"], delta, rtol=1e-12)
    np.testing.assert_allclose(g["W"], np.outer(delta, x), rtol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_jacobian_of_a_tuple_and_a_dict_output(engine):
    x = np.array([1.0, 2.0])
    jt = bt.jacobian(lambda x: (x, 2 * x[0]), engine=engine)(x)
    assert isinstance(jt, tuple)
    np.testing.assert_array_equal(jt[0], np.eye(2))
    np.testing.assert_array_equal(jt[1], [2.0, 0.0])
    for mode in ("reverse", "forward"):
        jd = bt.jacobian(lambda x: {"sq": x * x, "s": bt.sum(x)}, engine=engine, mode=mode)(x)
        np.testing.assert_array_equal(jd["sq"], np.diag(2 * x))
        np.testing.assert_array_equal(jd["s"], [1.0, 1.0])
    for mode in ("reverse", "forward"):
        assert bt.jacobian(lambda x: None, engine=engine, mode=mode)(x) is None


@pytest.mark.parametrize("engine", ENGINES)
def test_vjp_and_jvp_keep_the_structures(engine):
    primal = (np.array([1.0, 2.0]), {"c": 3.0})
    f = lambda t: [t[0] * t[1]["c"], bt.sum(t[0])]  # noqa: E731
    value, vjp_fn = bt.vjp(f, primal, engine=engine)
    assert isinstance(value, list) and len(value) == 2
    (ct,) = vjp_fn([np.array([1.0, 0.0]), 1.0])
    np.testing.assert_array_equal(ct[0], [4.0, 1.0])
    assert ct[1]["c"] == 1.0
    _, tangent = bt.jvp(f, (primal,), ((np.array([1.0, 1.0]), {"c": 1.0}),), engine=engine)
    np.testing.assert_array_equal(tangent[0], [4.0, 5.0])
    assert tangent[1] == 2.0
    with pytest.raises(bt.BackpropError, match="structure"):
        vjp_fn(np.ones(2))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tuple_of_different_shapes_is_differentiated(engine):
    f = lambda ab: bt.sum(ab[0]) * ab[1]  # noqa: E731
    g = bt.grad(f, engine=engine)((np.ones(3), 2.0))
    np.testing.assert_array_equal(g[0], [2.0, 2.0, 2.0])
    assert g[1] == 3.0


# -- 7. results are the caller's own arrays --------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_a_gradient_is_never_an_input(engine):
    w, data = np.ones(3), np.arange(3.0)
    g = bt.grad(lambda w, c: bt.sum(w * c), engine=engine)(w, data)
    g *= 0.1
    np.testing.assert_array_equal(data, [0.0, 1.0, 2.0])
    f = lambda w: w  # noqa: E731
    value, vjp_fn = bt.vjp(f, w, engine=engine)
    value[0] = 7.0
    assert w[0] == 1.0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_gradient_is_never_a_cached_constant(engine):
    f = lambda w: bt.sum(3.0 * w)  # noqa: E731
    r = bt.grad(f, engine=engine)(np.ones(2))
    r *= 0
    np.testing.assert_array_equal(bt.grad(f, engine=engine)(np.ones(2)), [3.0, 3.0])


@pytest.mark.parametrize("engine", ENGINES)
def test_two_gradients_are_two_arrays(engine):
    g0, g1 = bt.grad(lambda a, b: bt.sum(a + b), argnums=(0, 1), engine=engine)(np.ones(2),
                                                                                   np.ones(2))
    assert g0 is not g1 and not np.shares_memory(g0, g1)
    a, b = tape.Tensor(np.ones(2), requires_grad=True), tape.Tensor(np.ones(2), requires_grad=True)
    bt.sum(a + b).backward()
    assert not np.shares_memory(a.grad, b.grad)


# -- 8. in-place changes cannot reach the tape ------------------------------------------------

def test_changing_the_callers_array_after_the_forward_pass_changes_nothing():
    a = np.array([1.0, 2.0])
    x = tape.Tensor(a, requires_grad=True)
    c = np.array([3.0, 4.0])
    y = bt.sum(x * x * c)
    a[:] = 10.0
    c[:] = 10.0
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * np.array([1.0, 2.0]) * [3.0, 4.0])


@pytest.mark.parametrize("engine", ENGINES)
def test_arguments_lent_to_grad_cannot_change_during_it_and_come_back_writeable(engine):
    """grad borrows the arrays it differentiates instead of copying them: a write to one
    while the call runs fails (it would change what the backward pass reads), and the
    arrays are writeable again afterwards, also when the function raises."""
    w = np.array([1.0, 2.0])

    def sneaky(x):
        y = bt.sum(x * x)
        w[0] = 100.0   # the caller's own array, changed between forward and backward
        return y

    with pytest.raises(ValueError, match="read-only"):
        bt.grad(sneaky, engine=engine)(w)
    assert w.flags.writeable and w[0] == 1.0
    g = bt.grad(lambda x: bt.sum(x * x), engine=engine)(w)
    assert w.flags.writeable and not np.shares_memory(g, w)
    g[:] = 0.0
    np.testing.assert_array_equal(w, [1.0, 2.0])


def test_the_tapes_constant_arguments_are_lent_too_and_copied_when_nested():
    """At the top level the tape lends its constant arguments (W2's data: no copy per
    call); nested, its record outlives the inner call, so a constant is copied as before:
    changing it afterwards changes neither derivative."""
    c = np.array([3.0, 4.0])

    def sneaky(x, c):
        y = bt.sum(x * c)
        c[0] = 100.0
        return y

    with pytest.raises(ValueError, match="read-only"):
        bt.grad(sneaky)(np.ones(2), c)
    assert c.flags.writeable and c[0] == 3.0

    def outer(x):
        g = bt.grad(lambda x, c: bt.sum(bt.sin(x * c)))(x, c)  # c cos(c x): the outer sweep
        c[:] = 10.0                                            # reads c again, after this
        return bt.sum(g)

    x, c0 = np.array([1.0, 2.0]), c.copy()
    np.testing.assert_allclose(bt.grad(outer)(x), -c0 ** 2 * np.sin(c0 * x), rtol=1e-12)
    assert c.flags.writeable and c[0] == 10.0


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("views_first", [False, True])
def test_a_view_and_its_base_lent_together_come_back_writeable(engine, views_first):
    """Handing back a view before its base raised numpy's ValueError (and left the base
    read-only for good): bases are handed back first, whatever the argument order."""
    base = np.arange(5.0)
    view = base[1:]
    inner = view[1:]
    args = (inner, view, base) if views_first else (base, view, inner)
    grads = bt.grad(lambda p, q, r: bt.sum(p[:2] * q[:2] * r[:2]), argnums=(0, 1, 2),
                    engine=engine)(*args)
    assert base.flags.writeable and view.flags.writeable and inner.flags.writeable
    expected = bt.numerical_grad(lambda p, q, r: np.sum(p[:2] * q[:2] * r[:2]),
                                 *[np.array(a) for a in args], argnums=(0, 1, 2))
    for g, n in zip(grads, expected):
        np.testing.assert_allclose(g, n, rtol=1e-7, atol=1e-9)


def test_a_view_lent_to_grad_comes_back_as_it_was():
    base = np.arange(6.0)
    view = base[1:4]
    readonly = np.ones(3)
    readonly.flags.writeable = False
    bt.grad(lambda a, b: bt.sum(a * b), argnums=(0, 1))(view, readonly)
    assert view.flags.writeable and base.flags.writeable and not readonly.flags.writeable


def test_a_tensors_value_cannot_be_changed_in_place_or_replaced():
    x = tape.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = bt.exp(x)
    with pytest.raises(ValueError):
        y.value[0] = 0.0
    with pytest.raises(bt.BackpropError):
        x.value = np.zeros(2)
    y.backward(np.ones(2))
    np.testing.assert_allclose(x.grad, np.exp([1.0, 2.0]))


def test_setting_requires_grad_later_promotes_like_the_constructor():
    x = tape.Tensor(np.array(100, np.int8))
    x.requires_grad = True
    (x * x).backward()
    assert x.dtype == np.float64 and x.grad == 200.0
    with pytest.raises(bt.BackpropError):
        (x * x).requires_grad = False


# -- 12. compile-cache keys (end to end) ----------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_zero_and_negative_zero_keywords_are_different_constants(engine):
    def f(x, c=1.0):
        return x / c

    with np.errstate(divide="ignore"):
        assert bt.grad(f, engine=engine)(1.0, c=0.0) == np.inf
        assert bt.grad(f, engine=engine)(1.0, c=-0.0) == -np.inf


@pytest.mark.parametrize("engine", ENGINES)
def test_an_objects_changed_state_is_seen(engine):
    class Scale:
        factor = 2.0

    s = Scale()
    f = lambda x, s: x * s.factor  # noqa: E731
    assert bt.grad(f, engine=engine)(1.0, s) == 2.0
    s.factor = 5.0
    assert bt.grad(f, engine=engine)(1.0, s) == 5.0


def test_a_step_counter_keeps_the_cache_bounded_and_warns_once():
    from backprop_toolkit.adapters import ADAPTERS as adapters
    from backprop_toolkit.adapters.cache import MAX_SIGNATURES

    def f(x, step):
        return x * step

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(MAX_SIGNATURES + 20):
            assert bt.grad(f, engine="symbolic")(1.0, step) == step
    assert adapters["symbolic"].cache.count(f) == MAX_SIGNATURES
    retraces = [w for w in caught if issubclass(w.category, bt.RetraceWarning)]
    assert len(retraces) == 1 and "argument 1" in str(retraces[0].message)


# -- 14. trace_table's wrt ---------------------------------------------------------------------

def test_trace_table_wrt_counts_from_the_end_and_checks_its_range():
    rows = bt.trace_table(lambda w, b: w * b, 3.0, 2.0, wrt=-1).rows
    assert rows[-1].tangent == 3.0  # d(w b)/db = w
    with pytest.raises(bt.BackpropError, match="wrt=5"):
        bt.trace_table(lambda w, b: w * b, 3.0, 2.0, wrt=5)


# -- 9. dtypes: a derivative has its primal's floating dtype, the same on both engines ------

@pytest.mark.parametrize("engine", ENGINES)
def test_float32_stays_float32_and_python_floats_are_float64(engine):
    x32 = np.array([0.5, 1.5], np.float32)
    assert bt.grad(lambda x: bt.sum(2.0 ** x), engine=engine)(x32).dtype == np.float32
    _, t = bt.jvp(lambda x: x * 2.0, (x32,), (np.ones(2, int),), engine=engine)
    assert t.dtype == np.float32
    (ct,) = bt.vjp(lambda x: bt.sin(x), 0.5, engine=engine)[1](1.0)
    assert ct.dtype == np.float64 and ct == np.cos(0.5)


@pytest.mark.parametrize("engine", ENGINES)
def test_complex_tangents_and_cotangents_are_refused(engine):
    with pytest.raises(bt.DTypeError, match="complex"):
        bt.jvp(lambda x: x * 2.0, (1.0,), (1j,), engine=engine)
    _, vjp_fn = bt.vjp(lambda x: x * 2.0, 1.0, engine=engine)
    with pytest.raises(bt.DTypeError, match="complex"):
        vjp_fn(1j)


def test_compiled_outputs_are_the_callers_own():
    x = sym.var("x", shape=(2,))
    a = np.ones(2)
    same, const, again = sym.evaluate([x, x * 0.0 + 1.0, x], {x: a})
    assert not np.shares_memory(same, a) and not np.shares_memory(same, again)
    const[0] = 9.0
    np.testing.assert_array_equal(sym.evaluate(x * 0.0 + 1.0, {x: a}), [1.0, 1.0])


def test_trace_table_tells_equal_valued_arguments_apart():
    rows = bt.trace_table(lambda a, b: a * b, 1.0, 1.0, wrt=1).rows
    assert [r.definition for r in rows[:2]] == ["a", "b"]
    assert [r.tangent_rule for r in rows[:2]] == ["0", "1"]
