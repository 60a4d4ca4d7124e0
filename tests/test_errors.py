"""Misuse gives a BackpropError naming the op, the shapes and the user's line."""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import tape
from backprop_toolkit.dispatch import Primitive


def test_shape_mismatch_names_op_shapes_and_line():
    a = tape.Tensor(np.ones(3), requires_grad=True)
    b = tape.Tensor(np.ones(4), requires_grad=True)
    with pytest.raises(bt.ShapeError) as info:
        a + b  # the failing line
    message = str(info.value)
    assert "add" in message and "(3,)" in message and "(4,)" in message
    assert "test_errors.py" in message and "a + b  # the failing line" in message
    assert isinstance(info.value, ValueError)


def test_matmul_mismatch_on_numbers_too():
    with pytest.raises(bt.ShapeError, match=r"matmul.*\(2, 3\), \(2, 3\)"):
        bt.matmul(np.ones((2, 3)), np.ones((2, 3)))


def test_grad_of_non_scalar_output(engine):
    with pytest.raises(bt.ShapeError, match=r"returned shape \(3,\).*scalar"):
        bt.grad(lambda x: x * 2.0, engine=engine)(np.ones(3))


def test_bad_argnums(engine):
    f = lambda x, y: x * y
    with pytest.raises(bt.BackpropError, match="argnums=2.*2 positional"):
        bt.grad(f, 2, engine=engine)(1.0, 2.0)
    with pytest.raises(bt.BackpropError, match="same argument twice"):
        bt.grad(f, (0, -2), engine=engine)(1.0, 2.0)
    with pytest.raises(bt.BackpropError, match="int or a tuple"):
        bt.grad(f, "x", engine=engine)(1.0, 2.0)


def test_unknown_engine():
    with pytest.raises(bt.BackpropError, match="choose one of"):
        bt.grad(lambda x: x, engine="theano")(1.0)


def test_unknown_jacobian_mode():
    with pytest.raises(bt.BackpropError, match="mode='sideways'"):
        bt.jacobian(lambda x: x, mode="sideways")(1.0)


def test_complex_argument(engine):
    with pytest.raises(bt.DTypeError):
        bt.grad(lambda x: x * x, engine=engine)(1j)


def test_jvp_tangent_shape_mismatch(engine):
    with pytest.raises(bt.ShapeError, match="tangent shape"):
        bt.jvp(lambda x: x, (np.ones(3),), (np.ones(2),), engine=engine)


def test_wrong_rule_fails_at_its_primitive(engine):
    """A rule returning the wrong shape is reported at that primitive, not later."""
    bad = Primitive("bad_sum", lambda x: np.sum(x), lambda s: (),
                    vjp=[lambda g, out, x: g * 2.0],          # forgot to broadcast
                    jvp=[lambda t, out, x: bt.sum(t)])
    with pytest.raises(bt.RuleError, match=r"VJP rule of 'bad_sum'.*shape \(\), expected \(3,\)"):
        bt.grad(lambda x: bad(x), engine=engine)(np.ones(3))


SHAPELESS = {"None": None, "a list": [1.0, 2.0, 3.0], "a 1-tuple": "tuple"}


@pytest.mark.parametrize("result", SHAPELESS)
@pytest.mark.parametrize("order", ["grad", "grad of grad", "jvp"])
def test_a_rule_giving_no_array_fails_at_its_primitive(engine, result, order):
    """A rule's result without a ``shape`` (``None``, a list, a tuple) is checked too: on a
    scalar input it used to pass as a scalar (``None`` became a zero gradient, a list of 3
    a gradient of shape (3,) for a number)."""
    def rule(g, out, x):
        return (g,) if SHAPELESS[result] == "tuple" else SHAPELESS[result]

    bad = bt.primitive("shapeless", forward=np.sin, vjp=[rule], jvp=[rule])
    f = lambda x: bad(x) * 3.0  # noqa: E731
    with pytest.raises(bt.RuleError, match=r"(VJP|JVP) rule of 'shapeless'"):
        if order == "grad":
            bt.grad(f, engine=engine)(0.5)
        elif order == "grad of grad":
            bt.grad(bt.grad(lambda x: bad(x) * x, engine=engine), engine=engine)(0.5)
        else:
            bt.jvp(f, (0.5,), (1.0,), engine=engine)


