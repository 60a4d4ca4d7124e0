"""Shape rules and shape helpers: what every primitive's output shape is, from its inputs'.

Everything here computes metadata (tuples of ints, tuples of axes), never
values, so it may use numpy's shape machinery freely. The table
(:mod:`backprop_toolkit.primitives`) names one shape rule per entry, and its
derivative rules may call these helpers, since they work on shapes only:
``shape(*input_shapes, **params) -> output shape``.
"""

import functools
from collections import namedtuple

import numpy as np


def same_shape(shape, **params):
    """Elementwise ops of one input: the output has the input's shape."""
    return tuple(shape)


def broadcast_shapes(*shapes, **params):
    """numpy's broadcasting of the input shapes (elementwise ops of several inputs)."""
    first = shapes[0]
    if shapes[1] == first if len(shapes) == 2 else all(s == first for s in shapes):
        return tuple(first)  # the common case (two operands first), without numpy's machinery
    return tuple(np.broadcast_shapes(*shapes))


def unchanged_shape(s, shape):
    """The identity test of ``reshape``, ``broadcast_to``, ``sum_to``: ``shape`` is ``s``."""
    return tuple(s) == tuple(shape)


unchanged_shape.compares_shape_param = True  # Primitive.__call__ inlines it for arrays


def normalize_axis(axis, ndim):
    """``axis`` (None, an int or a tuple) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for {ndim} dimensions")
        out.append(int(a) % ndim)
    return tuple(sorted(set(out)))


def reduced_shape(shape, axis, keepdims):
    """Shape after reducing ``axis`` (a normalized tuple)."""
    if keepdims:
        return tuple(1 if i in axis else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axis)


def reduce_shape_rule(shape, axis, keepdims):
    """The shape rule of the reductions (``sum``, ``max``, ``logsumexp``)."""
    return reduced_shape(shape, normalize_axis(axis, len(shape)), keepdims)


def sum_to_axes(shape, target):
    """Axes to sum over so that an array of ``shape`` becomes ``target`` (broadcasting undone).

    Remembered per pair of shapes (``sum_to`` runs in every backward pass of a
    broadcast, with the same few shapes each time)."""
    try:
        return _sum_to_axes(tuple(shape), tuple(target))
    except TypeError:  # a dimension that is not a plain number: no cache
        return _sum_to_axes.__wrapped__(shape, target)


@functools.lru_cache(maxsize=4096)
def _sum_to_axes(shape, target):
    lead = len(shape) - len(target)
    axes = tuple(range(lead))
    axes += tuple(lead + i for i, n in enumerate(target) if n == 1 and shape[lead + i] != 1)
    return axes


def matmul_shape(a, b):
    """numpy's matmul shape rule: vectors act as a row (left) or column (right)."""
    if len(a) == 0 or len(b) == 0:
        raise ValueError("matmul needs arrays of at least one axis (use mul for scalars)")
    a2 = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    b2 = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    if a2[-1] != b2[-2]:
        raise ValueError(f"inner dimensions differ: {a2[-1]} (a) vs {b2[-2]} (b)")
    batch = tuple(np.broadcast_shapes(a2[:-2], b2[:-2]))
    return batch + (a2[-2],) * (len(a) > 1) + (b2[-1],) * (len(b) > 1)


def reshape_shape(s, shape):
    """The target ``shape`` with a ``-1`` resolved against the source ``s``."""
    size = int(np.prod(s, dtype=np.int64))
    shape = tuple(int(n) for n in shape)
    if shape.count(-1) == 1:
        rest = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
        if rest == 0 or size % rest:
            raise ValueError(f"cannot reshape {s} into {shape}")
        shape = tuple(size // rest if n == -1 else n for n in shape)
    if int(np.prod(shape, dtype=np.int64)) != size:
        raise ValueError(f"cannot reshape {s} (size {size}) into {shape}")
    return shape


def broadcast_to_shape(s, shape):
    """``shape``, if ``s`` broadcasts to it."""
    if tuple(np.broadcast_shapes(s, shape)) != tuple(shape):
        raise ValueError(f"cannot broadcast {s} to {tuple(shape)}")
    return tuple(shape)


def transpose_shape(s, axes):
    """``s`` permuted by ``axes``."""
    return tuple(s[a] for a in axes)


def inverse_permutation(axes):
    """The permutation that undoes ``axes`` (transpose's transpose)."""
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i]))


def index_shape(s, index):
    """Shape of ``x[index]`` for ``x`` of shape ``s``, without allocating ``x``."""
    return np.broadcast_to(np.int8(0), s)[index].shape


def where_shape(c, a, b):
    """``where(c, a, b)``: the three inputs broadcast together."""
    return tuple(np.broadcast_shapes(c, a, b))


# -- contractions (einsum) and square matrices -----------------------------------------
EinsumPlan = namedtuple("EinsumPlan", "perm_a perm_b batch free_a contracted free_b out_perm")


