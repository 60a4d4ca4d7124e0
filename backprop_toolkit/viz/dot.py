"""DOT text, written line by line: testable without the ``dot`` program.

:class:`Dot` hands out stable node ids (``n0, n1, ...`` in the order nodes are
first drawn, never ``id()``), quotes labels, and groups lines into clusters.
Drawings call it in a deterministic order (topological), so the same graph
always gives the same text, and hence byte-identical SVG.
"""

import numpy as np

from . import styles


def quote(text):
    """A DOT string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html_escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def attributes(attrs):
    """``[a="1", b=<html>]``; values starting with ``<`` are HTML-like labels."""
    parts = []
    for key, value in attrs.items():
        text = str(value)
        parts.append(f"{key}={text}" if text.startswith("<") else f"{key}={quote(text)}")
    return "[" + ", ".join(parts) + "]" if parts else ""


def format_value(value, digits=3):
    """A number as on a slide, to ``digits`` significant digits (0.997, -0.197, -12.0, 1.00);
    a small array in brackets; a big one as its shape."""
    array = np.asarray(value)
    if array.ndim == 0:
        return format_number(float(array), digits)
    if array.size <= 4:
        return "[" + ", ".join(format_value(v, digits) for v in array.reshape(-1)) + "]"
    return "×".join(str(n) for n in array.shape)


def format_number(number, digits=3):
    """``digits`` significant digits, trailing zeros kept; whole numbers too big for them
    in full (1234, not 1.23e+03); no minus sign on a zero."""
    if np.isfinite(number) and abs(number) >= 10 ** digits:
        text = f"{number:.0f}"
    else:
        text = f"{number:#.{digits}g}"
    if text.startswith("-") and np.isfinite(number) and float(text) == 0:
        text = text[1:]
    return text.rstrip(".")


class Dot:
    """A DOT document under construction."""

    def __init__(self, name="G", rankdir="BT", label=None, **graph_attrs):
        self.name = name
        self.graph = dict(styles.GRAPH, rankdir=rankdir, **graph_attrs)
        if label:
            self.graph.update(label=label, labelloc="t")
        self.lines = []
        self._ids = {}
        self._indent = "    "

    def id(self, obj, prefix=""):
        """The stable id of a drawn object (allocated on first use)."""
        key = (prefix, id(obj))
        if key not in self._ids:
            self._ids[key] = f"{prefix}n{len(self._ids)}"
        return self._ids[key]

    def has(self, obj, prefix=""):
        return (prefix, id(obj)) in self._ids

    def node(self, node_id, **attrs):
        self.lines.append(f"{self._indent}{node_id} {attributes(attrs)}")

    def edge(self, tail, head, **attrs):
        self.lines.append(f"{self._indent}{tail} -> {head} {attributes(attrs)}".rstrip())

    def raw(self, line):
        self.lines.append(self._indent + line)

    def open_cluster(self, name, label, **attrs):
        self.lines.append(f"{self._indent}subgraph cluster_{name} {{")
        self._indent += "    "
        for key, value in dict(styles.CLUSTER, label=label, **attrs).items():
            self.lines.append(f"{self._indent}{key}={quote(value)}")

    def close_cluster(self):
        self._indent = self._indent[:-4]
        self.lines.append(f"{self._indent}}}")

    def source(self):
        """The whole document as DOT text."""
        head = [f"digraph {self.name} {{",
                f"    graph {attributes(self.graph)}",
                f"    node {attributes(styles.NODE)}",
                f"    edge {attributes(styles.EDGE)}"]
        return "\n".join(head + self.lines + ["}"]) + "\n"

    def digraph(self):
        """The document as a ``graphviz.Digraph`` (shows as SVG in Jupyter)."""
        import graphviz

        return graphviz.Digraph(name=self.name, graph_attr=self.graph, node_attr=styles.NODE,
                                edge_attr=styles.EDGE, body=[line + "\n" for line in self.lines])
