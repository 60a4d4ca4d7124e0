"""The lecture notebooks in notebooks/ run top to bottom on a fresh kernel.

Each notebook is executed with nbclient on a kernel that runs this Python (the
.venv's): its kernelspec is installed into a temporary directory, so whatever
other kernels the machine has are never used. A notebook fails its test on any
error, or when it takes 60 s or more (the limit of issue 5; they take a few
seconds each). The committed files must be clean sources: no outputs, no
execution counts, kernelspec ``python3``. notebooks/exercises/ is not covered
here (it has tests of its own).
"""

import pathlib
import sys
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
TIME_LIMIT_S = 60.0
KERNEL = "python3"


def test_there_are_lecture_notebooks():
    assert len(NOTEBOOKS) >= 7, [p.name for p in NOTEBOOKS]


def test_readme_lists_every_notebook_in_order():
    readme = (NOTEBOOK_DIR / "README.md").read_text()
    positions = [readme.find(p.name) for p in NOTEBOOKS]
    assert all(pos >= 0 for pos in positions), "notebooks/README.md misses a notebook"
    assert positions == sorted(positions), "notebooks/README.md lists them out of order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {k} has outputs (clear them)"
            assert cell.execution_count is None, f"{path.name}: cell {k} has an execution count"


@pytest.fixture(scope="session")
def kernel_spec_manager(tmp_path_factory):
    """A KernelSpecManager that knows one kernel: ``python3`` running ``sys.executable``."""
    from ipykernel.kernelspec import install
    from jupyter_client.kernelspec import KernelSpecManager

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL, prefix=str(prefix))
    kernels = prefix / "share" / "jupyter" / "kernels"
    spec = KernelSpecManager(kernel_dirs=[str(kernels)]).get_kernel_spec(KERNEL)
    assert spec.argv[0] == sys.executable, spec.argv
    return KernelSpecManager(kernel_dirs=[str(kernels)])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_a_fresh_kernel(path, kernel_spec_manager):
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_spec_manager)
    client = NotebookClient(nb, km=km, timeout=TIME_LIMIT_S, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.perf_counter()
    client.execute()      # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - start
    print(f"{path.name}: {elapsed:.1f} s")
    assert elapsed < TIME_LIMIT_S, f"{path.name} took {elapsed:.1f} s (limit {TIME_LIMIT_S:.0f} s)"
    if any("bt.step_through(" in cell.source for cell in nb.cells):
        check_stepper_state(nb, path)


def check_stepper_state(nb, path):
    """A ``bt.step_through`` cell left its widgets in the saved state: a slider over as
    many frames (each an SVG) as it counts, linked in the browser."""
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = {key: w["state"] for key, w in state.items()}
    sliders = [m for m in models.values() if m.get("_model_name") == "IntSliderModel"]
    stacks = [m for m in models.values() if m.get("_model_name") == "StackModel"]
    assert sliders and len(sliders) == len(stacks), f"{path.name}: no stepper widgets saved"
    for slider, stack in zip(sliders, stacks):
        pages = [models[ref.removeprefix("IPY_MODEL_")]["value"] for ref in stack["children"]]
        assert len(pages) == slider["max"] + 1 >= 3 and all("<svg" in p for p in pages)
    assert any(m.get("_model_name") == "LinkModel" for m in models.values())
