"""The cycle collector: paused for the toolkit's own sweeps only, counted across threads.

``collector.gc_paused`` switches Python's collector off while a sweep runs
(reverse and forward pass, ``simplify``, compiling a ``Program``), never
while the user's function runs: garbage cycles a user's function makes are
collected as usual, inside any transform.
"""

import gc
import threading

import numpy as np

import backprop_toolkit as bt
from backprop_toolkit import collector


def test_the_users_function_runs_with_the_collector_on(engine):
    seen = []

    def f(x):
        seen.append(gc.isenabled())
        return bt.sum(bt.sin(x) * x)

    x = np.array([0.3, -1.2])
    bt.grad(f, engine=engine)(x)
    bt.vjp(f, x, engine=engine)[1](1.0)
    bt.jvp(f, (x,), (np.ones(2),), engine=engine)
    bt.hessian(f, engine=engine)(x)
    bt.grad(lambda y: bt.grad(f, engine=engine)(y)[0], engine=engine)(x)
    assert seen and all(seen), f"the collector was off in {seen.count(False)} of {len(seen)} calls"
    assert gc.isenabled()


def test_overlapping_sweeps_keep_the_collector_paused_until_the_last_one_ends():
    """Two sweeps in two threads: the first to end must not switch the collector on
    while the other still runs, and the last to end switches it back on."""
    inside, release = threading.Event(), threading.Event()
    states = {}

    @collector.gc_paused
    def early():
        inside.set()
        release.wait(timeout=5)

    @collector.gc_paused
    def late():
        release.set()
        first.join(timeout=5)  # the early sweep has ended; this one still runs
        states["late, after early ended"] = gc.isenabled()

    assert gc.isenabled()
    first = threading.Thread(target=early)
    first.start()
    assert inside.wait(timeout=5)
    states["early running"] = gc.isenabled()
    second = threading.Thread(target=late)
    second.start()
    second.join(timeout=10)
    try:
        assert states == {"early running": False, "late, after early ended": False}
        assert gc.isenabled(), "the collector was left off"
    finally:
        gc.enable()
