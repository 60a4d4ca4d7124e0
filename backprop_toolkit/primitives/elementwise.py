"""The table's elementwise entries: arithmetic, functions of one input, comparisons, ``where``.

``g`` is the output's cotangent (VJP), ``t`` an input's tangent (JVP).
Broadcasting is explicit: a binary op's VJP sums its cotangent back to the
input's shape with ``sum_to_p``; its JVP spreads a tangent to the output's
shape with ``broadcast_to_p``.

Rules name entries that come later in this file (``sub_p``'s rule calls
``neg_p``): a rule looks its names up when it *runs*, in this module's
globals, by which time the whole table exists.
"""

import math

import numpy as np

from ..dispatch import Primitive, dtype_of, shape_of
from ..shapes import broadcast_shapes, same_shape, where_shape
from .linear import broadcast_to_p, sum_to_p
from .table import register


# -- entry builders for the two common families ----------------------------------
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
        return sum_to_p(partial_a(g, out, a, b), shape=shape_of(a))

    def vjp_b(g, out, a, b):
        return sum_to_p(partial_b(g, out, a, b), shape=shape_of(b))

    def jvp_a(t, out, a, b):
        return broadcast_to_p(partial_a(t, out, a, b), shape=shape_of(out))

    def jvp_b(t, out, a, b):
        return broadcast_to_p(partial_b(t, out, a, b), shape=shape_of(out))

    return register(
        Primitive(name, impl, broadcast_shapes, [vjp_a, vjp_b], [jvp_a, jvp_b], doc=doc)
    )


def comparison(name, impl):
    """A truth-valued elementwise test: no derivative (``where`` consumes it)."""
    return register(
        Primitive(name, impl, broadcast_shapes, [None, None], [None, None], boolean=True,
                  doc=f"{name}(a, b): elementwise truth values; not differentiated.")
    )


# -- arithmetic --------------------------------------------------------------
add_p = binary("add", np.add,
               lambda g, out, a, b: g,                       # d(a+b)/da = 1
               lambda g, out, a, b: g,                       # d(a+b)/db = 1
               doc="add(a, b) = a + b.  d/da = 1, d/db = 1 (the gradient distributor).")
sub_p = binary("sub", np.subtract,
               lambda g, out, a, b: g,                       # d(a-b)/da = 1
               lambda g, out, a, b: neg_p(g),                # d(a-b)/db = -1
               doc="sub(a, b) = a - b.  d/da = 1, d/db = -1.")
mul_p = binary("mul", np.multiply,
               lambda g, out, a, b: g * b,                   # d(ab)/da = b
               lambda g, out, a, b: g * a,                   # d(ab)/db = a
               doc="mul(a, b) = a * b.  d/da = b, d/db = a (the gradient switcher).")
div_p = binary("div", np.true_divide,
               lambda g, out, a, b: g / b,                   # d(a/b)/da = 1/b
               lambda g, out, a, b: neg_p(g * out / b),      # d(a/b)/db = -a/b^2 = -out/b
               doc="div(a, b) = a / b.  d/da = 1/b, d/db = -a/b^2.")


def _base_if_flat(a, b):
    """``a``, but 1 where ``a == 0`` and ``b == 0``: there ``b a^(b-1)`` is ``0 * inf``.

    ``x^0 = 1`` is flat, so its derivative is 0 even at ``x = 0``; with the base
    1 the product ``b a^(b-1)`` is ``0 * 1 = 0``, and every derivative of it is
    finite too (the "double where": the masked point never meets ``inf``). Only
    that point is masked: at ``b = 0``, ``a != 0`` the mixed partial
    ``d/db (b a^(b-1)) = 1/a`` must stay right.
    """
    return where_p(equal_p(b, 0.0), where_p(equal_p(a, 0.0), 1.0, a), a)


def _nonzero_base(a):
    """``a``, but 1 where ``a == 0``: its ``log`` is finite everywhere, so the branch of
    ``where`` that is not taken never makes a ``nan`` (first derivative or second)."""
    return where_p(equal_p(a, 0.0), 1.0, a)


