"""DOT text, written line by line: testable without the ``dot`` program.

:class:`Dot` hands out stable node ids (``n0, n1, ...`` in the order nodes are
first drawn, never ``id()``), quotes labels, and groups lines into clusters.
Drawings call it in a deterministic order (topological), so the same graph
always gives the same text, and hence byte-identical SVG.

Every string a user can choose (a variable's or primitive's name, a title)
passes through here, and is escaped here: an attribute value is a quoted DOT
string unless it is an :class:`Html` label, which drawings build with
:func:`html_label`, escaping the text they put in with :func:`html_escape`.
A name such as ``<x>]; evil [URL="javascript:..."]`` is drawn as those
characters, never read as DOT or HTML; control characters show as symbols
(␛) and a name over 200 characters is cut (``symbolic.printing.visible``).
"""

import functools

import numpy as np

from ..symbolic.printing import visible
from . import styles


class Html(str):
    """An HTML-like DOT label (``<<b>z</b>>``), written unquoted; its text is escaped."""


def html_label(build):
    """Mark what ``build`` returns as an :class:`Html` label (it escapes its user text)."""
    @functools.wraps(build)
    def marked(*args, **kwargs):
        return Html(build(*args, **kwargs))
    return marked


def quote(text):
    """A DOT string literal of ``text`` as typed: dot would read ``\\N`` as the node's id and
    ``&amp;`` as ``&``, so both are escaped; a newline is a line break (see :func:`visible`)."""
    text = visible(text, newlines=True).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("&", "&amp;").replace("\n", "\\n") + '"'


def html_escape(text):
    """Text for inside an HTML-like DOT label (``<`` as ``&lt;``), as typed (a backslash
    doubled, see :func:`quote`); a newline is a line break (see :func:`visible`). For a
    web page use ``html.escape``: the backslash rule is dot's own."""
    return (visible(text, newlines=True).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;").replace("\\", "\\\\")
            .replace("\n", "<br/>"))


def attributes(attrs):
    """``[a="1", b=<html>]``: an :class:`Html` value is written as it is, any other quoted."""
    parts = [f"{key}={value}" if isinstance(value, Html) else f"{key}={quote(value)}"
             for key, value in attrs.items()]
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
        self.node_count = 0  # nodes drawn: what decides how long `dot` takes
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
        self.node_count += 1
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

    def head(self):
        """The graph, node and edge defaults: the lines after ``digraph G {``."""
        return [f"    graph {attributes(self.graph)}", f"    node {attributes(styles.NODE)}",
                f"    edge {attributes(styles.EDGE)}"]

    def source(self):
        """The whole document as DOT text."""
        return "\n".join([f"digraph {self.name} {{"] + self.head() + self.lines + ["}"]) + "\n"

    def digraph(self, cls=None):
        """The document as a ``graphviz.Digraph`` (or ``cls``, a subclass) with the same
        source: the defaults go into the body as written here, not through graphviz's
        own quoting (which would read a title starting with ``<`` as HTML)."""
        import graphviz

        cls = cls or graphviz.Digraph
        return cls(name=self.name, body=[line + "\n" for line in self.head() + self.lines])
