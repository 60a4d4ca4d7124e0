"""Every user string is drawn and printed as text, never read as DOT, HTML, SVG or LaTeX.

A catalogue of hostile names goes through every drawing (tape circuits, symbolic
graphs, side by side, step frames, saved figures) and every printer (to_text,
to_latex, trace tables as HTML, Markdown and LaTeX), in every place a user can put
a string: a variable's or tape leaf's name, a node's name, a primitive's name, a
title, the output's name. Each result is compared with the same drawing made with a
harmless name: the same nodes and edges, the same SVG elements, no ``javascript:``,
dot never fails, the name's characters visible; LaTeX balanced and free of the
name's control sequences; to_text one line per node, without control characters.
"""

import html.parser
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape
from backprop_toolkit.symbolic.printing import GREEK, MAX_NAME, visible

INJECTION = '<x>]; evil [label="PWNED" URL="javascript:alert(1)"]; y [label=<z>'
HOSTILE = [
    INJECTION,
    '<<table href="javascript:alert(1)"><tr><td>t</td></tr></table>>',
    "<b>bold</b>",
    '"; evil [URL="javascript:alert(1)"]; "',
    "</text><script>alert(1)</script>",
    "a}b", "50%", r"\input{/etc/passwd}", r"\href{javascript:alert(1)}{x}", "$x$ & #1 ~ ^_",
    r"back\slash \N \G \\", "&amp; &lt; &#0;", "tab\tnew\nline\x00nul\x1b[31mred\x7f\x85",
    "lone \ud800 surrogate \ufffe", "rtl \u202e override",
    "x" * 20000, "}" * 300, "<" * 5000,
]
IDS = ["injection", "html-table", "html-bold", "quote-break", "svg-script", "brace", "percent",
       "input", "href", "specials", "backslashes", "entities", "control", "surrogate", "bidi",
       "long", "braces", "angles"]
SAFE = "x"


def hostile(name):
    """A user primitive named ``name`` (sin, with cos as its derivative)."""
    return bt.elementwise(name, np.sin, derivative=bt.cos)


# -- the drawings, each a function of the one name -----------------------------------------
def tape_leaf(name):
    x = tape.Tensor(0.5, requires_grad=True, name=name)
    y = hostile(name)(x) * x
    y.backward()
    return bt.draw(y, title=name, output_name=name)


def symbolic_graph(name):
    x = sym.var(name)
    y = (hostile(name)(x) * x).named(name)
    return bt.draw(sym.simplify(sym.grad(y, x)), title=name)


def side_by_side(name):
    return bt.draw_side_by_side(lambda x: hostile(name)(x) * x, 0.5, name=name)


def tape_steps(name):
    return bt.backprop_steps(lambda x: hostile(name)(x) * x, 0.5, name=name)[-1]


def symbolic_steps(name):
    return bt.backprop_steps(lambda x: hostile(name)(x) * x, 0.5, engine="symbolic", name=name)[-1]


DRAWINGS = [tape_leaf, symbolic_graph, side_by_side, tape_steps, symbolic_steps]


def svg_of(drawing, tmp_path):
    """Saved with bt.save_figure (dot must not fail), parsed as XML (it must be well formed)."""
    (path,) = bt.save_figure(drawing, tmp_path / "figure", formats=("svg",))
    return path.read_text(encoding="utf-8")


def shape(svg):
    """What a name must not change: the counts of nodes and edges and the element kinds."""
    root = ET.fromstring(svg)
    groups = [g.get("class") for g in root.iter("{http://www.w3.org/2000/svg}g")]
    return (groups.count("node"), groups.count("edge"),
            sorted({element.tag for element in root.iter()}))


def texts(svg):
    return "".join(t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", HOSTILE, ids=IDS)
def test_a_hostile_name_is_drawn_as_text(draw, name, tmp_path):
    expected = shape(svg_of(draw(SAFE), tmp_path))
    svg = svg_of(draw(name), tmp_path)
    assert shape(svg) == expected
    assert "<script" not in svg.lower()
    for element in ET.fromstring(svg).iter():   # shown as text is fine, a link is not
        assert not any("javascript:" in value.lower() for value in element.attrib.values())
    assert visible(name, newlines=True).replace("\n", "")[:40] in texts(svg)


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda f: f.__name__)
def test_the_injection_shows_as_the_characters_typed(draw, tmp_path):
    shown = texts(svg_of(draw(INJECTION), tmp_path))
    assert INJECTION in shown