power_p = binary("power", np.power,
                 # d(a^b)/da = b a^(b-1); 0 where b == 0 (x^0 = 1 is flat, even at x = 0)
                 lambda g, out, a, b: g * b * power_p(_base_if_flat(a, b), b - 1),
                 # d(a^b)/db = a^b log a; 0 where a == 0 (0^b = 0 for every b > 0)
                 lambda g, out, a, b: where_p(equal_p(a, 0.0), 0.0,
                                              g * out * log_p(_nonzero_base(a))),
                 doc="power(a, b) = a ** b.  d/da = b a^(b-1) (0 where b = 0), "
                     "d/db = a^b log(a) (0 where a = 0).")
maximum_p = binary("maximum", np.maximum,
                   # the larger input takes the whole gradient; a tie splits it
                   lambda g, out, a, b: where_p(greater_p(a, b), g,
                                                where_p(equal_p(a, b), 0.5 * g, 0.0)),
                   lambda g, out, a, b: where_p(less_p(a, b), g,
                                                where_p(equal_p(a, b), 0.5 * g, 0.0)),
                   doc="maximum(a, b): d/da = [a > b] (+1/2 at a tie): the gradient router.")

neg_p = unary("neg", np.negative,
              lambda g, out, x: neg_p(g),                    # d(-x)/dx = -1
              doc="neg(x) = -x.  d/dx = -1.")


