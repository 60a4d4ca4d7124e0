"""The symbolic adapter's compile cache (adapters/signature.py, adapters/cache.py): exact keys,
a bound, a warning.

Unit tests against ``signature`` and ``CompileCache`` with a stand-in call;
the end-to-end tests through ``bt.grad(..., engine="symbolic")`` live with
the engine.
"""

import gc
import threading
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from backprop_toolkit.adapters.cache import (MAX_SIGNATURES, RETRACE_WARNING, CompileCache,
                                             RetraceWarning)
from backprop_toolkit.adapters.signature import MAX_ITEMS, signature, value_key


def f(x, *args, **kwargs):  # stands for the user's function; never called
    return x


def call(*args, nums=(0,), fun=f, structure="flat", **kwargs):
    return SimpleNamespace(fun=fun, args=list(args), nums=nums, kwargs=kwargs, structure=structure)


def key(*args, **kwargs):
    return signature(call(*args, **kwargs))[0]


def trace(cache, fun, *args, kind="grad", **kwargs):
    """What the engine does per call: look up, and on a miss 'trace' and store."""
    c = call(*args, fun=fun, **kwargs)
    k = signature(c)[0]
    programs = cache.lookup(fun, kind, k)
    if programs is None:
        programs = cache.store(fun, kind, k, ("program", k), call=c)
    return programs


# -- keys ---------------------------------------------------------------------

def test_signed_zeros_have_different_keys():
    assert key(1.0, c=0.0) != key(1.0, c=-0.0)
    assert key(1.0, c=np.array([0.0])) != key(1.0, c=np.array([-0.0]))
    assert key(1.0, c=0.0) == key(1.0, c=0.0)


def test_nans_with_the_same_bits_share_a_key():
    assert key(1.0, c=float("nan")) == key(1.0, c=float("nan"))
    assert key(1.0, c=np.float64("nan")) == key(1.0, c=np.float64("nan"))
    assert key(1.0, np.array([np.nan, 1.0])) == key(1.0, np.array([np.nan, 1.0]))


def test_float_types_are_distinguished():
    keys = {key(1.0, c=1.0), key(1.0, c=np.float64(1.0)), key(1.0, c=np.float32(1.0))}
    assert len(keys) == 3
    assert key(1.0, c=1) != key(1.0, c=True) != key(1.0, c=1.0)


def test_var_arguments_are_keyed_by_shape_and_dtype_only():
    k, dtypes = signature(call(np.ones(3), np.zeros(3), 2.5))
    assert k == key(np.full(3, 7.0), np.ones(3), -0.0)  # float data: inputs, not constants
    assert k != key(np.ones(4), np.zeros(3), 2.5)
    assert k != key(np.ones(3, np.float32), np.zeros(3), 2.5)
    assert dtypes == [np.float64, np.float64, np.float64]


def test_ints_are_baked_unless_differentiated():
    _, dtypes = signature(call(3, 4, np.arange(3), True, nums=(0,)))
    assert dtypes == [np.float64, None, None, None]
    assert key(3, 4) == key(5, 4) != key(3, 5)


def test_an_arbitrary_object_or_a_function_makes_the_call_uncacheable():
    class Model:
        def __init__(self):
            self.w = np.ones(2)

    assert key(1.0, Model()) is None
    assert key(1.0, model=Model()) is None
    assert key(1.0, act=np.tanh) is None
    assert key(1.0, act=lambda x: x) is None
    assert key(1.0, ws=[np.ones(2), Model()]) is None  # inside a container too
    assert key(1.0, np.array([Model()], dtype=object)) is None  # its bytes are pointers


def test_containers_are_keyed_by_value_and_type():
    assert key(1.0, [1, 2]) == key(1.0, [1, 2])
    assert key(1.0, [1, 2]) != key(1.0, [1, 3])
    assert key(1.0, [1]) != key(1.0, (1,))
    assert key(1.0, c={"a": (1, -0.0)}) != key(1.0, c={"a": (1, 0.0)})
    assert key(1.0, c={"a": 1, "b": 2}) != key(1.0, c={"b": 2, "a": 1})  # iteration order
    assert key(1.0, [np.int64(1)]) != key(1.0, [1])


def test_cyclic_or_huge_data_is_not_cached():
    cyclic = [1]
    cyclic.append(cyclic)
    assert key(1.0, cyclic) is None
    shared = [1.0]
    for _ in range(60):  # 2**60 paths through 60 lists: the item budget stops the walk
        shared = [shared, shared]
    assert key(1.0, shared) is None
    assert key(1.0, list(range(MAX_ITEMS + 1))) is None
    assert key(1.0, list(range(1000))) is not None


def test_immutable_odds_and_ends_are_keyed():
    for value in (None, "mean", b"x", slice(1, None), Ellipsis, np.float32, float,
                  np.dtype("float32"), 1 + 2j):
        assert value_key(value) is not None and value_key(value) == value_key(value)
    assert value_key(np.float32) != value_key(np.dtype("float32"))
    assert value_key(slice(0, 2)) != value_key(slice(0, 3))


def test_structure_and_positions_are_in_the_key():
    assert key(1.0, structure="a") != key(1.0, structure="b")
    assert signature(call(1.0, 2.0, nums=(0,)))[0] != signature(call(1.0, 2.0, nums=(1,)))[0]


