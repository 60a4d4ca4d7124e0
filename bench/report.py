"""The outputs of a run: a Markdown table, JSON, the ratio plot, docs/benchmarks.md.

``write(ctx, machine, targets, ...)`` writes ``bench/results/latest.json``
and ``latest.md`` (the record of the run) and, for a full run,
``docs/benchmarks.md`` and ``docs/benchmarks.svg``. The SVG is
deterministic for the same numbers (fixed hash salt, no date).
"""

import json
from pathlib import Path

LESSONS = """\
## What the results teach

**Symbol-to-number pays per op, at run time.** The tape engine runs each primitive
on numbers and records it, then walks the record back: on every call it pays a
fixed Python cost per op (make a `Tensor`, find the user's line, look up the VJP
rule, accumulate into a dict). Where each op is a big array operation (W2: two
784x256 and 256x256 matrix products on 128 rows) that cost vanishes next to
the arithmetic, and the tape is close to hand-written numpy. Where the ops are
tiny (W1's 16-wide layers, W3's scalar chain) the per-op cost is everything,
and the ratio to the floor grows to tens. W4's full Hessian pushes its 100 basis
tangents through one batched pass (a leading batch axis flowing through the
same rules, as PyTorch's `vectorize=True` and JAX's `vmap` do), so it pays the
per-op cost once per op, not once per column; the tape still records the
gradient's own graph on every call. micrograd, which makes one Python object per
*scalar*, shows the same law taken to the limit.

**Symbol-to-symbol pays once, at build time.** The symbolic engine traces the
function once per input signature, builds the derivative as more graph,
simplifies and compiles it; later calls only run the compiled schedule, which
has no recording, no rule lookup and no dict of cotangents. So its repeated
calls are at or below the tape's (W1, W2, W4), but its first call is expensive,
and when every call is a new graph (W3: a new depth is a new function) it pays
the whole build every time, which is slower than the tape. W5 shows what that
build costs per node, and whether it grows linearly with the graph. Second
derivatives are where the two meet: the tape records its backward pass and the
graph grows the same way (expression swell), which `simplify` only partly
undoes.
"""


