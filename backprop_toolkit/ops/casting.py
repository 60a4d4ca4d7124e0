"""Casting engine values to another dtype: ``astype`` and the ``dtype=`` of reductions.

* to a float dtype (``float32``, ``float64``): the ``astype`` entry, differentiable:
  ``d cast(x)/dx = 1``, the cotangent cast back to ``x``'s own dtype;
* to ``bool``: ``x != 0``, a truth value like a comparison (no derivative; ``where``
  consumes it), as numpy's cast gives;
* to an integer (or complex) dtype: refused. An integer has no derivative (the cast
  is piecewise constant), and a symbolic node has no value to index with.
"""

import numpy as np

from .. import primitives as P
from ..dispatch import dtype_of
from ..errors import DTypeError, format_where, user_frame
from .arguments import refuse
from .numpy_api import implements


def target_dtype(op, dtype):
    """``dtype`` as a numpy dtype, or a :class:`DTypeError` naming ``op``."""
    try:
        return np.dtype(dtype)
    except TypeError as err:
        raise DTypeError(f"{op}: {err}\n  at {format_where(user_frame())}") from None


def cast(op, x, dtype):
    """``x`` as ``dtype`` (see the module's rules); ``op`` names the call in errors."""
    target = target_dtype(op, dtype)
    if target == dtype_of(x):
        return x  # values are immutable: the "copy" numpy makes cannot be told apart
    if target.kind == "f":
        return P.astype_p(x, dtype=target.name)
    if target.kind == "b":
        return P.not_equal_p(x, 0.0)
    raise DTypeError(
        f"{op}: cannot cast a tape tensor or symbolic node to {target}: an integer has no "
        "derivative (the cast is piecewise constant) and a symbolic node has no value to "
        "index with. Keep a float dtype (cast to bool for truth values); to read numbers on "
        "purpose use x.value on the tape, outside the differentiated function.\n"
        f"  at {format_where(user_frame())}")


@implements(np.astype)
def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``: differentiable to float dtypes, ``x != 0`` for bool,
    refused for integers. ``copy`` has no effect: engine values are immutable."""
    refuse("astype", device=device not in (None, "cpu"))
    return cast("astype", x, dtype)


def with_dtype(op, x, dtype):
    """``x`` in the accumulator type a reduction's ``dtype=`` asks for (``None``: its own).
    Only float types: a sum accumulated in integers has no derivative."""
    if dtype is None:
        return x
    if target_dtype(op, dtype).kind != "f":
        raise DTypeError(f"{op}: dtype={np.dtype(dtype)} is not supported on tape tensors and "
                         "symbolic nodes (only float dtypes: a sum in integers has no "
                         f"derivative)\n  at {format_where(user_frame())}")
    return cast(op, x, dtype)
