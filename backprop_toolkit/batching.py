"""Many tangents in one forward pass: values with a leading batch axis (JAX's ``vmap``, small).

A forward-mode Jacobian needs one tangent per input entry, the columns of the
identity. Pushing them one by one through the JVP rules costs ``n`` passes;
stacked as ``(n,) + shape`` they go through ONE pass, each op running once on
arrays ``n`` times larger. The rules are written in the op language, so they
need no change: a tangent is a :class:`Batched` value, an engine value like a
tensor or a node, and every primitive call that sees one comes here
(:meth:`Batched.apply`), where the batch axis is kept out of the op's way:

* an elementwise entry: each batched operand gets size-1 axes after the batch
  axis up to the output's rank, so numpy's broadcasting (from the right) never
  mixes the batch axis with a data axis;
* a shape entry (``reshape``, ``transpose``, ``sum``, ``sum_to``,
  ``broadcast_to``, basic ``getitem``, ``matmul``, ...): its parameters are
  shifted past the batch axis (:data:`RULES`);
* anything else: the entry runs once per batch member and the results are
  stacked (:func:`looped`), always correct, only slower.

The symbolic engine runs the tangent part of a compiled program on such values
(``Program.partial(...).batched``); the tape's forward sweep takes them as its
tangents. Both give the Jacobian columns the per-column passes give.
"""

import numpy as np

from .dispatch import Traced, shape_of
from .ops import Operators
from .primitives import TABLE
from .shapes import broadcast_shapes, normalize_axis, same_shape, where_shape


class Batched(Traced, Operators):
    """``size`` values of one shape, stacked: ``value[k]`` is member ``k``.

    ``shape`` and ``dtype`` are a member's, so a rule sees the shapes it
    would see for one tangent.
    """

    __slots__ = ("value",)
    engine = "batched"

    def __init__(self, value):
        self.value = value

    @property
    def shape(self):
        return self.value.shape[1:]

    @property
    def dtype(self):
        return self.value.dtype

    @classmethod
    def apply(cls, prim, args, params):
        rule = BY_ENTRY.get(prim)  # a table entry's rule; a user's primitive is looped
        out = None if rule is None else rule(prim, args, params)
        return cls(looped(prim, args, params) if out is None else out)

    def __repr__(self):
        return f"Batched({len(self.value)} x {self.shape})"


def spread(value, ndim):
    """A member array as a batch of ``ndim``-axis arrays: ``(size, 1, ..., 1) + shape``."""
    if type(value) is not Batched:
        return value
    array = value.value
    if array.ndim == ndim + 1:  # already of the output's rank
        return array
    return array.reshape(array.shape[:1] + (1,) * (ndim - array.ndim + 1) + array.shape[1:])


def looped(prim, args, params):
    """The entry run once per member, the results stacked: correct for any entry."""
    size = next(len(a.value) for a in args if type(a) is Batched)
    outs = [prim.impl(*[a.value[k] if type(a) is Batched else a for a in args], **params)
            for k in range(size)]
    return np.stack([np.asarray(o) for o in outs])


def elementwise(prim, args, params):
    ndim = max([len(shape_of(a)) for a in args])
    return prim.impl(*[spread(a, ndim) for a in args], **params)


def with_shape(prim, args, params, batch_shape):
    """``prim`` on the batch with its ``shape`` parameter extended by the batch axis."""
    (x,) = args
    return prim.impl(x.value, **{**params, "shape": (len(x.value),) + batch_shape})


def sum_to(prim, args, params):
    (x,) = args
    shape = tuple(params["shape"])
    kept = (1,) * (len(x.shape) - len(shape)) + shape  # the leading axes summed to size 1
    return with_shape(prim, args, {"shape": kept}, kept).reshape((len(x.value),) + shape)


def broadcast_to(prim, args, params):
    (x,) = args
    shape = tuple(params["shape"])
    return np.broadcast_to(spread(x, len(shape)), (len(x.value),) + shape).copy()


def axis_shifted(prim, args, params):
    """Entries with ``axis`` (``sum``, ``cumsum``, ``concatenate``, ...): one axis further on."""
    ndim = len(shape_of(args[0]))
    axis = params["axis"]
    shifted = tuple(a + 1 for a in normalize_axis(axis, ndim))
    size = next(len(a.value) for a in args if type(a) is Batched)
    values = [a.value if type(a) is Batched else np.broadcast_to(a, (size,) + shape_of(a))
              for a in args]
    single = isinstance(axis, (int, np.integer))
    return prim.impl(*values, **{**params, "axis": shifted[0] if single else shifted})


def basic(index):
    """``index`` as a tuple, if it is basic (ints, slices, ``None``, ``...``); else ``None``:
    an index array moves the indexed axes about, the batch axis with them."""
    index = index if type(index) is tuple else (index,)
    if all(i is None or i is Ellipsis or type(i) in (int, slice) for i in index):
        return index
    return None


def getitem(prim, args, params):
    index = basic(params["index"])
    return None if index is None else np.asarray(args[0].value[(slice(None),) + index])


def scatter_add(prim, args, params):
    (g,), index = args, basic(params["index"])
    if index is None:
        return None
    out = np.zeros((len(g.value),) + tuple(params["shape"]), dtype=g.dtype)
    out[(slice(None),) + index] += g.value  # basic indices never repeat a position
    return out


def matmul(prim, args, params):
    """``a @ b`` with the batch axis in front; a batched vector among them is looped
    (numpy would read the batch axis as a matrix's rows)."""
    a, b = args
    na, nb = len(shape_of(a)), len(shape_of(b))
    if (type(b) is Batched and nb == 1) or (type(a) is Batched and na == 1 and nb > 1):
        return None
    ndim = max(na, nb)
    return np.matmul(spread(a, ndim) if na > 1 else getattr(a, "value", a),
                     spread(b, ndim) if nb > 1 else b)


def transpose(prim, args, params):
    (x,) = args
    return np.transpose(x.value, (0,) + tuple(a % len(x.shape) + 1 for a in params["axes"]))


RULES = {
    "sum_to": sum_to, "broadcast_to": broadcast_to,
    "reshape": lambda prim, args, params: with_shape(prim, args, params, tuple(params["shape"])),
    "transpose": transpose, "getitem": getitem, "scatter_add": scatter_add, "matmul": matmul,
    "sum": axis_shifted, "cumsum": axis_shifted, "concatenate": axis_shifted,
}
"""How each entry keeps the batch axis in front, by name; the elementwise entries are added
below; an entry not here is looped."""

RULES.update({name: elementwise for name, prim in TABLE.items()
              if prim.shape in (same_shape, broadcast_shapes, where_shape) and name not in RULES})

BY_ENTRY = {TABLE[name]: rule for name, rule in RULES.items()}
"""The same rules keyed by the entries themselves (one lookup per batched call)."""
