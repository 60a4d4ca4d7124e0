"""Every Python example in the README runs (the README stays true)."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 3
    namespace = {}
    for block in blocks:       # the blocks build on each other, as a reader runs them
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["d7"](1.0) == pytest.approx(12.288367894, rel=1e-9)


def test_readme_numpy_example_is_the_same_on_both_engines():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    import backprop_toolkit as bt
    import numpy as np
    args = namespace["W"], namespace["inputs"], namespace["targets"]
    tape, symbolic = (bt.grad(namespace["mse"], engine=e)(*args) for e in bt.ENGINES)
    np.testing.assert_allclose(tape, symbolic, rtol=1e-12)
    np.testing.assert_allclose(tape, bt.numerical_grad(namespace["mse"], *args), rtol=1e-6)
