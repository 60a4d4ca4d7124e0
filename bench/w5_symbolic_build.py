"""W5, the symbolic engine's own costs: build, differentiate, simplify, compile.

Two graph shapes of about 1e2, 1e3 and 1e4 nodes on a vector input of
``WIDTH`` entries: a *chain* ``sin(sin(...sin(x)))`` (deep, one path) and a
*wide sum* of ``sin(x + c_i)`` reduced by a balanced tree of adds (shallow,
many paths). Each step is timed on its own, from nothing, with the explicit
API (``sym.var``, ``sym.grad``, ``sym.simplify``, ``sym.compile``), so
growth with size can be read off (linear: 10 times the nodes, 10 times the
time). The compiled value-and-gradient program is then timed against the
same computation written by hand in numpy.

Also here: the size of the simplified second-derivative graph of a depth-80
scalar sin chain.
"""

import statistics
import time

import numpy as np

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym

SIZES = (100, 1_000, 10_000)
WIDTH = 256
STEPS = ("build", "differentiate", "simplify", "compile")


# -- the two graphs, in the op language ------------------------------------------
def chain(x, nodes):
    """About ``nodes`` nodes: ``nodes - 2`` sines, then a sum."""
    for _ in range(max(nodes - 2, 1)):
        x = bt.sin(x)
    return bt.sum(x)


def wide_sum(x, nodes):
    """About ``nodes`` nodes: ``nodes // 4`` terms ``sin(x + c)`` (const, add, sin), a tree of adds."""
    terms = [bt.sin(x + 0.001 * i) for i in range(max(nodes // 4, 2))]
    while len(terms) > 1:
        pairs = [a + b for a, b in zip(terms[0::2], terms[1::2])]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return bt.sum(terms[0])


GRAPHS = {"chain": chain, "wide sum": wide_sum}


# -- the numpy floors: value and gradient by hand --------------------------------
def numpy_chain(x, nodes):
    inputs = []
    for _ in range(max(nodes - 2, 1)):
        inputs.append(x)
        x = np.sin(x)
    g = np.ones_like(x)
    for v in reversed(inputs):
        g = g * np.cos(v)
    return [np.sum(x), g]


def numpy_wide_sum(x, nodes):
    total, g = np.zeros_like(x), np.zeros_like(x)
    for i in range(max(nodes // 4, 2)):
        a = x + 0.001 * i
        total = total + np.sin(a)
        g = g + np.cos(a)
    return [np.sum(total), g]


FLOORS = {"chain": numpy_chain, "wide sum": numpy_wide_sum}


# -- the four steps ----------------------------------------------------------------
def steps(graph, nodes, width=WIDTH):
    """Run build, differentiate, simplify, compile once; ``(seconds per step, program, counts)``."""
    seconds, t = {}, time.perf_counter
    start = t()
    x = sym.var("x", (width,))
    y = GRAPHS[graph](x, nodes)
    seconds["build"] = t() - start
    start = t()
    dx = sym.grad(y, x)
    seconds["differentiate"] = t() - start
    start = t()
    outs = sym.simplify([y, dx])
    seconds["simplify"] = t() - start
    start = t()
    program = sym.compile(outs, [x])
    seconds["compile"] = t() - start
    counts = {"forward nodes": len(sym.nodes(y)), "raw graph nodes": len(sym.nodes([y, dx])),
              "simplified nodes": len(sym.nodes(outs))}
    return seconds, program, counts


def second_derivative_nodes(depth=80):
    """Nodes of the simplified d2/dx2 of a scalar sin chain of ``depth``."""
    x = sym.var("x")
    y = x
    for _ in range(depth):
        y = bt.sin(y)
    d2 = sym.simplify(sym.grad(sym.simplify(sym.grad(y, x)), x))
    return len(sym.nodes(d2))


def check(nodes=30, width=5):
    """The compiled value and gradient of both graphs, against the numpy floors."""
    x = np.linspace(-1, 1, width)
    out = {}
    for graph in GRAPHS:
        _, program, _ = steps(graph, nodes, width)
        out[graph] = (program(x), FLOORS[graph](x, nodes))
    return out


def run(ctx):
    x = np.linspace(-1, 1, WIDTH)
    for graph in GRAPHS:
        for nodes in SIZES:
            case = f"{graph}, {nodes:.0e} nodes, x of {WIDTH}".replace("+0", "")
            _time_steps(ctx, case, graph, nodes)
            _, program, counts = steps(graph, nodes)
            for quantity, count in counts.items():
                ctx.value("W5", case, "symbolic", quantity, count, "nodes")
            ctx.time_together("W5", case, {
                "numpy": lambda: FLOORS[graph](x, nodes),
                "symbolic (compiled)": lambda p=program: p(x)})
    ctx.value("W5", "second derivative, sin chain depth 80", "symbolic", "simplified nodes",
              second_derivative_nodes(80), "nodes")


def _time_steps(ctx, case, graph, nodes):
    """Median of each step over the repeats (each repeat builds from nothing)."""
    runs = [steps(graph, nodes)[0] for _ in range(ctx.settings.warmup + ctx.settings.repeats)]
    runs = runs[ctx.settings.warmup:]
    for step in STEPS + ("total",):
        times = [sum(r.values()) if step == "total" else r[step] for r in runs]
        ctx.add("W5", case, f"symbolic {step}", {
            "seconds": statistics.median(times), "min": min(times), "max": max(times),
            "repeats": len(times), "loops": 1})
