"""Function transforms, the common API of both engines: grad, vjp, jvp, jacobian, hessian.

Every transform is written once, here, over the two adapters of
:mod:`backprop_toolkit.engines` (``vjp``, ``linearize``, ``value_and_grad``).
``engine="tape"`` is symbol-to-number, ``engine="symbolic"`` symbol-to-symbol;
both give the same numbers, and both compose to any order.
"""

import functools
import inspect
import weakref

import numpy as np

from . import ops
from .dispatch import Traced, shape_of
from .engines import ENGINES as _ADAPTERS
from .engines import Call, float_dtype, fun_name
from .errors import BackpropError, ShapeError
from .passes import gc_paused

ENGINES = ("tape", "symbolic")


def get_engine(engine):
    """The adapter for an engine name; a clear error for anything else."""
    try:
        return _ADAPTERS[engine]
    except (KeyError, TypeError):
        raise BackpropError(f"engine={engine!r}: choose one of {ENGINES}") from None


# --------------------------------------------------------------------------
# Arguments in, results out.
# --------------------------------------------------------------------------


def normalize_argnums(argnums, nargs, fun):
    """``argnums`` as a tuple of valid positions, and whether it was a tuple."""
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)
    for n in nums:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise BackpropError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= n < nargs:
            raise BackpropError(
                f"argnums={argnums!r}, but {fun_name(fun)} was called with {nargs} positional "
                f"argument{'s' if nargs != 1 else ''} (valid: 0..{nargs - 1})")
    nums = tuple(int(n) % nargs for n in nums)
    if len(set(nums)) != len(nums):
        raise BackpropError(f"argnums={argnums!r} names the same argument twice")
    return nums, many


_NAMES = weakref.WeakKeyDictionary()  # fun -> {nargs: names}: inspect.signature is slow


def arg_names(fun, nargs):
    """Parameter names of ``fun`` (labels for drawings), ``x0, x1, ...`` otherwise."""
    try:
        return _NAMES[fun][nargs]
    except (KeyError, TypeError):
        pass
    names = _arg_names(fun, nargs)
    try:
        _NAMES.setdefault(fun, {})[nargs] = names
    except TypeError:  # not weak-referenceable
        pass
    return names


def _arg_names(fun, nargs):
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"x{i}" for i in range(nargs)]


def make_call(fun, args, kwargs, argnums):
    nums, many = normalize_argnums(argnums, len(args), fun)
    names = arg_names(fun, len(args))
    return Call(fun, args, kwargs, nums, [names[n] for n in nums]), many


def finish(x):
    """An engine result as the caller gets it: numpy, with a numpy scalar for 0-d.

    Inside another transform (a tensor with history, a node) it stays as it is.
    """
    if type(x) is np.ndarray:
        return x if x.ndim else x[()]
    for adapter in _ADAPTERS.values():
        if adapter.is_result(x):
            return x
    if isinstance(x, Traced):
        x = x.value
    array = np.asarray(x)
    return array[()] if array.ndim == 0 else array


def _unit(shape, k, dtype):
    """The ``k``-th unit array of ``shape`` (a one-hot seed or tangent)."""
    e = np.zeros(shape, dtype=dtype)
    e.reshape(-1)[k] = 1
    return e


# --------------------------------------------------------------------------
# The transforms.
# --------------------------------------------------------------------------


def value_and_grad(fun, argnums=0, *, engine="tape"):
    """``fun``'s value and its gradient with respect to ``argnums``.

    ``fun`` must return a scalar. The gradient has the argument's shape (a
    float for a scalar); for a tuple ``argnums``, a tuple of gradients.
    """
    adapter = get_engine(engine)

    @functools.wraps(fun)
    @gc_paused
    def value_and_grad_fun(*args, **kwargs):
        call, many = make_call(fun, args, kwargs, argnums)
        value, grads = adapter.value_and_grad(call)
        grads = tuple(finish(g) for g in grads)
        return finish(value), (grads if many else grads[0])

    return value_and_grad_fun


