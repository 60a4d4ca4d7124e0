"""The symbolic engine's short path for a cached ``grad`` / ``value_and_grad`` call
(adapters/symbolic_adapter.py ``quick_grad``, symbolic/fusion.py): the same numbers as
the program's interpreter and as the tape, results the caller's own, the same errors."""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import api
from backprop_toolkit.symbolic import fusion

from test_codegen import picky_primitive


def programs_of(fun):
    """The programs the symbolic engine keeps for ``fun``."""
    table = api.get_adapter("symbolic").cache._programs.get(fun, {})
    return [found[0] for found in table.values()]


def interpreted(program, values):
    """The program's outputs through its interpreter (no generated code, no fusion)."""
    slots = list(program.initial)
    for s, v in zip(program.input_slots, values):
        slots[s] = v
    return program._run(program.steps, slots)


def mlp(w1, b1, w2, b2, x, y):
    h = bt.tanh(x @ w1 + b1)
    return bt.mean(bt.square(h @ w2 + b2 - y))


def transposes(a, b):
    return bt.sum(bt.exp(a.T @ b) * (b.T @ a).sum(axis=1, keepdims=True).T)


def broadcasts(row, col, m):
    return bt.sum(bt.sin(row * col + m) / (1.0 + m * m), axis=0).sum() + bt.sum(row)


def keeps_a_row(r, m):  # sum_to (3, 4) -> (1, 4): the reduction needs a reshape
    return bt.sum(bt.tanh(m + r) ** 2)


def reductions(a, s):
    return bt.mean(bt.sum(a * a, axis=0)) * s + bt.max(a) + bt.sum(a, axis=(0, 1)) * s


def permutes(t, w):  # a transpose that is not a matrix's
    return bt.sum(bt.cos(bt.transpose(t, (2, 0, 1)) * w) @ bt.transpose(w, (0, 2, 1)))


CASES = {
    "mlp": (mlp, [(2, 5), (5,), (5, 1), (1,), (7, 2), (7, 1)]),
    "transposes": (transposes, [(3, 4), (3, 5)]),
    "broadcasts": (broadcasts, [(1, 4), (3, 1), (3, 4)]),
    "keeps_a_row": (keeps_a_row, [(1, 4), (3, 4)]),
    "reductions": (reductions, [(3, 4), ()]),
    "permutes": (permutes, [(2, 3, 4), (4, 2, 3)]),
}


def arrays(shapes, rng, dtype=np.float64, scale=1.0):
    return [np.asarray(rng.uniform(-1, 1, s) * scale, dtype=dtype) for s in shapes]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("with_value", [False, True])
def test_short_path_agrees_with_the_interpreter_and_the_tape(name, with_value, rng):
    name_f, shapes = CASES[name]

    def f(*args):  # a function of this test's own: its own programs
        return name_f(*args)

    nums = tuple(range(len(shapes)))
    make = bt.value_and_grad if with_value else bt.grad
    g, tape = make(f, nums, engine="symbolic"), make(f, nums, engine="tape")
    for scale in (1.0, 0.5):  # the second call finds the program: the short path
        values = arrays(shapes, rng, scale=scale)
        first, second = g(*values), g(*values)
        (program,) = programs_of(f)
        assert ("fed", 0 if with_value else 1) in program._runners
        reference = interpreted(program, values)
        got = list(second[1]) + [second[0]] if with_value else list(second)
        want = reference[1:] + [reference[0]] if with_value else reference[1:]
        for a, b, c in zip(got, want, list(first[1]) if with_value else first):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(a, c)
        expected = tape(*values)
        for a, b in zip(second[1] if with_value else second,
                        expected[1] if with_value else expected):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_a_new_shape_or_dtype_is_traced_again(rng):
    def f(*args):
        return mlp(*args)

    g = bt.grad(f, (0, 2), engine="symbolic")
    for points, dtype in [(7, np.float64), (9, np.float64), (7, np.float32), (7, np.float64)]:
        values = arrays([(2, 5), (5,), (5, 1), (1,), (points, 2), (points, 1)], rng, dtype)
        got = g(*values)
        assert g(*values)[0].shape == (2, 5)
        want = bt.grad(f, (0, 2))(*values)
        for a, b in zip(g(*values), want):
            assert a.dtype == dtype
            np.testing.assert_allclose(a, b, rtol=1e-5 if dtype == np.float32 else 1e-12)
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert len(programs_of(f)) == 3


