"""From drawings to pictures: ``bt.draw`` and ``bt.save_figure``.

DOT text needs nothing (see :mod:`.dot`); SVG, PDF and PNG need Graphviz's
``dot`` program, and its absence is an error that says how to install it.
Saved files are byte-identical from run to run: dot's SVG and PNG already
are; its PDF creation date is pinned; matplotlib's SVG hash salt and dates
are fixed.
"""

import pathlib
import re
import shutil
import subprocess

from .. import symbolic as sym
from .. import tape
from ..errors import BackpropError
from .circuit import circuit_dot
from .dot import Dot
from .graph import graph_dot, simplification_dot
from .steps import backprop_steps as _steps
from .steps import draw_side_by_side as _side_by_side

PINNED_PDF_DATE = b"D:20000101000000Z"
PNG_DPI = 200  # PNGs only: SVG and PDF are vector, their bytes do not depend on it
HASH_SALT = "backprop_toolkit"


class GraphvizMissingError(BackpropError):
    """Graphviz's ``dot`` program is not installed."""


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
    """DOT text of a drawing (no ``dot`` program needed)."""
    return to_dot(obj, **options).source()


def draw(obj, **options):
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
    """
    return to_dot(obj, **options).digraph()


def draw_side_by_side(fun, *args, name=None, simplify=True):
    """The tape's record with numbers beside the symbolic derivative graph of ``fun``;
    ``name`` labels the output (the function's name by default); ``simplify=False``
    shows the derivative graph as ``sym.grad`` built it."""
    return _side_by_side(fun, *args, name=name, simplify=simplify).digraph()


def backprop_steps(fun, *args, engine="tape", name=None):
    """One drawing per backward step (a list of ``graphviz.Digraph``), on either engine."""
    return [frame.digraph() for frame in _steps(fun, *args, engine=engine, name=name)]


def render(source, fmt):
    """Run ``dot -T<fmt>`` on DOT text; returns the bytes (PDF date pinned, PNG at
    :data:`PNG_DPI` dots per inch, sharp on a projected slide)."""
    options = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
    result = subprocess.run([find_dot(), f"-T{fmt}", *options], input=source.encode(),
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise BackpropError(f"dot failed ({fmt}): {result.stderr.decode(errors='replace')}")
    data = result.stdout
    if fmt == "pdf":
        data = re.sub(rb"D:\d{14}Z", PINNED_PDF_DATE, data)
    return data


def save_figure(fig, path, formats=("svg", "pdf", "png")):
    """Save a drawing (``Digraph``, :class:`Dot`) or a matplotlib figure as ``path.<format>``.

    ``path`` has no suffix. Returns the list of files written.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = path.with_name(f"{path.name}.{fmt}")
        if hasattr(fig, "savefig"):
            save_matplotlib(fig, target, fmt)
        else:
            target.write_bytes(render(fig.source() if isinstance(fig, Dot) else fig.source, fmt))
        written.append(target)
    return written


def save_matplotlib(fig, target, fmt):
    import matplotlib

    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT, "svg.fonttype": "path"}):
        fig.savefig(target, format=fmt, metadata=metadata or None, dpi=PNG_DPI,
                    bbox_inches="tight")
