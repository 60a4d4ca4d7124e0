"""The mechanism every primitive call goes through: :class:`Primitive` and its call (``bind``).

A primitive is data: a numpy forward, a shape rule, one VJP rule and one JVP
rule per input. Calling it (``prim(*args, **params)``, also spelled
:func:`bind`) looks at the arguments:

* only numbers (Python scalars, numpy arrays): run the numpy forward;
* a traced value among them (a tape ``Tensor``, a symbolic ``Node``): hand the
  call to that value's engine, which records it or builds a node;
* traced values of two engines: an :class:`~backprop_toolkit.errors.EngineMixError`.

The engines register themselves by subclassing :class:`Traced`; this module
imports neither of them, so the layering stays one-way.
"""

import itertools

import numpy as np

from .errors import (DTypeError, EngineMixError, NumericError, ShapeError, describe_shapes,
                     format_where, user_frame)


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
        dtype_rule: optional ``dtype_rule(*input_dtypes, **params) -> dtype`` for an
            op that decides its output's dtype itself (``astype``); by default a
            symbolic node takes its inputs' float type (bool for ``boolean``).
        variadic: the entry takes any number of inputs (``concatenate``). ``vjp``
            and ``jvp`` then hold ONE rule each, for all the inputs at once:
            ``vjp(g, out, *inputs, **params)`` returns the list of every input's
            cotangent, ``jvp(tangents, out, *inputs, **params)`` the output's
            tangent from the list of the inputs' tangents (``None`` where an input
            has none). One call per node: a rule per input, each handed all ``n``
            inputs, would cost ``n**2``.
    """


    def __init__(self, name, impl, shape, vjp, jvp, boolean=False, doc="", identity=None,
                 dtype_rule=None, variadic=False):
        self.name = name
        self.impl = impl
        self.shape = shape
        self.vjp = tuple(vjp)
        self.jvp = tuple(jvp)
        self.boolean = boolean
        self.identity = identity
        # the identity is "params['shape'] is the input's shape" (reshape, sum_to, broadcast_to):
        # a call on an array compares the two itself, without calling ``identity``
        self.shape_identity = getattr(identity, "compares_shape_param", False)
        self.dtype_rule = dtype_rule
        self.variadic = variadic
        # whether any input has a derivative rule (comparisons, sign, stop_gradient have none:
        # their outputs are constants); an attribute, read for every op recorded or swept
        self.differentiable = not boolean and any(rule is not None for rule in self.vjp)
        self.__doc__ = doc or f"The primitive {name!r}."
        if len(self.vjp) != len(self.jvp) or (variadic and len(self.vjp) != 1):
            raise ValueError(f"{name}: {len(self.vjp)} VJP rules but {len(self.jvp)} JVP rules"
                             + " (a variadic entry has one of each)" * variadic)

    @property
    def arity(self):
        """Number of array inputs (``None``: any number, a variadic entry)."""
        return None if self.variadic else len(self.vjp)

    def vjp_rule(self, k):
        """Input ``k``'s VJP rule ``rule(g, out, *inputs, **params)``, for the drawings that
        show one input's share; a variadic entry's is a view of its joint rule."""
        if not self.variadic:
            return self.vjp[k]
        joint = self.vjp[0]
        return lambda g, out, *inputs, **params: joint(g, out, *inputs, **params)[k]

    def jvp_rule(self, k):
        """Input ``k``'s JVP rule ``rule(t, out, *inputs, **params)`` (as :meth:`vjp_rule`)."""
        if not self.variadic:
            return self.jvp[k]
        joint = self.jvp[0]
        return lambda t, out, *inputs, **params: joint(
            [t if j == k else None for j in range(len(inputs))], out, *inputs, **params)

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __call__(self, *args, **params):
        """Apply the primitive (``bind``): numpy on numbers, or the engine of the traced
        argument. Defined here, not as a function the method calls: one frame less per op."""
        identity = self.identity
        if identity is not None:
            first = args[0]
            if type(first) is np.ndarray and self.shape_identity:  # on an array, no frame:
                if first.shape == params.get("shape"):  # a differing list runs impl, as right
                    return first
            elif identity(shape_of(first), **params):
                return first
        for arg in args:
            if isinstance(arg, Traced):
                break
        else:  # numbers only: evaluate(args, params), inlined: the tape's first-order backward
            try:  # runs every op of every rule through here, so a frame per op counts
                return self.impl(*args, **params) if params else self.impl(*args)
            except FAILURES as err:
                raise self.failure(args, params, err) from None
        engine = type(arg)
        for other in args:
            if type(other) is not engine and isinstance(other, Traced):
                raise EngineMixError(
                    f"{self.name}: got a {engine.engine} value and a {other.engine} value; "
                    "one computation runs on one engine (use the same engine= for every "
                    f"transform)\n  at {format_where(user_frame())}")
        return engine.apply(self, args, params)

    def evaluate(self, values, params, where=None):
        """Run the numpy forward on numbers: ``impl(*values, **params)``.

        numpy's complaints (``ValueError``, ``TypeError``, ``IndexError``) become a
        :class:`ShapeError` naming this op, the operands' shapes, the params and the
        user's line (``where``, or the innermost frame outside the package).
        """
        try:
            return self.impl(*values, **params)
        except FAILURES as err:
            raise self.failure(values, params, err, where) from None

    def failure(self, values, params, err, where=None):
        """The error for numpy's complaint ``err`` about ``values``: a :class:`ShapeError`,
        or a :class:`NumericError` for a floating-point error that ``np.errstate`` raises.

        :meth:`evaluate` raises it; the two paths that call ``impl`` themselves to
        save a frame per op (calling a primitive on numbers, a compiled program's
        loop) raise it too, so the wording is in one place.
        """
        at = f"\n  at {format_where(where or user_frame())}"
        if isinstance(err, FloatingPointError):
            return NumericError(f"{self.name}: {err} (np.errstate raises on it), operands of "
                                f"shapes {describe_shapes(values)}{_format_params(params)}{at}")
        return ShapeError(
            f"{self.name}: cannot apply to operands of shapes {describe_shapes(values)}"
            f"{_format_params(params)} ({err}){at}")



