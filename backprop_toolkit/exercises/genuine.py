"""What genuine code is: the code compiled from a file, and the namespaces that hold it.

:class:`Inspection` reads the code objects a file compiles to (from its ``.pyc``,
or Python's frozen copy) and tells whether a function object runs one of them,
in its module's own globals. :func:`check_numpy` and :func:`check_toolkit` go
through numpy's namespace and the toolkit's modules with it (used by
:mod:`.integrity`). Every test is on the objects themselves (``type(f) is
function``, code equality), with the types found without any name a notebook
can rebind.
"""

import collections
import importlib.machinery
import os
import sys

import numpy

TYPE = ().__class__.__class__          # `type`, whatever that name means in the notebook
BUILTIN = [].append.__class__          # builtin_function_or_method
FUNCTION = (lambda: 0).__class__       # function
CODE = (lambda: 0).__code__.__class__  # code
HEAP = 1 << 9                          # Py_TPFLAGS_HEAPTYPE: a class made by Python code

NUMPY_HOMES = ("numpy._core.umath", "numpy._core.fromnumeric", "numpy._core.numeric",
               "numpy._core.multiarray", "numpy._core.numerictypes", "numpy.linalg._linalg",
               "numpy.core.umath", "numpy.core.fromnumeric", "numpy.core.numeric",
               "numpy.core.multiarray", "numpy.core.numerictypes", "numpy.linalg.linalg")
"""Where numpy (2, or 1 for the second half) defines the functions and types of its
namespace: ``np.exp = np.log`` leaves ``numpy._core.umath.exp`` as it was."""
NUMPY_CONSTANTS = {"pi": 3.141592653589793, "e": 2.718281828459045, "inf": 1e999,
                   "nan": 1e999 - 1e999, "newaxis": None, "euler_gamma": 0.5772156649015329}
"""numpy's constants, as literals."""


def static_types():
    """``{(module, name): class}`` of the classes written in C (no Python code can make
    another one), found from ``object`` down without calling any builtin."""
    found, stack = {}, [object]
    while stack:
        for sub in TYPE.__subclasses__(stack.pop()):
            key = (sub.__module__, sub.__name__)
            if not sub.__flags__ & HEAP and key not in found:
                found[key] = sub
                stack.append(sub)
    return found


class Inspection:
    """One look at the kernel: what was found changed, and the disk's code, read once."""

    def __init__(self, package_dir, codes):
        self.package = os.path.basename(package_dir)
        self.package_dir = package_dir
        self.types = static_types()
        # where genuine code lives: the toolkit, numpy and Python's own library
        dirs = (package_dir, os.path.dirname(numpy.__file__), os.path.dirname(os.__file__))
        self.library_dirs = tuple(os.path.join(d, "") for d in dirs)
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
                stack.extend(k for k in c.co_consts if TYPE(k) is CODE)
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
        return all(self.function(c, what, seen) for c in cells if TYPE(c) is FUNCTION)


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:  # a cell not yet assigned
        return False
    return True


# -- numpy and the toolkit -------------------------------------------------------------------

def check_numpy(look, used):
    """numpy's namespace holds numpy's own functions, each under its own name (or a second
    name numpy gives it), with the code of numpy's files. ``used``: the names the toolkit
    uses (their classes' methods are checked too)."""
    ufunc = look.types.get(("numpy", "ufunc"))
    dispatcher = look.types.get(("numpy", "_ArrayFunctionDispatcher"))
    kinds = (ufunc, dispatcher, BUILTIN, FUNCTION)
    for module, prefix in ((numpy, "np."), (numpy.linalg, "np.linalg.")):
        for name, value in [*vars(module).items()]:
            what, kind = prefix + name, TYPE(value)
            if name.startswith("_") or kind is look.types[("builtins", "module")]:
                continue
            if TYPE in kind.__mro__:
                _numpy_class(look, what, value, name in used)
            elif kind not in kinds:
                _numpy_object(look, what, value, name in used)
            elif TYPE(code := getattr(value, "_implementation", value)) is FUNCTION \
                    and not look.function(code, what):
                continue
            elif kind is ufunc and not value.__name__.isidentifier():
                look.note(f"{what} was replaced by a ufunc made with np.frompyfunc")
            elif not _named(module, name, value):
                look.note(f"{what} was replaced by numpy's {value.__name__}")


