"""THE table: every primitive, once, with its forward, shape rule and derivative rules.

Each entry says what the op computes (numpy, the only place numpy math appears)
and how its derivative is computed, **in the op language** (``*``, ``+``,
``cos``, ``sum_to``, ...). The engines feed those rules whatever they work on:

* the tape's first-order backward feeds numpy arrays, so a rule is plain numpy;
* the tape's higher-order backward feeds tensors, so a rule is recorded;
* the symbolic engine feeds nodes, so a rule builds the derivative graph.

Notation in the comments: ``g`` is the output's cotangent (VJP, reverse mode),
``t`` an input's tangent (JVP, forward mode), ``out`` the output.

Broadcasting is explicit: a binary op's VJP sums its cotangent back to the
input's shape with ``sum_to``; its JVP spreads a tangent to the output's shape
with ``broadcast_to``. Those two are primitives whose rules are each other.

Composite or fused? ``sigmoid``, ``relu``, ``square``, ``softmax``,
``log_softmax`` and ``logsumexp`` are primitives of their own: one readable
node in drawings and a stable rule (``sigmoid' = out (1 - out)``, softmax's
gradient without a Jacobian). ``mean`` and ``sqrt``-free norms are composites
in :mod:`backprop_toolkit.ops`.
"""

import numpy as np

from .dispatch import Primitive, shape_of

TABLE = {}
"""Every built-in primitive by name. The generic checker tests each entry."""


def register(prim):
    """Add a built-in primitive to :data:`TABLE` and return it."""
    if prim.name in TABLE:
        raise ValueError(f"primitive {prim.name!r} is already in the table")
    TABLE[prim.name] = prim
    return prim


# --------------------------------------------------------------------------
# Shape rules and shape helpers (metadata only: plain tuples).
# --------------------------------------------------------------------------


def same_shape(shape, **params):
    return tuple(shape)


def broadcast_shapes(*shapes, **params):
    first = shapes[0]
    if all(s == first for s in shapes):  # the common case, without numpy's machinery
        return tuple(first)
    return tuple(np.broadcast_shapes(*shapes))


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
    if tuple(np.broadcast_shapes(s, shape)) != tuple(shape):
        raise ValueError(f"cannot broadcast {s} to {tuple(shape)}")
    return tuple(shape)


def index_shape(s, index):
    """Shape of ``x[index]`` for ``x`` of shape ``s``, without allocating ``x``."""
    return np.broadcast_to(np.int8(0), s)[index].shape


SHAPE_HELPERS = ("same_shape", "broadcast_shapes", "normalize_axis", "reduced_shape",
                 "reduce_shape_rule", "sum_to_axes", "matmul_shape", "reshape_shape",
                 "broadcast_to_shape", "index_shape")
"""Helpers that compute shapes (tuples), not values: rules may call them."""


# --------------------------------------------------------------------------
# Rule helpers, written in the op language (no numpy math).
# --------------------------------------------------------------------------


def expand(g, shape, axis, keepdims):
    """Undo a reduction's shape: ``g`` (reduced over ``axis``) spread back to ``shape``."""
    kept = reduced_shape(shape, axis, True)
    return broadcast_to(reshape(g, shape=kept), shape=shape)


def swap_last(x):
    """Transpose of the last two axes (a batch of matrices)."""
    axes = tuple(range(len(shape_of(x))))
    return transpose(x, axes=axes[:-2] + (axes[-1], axes[-2]))


def as_matrix(x, vector_axis):
    """A 1-D ``x`` as a row (``vector_axis=0``) or column (``1``) matrix; others as they are."""
    shape = shape_of(x)
    if len(shape) != 1:
        return x
    return reshape(x, shape=(1, shape[0]) if vector_axis == 0 else (shape[0], 1))


def inverse_permutation(axes):
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i]))


# --------------------------------------------------------------------------
# Entry builders for the two common families.
# --------------------------------------------------------------------------


def unary(name, impl, derivative, doc):
    """Elementwise ``f(x)``: the Jacobian is diagonal, so VJP and JVP are the
    same product ``g * f'(x)``; ``derivative(g, out, x)`` gives it."""
    return register(Primitive(name, impl, same_shape, [derivative], [derivative], doc=doc))