# -- elementwise functions ---------------------------------------------------
def _stable_sigmoid(x):
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1."""
    z = np.exp(-np.abs(x))
    return np.where(np.greater_equal(x, 0), 1 / (1 + z), z / (1 + z))


exp_p = unary("exp", np.exp,
              lambda g, out, x: g * out,                     # d e^x = e^x
              doc="exp(x) = e^x.  d/dx = e^x (= out).")
log_p = unary("log", np.log,
              lambda g, out, x: g / x,                       # d log x = 1/x
              doc="log(x), natural logarithm.  d/dx = 1/x.")
sin_p = unary("sin", np.sin,
              lambda g, out, x: g * cos_p(x),                # d sin x = cos x
              doc="sin(x).  d/dx = cos(x).")
cos_p = unary("cos", np.cos,
              lambda g, out, x: neg_p(g * sin_p(x)),         # d cos x = -sin x
              doc="cos(x).  d/dx = -sin(x).")
tanh_p = unary("tanh", np.tanh,
               lambda g, out, x: g * (1.0 - square_p(out)),  # d tanh x = 1 - tanh^2 x
               doc="tanh(x).  d/dx = 1 - tanh(x)^2 = 1 - out^2.")
sigmoid_p = unary("sigmoid", _stable_sigmoid,
                  lambda g, out, x: g * (out * (1.0 - out)),  # d s(x) = s(x) (1 - s(x))
                  doc="sigmoid(x) = 1 / (1 + e^-x).  d/dx = s(x) (1 - s(x)) = out (1 - out).")
relu_p = unary("relu", lambda x: np.maximum(x, 0),
               lambda g, out, x: where_p(greater_p(x, 0.0), g, 0.0),   # d relu x = [x > 0]
               doc="relu(x) = max(x, 0).  d/dx = 1 where x > 0, else 0.")
sqrt_p = unary("sqrt", np.sqrt,
               lambda g, out, x: g / (2.0 * out),           # d sqrt x = 1 / (2 sqrt x)
               doc="sqrt(x).  d/dx = 1 / (2 sqrt(x)) = 1 / (2 out).")
square_p = unary("square", np.square,
                 lambda g, out, x: g * (2.0 * x),           # d x^2 = 2x
                 doc="square(x) = x^2.  d/dx = 2x.")
abs_p = unary("abs", np.abs,
              lambda g, out, x: g * sign_p(x),               # d |x| = sign(x)
              doc="abs(x) = |x|.  d/dx = sign(x) (0 at x = 0).")
sign_p = register(Primitive("sign", np.sign, same_shape, [None], [None],
                            doc="sign(x) in {-1, 0, 1}: piecewise constant, derivative 0."))

# stop_gradient(x) = x, read as a constant: its derivative is 0 by decree (no rule at all).
stop_gradient_p = register(Primitive(
    "stop_gradient", lambda x: np.array(x, copy=True), same_shape, [None], [None],
    doc="stop_gradient(x) = x as a constant: derivatives do not flow through it."))

# astype(x, dtype): x in another float type; linear: the tangent is cast the same way, the
# cotangent cast back to x's own dtype (d cast(x)/dx = 1, rounded to the target's precision).
astype_p = register(Primitive(
    "astype", lambda x, dtype: np.asarray(x).astype(dtype), same_shape,
    vjp=[lambda g, out, x, dtype: astype_p(g, dtype=dtype_of(x).name)],   # cast back
    jvp=[lambda t, out, x, dtype: astype_p(t, dtype=dtype)],
    dtype_rule=lambda x_dtype, dtype: np.dtype(dtype),
    doc="astype(x, dtype): x cast to a float dtype.  d/dx = 1: VJP casts g back to x's "
        "dtype, JVP casts t to dtype."))

# -- comparisons (consumed by where, never differentiated) -------------------
less_p = comparison("less", np.less)
less_equal_p = comparison("less_equal", np.less_equal)
greater_p = comparison("greater", np.greater)
greater_equal_p = comparison("greater_equal", np.greater_equal)
equal_p = comparison("equal", np.equal)
not_equal_p = comparison("not_equal", np.not_equal)

# -- where: the select every piecewise rule ends in -----------------------------------
_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}
LARGE = 4096
"""From this many entries on, ``where`` against a zero selects by bit mask: below it
``np.where``'s one call costs less than the mask's three."""


def _plain_zero(v):
    """``v`` is the Python number 0 (or +0.0): all its bits are 0 in any float type, and
    numpy's promotion leaves the other operand's dtype as it is."""
    return (type(v) is float or type(v) is int) and v == 0 and math.copysign(1.0, v) > 0


def _where_impl(c, a, b):
    """``np.where(c, a, b)``, bit for bit; against a zero (``where(c, g, 0.0)``, every
    ``relu``, ``maximum`` and ``where`` VJP) by a bit mask on large float arrays.

    ``np.where`` chooses entry by entry with a branch, which a random condition keeps
    mispredicting: 4x the time of a product on a (128, 256) float32 array (40 against
    10 us), the largest float32 loss of the W2 step. ANDing the value's bits with 0 or -1
    (the condition's bytes, negated) keeps an entry or makes it +0.0 without a branch:
    the same bits as ``np.where`` (nan, inf and -0.0 kept where chosen; not ``g * c``,
    which makes ``0 * inf = nan``).
    """
    if type(c) is np.ndarray and c.dtype == np.bool_:
        if _plain_zero(b) and _selectable(a, c):
            return _keep(a, np.negative(c.view(np.int8)))   # True -> -1: all bits kept
        if _plain_zero(a) and _selectable(b, c):
            return _keep(b, c.view(np.int8) - 1)            # False -> -1
    return np.where(c, a, b)


def _selectable(x, c):
    return (type(x) is np.ndarray and x.dtype.kind == "f" and x.shape == c.shape
            and x.size >= LARGE and x.itemsize in _SAME_WIDTH_INT)


def _keep(x, mask):
    """``x``'s entries where ``mask`` (int8, 0 or -1, sign-extended) is -1, else +0.0."""
    width = _SAME_WIDTH_INT[x.itemsize]
    out = np.empty(x.shape, x.dtype)
    np.bitwise_and(x.view(width), mask, out=out.view(width))
    return out


# where(c, a, b): a where c holds, else b.  d/da = [c], d/db = [not c]; c is not differentiated.
where_p = register(Primitive(
    "where", _where_impl, where_shape,
    vjp=[None,
         lambda g, out, c, a, b: sum_to_p(where_p(c, g, 0.0), shape=shape_of(a)),
         lambda g, out, c, a, b: sum_to_p(where_p(c, 0.0, g), shape=shape_of(b))],
    jvp=[None,
         lambda t, out, c, a, b: broadcast_to_p(where_p(c, t, 0.0), shape=shape_of(out)),
         lambda t, out, c, a, b: broadcast_to_p(where_p(c, 0.0, t), shape=shape_of(out))],
    doc="where(c, a, b): a where c is true, else b.  d/da = [c], d/db = [not c]."))
