"""Draw the package's layers and the imports between them: ``python docs/layers.py``.

The drawing is made from the import graph itself (the one ``tests/test_layering.py``
checks), with the toolkit's own DOT writer, so it cannot drift from the code:
``tests/test_layering.py`` fails when ``docs/layers.dot`` is out of date.
"""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from test_layering import LAYERS, import_graph, layer_of  # noqa: E402

from backprop_toolkit.viz.dot import Dot  # noqa: E402
from backprop_toolkit.viz.render import render  # noqa: E402

ENGINE_FILL = "#fde2c4"
FILL = "#dbe9f6"


def layer_edges(graph):
    """``{(lower layer, upper layer): number of imports}`` between different layers."""
    edges = {}
    for module, targets in graph.items():
        for target, _ in targets:
            here, there = layer_of(module), layer_of(target)
            if here is None or there is None or here == there:
                continue
            key = (LAYERS[there], LAYERS[here])
            edges[key] = edges.get(key, 0) + 1
    return edges


def layers_dot():
    """The layers bottom to top, an arrow from each layer to each layer that imports it."""
    graph = import_graph()
    present = [name for name in LAYERS if any(m.split(".")[0] == name for m in graph)]
    dot = Dot(name="layers", rankdir="BT", label="backprop_toolkit: each layer imports only "
              "the layers below it (arrows point from a layer to its importers)")
    for name in present:
        fill = ENGINE_FILL if name in ("tape", "symbolic") else FILL
        dot.node(name, label=name, shape="box", style="rounded,filled", fillcolor=fill)
    dot.raw('{rank=same; "tape"; "symbolic"}')
    for low, high in sorted(layer_edges(graph)):  # which layers, not how many imports:
        if low in present and high in present:   # the drawing changes with the structure only
            dot.edge(low, high, color="#555555")
    return dot


if __name__ == "__main__":
    source = layers_dot().source()
    (HERE / "layers.dot").write_text(source)
    (HERE / "layers.svg").write_bytes(render(source, "svg"))
    print("wrote docs/layers.dot and docs/layers.svg")
