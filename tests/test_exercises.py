"""The student exercises (notebooks/exercises) through the instructor's nbgrader loop.

For each assignment, in a temporary copy of the course, with nbgrader's Python
API in this process: ``generate_assignment``, then one ``autograde`` of every
submission, ``generate_feedback``, and the scores read back from the gradebook:

* the source notebook (the solutions): full marks;
* the released notebook, untouched: zero; a wrong answer: zero;
* the released notebook with its test cells edited to ``pass`` and one deleted:
  still zero, since nbgrader restores test cells from the gradebook;
* every cheat of ``exercise_cheats.CHEATS`` (the issue's catalogue, the IPython
  tricks, and the ones tried against the new design): zero.

No failing output of any submission shows a line of a solution or of the
graders. The checks' messages are tested in tests/test_graders.py, the
grading's defences in process in tests/test_grading_guard.py.
"""

import ast
import functools
import json
import pathlib
import re
import shutil
import time

import pytest

from backprop_toolkit import exercises as ex
from exercise_cheats import CHEATS, TRIED, WRONG

nbgrader = pytest.importorskip("nbgrader")
import nbgrader.api  # noqa: E402
import nbgrader.apps.api as nbgrader_api  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

COURSE = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "exercises"
GRADERS = pathlib.Path(ex.__file__).parent
ASSIGNMENTS = ["rules", "two_layer", "derivative_graph", "trace_table", "debug_backward"]
ROUND_TRIP_SECONDS = 60
FEEDBACK = {"tampered": ["expected", "got"],
            "patch_checks": ["Grading refused", "was replaced"]}
"""Students whose feedback (HTML) the round trip makes, and words it must show them."""


def load(path):
    return json.loads(path.read_text())


def graded_cells(nb):
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]


def solution_cells(nb):
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]


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
    assert len(solution_cells(nb)) == 1, "the cheats replace the one answer cell"


BOOTSTRAP = [
    "import runpy  # the checks, loaded afresh from the toolkit's files: nothing in this "
    "notebook can change them",
    'grade = runpy.run_module("backprop_toolkit.exercises.fresh")["grade"]']


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_trust_no_notebook_name(name):
    """A test cell loads the checks itself, then calls them, one call a line (the receipts
    are per line), on the student's answer and literals: no other name of the notebook."""
    nb = load(COURSE / "source" / name / f"{name}.ipynb")
    answer = ast.parse("".join(solution_cells(nb)[0]["source"]))
    answers = {n.name for n in answer.body if isinstance(n, ast.FunctionDef)}
    for cell in graded_cells(nb):
        lines = "".join(cell["source"]).splitlines()
        assert lines[:2] == BOOTSTRAP
        calls = [line for line in lines[2:] if not line.startswith("#")]
        assert calls
        for line in calls:
            call = ast.parse(line).body[0].value
            assert isinstance(call, ast.Call) and ast.unparse(call.func).startswith("grade.check_")
            names = {n.id for arg in call.args + [k.value for k in call.keywords]
                     for n in ast.walk(arg) if isinstance(n, ast.Name)}
            assert names <= answers, f"{line} reads {names - answers} from the notebook"


def course_api(root):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    config.CourseDirectory.root = str(root)
    config.Exchange.root = str(root / "exchange")
    (root / "exchange").mkdir()
    coursedir = CourseDirectory(config=config)
    return nbgrader_api.NbGraderAPI(coursedir, config=config), coursedir.db_url


def tampered(text):
    """The notebook ``text`` with every test cell edited to pass and the first one deleted."""
    nb = json.loads(text)
    tests = graded_cells(nb)
    for cell in tests:
        cell["source"] = "pass"
    nb["cells"].remove(tests[0])
    return json.dumps(nb)


def answered(released, answer):
    """The released notebook with ``answer`` (a wrong one, a cheat) in its answer cell."""
    nb = load(released)
    solution_cells(nb)[0]["source"] = answer.strip("\n").splitlines(keepends=True)
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


def reference_lines():
    """Lines of the solutions and of the graders that no failing output may show."""
    lines = set()
    for name in ASSIGNMENTS:
        nb = load(COURSE / "source" / name / f"{name}.ipynb")
        lines.update("".join(solution_cells(nb)[0]["source"]).splitlines())
    for path in GRADERS.glob("*.py"):
        if path.name != "sealed.py":  # the frame failures are raised from: no reference code
            lines.update(path.read_text().splitlines())
    return {line.strip() for line in lines if len(line.strip()) >= 16
            and not line.strip().startswith(("#", '"""'))}


def failing_outputs(notebook):
    """The text of every error output, and of the streams of cells that failed."""
    for cell in load(notebook)["cells"]:
        outputs = cell.get("outputs", [])
        if any(o["output_type"] == "error" for o in outputs):
            for o in outputs:
                yield "\n".join(o.get("traceback", [])) + "".join(o.get("text", ""))


