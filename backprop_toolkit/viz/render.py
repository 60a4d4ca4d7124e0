"""From drawings to pictures: ``bt.draw`` and ``bt.save_figure``.

DOT text needs nothing (see :mod:`.dot`); SVG, PDF and PNG need Graphviz's
``dot`` program, and its absence is an error that says how to install it.
Saved files are byte-identical from run to run: dot's SVG and PNG already
are; its PDF creation date is pinned; matplotlib's SVG hash salt and dates
are fixed. Where files go, and what is refused, is :mod:`.files`.

Size: dot's layout time grows steeply, and erratically, with the number of
nodes (simplified derivative graphs of repeated ``tanh``: 102 nodes 0.9 s,
152 nodes 6 s, 202 nodes 39 s; 240 nodes 55 s and 270 nodes over 300 s in
issue 14). Drawings over :data:`MAX_NODES`
nodes are refused with a message saying what to draw instead (``max_nodes=``
raises the limit), and every run of dot stops after :data:`DOT_TIMEOUT_S`.
"""

import io
import pathlib
import re
import shutil
import subprocess

import graphviz

from .. import symbolic as sym
from .. import tape
from ..errors import BackpropError
from .circuit import circuit_dot
from .dot import Dot
from .files import figure_targets, make_folder, write_file
from .graph import graph_dot, simplification_dot
from .steps import backprop_steps as _steps
from .steps import draw_side_by_side as _side_by_side

PINNED_PDF_DATE = b"D:20000101000000Z"
PNG_DPI = 200  # PNGs only: SVG and PDF are vector, their bytes do not depend on it
HASH_SALT = "backprop_toolkit"
MAX_NODES = 120
"""The most nodes a drawing may have unless ``max_nodes=`` says otherwise (dot: about 1 s)."""
DOT_TIMEOUT_S = 60
"""How long one run of dot may take before it is stopped (seconds)."""


class GraphvizMissingError(BackpropError):
    """Graphviz's ``dot`` program is not installed."""


class DrawingTooLargeError(BackpropError):
    """A drawing with more nodes than ``max_nodes``: dot would take minutes."""


class DotTimeoutError(BackpropError):
    """dot did not finish within :data:`DOT_TIMEOUT_S` seconds."""


def find_dot():
    """The path of Graphviz's ``dot``, or a :class:`GraphvizMissingError` saying how to get it."""
    path = shutil.which("dot")
    if path is None:
        raise GraphvizMissingError(
            "Graphviz's `dot` program is needed to render drawings (DOT text works without "
            "it: bt.draw_dot). Install it: `apt-get install graphviz` (Debian/Ubuntu), "
            "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`; "
            "`make figures` and `make test` install it for you where they can.")
    return path


def to_dot(obj, **options):
    """The :class:`Dot` for a symbolic node (or list) or a tape tensor."""
    if isinstance(obj, Dot):
        return obj
    if isinstance(obj, tape.Tensor):
        return circuit_dot(obj, **options)
    if isinstance(obj, sym.Node) or (isinstance(obj, (list, tuple)) and obj
                                     and all(isinstance(n, sym.Node) for n in obj)):
        if options.pop("simplification", False):
            return simplification_dot(obj, **options)
        return graph_dot(obj, **options)
    raise BackpropError(f"draw: cannot draw a {type(obj).__name__}; pass a symbolic node "
                        "(or a list of them) or a tape tensor")


