"""The two engines behind the transforms of :mod:`backprop_toolkit.api`.

Each adapter answers three questions about one :class:`Call` of a user
function (which arguments are differentiated, with what values):

* ``vjp(call) -> (value, pullback)``: reverse mode, ``pullback(cotangent)``;
* ``linearize(call) -> (value, pushforward)``: forward mode, ``pushforward(tangents)``;
* ``value_and_grad(call) -> (value, grads)``: the common special case.

Inside another transform of the same engine (an argument is a tensor or a
node, or a transform is already tracing) results stay tensors or nodes, so
transforms compose to any order. At the top level they are numbers. The
symbolic adapter compiles the derivative graph once per input signature and
reuses it.
"""

from .common import Call, Tracing, check_scalar, float_dtype, fun_name
from .symbolic_engine import SymbolicEngine
from .tape_engine import TapeEngine

ENGINES = {"tape": TapeEngine(), "symbolic": SymbolicEngine()}

__all__ = ["ENGINES", "Call", "SymbolicEngine", "TapeEngine", "Tracing", "check_scalar",
           "float_dtype", "fun_name"]