def test_gradients_are_the_callers_own(rng):
    def f(x, y, unused):
        return bt.sum(x * y) + bt.sum(bt.exp(x))

    g = bt.grad(f, (0, 1, 2), engine="symbolic")
    x, y, unused = arrays([(3,), (3,), (2,)], rng)
    g(x, y, unused)
    first = g(x, y, unused)  # the short path: d/dy is x itself, d/dunused a constant
    for r in first:
        assert r.flags.writeable and r.flags.owndata
        assert not any(np.shares_memory(r, a) for a in (x, y, unused))
    for r in first:
        r[...] = 99.0
    second = g(x, y, unused)
    np.testing.assert_array_equal(second[1], x)
    np.testing.assert_array_equal(second[2], 0.0)
    np.testing.assert_allclose(second[0], y + np.exp(x))
    assert not any(np.shares_memory(a, b) for a in second for b in first)


def test_a_scalar_argument_gives_a_numpy_scalar(rng):
    g = bt.value_and_grad(lambda s, a: bt.sum(a) * s * s, (0, 1), engine="symbolic")
    s, a = np.array(1.5), rng.standard_normal(3)
    for _ in range(2):
        value, (ds, da) = g(s, a)
        assert type(value) is np.float64 and type(ds) is np.float64
        np.testing.assert_allclose(ds, 2 * 1.5 * a.sum())


def test_the_value_is_not_computed_for_grad():
    x = np.linspace(-1, 1, 6).reshape(3, 2)

    def f(w, x):
        return bt.mean(bt.square(bt.tanh(x @ w)))  # square, sum, div: the value only

    g = bt.grad(f, engine="symbolic")
    g(np.ones((2, 1)), x)
    g(np.ones((2, 1)), x)
    (program,) = programs_of(f)
    steps = fusion.pruned(program.steps, set(program.output_slots[1:]), program._consts)
    assert len(steps) < len(program.steps)
    assert "f" in program._runners[("fed", 1)][0].source