def grad(fun, argnums=0, *, engine="tape"):
    """d fun / d argument: a function with ``fun``'s signature (see :func:`value_and_grad`)."""
    vg = value_and_grad(fun, argnums, engine=engine)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    return grad_fun


@gc_paused
def vjp(fun, *primals, engine="tape"):
    """``(value, vjp_fn)``: ``vjp_fn(cotangent)`` gives one cotangent per primal (a tuple)."""
    call, _ = make_call(fun, primals, {}, tuple(range(len(primals))))
    value, pullback = get_engine(engine).vjp(call)

    def vjp_fn(cotangent):
        if shape_of(cotangent) != shape_of(value):
            raise ShapeError(f"vjp_fn: cotangent shape {shape_of(cotangent)} differs from the "
                             f"output's shape {shape_of(value)}")
        return tuple(finish(c) for c in pullback(cotangent))

    return finish(value), vjp_fn


@gc_paused
def jvp(fun, primals, tangents, *, engine="tape"):
    """``(value, tangent_out)``: forward mode, one pass for one tangent per primal."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise BackpropError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    for p, t in zip(primals, tangents):
        if shape_of(p) != shape_of(t):
            raise ShapeError(f"jvp: tangent shape {shape_of(t)} differs from its primal's "
                             f"shape {shape_of(p)}")
    call, _ = make_call(fun, primals, {}, tuple(range(len(primals))))
    value, pushforward = get_engine(engine).linearize(call)
    return finish(value), finish(pushforward(list(tangents)))


def jacobian(fun, argnums=0, *, engine="tape", mode="reverse"):
    """The Jacobian, of shape ``out.shape + arg.shape``.

    ``mode="reverse"`` runs one reverse pass per output entry (rows);
    ``mode="forward"`` one forward pass per input entry (columns).
    """
    adapter = get_engine(engine)
    if mode not in ("reverse", "forward"):
        raise BackpropError(f"jacobian: mode={mode!r}; choose 'reverse' or 'forward'")
    build = _jacobian_reverse if mode == "reverse" else _jacobian_forward

    @functools.wraps(fun)
    @gc_paused
    def jacobian_fun(*args, **kwargs):
        call, many = make_call(fun, args, kwargs, argnums)
        jacs = tuple(finish(j) for j in build(adapter, call))
        return jacs if many else jacs[0]

    return jacobian_fun


def _jacobian_reverse(adapter, call):
    value, pullback = adapter.vjp(call)
    out_shape, dtype = shape_of(value), float_dtype(value)
    n_out = int(np.prod(out_shape, dtype=np.int64))
    rows = [pullback(_unit(out_shape, k, dtype)) for k in range(n_out)]
    return [ops.reshape(ops.stack([row[i] for row in rows]), out_shape + shape_of(p))
            for i, p in enumerate(call.primals())]


def _jacobian_forward(adapter, call):
    value, pushforward = adapter.linearize(call)
    out_shape, primals = shape_of(value), call.primals()
    zeros = [np.zeros(shape_of(q), dtype=float_dtype(q)) for q in primals]
    jacs = []
    for i, p in enumerate(primals):
        n_in = int(np.prod(shape_of(p), dtype=np.int64))
        cols = []
        for k in range(n_in):
            tangents = list(zeros)
            tangents[i] = _unit(shape_of(p), k, float_dtype(p))
            cols.append(pushforward(tangents))
        stacked = ops.stack(cols)  # (n_in,) + out_shape
        moved = ops.transpose(stacked, tuple(range(1, len(out_shape) + 1)) + (0,))
        jacs.append(ops.reshape(moved, out_shape + shape_of(p)))
    return jacs


def hessian(fun, argnums=0, *, engine="tape"):
    """Matrix of second derivatives, shape ``arg.shape + arg.shape``: forward over reverse."""
    if not isinstance(argnums, (int, np.integer)):
        raise BackpropError("hessian: argnums must be a single int (one argument)")
    return jacobian(grad(fun, argnums, engine=engine), argnums, engine=engine, mode="forward")
