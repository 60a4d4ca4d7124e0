"""The symbolic adapter's compile cache: programs kept per function and signature.

The symbolic engine traces a user function on placeholder vars, differentiates
the graph and compiles it. Tracing is slow, so the programs are kept per
function and reused by later calls with the same signature
(:mod:`.signature`: a var's shape and dtype, a baked value's exact bits).

Each function keeps at most :data:`MAX_SIGNATURES` programs (least recently
used out first), so a step counter passed as an ``int`` cannot grow memory
without bound; and after more than :data:`RETRACE_WARNING` traces in a row
with no reuse, one :class:`RetraceWarning` says which argument changes and what to do.
"""

import collections
import os
import struct
import sys
import threading
import warnings
import weakref

import numpy as np

from ..errors import fun_name
from .signature import input_dtype, value_key

MAX_SIGNATURES = 32
"""Compiled signatures kept per function (all kinds together), least recently used evicted."""

RETRACE_WARNING = 8
"""A function traced more often than this in a row, with no reuse, gets a RetraceWarning."""

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class RetraceWarning(UserWarning):
    """The symbolic engine traces a function again on every call (no compiled program reused)."""


# -- the cache ----------------------------------------------------------------

class CompileCache:
    """Compiled programs per function and signature: bounded, thread-safe, weakly keyed.

    Per function, an LRU table ``(kind, key) -> programs``, ``kind`` being
    ``"grad"``, ``"vjp"`` or ``"jvp"``. Functions are held weakly (a dropped
    lambda frees its programs), so the programs must not refer to ``fun``. A
    function that cannot be weakly referenced (a ufunc) is never cached.
    Retraces are counted per code object, so a lambda made afresh on every
    call is caught too. One lock guards everything; tracing happens outside
    it, so two threads may trace one signature at once: the first store wins.
    """

    def __init__(self, max_signatures=MAX_SIGNATURES, retrace_warning=RETRACE_WARNING):
        self.max_signatures, self.retrace_warning = max_signatures, retrace_warning
        self._lock = threading.Lock()
        self._programs = weakref.WeakKeyDictionary()  # fun -> OrderedDict, oldest first
        self._retraces = weakref.WeakKeyDictionary()  # fun.__code__ (or fun) -> _Retraces

    def lookup(self, fun, kind, key):
        """The programs stored for ``(kind, key)``, marked recently used; or ``None``."""
        if key is None:
            return None
        entry = (kind, key)
        with self._lock:
            table = _entry(self._programs, fun)
            programs = None if table is None else table.get(entry)
            if programs is not None:
                if len(table) > 1:  # one signature (the common case) is its own most recent
                    table.move_to_end(entry)
                if table.retraces is not None:  # a reuse: no more traces in a row
                    table.retraces.misses = 0
            return programs

    def store(self, fun, kind, key, programs, call=None):
        """Keep ``programs`` for ``(kind, key)`` after a trace; return the programs kept.

        A key of ``None`` stores nothing but counts the trace. If another
        thread stored the same signature meanwhile, its programs are kept and
        returned. ``call`` (optional) lets the warning name an argument that
        cannot be keyed.
        """
        with self._lock:
            kept = self._keep(fun, kind, key, programs)
            ours = getattr(_code(fun), "co_filename", "").startswith(_PACKAGE_DIR)
            retraces = None if ours else _entry(self._retraces, _code(fun), _Retraces)
            message = None  # the toolkit's own checkers make fresh functions on purpose
            if kept is programs and retraces is not None:
                message = retraces.count(fun, kind, key, call, self.retrace_warning)
            table = _entry(self._programs, fun)
            if table is not None:  # lookups reset the count without looking it up
                table.retraces = retraces
        if message:
            _warn(message)
        return kept

    def count(self, fun):
        """How many programs are stored for ``fun``."""
        with self._lock:
            table = _entry(self._programs, fun)
            return 0 if table is None else len(table)

    def clear(self):
        with self._lock:
            self._programs.clear()
            self._retraces.clear()

    def _keep(self, fun, kind, key, programs):
        table = _entry(self._programs, fun, _Table)
        if key is None or table is None:
            return programs
        kept = table.setdefault((kind, key), programs)
        table.move_to_end((kind, key))
        while len(table) > self.max_signatures:
            table.popitem(last=False)
        return kept


class _Table(collections.OrderedDict):
    """One function's programs, oldest first, and its code object's :class:`_Retraces`."""

    retraces = None