def binary(name, impl, partial_a, partial_b, doc):
    """Elementwise ``f(a, b)`` with broadcasting.

    ``partial_a(g, out, a, b)`` is ``g * df/da`` (likewise ``b``). Reverse mode
    sums it back to ``a``'s shape; forward mode spreads it to the output's.
    """

    def vjp_a(g, out, a, b):
        return sum_to(partial_a(g, out, a, b), shape=shape_of(a))

    def vjp_b(g, out, a, b):
        return sum_to(partial_b(g, out, a, b), shape=shape_of(b))

    def jvp_a(t, out, a, b):
        return broadcast_to(partial_a(t, out, a, b), shape=shape_of(out))

    def jvp_b(t, out, a, b):
        return broadcast_to(partial_b(t, out, a, b), shape=shape_of(out))

    return register(
        Primitive(name, impl, broadcast_shapes, [vjp_a, vjp_b], [jvp_a, jvp_b], doc=doc)
    )


def comparison(name, impl):
    """A truth-valued elementwise test: no derivative (``where`` consumes it)."""
    return register(
        Primitive(name, impl, broadcast_shapes, [None, None], [None, None], boolean=True,
                  doc=f"{name}(a, b): elementwise truth values; not differentiated.")
    )


def linear(name, impl, shape, transpose_rule, doc, identity=None):
    """A linear op ``y = L(x)``: JVP is ``L(t)``, VJP the transpose ``L^T(g)``.

    ``identity(x_shape, **params)`` says when ``L`` leaves ``x`` as it is
    (a reshape to the same shape): then no node or tape entry is made.
    """

    def jvp(t, out, x, **params):
        return prim(t, **params)

    prim = register(Primitive(name, impl, shape, [transpose_rule], [jvp], doc=doc,
                              identity=identity))
    return prim


def unchanged_shape(s, shape):
    return tuple(s) == tuple(shape)


# --------------------------------------------------------------------------
# The table.
# --------------------------------------------------------------------------

# -- arithmetic --------------------------------------------------------------
add = binary("add", np.add,
             lambda g, out, a, b: g,                       # d(a+b)/da = 1
             lambda g, out, a, b: g,                       # d(a+b)/db = 1
             doc="add(a, b) = a + b.  d/da = 1, d/db = 1 (the gradient distributor).")
sub = binary("sub", np.subtract,
             lambda g, out, a, b: g,                       # d(a-b)/da = 1
             lambda g, out, a, b: neg(g),                  # d(a-b)/db = -1
             doc="sub(a, b) = a - b.  d/da = 1, d/db = -1.")
mul = binary("mul", np.multiply,
             lambda g, out, a, b: g * b,                   # d(ab)/da = b
             lambda g, out, a, b: g * a,                   # d(ab)/db = a
             doc="mul(a, b) = a * b.  d/da = b, d/db = a (the gradient switcher).")
div = binary("div", np.true_divide,
             lambda g, out, a, b: g / b,                   # d(a/b)/da = 1/b
             lambda g, out, a, b: neg(g * out / b),        # d(a/b)/db = -a/b^2 = -out/b
             doc="div(a, b) = a / b.  d/da = 1/b, d/db = -a/b^2.")


def _base_if_flat(a, b):
    """``a``, but 1 where ``a == 0`` and ``b == 0``: there ``b a^(b-1)`` is ``0 * inf``.

    ``x^0 = 1`` is flat, so its derivative is 0 even at ``x = 0``; with the base
    1 the product ``b a^(b-1)`` is ``0 * 1 = 0``, and every derivative of it is
    finite too (the "double where": the masked point never meets ``inf``). Only
    that point is masked: at ``b = 0``, ``a != 0`` the mixed partial
    ``d/db (b a^(b-1)) = 1/a`` must stay right.
    """
    return where(equal(b, 0.0), where(equal(a, 0.0), 1.0, a), a)


def _nonzero_base(a):
    """``a``, but 1 where ``a == 0``: its ``log`` is finite everywhere, so the branch of
    ``where`` that is not taken never makes a ``nan`` (first derivative or second)."""
    return where(equal(a, 0.0), 1.0, a)


power = binary("power", np.power,
               # d(a^b)/da = b a^(b-1); 0 where b == 0 (x^0 = 1 is flat, even at x = 0)
               lambda g, out, a, b: g * b * power(_base_if_flat(a, b), b - 1),
               # d(a^b)/db = a^b log a; 0 where a == 0 (0^b = 0 for every b > 0)
               lambda g, out, a, b: where(equal(a, 0.0), 0.0,
                                          g * out * log(_nonzero_base(a))),
               doc="power(a, b) = a ** b.  d/da = b a^(b-1) (0 where b = 0), "
                   "d/db = a^b log(a) (0 where a = 0).")
