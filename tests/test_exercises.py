"""The student exercises (notebooks/exercises) through the instructor's nbgrader loop.

For each assignment, in a temporary copy of the course, with nbgrader's Python
API in this process: ``generate_assignment``, then ``autograde`` of three
submissions, and the scores read back from the gradebook:

* the source notebook (the solutions): full marks;
* the released notebook, untouched: zero;
* the released notebook with its test cells edited to ``pass`` and one deleted:
  still zero, since nbgrader restores test cells from the gradebook.

The checks behind the test cells (``backprop_toolkit.exercises``) are tested
directly too: a specific wrong answer gives a message naming the wrong entry.
"""

import functools
import json
import pathlib
import shutil

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import exercises as ex

nbgrader = pytest.importorskip("nbgrader")
import nbgrader.api  # noqa: E402
import nbgrader.apps.api as nbgrader_api  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

COURSE = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "exercises"
ASSIGNMENTS = ["rules", "two_layer", "derivative_graph", "trace_table", "debug_backward"]


def load(path):
    return json.loads(path.read_text())


def graded_cells(nb):
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_is_clean(name):
    nb = load(COURSE / "source" / name / f"{name}.ipynb")
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
           if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids)), f"{name}: duplicate grade_id"
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in nb["cells"] if c["cell_type"] == "code"), f"{name}: outputs committed"
    assert any("### BEGIN SOLUTION" in "".join(c["source"]) for c in nb["cells"])
    assert graded_cells(nb) and all(c["metadata"]["nbgrader"]["points"] > 0
                                    for c in graded_cells(nb))


def course_api(root):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    config.CourseDirectory.root = str(root)
    config.Exchange.root = str(root / "exchange")
    (root / "exchange").mkdir()
    coursedir = CourseDirectory(config=config)
    return nbgrader_api.NbGraderAPI(coursedir, config=config), coursedir.db_url


def tampered(released):
    """The released notebook with every test cell edited to pass and the first one deleted."""
    nb = load(released)
    tests = graded_cells(nb)
    for cell in tests:
        cell["source"] = "pass"
    nb["cells"].remove(tests[0])
    return json.dumps(nb)


def submit(root, student, name, text):
    folder = root / "submitted" / student / name
    folder.mkdir(parents=True)
    (folder / f"{name}.ipynb").write_text(text)


@functools.lru_cache
def alembic_head():
    """The gradebook schema version, which nbgrader asks the `alembic` program for."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory(str(pathlib.Path(nbgrader.__file__).parent / "alembic")).get_current_head()


@pytest.fixture
def fast_gradebook(monkeypatch):
    """Every Gradebook() runs `alembic heads` in a subprocess (about a second, and it needs
    the venv's bin/ on PATH): ask once, in this process, instead."""
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", alembic_head)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_nbgrader_loop(name, tmp_path, fast_gradebook):
    shutil.copy(COURSE / "nbgrader_config.py", tmp_path)
    shutil.copytree(COURSE / "source" / name, tmp_path / "source" / name)
    api, db_url = course_api(tmp_path)
    result = api.generate_assignment(name)
    assert result["success"], result.get("error") or result.get("log")

    released = tmp_path / "release" / name / f"{name}.ipynb"
    text = released.read_text()
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "bt.sigmoid(x)", "np.outer(delta1",
                   "dz_da * v + b", "np.cos(w1) * dw1", "parent.grad +="):
        assert secret not in text, f"the release of {name} shows {secret!r}"

    source = (tmp_path / "source" / name / f"{name}.ipynb").read_text()
    submissions = {"solution": source, "blank": text, "tampered": tampered(released)}
    for student, notebook in submissions.items():
        submit(tmp_path, student, name, notebook)
        result = api.autograde(name, student)
        assert result["success"], result.get("error") or result.get("log")

    with Gradebook(db_url) as gb:
        scores = {s: gb.find_submission(name, s).score for s in submissions}
        max_score = gb.find_assignment(name).max_score
        failed = [g.name for g in gb.find_submission_notebook(name, name, "solution").grades
                  if g.score < g.max_score]
    print(f"{name}: {scores} of {max_score}")
    assert max_score > 0
    assert scores == {"solution": max_score, "blank": 0, "tampered": 0}, (
        f"{name}: {scores} of {max_score}; the solution failed {failed}")


# --- a specific wrong answer per assignment names the wrong entry ------------------------------

