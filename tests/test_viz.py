"""Drawings: DOT text (no dot program needed), rendering, traces, step frames, figures."""

import re

import graphviz
import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit import examples
from backprop_toolkit.viz import figures, render

GREEN, RED = "#1b7f3b", "#c0262d"


def wire_values(dot_text, colour):
    """The numbers in ``colour`` on the wires (edge lines; the caption's key is left out)."""
    edges = "\n".join(line for line in dot_text.splitlines() if " -> " in line)
    return re.findall(rf'<font color="{colour}">([^<]*)</font>', edges)


def add_mul_circuit(backward=True):
    x, y, z = (tape.Tensor(v, requires_grad=True, name=n) for v, n in [(-2.0, "x"), (5.0, "y"),
                                                                        (-4.0, "z")])
    f = (x + y) * z
    if backward:
        f.backward()
    return f


def test_circuit_shows_the_slides_numbers():
    text = bt.draw_dot(add_mul_circuit())
    assert sorted(wire_values(text, GREEN)) == sorted(["-2.00", "5.00", "3.00", "-4.00",
                                                        "-12.0"])
    assert sorted(wire_values(text, RED)) == sorted(["-4.00", "-4.00", "-4.00", "3.00", "1.00"])


def test_gradients_are_absent_before_backward():
    text = bt.draw_dot(add_mul_circuit(backward=False))
    assert wire_values(text, GREEN) and not wire_values(text, RED)


def test_dot_text_is_deterministic_and_address_free():
    texts = {bt.draw_dot(add_mul_circuit()) for _ in range(3)}
    assert len(texts) == 1
    assert not re.search(r"0x[0-9a-f]{6,}", texts.pop())


def test_one_edge_per_use_with_positions_where_order_matters():
    x = sym.var("x")
    y = sym.var("y")
    text = bt.draw_dot(x * x)
    edges = re.findall(r"n0 -> n1( \[[^\]]*\])?$", text, flags=re.M)
    assert len(edges) == 2 and "headlabel" not in text    # x × x: two edges, order moot
    text = bt.draw_dot(x - y)
    positions = re.findall(r'headlabel="(\d)"', text)
    assert sorted(positions) == ["0", "1"]
    assert 'labeldistance="1.6"' in text                  # set off the arrowhead


def test_figure_6_10_drawing_sets_derivatives_apart():
    w, z = examples.book_graph()
    text = bt.draw_dot(sym.simplify(sym.grad(z, w)))
    assert "cluster_forward" in text and "cluster_derivative" in text
    derivative_part = text.split("cluster_derivative")[1].split("}")[0]
    for name in ("dz/dy", "dz/dx", "dz/dw"):
        assert f"<b>{name}</b>" in derivative_part
    assert derivative_part.count("f&#x27;") + derivative_part.count("f'") >= 3
    assert 'rankdir="BT"' in text
    raw = bt.draw_dot(sym.grad(z, w))
    assert "dz/dz = 1" in raw                      # the seed, before simplification


def test_draw_returns_a_digraph_for_jupyter():
    g = bt.draw(add_mul_circuit())
    assert isinstance(g, graphviz.Digraph)
    assert "-12.0" in g.source
    assert isinstance(bt.draw(sym.var("w") * 2.0), graphviz.Digraph)
    with pytest.raises(bt.BackpropError, match="cannot draw"):
        bt.draw(3.0)


def test_simplification_side_by_side_counts_nodes():
    w, z = examples.book_graph()
    text = bt.draw_dot(sym.grad(z, w), simplification=True)
    assert "(11 nodes)" in text and "(9 nodes)" in text


def test_tape_steps_reveal_gradients_one_gate_at_a_time():
    frames = bt.backprop_steps(examples.add_mul, -2.0, 5.0, -4.0)
    reds = [len(wire_values(f.source, RED)) for f in frames]
    assert reds == [0, 1, 3, 5]                    # nothing, the seed, q and z, then x and y
    assert "1.00" in wire_values(frames[1].source, RED)
    assert sorted(wire_values(frames[-1].source, RED)) == sorted(["-4.00", "-4.00", "-4.00",
                                                                  "3.00", "1.00"])


def test_symbolic_steps_grow_the_derivative_graph():
    frames = bt.backprop_steps(examples.add_mul, -2.0, 5.0, -4.0, engine="symbolic")
    sizes = [f.source.count("[label=") for f in frames]
    assert len(frames) == 3 and sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert "cluster_derivative" not in frames[0].source
    assert "cluster_derivative" in frames[-1].source


def test_side_by_side_has_both_engines():
    g = bt.draw_side_by_side(examples.add_mul, -2.0, 5.0, -4.0, name="f")
    assert "cluster_tape" in g.source and "cluster_symbolic" in g.source
    tape_part, symbolic_part = g.source.split("cluster_symbolic")
    assert "-12.0" in tape_part and "<b>df/dz</b>" in symbolic_part
    assert "<font color" not in symbolic_part        # no numbers on the symbolic side