maximum = binary("maximum", np.maximum,
                 # the larger input takes the whole gradient; a tie splits it
                 lambda g, out, a, b: where(greater(a, b), g, where(equal(a, b), 0.5 * g, 0.0)),
                 lambda g, out, a, b: where(less(a, b), g, where(equal(a, b), 0.5 * g, 0.0)),
                 doc="maximum(a, b): d/da = [a > b] (+1/2 at a tie): the gradient router.")

neg = unary("neg", np.negative,
            lambda g, out, x: neg(g),                        # d(-x)/dx = -1
            doc="neg(x) = -x.  d/dx = -1.")

# -- elementwise functions ---------------------------------------------------
exp = unary("exp", np.exp,
            lambda g, out, x: g * out,                       # d e^x = e^x
            doc="exp(x) = e^x.  d/dx = e^x (= out).")
log = unary("log", np.log,
            lambda g, out, x: g / x,                         # d log x = 1/x
            doc="log(x), natural logarithm.  d/dx = 1/x.")
sin = unary("sin", np.sin,
            lambda g, out, x: g * cos(x),                    # d sin x = cos x
            doc="sin(x).  d/dx = cos(x).")
cos = unary("cos", np.cos,
            lambda g, out, x: neg(g * sin(x)),               # d cos x = -sin x
            doc="cos(x).  d/dx = -sin(x).")
tanh = unary("tanh", np.tanh,
             lambda g, out, x: g * (1.0 - square(out)),     # d tanh x = 1 - tanh^2 x
             doc="tanh(x).  d/dx = 1 - tanh(x)^2 = 1 - out^2.")
sigmoid = unary("sigmoid", lambda x: _stable_sigmoid(x),
                lambda g, out, x: g * (out * (1.0 - out)),  # d s(x) = s(x) (1 - s(x))
                doc="sigmoid(x) = 1 / (1 + e^-x).  d/dx = s(x) (1 - s(x)) = out (1 - out).")
relu = unary("relu", lambda x: np.maximum(x, 0),
             lambda g, out, x: where(greater(x, 0.0), g, 0.0),   # d relu x = [x > 0]
             doc="relu(x) = max(x, 0).  d/dx = 1 where x > 0, else 0.")
sqrt = unary("sqrt", np.sqrt,
             lambda g, out, x: g / (2.0 * out),             # d sqrt x = 1 / (2 sqrt x)
             doc="sqrt(x).  d/dx = 1 / (2 sqrt(x)) = 1 / (2 out).")
square = unary("square", np.square,
               lambda g, out, x: g * (2.0 * x),             # d x^2 = 2x
               doc="square(x) = x^2.  d/dx = 2x.")
abs = unary("abs", np.abs,
            lambda g, out, x: g * sign(x),                   # d |x| = sign(x)
            doc="abs(x) = |x|.  d/dx = sign(x) (0 at x = 0).")
sign = register(Primitive("sign", np.sign, same_shape, [None], [None],
                          doc="sign(x) in {-1, 0, 1}: piecewise constant, derivative 0."))


# stop_gradient(x) = x, read as a constant: its derivative is 0 by decree (no rule at all).
stop_gradient = register(Primitive(
    "stop_gradient", lambda x: np.array(x, copy=True), same_shape, [None], [None],
    doc="stop_gradient(x) = x as a constant: derivatives do not flow through it."))


