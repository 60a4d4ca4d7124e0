"""A schedule as one Python function: the compiled program's fast path for small graphs.

The interpreter of :class:`~backprop_toolkit.symbolic.evaluate.Program` pays, per
step, for a ``map`` over the argument slots, a list store and a loop over the
slots to free: for a graph of small arrays that is as much as numpy's own
work. :func:`generate` writes the same schedule out as straight-line code::

    def run(slots):
        v0 = slots[0]
        v1 = slots[1]
        v2 = f0(v0, v1)
        v3 = f1(v2, **p1)
        v2 = None
        return (v3,)

**No user string ever enters the source.** Its only words are fixed ones and
names built from numbers: ``v<slot>`` for a slot, ``c<slot>`` for a constant,
``f<k>``, ``p<k>`` and ``k<k>`` for the ``k``-th step's function, parameters and
extra positional arguments, which are passed in the namespace dict, never
spelled out. A node's name, a primitive's name or a parameter's
key (``**p1`` passes the dict as it is) cannot reach the code; the tests feed
hostile names to check. Large schedules (deep chains) keep the interpreter:
compiling a function of a million lines would cost more than it saves.
"""

MAX_STEPS = 2000
"""Schedules longer than this are interpreted, not generated."""

T = object()
"""A step's function in ``calls`` that is written ``v2 = v1.T``: the transpose of a matrix."""


def generate(steps, output_slots, calls=None, fed=None, initial=None):
    """``(run, source)``: ``run(slots)`` computes ``steps`` and returns the values of
    ``output_slots`` (a tuple); ``slots`` holds every value the steps read but do not
    compute (inputs, constants, results of earlier steps).

    ``calls`` (:func:`.fusion.calls`) gives per step the function to call and extra
    positional arguments (``v5 = f3(v2, *k3)``) in place of ``impl(*args, **params)``;
    the function :data:`T` is written ``v5 = v2.T``.
    With ``fed`` (the input slots, distinct) the function is ``run(v0, v1, ...)``: the
    inputs are its parameters, and every other slot it reads is a constant of
    ``initial``, passed in the namespace as ``c<slot>``.
    """
    namespace, lines, known = {}, [], set(fed or ())

    def load(s):
        if s not in known:
            known.add(s)
            if fed is None:
                lines.append(f"    v{int(s)} = slots[{int(s)}]")
            else:
                namespace[f"c{int(s)}"] = initial[s]
                lines.append(f"    v{int(s)} = c{int(s)}")

    for k, step in enumerate(steps):
        for a in step.args:
            load(a)
        function, extra = (step.impl, None) if calls is None else calls[k]
        args = [f"v{int(a)}" for a in step.args]
        if function is T:
            lines.append(f"    v{int(step.out)} = {args[0]}.T")
            known.add(step.out)
            lines.extend(f"    v{int(f)} = None" for f in step.frees)
            continue
        namespace[f"f{k}"] = function
        if extra is not None:
            namespace[f"k{k}"] = tuple(extra)
            args.append(f"*k{k}")
        elif step.params:
            namespace[f"p{k}"] = step.params
            args.append(f"**p{k}")
        lines.append(f"    v{int(step.out)} = f{k}({', '.join(args)})")
        known.add(step.out)
        lines.extend(f"    v{int(f)} = None" for f in step.frees)
    for s in output_slots:
        load(s)
    outputs = "".join(f"v{int(s)}, " for s in output_slots)
    head = "slots" if fed is None else ", ".join(f"v{int(s)}" for s in fed)
    source = f"def run({head}):\n" + "\n".join(lines + [f"    return ({outputs})"]) + "\n"
    exec(compile(source, "<compiled graph>", "exec"), namespace)  # noqa: S102 (numbers only)
    return namespace["run"], source
