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
import collections
import importlib.machinery
import importlib.util
import os
import runpy
import sys

import numpy

_TYPE = ().__class__.__class__          # `type`, whatever that name means in the notebook
_BUILTIN = [].append.__class__          # builtin_function_or_method
_FUNCTION = (lambda: 0).__class__       # function
_CODE = (lambda: 0).__code__.__class__  # code
_HEAP = 1 << 9                          # Py_TPFLAGS_HEAPTYPE: a class made by Python code

BUILTIN_FUNCTIONS = (
    "__build_class__ __import__ abs all any ascii bin callable chr compile delattr dir divmod "
    "eval exec format getattr globals hasattr hash hex id isinstance issubclass iter len "
    "locals max min next oct open ord pow print repr round setattr sorted sum vars").split()
SYS_FUNCTIONS = ("_current_frames _getframe exc_info getprofile getrecursionlimit gettrace "
                 "setprofile setrecursionlimit settrace").split()
NUMPY_ALIASES = {
    "abs": "absolute", "acos": "arccos", "acosh": "arccosh", "asin": "arcsin",
    "asinh": "arcsinh", "atan": "arctan", "atan2": "arctan2", "atanh": "arctanh",
    "bitwise_invert": "invert", "bitwise_left_shift": "left_shift", "bitwise_not": "invert",
    "bitwise_right_shift": "right_shift", "concat": "concatenate", "conj": "conjugate",
    "mod": "remainder", "permute_dims": "transpose", "pow": "power", "true_divide": "divide",
    "bool_": "bool", "short": "int16"}
"""numpy's own second names for a function or type (numpy 2): ``np.abs`` is ``np.absolute``."""
NUMPY_CONSTANTS = {"pi": 3.141592653589793, "e": 2.718281828459045, "inf": 1e999,
                   "nan": 1e999 - 1e999, "newaxis": None, "euler_gamma": 0.5772156649015329}


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


def static_types():
    """``{(module, name): class}`` of the classes written in C (no Python code can make
    another one), found from ``object`` down without calling any builtin."""
    found, stack = {}, [object]
    while stack:
        for sub in _TYPE.__subclasses__(stack.pop()):
            key = (sub.__module__, sub.__name__)
            if not sub.__flags__ & _HEAP and key not in found:
                found[key] = sub
                stack.append(sub)
    return found


class Inspection:
    """One look at the kernel: what was found changed, and the disk's code, read once."""

    def __init__(self, package_dir, codes):
        self.package = os.path.basename(package_dir)
        self.package_dir = package_dir
        self.types = static_types()
        dirs = (package_dir, os.path.dirname(numpy.__file__), os.path.dirname(os.__file__))
        self.library_dirs = tuple(os.path.join(d, "") for d in dirs)
        """Where genuine code lives: the toolkit, numpy and Python's own library."""
        self.codes = codes  # file -> {qualname: [code objects compiled from the file]}, and
        # ("names used by", *files) -> the names their code looks up
        self.changes = []

    def note(self, what):
        """Record a change; returns ``False`` (so ``return look.note(...)`` fails a check)."""
        self.changes.append(what)
        return False

    def disk_codes(self, path):
        """Every code object of the file at ``path``, by qualified name (from its ``.pyc``,
        or Python's frozen copy for ``<frozen runpy>``)."""
        if path not in self.codes:
            if path.startswith("<frozen "):  # a module frozen into Python itself (runpy, os)
                name = path[8:-1].replace("importlib._bootstrap", "_frozen_importlib")
                code = importlib.machinery.FrozenImporter.get_code(name)
            else:
                code = importlib.machinery.SourceFileLoader("disk", path).get_code("disk")
            table, stack = {}, [code]
            while stack:
                c = stack.pop()
                table.setdefault(c.co_qualname, []).append(c)
                stack.extend(k for k in c.co_consts if _TYPE(k) is _CODE)
            self.codes[path] = table
        return self.codes[path]

    def names_used(self, modules):
        """Every name the code of ``modules`` looks up (``np.tanh`` gives ``tanh``)."""
        key = ("names used by", *sorted(str(m.__file__) for m in modules))
        if key not in self.codes:  # the same for every inspection of one cell
            names = set()
            for module in modules:
                for codes in self.disk_codes(str(module.__file__)).values():
                    for code in codes:
                        names.update(code.co_names)
            self.codes[key] = names
        return self.codes[key]

    def function(self, f, what, seen=None):
        """``f`` runs the code of its file, in its module's globals (and so do the functions
        it closes over). ``False`` after noting what is wrong."""
        seen = set() if seen is None else seen
        if id(f) in seen:
            return True
        seen.add(id(f))
        code, path = f.__code__, f.__code__.co_filename
        if path == "<string>":  # a namedtuple's __new__: the same as a new namedtuple's
            twin = collections.namedtuple("twin", code.co_varnames[1:code.co_argcount])
            return code == twin.__new__.__code__ or self.note(f"{what} was replaced")
        try:
            if not path.startswith(self.library_dirs + ("<frozen ",)):
                raise FileNotFoundError(path)
            disk = self.disk_codes(path).get(code.co_qualname, ())
        except (OSError, ImportError):  # a notebook's cell, a file that does not exist
            return self.note(f"{what} was replaced by a function defined in {path}")
        if code not in disk:
            return self.note(f"{what} runs code that is not in {os.path.basename(path)}")
        module = sys.modules.get(f.__globals__.get("__name__"))
        if module is None or vars(module) is not f.__globals__:
            return self.note(f"{what} runs in globals that are not its module's")
        cells = [c.cell_contents for c in f.__closure__ or () if _filled(c)]
        return all(self.function(c, what, seen) for c in cells if _TYPE(c) is _FUNCTION)


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:  # a cell not yet assigned
        return False
    return True


