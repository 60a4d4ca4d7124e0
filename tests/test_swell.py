"""Expression swell: the measured table is right and the README shows the current one."""

import pathlib

import pytest

from backprop_toolkit.swell import expression_swell, swell_markdown

from test_lectures import tanh_derivative_reference

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def rows():
    return expression_swell(orders=7)


def test_values_are_the_derivatives_of_tanh(rows):
    for r in rows:
        expected = tanh_derivative_reference(r["order"], 1.0)
        assert r["value"] == pytest.approx(expected, rel=1e-10)
        assert r["tape_value"] == pytest.approx(expected, rel=1e-10)


def test_simplification_shrinks_and_graphs_grow(rows):
    for r in rows:
        assert r["simplified"] <= r["raw"]
    sizes = [r["raw"] for r in rows]
    assert all(b > a for a, b in zip(sizes, sizes[1:]))
    assert rows[-1]["raw"] > 2 * rows[-1]["simplified"]      # swell, and what simplify saves


def test_readme_table_is_current(rows):
    text = README.read_text()
    start = text.index("| n | symbolic, raw")
    shown = text[start:text.index("\n\n", start)]
    assert shown == swell_markdown(rows), \
        "README's expression-swell table is stale: paste swell_markdown(expression_swell())"
