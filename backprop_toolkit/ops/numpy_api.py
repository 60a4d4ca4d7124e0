"""Which numpy function means which op, and the error for those that mean none.

numpy hands its own functions called on a tensor or node back to the value
(``__array_ufunc__`` for ``np.sin``, ``__array_function__`` for ``np.sum``;
see :class:`~backprop_toolkit.ops.operators.Operators`). The two dicts here
say which op runs instead; each module of the op language fills them with
:func:`implements` beside the op itself, so an op and its numpy name are
read together. A numpy function missing from both raises :func:`no_entry`,
never a silent conversion to numbers.
"""

import numpy as np

from ..errors import BackpropError, format_where, user_frame

UFUNCS = {}
"""numpy ufuncs that are ops of the op language (``np.sin(x)`` is ``bt.sin(x)``)."""

FUNCTIONS = {}
"""Other numpy functions with the same meaning in the op language (``np.sum(x, axis=0)``)."""

REFUSED = {}
"""numpy functions refused on purpose, with the reason and what to use instead
(``np.argmax``: an index has no derivative and, on a symbolic node, no value)."""


def implements(*functions):
    """Decorator: the op is what each of numpy's ``functions`` means on engine values.

    ``implements(np.sin)(sin)`` registers an op that is a table entry itself.
    """

    def register(op):
        for function in functions:
            table = UFUNCS if isinstance(function, np.ufunc) else FUNCTIONS
            if function in table:
                raise ValueError(f"np.{function.__name__} already means {table[function]!r}")
            table[function] = op
        return op

    return register


def refuses(*functions, why):
    """Record that each of numpy's ``functions`` is refused on engine values, and ``why``."""
    for function in functions:
        REFUSED[function] = why


def no_entry(function, nearest=None, why=None):
    """The error for a numpy function that the op language has no entry for (``why``: the
    reason it is refused on purpose, which replaces the general one)."""
    if why is not None:
        return BackpropError(f"{function}: {why}\n  at {format_where(user_frame())}")
    hint = f"Use bt.{nearest}" if nearest else \
        "Write it with bt ops (bt.sum, bt.where, bt.stack, ...)"
    return BackpropError(
        f"{function} has no entry in the op language, so it cannot be differentiated; "
        "numpy would turn the tensor or node into numbers and the derivative would be "
        f"silently lost. {hint}, or add it with bt.primitive.\n"
        f"  at {format_where(user_frame())}")
