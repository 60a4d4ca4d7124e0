"""One function, two pictures: the tape's numbers beside the symbolic derivative graph,
and the backward pass revealed one step at a time.
"""

import numpy as np

from .. import symbolic as sym
from .. import tape
from ..api import arg_names, get_adapter
from ..passes import toposort
from .circuit import write_circuit
from .dot import Dot
from .graph import write_graph


def output_name(fun):
    """A label for the function's output: its name, or ``f`` for a lambda."""
    name = getattr(fun, "__name__", "f")
    return name if name.isidentifier() and len(name) <= 12 else "f"


def record(fun, args):
    """Run ``fun`` on the tape with named leaves; returns the leaves and the output."""
    names = arg_names(fun, len(args))
    leaves = [tape.Tensor(a, requires_grad=True, name=n) for a, n in zip(args, names)]
    return leaves, fun(*leaves)


def trace(fun, args, name):
    """Build ``fun``'s graph on named vars; returns the vars and the output, named ``name``."""
    names = arg_names(fun, len(args))
    variables = [sym.var(n, shape=np.shape(a)) for a, n in zip(args, names)]
    return variables, fun(*variables).named(name)


def draw_side_by_side(fun, *args, name=None):
    """The tape's record with numbers beside the symbolic derivative graph, one drawing."""
    leaves, y = record(fun, args)
    y.backward()
    name = name or output_name(fun)
    variables, z = trace(fun, args, name)
    derivative = sym.grad(z, variables)   # as built: simplified, it may fold into the forward graph
    dot = Dot(rankdir="LR", label=f"{name}: symbol-to-number and symbol-to-symbol")
    dot.open_cluster("tape", "tape: numbers forward (green) and backward (red)")
    write_circuit(dot, y, {id(t): t.grad for t in toposort([y]) if t.grad is not None},
                  prefix="t_", output_name=name)
    dot.close_cluster()
    dot.open_cluster("symbolic", "symbolic: the derivative as a graph, no numbers")
    write_graph(dot, derivative, prefix="s_", split=False)
    dot.close_cluster()
    return dot


def backprop_steps(fun, *args, engine="tape", name=None):
    """One drawing per backward step, for slides that reveal the gradients in turn.

    On the tape, frame 0 shows the forward values; each later frame lights the
    gate whose rule just ran and adds the gradients it wrote (red). On the
    symbolic engine, each frame adds the derivative nodes that step built.
    ``name`` labels the output (by default the function's name, ``f`` for a lambda).
    Returns a list of :class:`~backprop_toolkit.viz.dot.Dot`.
    """
    get_adapter(engine)
    name = name or output_name(fun)
    return tape_steps(fun, args, name) if engine == "tape" else symbolic_steps(fun, args, name)


def tape_steps(fun, args, name):
    _, y = record(fun, args)
    frames = [({}, (), set())]  # frame 0: the forward values

    def on_step(node, bars):
        ran = frames[-1][2] | {id(node)}
        frames.append((dict(bars), (node,), ran))

    bars, _ = tape.adjoints(y, on_step=on_step)
    frames.insert(1, ({id(y): bars[id(y)]}, (y,), set()))  # frame 1: the seed, dy/dy = 1
    dots = []
    for k, (grads, lit, ran) in enumerate(frames):
        dot = Dot(rankdir="LR", label=f"step {k} of {len(frames) - 1}")
        write_circuit(dot, y, grads, highlight=lit, output_name=name, ran=ran)
        dots.append(dot)
    return dots


def symbolic_steps(fun, args, name):
    variables, z = trace(fun, args, name)
    snapshots = []

    def on_step(node, bars):
        snapshots.append([bars[id(i)] for i in node.inputs if id(i) in bars])

    sym.grad(z, variables, on_step=on_step)
    dots, shown = [], []
    frames = [[]] + snapshots
    for k, new in enumerate(frames):
        shown = shown + [n for n in new if all(n is not s for s in shown)]
        dot = Dot(rankdir="BT", label=f"step {k} of {len(frames) - 1}")
        write_graph(dot, [z] + shown, highlight=new)
        dots.append(dot)
    return dots
