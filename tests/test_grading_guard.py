"""The grading's defences, in this process (the nbgrader round trip is tests/test_exercises.py).

A graded check (``runpy.run_module("backprop_toolkit.exercises.fresh")["grade"]``)
refuses to grade, naming what was changed, when builtins, ``sys``, numpy, the
toolkit or the checks themselves were tampered with, before or during the
check; it raises its failure from a frame with no reference code; a pass
prints the receipt nbgrader's side looks for; the student's results are frozen.
"""

import builtins
import runpy
import sys
import threading
import types

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_output

import backprop_toolkit as bt
from backprop_toolkit import api, checking, primitives, symbolic
from backprop_toolkit.exercises import autograde, sealed


def grade():
    return runpy.run_module("backprop_toolkit.exercises.fresh")["grade"]


def backward(W1, W2, x, t):
    z1 = np.tanh(W1 @ x)
    d2 = W2 @ z1 - t
    return np.outer((1 - z1 ** 2) * (W2.T @ d2), x), np.outer(d2, z1)


def refusal(check, *args):
    with pytest.raises(AssertionError) as info:
        check(*args)
    message = str(info.value)
    assert message.startswith("Grading refused: the kernel was tampered with"), message
    return message


def test_a_pass_prints_the_receipt_of_its_line(capsys):
    grade().check_two_layer(backward, sizes=(3, 4, 2), seed=0)
    line = "grade().check_two_layer(backward, sizes=(3, 4, 2), seed=0)"
    assert capsys.readouterr().out == f"passed: {line} [{sealed.receipt(line)}]\n"


def noop(*args, **kwargs):
    return None


TAMPERING = {
    "the builtin len was replaced": (builtins, "len", lambda x, len=len: len(x)),
    "the builtin float was replaced": (builtins, "float", type("float", (), {})),
    "the builtin any was replaced": (builtins, "any", builtins.all),
    "sys.setrecursionlimit was replaced": (sys, "setrecursionlimit", noop),
    "np.allclose was replaced by a function defined in": (np, "allclose", noop),
    "np.exp was replaced by numpy's log": (np, "exp", np.log),
    "np.sum was replaced by numpy's prod": (np, "sum", np.prod),
    "np.float64 was replaced by numpy's float32": (np, "float64", np.float32),
    "np.tanh was replaced by a ufunc made with np.frompyfunc": (
        np, "tanh", np.frompyfunc(np.tanh, 1, 1)),
    "np.pi was changed to 3": (np, "pi", 3),
    "backprop_toolkit.checking.check_primitive was replaced by test": (
        checking, "check_primitive", noop),
    "backprop_toolkit.checking._Case.close was replaced by a function defined in": (
        checking._Case, "close", lambda *a, **k: None),
    "backprop_toolkit.checking.check_primitive was replaced by backprop_toolkit.checking."
    "check_grad": (checking, "check_primitive", checking.check_grad),
    "backprop_toolkit.api was replaced": (bt, "api", types.SimpleNamespace(grad=noop)),
    "backprop_toolkit.symbolic.graph.Node.__mul__ was replaced": (
        symbolic.Node, "__mul__", lambda a, b: a),
    "a rule of backprop_toolkit.primitives.tanh_p was replaced": (
        primitives.tanh_p, "vjp", (lambda g, out, x: g,)),
}


@pytest.mark.parametrize("what", TAMPERING)
def test_tampering_is_refused_and_named(what, monkeypatch):
    check = grade().check_two_layer
    owner, name, value = TAMPERING[what]
    monkeypatch.setattr(owner, name, value)
    message = refusal(check, backward)
    assert f"  - {what}" in message and "before the check ran" in message


