"""The adapters behind the transforms of :mod:`backprop_toolkit.api`: one per engine.

An *engine* is a way to differentiate (the tape, :mod:`backprop_toolkit.tape`;
the symbolic graph, :mod:`backprop_toolkit.symbolic`). An *adapter* fits one
engine to the transforms: each answers three questions about one
:class:`Call` of a user function (which arguments are differentiated, with
what values):

* ``vjp(call) -> (value, pullback)``: reverse mode, ``pullback(cotangent)``;
* ``linearize(call) -> (value, pushforward)``: forward mode, ``pushforward(tangents)``;
* ``value_and_grad(call) -> (value, grads)``: the common special case.

Inside another transform of the same engine (an argument is a tensor or a
node, or a transform is already tracing) results stay tensors or nodes, so
transforms compose to any order. At the top level they are numbers. The
symbolic adapter compiles the derivative graph once per input signature
(:mod:`.signature`) and keeps it (:mod:`.cache`).
"""

from .call import Call
from .common import Tracing, check_scalar
from .symbolic_adapter import SymbolicAdapter
from .tape_adapter import TapeAdapter

ADAPTERS = {"tape": TapeAdapter(), "symbolic": SymbolicAdapter()}
"""The adapter of each engine, by the engine's name (``engine="tape"``)."""

__all__ = ["ADAPTERS", "Call", "SymbolicAdapter", "TapeAdapter", "Tracing", "check_scalar"]
