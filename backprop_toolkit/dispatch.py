"""The mechanism every primitive call goes through: :class:`Primitive` and :func:`bind`.

A primitive is data: a numpy forward, a shape rule, one VJP rule and one JVP
rule per input. Calling it runs :func:`bind`, which looks at the arguments:

* only numbers (Python scalars, numpy arrays): run the numpy forward;
* a traced value among them (a tape ``Tensor``, a symbolic ``Node``): hand the
  call to that value's engine, which records it or builds a node;
* traced values of two engines: an :class:`~backprop_toolkit.errors.EngineMixError`.

The engines register themselves by subclassing :class:`Traced`; this module
imports neither of them, so the layering stays one-way.
"""

import itertools

import numpy as np

from .errors import EngineMixError, ShapeError, describe_shapes, format_where, user_frame


new_serial = itertools.count().__next__
"""The next serial number: every tensor and node takes one when it is made, so a value's
inputs always have smaller numbers than the value (``passes.oldest`` relies on it).
``count.__next__`` is atomic under the GIL: threads never share a number."""


class Traced:
    """Base of every engine value (tape ``Tensor``, symbolic ``Node``).

    A subclass implements ``apply(prim, args, params)`` as a classmethod: what
    its engine does with a primitive call that has one of its values among the
    arguments. ``engine`` names the engine in messages.
    """

    __slots__ = ()
    engine = "traced"

    @classmethod
    def apply(cls, prim, args, params):  # pragma: no cover - abstract
        raise NotImplementedError


class Primitive:
    """One entry of the primitive table.

    Args:
        name: the op's name in ``bt`` and its label in drawings.
        impl: numpy forward, ``impl(*arrays, **params) -> array``.
        shape: shape rule, ``shape(*input_shapes, **params) -> output shape``.
        vjp: one rule per input, ``rule(out_bar, out, *inputs, **params)``
            returning that input's cotangent (its shape); ``None`` marks an
            input that is not differentiated (a condition, an index).
        jvp: one rule per input, ``rule(t_in, out, *inputs, **params)``
            returning that input's contribution to the output tangent
            (the output's shape); ``None`` as for ``vjp``.
        boolean: the output is a truth value (comparisons): no derivative.
        doc: the derivative formula, shown by ``help`` and in the docs.
        identity: optional ``identity(x_shape, **params) -> bool``: the call
            returns its (single) input unchanged, so no node is made
            (``sum_to(x, x.shape)``, a reshape to the same shape).
    """


    def __init__(self, name, impl, shape, vjp, jvp, boolean=False, doc="", identity=None):
        self.name = name
        self.impl = impl
        self.shape = shape
        self.vjp = tuple(vjp)
        self.jvp = tuple(jvp)
        self.boolean = boolean
        self.identity = identity
        self.__doc__ = doc or f"The primitive {name!r}."
        if len(self.vjp) != len(self.jvp):
            raise ValueError(f"{name}: {len(self.vjp)} VJP rules but {len(self.jvp)} JVP rules")

    @property
    def differentiable(self):
        """Whether any input has a derivative rule (comparisons, ``sign``,
        ``stop_gradient`` have none: their outputs are constants)."""
        return not self.boolean and any(rule is not None for rule in self.vjp)

    @property
    def arity(self):
        """Number of array inputs."""
        return len(self.vjp)

    def __repr__(self):
        return f"<primitive {self.name}>"

    def run(self, values, params, where=None):
        """Run the numpy forward; numpy's complaints become a :class:`ShapeError`."""
        try:
            return self.impl(*values, **params)
        except (ValueError, TypeError, IndexError) as err:
            raise ShapeError(
                f"{self.name}: cannot apply to operands of shapes {describe_shapes(values)}"
                f"{_format_params(params)} ({err})\n  at {format_where(where or user_frame())}"
            ) from None


def _format_params(params):
    if not params:
        return ""
    return " with " + ", ".join(f"{k}={v!r}" for k, v in params.items())


def bind(prim, *args, **params):
    """Apply ``prim`` to ``args``: numpy on numbers, or the engine of the traced argument."""
    if prim.identity is not None and prim.identity(shape_of(args[0]), **params):
        return args[0]
    engine = None
    for arg in args:
        if isinstance(arg, Traced):
            kind = type(arg)
            if engine is None:
                engine = kind
            elif kind is not engine:
                raise EngineMixError(
                    f"{prim.name}: got a {engine.engine} value and a {kind.engine} value; "
                    "one computation runs on one engine (use the same engine= for every "
                    f"transform)\n  at {format_where(user_frame())}"
                )
    if engine is None:
        try:  # numpy straight away; prim.run again only to word a failure
            return prim.impl(*args, **params)
        except (ValueError, TypeError, IndexError):
            return prim.run(args, params)
    return engine.apply(prim, args, params)


Primitive.__call__ = bind  # calling a primitive *is* binding it (one frame less per op)


def shape_of(x):
    """The shape of a number, an array, a list, a tensor or a node, as a tuple."""
    shape = getattr(x, "shape", None)
    if type(shape) is tuple:
        return shape
    return tuple(shape) if shape is not None else np.shape(x)


def ndim_of(x):
    """The number of axes of ``x``."""
    return len(shape_of(x))


def dtype_of(x):
    """The numpy dtype of ``x`` (Python floats are float64)."""
    dtype = getattr(x, "dtype", None)
    return np.dtype(dtype) if dtype is not None else np.asarray(x).dtype
