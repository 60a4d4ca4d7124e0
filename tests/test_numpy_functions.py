"""numpy's own functions on engine values: numpy's numbers, correct derivatives.

Each sample of tests/numpy_examples.py is numpy code (``np.sin(x)``) run on
tape tensors and symbolic nodes. Its values must equal numpy's on plain
arrays, and its derivatives pass ``bt.check_function`` on both engines;
the engines must also agree with each other.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit.ops import FUNCTIONS, UFUNCS

from numpy_examples import SAMPLES

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

CASES = [pytest.param(f, k, id=f"{f.__name__}-{k}")
         for f in SAMPLES for k in range(len(SAMPLES[f]))]


def inputs(sample, k):
    rng = np.random.default_rng(k)
    return [make(rng) for make in sample.inputs]


def test_every_numpy_function_has_samples():
    registered = set(UFUNCS) | set(FUNCTIONS)
    missing = sorted(f.__name__ for f in registered - set(SAMPLES))
    assert not missing, f"numpy functions with a meaning but no samples: {missing}"
    unknown = sorted(f.__name__ for f in set(SAMPLES) - registered)
    assert not unknown, f"samples for numpy functions with no meaning: {unknown}"


def value_on(engine, fun, xs):
    """``fun`` run on the engine's values, read back as numbers (no derivative)."""
    if engine == "tape":
        out = fun(*[bt.tape.Tensor(x, requires_grad=True) for x in xs])
        return out.value if isinstance(out, bt.tape.Tensor) else out
    nodes = [bt.symbolic.var(f"x{i}", shape=np.shape(x)) for i, x in enumerate(xs)]
    out = fun(*nodes)
    if not isinstance(out, bt.symbolic.Node):
        return out
    return bt.symbolic.evaluate(out, {n: x for n, x in zip(nodes, xs)})


@pytest.mark.parametrize("function,k", CASES)
def test_values_are_numpys(function, k, engine):
    sample = SAMPLES[function][k]
    xs = inputs(sample, k)
    expected = sample.fun(*xs)
    got = value_on(engine, sample.fun, xs)
    if sample.kind == "metadata":
        assert got == expected
        return
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("function,k", CASES)
def test_derivatives(function, k, engine):
    sample = SAMPLES[function][k]
    xs = inputs(sample, k)
    if sample.kind == "smooth":
        bt.check_function(sample.fun, *xs, engine=engine, second_order=sample.second_order,
                          seed=k)
    elif sample.kind == "zero":
        for i in range(len(xs)):
            g = bt.grad(lambda *a: np.sum(sample.fun(*a)), argnums=i, engine=engine)(*xs)
            assert np.array_equal(g, np.zeros_like(xs[i]))


@pytest.mark.parametrize("function,k", [c for c in CASES
                                        if SAMPLES[c.values[0]][c.values[1]].kind == "smooth"])
def test_engines_agree(function, k):
    sample = SAMPLES[function][k]
    xs = inputs(sample, k)
    rng = np.random.default_rng(k + 100)
    weights = rng.standard_normal(np.shape(sample.fun(*xs)))
    argnums = tuple(range(len(xs)))
    tape, symbolic = (bt.grad(lambda *a: np.sum(weights * sample.fun(*a)), argnums,
                              engine=e)(*xs) for e in bt.ENGINES)
    for t, s in zip(tape, symbolic):
        np.testing.assert_allclose(t, s, rtol=1e-12, atol=1e-12)


def test_the_coverage_table_is_current():
    """docs/numpy_coverage.md is made from the samples (python docs/coverage.py)."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "docs" / "coverage.py"
    spec = importlib.util.spec_from_file_location("docs_coverage", path)
    coverage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(coverage)
    assert (path.parent / "numpy_coverage.md").read_text() == coverage.coverage_table(), \
        "docs/numpy_coverage.md is stale: run python docs/coverage.py"


@pytest.mark.parametrize("call,named,nearest", [
    (lambda x: np.nansum(x), "np.nansum", "np.sum (bt.sum)"),
    (lambda x: np.nanmax(x), "np.nanmax", "np.max (bt.max)"),
    (lambda x: np.linalg.qr(x), "np.linalg.qr", None),
    (lambda x: np.fft.fft(x), "np.fft.fft", None),
])
def test_a_function_without_entry_is_named_with_the_nearest_one(call, named, nearest, engine):
    x = np.ones((3, 3))
    with pytest.raises(bt.BackpropError) as info:
        bt.grad(lambda x: bt.sum(call(x)), engine=engine)(x)
    message = str(info.value)
    assert "has no entry" in message and "test_numpy_functions.py" in message
    if named:
        assert message.startswith(named)
    if nearest:
        assert f"nearest supported function is {nearest}" in message
    elif named:
        assert "nearest" not in message
