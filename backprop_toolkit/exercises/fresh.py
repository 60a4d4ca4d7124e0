"""What every graded test cell runs first, to get checks the notebook cannot have touched::

    import runpy
    grade = runpy.run_module("backprop_toolkit.exercises.fresh")["grade"]
    grade.check_two_layer(backward, sizes=(3, 4, 2), seed=0)

``runpy`` executes this file afresh, in a new namespace: not a module object
from ``sys.modules``, which the notebook may have edited. This file then loads
the graders afresh from their files, under a new random package name that
nothing in the notebook can know in advance, with a fresh copy of
``checking`` too (so no edited default argument of it counts), and takes them
out of ``sys.modules`` again. ``grade`` holds every check wrapped by
:func:`.sealed.graded`: before and after each check, the kernel is inspected
(:mod:`.integrity`) and a failure is raised from a frame with no reference code.

The trusted base is the test cell's text (nbgrader restores it from its
database), Python's import system (``runpy``, ``importlib``, ``sys.modules``
entries it reads) and the files on disk; the instructor's guide lists what a
student's code can still do against it.
"""

import importlib.util
import os
import sys
import types

EXERCISES = os.path.dirname(os.path.abspath(__file__))
TOOLKIT = os.path.dirname(EXERCISES)


def load(name, path, package_dirs=None):
    """A new module ``name`` executed from ``path`` (a package if ``package_dirs``, which
    its own imports find in ``sys.modules`` while it loads)."""
    spec = importlib.util.spec_from_file_location(name, path,
                                                  submodule_search_locations=package_dirs)
    module = importlib.util.module_from_spec(spec)
    if package_dirs:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def fresh_graders():
    """``(package, modules)``: the graders loaded afresh, and every module of theirs."""
    toolkit = os.path.basename(TOOLKIT)
    name = f"{toolkit}._graded_{os.urandom(8).hex()}"
    try:
        package = load(name, os.path.join(EXERCISES, "__init__.py"), [EXERCISES])
    finally:
        mine = [key for key in sys.modules if key == name or key.startswith(name + ".")]
        modules = [sys.modules.pop(key) for key in mine]
    checking = load(f"{toolkit}.checking", os.path.join(TOOLKIT, "checking.py"))
    for module in modules:  # the graders' `checking` is a fresh copy too, not the live one
        if "checking" in vars(module):
            module.checking = checking
    return package, modules + [checking]


def make_grade():
    """The namespace of graded checks (``grade.check_two_layer``) a test cell uses."""
    package, modules = fresh_graders()
    integrity, sealed = package.integrity, package.sealed
    genuine = vars(integrity)["__builtins__"]
    genuine = genuine if type(genuine) is dict else vars(genuine)

    codes = {}  # the disk's code objects, read once for this cell's checks

    def inspect(cell_builtins):
        return integrity.tampering(cell_builtins, genuine, TOOLKIT, codes)

    guard = sealed.Guard(inspect, [vars(module) for module in modules])
    checks = {name: sealed.graded(getattr(package, name), guard)
              for name in package.__all__ if name.startswith("check_")}
    return types.SimpleNamespace(**checks)


grade = make_grade()
