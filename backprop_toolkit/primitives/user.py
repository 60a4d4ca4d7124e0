"""A user's own primitives: :func:`elementwise` and :func:`primitive` (``bt.elementwise``,
``bt.primitive``).

They make the same :class:`~backprop_toolkit.dispatch.Primitive` as the
table's entries, with rules in the op language, so they run on both engines
and to any order; they are not added to :data:`~backprop_toolkit.primitives.TABLE`
(``bt.check_primitive`` checks one on request). A rule the user did not give
stands as :func:`missing_rule`, an error when it is needed.
"""

from ..dispatch import Primitive
from ..errors import BackpropError
from ..shapes import broadcast_shapes, same_shape


def elementwise(name, fun, derivative=None):
    """A new elementwise primitive ``name(x) = fun(x)``.

    Args:
        name: the node's label in drawings and printouts (``"f"``, ``"f'"``).
        fun: numpy forward, applied to arrays.
        derivative: ``f'`` as an op-language callable (often another
            :func:`elementwise`), so that its own derivative exists too.
            ``None`` makes the op not differentiable (an error if asked).

    Returns:
        A :class:`Primitive`; VJP and JVP are both ``g * derivative(x)``.
    """
    if derivative is None:
        rule = missing_rule(f"{name}: no derivative was given (pass derivative=... to "
                            "bt.elementwise)")
    else:

        def rule(g, out, x):
            return g * derivative(x)

    shown = getattr(derivative, "name", "the given derivative")
    doc = f"{name}(x), a user elementwise op; d/dx = {shown}(x)."
    return Primitive(name, fun, same_shape, [rule], [rule], doc=doc)


def primitive(name, forward, vjp, jvp=None, shape=None):
    """A new primitive of any arity: the general form of :func:`elementwise`.

    Args:
        name: the label in drawings and printouts.
        forward: numpy forward, ``forward(*arrays, **params)``.
        vjp: a rule ``vjp(g, out, *inputs, **params)`` for one input, or a
            sequence with one rule per input, in the op language.
        jvp: the same for forward mode; if omitted, forward mode raises.
        shape: shape rule ``shape(*input_shapes, **params)``; by default the
            inputs' broadcast shape (right for elementwise ops).
    """
    vjps = list(vjp) if isinstance(vjp, (list, tuple)) else [vjp]
    if jvp is None:
        jvps = [missing_rule(f"{name}: no JVP rule was given, so forward mode cannot run "
                             "through it (pass jvp=... to bt.primitive)")] * len(vjps)
    else:
        jvps = list(jvp) if isinstance(jvp, (list, tuple)) else [jvp]
    return Primitive(name, forward, shape or broadcast_shapes, vjps, jvps)


def missing_rule(message):
    """A rule that stands where the user gave none: using it raises ``message``."""
    def rule(*args, **params):
        raise BackpropError(message)

    return rule