def test_a_swapped_code_object_is_refused(monkeypatch):
    """The same function object, running other code: found by comparing with the file."""
    monkeypatch.setattr(api.grad, "__code__", noop.__code__)
    assert "backprop_toolkit.api.grad was replaced by a function defined in" in refusal(
        grade().check_two_layer, backward)
    monkeypatch.undo()
    twin = api.vjp.__code__.replace(co_name="grad", co_qualname="grad")
    monkeypatch.setattr(api.grad, "__code__", twin)
    assert "backprop_toolkit.api.grad runs code that is not in api.py" in refusal(
        grade().check_two_layer, backward)


def test_a_replaced_notebook_builtins_is_refused():
    fake = dict(vars(builtins), isinstance=lambda *a: True)
    check = grade().check_two_layer
    with pytest.raises(AssertionError) as info:
        exec("check(backward)", {"__builtins__": fake, "check": check, "backward": backward})
    assert "the notebook's __builtins__ was replaced" in str(info.value)


def test_tracing_and_threads_running_notebook_code_are_refused():
    check = grade().check_two_layer
    sys.settrace(lambda *a: None)
    try:
        message = refusal(check, backward)
    finally:
        sys.settrace(None)
    assert "a trace or profile function is set" in message
    stop = threading.Event()

    def waiting():  # this test file's code: not a library's
        stop.wait()

    thread = threading.Thread(target=waiting)
    thread.start()
    try:
        message = refusal(check, lambda *a: stop.wait(0) or backward(*a))
    finally:
        stop.set()
        thread.join()
    assert "a thread started by the notebook is running during the check" in message


def test_tampering_during_the_check_is_refused(monkeypatch):
    def patches_numpy(*args):
        monkeypatch.setattr(np, "allclose", noop)
        return backward(*args)

    message = refusal(grade().check_two_layer, patches_numpy)
    assert "while the check ran" in message and "np.allclose was replaced" in message


def test_changing_the_checks_own_functions_is_refused():
    def rebinds_compare(*args):
        frame = sys._getframe(1)
        while frame is not None:
            if "compare" in frame.f_globals and "student_call" in frame.f_globals:
                frame.f_globals["compare"] = noop
            frame = frame.f_back
        return np.zeros((4, 3)), np.zeros((2, 4))

    message = refusal(grade().check_two_layer, rebinds_compare)
    assert "the checks' own functions were changed while they ran" in message


def test_a_failure_is_raised_with_no_frame_of_the_checks():
    with pytest.raises(AssertionError) as info:
        grade().check_two_layer(lambda *a: (np.zeros((4, 3)), np.zeros((2, 4))))
    frames = [tb.tb_frame.f_code.co_filename for tb in _walk(info.value.__traceback__)]
    assert frames[-1] == sealed.__file__ and frames[:-1] == [__file__]
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert str(info.value).startswith("dL/dW2[")


def _walk(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def test_results_are_frozen():
    values = [1.0, 2.0]
    frozen = sealed.frozen(values, "dW")
    with pytest.raises(ValueError):
        frozen[0] = 5.0
    with pytest.raises(ValueError):
        frozen.setflags(write=True)
    assert frozen.tolist() == values


def test_nbgrader_side_requires_every_receipt():
    line = "grade.check_two_layer(backward, sizes=(3, 4, 2), seed=0)"
    source = f"import runpy\ngrade = ...\n# a comment\n{line}"
    good = new_code_cell(source, outputs=[new_output(
        "stream", name="stdout", text=f"passed: {line} [{sealed.receipt(line)}]\n")])
    assert autograde.missing_receipts(good) == []
    forged = new_code_cell(source, outputs=[new_output(
        "stream", name="stdout", text=f"passed: {line} [receipt 0123]\n")])
    assert autograde.missing_receipts(forged) == [line]
    other_line = new_code_cell(source.replace("seed=0", "seed=1"), outputs=good.outputs)
    assert autograde.missing_receipts(other_line) == [line.replace("seed=0", "seed=1")]
    forged.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1}
    cell, _ = autograde.RequireReceipts().preprocess_cell(forged, {}, 0)
    assert cell.outputs[-1]["output_type"] == "error" and cell.outputs[-1]["ename"] == "NoReceipt"