def test_control_characters_show_as_symbols_and_long_names_are_cut(tmp_path):
    shown = texts(svg_of(tape_leaf("a\x1bb\x00c"), tmp_path))
    assert "a␛b␀c" in shown
    long_name = "y" * 20000
    shown = texts(svg_of(tape_leaf(long_name), tmp_path))
    assert "y" * (MAX_NAME - 1) + "…" in shown and "y" * MAX_NAME not in shown


def test_a_title_starting_with_a_bracket_is_a_caption_in_jupyter_too():
    """draw returns a Digraph whose source is the DOT written here, not graphviz's quoting."""
    g = bt.draw(sym.var("x") * 2.0, title=INJECTION)
    assert g.source == bt.draw_dot(sym.var("x") * 2.0, title=INJECTION)
    assert g._repr_image_svg_xml().count('class="node"') == 3


# -- printers ---------------------------------------------------------------------------------
def expression(name):
    x = sym.var(name)
    return hostile(name)(x * x.named(name)) + 1.0


def braces_balanced(latex):
    """Unescaped { } balance and never close more than they opened (\\{ \\} are characters)."""
    depth = 0
    for token in re.findall(r"\\.|[{}]", latex, flags=re.DOTALL):
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


def control_sequences(latex):
    return set(re.findall(r"\\[A-Za-z]+", latex))


ESCAPES = {"\\backslash", "\\hat", "\\sim", "\\mathrm",     # what escaping may add,
           "\\frac", "\\partial",                               # dz/dx as a fraction,
           *(f"\\{c}" for c in GREEK.split("|")),                # and plain math names
           "\\dot", "\\ddot", "\\bar", "\\hat", "\\tilde", "\\vec"}


@pytest.mark.parametrize("name", HOSTILE, ids=IDS)
def test_to_latex_escapes_names(name):
    latex = sym.to_latex(expression(name))
    assert braces_balanced(latex)
    assert control_sequences(latex) <= control_sequences(sym.to_latex(expression(SAFE))) | ESCAPES
    assert latex.count("\\left") == latex.count("\\right")
    assert not re.search(r"(?<!\\)[$%#&~]", latex), "an unescaped special character"
    assert len(latex) < 8 * MAX_NAME * 3


@pytest.mark.parametrize("name", HOSTILE, ids=IDS)
def test_to_text_prints_one_line_per_node(name):
    text = sym.to_text(expression(name))
    assert len(text.splitlines()) == len(sym.to_text(expression(SAFE)).splitlines())
    assert all(c.isprintable() for line in text.splitlines() for c in line)


class Tags(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))


@pytest.mark.parametrize("name", HOSTILE, ids=IDS)
def test_trace_tables_escape_primitive_names(name):
    def fun(x1, x2):
        return hostile(name)(x1 * x2) + x1

    table, safe = bt.trace_table(fun, 1.5, -0.5), bt.trace_table(
        lambda x1, x2: hostile(SAFE)(x1 * x2) + x1, 1.5, -0.5)
    page = table._repr_html_()
    assert Tags(page).tags == Tags(safe._repr_html_()).tags
    assert "\\href" not in page and "\\input" not in page
    assert "\\dot{w}" in page and "\\\\" not in page     # the LaTeX reaches MathJax intact
    for cell in (r.definition for r in table.rows):
        assert braces_balanced(cell)
        assert control_sequences(cell) <= {"\\cdot", "\\sin", "\\left", "\\right"} | ESCAPES
    assert len(table.to_markdown().splitlines()) == len(safe.to_markdown().splitlines())
    assert table.to_latex().count("\\\\") == safe.to_latex().count("\\\\")


# -- any name at all ----------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMES = st.text(alphabet=st.characters(codec=None), max_size=40)


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_any_name_prints_as_balanced_latex_and_one_line_of_text(name):
    latex = sym.to_latex(expression(name))
    assert braces_balanced(latex)
    assert control_sequences(latex) <= control_sequences(sym.to_latex(expression(SAFE))) | ESCAPES
    assert not re.search(r"(?<!\\)[$%#&~]", latex)
    assert len(sym.to_text(expression(name)).splitlines()) == len(sym.to_text(expression(SAFE)).splitlines())


@settings(max_examples=25, deadline=None)
@given(NAMES)
def test_any_name_draws_the_same_picture(name):
    svg = bt.draw(sym.var(name) * 2.0, title=name)._repr_image_svg_xml()
    assert shape(svg) == shape(bt.draw(sym.var(SAFE) * 2.0, title=SAFE)._repr_image_svg_xml())
