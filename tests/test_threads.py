"""Transforms called from several threads at once (README, "Behaviour worth knowing").

Eight threads start together (a Barrier) and each makes 40 transform calls on
one engine: grad, value_and_grad, jacobian in both modes, hessian and a nested
grad-of-grad, over several functions and input shapes. The functions are fresh
objects that no single-threaded call has seen, so the symbolic engine traces
and compiles them while other threads are tracing, compiling or running the
same ones. Every result must be a plain numpy value (never a tape Tensor or a
symbolic Node: that was the symptom of one process-wide nesting depth) and
equal to the single-threaded result computed beforehand.
"""

import concurrent.futures
import gc
import sys
import threading

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import collector

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")

THREADS = 8
CALLS_PER_THREAD = 40

INPUTS = {
    "scalar": np.float64(0.7),
    "vector3": np.array([0.3, -1.2, 0.8]),
    "vector5": np.linspace(-1.0, 1.5, 5),
    "matrix": np.array([[0.5, -0.25, 1.0], [0.1, 0.9, -0.6]]),
}


def make_functions():
    """Fresh function objects each call (the symbolic engine caches per function)."""
    def smooth(x):
        return bt.sum(bt.tanh(x) * x + bt.exp(-x * x))

    def trig(x):
        return bt.sum(bt.sin(x) * bt.cos(2.0 * x)) + bt.sum(x) ** 2

    def vector_valued(x):
        return bt.tanh(x) * bt.sum(x * x)

    def nested(x):
        # d/dy sum(x * sin(y)) at y = x, summed: sum(x cos x)
        return bt.sum(bt.grad(lambda y: bt.sum(x * bt.sin(y)))(x))

    return smooth, trig, vector_valued, nested


def tasks(engine, functions):
    """``(label, thunk)`` for every transform, function and input shape."""
    smooth, trig, vector_valued, nested = functions

    def nested_on(engine):
        def f(x):
            return bt.sum(bt.grad(lambda y: bt.sum(x * bt.sin(y)), engine=engine)(x))
        return f

    out = []
    for shape, x in INPUTS.items():
        for name, f in (("smooth", smooth), ("trig", trig)):
            out.append((f"grad {name} {shape}", lambda f=f, x=x: bt.grad(f, engine=engine)(x)))
            out.append((f"value_and_grad {name} {shape}",
                        lambda f=f, x=x: bt.value_and_grad(f, engine=engine)(x)))
        for mode in ("reverse", "forward"):
            out.append((f"jacobian {mode} {shape}",
                        lambda x=x, mode=mode: bt.jacobian(vector_valued, engine=engine,
                                                           mode=mode)(x)))
        if np.ndim(x) <= 1:
            out.append((f"hessian smooth {shape}", lambda x=x: bt.hessian(smooth, engine=engine)(x)))
        # grad of grad: the outer function closes over nothing, the inner lambda over x
        out.append((f"grad of grad {shape}",
                    lambda x=x: bt.grad(nested_on(engine), engine=engine)(x)))
        # grad of a user function that itself calls bt.grad (default engine inside)
        if engine == "tape":
            out.append((f"grad of nested {shape}", lambda x=x: bt.grad(nested, engine=engine)(x)))
    scalar = INPUTS["scalar"]
    out.append(("second derivative",
                lambda: bt.grad(bt.grad(lambda v: bt.sin(v) * v, engine=engine), engine=engine)(scalar)))
    return out


def leaves(result):
    return [r for part in result for r in leaves(part)] if isinstance(result, tuple) else [result]


def check_plain(label, result):
    for r in leaves(result):
        assert not isinstance(r, (bt.tape.Tensor, bt.symbolic.Node)), (label, type(r))
        assert isinstance(r, (np.ndarray, np.generic)), (label, type(r))
        if isinstance(r, np.ndarray):
            assert r.dtype == np.float64, (label, r.dtype)


def same(a, b):
    a, b = leaves(a), leaves(b)
    return len(a) == len(b) and all(np.shape(p) == np.shape(q) and np.allclose(p, q, rtol=1e-12,
                                                                               atol=1e-14)
                                    for p, q in zip(a, b))


