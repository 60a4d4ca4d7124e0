"""How one measurement is taken: warm-up, median of repeats, threads, memory.

``measure(fn)`` calls ``fn`` once or more to warm up, picks a number of
loops so that one repeat lasts at least ``min_time`` seconds (tiny
functions are timed in batches, so the clock's resolution does not matter),
then times ``repeats`` repeats and reports the median time of one call.
``measure_together(fns)`` does the same for the systems of one case in
interleaved rounds (the floor and every system, one repeat each per round).
"""

import os
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass
class Settings:
    """How hard to measure: ``repeats`` (at least 7 for a real run), warm-up calls, batch length."""

    repeats: int = 7
    warmup: int = 1
    min_time: float = 0.02


def set_thread_environment(n):
    """Set the BLAS/OpenMP thread variables; call before numpy or torch is imported."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)


@contextmanager
def threads(n):
    """Run the body with ``n`` threads in every BLAS/OpenMP pool and in PyTorch.

    threadpoolctl limits the pools already loaded (numpy's OpenBLAS,
    PyTorch's OpenMP and MKL); ``torch.set_num_threads`` sets PyTorch's own
    intra-op pool. Both are restored afterwards.
    """
    torch = _loaded_torch()
    before = torch.get_num_threads() if torch else None
    with _pool_limits(n):
        if torch:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch:
                torch.set_num_threads(before)


def _pool_limits(n):
    """threadpoolctl's limit; without it, the thread variables set at start stand alone."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=n)


def _loaded_torch():
    import sys

    return sys.modules.get("torch")


def thread_report():
    """The thread pools numpy (and any loaded peer) uses, as threadpoolctl sees them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{"library": p.get("internal_api"), "prefix": p.get("prefix"),
             "threads": p.get("num_threads"), "version": p.get("version")}
            for p in threadpool_info()]


def measure(fn, settings):
    """Median seconds of one call of ``fn`` over ``settings.repeats`` repeats.

    Returns a dict with ``seconds`` (median), ``min``, ``max``, ``repeats``
    and ``loops`` (calls per repeat).
    """
    elapsed = 0.0
    for _ in range(settings.warmup):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
    # a warm call that already lasts min_time is timed alone; no calibration run
    loops = 1 if elapsed >= settings.min_time else _loops_for(fn, settings.min_time)
    times = []
    for _ in range(settings.repeats):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        times.append((time.perf_counter() - start) / loops)
    return {"seconds": statistics.median(times), "min": min(times), "max": max(times),
            "repeats": settings.repeats, "loops": loops}


def measure_together(fns, settings):
    """Each of ``fns`` (``{name: fn}``) measured in interleaved rounds.

    Every function is warmed up and gets its own number of loops per repeat,
    as in :func:`measure`; then each round times one repeat of every function
    in turn. Load from other processes that comes and goes (single timings on
    a shared 2-core machine move 30-80 %) then falls on all of them alike, and
    each round's ratio of a system to the floor compares calls made moments
    apart. Returns ``{name: result}`` as :func:`measure` does, each result
    with its per-round ``times`` as well.
    """
    loops = {}
    for name, fn in fns.items():
        elapsed = 0.0
        for _ in range(settings.warmup):
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
        loops[name] = 1 if elapsed >= settings.min_time else _loops_for(fn, settings.min_time)
    times = {name: [] for name in fns}
    for _ in range(settings.repeats):
        for name, fn in fns.items():
            n = loops[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            times[name].append((time.perf_counter() - start) / n)
    return {name: {"seconds": statistics.median(t), "min": min(t), "max": max(t),
                   "repeats": settings.repeats, "loops": loops[name], "times": t}
            for name, t in times.items()}


def measure_fresh(make, settings):
    """Median seconds of ``make()()``-style one-off work: every repeat starts cold.

    ``make()`` returns a fresh zero-argument callable (a new function object,
    so no cache holds it); only the call is timed, once per repeat.
    """
    times = []
    for _ in range(settings.warmup + settings.repeats):
        fn = make()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times = times[settings.warmup:]
    return {"seconds": statistics.median(times), "min": min(times), "max": max(times),
            "repeats": settings.repeats, "loops": 1}


def _loops_for(fn, min_time):
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or loops >= 10_000:
            return loops
        loops = max(loops * 2, int(loops * min_time / max(elapsed, 1e-9) * 1.2))


def peak_memory(fn):
    """Peak bytes allocated while ``fn()`` runs, as tracemalloc sees them.

    numpy reports its array buffers to tracemalloc, so this counts Python
    objects and numpy data. Memory a library allocates without telling
    tracemalloc (PyTorch's tensors) is invisible to it.
    """
    fn()  # warm: caches, compiled programs and lazy imports are not counted
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
