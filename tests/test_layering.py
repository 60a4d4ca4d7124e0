"""The layers import one way only, with no cycles (docs/design.md).

Each module belongs to a layer; a module may import its own layer and the
layers below, never a layer above. The two engines (``tape``, ``symbolic``)
share a layer and never import each other, and no chain of imports between
modules leads back to where it started. The checks run on the package's
import graph, read from the source with ``ast``, and on small made-up graphs
that show each check fails when it should.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "backprop_toolkit"
LAYERS = ["errors", "handwork", "collector", "trees", "dispatch", "shapes", "primitives", "ops",
          "batching", "passes", "tape", "symbolic", "examples", "adapters", "engines", "api", "swell",
          "checking", "exercises", "viz", "__main__"]
"""Bottom to top. A name is a top-level module or subpackage of ``backprop_toolkit``."""

ENGINES = {"tape", "symbolic"}


# -- the import graph ----------------------------------------------------------------------

def module_name(path):
    """``symbolic.graph`` for ``backprop_toolkit/symbolic/graph.py``; ``symbolic`` for its __init__."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def exists(name):
    """Whether ``name`` (dotted, inside the package) is a module or a subpackage."""
    path = PACKAGE.joinpath(*name.split(".")) if name else PACKAGE
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path):
    """``(imported module, line)`` for every import of a package module in ``path``."""
    here = module_name(path)
    package = here.split(".") if path.name == "__init__.py" else here.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                base = base + node.module.split(".")
            for alias in node.names:  # `from . import tape` names a module, `from .x import f` not
                name = ".".join(base + [alias.name])
                yield (name if exists(name) else ".".join(base)), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("backprop_toolkit."):
                    yield alias.name.removeprefix("backprop_toolkit."), node.lineno


def import_graph():
    """``{module: [(imported module, line), ...]}`` for every module of the package."""
    return {module_name(p): [(t, line) for t, line in imports_of(p) if t and t != module_name(p)]
            for p in sorted(PACKAGE.rglob("*.py"))}


# -- the three checks ------------------------------------------------------------------------

def layer_of(module):
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def upward_imports(graph):
    """``"a imports b (line n), a higher layer"`` for each import that points up."""
    found = []
    for module, targets in graph.items():
        for target, line in targets:
            here, there = layer_of(module), layer_of(target)
            if here is not None and there is not None and there > here:
                found.append(f"{module} imports {target} (line {line}), a higher layer")
    return found


def engine_imports(graph):
    """Imports from one engine into the other."""
    found = []
    for module, targets in graph.items():
        for target, line in targets:
            mine, theirs = module.split(".")[0], target.split(".")[0]
            if mine in ENGINES and theirs in ENGINES and mine != theirs:
                found.append(f"{module} imports {target} (line {line}): engines are independent")
    return found


def find_cycle(graph):
    """A list of modules forming an import cycle (first repeated at the end), or ``None``.

    Iterative depth-first search with colours: grey on the current path,
    black when finished; an edge to a grey module closes a cycle.
    """
    colour, parent = {}, {}
    for start in graph:
        if colour.get(start):
            continue
        colour[start] = "grey"
        stack = [(start, iter(graph.get(start, ())))]
        while stack:
            module, edges = stack[-1]
            for target, _ in edges:
                if colour.get(target) == "grey":  # back to the path: a cycle
                    cycle, m = [target], module
                    while m != target:
                        cycle.append(m)
                        m = parent[m]
                    return cycle[::-1] + [cycle[-1]] if len(cycle) > 1 else [target, target]
                if not colour.get(target):
                    colour[target], parent[target] = "grey", module
                    stack.append((target, iter(graph.get(target, ()))))
                    break
            else:
                colour[module] = "black"
                stack.pop()
    return None


# -- the package passes ---------------------------------------------------------------------

GRAPH = import_graph()


def test_every_module_has_a_layer():
    missing = sorted({m.split(".")[0] for m in GRAPH if m and layer_of(m) is None})
    assert not missing, f"modules with no layer in LAYERS: {missing}"


def test_no_import_points_up():
    assert upward_imports(GRAPH) == []


def test_the_engines_never_import_each_other():
    assert engine_imports(GRAPH) == []


def test_no_import_cycles():
    assert find_cycle(GRAPH) is None


# -- and each check catches what it should ------------------------------------------------

def test_an_upward_import_is_caught():
    graph = {"ops": [("api", 3)], "api": [("ops", 1)]}
    assert upward_imports(graph) == ["ops imports api (line 3), a higher layer"]


def test_an_import_between_the_engines_is_caught():
    graph = {"symbolic.grad": [("tape", 7)], "tape": []}
    assert engine_imports(graph) == ["symbolic.grad imports tape (line 7): engines are independent"]


@pytest.mark.parametrize("graph, members", [
    ({"a": [("b", 1)], "b": [("c", 1)], "c": [("a", 1)]}, {"a", "b", "c"}),
    ({"a": [("b", 1)], "b": [("b", 2)]}, {"b"}),
    ({"x": [("a", 1)], "a": [("b", 1)], "b": [("a", 1)]}, {"a", "b"}),
])
def test_a_cycle_is_caught(graph, members):
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == members


def test_a_graph_without_cycles_passes():
    assert find_cycle({"a": [("b", 1), ("c", 1)], "b": [("c", 1)], "c": []}) is None


def test_the_import_reader_resolves_relative_imports():
    def targets(module):
        return [t for t, _ in GRAPH[module]]

    assert "passes" in targets("tape.tensor") and "symbolic.graph" in targets("symbolic.printing")
    assert "symbolic" in targets("viz.trace")  # `from .. import symbolic as sym`
    # the cycle graph.py <-> printing.py that once was (an import inside Node.__repr__)
    before = dict(GRAPH, **{"symbolic.graph": GRAPH["symbolic.graph"] + [("symbolic.printing", 1)]})
    assert set(find_cycle(before)) == {"symbolic.graph", "symbolic.printing"}


def test_the_drawing_of_the_layers_is_current():
    """docs/layers.dot is made from this import graph (python docs/layers.py); stale, it fails."""
    import importlib.util

    path = PACKAGE.parent / "docs" / "layers.py"
    spec = importlib.util.spec_from_file_location("docs_layers", path)
    layers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layers)
    assert (path.parent / "layers.dot").read_text() == layers.layers_dot().source(), \
        "docs/layers.dot is stale: run python docs/layers.py"
