"""Which numpy function means which op, and the error for those that mean none.

numpy hands its own functions called on a tensor or node back to the value
(``__array_ufunc__`` for ``np.sin``, ``__array_function__`` for ``np.sum``;
see :class:`~backprop_toolkit.ops.operators.Operators`). The two dicts here
say which op runs instead; each module of the op language fills them with
:func:`implements` beside the op itself, so an op and its numpy name are
read together. A numpy function missing from both raises :func:`no_entry`,
never a silent conversion to numbers.
"""

import difflib

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


def no_entry(function, why=None):
    """The error for a numpy function that the op language has no entry for.

    ``function`` is its name as the user wrote it (``np.nancumsum``); the
    message suggests the supported function whose name is closest, if any.
    ``why``, for a function refused on purpose, replaces the general reason.
    """
    if why is not None:
        return BackpropError(f"{function}: {why}\n  at {format_where(user_frame())}")
    nearest = nearest_supported(function.split(".")[-1])
    hint = (f"The nearest supported function is np.{nearest.__name__} (bt.{op_name(nearest)}). "
            "Write it with supported functions" if nearest else
            "Write it with bt ops (bt.sum, bt.where, bt.stack, ...)")
    return BackpropError(
        f"{function} has no entry in the op language, so it cannot be differentiated; "
        "numpy would turn the tensor or node into numbers and the derivative would be "
        f"silently lost. {hint}, or add it with bt.primitive.\n"
        f"  at {format_where(user_frame())}")


def nearest_supported(name):
    """The supported numpy function most like ``name`` (or ``None``): one whose numpy or
    ``bt`` name is part of ``name`` (``nansum``: ``sum``), else a close spelling."""
    supported = sorted([*UFUNCS, *FUNCTIONS], key=lambda f: f.__name__)
    by_name = {f.__name__: f for f in supported}
    for f in supported:
        by_name.setdefault(op_name(f), f)
    inside = [n for n in by_name if len(n) > 2 and n in name]
    if inside:
        return by_name[max(inside, key=len)]
    close = difflib.get_close_matches(name, sorted(by_name), n=1, cutoff=0.8)
    return by_name[close[0]] if close else None


def op_name(function):
    """The ``bt`` name of what a supported numpy function means (``np.absolute``: ``abs``)."""
    op = {**UFUNCS, **FUNCTIONS}[function]
    return getattr(op, "name", None) or op.__name__


KEYWORD_HINTS = {
    "out": "out= writes into an array in place, which cannot carry a derivative: use the "
           "returned value (y = {function}(...)).",
    "dtype": "an engine value's dtype follows its inputs': drop dtype= (or cast with "
             "x.astype(...)).",
    "where": "where= leaves the other entries unset: compute everywhere and choose with "
             "np.where(condition, {function}(...), other).",
}


def refused(function, keywords):
    """The error for numpy arguments the op language does not support (``out=``,
    ``where=``, ``dtype=``, ...), naming the function and each argument."""
    names = ", ".join(f"{k}=" for k in keywords)
    hints = [KEYWORD_HINTS.get(k, "Call {function} without " + k + "=.").format(function=function)
             for k in keywords]
    return BackpropError(
        f"{function}: {names} {'are' if len(keywords) > 1 else 'is'} not supported on tensors "
        f"and nodes. {' '.join(hints)}\n  at {format_where(user_frame())}")
