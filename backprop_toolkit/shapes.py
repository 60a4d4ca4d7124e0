"""Shape rules and shape helpers: what every primitive's output shape is, from its inputs'.

Everything here computes metadata (tuples of ints, tuples of axes), never
values, so it may use numpy's shape machinery freely. The table
(:mod:`backprop_toolkit.primitives`) names one shape rule per entry, and its
derivative rules may call these helpers, since they work on shapes only:
``shape(*input_shapes, **params) -> output shape``.
"""

import numpy as np


def same_shape(shape, **params):
    """Elementwise ops of one input: the output has the input's shape."""
    return tuple(shape)


def broadcast_shapes(*shapes, **params):
    """numpy's broadcasting of the input shapes (elementwise ops of several inputs)."""
    first = shapes[0]
    if all(s == first for s in shapes):  # the common case, without numpy's machinery
        return tuple(first)
    return tuple(np.broadcast_shapes(*shapes))


def unchanged_shape(s, shape):
    """The identity test of ``reshape``, ``broadcast_to``, ``sum_to``: ``shape`` is ``s``."""
    return tuple(s) == tuple(shape)


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
    """Axes to sum over so that an array of ``shape`` becomes ``target`` (broadcasting undone)."""
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
