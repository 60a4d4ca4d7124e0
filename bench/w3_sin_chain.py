"""W3, a chain of scalar ops: ``sin(sin(...sin(x)))`` at depths 1e3, 1e4, 1e5.

Time to the derivative. The floor is plain Python floats: ``math.sin`` on
the way forward, a product of ``math.cos`` on the way back. The symbolic
engine is measured with all its steps (trace, differentiate, simplify,
compile, evaluate), since a new depth is a new graph; its compiled
re-evaluation is listed too. At depth 1e6 each engine's time and peak
memory are measured in a fresh process (:mod:`bench.depth_memory`).
"""

import math

import numpy as np

import backprop_toolkit as bt

from . import depth_memory, peers

DEPTHS = (1_000, 10_000, 100_000)
X0 = 0.7


def chain(depth, sin=bt.sin):
    """``f(x) = sin^depth(x)`` written with ``sin`` (any library's)."""
    def f(x):
        for _ in range(depth):
            x = sin(x)
        return x

    return f


def float_derivative(depth, x=X0):
    """The floor: forward on floats keeping each input, then the product of cosines."""
    inputs = []
    for _ in range(depth):
        inputs.append(x)
        x = math.sin(x)
    d = 1.0
    for v in reversed(inputs):
        d *= math.cos(v)
    return d


def engine_derivative(depth, engine):
    """``run()`` with a fresh function (so the symbolic engine builds from nothing)."""
    g = bt.grad(chain(depth), engine=engine)
    return lambda: float(g(X0))


def torch_derivative(depth):
    torch = peers.get("torch")
    f = chain(depth, torch.sin)

    def run():
        x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        (d,) = torch.autograd.grad(f(x), x)
        return float(d)

    return run


def autograd_derivative(depth):
    ag = peers.get("autograd")
    g = ag.grad(chain(depth, ag.numpy.sin))
    return lambda: float(g(X0))


PEERS = {"torch": torch_derivative, "autograd": autograd_derivative}


def systems(depth):
    """``{system: run() -> derivative}``; symbolic "all steps" makes a fresh function per call."""
    table = {"python floats": lambda: float_derivative(depth),
             "tape": engine_derivative(depth, "tape"),
             "symbolic (all steps)": lambda: engine_derivative(depth, "symbolic")()}
    for name, make in PEERS.items():
        if peers.get(name) is not None:
            table[name] = make(depth)
    return table


def check(depth=50):
    """Every system's derivative at a small depth, against the float floor."""
    floor = float_derivative(depth)
    return {name: (run(), floor) for name, run in systems(depth).items()}


def run(ctx):
    for depth in DEPTHS:
        case = f"sin chain, depth {depth:.0e}".replace("+0", "")
        table = systems(depth)
        table["symbolic (compiled)"] = engine_derivative(depth, "symbolic")
        ctx.time_together("W3", case, table)
    depth_memory.run(ctx)
    ctx.note("W3: micrograd has no sin and JAX runs a 1e5-op Python loop op by op (no jit "
             "benefit for a trace this long); both are left out of W3")