@pytest.mark.parametrize("engine", bt.ENGINES)
def test_transforms_from_eight_threads(engine):
    # the expected results, single-threaded, on one set of functions
    expected = {}
    for label, thunk in tasks(engine, make_functions()):
        expected[label] = thunk()
        check_plain(label, expected[label])

    # the threads share another, never-traced set: they trace and compile it concurrently
    work = tasks(engine, make_functions())
    barrier = threading.Barrier(THREADS)

    def worker(k):
        order = np.random.default_rng(k).permutation(len(work))
        calls = [work[i % len(work)] for i in np.resize(order, CALLS_PER_THREAD)]
        barrier.wait(timeout=30)
        mismatches = []
        for label, thunk in calls:
            result = thunk()
            check_plain(label, result)
            if not same(result, expected[label]):
                mismatches.append((label, result, expected[label]))
        return len(calls), mismatches

    interval, collecting = sys.getswitchinterval(), gc.isenabled()
    sys.setswitchinterval(1e-5)  # switch threads often: more interleavings per run
    try:
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(worker, range(THREADS)))
    finally:
        sys.setswitchinterval(interval)
        if collecting:  # see test_cycle_collector_is_back_on_after_overlapping_calls
            gc.enable()

    assert sum(n for n, _ in results) == THREADS * CALLS_PER_THREAD
    mismatches = [m for _, ms in results for m in ms]
    assert not mismatches, mismatches[:3]


def test_engines_agree_after_threaded_runs():
    """The same tasks give the same numbers on both engines (the thread test's baselines)."""
    tape = dict(tasks("tape", make_functions()))
    symbolic = dict(tasks("symbolic", make_functions()))
    for label, thunk in symbolic.items():
        assert same(thunk(), tape[label]()), label


def test_one_thread_nested_while_another_is_not():
    """A thread deep inside a transform never makes another thread's call look nested."""
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def slow_outer(x):
        inside.set()
        release.wait(timeout=10)
        return bt.sin(x) * x

    def nested_thread(engine):
        seen["nested"] = bt.grad(slow_outer, engine=engine)(0.5)

    for engine in bt.ENGINES:
        inside.clear(), release.clear()
        t = threading.Thread(target=nested_thread, args=(engine,))
        t.start()
        assert inside.wait(timeout=10)
        # while the other thread is inside its transform, this one calls transforms at depth 0
        top = bt.grad(lambda v: v * v, engine=engine)(3.0)
        vg = bt.value_and_grad(lambda v: bt.sum(v * v), engine=engine)(np.array([1.0, 2.0]))
        release.set()
        t.join(timeout=10)
        check_plain("top", top), check_plain("vg", vg), check_plain("nested", seen["nested"])
        assert top == 6.0
        assert np.isclose(seen["nested"], np.cos(0.5) * 0.5 + np.sin(0.5))
        assert vg[0] == 5.0 and np.array_equal(vg[1], [2.0, 4.0])


class GcInterleaving:
    """Python's ``gc`` module as ``collector.gc_paused`` sees it, with one forced interleaving.

    The first ``isenabled()`` in thread ``late`` reads the real state, lets
    thread ``early`` go on (``go``) and waits until ``early`` has finished, so a
    ``gc.disable()`` that ``late`` makes next comes after ``early``'s
    ``gc.enable()``. Everything else is the real ``gc``.
    """

    def __init__(self, early, go):
        self.early, self.late, self.go = early, None, go

    def isenabled(self):
        state = gc.isenabled()
        if threading.current_thread() is self.late and not self.go.is_set():
            self.go.set()
            self.early.join(timeout=5)
        return state

    def __getattr__(self, name):
        return getattr(gc, name)


@pytest.mark.parametrize("engine", bt.ENGINES)
def test_cycle_collector_is_back_on_after_overlapping_calls(engine, monkeypatch):
    """Two overlapping transform calls in two threads; afterwards gc must be on again."""
    assert gc.isenabled()
    inside, go = threading.Event(), threading.Event()

    def early_fun(x):  # runs while its own transform has the collector paused
        inside.set()
        go.wait(timeout=5)  # until the late call has looked at gc (or is running)
        return x * x

    def late_fun(x):
        go.set()
        return x * x

    early = threading.Thread(target=lambda: bt.grad(early_fun, engine=engine)(1.0))
    late = threading.Thread(target=lambda: bt.grad(late_fun, engine=engine)(1.0))
    fake = GcInterleaving(early, go)
    fake.late = late
    monkeypatch.setattr(collector, "gc", fake)
    try:
        early.start()
        assert inside.wait(timeout=5)
        late.start()
        late.join(timeout=10)
        early.join(timeout=10)
        assert gc.isenabled(), "the cycle collector was left disabled"
    finally:
        gc.enable()
