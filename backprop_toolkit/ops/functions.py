"""Smooth elementwise functions with numpy's names: trigonometric, hyperbolic,
exponential and logarithmic, and numpy's aliases of the basic ops.

Most are table entries themselves (``bt.tan`` *is* ``tan_p``). A few are
composites, when one or two existing entries give numpy's numbers exactly:
``exp2(x) = power(2, x)``, ``reciprocal(x) = 1 / x``, ``deg2rad(x) = x (pi/180)``,
``rad2deg(x) = x (180/pi)``. On real values ``conjugate`` and ``real`` are the
identity, and so is ``positive``.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import Traced, dtype_of
from .numpy_api import implements
from .pointwise import abs, div, mul, power

tan, sinh, cosh, arctan = P.tan_p, P.sinh_p, P.cosh_p, P.arctan_p
arcsin, arccos, arcsinh, arccosh, arctanh = (P.arcsin_p, P.arccos_p, P.arcsinh_p, P.arccosh_p,
                                             P.arctanh_p)
expm1, log1p, log2, log10 = P.expm1_p, P.log1p_p, P.log2_p, P.log10_p
cbrt, sinc = P.cbrt_p, P.sinc_p
arctan2, hypot, logaddexp, logaddexp2 = P.arctan2_p, P.hypot_p, P.logaddexp_p, P.logaddexp2_p
fabs = absolute = abs           # on real numbers fabs is abs
divide = div                    # np.divide is np.true_divide

for _ufunc, _op in [
    (np.tan, tan), (np.sinh, sinh), (np.cosh, cosh), (np.arcsin, arcsin), (np.arccos, arccos),
    (np.arctan, arctan), (np.arcsinh, arcsinh), (np.arccosh, arccosh), (np.arctanh, arctanh),
    (np.expm1, expm1), (np.log1p, log1p), (np.log2, log2), (np.log10, log10), (np.cbrt, cbrt),
    (np.sinc, sinc), (np.arctan2, arctan2), (np.hypot, hypot), (np.logaddexp, logaddexp),
    (np.logaddexp2, logaddexp2), (np.fabs, fabs),
]:
    implements(_ufunc)(_op)

DEGREE = np.pi / 180.0          # numpy's deg2rad multiplies by this very number
RADIAN = 180.0 / np.pi


@implements(np.exp2)
def exp2(x):
    """``2^x``: the composite ``power(2, x)`` (exact at integers).  d/dx = 2^x ln 2."""
    return power(2.0, x)


@implements(np.reciprocal)
def reciprocal(x):
    """``1 / x``: the composite ``div(1, x)``.  d/dx = -1/x^2."""
    return div(1.0, x)


@implements(np.deg2rad, np.radians)
def deg2rad(x):
    """Degrees to radians, ``x pi/180`` (a composite; numpy computes the same product)."""
    return mul(x, DEGREE)


@implements(np.rad2deg, np.degrees)
def rad2deg(x):
    """Radians to degrees, ``x 180/pi`` (a composite, numpy's product)."""
    return mul(x, RADIAN)


radians, degrees = deg2rad, rad2deg


@implements(np.float_power)
def float_power(a, b):
    """``a ** b`` computed in float64, as numpy's ``float_power``: ``power`` of its
    inputs, a float32 value first promoted (times a float64 one)."""
    return power(_float64(a), _float64(b))


def _float64(x):
    if isinstance(x, Traced):
        return x if dtype_of(x) == np.float64 else mul(x, np.float64(1.0))
    return np.asarray(x, dtype=np.float64)


@implements(np.positive)
def positive(x):
    """``+x``: the value itself (engine values never change, so no copy is needed)."""
    return x if isinstance(x, Traced) else np.positive(x)


@implements(np.conjugate)
def conjugate(x):
    """The complex conjugate: engine values are real, so ``x`` itself."""
    return x if isinstance(x, Traced) else np.conjugate(x)


@implements(np.real)
def real(val):
    """The real part: engine values are real, so ``val`` itself."""
    return val if isinstance(val, Traced) else np.real(val)


@implements(np.real_if_close)
def real_if_close(a, tol=100):
    """``a`` as a real array: engine values are real already, so ``a`` itself."""
    return a if isinstance(a, Traced) else np.real_if_close(a, tol)


@implements(np.imag)
def imag(val):
    """The imaginary part: 0 for the real values of the engines (a constant: derivative 0)."""
    return np.zeros(np.shape(val), dtype_of(val)) if isinstance(val, Traced) else np.imag(val)


@implements(np.angle)
def angle(z, deg=False):
    """The argument of a real number: 0 for ``z >= 0``, pi (180 with ``deg``) for ``z < 0``.

    Piecewise constant, so its derivative is 0 (at ``z = -0.0`` numpy says pi, this says 0).
    """
    if not isinstance(z, Traced):
        return np.angle(z, deg)
    return P.where_p(P.less_p(z, 0.0), 180.0 if deg else np.pi, 0.0)


conj = conjugate
