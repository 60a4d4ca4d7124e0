"""The table's smooth functions beyond the basic ones: trigonometric, hyperbolic,
exponential and logarithmic, ``cbrt``, ``sinc``, and the binary ``arctan2``,
``hypot``, ``logaddexp`` and ``logaddexp2``.

Each entry is numpy's own function forward (``np.log10(1000)`` is exactly 3,
where ``log(x) / log(10)`` is not) and a closed-form rule, written with
``out`` when that is the cheaper or stabler form (``tan' = 1 + out^2``).
Composites (``exp2`` is ``power(2, x)``, ``reciprocal``, ``deg2rad``) are
in :mod:`backprop_toolkit.ops.functions`.

As in :mod:`.elementwise`, a rule looks its names up when it runs, so it may
use an entry defined further down.
"""

import math

import numpy as np

from .elementwise import (binary, cos_p, exp_p, less_p, neg_p, sigmoid_p, sqrt_p, square_p,
                          unary, where_p)

LN2, LN10, PI = math.log(2.0), math.log(10.0), math.pi

# -- trigonometric and hyperbolic --------------------------------------------------
tan_p = unary("tan", np.tan,
              lambda g, out, x: g * (1.0 + square_p(out)),          # d tan x = 1 + tan^2 x
              doc="tan(x).  d/dx = 1 + tan(x)^2 = 1 + out^2 (= 1 / cos^2 x).")
sinh_p = unary("sinh", np.sinh,
               lambda g, out, x: g * cosh_p(x),                     # d sinh x = cosh x
               doc="sinh(x).  d/dx = cosh(x).")
cosh_p = unary("cosh", np.cosh,
               lambda g, out, x: g * sinh_p(x),                     # d cosh x = sinh x
               doc="cosh(x).  d/dx = sinh(x).")
arcsin_p = unary("arcsin", np.arcsin,
                 # d arcsin x = 1 / sqrt(1 - x^2); 1 - x^2 as (1 - x)(1 + x), exact near |x| = 1
                 lambda g, out, x: g / sqrt_p((1.0 - x) * (1.0 + x)),
                 doc="arcsin(x), x in [-1, 1].  d/dx = 1 / sqrt(1 - x^2).")
arccos_p = unary("arccos", np.arccos,
                 lambda g, out, x: neg_p(g / sqrt_p((1.0 - x) * (1.0 + x))),  # -1/sqrt(1-x^2)
                 doc="arccos(x), x in [-1, 1].  d/dx = -1 / sqrt(1 - x^2).")
arctan_p = unary("arctan", np.arctan,
                 lambda g, out, x: g / (1.0 + square_p(x)),         # d arctan x = 1 / (1 + x^2)
                 doc="arctan(x).  d/dx = 1 / (1 + x^2).")
arcsinh_p = unary("arcsinh", np.arcsinh,
                  # d arcsinh x = 1 / sqrt(x^2 + 1) = 1 / hypot(x, 1): no overflow for large x
                  lambda g, out, x: g / hypot_p(x, 1.0),
                  doc="arcsinh(x).  d/dx = 1 / sqrt(x^2 + 1).")
arccosh_p = unary("arccosh", np.arccosh,
                  lambda g, out, x: g / sqrt_p((x - 1.0) * (x + 1.0)),  # 1 / sqrt(x^2 - 1)
                  doc="arccosh(x), x >= 1.  d/dx = 1 / sqrt(x^2 - 1).")
arctanh_p = unary("arctanh", np.arctanh,
                  lambda g, out, x: g / ((1.0 - x) * (1.0 + x)),    # d arctanh x = 1 / (1 - x^2)
                  doc="arctanh(x), x in (-1, 1).  d/dx = 1 / (1 - x^2).")

# -- exponentials, logarithms, roots ------------------------------------------------
expm1_p = unary("expm1", np.expm1,
                # d (e^x - 1) = e^x: exp(x), not out + 1, which is 0 for x < -37
                lambda g, out, x: g * exp_p(x),
                doc="expm1(x) = e^x - 1, exact for small x.  d/dx = e^x.")
log1p_p = unary("log1p", np.log1p,
                lambda g, out, x: g / (1.0 + x),                    # d log(1 + x) = 1 / (1 + x)
                doc="log1p(x) = log(1 + x), exact for small x.  d/dx = 1 / (1 + x).")
log2_p = unary("log2", np.log2,
               lambda g, out, x: g / (x * LN2),                     # d log2 x = 1 / (x ln 2)
               doc="log2(x).  d/dx = 1 / (x ln 2).")
