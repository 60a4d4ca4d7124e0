"""Smoke test of the benchmark suite (bench/): tiny sizes, no timing, no peers needed.

Each workload's ``check`` runs every system it would measure (our two
engines, the hand-written floor, and any peer that happens to be installed)
on a tiny problem; the gradients must agree with the floor, so the
benchmark measures correct code. The report writer is run on a tiny
measured context too.
"""

import numpy as np
import pytest

from bench import (report, targets, w1_scalar_mlp, w2_array_mlp, w3_sin_chain, w4_rosenbrock,
                   w5_symbolic_build)
from bench.context import Context
from bench.timing import Settings, measure, peak_memory


def assert_agree(results, rtol=1e-7, atol=1e-9):
    assert results, "no system was checked"
    for system, (got, floor) in results.items():
        got = got if isinstance(got, (list, tuple)) else [got]
        floor = floor if isinstance(floor, (list, tuple)) else [floor]
        assert len(got) == len(floor), system
        for k, (a, b) in enumerate(zip(got, floor)):
            np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol,
                                       atol=atol, err_msg=f"{system}, output {k}")


def test_w1_scalar_mlp_gradients_agree():
    results = w1_scalar_mlp.check()
    assert {"numpy", "tape", "symbolic (compiled)"} <= set(results)
    assert_agree(results)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-7), (np.float32, 1e-4)])
def test_w2_array_mlp_gradients_agree(dtype, rtol):
    results = w2_array_mlp.check(dtype=dtype)
    for system, (got, _) in results.items():
        if system in ("tape", "symbolic (compiled)"):
            assert all(np.asarray(g).dtype == dtype for g in got), system
    assert_agree(results, rtol=rtol, atol=1e-6 if dtype == np.float32 else 1e-9)


def test_w3_sin_chain_derivatives_agree():
    results = w3_sin_chain.check(depth=50)
    assert {"python floats", "tape", "symbolic (all steps)"} <= set(results)
    assert_agree(results, rtol=1e-10)


def test_w4_hessian_and_hvp_agree_with_the_analytic_ones():
    results = w4_rosenbrock.check(dim=6)
    assert {"hessian tape", "hessian symbolic (compiled)", "hvp tape"} <= set(results)
    assert_agree(results, rtol=1e-9, atol=1e-9)


def test_w5_compiled_graphs_agree_with_numpy():
    assert_agree(w5_symbolic_build.check(nodes=30, width=5), rtol=1e-10)


def test_w5_second_derivative_node_count_is_measured():
    assert w5_symbolic_build.second_derivative_nodes(depth=5) > 5


def test_measurement_and_reports(tmp_path):
    """A tiny context: timings with ratios, memory, targets and the written files."""
    ctx = Context(Settings(repeats=2, warmup=1, min_time=0.001), quiet=True)
    ctx.time("W1", "case", "numpy", lambda: np.ones(10).sum())
    row = ctx.time("W1", "case", "tape", lambda: np.ones(100).sum())
    assert row["ratio"] > 0 and row["repeats"] == 2
    assert peak_memory(lambda: np.ones(10_000)) >= 80_000
    assert measure(lambda: None, ctx.settings)["loops"] >= 1
    judged = targets.judge(ctx)
    assert len(judged) == len(targets.TARGETS)
    assert next(t for t in judged if t["name"] == "W2 memory")["met"] is None
    report.write(ctx, {"processor": "test"}, judged, tmp_path / "results", tmp_path)
    assert "| W1 | case | tape |" in (tmp_path / "results" / "latest.md").read_text()
    assert (tmp_path / "benchmarks.svg").read_text().startswith("<?xml")
    assert "What the results teach" in (tmp_path / "benchmarks.md").read_text()


def test_einsum_and_tensordot_mlps_agree_with_matmul():
    from bench import einsum_vs_matmul

    assert_agree(einsum_vs_matmul.check(), rtol=1e-12, atol=1e-14)


def test_depth_memory_runs_each_engine_in_its_own_process():
    """The depth-1e6 measurement, at a small depth: a fresh process per engine reports its
    peak RSS and a derivative equal to the product of cosines; targets read it in MiB."""
    from bench import depth_memory

    ctx = Context(Settings(repeats=2, warmup=1, min_time=0.001), quiet=True)
    held = np.ones(40_000_000)  # a 305 MiB parent: a child must not report the parent's peak
    depth_memory.run(ctx, depth=300)
    del held
    case = "sin chain, depth 3e2"
    for system in ("imports only", "tape", "symbolic (all steps)"):
        assert 10 * 2**20 < ctx.find_value("W3", case, system, "peak memory") < 250 * 2**20
    assert ctx.find_value("W3", case, "tape", "seconds") >= 0
    assert not [n for n in ctx.notes if "not the product" in n or "not measured" in n]
    value, text = targets.peak_memory(case, "tape")(ctx)
    assert text == f"{value / 2**20:.0f} MiB"


def test_targets_of_issue_15_read_their_rows():
    """A made-up run just inside the issue-15 targets is judged met, one just outside not."""
    def judged(tape, symbolic_seconds):
        ctx = Context(Settings(repeats=2, warmup=1, min_time=0.001), quiet=True)
        for workload, case, system, seconds in [
                ("W1", "MLP", "numpy", 1.0), ("W1", "MLP", "tape", tape),
                ("W3", "sin chain, depth 1e5", "python floats", 0.02),
                ("W3", "sin chain, depth 1e5", "symbolic (all steps)", symbolic_seconds)]:
            ctx.add(workload, case, system, {"seconds": seconds})
        return {t["name"]: t["met"] for t in targets.judge(ctx)}

    inside, outside = judged(2.9, 1.4), judged(3.1, 1.6)
    assert inside["W1 tape"] is True and inside["W3 depth 1e5 symbolic, all steps"] is True
    assert outside["W1 tape"] is False and outside["W3 depth 1e5 symbolic, all steps"] is False
    assert inside["W2 float32 tape"] is None  # not measured is never met


def test_interleaved_rounds_pair_each_system_with_the_floor_of_its_round(monkeypatch):
    """``time_together`` times one repeat of every system per round, and a system's ratio is
    the median of its per-round ratios to the floor. A fake clock makes the rounds exact:
    the floor takes 1, 4, 1 (load came and went in round two) and the tape 2, 8, 3; the
    ratios 2, 2, 3 have median 2, where a ratio of the medians (3 / 1) would say 3."""
    from bench import timing

    clock, order = [0.0], []
    floor_times, tape_times = iter([9.0, 1.0, 4.0, 1.0]), iter([9.0, 2.0, 8.0, 3.0])

    def ticking(name, times):
        def fn():
            order.append(name)
            clock[0] += next(times)
        return fn

    monkeypatch.setattr(timing.time, "perf_counter", lambda: clock[0])
    ctx = Context(Settings(repeats=3, warmup=1, min_time=0.001), quiet=True)
    rows = ctx.time_together("W1", "case", {"numpy": ticking("numpy", floor_times),
                                            "tape": ticking("tape", tape_times)})
    assert order == ["numpy", "tape"] + ["numpy", "tape"] * 3  # warm-ups, then rounds
    floor, tape = rows
    assert floor["ratio"] == 1.0 and floor["seconds"] == 1.0 and floor["loops"] == 1
    assert tape["seconds"] == 3.0 and tape["ratio"] == 2.0 and "times" not in tape
    assert ctx.find("W1", "case", "tape") is tape
