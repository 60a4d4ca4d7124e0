"""Symbolic graphs: immutable nodes, placeholders, constants, and the node listing.

A :class:`Node` holds no value: it says which primitive combines which input
nodes (with which parameters), and its shape and dtype, which the table's
shape rules give without computing anything. Calling any op of the op
language on a node builds a new node; nothing runs until a generic evaluator
is given numbers (:mod:`.evaluate`).
"""

import threading

import numpy as np

from ..dispatch import Traced, new_serial
from ..errors import (ControlFlowError, ShapeError, conversion_error, describe_shapes,
                      format_where, user_frame)
from ..ops import Operators
from ..passes import toposort


class Derivation:
    """While ``sym.grad``/``sym.jvp`` runs, the nodes it makes are marked.

    ``of`` is the output whose derivative is being built: drawings put those
    nodes on the derivative side (Figure 6.10) and :func:`nodes` lists the
    output with them, as the book's figure shows the whole appended graph.
    """

    def __init__(self, of, where=None):
        self.of, self.where = of, where

    def __enter__(self):
        under_way().append((self.of, self.where or user_frame()))

    def __exit__(self, *exc):
        under_way().pop()

    @staticmethod
    def current():
        stack = under_way()
        return stack[-1][0] if stack else None


_THREAD = threading.local()


def under_way():
    """This thread's derivations under way, ``(output, user line)``, innermost last."""
    try:
        return _THREAD.derivations
    except AttributeError:
        _THREAD.derivations = []
        return _THREAD.derivations


NO_PARAMS = {}  # the params of every node without any: shared, never changed
_new = object.__new__

_DTYPE_TYPES = set()  # the classes of the numpy dtypes met: isinstance(d, np.dtype) goes
                      # through np.dtype's metaclass (100 ns, for every node made)


def _as_dtype(dtype):
    """``np.dtype(dtype)``, its class remembered as a dtype's."""
    dtype = np.dtype(dtype)
    _DTYPE_TYPES.add(type(dtype))
    return dtype


class Node(Traced, Operators):
    """One node of a computational graph.

    Attributes:
        op: the primitive's name (``"mul"``, ``"f'"``), or ``"var"``/``"const"``.
        prim: the :class:`~backprop_toolkit.dispatch.Primitive` (``None`` for var/const).
        inputs: tuple of input nodes.
        params: the primitive's keyword metadata (axis, shape, ...).
        name: a label (``"w"``, ``"dz/dx"``) or ``None``.
        shape, dtype: known statically, from the shape rules.
        value: the array of a ``const`` (``None`` otherwise).
        of: for a node made by differentiation, the output being
            differentiated; ``None`` for the forward graph.
        where: ``(file, line)`` of the user code that made it.
    """

    __slots__ = ("op", "prim", "inputs", "params", "name", "shape", "dtype", "value", "of",
                 "where", "serial")
    engine = "symbolic"

    def __init__(self, op, prim, inputs, params, shape, dtype, name=None, value=None, of=None,
                 where=None):
        self.op, self.prim, self.inputs, self.params = op, prim, inputs, params
        self.shape, self.name = shape if type(shape) is tuple else tuple(shape), name
        self.dtype = dtype if type(dtype) in _DTYPE_TYPES else _as_dtype(dtype)
        self.value, self.of, self.where = value, of, where
        self.serial = new_serial()

    @classmethod
    def apply(cls, prim, args, params):
        """Build ``prim(*args)`` as a new node; nothing is computed. (Every node of a
        trace and of a derivative is made here: it takes the common cases first.)"""
        n = len(args)  # one or two operands (nearly every node): no list made (a frame)
        if n == 1:
            a = args[0]
            inputs = (a if type(a) is Node else constant(a),)
        elif n == 2:
            a, b = args
            inputs = (a if type(a) is Node else constant(a), b if type(b) is Node else constant(b))
        else:
            inputs = tuple([a if type(a) is Node else constant(a) for a in args])
        # every node of one derivation was made by the same user line (its sym.grad call)
        try:
            stack = _THREAD.derivations
        except AttributeError:
            stack = under_way()
        of, where = stack[-1] if stack else (None, None)
        # the user's line, found from Primitive.__call__'s caller (it is this method's only
        # caller, so the two frames skipped are the package's own; a loop's line is then
        # answered from memory, as for the tape's Tensor.apply)
        where = where or user_frame(3)
        try:
            shape = (prim.shape(*[i.shape for i in inputs], **params) if params or n > 2 else
                     prim.shape(inputs[0].shape) if n == 1 else  # no keywords: no dict
                     prim.shape(inputs[0].shape, inputs[1].shape) if n == 2 else prim.shape())
        except (ValueError, TypeError, IndexError) as err:
            raise shape_error(prim, inputs, err, where) from None
        first = inputs[0].dtype if inputs else None
        if prim.dtype_rule is not None:
            dtype = _as_dtype(prim.dtype_rule(*[i.dtype for i in inputs], **params))
        elif first is not None and first.kind == "f" and not prim.boolean and (
                n == 1 or (inputs[1].dtype is first if n == 2 else
                           all([i.dtype is first for i in inputs]))):
            dtype = first  # operands of one float type (weak or not): that type
        else:
            dtype = result_dtype(prim, [i.dtype for i in inputs if not is_weak(i)])
        node = _new(Node)  # Node(...) without __init__'s frame and conversions: one node per
        node.op, node.prim, node.inputs = prim.name, prim, inputs  # op of every trace and
        node.params = params or NO_PARAMS                          # derivative
        node.shape = shape if type(shape) is tuple else tuple(shape)
        node.dtype, node.name, node.value = dtype, None, None  # dtype: an np.dtype here
        node.of, node.where = of, where
        node.serial = new_serial()
        return node

    @property
    def is_var(self):
        """A placeholder (``sym.var``). A user primitive named ``"var"`` is not one."""
        return self.prim is None and self.op == "var"

    @property
    def is_const(self):
        """A constant node. A user primitive named ``"const"`` is not one."""
        return self.prim is None and self.op == "const"

    @property
    def is_derivative(self):
        """Made by ``sym.grad`` or ``sym.jvp``: part of a derivative graph."""
        return self.of is not None

    def named(self, name):
        """The same computation under a name (a new node: nodes are immutable)."""
        return Node(self.op, self.prim, self.inputs, self.params, self.shape, self.dtype,
                    name=name, value=self.value, of=self.of, where=self.where)

    def __bool__(self):
        raise ControlFlowError(
            "a symbolic node has no value to branch on: Python `if`, `while`, `and`/`or` "
            "need numbers. Write the choice into the graph with bt.where(cond, a, b), or use "
            "the tape engine, which sees numbers at every step.\n"
            f"  node made at {format_where(self.where)}")

    def _number(self, kind, what):
        """A node has no number to give (``x.item()``, ``x.tolist()``)."""
        raise conversion_error(what, "symbolic")

    def __float__(self):
        raise conversion_error("float()", "symbolic")

    def __int__(self):
        raise conversion_error("int()", "symbolic")

    def __complex__(self):
        raise conversion_error("complex()", "symbolic")

    def __index__(self):
        raise conversion_error("an index", "symbolic")

    def __array__(self, dtype=None, copy=None):
        raise conversion_error("a numpy array (np.asarray)", "symbolic")

    def __repr__(self):
        return short(self)


