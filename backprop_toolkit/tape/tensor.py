"""The tape's values: :class:`Tensor`, how an op is recorded (``Tensor.apply``), and
``backward()`` (:func:`adjoints`). The functional sweeps are in :mod:`.sweeps`.

Recording runs once per op of the user's function, so ``apply`` is written
for that: one pass over the arguments, the numpy forward called directly,
the record made without ``__init__``.
"""

import operator

import numpy as np

from .. import primitives as P
from ..dispatch import (FAILURES, Traced, as_float_array, dtype_of, frozen, new_serial, owned,
                        weak)
from ..errors import BackpropError, ShapeError, conversion_error, format_where, user_frame
from ..ops import Operators
from ..passes import reverse_pass, toposort


new_tensor = object.__new__
NO_PARAMS = {}  # the params of leaves and of ops without any: shared, never changed


class Tensor(Traced, Operators):
    """A value on the tape.

    Attributes:
        value: the numpy value, read-only (the tape computed with it).
        grad: after ``backward()``, d(output)/d(this tensor) as a numpy array
            (``None`` before: absent, not zero).
        requires_grad: whether gradients flow to this tensor.
        prim, inputs, params: how it was computed (``prim`` is ``None`` for a leaf);
            ``inputs`` is a tuple of tensors.
        name: an optional label for drawings.
        where: ``(file, line)`` of the user code that made it.
    """

    __slots__ = ("_value", "prim", "_inputs", "params", "_tracked", "grad", "name",
                 "where", "backward_ran", "serial")
    # ``_inputs``: the tuple of inputs, or a one-input op's input itself. The record keeps one
    # object per op, not two (a 1-tuple is one more object for the cycle collector to walk
    # while the user's function runs: 0.2 us an op on a 1e5 chain). ``inputs`` gives the tuple.
    engine = "tape"

    def __init__(self, value, requires_grad=False, name=None, *, where=None):
        """A leaf: an input (``requires_grad=True``) or a constant, holding a read-only
        copy of ``value``. Recorded results are made by :func:`recorded` instead."""
        if requires_grad:
            value = as_float_array(value, name or "Tensor")
        self._value = frozen(value)
        self._tracked = bool(requires_grad)
        self.name = name
        self.prim, self._inputs, self.params = None, (), NO_PARAMS
        self.where = where if where is not None else user_frame()
        self.grad = None
        self.backward_ran = False
        self.serial = new_serial()

    @classmethod
    def apply(cls, prim, args, params):
        """Run ``prim`` on the numbers now; record it if a gradient will flow through.

        It runs for every op of the user's function, so it is one pass over
        the arguments (a one-input op keeps its input alone; the tuple of
        tensors itself becomes the record's inputs when every argument is
        one), the numpy forward called without
        ``Primitive.evaluate``'s frame (its error wording via ``prim.failure``),
        and the record made in place, as :func:`recorded` makes it.
        """
        if len(args) == 1:  # one operand, a tensor (the call came here for it): kept alone
            inputs = args[0]
            values, tracked = (inputs._value,), inputs._tracked
        else:
            values, tracked, inputs = [], False, args
            for a in args:
                if type(a) is Tensor:
                    values.append(a._value)
                    if a._tracked:
                        tracked = True
                else:
                    values.append(a)
                    inputs = None
        where = user_frame(3)  # skips this frame and Primitive.__call__'s: the package's own
        try:
            out = prim.impl(*values, **params) if params else prim.impl(*values)
        except FAILURES as err:
            raise prim.failure(values, params, err, where) from None
        if type(out) is np.ndarray and out.flags.writeable:
            out = owned(out, values)
        elif not tracked:  # numbers alone (a rule's b - 1, recorded) stay weak numbers
            out = weak(out, values)
        if not tracked or not prim.differentiable:
            return constant(out, where)
        if inputs is None:
            inputs = tuple(a if type(a) is Tensor else constant(frozen(a), where) for a in args)
        t = new_tensor(Tensor)
        t._value, t.prim, t._inputs, t.where = out, prim, inputs, where
        t.params = params or NO_PARAMS
        t._tracked, t.name, t.grad, t.backward_ran = True, None, None, False
        t.serial = new_serial()
        return t

    # -- what a tensor looks like ------------------------------------------
    @property
    def inputs(self):
        """The tensors it was computed from, a tuple (empty for a leaf)."""
        inputs = self._inputs
        return inputs if type(inputs) is tuple else (inputs,)

    @property
    def value(self):
        """The numpy value (read-only: the tape computed with it)."""
        return self._value

    @value.setter
    def value(self, new):
        raise BackpropError("a tensor's value cannot be replaced: the tape computed with it. "
                            "Make a new tensor, tape.Tensor(new_value, requires_grad=True)")

    @property
    def requires_grad(self):
        """Whether gradients flow to this tensor (settable on leaves only)."""
        return self._tracked

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.prim is not None:
            raise BackpropError("requires_grad can be set on leaves only; this tensor was "
                                f"computed by {self.prim.name}")
        if flag:
            self._value = frozen(as_float_array(self._value, self.name or "Tensor"))
        self._tracked = bool(flag)

    @property
    def shape(self):
        value = self._value
        return value.shape if hasattr(value, "shape") else np.shape(value)

    @property
    def dtype(self):
        return dtype_of(self._value)

    @property
    def is_leaf(self):
        return self.prim is None

    def numpy(self):
        """The value as a numpy array (a copy: the tape keeps its own)."""
        return np.array(self._value)

    def _number(self, kind, what):
        """``kind(value)`` (``float``, ``int``; ``x.item()`` uses it too), refused while the
        tensor is being differentiated: the number would have no derivative."""
        if self._tracked:
            raise conversion_error(what, "tape")
        return kind(self._value)

    def __float__(self):
        return self._number(float, "float()")

    def __int__(self):
        return self._number(int, "int()")

    def __complex__(self):
        return self._number(complex, "complex()")

    def __index__(self):
        return self._number(operator.index, "an index")

    def __array__(self, dtype=None, copy=None):
        if self._tracked:
            raise conversion_error("a numpy array (np.asarray)", "tape")
        return np.array(self._value, dtype=dtype)

    def __bool__(self):
        return bool(self._value)  # control flow on values works; non-scalars raise as in numpy

    def __repr__(self):
        label = f"{self.name}=" if self.name else ""
        origin = "leaf" if self.prim is None else self.prim.name
        grad = "" if self.grad is None else f", grad={np.array2string(np.asarray(self.grad))}"
        return f"Tensor({label}{np.array2string(np.asarray(self._value))}, {origin}{grad})"

    # -- reverse mode --------------------------------------------------------
    def backward(self, seed=None):
        """Backpropagate from this tensor; every tensor on the way gets ``.grad``.

        Args:
            seed: d(loss)/d(self), this tensor's shape; 1 for a scalar.

        Gradients *accumulate* into ``.grad`` (as in PyTorch): a second loss
        adds to the first; call :meth:`zero_grad` on the leaves between steps.
        Calling ``backward()`` twice on the same tensor raises, since it would
        count every gradient twice.
        """
        if not self.requires_grad:
            raise BackpropError("backward(): this tensor does not depend on any tensor with "
                                "requires_grad=True, so there is nothing to differentiate\n"
                                f"  tensor made at {format_where(self.where)}")
        if self.backward_ran:
            raise BackpropError("backward() already ran from this tensor; running it again would "
                                "add every gradient a second time. Recompute the output, or "
                                "call .zero_grad() on the leaves first and use a new output")
        bars, order = adjoints(self, seed)
        for node in order:
            bar = bars.get(id(node))
            if bar is not None:  # a copy: add passes one array to both inputs
                node.grad = np.array(bar) if node.grad is None else node.grad + bar
        self.backward_ran = True

    def zero_grad(self):
        """Forget the accumulated gradient (``grad`` back to ``None``)."""
        self.grad = None