# -- trace tables --------------------------------------------------------------------
def test_trace_table_of_the_lecture_example():
    x1, x2 = 1.5, -0.5
    table = bt.trace_table(examples.wengert, x1, x2, wrt=0)
    assert [r.name for r in table.rows] == ["1", "2", "3", "4", "5"]
    values = [float(r.value) for r in table.rows]
    np.testing.assert_allclose(values, [x1, x2, x1 * x2, np.sin(x1), x1 * x2 + np.sin(x1)])
    tangents = [float(r.tangent) for r in table.rows]
    np.testing.assert_allclose(tangents, [1, 0, x2, np.cos(x1), x2 + np.cos(x1)])
    adjoints = [float(r.adjoint) for r in table.rows]
    np.testing.assert_allclose(adjoints[:2], bt.grad(examples.wengert, (0, 1))(x1, x2))
    rules = [r.tangent_rule for r in table.rows]
    assert rules[2] == "\\dot{w}_{1} \\cdot w_{2} + \\dot{w}_{2} \\cdot w_{1}"
    assert rules[3] == "\\dot{w}_{1} \\cdot \\cos w_{1}"
    assert table.rows[2].definition == "w_{1} \\cdot w_{2}"


def test_trace_table_seed_on_the_second_input():
    table = bt.trace_table(examples.wengert, 1.5, -0.5, wrt=1)
    assert float(table.rows[-1].tangent) == pytest.approx(1.5)


def test_trace_table_formats():
    table = bt.trace_table(examples.wengert, 1.5, -0.5)
    md = table.to_markdown()
    assert md.count("\n") == 6 and "| $w_{3}$ |" in md
    assert table.to_latex().startswith("\\begin{tabular}")
    assert table._repr_html_().startswith("<table>") and "0.2475" in table._repr_html_()


# -- rendering -------------------------------------------------------------------------
def test_save_figure_is_byte_identical(tmp_path):
    g = bt.draw(add_mul_circuit())
    first = bt.save_figure(g, tmp_path / "a")
    second = bt.save_figure(g, tmp_path / "b")
    assert [p.suffix for p in first] == [".svg", ".pdf", ".png"]
    for p, q in zip(first, second):
        assert p.read_bytes() == q.read_bytes(), p.name
    assert first[0].read_text().lstrip().startswith("<?xml")


def test_matplotlib_figures_are_byte_identical(tmp_path):
    fig = figures.swell_plot()
    a = bt.save_figure(fig, tmp_path / "a", formats=("svg", "pdf"))
    b = bt.save_figure(fig, tmp_path / "b", formats=("svg", "pdf"))
    for p, q in zip(a, b):
        assert p.read_bytes() == q.read_bytes(), p.name


def test_missing_dot_is_a_clear_error_and_dot_text_still_works(monkeypatch, tmp_path):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    f = add_mul_circuit()
    assert "digraph" in bt.draw_dot(f)
    with pytest.raises(bt.GraphvizMissingError, match="apt-get install graphviz"):
        bt.save_figure(bt.draw(f), tmp_path / "x", formats=("svg",))


# -- the committed figures ------------------------------------------------------------------
def test_committed_figures_are_current(tmp_path):
    import pathlib

    committed = pathlib.Path(__file__).resolve().parents[1] / "figures"
    names = figures.regenerate(tmp_path, formats=("svg",))
    made_with = (committed / "versions.txt").read_text()
    if made_with != (tmp_path / "versions.txt").read_text():
        pytest.skip(f"the figures were made with {made_with!r}; this machine's tools differ, "
                    "so bytes cannot be compared (run `make figures` and commit)")
    stale = [n for n in names
             if not (committed / f"{n}.svg").exists()
             or (committed / f"{n}.svg").read_bytes() != (tmp_path / f"{n}.svg").read_bytes()]
    assert not stale, f"figures out of date (run `make figures`): {stale}"
    for fmt in ("svg", "pdf", "png"):
        expected = {f"{n}.{fmt}" for n in names}
        assert {p.name for p in committed.glob(f"*.{fmt}")} == expected


def test_a_fork_shows_each_branch_and_the_sum():
    """x feeds two gates: each wire carries its own share, the sum is shown at x."""
    x = tape.Tensor(3.0, requires_grad=True, name="x")
    out = x * x + 2.0 * x          # d/dx = 2x + 2 = 8, shares 3, 3 (x*x) and 2
    out.backward()
    text = bt.draw_dot(out)
    assert sorted(wire_values(text, RED)) == sorted(["3.00", "3.00", "2.00", "1.00", "1.00",
                                                      "1.00"])
    assert "Σ 8.00" in text