def shape_error(prim, inputs, err, where):
    """The :class:`ShapeError` for a shape rule's complaint ``err`` (names the user line)."""
    return ShapeError(f"{prim.name}: cannot apply to nodes of shapes "
                      f"{describe_shapes(inputs)} ({err})\n  at {format_where(where)}")


# -- how a node shows itself (printing.py builds whole graphs from these) -------
def format_constant(value):
    """A constant in a few characters: ``2``, ``0[3, 2]`` (all zeros), ``const[3, 2]``."""
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):g}"
    if array.size and np.all(array == array.reshape(-1)[0]):
        return f"{float(array.reshape(-1)[0]):g}{list(array.shape)}"
    return f"const{list(array.shape)}"


def label(node):
    """A short label in constant time: the name, a constant's value, or
    ``op(args)`` with named or constant arguments shown and others as ``…``."""
    if node.name is not None:
        return node.name
    if node.is_const:
        return format_constant(node.value)
    args = ", ".join(i.name if i.name is not None else
                     format_constant(i.value) if i.is_const else "…" for i in node.inputs)
    return f"{node.op}({args})"


def short(node):
    """A node's repr: ``op(inputs)`` with its inputs' labels, and its shape."""
    if node.is_var:
        return f"var({node.name!r}, shape={node.shape})"
    if node.is_const:
        return f"const({format_constant(node.value)})"
    head = f"{node.name} = " if node.name else ""
    return f"{head}{node.op}({', '.join(label(i) for i in node.inputs)})"



FLOAT64 = np.dtype(np.float64)
BOOL = np.dtype(bool)


def result_dtype(prim, dtypes):
    """The output dtype: bool for comparisons, else the inputs' float type."""
    if prim.boolean:
        return BOOL
    floats = [d for d in dtypes if d.kind == "f"]
    if not floats:
        return FLOAT64
    first = floats[0]
    return first if all(d is first for d in floats) else np.result_type(*floats)


def var(name, shape=(), dtype=np.float64):
    """A placeholder for an input: a scalar unless ``shape`` is given."""
    return Node("var", None, (), {}, shape, dtype, name=name, where=user_frame())


def constant(value, name=None):
    """A constant node holding ``value``.

    A Python number stays a Python number ("weak", as numpy calls it): a
    ``2.0`` next to a float32 node gives float32, as it does in numpy.
    """
    if type(value) in (int, float):  # not np.float64 (a float subclass, but not weak in numpy)
        value, dtype = float(value), np.float64
    else:
        value = np.array(value)  # a copy: the graph keeps the value it was built with
        value.flags.writeable = False
        dtype = value.dtype
    return Node("const", None, (), {}, np.shape(value), dtype, name=name, value=value,
                of=Derivation.current(), where=user_frame())


def is_weak(node):
    """A constant from a Python number: it does not decide the result's dtype."""
    return node.is_const and isinstance(node.value, float)


def nodes(outputs):
    """Every node ``outputs`` depend on, inputs first (topological order).

    A derivative node also brings in the output it is the derivative of, so
    the listing of ``sym.grad(z, w)`` is the whole appended graph (Figure 6.10).
    """
    outputs = [outputs] if isinstance(outputs, Node) else list(outputs)
    return toposort(outputs, neighbours=graph_neighbours)


def graph_neighbours(node):
    return node.inputs + (node.of,) if node.of is not None else node.inputs