def test_missing_derivative_is_a_clear_error():
    f = bt.elementwise("f", np.tanh)        # no derivative given
    assert f(0.0) == 0.0                    # the forward works
    with pytest.raises(bt.BackpropError, match="f: no derivative"):
        bt.grad(f)(0.5)


def test_errors_are_backprop_errors():
    for cls in (bt.ShapeError, bt.DTypeError, bt.EngineMixError, bt.RuleError,
                bt.ControlFlowError):
        assert issubclass(cls, bt.BackpropError)


@pytest.mark.parametrize("call, op", [
    (lambda x: bt.sum(x, axis=5), "sum"),
    (lambda x: bt.mean(x, axis=-4), "mean"),
    (lambda x: bt.max(x, axis=2), "max"),
    (lambda x: bt.softmax(x, axis=(0, 1)), "softmax"),
    (lambda x: bt.reshape(x, (5,)), "reshape"),
    (lambda x: bt.transpose(x, (0, 0)), "transpose"),
    (lambda x: bt.getitem(x, (7,)), "getitem"),
])
def test_bad_metadata_is_a_shape_error(call, op, engine):
    """Axes, shapes and indices that do not fit are ShapeErrors naming the op, on every engine."""
    with pytest.raises(bt.ShapeError, match=op):
        bt.grad(lambda x: bt.sum(call(x)), engine=engine)(np.ones((2, 3)))
    with pytest.raises(bt.ShapeError, match=op):
        call(np.ones((2, 3)))


def test_bad_index_on_a_traced_value(engine):
    with pytest.raises(bt.ShapeError, match="getitem"):
        bt.grad(lambda x: x[7], engine=engine)(np.ones(3))


def test_lists_are_arrays():
    assert bt.sum([1.0, 2.0, 3.0]) == 6.0
    np.testing.assert_array_equal(bt.exp([0.0, 0.0]), [1.0, 1.0])


def test_a_floating_point_error_errstate_raises_names_the_op_and_the_line(engine):
    """Under ``np.errstate(all="raise")``, the way to find where a nan comes from, numpy's
    ``FloatingPointError`` arrives as a ``NumericError`` (still a ``FloatingPointError``)
    naming the op, the shapes and the user's line, on the value and on the derivative."""
    x = np.array([0.0, 1.0])
    with np.errstate(all="raise"), pytest.raises(bt.NumericError) as forward:
        bt.grad(lambda x: bt.sum(bt.log(x)), engine=engine)(x)  # log(0)
    message = str(forward.value)
    assert isinstance(forward.value, FloatingPointError)
    assert message.startswith("log: divide by zero encountered in log") and "(2,)" in message
    assert "test_errors.py:" in message and "# log(0)" in message
    with np.errstate(all="raise"), pytest.raises(FloatingPointError) as backward:
        bt.grad(lambda x: bt.sum(bt.sqrt(x)), engine=engine)(x)  # sqrt's derivative at 0
    assert isinstance(backward.value, bt.NumericError)
    assert "divide by zero" in str(backward.value) and "# sqrt's derivative" in str(backward.value)
    with np.errstate(all="raise"), pytest.raises(bt.NumericError, match="JVP rule of 'sqrt'"
                                                 if engine == "tape" else "div"):
        bt.jvp(lambda x: bt.sum(bt.sqrt(x)), (x,), (np.ones(2),), engine=engine)
    np.testing.assert_allclose(bt.grad(lambda x: bt.sum(bt.sqrt(x)), engine=engine)(x + 1),
                               0.5 / np.sqrt(x + 1))  # nothing left half-changed
