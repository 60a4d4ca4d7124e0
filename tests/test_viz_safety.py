"""Drawings and printouts at scale, and where figures are written.

Size: a drawing over ``max_nodes`` is refused with what to draw instead, dot
runs with a timeout, and ``sym.to_latex`` stays linear in the nodes when
subexpressions are shared. Files: ``save_figure`` names files, never folders,
never writes through a symbolic link, overwrites regular files (documented),
and leaves old files alone when rendering fails; ``--out`` errors are messages.
"""

import os
import time

import matplotlib
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit.__main__ import main
from backprop_toolkit.viz import render
from backprop_toolkit.viz.dot import Dot
from backprop_toolkit.viz.files import FigurePathError, write_file
from backprop_toolkit.viz.render import DotTimeoutError, DrawingTooLargeError

matplotlib.use("Agg")


def chain(n):
    """A symbolic graph of exactly ``n`` nodes: x, then n - 1 sines."""
    y = sym.var("x")
    for _ in range(n - 1):
        y = bt.sin(y)
    return y


def small():
    return bt.draw(sym.var("x") * 2.0)


# -- size guards ---------------------------------------------------------------------
def test_a_drawing_over_max_nodes_is_refused_saying_what_to_draw_instead():
    big = chain(render.MAX_NODES + 1)
    with pytest.raises(DrawingTooLargeError, match=rf"{render.MAX_NODES + 1} nodes") as error:
        bt.draw(big)
    message = str(error.value)
    assert f"max_nodes={render.MAX_NODES + 1}" in message and "intermediate node" in message
    assert bt.draw(chain(render.MAX_NODES)).source.count("[label=") == render.MAX_NODES
    assert bt.draw(big, max_nodes=None).source.count("[label=") == render.MAX_NODES + 1
    assert bt.draw_dot(big).count("[label=") == render.MAX_NODES + 1   # text has no limit


def test_tape_circuits_steps_and_side_by_side_have_the_limit_too():
    def long(x):
        for _ in range(30):
            x = bt.sin(x) * x
        return x

    x = tape.Tensor(0.5, requires_grad=True, name="x")
    with pytest.raises(DrawingTooLargeError, match="draw:"):
        bt.draw(long(x), max_nodes=40)
    for engine in bt.ENGINES:
        with pytest.raises(DrawingTooLargeError, match="backprop_steps:"):
            bt.backprop_steps(long, 0.5, engine=engine, max_nodes=40)
    with pytest.raises(DrawingTooLargeError, match="draw_side_by_side:"):
        bt.draw_side_by_side(long, 0.5, max_nodes=40)
    assert len(bt.backprop_steps(long, 0.5, max_nodes=None)) > 2


def test_save_figure_refuses_a_large_dot_before_writing(tmp_path):
    dot = Dot()
    for k in range(render.MAX_NODES + 1):
        dot.node(f"n{k}", label=str(k))
    with pytest.raises(DrawingTooLargeError, match="save_figure:"):
        bt.save_figure(dot, tmp_path / "big" / "figure", formats=("svg",))
    assert not (tmp_path / "big").exists()


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    """A stand-in for dot that never finishes (sleeps 30 s)."""
    program = tmp_path / "slow_dot"
    program.write_text("#!/bin/sh\nexec sleep 30\n")
    program.chmod(0o755)
    monkeypatch.setattr(render, "find_dot", lambda: str(program))
    monkeypatch.setattr(render, "DOT_TIMEOUT_S", 0.5)


def test_dot_is_stopped_after_the_timeout(slow_dot, tmp_path):
    start = time.perf_counter()
    with pytest.raises(DotTimeoutError, match=r"within 0.5 s"):
        bt.save_figure(small(), tmp_path / "figure", formats=("svg",))
    with pytest.raises(DotTimeoutError):
        small()._repr_image_svg_xml()          # what Jupyter calls to show a drawing
    assert time.perf_counter() - start < 10
    assert not list(tmp_path.glob("figure*"))


def test_jupyter_shows_the_drawing_through_render():
    svg = small()._repr_mimebundle_()["image/svg+xml"]
    assert svg.startswith("<?xml") and svg.count('class="node"') == 3


# -- to_latex of shared subexpressions ----------------------------------------------------
def squarings(depth):
    y = sym.var("y")
    for _ in range(depth):
        y = y * y
    return y


def test_to_latex_prints_shared_subexpressions_once():
    latex = sym.to_latex(squarings(27))    # inline: 2**27 y's, over a billion characters
    assert latex.startswith("t_{26} \\cdot t_{26} \\quad\\text{where}\\quad \\begin{aligned}")
    assert "t_{1} &= y \\cdot y" in latex and "t_{26} &= t_{25} \\cdot t_{25}" in latex
    assert latex.count("&=") == 26 and len(latex) < 1000