# -- builtins, sys, threads ------------------------------------------------------------------

def check_builtins(look, builtins, genuine):
    """The builtins a cell runs with are Python's own dict, holding Python's own objects."""
    if builtins is not genuine:
        look.note("the notebook's __builtins__ was replaced")
    for name in BUILTIN_FUNCTIONS:
        f = genuine.get(name)
        if not (_TYPE(f) is _BUILTIN and f.__name__ == name
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
        if not (_TYPE(f) is _BUILTIN and f.__name__ == name and f.__self__.__name__ == "sys"):
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
            if _TYPE(value) is _FUNCTION:
                look.function(value, f"{module.__name__}.{name}")
            elif _TYPE in _TYPE(value).__mro__ and value.__module__.startswith("importlib"):
                _class(look, value, f"{module.__name__}.{name}")


# -- numpy and the toolkit -------------------------------------------------------------------

def check_numpy(look, used):
    """numpy's namespace holds numpy's own functions, each under its own name (or numpy's
    alias for it), with the code of numpy's files. ``used``: the names the toolkit uses."""
    ufunc = look.types.get(("numpy", "ufunc"))
    dispatcher = look.types.get(("numpy", "_ArrayFunctionDispatcher"))
    kinds = (ufunc, dispatcher, _BUILTIN, _FUNCTION)
    for module, prefix in ((numpy, "np."), (numpy.linalg, "np.linalg.")):
        for name, value in [*vars(module).items()]:
            what, kind = prefix + name, _TYPE(value)
            if name.startswith("_") or kind is look.types[("builtins", "module")]:
                continue
            if _TYPE in kind.__mro__:
                _numpy_class(look, what, value, name in used)
            elif kind not in kinds:
                _numpy_object(look, what, value, name in used)
            elif _TYPE(code := getattr(value, "_implementation", value)) is _FUNCTION \
                    and not look.function(code, what):
                continue
            elif kind is ufunc and not value.__name__.isidentifier():
                look.note(f"{what} was replaced by a ufunc made with np.frompyfunc")
            elif not _named(module, name, value, name in used):
                look.note(f"{what} was replaced by numpy's {value.__name__}")


def _named(module, name, value, used):
    """``value`` is under its own name, numpy's alias, or (if unused) another of its names."""
    own = getattr(value, "__name__", None)
    return (own == name or NUMPY_ALIASES.get(name) == own
            or not used and getattr(module, own, None) is value)


def _numpy_object(look, what, value, used):
    """A constant numpy defines (``np.pi``), or one of its objects (``np.r_``, ``np.test``)."""
    kind, name = _TYPE(value), what.rsplit(".", 1)[1]
    if name in NUMPY_CONSTANTS:
        real = NUMPY_CONSTANTS[name]
        if kind is not _TYPE(real) or not (value == real or real != real and value != value):
            look.note(f"{what} was changed to {value!r:.40}")
    elif str(kind.__module__).startswith("numpy"):
        _numpy_class(look, f"type({what})", kind, used)
    elif callable(value):
        look.note(f"{what} was replaced by a {kind.__name__} object")


def _numpy_class(look, what, cls, used):
    if not str(cls.__module__).startswith(("numpy", "builtins")):
        return look.note(f"{what} was replaced by a class from {cls.__module__}")
    if used and not _named(numpy, what.rsplit(".", 1)[1], cls, True):
        return look.note(f"{what} was replaced by numpy's {cls.__name__}")
    if used and cls.__flags__ & _HEAP:
        _class(look, cls, what)


def check_toolkit(look, modules, primitive_class):
    """Every module the checks use is a module of the toolkit's files; every function of
    it (and of its classes and primitives) runs their code; a name it defines is its own."""
    module_type = look.types[("builtins", "module")]
    for module in modules:
        if _TYPE(module) is not module_type or not str(module.__file__).startswith(
                look.library_dirs[0]):
            look.note(f"the module {module.__name__} was replaced")
            continue
        for name, value in [*vars(module).items()]:
            _toolkit_value(look, module, name, value, primitive_class)


def _toolkit_value(look, module, name, value, primitive_class):
    what, kind = f"{module.__name__}.{name}", _TYPE(value)
    submodule = sys.modules.get(what)
    if submodule is not None and value is not submodule and kind is not _FUNCTION:
        look.note(f"{what} was replaced")  # a function may share a module's name (evaluate)
    elif kind is _FUNCTION:
        defined = value.__module__ == module.__name__ and value.__name__ in vars(module)
        if look.function(value, what) and defined and value.__name__ != name:
            look.note(f"{what} was replaced by {module.__name__}.{value.__name__}")
    elif kind is primitive_class:
        for rule in (value.impl, value.shape, value.identity) + value.vjp + value.jvp:
            if _TYPE(rule) is _FUNCTION:
                look.function(rule, f"a rule of {what}")
    elif _TYPE in kind.__mro__ and str(value.__module__).startswith(look.package):
        _class(look, value, what)


def _class(look, cls, what):
    for name, value in [*vars(cls).items()]:
        for f in (getattr(value, "__func__", value), getattr(value, "fget", None),
                  getattr(value, "fset", None)):
            if _TYPE(f) is _FUNCTION:
                look.function(f, f"{what}.{name}")
