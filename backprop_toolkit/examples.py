"""The lecture texts' examples, as op-language functions (they run on both engines).

Figures, notebooks and tests use these, so every picture and number of the
course comes from the same definitions:

* :func:`book_f` and :func:`book_graph`: Figure 6.10's z = f(f(f(w)));
* :func:`add_mul`: the first circuit, f(x, y, z) = (x + y) z at (-2, 5, -4);
* :func:`scalar_neuron` (unfused) and :func:`scalar_neuron_fused`: the sigmoid
  neuron at :data:`NEURON_ARGS`, w = (2, -3, -3), x = (-1, -2);
* :func:`wengert`: x1 x2 + sin x1, the forward-accumulation example.
"""

import numpy as np

from . import ops as bt
from . import symbolic as sym


def book_f():
    """The book's f (here tanh) with f' an op of its own, so that f' shows as a node.

    f'(x) = 1 - f(x)^2 and f''(x) = -2 f(x) f'(x): each derivative is written with
    f and f' themselves, so the graph of a second derivative reuses the nodes f(x)
    of the forward graph (``sym.simplify`` merges equal nodes) instead of
    computing tanh again, and f is differentiable to any order on both engines.
    """
    def second(x):
        return -2.0 * f(x) * fprime(x)

    fprime = bt.elementwise("f'", lambda x: 1 - np.tanh(x) ** 2, derivative=second)
    f = bt.elementwise("f", np.tanh, derivative=fprime)
    return f


def book_graph():
    """``(w, z)``: the graph of z = f(f(f(w))) with its nodes named w, x, y, z."""
    f = book_f()
    w = sym.var("w")
    x = f(w).named("x")
    y = f(x).named("y")
    z = f(y).named("z")
    return w, z


def add_mul(x, y, z):
    """(x + y) z: at (-2, 5, -4) the gradient is (-4, -4, 3)."""
    q = x + y
    return q * z


NEURON_ARGS = (2.0, -1.0, -3.0, -2.0, -3.0)
"""(w0, x0, w1, x1, w2) of the sigmoid-neuron slides."""


def scalar_neuron(w0, x0, w1, x1, w2):
    """1 / (1 + exp(-(w0 x0 + w1 x1 + w2))) from exp, + and 1/x, on scalars."""
    return 1.0 / (1.0 + bt.exp(-(w0 * x0 + w1 * x1 + w2)))


def scalar_neuron_fused(w0, x0, w1, x1, w2):
    """The same neuron with one sigmoid gate."""
    return bt.sigmoid(w0 * x0 + w1 * x1 + w2)


def wengert(x1, x2):
    """x1 x2 + sin x1: w3 = w1 w2, w4 = sin w1, w5 = w3 + w4."""
    return x1 * x2 + bt.sin(x1)