def test_to_latex_is_linear_in_the_nodes():
    start = time.perf_counter()
    latex = sym.to_latex(squarings(10_000))
    assert time.perf_counter() - start < 5
    assert latex.count("&=") == 9_999 and len(latex) < 50 * 10_000


def test_short_expressions_stay_inline():
    assert sym.to_latex(squarings(3)) == "y \\cdot y \\cdot y \\cdot y \\cdot y \\cdot y \\cdot y \\cdot y"
    long_unshared = chain(400)              # long, but nothing repeats: one line
    assert "aligned" not in sym.to_latex(long_unshared)


# -- save_figure: where files go ------------------------------------------------------------
@pytest.mark.parametrize("path", ["figs/", "figs", "", "."])
def test_a_folder_is_not_a_figure_name(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figs").mkdir()
    with pytest.raises(FigurePathError, match="names a folder"):
        bt.save_figure(small(), path, formats=("svg",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figs"]
    assert not list((tmp_path / "figs").iterdir())


def test_a_suffix_is_refused(tmp_path):
    with pytest.raises(FigurePathError, match="without its suffix"):
        bt.save_figure(small(), tmp_path / "figure.svg")


@pytest.mark.parametrize("dangling", [False, True])
def test_never_writes_through_a_symbolic_link(dangling, tmp_path):
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("keep me")
    (tmp_path / "figure.svg").symlink_to(victim)
    with pytest.raises(FigurePathError, match="symbolic link"):
        bt.save_figure(small(), tmp_path / "figure", formats=("svg", "png"))
    assert (victim.read_text() == "keep me") if not dangling else not victim.exists()
    assert not (tmp_path / "figure.png").exists()     # nothing half-written


def test_a_link_made_after_the_check_is_refused_too(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "figure.svg").symlink_to(victim)
    with pytest.raises(FigurePathError, match="symbolic link"):
        write_file(tmp_path / "figure.svg", b"<svg/>")
    assert victim.read_text() == "keep me"


def test_a_folder_in_the_way_is_refused(tmp_path):
    (tmp_path / "figure.svg").mkdir()
    with pytest.raises(FigurePathError, match="not a regular file"):
        bt.save_figure(small(), tmp_path / "figure", formats=("svg",))


def test_regular_files_are_overwritten_as_documented(tmp_path):
    old = tmp_path / "figure.svg"
    old.write_text("old")
    (written,) = bt.save_figure(small(), tmp_path / "figure", formats=("svg",))
    assert written == old and old.read_text().startswith("<?xml")
    assert "overwritten" in bt.save_figure.__doc__


def test_a_failed_render_leaves_the_old_files(tmp_path):
    old = tmp_path / "figure.svg"
    old.write_text("old")
    with pytest.raises(bt.BackpropError, match="dot failed"):
        bt.save_figure(small(), tmp_path / "figure", formats=("svg", "no-such-format"))
    assert old.read_text() == "old"


def test_missing_folders_are_made_and_a_file_in_the_way_is_an_error(tmp_path):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    (written,) = bt.save_figure(fig, tmp_path / "a" / "b" / "plot", formats=("svg",))
    plt.close(fig)
    assert written.is_file()
    (tmp_path / "file").write_text("")
    with pytest.raises(FigurePathError, match="a file of that name is in the way"):
        bt.save_figure(small(), tmp_path / "file" / "figure", formats=("svg",))


# -- the command line's --out ---------------------------------------------------------------
@pytest.mark.parametrize("out, message", [
    ("", "--out is empty"), ("  ", "--out is empty"),
    ("afile", "is a file, not a folder"), ("afile/sub", "cannot make the folder"),
])
def test_bad_out_folders_are_messages_not_tracebacks(out, message, tmp_path, monkeypatch,
                                                     capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    with pytest.raises(SystemExit) as exit:
        main(["figures", "--out", out])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_an_unwritable_out_folder_is_a_message(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:   # root may write anywhere: answer for the folder as for a user
        access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode: access(path, mode)
                            and os.fspath(path) != str(locked))
    with pytest.raises(SystemExit) as exit:
        main(["figures", "--out", str(locked)])
    assert exit.value.code == 2 and "not writable" in capsys.readouterr().err


def test_a_write_that_fails_later_is_a_message(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "versions.txt").symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(SystemExit) as exit:
        main(["figures", "--out", str(out)])
    assert exit.value.code == 1
    assert "symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.txt").exists()
