"""Has anything the checks rely on been changed since Python loaded it from its files?

A graded cell runs in the kernel the student's code ran in, so before and after
a check it compares what the check will use with what the files on disk say:

* Python's builtins (``len``, ``isinstance``, ``__import__``, ``float``,
  ``AssertionError``) and ``sys``'s frame, recursion and trace functions: each
  must be the interpreter's own C object (a function written in Python, or a
  genuine builtin under another name, is a replacement);
* every function of the toolkit's modules, classes and primitives, and of
  numpy's namespace: its code must equal the code compiled from the file it
  names, and it must run in its module's own globals (a lambda from a
  notebook, or a function whose ``__code__`` was swapped, is a replacement);
* no trace or profile function, and no other thread running a notebook's code.

Nothing is cached between cells, so there is no copy of "the genuine state" in
memory to edit. The builtins are checked first, without calling any of them
(``[*d]``, not ``list(d)``): a replaced ``list`` could hide itself otherwise.
What this does not cover is in the instructor's guide (the threat model).
"""

import _thread
import importlib.machinery
import importlib.util
import os
import runpy
import sys

from .genuine import (BUILTIN, FUNCTION, TYPE, Inspection, check_numpy, check_toolkit,
                      class_functions)

BUILTIN_FUNCTIONS = (
    "__build_class__ __import__ abs all any ascii bin callable chr compile delattr dir divmod "
    "eval exec format getattr globals hasattr hash hex id isinstance issubclass iter len "
    "locals max min next oct open ord pow print repr round setattr sorted sum vars").split()
SYS_FUNCTIONS = ("_current_frames _getframe exc_info getprofile getrecursionlimit gettrace "
                 "setprofile setrecursionlimit settrace").split()


def tampering(cell_builtins, genuine_builtins, toolkit_dir, codes=None):
    """What was changed, in words (an empty list: nothing found).

    Args:
        cell_builtins: the builtins the graded cell runs with (its frame's).
        genuine_builtins: Python's builtins dict (a fresh module's ``__builtins__``).
        toolkit_dir: the toolkit's directory; its loaded modules are all checked, with
            the rules of every ``dispatch.Primitive`` they hold (but the drawing
            package ``viz``, which no check calls).
        codes: the disk's code objects by file, read before by this same cell's checks.
    """
    look = Inspection(toolkit_dir, {} if codes is None else codes)
    check_builtins(look, cell_builtins, genuine_builtins)
    if not look.changes:
        check_sys(look)
    if not look.changes:  # from here on the builtins and sys may be called
        modules = [m for name, m in [*sys.modules.items()]
                   if (name == look.package or name.startswith(look.package + "."))
                   and not name.startswith(look.package + ".viz")]
        check_threads(look)
        check_imports(look)
        check_numpy(look, look.names_used(modules))
        dispatch = sys.modules.get(f"{look.package}.dispatch")
        check_toolkit(look, modules, vars(dispatch).get("Primitive"))
    return look.changes


# -- builtins, sys, threads, imports --------------------------------------------------------

def check_builtins(look, builtins, genuine):
    """The builtins a cell runs with are Python's own dict, holding Python's own objects."""
    if builtins is not genuine:
        look.note("the notebook's __builtins__ was replaced")
    for name in BUILTIN_FUNCTIONS:
        f = genuine.get(name)
        if not (TYPE(f) is BUILTIN and f.__name__ == name
                and f.__self__.__name__ in ("builtins", "io", "_io")):
            look.note(f"the builtin {name} was replaced")
    for name, value in [*genuine.items()]:
        real = look.types.get(("builtins", name))
        if real is not None and value is not real:
            look.note(f"the builtin {name} was replaced")


def check_sys(look):
    """``sys``'s frame, recursion and trace functions are its own, and nothing traces."""
    for name in SYS_FUNCTIONS:
        f = vars(sys).get(name)
        if not (TYPE(f) is BUILTIN and f.__name__ == name and f.__self__.__name__ == "sys"):
            look.note(f"sys.{name} was replaced")
    if not look.changes and (sys.gettrace() is not None or sys.getprofile() is not None):
        look.note("a trace or profile function is set (sys.settrace, sys.setprofile)")


def check_threads(look):
    """No other thread is running code from outside the libraries (a notebook's code)."""
    me = _thread.get_ident()
    installed = tuple(os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix))
    for thread, frame in sys._current_frames().items():
        while thread != me and frame is not None:
            if not frame.f_code.co_filename.startswith(installed + look.library_dirs
                                                       + ("<frozen",)):
                return look.note("a thread started by the notebook is running during the check")
            frame = frame.f_back


def check_imports(look):
    """The import functions the graded cell and :mod:`.fresh` went through are Python's own
    (a replacement that returned fake checks is beyond this: see the guide)."""
    for module in (runpy, importlib.util, importlib.machinery):
        for name, value in [*vars(module).items()]:
            if TYPE(value) is FUNCTION:
                look.function(value, f"{module.__name__}.{name}")
            elif TYPE in TYPE(value).__mro__ and value.__module__.startswith("importlib"):
                class_functions(look, value, f"{module.__name__}.{name}")