def write(ctx, machine, targets, results_dir, docs_dir=None):
    """Write the run's record; with ``docs_dir`` also the docs page and plot."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    data = {"machine": machine, "settings": vars(ctx.settings), "threads": ctx.threads,
            "rows": ctx.rows, "values": ctx.values, "targets": targets, "notes": ctx.notes,
            "elapsed_seconds": round(ctx.elapsed(), 1)}
    if getattr(ctx, "elapsed_seconds", None) is not None:
        data["elapsed_seconds"] = ctx.elapsed_seconds
    (results_dir / "latest.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    tables = markdown(ctx, machine, targets)
    (results_dir / "latest.md").write_text(tables)
    if docs_dir is not None:
        docs_dir = Path(docs_dir)
        docs_dir.mkdir(parents=True, exist_ok=True)
        plot(ctx, docs_dir / "benchmarks.svg")
        (docs_dir / "benchmarks.md").write_text(docs_page(tables))


# -- Markdown ------------------------------------------------------------------------
def markdown(ctx, machine, targets):
    parts = ["## Machine and settings\n", machine_table(machine, ctx), "\n## Targets\n",
             targets_table(targets), "\n## Timings\n",
             "Median of one call over the repeats, after warm-up. The systems of a case are "
             "timed in interleaved rounds (one repeat of each per round), and the ratio is "
             "the median of the per-round ratios to the floor of the same case (numpy, or "
             "plain Python floats for W3).\n", timings_table(ctx.rows), "\n## Other measurements\n",
             values_table(ctx.values)]
    if ctx.notes:
        parts += ["\n## Notes\n", "\n".join(f"- {n}" for n in ctx.notes) + "\n"]
    return "\n".join(parts)


def machine_table(machine, ctx):
    lines = ["| what | value |", "| --- | --- |"]
    for key, value in machine.items():
        lines.append(f"| {key} | {value} |")
    s = ctx.settings
    lines.append(f"| timing | warm-up {s.warmup} call(s), median of {s.repeats} interleaved rounds, "
                 f"each repeat at least {s.min_time * 1e3:.0f} ms (short calls looped) |")
    elapsed = getattr(ctx, "elapsed_seconds", None) or ctx.elapsed()
    lines.append(f"| run time | {elapsed:.0f} s |")
    return "\n".join(lines) + "\n"


def targets_table(targets):
    lines = ["| target | goal | measured | met |", "| --- | --- | --- | --- |"]
    for t in targets:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['name']} | {t['goal']} | {t['text']} | {met} |")
    return "\n".join(lines) + "\n"


def timings_table(rows):
    lines = ["| workload | case | system | median | ratio to floor |",
             "| --- | --- | --- | ---: | ---: |"]
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        if r.get("floor_case"):
            ratio += f" (floor: {r['floor_case']})"
        lines.append(f"| {r['workload']} | {r['case']} | {r['system']} | "
                     f"{format_seconds(r['seconds'])} | {ratio} |")
    return "\n".join(lines) + "\n"


def values_table(values):
    lines = ["| workload | case | system | quantity | value |", "| --- | --- | --- | --- | ---: |"]
    for v in values:
        shown = (f"{v['value'] / 2**20:.2f} MiB" if v["unit"] == "bytes"
                 else f"{v['value']} {v['unit']}")
        lines.append(f"| {v['workload']} | {v['case']} | {v['system']} | {v['quantity']} | "
                     f"{shown} |")
    return "\n".join(lines) + "\n"


def format_seconds(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def docs_page(tables):
    return "\n".join([
        "# Benchmarks",
        "",
        "Generated by `make bench` (or `python -m bench` from the repository root); do not "
        "edit by hand. The raw numbers of the same run are in `bench/results/latest.json`. "
        "Memory is the peak that `tracemalloc` sees during one warm step (numpy reports its "
        "buffers to it; PyTorch's and JAX's do not, so they are not listed).",
        "",
        "![Ratio to the hand-written floor, per workload and system](benchmarks.svg)",
        "",
        LESSONS,
        tables,
    ])


# -- the plot ------------------------------------------------------------------------
def plot(ctx, path):
    """One panel per workload: ratio to the floor (log scale) per case and system."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "backprop_toolkit-bench"
    import matplotlib.pyplot as plt

    rows = [r for r in ctx.rows if r["ratio"] is not None and r["system"] not in
            ("numpy", "python floats") and not r.get("floor_case")]
    workloads = sorted({r["workload"] for r in rows})
    heights = [sum(1 for r in rows if r["workload"] == w) for w in workloads]
    fig, axes = plt.subplots(len(workloads), 1, figsize=(9, 1.2 + 0.22 * sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, workload in zip(axes[:, 0], workloads):
        mine = [r for r in rows if r["workload"] == workload]
        labels = [f"{short_case(r['case'])} | {r['system']}" for r in mine]
        colors = [system_color(r["system"]) for r in mine]
        ax.barh(range(len(mine)), [r["ratio"] for r in mine], color=colors)
        ax.set_yticks(range(len(mine)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1, color="black", linewidth=0.8)
        ax.set_title(workload, fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7)
    axes[-1, 0].set_xlabel("time / time of the hand-written floor (log scale; 1 = floor)")
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def short_case(case):
    return (case.replace("MLP 784-256-256-10, batch 128, ", "").replace("MLP 2-16-16-1 tanh, ", "")
            .replace(", Rosenbrock, n=100", "").replace("sin chain, ", "").replace(", x of 256", ""))


def system_color(system):
    for key, color in (("tape", "#1f77b4"), ("symbolic", "#ff7f0e"), ("torch", "#2ca02c"),
                       ("autograd", "#9467bd"), ("jax", "#8c564b"), ("micrograd", "#d62728")):
        if system.startswith(key):
            return color
    return "#7f7f7f"


def rerender(results_dir, docs_dir):
    """Write the reports again from ``latest.json`` (no measuring): ``python -m bench --rerender``."""
    from .context import Context
    from .timing import Settings

    data = json.loads((Path(results_dir) / "latest.json").read_text())
    ctx = Context(Settings(**data["settings"]), threads=data["threads"], quiet=True)
    ctx.rows, ctx.values, ctx.notes = data["rows"], data["values"], data["notes"]
    ctx.elapsed_seconds = data["elapsed_seconds"]
    write(ctx, data["machine"], data["targets"], results_dir, docs_dir)
