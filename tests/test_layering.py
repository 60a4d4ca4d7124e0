"""The layers import one way only (DESIGN.md):

errors -> dispatch -> primitives -> ops -> passes -> {tape, symbolic} -> engines -> api
-> checking -> viz
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "backprop_toolkit"
LAYERS = ["errors", "trees", "dispatch", "primitives", "ops", "passes", "tape", "symbolic", "examples",
          "engines", "api", "swell",
          "checking", "exercises", "viz"]
SAME_LEVEL = {"tape": "engines", "symbolic": "engines"}


def layer_of(module):
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = path.relative_to(PACKAGE).parts[:-1][: len(path.relative_to(PACKAGE).parts) - node.level]
            names = [node.module] if node.module else [a.name for a in node.names]
            for name in names:
                yield ".".join(list(base) + [name]) if base else name, node.lineno


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    here = layer_of(str(path.relative_to(PACKAGE).with_suffix("")).replace("/", "."))
    if here is None:
        return
    for target, line in imports_of(path):
        there = layer_of(target)
        if there is None:
            continue
        me, it = LAYERS[here], LAYERS[there]
        assert there <= here, f"{path.name}:{line} imports {target}, a higher layer"
        if me in SAME_LEVEL and it in SAME_LEVEL and me != it:
            pytest.fail(f"{path.name}:{line}: the engines must not import each other")
