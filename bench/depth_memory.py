"""Memory at depth: W3's sin chain one million ops deep, each engine in its own process.

A process's peak resident set size counts everything it ever held, so each
engine runs alone in a fresh Python (``python -m bench.depth_memory ENGINE
DEPTH``), which differentiates the chain once and prints, as one JSON line,
its time to the derivative, its peak RSS (``VmHWM``) and whether the
derivative equals the float floor's product of cosines. ``baseline`` runs
nothing but the imports, so the reader sees what the interpreter, numpy and
the package cost before any graph exists.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DEPTH = 1_000_000
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 1800


def peak_rss_bytes():
    """This process's peak resident set size.

    On Linux, ``VmHWM`` of ``/proc/self/status``: the high-water mark of this program's
    own memory. ``getrusage``'s ``ru_maxrss`` is kept across ``exec``, so a child started
    by a large parent (the suite, with PyTorch and JAX loaded) would report the parent's
    peak. Elsewhere ``ru_maxrss`` (macOS counts bytes, others KiB).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def child(engine, depth):
    """Run in the child: one derivative of the chain, then the JSON line."""
    from .w3_sin_chain import X0, engine_derivative, float_derivative

    result = {"engine": engine, "depth": depth}
    if engine != "baseline":
        start = time.perf_counter()
        derivative = engine_derivative(depth, engine)()
        result["seconds"] = time.perf_counter() - start
        floor = float_derivative(depth, X0)
        result["correct"] = abs(derivative - floor) <= 1e-9 * abs(floor)
    result["peak_rss"] = peak_rss_bytes()
    print(json.dumps(result))


def measure(engine, depth=DEPTH):
    """``{"seconds", "peak_rss", "correct"}`` of ``engine`` in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "bench.depth_memory", engine, str(depth)],
                          cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"depth {depth} on {engine} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(ctx, depth=DEPTH):
    case = f"sin chain, depth {depth:.0e}".replace("+0", "")
    for engine in ("baseline", "tape", "symbolic"):
        system = {"baseline": "imports only", "symbolic": "symbolic (all steps)"}.get(engine,
                                                                                      engine)
        try:
            result = measure(engine, depth)
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            ctx.note(f"W3 depth {depth}: {system} not measured ({str(err).splitlines()[0]})")
            continue
        ctx.memory("W3", case, system, result["peak_rss"])
        if engine != "baseline":
            ctx.value("W3", case, system, "seconds", round(result["seconds"], 2), "s")
            if not result["correct"]:
                ctx.note(f"W3 depth {depth}: {engine} gave a derivative that is not the "
                         "product of cosines")
    ctx.note("W3 depth 1e6: peak resident set size of a fresh process per engine "
             "(VmHWM), which includes the interpreter and numpy ('imports only')")


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))