def submissions(name, source, released):
    """Every student's notebook for assignment ``name``, by student."""
    return {"solution": source.read_text(), "blank": released.read_text(),
            "tampered": tampered(answered(released, WRONG[name])),
            **{cheat: answered(released, cells[name]) for cheat, cells in CHEATS.items()},
            **{cheat: answered(released, cell) for cheat, (where, cell) in TRIED.items()
               if where == name}}


def autograde_all(api, name):
    """One ``autograde`` of every submission; only os._exit's dead kernel may fail it. The
    log warns about a changed test cell only for the student who changed one."""
    result = api.autograde(name, "*")
    log = result.get("log", "")
    broken = set(re.findall(r"error processing assignment '\w+' for student '(\w+)'", log))
    assert result["success"] or broken == {"os_exit"}, result.get("error") or log
    warned = {re.search(r"submitted/(\w+)/", part).group(1)
              for part in log.split("Sanitizing ")[1:] if "has changed!" in part}
    assert warned <= {"tampered"}, f"checksum warnings for {warned}"


def check_outputs(root, name, students):
    """No failing output shows a line of a solution or of the graders; the feedback of
    :data:`FEEDBACK`'s students shows them what it should."""
    shown = {line.strip() for cell in load(root / "source" / name / f"{name}.ipynb")["cells"]
             for line in "".join(cell["source"]).splitlines()}
    references = reference_lines() - shown  # minus the test cells' lines, shown on purpose
    for student in students:
        autograded = root / "autograded" / student / name / f"{name}.ipynb"
        if not autograded.exists():  # os._exit killed the kernel: nbgrader gave up on it
            assert student == "os_exit"
            continue
        for output in failing_outputs(autograded):
            leaked = [line for line in references if line in output]
            assert not leaked, f"{name}, {student}: a failing output shows {leaked[0]!r}"
    for student in set(FEEDBACK) & set(students):
        feedback = (root / "feedback" / student / name / f"{name}.html").read_text()
        assert all(word in feedback for word in FEEDBACK[student]), (student, feedback)


@pytest.mark.parametrize("part", [0, 1])
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_nbgrader_loop(name, part, tmp_path, fast_gradebook, recwarn, monkeypatch):
    """Half the students of assignment ``name`` (two halves: the two workers stay busy)."""
    # As on an instructor's machine, the kernels keep the toolkit's .pyc files: with
    # PYTHONDONTWRITEBYTECODE each one compiles the toolkit again, and the checks too.
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    start = time.perf_counter()
    shutil.copy(COURSE / "nbgrader_config.py", tmp_path)
    shutil.copytree(COURSE / "source" / name, tmp_path / "source" / name)
    api, db_url = course_api(tmp_path)
    result = api.generate_assignment(name)
    assert result["success"], result.get("error") or result.get("log")
    released = tmp_path / "release" / name / f"{name}.ipynb"
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "bt.sigmoid(x)", "np.outer(delta1",
                   "dz_da * v + b", "np.cos(w1) * dw1", "parent.grad +="):
        assert secret not in released.read_text(), f"the release of {name} shows {secret!r}"

    mine = dict([*submissions(name, tmp_path / "source" / name / f"{name}.ipynb",
                              released).items()][part::2])
    for student, notebook in mine.items():
        submit(tmp_path, student, name, notebook)
    autograde_all(api, name)
    for student in set(FEEDBACK) & set(mine):  # what students receive, one of each kind
        result = api.generate_feedback(name, student)
        assert result["success"], result.get("error") or result.get("log")
    seconds = time.perf_counter() - start

    with Gradebook(db_url) as gb:
        scores = {s: gb.find_submission(name, s).score for s in mine}
        top = gb.find_assignment(name).max_score
    print(f"{name}: {scores} of {top} in {seconds:.1f} s")
    assert top > 0 and scores == {s: top if s == "solution" else 0 for s in mine}, scores
    check_outputs(tmp_path, name, mine)
    assert not [w for w in recwarn if "not in session" in str(w.message)]  # the config's filter
    assert seconds < ROUND_TRIP_SECONDS  # each half; all ten take about that on two cores


def test_nothing_in_the_package_imports_the_exercises():
    graders = pathlib.Path(ex.__file__).parent  # the exercises/ package itself
    for path in graders.parent.rglob("*.py"):
        if graders not in path.parents:
            assert "exercises" not in path.read_text(), f"{path.name} mentions the exercises"


def test_nbgrader_working_folders_are_ignored_by_git():
    ignored = (COURSE.parents[1] / ".gitignore").read_text().splitlines()
    for name in ("release/", "submitted/", "autograded/", "feedback/", "gradebook.db",
                 "grades.csv", "exchange/", "downloaded/"):
        assert f"notebooks/exercises/{name}" in ignored, name