def _stable_sigmoid(x):
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1."""
    z = np.exp(-np.abs(x))
    return np.where(np.greater_equal(x, 0), 1 / (1 + z), z / (1 + z))


# -- comparisons (consumed by where, never differentiated) -------------------
less = comparison("less", np.less)
less_equal = comparison("less_equal", np.less_equal)
greater = comparison("greater", np.greater)
greater_equal = comparison("greater_equal", np.greater_equal)
equal = comparison("equal", np.equal)
not_equal = comparison("not_equal", np.not_equal)


# where(c, a, b): a where c holds, else b.  d/da = [c], d/db = [not c]; c is not differentiated.
def _where_shape(c, a, b):
    return tuple(np.broadcast_shapes(c, a, b))


where = register(Primitive(
    "where", lambda c, a, b: np.where(c, a, b), _where_shape,
    vjp=[None,
         lambda g, out, c, a, b: sum_to(where(c, g, 0.0), shape=shape_of(a)),
         lambda g, out, c, a, b: sum_to(where(c, 0.0, g), shape=shape_of(b))],
    jvp=[None,
         lambda t, out, c, a, b: broadcast_to(where(c, t, 0.0), shape=shape_of(out)),
         lambda t, out, c, a, b: broadcast_to(where(c, 0.0, t), shape=shape_of(out))],
    doc="where(c, a, b): a where c is true, else b.  d/da = [c], d/db = [not c]."))


# -- broadcasting, made explicit: each is the other's transpose --------------
def _sum_to_impl(x, shape):
    axes = sum_to_axes(np.shape(x), shape)
    summed = np.add.reduce(x, axis=axes) if axes else x  # np.sum's Python wrapper, skipped
    return np.reshape(summed, shape)


broadcast_to = linear(
    "broadcast_to", lambda x, shape: np.broadcast_to(x, shape=shape).copy(),
    broadcast_to_shape,
    lambda g, out, x, shape: sum_to(g, shape=shape_of(x)),          # transpose: sum the copies
    doc="broadcast_to(x, shape): copies of x.  VJP: sum_to(g, x.shape).",
    identity=unchanged_shape)
sum_to = linear(
    "sum_to", _sum_to_impl,
    lambda s, shape: tuple(shape),
    lambda g, out, x, shape: broadcast_to(g, shape=shape_of(x)),    # transpose: copy back
    doc="sum_to(x, shape): sum the broadcast axes away.  VJP: broadcast_to(g, x.shape).",
    identity=unchanged_shape)

# fresh(x) = x: a transform's own variable standing for a value of an enclosing transform.
# The inner transform differentiates with respect to the fresh node only; the outer one sees
# through it (d fresh(x)/dx = 1), so nested transforms never confuse their variables.
fresh = register(Primitive(
    "fresh", lambda x: x, same_shape,
    vjp=[lambda g, out, x: g],                                      # d x / d x = 1
    jvp=[lambda t, out, x: t],
    doc="fresh(x) = x: a new variable for one transform level.  VJP: g, JVP: t."))

# -- reductions ----------------------------------------------------------------
sum = linear(
    "sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    reduce_shape_rule,
    lambda g, out, x, axis, keepdims: expand(g, shape_of(x), axis, keepdims),  # d sum = 1 each
    doc="sum(x, axis, keepdims).  Every summand gets the cotangent: VJP = broadcast g.")


def _max_share(out, x, axis, keepdims):
    """1/k at the k positions that attain the maximum, 0 elsewhere (constant in x)."""
    hit = where(equal(x, expand(out, shape_of(x), axis, keepdims)), 1.0, 0.0)
    return hit / expand(sum(hit, axis=axis, keepdims=True), shape_of(x), axis, True)


max = register(Primitive(
    "max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims), reduce_shape_rule,
    # d max / dx_i = 1 at the arg max (split evenly among ties), else 0
    vjp=[lambda g, out, x, axis, keepdims:
         expand(g, shape_of(x), axis, keepdims) * _max_share(out, x, axis, keepdims)],
    jvp=[lambda t, out, x, axis, keepdims:
         sum(t * _max_share(out, x, axis, keepdims), axis=axis, keepdims=keepdims)],
    doc="max(x, axis, keepdims).  The gradient goes to the maximal entry (shared among ties)."))


def _logsumexp_impl(x, axis, keepdims):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)


def _softmax_weights(out, x, axis, keepdims):
    """softmax(x) along ``axis``, from logsumexp's output: e^(x - lse)."""
    return exp(x - expand(out, shape_of(x), axis, keepdims))


logsumexp = register(Primitive(
    "logsumexp", _logsumexp_impl, reduce_shape_rule,
    # d lse / dx = softmax(x) = e^(x - out)
    vjp=[lambda g, out, x, axis, keepdims:
         expand(g, shape_of(x), axis, keepdims) * _softmax_weights(out, x, axis, keepdims)],
    jvp=[lambda t, out, x, axis, keepdims:
         sum(t * _softmax_weights(out, x, axis, keepdims), axis=axis, keepdims=keepdims)],
    doc="logsumexp(x, axis) = log sum e^x, computed as m + log sum e^(x-m), m = max x.  "
        "d/dx = softmax(x)."))


def _softmax_impl(x, axis):
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def _log_softmax_impl(x, axis):
    return x - _logsumexp_impl(x, axis=axis, keepdims=True)


