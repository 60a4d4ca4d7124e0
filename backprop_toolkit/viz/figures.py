"""The slide figures that ``make figures`` regenerates into ``figures/``.

Each entry of :data:`FIGURES` is ``(name, build)``: ``build()`` returns a
drawing (a :class:`~.dot.Dot`) or a matplotlib figure, saved as
``figures/<name>.svg``, ``.pdf`` and ``.png``. Everything is computed by the
engines, nothing is typed in: the numbers on the circuits are the tape's.
"""

import pathlib

import numpy as np

from .. import ops as bt
from .. import symbolic as sym
from ..examples import (NEURON_ARGS, add_mul, book_graph, scalar_neuron, scalar_neuron_fused,
                        wengert)
from ..swell import expression_swell
from .circuit import circuit_dot, circuit_key, write_circuit
from .dot import Dot
from .files import write_file
from .graph import graph_dot, simplification_dot
from .legend import CIRCUIT_ROWS, TANGENT_ROWS, set_title
from .render import find_dot, save_figure
from .steps import backprop_steps, draw_side_by_side, record
from .trace import trace_table

FORMATS = ("svg", "pdf", "png")


# -- Figure 6.10: z = f(f(f(w))) -----------------------------------------------
def fig6_10_forward():
    _, z = book_graph()
    return graph_dot(z, title="z = f(f(f(w)))")


def fig6_10_derivative():
    w, z = book_graph()
    return graph_dot(sym.simplify(sym.grad(z, w)), title="symbol-to-symbol: dz/dw added to the graph")


def fig6_10_second_derivative():
    w, z = book_graph()
    dz_dw = sym.simplify(sym.grad(z, w)).named("dz/dw")
    d2 = sym.simplify(sym.grad(dz_dw, w))
    return graph_dot(d2, title="differentiating the derivative graph: d²z/dw²")


def fig6_10_simplification():
    w, z = book_graph()
    return simplification_dot(sym.grad(z, w), title="dz/dw before and after sym.simplify")


# -- circuits -----------------------------------------------------------------
def circuit(fun, *args, title):
    _, out = record(fun, args)
    out.backward()
    return circuit_dot(out, title=title, output_name="f")


def circuit_add_mul():
    return circuit(add_mul, -2.0, 5.0, -4.0, title="f(x, y, z) = (x + y) z")


def circuit_sigmoid_unfused():
    return circuit(scalar_neuron, *NEURON_ARGS, title="sigmoid neuron from exp, + and 1/x")


def circuit_sigmoid_fused():
    return circuit(scalar_neuron_fused, *NEURON_ARGS, title="the same neuron with a sigmoid gate")


def gradient_patterns():
    """add distributes, max routes, mul switches: each gate with upstream gradient 2."""
    dot = Dot(rankdir="LR")
    set_title(dot, "patterns in the backward flow (upstream gradient 2)", CIRCUIT_ROWS)
    patterns = [("mul", "mul: gradient switcher", "a × b", lambda a, b: 2.0 * (a * b)),
                ("max", "max: gradient router", "max(a, b)", lambda a, b: 2.0 * bt.maximum(a, b)),
                ("add", "add: gradient distributor", "a + b", lambda a, b: 2.0 * (a + b))]
    for name, caption, output, fun in patterns:
        _, out = record(fun, (3.0, -1.0))
        out.backward()
        gate = out.inputs[1]          # the pattern's gate, before the final ×2
        dot.open_cluster(name, caption)
        write_circuit(dot, gate, {id(t): t.grad for t in (gate, *gate.inputs)},
                      prefix=f"{name}_", output_name=output)
        dot.close_cluster()
    return dot


# -- forward accumulation ---------------------------------------------------------
def forward_accumulation_table():
    """The trace table of x1 x2 + sin x1, seed on x1, as a matplotlib table."""
    import matplotlib.pyplot as plt

    table = trace_table(wengert, 1.5, -0.5, wrt=0)
    cells = [[f"$w_{{{r.name}}} = {r.definition}$", f"{float(r.value):.4f}",
              f"$\\dot{{w}}_{{{r.name}}} = {r.tangent_rule}$", f"{float(r.tangent):.4f}"]
             for r in table.rows]
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * (len(cells) + 1) + 0.5))
    ax.axis("off")
    shown = ax.table(cellText=cells, colLabels=["value", "", "derivative (seed on $x_1$)", ""],
                     loc="center", cellLoc="left", colWidths=[0.3, 0.13, 0.44, 0.13])
    shown.scale(1, 1.6)
    shown.set_fontsize(11)
    ax.set_title("Forward accumulation of $f = x_1 x_2 + \\sin x_1$ at $(1.5, -0.5)$",
                 fontsize=12)
    return fig