def fails_with(check, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


def test_rules_sign_flip_is_named():
    flipped = bt.primitive("softplus", forward=lambda x: np.logaddexp(0.0, x),
                           vjp=lambda g, out, x: -g * bt.sigmoid(x),
                           jvp=lambda t, out, x: t * bt.sigmoid(x))
    message = fails_with(ex.check_softplus_rules, flipped)
    assert message.startswith("softplus rule vjp(g, out, x)[")
    assert "expected" in message and "got" in message and "the sign is flipped" in message
    message = fails_with(ex.check_rule_on_engines, flipped, (np.array([0.5, -1.0]),))
    assert "softplus on the tape engine" in message and "VJP for input 0[" in message


def test_rules_numpy_inside_a_rule_is_explained():
    """np.exp has an entry in the op language, so a rule may use it; np.piecewise has none."""
    with_entry = bt.primitive("softplus", forward=lambda x: np.logaddexp(0.0, x),
                              vjp=lambda g, out, x: g / (1 + np.exp(-x)),
                              jvp=lambda t, out, x: t / (1 + np.exp(-x)))
    ex.check_rule_on_engines(with_entry, (np.array([0.5, -1.0]),))
    sigmoid = lambda x: np.piecewise(x, [x < 0, x >= 0],  # noqa: E731
                                     [lambda v: np.exp(v) / (1 + np.exp(v)),
                                      lambda v: 1 / (1 + np.exp(-v))])
    without = bt.primitive("softplus", forward=lambda x: np.logaddexp(0.0, x),
                           vjp=lambda g, out, x: g * sigmoid(x),
                           jvp=lambda t, out, x: t * sigmoid(x))
    ex.check_softplus_rules(without)  # right on numbers
    message = fails_with(ex.check_rule_on_engines, without, (np.array([0.5, -1.0]),))
    assert "bt.* ops" in message and "np.piecewise" in message


def reference_backward(W1, W2, x, t, delta1_sign=1.0):
    z1 = np.tanh(W1 @ x)
    delta2 = W2 @ z1 - t
    delta1 = delta1_sign * (1 - z1 ** 2) * (W2.T @ delta2)
    return np.outer(delta1, x), np.outer(delta2, z1)


def test_two_layer_wrong_sign_of_delta1_is_named():
    ex.check_two_layer(reference_backward)
    message = fails_with(ex.check_two_layer,
                         lambda *a: reference_backward(*a, delta1_sign=-1.0))
    W1, W2, x, t = ex.two_layer_problem()
    expected = bt.grad(ex.two_layer_loss, argnums=0)(W1, W2, x, t)
    i, j = np.unravel_index(np.argmax(np.abs(expected)), expected.shape)
    assert message.startswith(f"dL/dW1[{i}, {j}]: expected {expected[i, j]:.4g}, "
                              f"got {-expected[i, j]:.4g}")
    assert message.endswith("your delta for layer 1 has the wrong sign")


def test_two_layer_transpose_is_named():
    message = fails_with(ex.check_two_layer,
                         lambda *a: (reference_backward(*a)[0].T, reference_backward(*a)[1]))
    assert message == ("dL/dW1: expected shape (4, 3), got shape (3, 4); it looks transposed "
                       "(its transpose is right)")


def test_derivative_graph_wrong_node_is_named():
    def rebuilds_a(u, v, a, b, z):
        dz_da = u * bt.cos(u * v)
        return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v + b, "dz/dv": dz_da * u}

    message = fails_with(ex.check_derivative_graph_structure, rebuilds_a)
    assert message.startswith("dz/da: expected cos(a) of the forward node a, found cos(mul(u, v))")
    ex.check_derivative_graph_values(rebuilds_a)  # right numbers, wrong graph

    def forgets_b(u, v, a, b, z):
        dz_da = u * bt.cos(a)
        return {"dz/db": u, "dz/da": dz_da, "dz/du": dz_da * v, "dz/dv": dz_da * u}

    message = fails_with(ex.check_derivative_graph_structure, forgets_b)
    assert message.startswith("dz/du: expected add(mul(dz/da, v), b)")
    assert message.endswith("found mul(dz/da, v)")
    message = fails_with(ex.check_derivative_graph_values, forgets_b)
    assert message.startswith("dz/du at u=0.5, v=-1.5: expected -1.23, got -0.5488")


def test_trace_table_wrong_row_is_named():
    def trace(x1, x2, dx1, dx2):
        rows = [(x1, dx1), (x2, dx2), (x1 * x2, dx1 * x2 + x1 * dx2)]
        rows.append((np.sin(x1), np.sin(x1) * dx1))          # sin' = sin: wrong
        rows.append((rows[2][0] + rows[3][0], rows[2][1] + rows[3][1]))
        return rows

    message = fails_with(ex.check_trace_table, trace, 1.5, -0.5, 1.0, 0.0)
    assert message == ("row w4 = sin(w1): tangent dw4 (x1=1.5, x2=-0.5, seed dx1=1.0, dx2=0.0): "
                       "expected 0.07074, got 0.9975; d sin(w1) = cos(w1) dw1, not sin(w1) dw1")


class Value:
    """The notebook's scalar engine, in short."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.parents, self.local_grads, self.grad = float(data), parents, local_grads, 0.0

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))


def backward(root, accumulate=True, recursive=False):
    order, seen = [], set()
    if recursive:
        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)
        visit(root)
    else:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents if p not in seen)
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = parent.grad + local * node.grad if accumulate else local * node.grad


def test_debug_backward_bugs_are_named():
    for check in (ex.check_reused_node, ex.check_deep_chain, ex.check_diamond):
        check(Value, backward)
    message = fails_with(ex.check_reused_node, Value,
                         lambda r: backward(r, accumulate=False))
    assert message.startswith("dy/dx for y = x * x + x at x = 3.0 (x.grad): expected 7, got 3; ")
    assert "+=" in message
    message = fails_with(ex.check_deep_chain, Value, lambda r: backward(r, recursive=True))
    assert message.startswith("a chain of 10,000 nodes: RecursionError")
    assert "explicit stack" in message
    message = fails_with(ex.check_diamond, Value, lambda r: backward(r, accumulate=False))
    assert message.startswith("dc/da (a.grad) at x=0.5, y=-2.0: expected -1.5, got -1; ")


def test_nothing_in_the_package_imports_the_exercises():
    graders = pathlib.Path(ex.__file__).parent  # the exercises/ package itself
    for path in graders.parent.rglob("*.py"):
        if graders not in path.parents:
            assert "exercises" not in path.read_text(), f"{path.name} mentions the exercises"