log10_p = unary("log10", np.log10,
                lambda g, out, x: g / (x * LN10),                   # d log10 x = 1 / (x ln 10)
                doc="log10(x).  d/dx = 1 / (x ln 10).")
cbrt_p = unary("cbrt", np.cbrt,
               lambda g, out, x: g / (3.0 * square_p(out)),         # d x^(1/3) = 1 / (3 x^(2/3))
               doc="cbrt(x), the real cube root (negative x too).  d/dx = 1 / (3 out^2) "
                   "(infinite at x = 0).")

# -- sinc(x) = sin(pi x) / (pi x), 1 at x = 0 ----------------------------------------------
# Its slope (cos(pi x) - sinc(x)) / x cancels near 0, so for |x| < SERIES_BELOW it is the Taylor
# series sum_k>=1 (-1)^k 2k pi^2k x^(2k-1) / (2k+1)!: at x = 0 that is 0, and its own
# derivative -pi^2/3 is sinc''(0). Six terms reach double precision below 0.1.
SERIES_BELOW = 0.1
SINC_SERIES = tuple((-1) ** k * 2 * k * PI ** (2 * k) / math.factorial(2 * k + 1)
                    for k in range(1, 7))


def _sinc_slope(x):
    """sinc'(x): the series near 0, the closed form elsewhere; each branch sees only the
    inputs it is taken for (the other gets a harmless 0 or 1), so no branch makes inf or nan."""
    small = less_p(square_p(x), SERIES_BELOW ** 2)
    near = where_p(small, x, 0.0)
    far = where_p(small, 1.0, x)
    x2 = square_p(near)
    series = SINC_SERIES[-1]
    for c in reversed(SINC_SERIES[:-1]):                    # Horner's scheme in x^2
        series = c + x2 * series
    return where_p(small, near * series, (cos_p(PI * far) - sinc_p(far)) / far)


sinc_p = unary("sinc", np.sinc,
               lambda g, out, x: g * _sinc_slope(x),
               doc="sinc(x) = sin(pi x) / (pi x), and 1 at x = 0 (numpy's normalised sinc).  "
                   "d/dx = (cos(pi x) - sinc(x)) / x, which is 0 at x = 0; near 0 it is "
                   "computed from its Taylor series, so sinc''(0) = -pi^2/3 comes out too.")

# -- functions of two inputs -------------------------------------------------------
arctan2_p = binary("arctan2", np.arctan2,
                   lambda g, out, y, x: g * x / (square_p(x) + square_p(y)),   # x / (x^2 + y^2)
                   lambda g, out, y, x: neg_p(g * y / (square_p(x) + square_p(y))),  # -y/(..)
                   doc="arctan2(y, x): the angle of the point (x, y), in (-pi, pi].  "
                       "d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).")
hypot_p = binary("hypot", np.hypot,
                 lambda g, out, a, b: g * a / out,                  # d sqrt(a^2 + b^2)/da = a/out
                 lambda g, out, a, b: g * b / out,                  # d/db = b / out
                 doc="hypot(a, b) = sqrt(a^2 + b^2) without overflow.  d/da = a / hypot, "
                     "d/db = b / hypot (undefined at a = b = 0).")
logaddexp_p = binary("logaddexp", np.logaddexp,
                     lambda g, out, a, b: g * sigmoid_p(a - b),     # e^a / (e^a + e^b)
                     lambda g, out, a, b: g * sigmoid_p(b - a),     # e^b / (e^a + e^b)
                     doc="logaddexp(a, b) = log(e^a + e^b), computed without overflow (numpy's).  "
                         "d/da = e^a / (e^a + e^b) = sigmoid(a - b), d/db = sigmoid(b - a): "
                         "stable for any a, b, and exactly 1/2 each at a = b.")
logaddexp2_p = binary("logaddexp2", np.logaddexp2,
                      lambda g, out, a, b: g * sigmoid_p((a - b) * LN2),  # 2^a / (2^a + 2^b)
                      lambda g, out, a, b: g * sigmoid_p((b - a) * LN2),  # 2^b / (2^a + 2^b)
                      doc="logaddexp2(a, b) = log2(2^a + 2^b), without overflow (numpy's; "
                          "logaddexp2(1000, 1000) is exactly 1001).  d/da = 2^a / (2^a + 2^b) "
                          "= sigmoid((a - b) ln 2), d/db = sigmoid((b - a) ln 2).")