class _Retraces:
    """One code object's traces since the last reuse, its last key per kind, and if it warned."""

    def __init__(self):
        self.misses, self.previous, self.warned = 0, {}, False

    def count(self, fun, kind, key, call, limit):
        """Count a trace; the warning's message the first time there are more than ``limit``."""
        self.misses += 1
        last, self.previous[kind] = self.previous.get(kind), key
        if self.warned or self.misses <= limit:
            return None
        self.warned = True
        return retrace_message(fun, self.misses, key, last, call)


def _code(fun):
    return getattr(fun, "__code__", fun)


def _entry(table, fun, make=None):
    """``table[fun]``, made by ``make`` if absent; ``None`` if absent or ``fun`` cannot be keyed."""
    try:
        return table.get(fun) if make is None else table.setdefault(fun, make())
    except TypeError:  # not weakly referenceable, or unhashable
        return None


# -- the warning ----------------------------------------------------------------

def retrace_message(fun, traces, key, last, call):
    """Why ``fun`` is traced again on every call (``last``: the key before), and the fix."""
    head = (f"the symbolic engine re-traces {fun_name(fun)} on every call "
            f"({traces} traces in a row, none reused)")
    if key is None:
        part = uncacheable_part(call) if call is not None else "an argument or keyword"
        return (f"{head}: {part} cannot be keyed by value. "
                "Pass arrays and numbers instead; bind a fixed function once, outside the loop "
                '(g = bt.grad(lambda x: f(x, act=act))); or use engine="tape".')
    if key == last:
        return (f"{head}: it is a new function object each time (a lambda or def made inside "
                "the loop), traced afresh. Make it once, outside the loop, and pass what "
                "changes as arguments.")
    change, shape = changed_part(last, key)
    if shape:
        fix = ("Each new shape or dtype is traced and compiled once: keep to a few (pad the "
               'batches), or use engine="tape".')
    else:
        fix = ("Pass numbers that change as float positional arguments (float(step), a float "
               'numpy array): they become inputs of the graph instead of constants. Or use '
               'engine="tape".')
    return f"{head}: {change}. {fix}"


def changed_part(old, new):
    """``(which argument or keyword differs between two keys, in words; is it a var's shape)``."""
    if not isinstance(old, tuple) or old[:2] != new[:2] or len(old[2]) != len(new[2]):
        return "the structure of its arguments changes between calls", False
    for n, (a, b) in enumerate(zip(old[2], new[2])):
        if a != b:
            return f"argument {n} changes ({describe(a)}, then {describe(b)})", b[0] == "var"
    before = dict(old[3])
    for name, b in new[3]:
        a = before.get(name)
        if a != b:
            return f"keyword {name!r} changes ({describe(a)}, then {describe(b)})", False
    return "its keywords change between calls", False


def describe(key):
    """A short reading of a :func:`value_key` (or var) entry for a message."""
    if key is None:
        return "absent"
    tag, rest = key[0], key[1:]
    if tag == "var":
        return f"a {np.dtype(rest[1])} input of shape {rest[0]}"
    if tag == "float":
        return f"the float {struct.unpack('<d', rest[0])[0]!r}"
    if tag in ("int", "bool", "str"):
        return f"the {tag} {rest[0]!r}"[:60]
    if len(rest) == 3 and isinstance(rest[2], bytes):  # an array or numpy scalar
        what = f"{np.dtype(rest[0])} array" if tag == "ndarray" else tag
        try:
            shown = np.frombuffer(rest[2], np.dtype(rest[0])).reshape(rest[1])
        except ValueError:  # a zero-size dtype: no values to show
            return f"a {what}"
        return f"the {what} {np.array2string(shown, threshold=6)}"[:60]
    return f"a {tag}"


def uncacheable_part(call):
    """The first argument or keyword of ``call`` that :func:`value_key` cannot key."""
    for n, a in enumerate(call.args):
        if input_dtype(a, n in call.nums) is None and value_key(a) is None:
            return f"argument {n} ({_unkeyable(a)})"
    for name, v in call.kwargs.items():
        if value_key(v) is None:
            return f"keyword {name!r} ({_unkeyable(v)})"
    return "the argument structure"


def _unkeyable(a):
    if type(a) in (tuple, list, dict):
        return f"a {type(a).__name__} holding an object, or too deep or large"
    return f"a {type(a).__name__}, whose state may change"


def _warn(message):
    """Warn with the stack level of the first frame outside this package (the user's line)."""
    frame, level = sys._getframe(), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, RetraceWarning, stacklevel=level)
