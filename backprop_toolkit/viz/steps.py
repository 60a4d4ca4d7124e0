"""One function, two pictures: the tape's numbers beside the symbolic derivative graph,
and the backward pass revealed one step at a time.
"""

import sys

import numpy as np

from .. import symbolic as sym
from .. import tape
from ..api import arg_names, get_adapter
from ..passes import toposort
from ..symbolic.grad import derivative_name
from .circuit import circuit_key, write_circuit
from .dot import Dot
from .graph import write_graph
from .legend import set_title, symbol_rows


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
    """Build ``fun``'s graph on named vars; returns the vars and the output, named ``name``.

    A node that ``fun`` kept in a local variable is named after it (``q = x + y``
    is ``q``), so that the derivatives are named too (``df/dq``), as on the slides.
    """
    names = arg_names(fun, len(args))
    variables = [sym.var(n, shape=np.shape(a)) for a, n in zip(args, names)]
    out, local = call_keeping_locals(fun, variables)
    labels = {}
    for key, value in local.items():
        if (isinstance(value, sym.Node) and value.name is None and not value.is_const
                and not key.startswith("_") and id(value) not in labels):
            labels[id(value)] = key
    labels[id(out)] = name
    return variables, with_names(out, labels)


def call_keeping_locals(fun, args):
    """``fun(*args)``, and the local variables of its call as it returned (``{}`` for a
    callable without Python code of its own, or while a profiler runs)."""
    code = getattr(fun, "__code__", None)
    if code is None or sys.getprofile() is not None:
        return fun(*args), {}
    first, local = [], {}

    def watch(frame, event, arg):
        if frame.f_code is code and event == "call" and not first:
            first.append(frame)
        elif first and frame is first[0] and event == "return":
            local.update(frame.f_locals)

    sys.setprofile(watch)
    try:
        out = fun(*args)
    finally:
        sys.setprofile(None)
    return out, local


def with_names(output, labels):
    """``output``'s graph rebuilt with the nodes of ``labels`` (``id -> name``) named."""
    new = {}
    for n in sym.nodes(output):
        inputs = tuple(new[id(i)] for i in n.inputs)
        name = labels.get(id(n), n.name)
        if name == n.name and all(a is b for a, b in zip(inputs, n.inputs)):
            new[id(n)] = n
        else:
            new[id(n)] = sym.Node(n.op, n.prim, inputs, n.params, n.shape, n.dtype, name=name,
                                  value=n.value, of=n.of, where=n.where)
    return new[id(output)]


def draw_side_by_side(fun, *args, name=None, simplify=True):
    """The tape's record with numbers beside the symbolic derivative graph, one drawing.

    The symbolic side shows the derivative with respect to every argument under
    its own name (``df/dx``), simplified unless ``simplify=False``; a derivative
    that is another node (``df/dx`` is ``z``) points at it.
    """
    leaves, y = record(fun, args)
    y.backward()
    name = name or output_name(fun)
    variables, z = trace(fun, args, name)
    derivatives = sym.grad(z, variables)
    if simplify:
        derivatives = sym.simplify(derivatives)
    dot = Dot(rankdir="LR")
    dot.open_cluster("tape", "tape: numbers forward and backward")
    taped = write_circuit(dot, y, {id(t): t.grad for t in toposort([y]) if t.grad is not None},
                          prefix="t_", output_name=name)
    dot.close_cluster()
    dot.open_cluster("symbolic", "symbolic: the derivative as a graph, no numbers")
    results = [(derivative_name(name, v.name), d) for v, d in zip(variables, derivatives)]
    order = write_graph(dot, [z, *derivatives], prefix="s_", results=results)
    dot.close_cluster()
    key = circuit_key(taped)
    key += tuple(r for r in symbol_rows(n.prim for n in order) if r not in key)
    set_title(dot, f"{name}: symbol-to-number and symbol-to-symbol", key)
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
        dot = Dot(rankdir="LR")
        order = write_circuit(dot, y, grads, highlight=lit, output_name=name, ran=ran)
        set_title(dot, f"step {k} of {len(frames) - 1}", circuit_key(order))
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
        dot = Dot(rankdir="BT")
        order = write_graph(dot, [z] + shown, highlight=new)
        set_title(dot, f"step {k} of {len(frames) - 1}", symbol_rows(n.prim for n in order))
        dots.append(dot)
    return dots
