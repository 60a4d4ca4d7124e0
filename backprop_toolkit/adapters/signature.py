"""The symbolic adapter's cache keys: which calls may share a compiled program.

A float array (or a float, or any differentiated argument) becomes a var, an
input of the graph: only its shape and dtype go into the key, so one program
serves every value. Everything else (integers, booleans, strings, integer
arrays, keywords) is *baked* into the graph as a constant: its exact value
goes into the key.

"Exact" is meant literally. ``0.0 == -0.0`` but ``1 / -0.0`` is ``-inf``, so
floats are keyed by their bit pattern; ``nan != nan`` yet one NaN is the same
constant as another with the same bits; and ``1.0``, ``np.float32(1.0)`` and
``np.float64(1.0)`` differ by type. An arbitrary object or a function cannot
be keyed at all: its state may change between calls (a model whose weights
moved), and a key by identity or by ``==`` would then serve a stale program.
Such calls get the key ``None`` and are traced every time, which is always
correct.
"""

import struct

import numpy as np

from ..dispatch import Traced, as_float_array
from ..errors import BackpropError
from ..trees import LEAF

MAX_DEPTH, MAX_ITEMS = 32, 10_000
"""Nesting and items of tuples, lists and dicts keyed by value; more (or cycles): not cached."""

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a ``class`` statement (mutable)


def signature(call):
    """``(key, dtypes)``: the cache key of ``call``, and each argument's var dtype.

    ``dtypes[i]`` is the dtype of the var standing for ``call.args[i]``, or
    ``None`` when the argument is baked into the graph. The key is
    ``(call.structure, call.nums, args, kwargs)`` with, per argument,
    ``("var", shape, dtype)`` (a ``np.dtype``: equal dtypes hash alike) or the
    baked value's :func:`value_key`, and per keyword ``(name, value_key)`` in
    call order. It is ``None`` when a baked
    value cannot be keyed by value: then the call is traced, never cached.
    """
    nums = call.nums
    dtypes = [input_dtype(a, n in nums) for n, a in enumerate(call.args)]
    args = tuple(("var", a.shape if type(a) is np.ndarray else np.shape(a), dtype)
                 if dtype is not None else value_key(a) for a, dtype in zip(call.args, dtypes))
    kwargs = tuple((name, value_key(v)) for name, v in call.kwargs.items())
    if None in args or any(k is None for _, k in kwargs) or not _hashable(call.structure):
        return None, dtypes
    return (call.structure, tuple(call.nums), args, kwargs), dtypes


def quick_key(args, nums):
    """:func:`signature`'s key of a call whose arguments are all plain ndarrays, positional,
    with no keywords (``nums``: the differentiated positions); ``None`` for any other call.

    Quickly: one pass over the arguments. An array that is not a float array gets an
    entry no stored key has (its var would be a float), so it finds no program.
    """
    entries = []
    for a in args:
        if type(a) is not np.ndarray:
            return None
        entries.append(("var", a.shape, a.dtype))
    return ((LEAF,) * len(args), nums, tuple(entries), ())


def input_dtype(a, differentiated):
    """The dtype of the var standing for argument ``a``, or ``None`` to bake ``a`` in.

    Differentiated arguments are floats (integers promoted). Float data
    becomes a var too, so one compiled graph serves any data of that shape;
    integer and boolean values (indices, masks, counters) and non-numbers are
    baked in.
    """
    if type(a) is np.ndarray and a.dtype.kind == "f":  # the common case, quickly
        return a.dtype
    if isinstance(a, Traced):
        raise BackpropError(f"a {a.engine} value was passed to a symbolic transform")
    if differentiated:
        return as_float_array(a).dtype
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, float, np.ndarray, np.number)):
        return None
    dtype = np.asarray(a).dtype
    return dtype if dtype.kind == "f" else None


def value_key(a, depth=0, budget=None):
    """A hashable key equal only for values a trace cannot tell apart; ``None`` if unknown.

    Each key starts with a type tag, so ``(1,)`` and ``[1]``, ``1`` and
    ``True``, ``1.0`` and ``np.float64(1.0)`` differ. Floats go by their bits
    (``0.0`` and ``-0.0`` differ, equal NaNs match), arrays by dtype, shape
    and bytes, containers item by item.
    """
    kind, budget = type(a), [MAX_ITEMS] if budget is None else budget
    if kind in _SIMPLE:
        return (kind.__name__, _SIMPLE[kind](a))
    if kind is np.ndarray or isinstance(a, np.generic):
        return _array_key(a)
    if kind in (tuple, list):
        return _items_key(kind.__name__, a, depth, budget)
    if kind is dict:  # in insertion order, which iteration over it shows
        return _items_key("dict", [x for item in a.items() for x in item], depth, budget)
    if kind is slice:
        return _items_key("slice", (a.start, a.stop, a.step), depth, budget)
    if isinstance(a, np.dtype):
        return ("dtype", a.str) if _plain(a) else None
    if kind is type and not a.__flags__ & _HEAPTYPE:  # float, int, np.float32: unchangeable
        return ("type", a)
    return None  # an object or a function: its state may change between calls


_SIMPLE = {
    float: lambda a: struct.pack("<d", a),
    complex: lambda a: struct.pack("<dd", a.real, a.imag),
    int: lambda a: a, bool: lambda a: a, str: lambda a: a, bytes: lambda a: a,
    type(None): lambda a: a, type(Ellipsis): lambda a: a,
}


def _array_key(a):
    """``(tag, dtype, shape, bytes)`` of a plain ndarray or a numpy scalar."""
    if not _plain(a.dtype):
        return None  # object pointers, or structured dtypes whose field names tobytes() loses
    tag = "ndarray" if type(a) is np.ndarray else type(a).__name__
    return (tag, a.dtype.str, a.shape, a.tobytes())


def _plain(dtype):
    return not dtype.hasobject and dtype.fields is None and dtype.subdtype is None


def _items_key(tag, values, depth, budget):
    """``(tag, keys of values)``; ``None`` if one cannot be keyed or the data is too big."""
    budget[0] -= len(values)
    if depth >= MAX_DEPTH or budget[0] < 0:
        return None
    keys = tuple(value_key(v, depth + 1, budget) for v in values)
    return None if None in keys else (tag, keys)


def _hashable(x):
    try:
        hash(x)
    except TypeError:
        return False
    return True
