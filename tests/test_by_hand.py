"""``bt.by_hand``: automatic differentiation switched off while a block runs, on both engines.

Inside, every transform and both sweeps raise ``AutodiffDisabledError`` naming
what was called, and the block records it even when the code caught the error;
ops still compute and record; blocks nest; the switch holds for every thread;
afterwards everything works again.
"""

import threading

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym


def f(x):
    return bt.sum(bt.sin(x) * x)


X = np.array([0.5, -1.0])

TRANSFORMS = {
    "bt.grad": lambda e: bt.grad(f, engine=e)(X),
    "bt.value_and_grad": lambda e: bt.value_and_grad(f, engine=e)(X),
    "bt.vjp": lambda e: bt.vjp(bt.sin, X, engine=e),
    "bt.jvp": lambda e: bt.jvp(bt.sin, (X,), (X,), engine=e),
    "bt.jacobian": lambda e: bt.jacobian(bt.sin, engine=e)(X),
    "bt.hessian": lambda e: bt.hessian(f, engine=e)(X),
    "bt.numerical_grad": lambda e: bt.numerical_grad(f, X),
    "bt.numerical_jacobian": lambda e: bt.numerical_jacobian(bt.sin, X),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_every_transform_is_refused_inside_and_works_after(name, engine):
    with bt.by_hand("my backward") as refused:
        with pytest.raises(bt.AutodiffDisabledError) as info:
            TRANSFORMS[name](engine)
    assert str(info.value).startswith(f"{name} is switched off here: my backward must work out "
                                      "its derivatives by hand")
    assert refused == [name]
    TRANSFORMS[name](engine)  # on again


def test_the_engines_own_entry_points_are_refused():
    u, v = sym.var("u"), sym.var("v")
    z = u * bt.sin(v)
    t = bt.tape.Tensor(0.5, requires_grad=True)
    y = t * t
    calls = {"sym.grad": lambda: sym.grad(z, [u, v]),
             "sym.jvp": lambda: sym.jvp(z, [u], [1.0]),
             "the reverse sweep": y.backward,
             "a symbolic graph": lambda: sym.evaluate(z, {u: 1.0, v: 2.0})}
    with bt.by_hand("build") as refused:
        for name, call in calls.items():
            with pytest.raises(bt.AutodiffDisabledError, match=name):
                call()
    assert [r.split(" (")[0] for r in refused] == list(calls)
    y.backward()
    assert t.grad == 1.0


def test_a_derivative_compiled_before_is_refused_inside():
    """The symbolic engine caches a compiled derivative: its next call is refused too."""
    g = bt.grad(f, engine="symbolic")
    g(X)
    u = sym.var("u", (2,))
    program = sym.compile(sym.grad(f(u), u), [u])
    with bt.by_hand("backward") as refused:
        with pytest.raises(bt.AutodiffDisabledError):
            g(X)
        with pytest.raises(bt.AutodiffDisabledError):
            program(X)
    assert refused == ["bt.grad", "a symbolic graph (sym.evaluate, sym.compile)"]
    np.testing.assert_allclose(program(X), g(X))


def test_ops_still_compute_and_record_inside(engine):
    with bt.by_hand("rule") as refused:
        assert float(bt.sin(0.5)) == np.sin(0.5)
        node = bt.cos(sym.var("a")) * 2.0
        tensor = bt.tape.Tensor(2.0, requires_grad=True) * 3.0
    assert refused == []
    assert node.op == "mul" and tensor.prim is not None
    assert bt.grad(lambda x: bt.sin(x) * x, engine=engine)(0.5) == pytest.approx(
        np.cos(0.5) * 0.5 + np.sin(0.5))


def test_blocks_nest_and_each_sees_what_was_refused_in_it():
    with bt.by_hand("outer") as outer:
        with bt.by_hand("inner") as inner:
            with pytest.raises(bt.AutodiffDisabledError, match="inner must"):
                bt.grad(f)(X)
        with pytest.raises(bt.AutodiffDisabledError, match="outer must"):
            bt.jvp(bt.sin, (X,), (X,))
    assert inner == ["bt.grad"] and outer == ["bt.grad", "bt.jvp"]
    bt.grad(f)(X)


def test_the_switch_holds_in_other_threads_too():
    """A thread started inside the block must not escape it: the switch is the process's."""
    results = []

    def differentiate():
        try:
            results.append(bt.grad(f)(X))
        except bt.AutodiffDisabledError as err:
            results.append(err)

    with bt.by_hand("backward") as refused:
        thread = threading.Thread(target=differentiate)
        thread.start()
        thread.join()
    assert isinstance(results[0], bt.AutodiffDisabledError) and refused == ["bt.grad"]
    differentiate()
    assert np.shape(results[1]) == (2,)


def test_the_switch_is_off_again_after_an_error_inside():
    with pytest.raises(ZeroDivisionError):
        with bt.by_hand("backward"):
            1 / 0
    bt.grad(f)(X)
