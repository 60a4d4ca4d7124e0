"""The tape engine: symbol-to-number differentiation (Torch, PyTorch, Caffe).

Every op on a :class:`Tensor` runs at once on numbers and, when an input
requires a gradient, records itself: the tensor remembers the primitive, its
inputs and its parameters. The record *is* the tape. ``y.backward()`` walks
it from ``y`` back to the leaves in reverse topological order, calling each
primitive's VJP rule from the table:

* on plain arrays for a first derivative (fast: no wrapping per op);
* on tensors inside another transform (``tape.grad(..., create_graph=True)``,
  which ``bt.grad`` of ``bt.grad`` uses), so the backward pass is itself
  recorded and can be differentiated again (grad of grad of grad).

Forward mode walks the same record forward with the JVP rules.
Python control flow on values works, because every step sees numbers.

Modules: ``tensor`` (the values, recording, ``backward()``), ``sweeps`` (functional
``grad`` and ``jvp``) and ``reverse`` (the reverse sweep the transforms use: serial keys,
the record's own order; checked against ``passes.reverse_pass``).
"""

from .sweeps import as_seed, grad, jvp, tangents, zeros_for
from .tensor import (NO_PARAMS, Tensor, adjoints, check_seed, constant, default_seed, recorded,
                     value_of, variable)

__all__ = ["NO_PARAMS", "Tensor", "adjoints", "as_seed", "check_seed", "constant", "default_seed",
           "grad", "jvp", "recorded", "tangents", "value_of", "variable", "zeros_for"]