FAILURES = (ValueError, TypeError, IndexError, FloatingPointError)
"""What numpy raises for operands that do not fit, and for a floating-point error where
``np.errstate`` asks it to; :meth:`Primitive.failure` words them."""


def _format_params(params):
    if not params:
        return ""
    return " with " + ", ".join(f"{k}={v!r}" for k, v in params.items())


def bind(prim, *args, **params):
    """``prim(*args, **params)``: the name the design uses for applying a primitive."""
    return prim(*args, **params)


def shape_of(x):
    """The shape of a number, an array, a list, a tensor or a node, as a tuple."""
    if type(x) is np.ndarray:  # the rules on the tape's arrays ask for it most
        return x.shape
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


def float_dtype(x):
    """The floating dtype of a value: its own if it is a float type, else float64
    (integers, bools, Python numbers, and nodes of unknown dtype)."""
    dtype = getattr(x, "dtype", None)
    dtype = np.asarray(x).dtype if dtype is None else np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def as_float_array(value, what="value"):
    """``value`` as a numpy array fit for differentiation.

    Integers and Python bools are promoted to float64 (a derivative is real);
    complex and object arrays are refused with a :class:`DTypeError`.
    """
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "f":
        return array
    if kind in "iub":
        return array.astype(np.float64)
    raise DTypeError(f"{what}: cannot differentiate with respect to dtype {array.dtype} "
                     "(use real floating-point numbers)")


def frozen(value):
    """``value`` as the tape keeps it: an array no one else can change.

    Python numbers stay as they are (immutable, and "weak" for dtypes). An
    array is copied unless it is already read-only and owns its data, and the
    copy is made read-only: a caller changing their array in place after the
    forward pass cannot change what ``backward()`` computes.
    """
    if isinstance(value, (int, float)):
        return value
    array = np.asarray(value)
    if array.flags.writeable or array.base is not None:
        array = array.copy()
    array.setflags(write=False)  # not ``flags.writeable = False``: no flags object, 0.14 us
    return array


def owned(out, values):
    """A fresh result ``out`` made read-only; copied first if it is (a view of) an
    operand's writeable array, which belongs to the caller."""
    base = out.base
    if base is None:
        base = out
    for v in values:
        if type(v) is np.ndarray and (base is v or base is v.base):
            out = out.copy()
            break
    out.setflags(write=False)
    return out


def weak(out, values):
    """``out``, a Python number again if numpy made a scalar of Python numbers alone.

    numpy gives ``np.float64(0.5)`` for ``1.5 - 1``; that scalar is no longer "weak":
    next to a float32 array it makes the result float64 (a tape constant ``b - 1`` in
    ``power``'s rule, recorded for a second derivative, turned float32 Hessians into
    float64 ones). Python numbers in, a Python number out, as Python itself computes.
    """
    if isinstance(out, np.generic) and all(type(v) in (int, float, bool) for v in values):
        return out.item()
    return out