def forward_accumulation_graph():
    """The evaluation graph with values (green) and tangents dw/dx1 (red)."""
    from ..passes import forward_pass
    from ..tape import value_of

    leaves, out = record(wengert, (1.5, -0.5))
    _, dots = forward_pass([out], leaves, [np.ones(()), np.zeros(())], value_of)
    dot = Dot(rankdir="LR")
    order = write_circuit(dot, out, dots, output_name="f", tangents=True)
    set_title(dot, "x1 x2 + sin x1 at (1.5, -0.5), forward mode: tangents dw/dx1",
              circuit_key(order, TANGENT_ROWS))
    return dot


# -- vectors, regression, side by side --------------------------------------------
def vectorized_norm():
    W = sym.var("W", shape=(3, 3))
    x = sym.var("x", shape=(3,))
    q = (W @ x).named("q")
    f = bt.sum(q * q).named("f")
    grads = sym.simplify(sym.grad(f, [W, x]))
    return graph_dot(grads, title="f = ||W x||², with df/dW = 2 q xᵀ and df/dx = 2 Wᵀ q")


def regression_graph():
    w = sym.var("w", shape=(3,))
    x = sym.var("x", shape=(3,))
    t = sym.var("t")
    z = bt.sum(w * x).named("z")
    u = (z - t).named("u")
    E = (0.5 * bt.square(u)).named("E")
    return w, E


def linear_regression_error():
    _, E = regression_graph()
    return graph_dot(E, title="E = ½ (wᵀx − t)²")


def linear_regression_derivative():
    """The lecture's graph with ∇w E, and the cotangents it passes through: dE/du, dE/dz."""
    w, E = regression_graph()
    z, u = (n for n in sym.nodes(E) if n.name in ("z", "u"))
    wrt = {"dE/dw": w, "dE/dz": z, "dE/du": u}
    grads = sym.simplify(sym.grad(E, list(wrt.values())))
    return graph_dot(grads, title="the graph including ∇w E = (dE/dz) x",
                     results=list(zip(wrt, grads)))


def side_by_side():
    return draw_side_by_side(add_mul, -2.0, 5.0, -4.0, name="f")


# -- expression swell --------------------------------------------------------------
def swell_plot():
    import matplotlib.pyplot as plt

    rows = expression_swell(orders=7)
    n = [r["order"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for key, label, marker in (("raw", "symbolic, raw", "o"),
                               ("simplified", "symbolic, simplified each order", "s"),
                               ("tape", "tape, recorded graph", "^")):
        ax.plot(n, [r[key] for r in rows], marker=marker, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("derivative order n")
    ax.set_ylabel("nodes in the graph of dⁿ tanh / dwⁿ")
    ax.set_title("Expression swell")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


FIGURES = [
    ("fig6_10_forward", fig6_10_forward),
    ("fig6_10_derivative", fig6_10_derivative),
    ("fig6_10_second_derivative", fig6_10_second_derivative),
    ("fig6_10_simplification", fig6_10_simplification),
    ("circuit_add_mul", circuit_add_mul),
    ("circuit_sigmoid_unfused", circuit_sigmoid_unfused),
    ("circuit_sigmoid_fused", circuit_sigmoid_fused),
    ("gradient_patterns", gradient_patterns),
    ("forward_accumulation_table", forward_accumulation_table),
    ("forward_accumulation_graph", forward_accumulation_graph),
    ("vectorized_norm", vectorized_norm),
    ("linear_regression_error", linear_regression_error),
    ("linear_regression_derivative", linear_regression_derivative),
    ("side_by_side", side_by_side),
    ("expression_swell", swell_plot),
]


def step_figures():
    """The (x + y) z circuit, one frame per backward step: add_mul_step0, 1, ..."""
    frames = backprop_steps(add_mul, -2.0, 5.0, -4.0, name="f")
    return [(f"circuit_add_mul_step{k}", frame) for k, frame in enumerate(frames)]


def tool_versions():
    """The versions that decide the bytes of a figure: Graphviz's dot and matplotlib."""
    import subprocess

    import matplotlib

    dot = subprocess.run([find_dot(), "-V"], capture_output=True, text=True).stderr.strip()
    return f"{dot}\nmatplotlib {matplotlib.__version__}\n"


def regenerate(out_dir, formats=FORMATS):
    """Write every figure into ``out_dir``, and ``versions.txt``; returns the names written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / "versions.txt", tool_versions().encode())
    names = []
    built = [(name, build()) for name, build in FIGURES] + step_figures()
    for name, figure in built:
        save_figure(figure, out / name, formats)
        if hasattr(figure, "savefig"):
            plt.close(figure)
        names.append(name)
    return names
