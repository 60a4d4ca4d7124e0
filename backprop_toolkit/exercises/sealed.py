"""How a check runs a student's function, and how a graded cell runs a check.

* :func:`student_call`: the student's function (and the reading of its
  result, which may run more of their code: ``__array__``, ``__float__``) with
  the toolkit's automatic differentiation off (``handwork.by_hand``), warnings
  muted, anything it raises turned into a sentence naming its line. A check
  calls it *before* computing its reference, so nothing the student's code can
  reach on the stack (``sys._getframe(1).f_locals``) holds an answer.
* :func:`frozen`: a result as read-only float64 numbers that no code can change
  afterwards (a student's ``__del__`` or thread that finds the check's frame).
* :func:`graded`: a check as a graded cell runs it. Before and after the check
  it asks :mod:`.integrity` whether the kernel was tampered with (then the test
  fails, saying what was changed); a failure is raised from here, a frame with
  no reference code, so the traceback the student gets back shows this module
  and their cell, never a line of the check. A pass prints a :func:`receipt`
  for the cell's line, which nbgrader looks for (:mod:`.autograde`).
"""

import hmac
import linecache
import os
import sys
import warnings

import numpy as np

from .. import passes

PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")
LIBRARIES = (PACKAGE_DIR, os.path.join(sys.prefix, ""), os.path.join(sys.base_prefix, ""))


def student_call(fun, args, what, convert=None, explain=None):
    """``convert(fun(*args))``, with every derivative the student's own.

    Args:
        what: how the message names the call (``"backward(W1, W2, x, t)"``).
        convert: reads the result (:func:`frozen`); its ``AssertionError`` passes through.
        explain: optional ``{exception class: sentence}`` for errors with a known cause.

    Raises:
        AssertionError: the call used automatic differentiation, or raised.
    """
    if not callable(fun):
        raise AssertionError(f"{what}: expected a function, got {type(fun).__name__} "
                             f"{fun!r:.60}")
    result = error = None
    with passes.by_hand(what) as refused, warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            result = fun(*args)
            result = result if convert is None else convert(result)
        except (Exception, SystemExit) as err:  # the student's code: report what it raised
            error = err
    if refused:
        raise AssertionError(
            f"{what} called {refused[0]}, which is switched off while it runs: the exercise "
            "is to work out the derivatives by hand (the toolkit's automatic and numerical "
            "differentiation, and the checks' own answers, are off)")
    if error is not None:
        raise AssertionError(_raised(what, error, explain or {}))
    return result


def _raised(what, error, explain):
    """``backward(...) raised KeyError: 'x'``, the student's line, and the known cause."""
    if isinstance(error, AssertionError) and _from_checks(error):
        return str(error)
    text = f"{what} raised {type(error).__name__}: {error}"
    tb, line = error.__traceback__, None
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(LIBRARIES):
            line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    if line is not None:
        text += f"\n  in your code, line {line[1]}: {linecache.getline(*line).strip()}"
    for kind, sentence in explain.items():
        if isinstance(error, kind):
            text += f"\n{sentence}"
    return text


def _from_checks(error):
    """Raised by the checks themselves (``frozen`` reading a result), not by the student."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename.startswith(PACKAGE_DIR)


def frozen(value, what):
    """``value`` as float64 numbers in read-only memory (bytes): no code can change them."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected numbers, got {type(value).__name__} "
                             f"{value!r:.60}") from None
    return np.frombuffer(array.tobytes(), dtype=np.float64).reshape(array.shape)


class Guard:
    """The inspection of the kernel around the checks of one graded cell.

    Args:
        inspect: ``inspect(cell_builtins)`` -> what was tampered with, in words.
        namespaces: the dicts of the checks' own modules, which must not change.
    """

    def __init__(self, inspect, namespaces):
        self.inspect, self.namespaces = inspect, namespaces

    def run(self, check, args, kwargs, cell_builtins):
        """The check's failure message, a refusal, or ``None`` when it passed."""
        before = self._tampering(cell_builtins)
        if before:
            return _refusal(before, "before the check ran")
        kept = [(space, [*space.items()]) for space in self.namespaces]
        try:
            check(*args, **kwargs)
            failure = None
        except AssertionError as err:
            failure = str(err)
        except Exception as err:  # a check's own error: say what, without its source
            failure = f"the check could not run: {type(err).__name__}: {err}"
        after = self._tampering(cell_builtins)
        if any(_changed(space, items) for space, items in kept):
            after.append("the checks' own functions were changed while they ran")
        return _refusal(after, "while the check ran") if after else failure

    def _tampering(self, cell_builtins):
        try:
            return self.inspect(cell_builtins)
        except Exception as err:  # the inspection itself was broken: as good as tampering
            return [f"the inspection of the kernel failed ({type(err).__name__}: {err})"]


def graded(check, guard):
    """``check`` as a graded cell calls it, around ``guard`` (see the module's docstring)."""

    def graded_check(*args, **kwargs):
        __tracebackhide__ = True  # noqa: F841 (IPython hides this frame; it holds no answer)
        cell = sys._getframe(1)
        failure = guard.run(check, args, kwargs, cell.f_builtins)
        if failure is not None:
            raise AssertionError(failure)
        line = linecache.getline(cell.f_code.co_filename, cell.f_lineno).strip()
        print(f"passed: {line} [{receipt(line)}]")

    graded_check.__name__, graded_check.__doc__ = check.__name__, check.__doc__
    return graded_check


RECEIPT_KEY = "BACKPROP_TOOLKIT_RECEIPT_KEY"
"""The environment variable holding the key of the receipts (set by nbgrader_config.py)."""


def receipt(line):
    """``receipt 3f0c...``: a keyed hash of the text of the cell line that called a check.

    nbgrader's side (:mod:`.autograde`) computes it from the test cell as the
    gradebook has it: a cell whose text was changed before it ran, or whose
    checks never ran (an error swallowed, a fake ``grade``), has no receipt.
    """
    key = os.environ.get(RECEIPT_KEY, "").encode()
    return "receipt " + hmac.new(key, line.strip().encode(), "sha256").hexdigest()[:24]


def _changed(space, items):
    return len(space) != len(items) or any(space.get(k, _changed) is not v for k, v in items)


def _refusal(changes, when):
    listed = "\n".join(f"  - {change}" for change in changes[:8])
    more = f"\n  - and {len(changes) - 8} more" if len(changes) > 8 else ""
    return (f"Grading refused: the kernel was tampered with {when}:\n{listed}{more}\n"
            "Changing Python's builtins, numpy, the toolkit or the checks is not allowed, so "
            "this test scores zero. Restart the kernel and run your notebook without that code.")