def test_wrong_inputs_take_the_general_path_and_its_errors(rng):
    g = bt.grad(lambda x: bt.sum(bt.sin(x)), engine="symbolic")
    x = rng.standard_normal(3)
    g(x)
    np.testing.assert_allclose(g(np.arange(3)), np.cos(np.arange(3)))  # integers
    np.testing.assert_allclose(g(x.astype(np.float32)), np.cos(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g(x), np.cos(x))
    for scalar in (np.array(0.5), 0.5, np.float64(0.5), 1):  # a number: not an array
        np.testing.assert_allclose(g(scalar), np.cos(scalar))
    with pytest.raises(bt.BackpropError):
        g(x + 1j)
    with pytest.raises(bt.BackpropError, match="argnums"):
        bt.grad(lambda x: bt.sum(x), argnums=3, engine="symbolic")(x)


def test_a_failing_step_is_worded_by_its_primitive_on_the_short_path():
    picky = picky_primitive()
    g = bt.grad(lambda x: bt.sum(bt.exp(picky(bt.sin(x)))), engine="symbolic")
    g(np.ones(3))
    g(np.ones(3))
    with pytest.raises(bt.ShapeError, match="picky.*refuses negative sums"):
        g(-np.ones(3))


def test_by_hand_refuses_a_cached_call():
    g = bt.grad(lambda x: bt.sum(x * x), engine="symbolic")
    g(np.ones(2))
    with bt.by_hand("a test"):
        with pytest.raises(bt.AutodiffDisabledError):
            g(np.ones(2))


def test_nested_transforms_stay_independent_of_a_cached_call(rng):
    def f(x):
        return bt.sum(bt.sin(x) * x)

    inner = bt.grad(f, engine="symbolic")
    x = rng.standard_normal(3)
    inner(x)
    inner(x)  # cached and on the short path at the top level
    outer = bt.grad(lambda x: bt.sum(inner(x)), engine="symbolic")
    want = 2 * np.cos(x) - x * np.sin(x)  # the Hessian is diagonal
    np.testing.assert_allclose(outer(x), want)
    np.testing.assert_allclose(outer(x), want)
    np.testing.assert_allclose(inner(x), np.sin(x) + x * np.cos(x))


def test_pruned_steps_free_each_slot_after_its_last_use():
    x = bt.symbolic.var("x", shape=(3,))
    y = bt.sum(bt.exp(x) * bt.sin(x))
    program = bt.symbolic.compile([y, bt.symbolic.grad(y, x)], [x])
    steps = fusion.pruned(program.steps, {program.output_slots[1]}, program._consts)
    freed = [s for step in steps for s in step.frees]
    assert len(freed) == len(set(freed))
    for k, step in enumerate(steps):
        for s in step.frees:  # no later step reads a freed slot
            assert all(s not in later.args for later in steps[k + 1:])
    assert program.output_slots[1] not in freed


def test_a_gradient_that_views_an_argument_or_a_constant_is_copied(rng):
    c = np.arange(6.0).reshape(3, 2)

    def f(x, y):  # d/dx is y.T and c.T: views of an argument and of a constant
        return bt.sum(bt.transpose(x) * y) + bt.sum(x * c.T)

    g = bt.grad(f, (0, 1), engine="symbolic")
    x, y = arrays([(2, 3), (3, 2)], rng)
    for _ in range(3):
        dx, dy = g(x, y)
        np.testing.assert_array_equal(dx, y.T + c.T)
        np.testing.assert_array_equal(dy, x.T)
        for r in (dx, dy):
            assert r.flags.writeable
            assert not any(np.shares_memory(r, a) for a in (x, y, c))
        dx[...], dy[...] = 7.0, 7.0
    dy = bt.grad(lambda x, y: bt.sum(bt.transpose(x) * y), 1, engine="symbolic")
    for _ in range(3):
        got = dy(x, y)
        assert not np.shares_memory(got, x)
        np.testing.assert_array_equal(got, x.T)
        got[...] = 0.0


@pytest.mark.parametrize("engine", bt.ENGINES)
@pytest.mark.parametrize("with_value", [False, True])
def test_an_argument_not_differentiated_is_not_handed_over_as_a_gradient(engine, with_value):
    """d/dx sum(x * y) is ``y`` itself in the program (an input slot): the caller's ``y``
    must not come back as the gradient, on the first call or the cached ones."""
    transform = bt.value_and_grad if with_value else bt.grad
    g = transform(lambda x, y, z: bt.sum(x * y) + bt.sum(z), 0, engine=engine)
    x, y, z = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]), np.ones(2)
    for _ in range(3):
        got = g(x, y, z)[1] if with_value else g(x, y, z)
        np.testing.assert_array_equal(got, [4.0, 5.0, 6.0])
        assert got.flags.writeable and not any(np.shares_memory(got, a) for a in (x, y, z))
        got[...] = -1.0
    np.testing.assert_array_equal(y, [4.0, 5.0, 6.0])


CONSTANT_GRADIENTS = {  # the derivative graph folds to a constant array (2 * ones, -ones)
    "2y": (lambda y: bt.sum(y * 2.0), 0),
    "-y": (lambda y: -bt.sum(y), 0),
    "b-y": (lambda b, y: bt.sum(bt.broadcast_to(b, (2, 3)) - y), (0, 1)),
}


@pytest.mark.parametrize("engine", bt.ENGINES)
@pytest.mark.parametrize("name", CONSTANT_GRADIENTS)
def test_writing_into_a_constant_gradient_leaves_the_next_calls_right(engine, name):
    """A gradient the simplifier folded to a constant is the program's: the caller gets a
    copy, so writing into it does not change what the next calls return (grad and
    value_and_grad of one function share the program's constants)."""
    f, argnums = CONSTANT_GRADIENTS[name]
    args = [np.array([1.0, 2.0, 3.0]), np.ones((2, 3))][-(f.__code__.co_argcount):]
    want = bt.grad(f, argnums)(*args)
    want = want if isinstance(want, tuple) else (want,)
    for transform in (bt.grad, bt.value_and_grad, bt.grad):
        g = transform(f, argnums, engine=engine)
        for _ in range(3):
            got = g(*args)[1] if transform is bt.value_and_grad else g(*args)
            got = got if isinstance(got, tuple) else (got,)
            for a, b in zip(got, want):
                np.testing.assert_array_equal(a, b)
                assert a.flags.writeable
                a[...] = 77.0
