"""The targets of issues 7 and 15, judged on the numbers of one run.

Each target reads the run's rows (ratios to the floor measured in the same
run, absolute times, node counts, bytes) and says whether it is met. A
target whose numbers are missing (a quick run, a skipped case) is reported
as not measured, never as met.
"""

from dataclasses import dataclass
from typing import Callable


@dataclass
class Target:
    name: str
    goal: str
    measure: Callable  # ctx -> (value or None, text)
    limit: float

    def judge(self, ctx):
        """``{"name", "goal", "value", "text", "met"}`` for this run."""
        value, text = self.measure(ctx)
        met = None if value is None else value <= self.limit
        return {"name": self.name, "goal": self.goal, "value": value, "text": text, "met": met}


def ratio(workload, case, system):
    def measure(ctx):
        row = ctx.find(workload, case, system)
        if row is None or row["ratio"] is None:
            return None, "not measured"
        return row["ratio"], f"{row['ratio']:.2f}x ({row['seconds'] * 1e3:.3f} ms)"
    return measure


def seconds(workload, case, system):
    def measure(ctx):
        row = ctx.find(workload, case, system)
        if row is None:
            return None, "not measured"
        return row["seconds"], f"{row['seconds']:.3f} s"
    return measure


def count(workload, case, system, quantity, unit="nodes"):
    def measure(ctx):
        value = ctx.find_value(workload, case, system, quantity)
        return value, ("not measured" if value is None else f"{value} {unit}")
    return measure


def slowest_total(sizes_case):
    """The larger of the two W5 graphs' total build time at one size."""
    def measure(ctx):
        rows = [r for r in ctx.rows if r["workload"] == "W5" and sizes_case in r["case"]
                and r["system"] == "symbolic total"]
        if not rows:
            return None, "not measured"
        worst = max(rows, key=lambda r: r["seconds"])
        return worst["seconds"], "; ".join(f"{r['case'].split(',')[0]} {r['seconds']:.3f} s"
                                           for r in rows)
    return measure


def growth(ctx):
    """Worst ratio of (total time per node) at 1e4 nodes to that at 1e3 nodes; 1 is linear."""
    worst, parts = None, []
    for graph in ("chain", "wide sum"):
        small = ctx.find("W5", f"{graph}, 1e3", "symbolic total")
        large = ctx.find("W5", f"{graph}, 1e4", "symbolic total")
        if small is None or large is None:
            return None, "not measured"
        g = large["seconds"] / small["seconds"] / 10
        parts.append(f"{graph}: 10x nodes -> {large['seconds'] / small['seconds']:.1f}x time")
        worst = g if worst is None else max(worst, g)
    return worst, "; ".join(parts)


def worst_ratio(workload, case_part, system):
    def measure(ctx):
        rows = [r for r in ctx.rows if r["workload"] == workload and case_part in r["case"]
                and r["system"] == system and r["ratio"] is not None]
        if not rows:
            return None, "not measured"
        worst = max(rows, key=lambda r: r["ratio"])
        return worst["ratio"], "; ".join(f"{r['case'].split(',')[0]} {r['ratio']:.2f}x" for r in rows)
    return measure


def memory(ctx):
    """Compiled symbolic peak divided by the tape's peak on W2 (at most 1 is the goal)."""
    sym_ = ctx.find_value("W2", "peak memory", "symbolic (compiled)", "peak memory")
    tape = ctx.find_value("W2", "peak memory", "tape", "peak memory")
    if sym_ is None or tape is None:
        return None, "not measured"
    return sym_ / tape, f"symbolic {sym_ / 2**20:.2f} MiB vs tape {tape / 2**20:.2f} MiB"


TARGETS = [
    Target("W1 tape", "<= 3x numpy", ratio("W1", "MLP", "tape"), 3),
    Target("W1 symbolic compiled", "<= 1.3x numpy", ratio("W1", "MLP", "symbolic (compiled)"), 1.3),
    Target("W2 float64 tape", "<= 1.15x numpy (1 thread)",
           ratio("W2", "float64, 1 thread", "tape"), 1.15),
    Target("W2 float64 symbolic", "<= 1.0x numpy (1 thread)",
           ratio("W2", "float64, 1 thread", "symbolic (compiled)"), 1.0),
    Target("W2 float32 tape", "<= 1.15x numpy (1 thread)",
           ratio("W2", "float32, 1 thread", "tape"), 1.15),
    Target("W2 float32 symbolic", "<= 1.05x numpy (1 thread)",
           ratio("W2", "float32, 1 thread", "symbolic (compiled)"), 1.05),
    Target("W2 symbolic time to first result", "< 0.2 s",
           seconds("W2", "time to first result", "symbolic (first call)"), 0.2),
    Target("W3 depth 1e5 tape", "<= 35x python floats", ratio("W3", "depth 1e5", "tape"), 35),
    Target("W3 depth 1e5 symbolic, all steps", "<= 120x python floats",
           ratio("W3", "depth 1e5", "symbolic (all steps)"), 120),
    Target("W4 full Hessian tape", "<= 200x numpy", ratio("W4", "full Hessian", "tape"), 200),
    Target("W4 full Hessian symbolic, compiled", "<= 20x numpy",
           ratio("W4", "full Hessian", "symbolic (compiled)"), 20),
    Target("W4 full Hessian symbolic, build", "< 1 s",
           seconds("W4", "full Hessian", "symbolic (first call: build)"), 1.0),
    Target("W5 1e4 nodes, build+grad+simplify+compile", "< 0.5 s per graph",
           slowest_total("1e4"), 0.5),
    Target("W5 linear growth", "time per node at 1e4 <= 1.5x that at 1e3", growth, 1.5),
    Target("W5 compiled evaluation", "<= 2x numpy (every size and graph)",
           worst_ratio("W5", "nodes", "symbolic (compiled)"), 2.0),
    Target("second derivative, sin chain depth 80", "< 640 nodes after simplify",
           count("W5", "second derivative", "symbolic", "simplified nodes"), 639),
    Target("W2 memory", "compiled symbolic peak <= tape peak", memory, 1.0),
]


def judge(ctx):
    return [t.judge(ctx) for t in TARGETS]
