"""Errors a user can act on.

Every error the toolkit raises on purpose is a :class:`BackpropError`. Its
message names the primitive, the shapes involved and the line of *user* code
that made the failing value, so a student sees ``model.py:12`` rather than a
frame deep inside numpy.
"""

import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class BackpropError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ShapeError(BackpropError, ValueError):
    """Operands whose shapes do not fit the primitive (or a rule's result)."""


class NumericError(BackpropError, FloatingPointError):
    """numpy's floating-point error (``divide by zero encountered in log``), raised where
    ``np.errstate(...="raise")`` asks for it, with the op, the shapes and the line that
    met it; still a ``FloatingPointError`` for code that catches numpy's."""


class DTypeError(BackpropError, TypeError):
    """A value whose dtype cannot be differentiated (complex, bool, object)."""


class EngineMixError(BackpropError, TypeError):
    """Tape tensors and symbolic nodes met in one primitive call."""


class ControlFlowError(BackpropError, TypeError):
    """Python control flow on a symbolic node, which has no value to branch on."""


class ConversionError(BackpropError, TypeError):
    """A value under differentiation turned into a plain number or a numpy array,
    which would silently drop its derivative."""


def conversion_error(what, engine):
    """The :class:`ConversionError` for ``what`` (``"float()"``) of a ``engine`` value."""
    return ConversionError(
        f"{what} of a {engine} value that is being differentiated: a plain number has no "
        "derivative, so the result would be silently wrong. Use the toolkit's ops on it "
        "(bt.sin(x), not math.sin(x) or np.fft.fft(x) without an entry); to read the number on "
        f"purpose, use x.value (tape) or bt.stop_gradient(x).{ARRAY_HINT * ('array' in what)}\n"
        f"  at {format_where(user_frame())}")


ARRAY_HINT = (" To build an array from engine values, write np.stack([x[0], 2 * x[1]]) (or "
              "bt.stack, np.concatenate): np.array([...]) and np.asarray([...]) of them make "
              "plain numbers, without a derivative.")


class AutodiffDisabledError(BackpropError):
    """A transform called inside ``handwork.by_hand``, where derivatives are worked out by hand."""


class RuleError(BackpropError):
    """A derivative rule returned something of the wrong count or shape."""


def user_frame(skip=1):
    """``(filename, lineno)`` of the innermost frame outside this package.

    Walks ``sys._getframe`` links (no ``inspect.stack``: that reads source
    files and is a hundred times slower), so it is cheap enough to run for
    every recorded tensor and every symbolic node. Whether a frame is the
    package's own is remembered per file name: a string caches its hash,
    where a code object hashes its bytecode and constants on every lookup
    (measured: 350 ns a frame, three frames an op). The pair is interned:
    the 100,000 tensors a loop records on one line share one tuple, which
    the cycle collector then has 100,000 fewer objects to walk.

    ``skip``: how many frames up to start, the caller's being 1. A caller that
    knows the frames above it are the package's own (``Tensor.apply`` is
    always called by ``Primitive.__call__``) skips them: ``sys._getframe(n)``
    makes a frame object for frame ``n`` only, where each ``f_back`` step
    makes one for every frame it passes. When the frame it starts at is the
    user's, at the very instruction of the last call (a loop calling ops on
    one line), the last answer is the answer: a line is a function of the
    code object and the offset in it, whichever thread or frame runs it.
    """
    try:
        frame = _getframe(skip)
    except ValueError:  # fewer frames than ``skip`` (an op called from C in a bare thread)
        return None
    code, lasti = frame.f_code, frame.f_lasti
    last = _LAST[0]
    if code is last[0] and lasti == last[1]:  # the instruction of the last call: a loop's line
        return last[2]
    start = frame
    while frame is not None:
        filename = frame.f_code.co_filename
        inside = _INSIDE.get(filename)
        if inside is None:
            inside = _INSIDE[filename] = filename.startswith(_PACKAGE_DIR)
        if not inside:
            where = filename, frame.f_lineno
            where = _WHERE.setdefault(where, where)
            if frame is start:  # a code object and an offset in it always have the same line
                _LAST[0] = code, lasti, where
            return where
        frame = frame.f_back
    return None


_getframe = sys._getframe  # bound once: it runs for every recorded op
_INSIDE = {}  # file name -> is it this package's code? (saves a string test per frame)
_WHERE = {}   # (filename, line) -> the same pair, shared by everything made on that line
_LAST = [(None, -1, None)]  # (code, offset, where) of the last user frame found where it started


def format_where(where):
    """``'file.py:12: y = x @ w'`` for a frame from :func:`user_frame`."""
    if where is None:
        return "<unknown line>"
    filename, lineno = where
    import linecache

    code = linecache.getline(filename, lineno).strip()
    text = f"{filename}:{lineno}"
    return f"{text}: {code}" if code else text


def describe_shapes(values):
    """``'(3,), (2, 2)'``: the shapes of a list of operands, for messages."""
    parts = []
    for value in values:
        shape = getattr(value, "shape", None)
        parts.append(str(tuple(shape)) if shape is not None else type(value).__name__)
    return ", ".join(parts)


def fun_name(fun):
    """A function's name for messages (``loss``; a callable object's class name)."""
    return getattr(fun, "__name__", type(fun).__name__)