def _named(module, name, value):
    """``value`` is under its own name, or under a second name numpy gives it (``np.abs``
    is ``np.absolute``): then it is the object of its own name, and where numpy defines
    ``name``, ``name`` is that object too (``np.exp = np.log`` fails: umath's exp is not)."""
    own = getattr(value, "__name__", None)
    if own == name:
        return True
    homes = [vars(sys.modules[home]) for home in NUMPY_HOMES if home in sys.modules]
    return getattr(module, str(own), None) is value and all(
        home.get(name, value) is value for home in homes)


def _numpy_object(look, what, value, used):
    """A constant numpy defines (``np.pi``), or one of its objects (``np.r_``, ``np.test``)."""
    kind, name = TYPE(value), what.rsplit(".", 1)[1]
    if name in NUMPY_CONSTANTS:
        real = NUMPY_CONSTANTS[name]
        if kind is not TYPE(real) or not (value == real or real != real and value != value):
            look.note(f"{what} was changed to {value!r:.40}")
    elif str(kind.__module__).startswith("numpy"):
        _numpy_class(look, f"type({what})", kind, used)
    elif callable(value):
        look.note(f"{what} was replaced by a {kind.__name__} object")


def _numpy_class(look, what, cls, used):
    if not str(cls.__module__).startswith(("numpy", "builtins")):
        return look.note(f"{what} was replaced by a class from {cls.__module__}")
    if used and not _named(numpy, what.rsplit(".", 1)[1], cls):
        return look.note(f"{what} was replaced by numpy's {cls.__name__}")
    if used and cls.__flags__ & HEAP:
        class_functions(look, cls, what)


def check_toolkit(look, modules, primitive_class):
    """Every module the checks use is a module of the toolkit's files; every function of
    it (and of its classes and primitives) runs their code; a name it defines is its own."""
    module_type = look.types[("builtins", "module")]
    for module in modules:
        if TYPE(module) is not module_type or not str(module.__file__).startswith(
                look.library_dirs[0]):
            look.note(f"the module {module.__name__} was replaced")
            continue
        for name, value in [*vars(module).items()]:
            _toolkit_value(look, module, name, value, primitive_class)


def _toolkit_value(look, module, name, value, primitive_class):
    what, kind = f"{module.__name__}.{name}", TYPE(value)
    submodule = sys.modules.get(what)
    defined = name in look.disk_codes(module.__file__)  # a `def name` or `class name` there
    if submodule is not None and value is not submodule and kind is not FUNCTION:
        look.note(f"{what} was replaced")  # a function may share a module's name (evaluate)
    elif defined and getattr(value, "__qualname__", name) != name:
        look.note(f"{what} was replaced by {getattr(value, '__module__', '?')}."
                  f"{value.__qualname__}")
    elif kind is FUNCTION:
        look.function(value, what)
    elif kind is primitive_class:
        for rule in (value.impl, value.shape, value.identity) + value.vjp + value.jvp:
            if TYPE(rule) is FUNCTION:
                look.function(rule, f"a rule of {what}")
    elif TYPE in kind.__mro__ and str(value.__module__).startswith(look.package):
        class_functions(look, value, what)


def class_functions(look, cls, what):
    """Every function of class ``cls`` (methods, static and class methods, properties)."""
    for name, value in [*vars(cls).items()]:
        for f in (getattr(value, "__func__", value), getattr(value, "fget", None),
                  getattr(value, "fset", None)):
            if TYPE(f) is FUNCTION:
                look.function(f, f"{what}.{name}")