# -- the cache ----------------------------------------------------------------

def test_lookup_returns_what_store_kept():
    cache = CompileCache()
    k = key(np.ones(2))
    assert cache.lookup(f, "grad", k) is None
    programs = object()
    assert cache.store(f, "grad", k, programs) is programs
    assert cache.lookup(f, "grad", k) is programs
    assert cache.lookup(f, "vjp", k) is None  # kinds are separate
    assert cache.lookup(f, "grad", None) is None


def test_lru_bound():
    cache = CompileCache()
    keys = [key(1.0, step) for step in range(MAX_SIGNATURES + 10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RetraceWarning)
        for n, k in enumerate(keys[:MAX_SIGNATURES]):
            cache.store(f, "grad", k, n)
        assert cache.lookup(f, "grad", keys[0]) == 0  # refreshed: now the newest
        for n, k in enumerate(keys[MAX_SIGNATURES:], MAX_SIGNATURES):
            cache.store(f, "grad", k, n)
    assert cache.count(f) == MAX_SIGNATURES
    assert cache.lookup(f, "grad", keys[0]) == 0
    assert [cache.lookup(f, "grad", k) for k in keys[1:11]] == [None] * 10  # the oldest
    assert cache.lookup(f, "grad", keys[11]) == 11
    assert cache.lookup(f, "grad", keys[-1]) == MAX_SIGNATURES + 9


def test_warns_once_naming_the_changing_argument():
    def step_loss(x, step):
        return x

    cache = CompileCache()
    with pytest.warns(RetraceWarning) as record:
        for step in range(3 * RETRACE_WARNING):
            trace(cache, step_loss, 1.0, step)
    assert len(record) == 1
    message = str(record[0].message)
    assert "step_loss" in message and "every call" in message
    assert "argument 1" in message and "int" in message
    assert "float" in message and 'engine="tape"' in message
    assert record[0].filename == __file__  # points at the caller, not the package


def test_warning_names_a_changing_keyword():
    def loss(x, *, c):
        return x

    cache = CompileCache()
    with pytest.warns(RetraceWarning, match="keyword 'c'"):
        for n in range(RETRACE_WARNING + 1):
            trace(cache, loss, 1.0, c=float(n))


def test_warns_when_calls_are_uncacheable():
    class Model:
        pass

    def loss(x, model):
        return x

    cache = CompileCache()
    with pytest.warns(RetraceWarning, match=r"argument 1 \(a Model, whose state") as record:
        for _ in range(3 * RETRACE_WARNING):
            trace(cache, loss, 1.0, Model())
    assert len(record) == 1
    assert cache.count(loss) == 0


def test_warns_for_a_new_lambda_on_every_call():
    cache = CompileCache()
    with pytest.warns(RetraceWarning, match="new function object") as record:
        for step in range(3 * RETRACE_WARNING):
            trace(cache, lambda x: x * step, 1.0)
    assert len(record) == 1


def test_a_hit_resets_the_count():
    cache = CompileCache()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RetraceWarning)
        for round_ in range(4):  # 4 * RETRACE_WARNING signatures, each reused once at once
            for n in range(RETRACE_WARNING):
                trace(cache, f, 1.0, RETRACE_WARNING * round_ + n)
                trace(cache, f, 1.0, RETRACE_WARNING * round_ + n)


def test_no_warning_for_a_few_signatures_used_repeatedly():
    cache = CompileCache()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RetraceWarning)
        for _ in range(10 * RETRACE_WARNING):
            for kind in ("grad", "vjp"):
                for shape in (2, 3, 4):
                    trace(cache, f, np.ones(shape), kind=kind, mode="mean")
    assert cache.count(f) == 6


def test_threads_get_consistent_results():
    cache = CompileCache()
    keys = [key(np.ones(2), n) for n in range(6)]
    errors, results = [], []

    def hammer(seed):
        rng = np.random.default_rng(seed)
        try:
            for n in rng.integers(0, len(keys), 2000):
                programs = cache.lookup(f, "grad", keys[n])
                if programs is None:
                    programs = cache.store(f, "grad", keys[n], ("program", n))
                results.append((n, programs))
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(programs == ("program", n) for n, programs in results)
    kept = [cache.lookup(f, "grad", k) for k in keys]
    assert len(results) == 8 * 2000
    assert all(programs is kept[n] for n, programs in results)  # the first store wins
    assert cache.count(f) == len(keys)


class Unhashable:
    __eq__ = lambda self, other: self is other  # noqa: E731 - and so no __hash__

    def __call__(self, x):
        return x


@pytest.mark.parametrize("fun", [np.sin, Unhashable()], ids=["ufunc", "unhashable"])
def test_functions_without_weak_references_are_not_cached(fun):
    cache = CompileCache()
    k = key(np.ones(2))
    assert cache.store(fun, "grad", k, "program") == "program"
    assert cache.lookup(fun, "grad", k) is None
    assert cache.count(fun) == 0


def test_a_dropped_function_frees_its_programs():
    cache = CompileCache()

    def g(x):
        return x

    cache.store(g, "grad", key(np.ones(2)), "program")
    assert len(cache._programs) == 1
    del g
    gc.collect()
    assert len(cache._programs) == 0  # (its retrace count lives with its code object)