def recorded(value, prim, inputs, params, where, tracked=True):
    """A tensor computed by ``prim`` from ``inputs`` (a tuple): the record, made without
    ``__init__``."""
    t = Tensor.__new__(Tensor)
    t._value, t.prim, t._inputs, t.params, t.where = value, prim, inputs, params, where
    t._tracked, t.name, t.grad, t.backward_ran = tracked, None, None, False
    t.serial = new_serial()
    return t


def constant(value, where):
    """An untracked tensor holding ``value`` as it is (a result no one else holds)."""
    return recorded(value, None, (), NO_PARAMS, where, tracked=False)


def variable(value, name, where=None):
    """A transform's own variable for ``value``: a new leaf, or ``fresh(value)``.

    A tensor that an enclosing transform differentiates becomes ``fresh(x)``:
    the inner transform's pass starts there (``passes.oldest``), so it treats
    ``x`` itself, and anything closed over, as a constant, while the outer
    pass sees through ``fresh`` (its derivative is 1) back to ``x``.
    ``where``: the user's line, if the caller found it already (one per call).
    """
    where = user_frame() if where is None else where
    if isinstance(value, Tensor):
        if value._tracked:
            t = recorded(value._value, P.fresh_p, (value,), {}, where)
            t.name = name
            return t
        value = value._value
    if type(value) is np.ndarray and value.base is None and value.dtype.kind == "f" \
            and not value.flags.writeable:
        # what __init__ keeps of a lent argument (read-only, owning its data): the array itself
        t = recorded(value, None, (), NO_PARAMS, where)
        t.name = name
        return t
    return Tensor(value, requires_grad=True, name=name, where=where)


value_of = operator.attrgetter("_value")
"""The view first-order rules are fed: a tensor's numpy value (a C-level getter: it runs
for every input of every recorded op). For higher order the view is ``None``: the
tensors themselves, so that the rules are recorded."""


def adjoints(y, seed=None, on_step=None):
    """Reverse mode over the record from ``y``: ``(adjoints by id, tensors walked)``.

    The adjoint of every tensor ``t`` that ``y`` depends on, ``dy/dt`` (the
    seed's product with it for a non-scalar ``y``), with first-order rules on
    arrays. ``on_step(tensor, adjoints)`` runs after each tensor's rules ran:
    the step-by-step drawings use it.
    """
    seed = default_seed(y) if seed is None else check_seed(y, seed)
    leaves = [n for n in toposort([y]) if n.prim is None and n.requires_grad]
    _, bars, order = reverse_pass([y], [seed], leaves, value_of, on_step=on_step)
    return bars, order


def default_seed(y):
    """d y / d y = 1 for a scalar ``y``; a non-scalar needs an explicit seed."""
    if np.shape(y._value) != ():
        raise ShapeError(f"backward(): the output has shape {np.shape(y._value)}, not a scalar; "
                         "pass a seed of that shape, y.backward(seed)\n"
                         f"  output made at {format_where(y.where)}")
    return np.ones_like(y._value)


def check_seed(y, seed):
    seed = np.asarray(seed._value if isinstance(seed, Tensor) else seed, dtype=y.dtype)
    if seed.shape != np.shape(y._value):
        raise ShapeError(f"backward(seed): seed shape {seed.shape} differs from the output's "
                         f"shape {np.shape(y._value)}")
    return seed
