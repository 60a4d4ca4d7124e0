"""The tape's functional sweeps: ``grad`` (reverse) and ``jvp`` (forward) from outputs
to chosen inputs, on arrays (first order) or on tensors (``create_graph``: recorded, so
differentiable again). The transforms of :mod:`backprop_toolkit.api` run on these.
"""

import numpy as np

from ..passes import forward_pass
from .reverse import cotangents
from .tensor import Tensor, value_of


def tangents(y, leaves, seeds):
    """Forward mode over the record: the tangent of every tensor (by id) for the
    ``leaves``' tangents ``seeds``; first-order rules on arrays."""
    _, dots = forward_pass([y], leaves, seeds, value_of)
    return dots


def grad(outputs, inputs, seeds, create_graph=False):
    """Cotangents of ``inputs`` for output cotangents ``seeds`` (functional reverse mode).

    With ``create_graph`` the rules run on tensors, so the results are
    tensors with their own history (differentiable again); otherwise numpy.
    Inputs the outputs do not depend on get zeros.
    """
    view = None if create_graph else value_of
    seeds = [as_seed(s, create_graph) for s in seeds]
    bars = cotangents(outputs, seeds, inputs, view)
    return [zeros_for(x, create_graph) if b is None else b for x, b in zip(inputs, bars)]


def jvp(outputs, inputs, tangents, create_graph=False, order=None):
    """Tangents of ``outputs`` for input ``tangents`` (forward mode over the record).

    ``order``: the record's topological order, if already known (Jacobians
    sweep the same record once per column).
    """
    view = None if create_graph else value_of
    tangents = [as_seed(t, create_graph) for t in tangents]
    dots, _ = forward_pass(outputs, inputs, tangents, view, order=order)
    return [zeros_for(y, create_graph) if d is None else d for y, d in zip(outputs, dots)]


def as_seed(seed, create_graph):
    if create_graph:
        return seed if isinstance(seed, Tensor) else Tensor(seed)
    return seed._value if isinstance(seed, Tensor) else np.asarray(seed)


def zeros_for(x, create_graph):
    zeros = np.zeros(np.shape(x._value), dtype=x.dtype)
    return Tensor(zeros) if create_graph else zeros