@functools.lru_cache(maxsize=1024)
def einsum_terms(spec):
    """``"ij,jk->ik"`` as ``("ij", "jk", "ik")``, checked to be a contraction the entry
    takes: two operands, no index twice in one term, and every operand index also in the
    other operand or in the output (diagonals and lone sums are made before, by the op)."""
    inputs, arrow, out = spec.partition("->")
    terms = inputs.split(",")
    if not arrow or len(terms) != 2:
        raise ValueError(f"einsum spec {spec!r} is not of the form 'ab,bc->ac'")
    a, b = terms
    for term in (a, b, out):
        if len(set(term)) != len(term):
            raise ValueError(f"einsum spec {spec!r}: an index repeats in {term!r}")
    for term, other in ((a, b + out), (b, a + out)):
        if not set(term) <= set(other):
            raise ValueError(f"einsum spec {spec!r}: indices of {term!r} must appear in the "
                             "other operand or the output")
    if not set(out) <= set(a + b):
        raise ValueError(f"einsum spec {spec!r}: output indices must appear in an operand")
    return a, b, out


def einsum_shape(a, b, spec):
    """The output shape of the two-operand contraction ``spec`` (equal sizes per index)."""
    ta, tb, out = einsum_terms(spec)
    sizes = {}
    for term, shape in ((ta, a), (tb, b)):
        if len(term) != len(shape):
            raise ValueError(f"einsum spec {spec!r}: term {term!r} for an operand of shape "
                             f"{tuple(shape)}")
        for label, n in zip(term, shape):
            if sizes.setdefault(label, n) != n:
                raise ValueError(f"einsum spec {spec!r}: index {label!r} has sizes "
                                 f"{sizes[label]} and {n}")
    return tuple(sizes[label] for label in out)


@functools.lru_cache(maxsize=1024)
def einsum_plan(spec):
    """How a contraction runs as one (batched) matrix product: the operands' axes permuted
    to (batch, free, contracted) and (batch, contracted, free), then the product's axes
    (batch, free of a, free of b) permuted to the output's order."""
    a, b, out = einsum_terms(spec)
    batch = tuple(c for c in a if c in b and c in out)
    contracted = tuple(c for c in a if c in b and c not in out)
    free_a = tuple(c for c in a if c not in b)
    free_b = tuple(c for c in b if c not in a)
    made = batch + free_a + free_b
    return EinsumPlan(tuple(a.index(c) for c in batch + free_a + contracted),
                      tuple(b.index(c) for c in batch + contracted + free_b),
                      len(batch), len(free_a), len(contracted), len(free_b),
                      tuple(made.index(c) for c in out))


@functools.lru_cache(maxsize=1024)
def einsum_transpose(spec, operand):
    """The spec of the VJP for ``operand`` (0 or 1): the output's cotangent contracted with
    the other operand gives this operand's indices (``ij,jk->ik`` gives ``ik,jk->ij``)."""
    a, b, out = einsum_terms(spec)
    return f"{out},{b}->{a}" if operand == 0 else f"{a},{out}->{b}"


def square_batch(a):
    """The batch shape of a stack of square matrices ``(..., n, n)``."""
    if len(a) < 2 or a[-1] != a[-2]:
        raise ValueError(f"expected a stack of square matrices (..., n, n), got shape "
                         f"{tuple(a)}")
    return tuple(a[:-2])


def matrix_batch(a):
    """``(batch, m, n)`` of a stack of matrices ``(..., m, n)``."""
    if len(a) < 2:
        raise ValueError(f"expected a stack of matrices (..., m, n), got shape {tuple(a)}")
    return tuple(a[:-2]), a[-2], a[-1]


def eigh_shape(a, **params):
    """``eigh``'s packed output: the eigenvalues as a row above the eigenvectors,
    ``(..., n + 1, n)`` for ``a`` of shape ``(..., n, n)``."""
    return square_batch(a) + (a[-1] + 1, a[-1])


def svd_shape(a):
    """``svd``'s packed output: ``U`` (m x k), ``s`` as a row, ``V`` (n x k) stacked,
    ``(..., m + 1 + n, k)`` with ``k = min(m, n)``."""
    batch, m, n = matrix_batch(a)
    return batch + (m + 1 + n, min(m, n))


def cholesky_shape(a):
    return square_batch(a) + tuple(a[-2:])


def pinv_shape(a, rcond):
    """``pinv``: ``(..., n, m)`` for ``(..., m, n)``."""
    batch, m, n = matrix_batch(a)
    return batch + (n, m)


def solve_shape(a, b):
    """``solve(a, b)``: ``a`` is ``(..., n, n)``, ``b`` is ``(..., n, k)``, batches broadcast."""
    batch = square_batch(a)
    if len(b) < 2 or b[-2] != a[-1]:
        raise ValueError(f"solve needs b of shape (..., {a[-1]}, k), got {tuple(b)}")
    return tuple(np.broadcast_shapes(batch, tuple(b[:-2]))) + tuple(b[-2:])
def concatenate_shape(*shapes, axis):
    """``concatenate``: equal shapes but along ``axis``, where the lengths add up."""
    if not shapes:
        raise ValueError("need at least one array to concatenate")
    first = shapes[0]
    if len(first) == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    for s in shapes:
        if len(s) != len(first) or any(a != b for d, (a, b) in enumerate(zip(s, first))
                                       if d != axis):
            raise ValueError(f"all shapes must be equal but along axis {axis}: "
                             + ", ".join(map(str, shapes)))
    return tuple(first[:axis]) + (sum(s[axis] for s in shapes),) + tuple(first[axis + 1:])


def equal_shapes(a, b, **params):
    """Two inputs of one shape (``sort_by``: the values and the sort key)."""
    if tuple(a) != tuple(b):
        raise ValueError(f"shapes {tuple(a)} and {tuple(b)} differ")
    return tuple(a)
