"""What generated code calls for each step: a few steps specialized, and what is fresh.

The schedule's steps call their primitive's numpy forward. A few forwards are
Python functions that work out the same thing on every call from the shapes,
which a compiled graph knows once and for all; :func:`special` gives the
generated line a direct numpy call instead:

- ``sum_to(x, shape)`` is ``np.add.reduce(x, axes)`` with the axes worked out
  from the traced shapes (when the reduction gives ``shape`` itself, no reshape);
- ``sum(x, axis, keepdims)`` is ``np.add.reduce`` without ``np.sum``'s Python wrapper;
- ``transpose(x, axes)`` of an array is ``ndarray.transpose`` itself, and ``x.T`` for
  a matrix.

This only where every argument is certainly a plain numpy value (an ndarray or
a numpy scalar: no list, subclass or ``__array_ufunc__`` of a user's in the way),
which :func:`calls` follows from inputs known to be plain arrays through the
schedule. It also tells which slots are *fresh*: an array a step has just
made, that nothing else holds (what a ufunc or a reduction returns, and the
forwards of :data:`FRESH`). A fresh output can be handed to the caller without a copy.

:func:`direct_operands` lets an elementwise step read a ``broadcast_to``'s source
instead of its copy (``mul(broadcast_to(s), y)`` as ``mul(s, y)``: numpy broadcasts
``s`` itself, the same numbers), so the copy is not made: the graph, which users
see, keeps both nodes.

:func:`pruned` keeps the steps some outputs need, and frees again after each last use.
"""

from operator import is_not

import numpy as np

from .. import primitives as P
from ..dispatch import FAILURES
from ..passes import refuse_by_hand
from ..shapes import sum_to_axes
from . import codegen

REDUCE = np.add.reduce
TRANSPOSE = np.ndarray.transpose


def fed(program, values, first=0):
    """``(outputs, fresh)``: ``program``'s outputs from position ``first`` on, for
    ``values`` that are plain arrays of its inputs' very shapes and dtypes (the symbolic
    adapter's cache key holds them). ``fresh[i]``: output ``i`` is certainly a new array
    (not a scalar) that nothing else holds, which the caller may keep without a copy.

    No feed checks; only the steps those outputs need run, as generated code with the
    specialized calls of :func:`calls`. A failing step is worded by the program's own
    run, which meets the same failure; so is a schedule too long to generate.
    """
    refuse_by_hand("a symbolic graph (sym.evaluate, sym.compile)")
    key = ("fed", first)
    if key not in program._runners:
        program._runners[key] = fed_runner(program, first)
    run, fresh = program._runners[key]
    if run is not None:
        try:
            return run(*values), fresh
        except FAILURES:
            pass
    outputs = program(*values)[first:]
    return outputs, (False,) * len(outputs)


def fed_runner(program, first):
    """``(run, fresh)`` for :func:`fed`: ``run(*input values)``, or ``None`` when the
    schedule is too long to generate or an input stands twice among the inputs."""
    wanted, inputs = program.output_slots[first:], program.input_slots
    steps = pruned(program.steps, set(wanted), program._consts)
    if len(steps) > codegen.MAX_STEPS or len(set(inputs)) != len(inputs):
        return None, ()
    made, fresh, plain = calls(steps, program.initial, inputs, program.shapes)
    direct = direct_operands(steps, plain, program.shapes)
    if direct is not steps:  # a broadcast copy no longer read is dropped
        steps = pruned(direct, set(wanted), program._consts)
        made, fresh, plain = calls(steps, program.initial, inputs, program.shapes)
    run, run.source = codegen.generate(steps, wanted, made, inputs, program.initial)
    arrays = {step.out for step in steps if program.shapes[step.out] != ()}  # not scalars
    return run, tuple(s in fresh and s in arrays and s not in program._shared for s in wanted)


