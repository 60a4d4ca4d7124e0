"""Pointwise (elementwise) ops: each is the table's entry itself (``bt.mul`` *is* ``mul_p``)."""

import numpy as np

from .. import primitives as P
from .numpy_api import implements

add, sub, mul, div, neg, power = P.add_p, P.sub_p, P.mul_p, P.div_p, P.neg_p, P.power_p
exp, log, sin, cos, tanh = P.exp_p, P.log_p, P.sin_p, P.cos_p, P.tanh_p
sigmoid, relu, sqrt, square, abs = P.sigmoid_p, P.relu_p, P.sqrt_p, P.square_p, P.abs_p
sign, maximum, where, stop_gradient = P.sign_p, P.maximum_p, P.where_p, P.stop_gradient_p
less, less_equal, greater, greater_equal = P.less_p, P.less_equal_p, P.greater_p, P.greater_equal_p
equal, not_equal = P.equal_p, P.not_equal_p

for _ufunc, _op in [
    (np.add, add), (np.subtract, sub), (np.multiply, mul), (np.true_divide, div),
    (np.negative, neg), (np.power, power), (np.exp, exp), (np.log, log), (np.sin, sin),
    (np.cos, cos), (np.tanh, tanh), (np.sqrt, sqrt), (np.square, square), (np.absolute, abs),
    (np.sign, sign), (np.maximum, maximum), (np.less, less), (np.less_equal, less_equal),
    (np.greater, greater), (np.greater_equal, greater_equal), (np.equal, equal),
    (np.not_equal, not_equal), (np.where, where),
]:
    implements(_ufunc)(_op)