def draw_dot(obj, **options):
    """DOT text of a drawing (no ``dot`` program needed, no size limit)."""
    return to_dot(obj, **options).source()


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that Jupyter shows through :func:`render`: dot with a timeout."""

    def _repr_image_svg_xml(self):
        return render(self.source, "svg").decode("utf-8")

    def _repr_image_png(self):
        return render(self.source, "png")

    def _repr_image_jpeg(self):
        return render(self.source, "jpeg")


def checked(dot, max_nodes, what):
    """``dot`` if it has at most ``max_nodes`` nodes (``None``: no limit), else a clear error."""
    if max_nodes is not None and dot.node_count > max_nodes:
        raise DrawingTooLargeError(
            f"{what}: this drawing has {dot.node_count} nodes, more than max_nodes={max_nodes}; "
            "Graphviz's dot takes minutes on drawings that size (240 nodes: 55 s). Draw a part "
            "of it instead: the graph of an intermediate node, a smaller function or fewer "
            "steps, or sym.simplify(...) it first; or pass "
            f"max_nodes={dot.node_count} to draw it anyway (dot stops after {DOT_TIMEOUT_S} s).")
    return dot


def draw(obj, max_nodes=MAX_NODES, **options):
    """A ``graphviz.Digraph`` of ``obj`` (shows as SVG in Jupyter).

    Args:
        obj: symbolic node(s): the forward graph, with nodes made by
            ``sym.grad`` set apart and labelled ``dz/dx`` (Figure 6.10); a tape
            tensor: its recorded computation as a circuit, with values and,
            after ``backward()``, gradients on the wires.
        title: a caption. highlight: nodes to light (symbolic).
        simplification: for nodes, draw them before and after ``sym.simplify``.
        results: for nodes, ``(name, node)`` pairs shown by name (``dE/du``), also
            where the node is another one (``u``).
        max_nodes: refuse drawings with more nodes (:data:`MAX_NODES`; ``None``: no limit).
    """
    return checked(to_dot(obj, **options), max_nodes, "draw").digraph(Drawing)


def draw_side_by_side(fun, *args, name=None, simplify=True, max_nodes=MAX_NODES):
    """The tape's record with numbers beside the symbolic derivative graph of ``fun``;
    ``name`` labels the output (the function's name by default); ``simplify=False``
    shows the derivative graph as ``sym.grad`` built it."""
    dot = _side_by_side(fun, *args, name=name, simplify=simplify)
    return checked(dot, max_nodes, "draw_side_by_side").digraph(Drawing)


def backprop_steps(fun, *args, engine="tape", name=None, max_nodes=MAX_NODES):
    """One drawing per backward step (a list of ``graphviz.Digraph``), on either engine."""
    frames = _steps(fun, *args, engine=engine, name=name)
    return [checked(frame, max_nodes, "backprop_steps").digraph(Drawing) for frame in frames]


def render(source, fmt, timeout=None):
    """Run ``dot -T<fmt>`` on DOT text; returns the bytes (PDF date pinned, PNG at
    :data:`PNG_DPI` dots per inch, sharp on a projected slide).

    dot is stopped after ``timeout`` seconds (:data:`DOT_TIMEOUT_S` by default)."""
    timeout = DOT_TIMEOUT_S if timeout is None else timeout
    options = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
    try:
        result = subprocess.run([find_dot(), f"-T{fmt}", *options], input=source.encode(),
                                capture_output=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DotTimeoutError(
            f"dot did not finish the {fmt} within {timeout} s and was stopped: the drawing is "
            "too large to lay out; draw a part of it (see max_nodes= in bt.draw)") from None
    if result.returncode != 0:
        raise BackpropError(f"dot failed ({fmt}): {result.stderr.decode(errors='replace')}")
    data = result.stdout
    if fmt == "pdf":
        data = re.sub(rb"D:\d{14}Z", PINNED_PDF_DATE, data)
    return data


def save_figure(fig, path, formats=("svg", "pdf", "png"), max_nodes=MAX_NODES):
    """Save a drawing (``Digraph``, :class:`Dot`) or a matplotlib figure as ``path.<format>``.

    ``path`` names a file without a suffix (``"figs/add"`` writes ``figs/add.svg``, ...,
    making ``figs/``). Existing regular files of those names are overwritten; a folder,
    a symbolic link or a path ending in ``/`` is refused (:mod:`.files`). Every format
    is rendered before the first file is written. Returns the list of files written.
    """
    targets = figure_targets(path, formats)
    if isinstance(fig, Dot):
        checked(fig, max_nodes, "save_figure")
    pictures = [matplotlib_bytes(fig, fmt) if hasattr(fig, "savefig") else
                render(fig.source() if isinstance(fig, Dot) else fig.source, fmt)
                for fmt in formats]
    make_folder(pathlib.Path(path).parent)
    for target, data in zip(targets, pictures):
        write_file(target, data)
    return targets


def matplotlib_bytes(fig, fmt):
    """A matplotlib figure as the bytes of one file format (dates and hash salt fixed)."""
    import matplotlib

    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, metadata=metadata or None, dpi=PNG_DPI,
                    bbox_inches="tight")
    return buffer.getvalue()