# softmax: J = diag(s) - s s^T is symmetric, so VJP and JVP share one formula.
def _softmax_rule(g, out, x, axis):
    return out * (g - sum(g * out, axis=(axis,), keepdims=True))


softmax = register(Primitive(
    "softmax", _softmax_impl, lambda s, axis: tuple(s),
    vjp=[_softmax_rule],          # s * (g - <g, s>)
    jvp=[_softmax_rule],          # s * (t - <t, s>)
    doc="softmax(x, axis) = e^x / sum e^x.  J = diag(s) - s s^T: VJP = s (g - <g, s>)."))
log_softmax = register(Primitive(
    "log_softmax", _log_softmax_impl, lambda s, axis: tuple(s),
    # J = I - 1 s^T with s = e^out
    vjp=[lambda g, out, x, axis: g - exp(out) * sum(g, axis=(axis,), keepdims=True)],
    jvp=[lambda t, out, x, axis: t - sum(exp(out) * t, axis=(axis,), keepdims=True)],
    doc="log_softmax(x, axis) = x - logsumexp(x).  J = I - 1 s^T, s = softmax(x)."))

# -- shape ops -----------------------------------------------------------------
reshape = linear(
    "reshape", lambda x, shape: np.reshape(x, shape),
    reshape_shape,
    lambda g, out, x, shape: reshape(g, shape=shape_of(x)),        # transpose: reshape back
    doc="reshape(x, shape).  VJP: reshape(g, x.shape).",
    identity=unchanged_shape)
transpose = linear(
    "transpose", lambda x, axes: np.transpose(x, axes),
    lambda s, axes: tuple(s[a] for a in axes),
    lambda g, out, x, axes: transpose(g, axes=inverse_permutation(axes)),   # permute back
    doc="transpose(x, axes).  VJP: the inverse permutation of g.",
    identity=lambda s, axes: tuple(axes) == tuple(range(len(axes))))
getitem = linear(
    "getitem", lambda x, index: np.asarray(x[index]),
    index_shape,
    lambda g, out, x, index: scatter_add(g, index=index, shape=shape_of(x)),
    doc="getitem(x, index) = x[index].  VJP: g added into zeros of x's shape at index.")


def _scatter_add_impl(g, index, shape):
    z = np.zeros(shape, dtype=_float_dtype(g))
    np.add.at(z, index, g)
    return z


def _float_dtype(g):
    """``g``'s dtype if it is a float type, else float64 (a Python float is float64)."""
    dtype = np.asarray(g).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


scatter_add = linear(
    "scatter_add", _scatter_add_impl,
    lambda s, index, shape: tuple(shape),
    lambda g, out, x, index, shape: getitem(g, index=index),   # transpose of scatter is gather
    doc="scatter_add(g, index, shape): zeros of shape with g added at index.  VJP: g[index].")


# matmul(a, b) = a @ b.  d/da: g @ b^T, d/db: a^T @ g (vectors seen as 1-row / 1-column).
def _matmul_vjp_a(g, out, a, b):
    if len(shape_of(a)) > 1 and len(shape_of(b)) > 1:  # matrices (or batches of them)
        return sum_to(matmul(g, swap_last(b)), shape=shape_of(a))
    a2, b2 = as_matrix(a, 0), as_matrix(b, 1)
    g2 = reshape(g, shape=matmul_shape(shape_of(a2), shape_of(b2)))
    return reshape(sum_to(matmul(g2, swap_last(b2)), shape=shape_of(a2)), shape=shape_of(a))


def _matmul_vjp_b(g, out, a, b):
    if len(shape_of(a)) > 1 and len(shape_of(b)) > 1:
        return sum_to(matmul(swap_last(a), g), shape=shape_of(b))
    a2, b2 = as_matrix(a, 0), as_matrix(b, 1)
    g2 = reshape(g, shape=matmul_shape(shape_of(a2), shape_of(b2)))
    return reshape(sum_to(matmul(swap_last(a2), g2), shape=shape_of(b2)), shape=shape_of(b))


matmul = register(Primitive(
    "matmul", np.matmul, matmul_shape,
    vjp=[_matmul_vjp_a, _matmul_vjp_b],
    jvp=[lambda t, out, a, b: matmul(t, b),                 # bilinear: d(ab) = (da) b + a (db)
         lambda t, out, a, b: matmul(a, t)],
    doc="matmul(a, b) = a @ b.  VJP: g @ b^T for a, a^T @ g for b."))
