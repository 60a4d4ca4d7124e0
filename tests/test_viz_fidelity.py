"""The drawings say what the book and the slides say: labels, keys, digits, side by side."""

import html
import re
import sys

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import examples
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit.viz import figures, steps
from backprop_toolkit.viz.dot import format_value

# Figure 6.10 of the book: each derivative node, with the op it shows
BOOK_FIGURE_6_10 = {("dz/dy", "f'"), ("dy/dx", "f'"), ("dx/dw", "f'"), ("dz/dx", "×"),
                    ("dz/dw", "×")}
NAMED_NODE = re.compile(r'<b>([^<]+)</b><br/><font point-size="9">([^<]+)</font>')


def cluster(dot_text, name):
    """The lines of one cluster (up to its closing brace)."""
    return dot_text.split(f"subgraph cluster_{name} {{")[1].split("\n    }")[0]


def named_nodes(text):
    return {(html.unescape(a), html.unescape(b)) for a, b in NAMED_NODE.findall(text)}


# -- 1. Figure 6.10 ----------------------------------------------------------------------------
def test_figure_6_10_labels_every_derivative_node_as_the_book():
    text = figures.fig6_10_derivative().source()
    assert named_nodes(cluster(text, "derivative")) == BOOK_FIGURE_6_10
    assert named_nodes(cluster(text, "forward")) == {("x", "f"), ("y", "f"), ("z", "f")}


def test_local_derivatives_are_named_beyond_the_book():
    """z = sin(y), y = sin(x): dz/dx = dz/dy × cos x, and cos x is dy/dx."""
    x = sym.var("x")
    y = bt.sin(x).named("y")
    z = bt.sin(y).named("z")
    text = bt.draw_dot(sym.simplify(sym.grad(z, x)))
    assert {"dz/dy", "dy/dx", "dz/dx"} <= {name for name, _ in named_nodes(text)}


def test_the_second_derivative_reuses_the_forward_f_nodes():
    w, z = examples.book_graph()
    dz_dw = sym.simplify(sym.grad(z, w)).named("dz/dw")
    d2 = sym.simplify(sym.grad(dz_dw, w))
    listing = sym.nodes(d2)
    f_nodes = [n for n in listing if n.op == "f"]
    assert len(f_nodes) == 3 and not any(n.is_derivative for n in f_nodes)
    assert not any(n.op == "tanh" for n in listing)
    text = figures.fig6_10_second_derivative().source()
    assert "tanh" not in text
    assert "the graph of dz/dw" in text and "added by sym.grad" in text


def test_book_f_differentiates_to_third_order(engine):
    f = examples.book_f()
    d3 = bt.grad(bt.grad(bt.grad(f, engine=engine), engine=engine), engine=engine)
    t = np.tanh(0.3)
    assert d3(0.3) == pytest.approx(-2 * (1 - t ** 2) ** 2 + 4 * t ** 2 * (1 - t ** 2),
                                    rel=1e-12)


# -- 3. keys and digits ------------------------------------------------------------------------
def caption(dot_text):
    return re.search(r"graph \[.*label=(<.*>), labelloc", dot_text).group(1)


def test_circuits_say_which_colour_is_which():
    leaves, out = steps.record(examples.add_mul, (-2.0, 5.0, -4.0))
    out.backward()
    key = caption(bt.draw_dot(out, title="(x + y) z"))
    assert re.search(r'color="#1b7f3b">green</font> \(upper number\): value', key)
    assert re.search(r'color="#c0262d">red</font> \(lower\): gradient', key)
    for frame in bt.backprop_steps(examples.add_mul, -2.0, 5.0, -4.0):
        assert "gradient, sent backward" in frame.source
    assert "tangent, carried forward" in figures.forward_accumulation_graph().source()


def test_every_rare_symbol_is_named_in_the_caption():
    x = sym.var("x", shape=(2, 3))
    v = sym.var("v", shape=(3,))
    s = sym.var("s")
    chosen = bt.where(x > 0, x ** 3.0, bt.broadcast_to(v, (2, 3)))
    out = bt.sum(bt.reshape(bt.transpose(chosen), (6,)) * s)
    key = caption(bt.draw_dot(out))
    for symbol, word in (("⇉", "broadcast"), ("⤶", "reshape"), ("ᵀ", "transpose"),
                         ("?:", "where"), ("xⁿ", "power")):
        assert f"{symbol} = {word}" in key
    t = tape.Tensor(3.0, requires_grad=True, name="t")        # circuits name them too
    circuit = t ** 2.0 + t
    circuit.backward()
    assert "xⁿ = power" in caption(bt.draw_dot(circuit))
    plain = bt.draw_dot(sym.var("a") + sym.var("b"))               # nothing to name, no title
    assert "label=" not in next(line for line in plain.splitlines() if "graph [" in line)


