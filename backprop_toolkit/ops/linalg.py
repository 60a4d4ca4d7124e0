"""Products and contractions: ``matmul`` (the table's entry), and numpy's ``dot``,
``tensordot``, ``inner``, ``outer``, ``kron``, ``vdot`` and ``cross`` as composites.

The contractions are one call of the table's ``einsum_p`` each (its VJP is
another contraction), with numpy's shape rules worked out here:

* ``tensordot(a, b, axes)``: the listed axes of ``a`` and ``b`` summed, the free
  axes of ``a`` then of ``b``;
* ``dot``: ``matmul`` for operands of at most two axes (and a vector on either
  side), else ``tensordot`` over the last axis of ``a`` and the second-to-last of
  ``b``; a scalar multiplies;
* ``inner``: the last axes summed; ``outer``: of the flattened operands;
  ``kron``: the outer product with its axes interleaved, then merged.

``cross`` is written out in components (``a1 b2 - a2 b1``, ...), as numpy
computes it.
"""

import functools

import numpy as np

from .. import primitives as P
from ..dispatch import ndim_of, shape_of
from .arguments import axes_of
from .diagonals import no_out, refuse, shape_error
from .einsum import spec_of
from .numpy_api import implements
from .joining import stack

matmul = implements(np.matmul)(P.matmul_p)


@implements(np.tensordot)
def tensordot(a, b, axes=2):
    """numpy's ``tensordot``: ``axes`` an int ``N`` (the last ``N`` axes of ``a`` with the
    first ``N`` of ``b``) or a pair of axis sequences (or ints)."""
    if isinstance(axes, (int, np.integer)):
        key = int(axes)
    else:
        key = tuple(int(s) if isinstance(s, (int, np.integer)) else tuple(map(int, s))
                    for s in axes)
    return P.einsum_p(a, b, spec=tensordot_spec(key, shape_of(a), shape_of(b)))


@functools.lru_cache(maxsize=256)
def tensordot_spec(axes, sa, sb):
    """The ``einsum`` spec of ``tensordot(a, b, axes)`` for operands of shapes ``sa``, ``sb``."""
    na, nb = len(sa), len(sb)
    if isinstance(axes, int):
        if not 0 <= axes <= min(na, nb):
            raise shape_error("np.tensordot", f"axes={axes} for operands of shapes {sa} "
                                              f"and {sb}")
        left, right = tuple(range(na - axes, na)), tuple(range(axes))
    elif len(axes) != 2:
        raise shape_error("np.tensordot", f"axes={axes} is neither an int nor a pair")
    else:
        left, right = (_axis_list(n, side) for n, side in zip((na, nb), axes))
    if len(left) != len(right) or any(sa[i] != sb[j] for i, j in zip(left, right)):
        raise shape_error("np.tensordot", f"shape-mismatch for sum: axes {left} of {sa} "
                                          f"and {right} of {sb}")
    term_a = tuple(range(na))
    term_b = tuple(left[right.index(j)] if j in right else na + j for j in range(nb))
    out = tuple(i for i in term_a if i not in left) + tuple(na + j for j in range(nb)
                                                           if j not in right)
    return spec_of(term_a, term_b, out)


def _axis_list(ndim, axes):
    """One side of tensordot's axes (an int or a tuple) for ``ndim`` axes, in its order."""
    axes = (axes,) if isinstance(axes, int) else axes
    if any(not -ndim <= i < ndim for i in axes) or len({i % ndim for i in axes}) != len(axes):
        raise shape_error("np.tensordot", f"axes {axes} out of range or repeated for an "
                                          f"operand of {ndim} axes")
    return tuple(i % ndim for i in axes)


@implements(np.dot)
def dot(a, b, out=None):
    """numpy's ``dot``: scalars multiply; with a vector or at most two axes on both sides
    it is ``matmul``; else the last axis of ``a`` with the second-to-last of ``b``."""
    no_out("np.dot", out)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return a * b
    if (na <= 2 and nb <= 2) or na == 1 or nb == 1:
        return P.matmul_p(a, b)
    return tensordot(a, b, axes=([na - 1], [nb - 2]))


@implements(np.inner)
def inner(a, b):
    """numpy's ``inner``: the last axes of ``a`` and ``b`` summed (scalars multiply)."""
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return a * b
    return tensordot(a, b, axes=([ndim_of(a) - 1], [ndim_of(b) - 1]))


def _flat(x):
    n = 1
    for d in shape_of(x):
        n *= d
    return P.reshape_p(x, shape=(n,))


@implements(np.outer)
def outer(a, b, out=None):
    """numpy's ``outer``: ``a_i b_j`` of the flattened operands."""
    no_out("np.outer", out)
    return P.einsum_p(_flat(a), _flat(b), spec="a,b->ab")


@implements(np.vdot)
def vdot(a, b):
    """numpy's ``vdot`` of real operands: the flattened operands' dot product."""
    return P.einsum_p(_flat(a), _flat(b), spec="a,a->")


@implements(np.kron)
def kron(a, b):
    """numpy's ``kron``: blocks ``a_ij b``; the operands get leading axes of 1 to the same
    number of axes, then ``out[i p + k, ...] = a[i, ...] b[k, ...]``."""
    n = max(ndim_of(a), ndim_of(b))
    sa = (1,) * (n - ndim_of(a)) + shape_of(a)
    sb = (1,) * (n - ndim_of(b)) + shape_of(b)
    if n == 0:
        return a * b
    pairs = P.einsum_p(P.reshape_p(a, shape=sa), P.reshape_p(b, shape=sb),
                       spec=spec_of(tuple(range(0, 2 * n, 2)), tuple(range(1, 2 * n, 2)),
                                    tuple(range(2 * n))))
    return P.reshape_p(pairs, shape=tuple(p * q for p, q in zip(sa, sb)))


@implements(np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """numpy's ``cross`` of 3-vectors along ``axisa`` / ``axisb`` (broadcast batches),
    the result's vectors along ``axisc``. 2-vectors (deprecated by numpy 2) are refused."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _vectors_last(a, axisa), _vectors_last(b, axisb)
    if shape_of(a)[-1] != 3 or shape_of(b)[-1] != 3:
        raise refuse("np.cross", f"only 3-vectors are supported, got vectors of "
                                 f"{shape_of(a)[-1]} and {shape_of(b)[-1]} components "
                                 "(numpy 2 deprecates 2-vectors: add a zero third component)")
    a0, a1, a2 = (a[..., i] for i in range(3))
    b0, b1, b2 = (b[..., i] for i in range(3))
    c = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])
    n = ndim_of(c)
    (axisc,) = axes_of("np.cross", c, axisc)
    rest = list(range(1, n))
    return P.transpose_p(c, axes=tuple(rest[:axisc] + [0] + rest[axisc:]))


def _vectors_last(x, axis):
    if ndim_of(x) == 0:
        raise shape_error("np.cross", "the operands must be vectors, got a 0-d value")
    (axis,) = axes_of("np.cross", x, axis)
    rest = tuple(i for i in range(ndim_of(x)) if i != axis)
    return P.transpose_p(x, axes=rest + (axis,))