def calls(steps, initial, plain_inputs, shapes):
    """``(calls, fresh, plain)``: per step, ``(function, extra)`` for the generated line
    ``function(*args, *extra)`` (``extra`` ``None``: ``step.impl(*args, **params)``); the
    slots certainly holding a new array of their step's own; the slots certainly holding
    a plain numpy value.

    ``plain_inputs`` are slots fed with plain arrays (the caller checked their types);
    ``shapes`` the traced shape of each slot;
    constants are plain when their values are. A step is specialized, and its result known
    plain, only when all its arguments are certainly plain numpy values."""
    plain = {s for s, v in enumerate(initial) if is_plain(v)}
    plain.update(plain_inputs)
    fresh, made = set(), []
    for step in steps:
        if not all(a in plain for a in step.args):
            made.append((step.impl, None))
            continue
        function, extra = special(step, shapes[step.args[0]])
        made.append((function, extra))
        if function is TRANSPOSE or function is codegen.T:  # a view: plain, not fresh
            plain.add(step.out)
        elif (function is REDUCE or (type(function) is np.ufunc and not step.params)
              or function is step.impl and step.node.prim in FRESH):
            plain.add(step.out)
            fresh.add(step.out)
    return made, fresh, plain


FRESH = frozenset([P.relu_p, P.where_p, P.broadcast_to_p, P.log_softmax_p, P.softmax_p])
"""Entries whose numpy forward, given plain numpy values, returns a new ndarray (or numpy
scalar) that nothing else holds, as a ufunc does (tests/test_quick_grad.py checks each)."""


def direct_operands(steps, plain, shapes):
    """``steps`` where an elementwise step (a binary ufunc: ``mul``, ``add``, ...) reads a
    ``broadcast_to`` copy of a plain array ``s`` of one axis or more, and its other operand
    has the output's shape: it reads ``s`` instead, which numpy broadcasts to the same
    numbers and dtype (``s`` is an array, never a weak number or, for numpy 1, a 0-d one).
    One operand only (``b * b`` becomes ``s * b``). ``steps`` itself if no step changes."""
    source, changed = {}, []
    for step in steps:
        if step.node.prim is P.broadcast_to_p:
            s = step.args[0]
            if s in plain and 0 < len(shapes[s]) <= len(shapes[step.out]):
                source[step.out] = s
        elif source and _elementwise(step) and all(a in plain for a in step.args):
            (a, b), out = step.args, shapes[step.out]
            if a in source and shapes[b] == out:
                step = step._replace(args=(source[a], b))
            elif b in source and shapes[a] == out:
                step = step._replace(args=(a, source[b]))
        changed.append(step)
    return changed if any(map(is_not, changed, steps)) else steps


def _elementwise(step):
    """A step of a binary ufunc without a core signature (not ``matmul``) or params."""
    impl = step.impl
    return (type(impl) is np.ufunc and impl.nin == 2 and impl.signature is None
            and not step.params)


def special(step, shape):
    """``(function, extra)`` for a step whose arguments are plain numpy values (the first
    of ``shape``): a direct numpy call for the steps in the module's docstring, else
    ``(step.impl, None)``."""
    prim = step.node.prim
    if prim is P.sum_to_p:
        target = tuple(step.params["shape"])
        axes = sum_to_axes(shape, target)
        kept = tuple(n for k, n in enumerate(shape) if k not in axes)
        if axes and kept == target:
            return REDUCE, (axes,)
    elif prim is P.sum_p and len(shape) > 0:
        return REDUCE, (step.params["axis"], None, None, step.params["keepdims"])
    elif prim is P.transpose_p and len(shape) > 0:
        if tuple(step.params["axes"]) == (1, 0):
            return codegen.T, ()
        return TRANSPOSE, (step.params["axes"],)
    return step.impl, None


def pruned(steps, wanted, keep=()):
    """The steps that ``wanted`` slots need (in order), each freeing the slots it uses
    for the last time; slots in ``wanted`` and ``keep`` (constants) are never freed."""
    needed, kept = set(wanted), []
    for step in reversed(steps):
        if step.out in needed:
            needed.update(step.args)
            kept.append(step)
    kept.reverse()
    last = {}
    for k, step in enumerate(kept):
        for a in step.args:
            last[a] = k
    frees = [[] for _ in kept]
    for s, k in last.items():
        if s not in wanted and s not in keep:
            frees[k].append(s)
    return [step._replace(frees=tuple(sorted(f))) for step, f in zip(kept, frees)]


def is_plain(value):
    """An ndarray, a numpy scalar or a Python number: what numpy computes with as it is."""
    kind = type(value)
    return kind in (np.ndarray, float, int) or (isinstance(value, np.generic)
                                                and kind.__module__ == "numpy")