def test_numbers_show_three_significant_digits():
    assert [format_value(v) for v in (np.sin(1.5), -0.19661, -12.0, 1.0, -0.0, 1234.5)] == \
        ["0.997", "-0.197", "-12.0", "1.00", "0.00", "1234"]
    text = figures.forward_accumulation_graph().source()
    assert ">0.997<" in text                                   # sin(1.5), not 1.00
    neuron = figures.circuit_sigmoid_unfused().source()
    assert ">-0.393<" in neuron and ">-0.590<" in neuron       # dw1 and dx1


def test_gradient_patterns_name_their_outputs_and_max_fits():
    text = figures.gradient_patterns().source()
    for output in ("a × b", "max(a, b)", "a + b"):
        assert f'label="{output}"' in text
    assert 'label="·"' not in text and 'fixedsize="false"' in text


# -- 4. side by side ---------------------------------------------------------------------------
def symbolic_nodes(dot_text):
    """Node lines of the symbolic side, without the result terminals."""
    return re.findall(r"^\s+(s_n\d+) \[", cluster(dot_text, "symbolic"), flags=re.M)


def test_side_by_side_shows_every_derivative_named_after_the_functions_variables():
    text = bt.draw_side_by_side(examples.add_mul, -2.0, 5.0, -4.0, name="f").source
    symbolic = cluster(text, "symbolic")
    for name in ("df/dx", "df/dy", "df/dz"):
        assert f"<b>{name}</b>" in symbolic
    assert "<b>q</b>" in symbolic                          # q = x + y, as on the slide
    assert "df/df = 1" not in symbolic                     # simplified: no seed
    raw = bt.draw_side_by_side(examples.add_mul, -2.0, 5.0, -4.0, name="f", simplify=False)
    assert "df/df = 1" in cluster(raw.source, "symbolic")  # as sym.grad built it


def test_side_by_side_of_figure_6_10_is_the_books_figure():
    f = examples.book_f()

    def z(w):
        x = f(w)
        y = f(x)
        return f(y)

    text = steps.draw_side_by_side(z, 0.5).source()
    assert len(symbolic_nodes(text)) == 9
    assert named_nodes(cluster(text, "s_derivative")) == BOOK_FIGURE_6_10


def test_local_names_leave_a_running_profiler_alone():
    calls = []
    previous = sys.getprofile()
    sys.setprofile(lambda frame, event, arg: calls.append(event))
    try:
        _, out = steps.trace(examples.add_mul, (1.0, 2.0, 3.0), "f")
        assert sys.getprofile() is not None
    finally:
        sys.setprofile(previous)
    assert calls and all(n.name != "q" for n in sym.nodes(out))
    _, out = steps.trace(examples.add_mul, (1.0, 2.0, 3.0), "f")
    assert sys.getprofile() is previous and "q" in {n.name for n in sym.nodes(out)}


def test_a_result_outside_the_outputs_is_drawn_with_its_node():
    a, b = sym.var("a"), sym.var("b")
    text = bt.draw_dot(a * 2.0, results=[("df/db", b)])
    node_ids = dict(re.findall(r"^\s+(\w+) \[label=<<b>([^<]+)</b>>", text, flags=re.M))
    b_id = next(k for k, v in node_ids.items() if v == "b")
    assert re.search(rf"^\s+{b_id} -> result0 ", text, flags=re.M)


# -- 6. the linear-regression derivative graph ------------------------------------------------
def test_linear_regression_shows_dE_du_and_dE_dz():
    text = figures.linear_regression_derivative().source()
    for name in ("dE/dw", "dE/du", "dE/dz"):
        assert f"<b>{name}</b>" in text
    w, E = figures.regression_graph()
    z, u = (n for n in sym.nodes(E) if n.name in ("z", "u"))
    feed = {"w": np.array([0.5, -1.0, 2.0]), "x": np.array([1.0, 2.0, 3.0]), "t": 1.5}
    dE_dw, dE_dz, dE_du = sym.evaluate(sym.grad(E, [w, z, u]), feed)
    residual = feed["w"] @ feed["x"] - feed["t"]
    assert dE_du == dE_dz == pytest.approx(residual)
    np.testing.assert_allclose(dE_dw, residual * feed["x"])


# -- 11. lecture 7's progress bars -------------------------------------------------------------
def test_lecture_7_uses_tqdm_not_a_hand_written_bar():
    import pathlib

    import nbformat

    root = pathlib.Path(__file__).resolve().parents[1]
    nb = nbformat.read(root / "notebooks" / "07_gradient_descent_and_training.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from tqdm.auto import tqdm" in code and code.count("in tqdm(") == 2
    assert "sys.stdout" not in code and "def progress" not in code
    dependencies = re.search(r"^dependencies = \[(.*?)\]", (root / "pyproject.toml").read_text(),
                             flags=re.M | re.S).group(1)
    assert '"tqdm' in dependencies
