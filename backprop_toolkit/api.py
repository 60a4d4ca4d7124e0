"""Function transforms, the common API of both engines: grad, vjp, jvp, jacobian, hessian.

Every transform is written once, here, over the two adapters of
:mod:`backprop_toolkit.adapters` (``vjp``, ``linearize``, ``value_and_grad``).
``engine="tape"`` is symbol-to-number, ``engine="symbolic"`` symbol-to-symbol;
both give the same numbers, and both compose to any order. Inside
``handwork.by_hand`` every transform refuses to run.
"""

import functools

import numpy as np

from . import ops, trees
from .adapters import ADAPTERS
from .adapters.common import Owned
from .batching import Batched
from .adapters.call import leaves_like, make_call, per_argument
from .adapters.call import arg_names, normalize_argnums  # noqa: F401 (checking and viz use them)
from .dispatch import Traced, float_dtype, shape_of
from .errors import BackpropError, DTypeError, ShapeError
from .passes import refuse_by_hand

ENGINES = ("tape", "symbolic")


def get_adapter(engine):
    """The adapter for an engine name; a clear error for anything else."""
    try:
        return ADAPTERS[engine]
    except (KeyError, TypeError):
        raise BackpropError(f"engine={engine!r}: choose one of {ENGINES}") from None




# --------------------------------------------------------------------------
# Results out (arguments in: adapters/call.py).
# --------------------------------------------------------------------------


def finish(x, like=None):
    """An engine result as the caller gets it: their own numpy array, or a numpy scalar.

    Always the caller's own: a copy, unless the call's own pass made it and
    no one else holds it (:class:`~backprop_toolkit.adapters.common.Owned`).
    A result never shares memory with an input, a cached constant of a
    compiled program or another result, so changing it in place changes
    nothing else. A derivative takes the floating dtype of
    ``like`` (its primal): the gradient of a float32 argument is float32 on
    both engines. Inside another transform (a tensor with history, a node)
    it stays as it is.
    """
    if isinstance(x, Owned):  # made by the call's own pass: no one else holds it
        x = x.array
        if like is None or x.dtype == float_dtype(like):
            return x[()] if x.ndim == 0 else x
    for adapter in ADAPTERS.values():
        if adapter.is_result(x):
            return x
    if isinstance(x, Traced):
        x = x.value
    array = np.array(x, dtype=None if like is None else float_dtype(like))
    return array[()] if array.ndim == 0 else array


def as_real(value, like, what):
    """A tangent or cotangent as an array of ``like``'s floating dtype; complex is refused."""
    if isinstance(value, Traced):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise DTypeError(f"{what} has dtype {array.dtype}; tangents and cotangents are real "
                         "numbers")
    return array.astype(float_dtype(like), copy=False)


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
    float for a scalar) and structure (a dict of arrays for a dict); for a
    tuple ``argnums``, a tuple of gradients.
    """
    return _value_and_grad(fun, argnums, engine, with_value=True)


def _value_and_grad(fun, argnums, engine, with_value):
    """:func:`value_and_grad`; without ``with_value`` an adapter may skip the value (its
    ``quick_grad``: a call it has seen before, with plain arrays, takes a short path)."""
    adapter = get_adapter(engine)
    quick = getattr(adapter, "quick_grad", None)

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        refuse_by_hand("bt.value_and_grad")
        done = None if kwargs or quick is None else quick(fun, args, argnums, with_value)
        if done is not None:
            return done
        call, many, trees_of = make_call(fun, args, kwargs, argnums)
        value, grads = adapter.value_and_grad(call)
        grads = [finish(g, p) for g, p in zip(grads, call.primals())]
        return finish(value), per_argument(grads, trees_of, many)

    return value_and_grad_fun


def grad(fun, argnums=0, *, engine="tape"):
    """d fun / d argument: a function with ``fun``'s signature (see :func:`value_and_grad`)."""
    vg = _value_and_grad(fun, argnums, engine, with_value=False)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        refuse_by_hand("bt.grad")
        return vg(*args, **kwargs)[1]

    return grad_fun


def vjp(fun, *primals, engine="tape"):
    """``(value, vjp_fn)``: ``vjp_fn(cotangent)`` gives one cotangent per primal (a tuple).

    The cotangent has the structure and shapes of the value; each returned
    cotangent has its primal's.
    """
    refuse_by_hand("bt.vjp")
    call, _, trees_of = make_call(fun, primals, {}, tuple(range(len(primals))))
    values, pullback = get_adapter(engine).vjp(call)
    out_tree = call.out_tree

    def vjp_fn(cotangent):
        cotangents = leaves_like(cotangent, out_tree, "vjp_fn: the cotangent")
        for c, v in zip(cotangents, values):
            if shape_of(c) != shape_of(v):
                raise ShapeError(f"vjp_fn: cotangent shape {shape_of(c)} differs from the "
                                 f"output's shape {shape_of(v)}")
        cotangents = [as_real(c, v, "vjp_fn: the cotangent") for c, v in zip(cotangents, values)]
        bars = [finish(c, p) for c, p in zip(pullback(cotangents), call.primals())]
        return per_argument(bars, trees_of, True)

    return trees.unflatten(out_tree, [finish(v) for v in values]), vjp_fn
def jvp(fun, primals, tangents, *, engine="tape"):
    """``(value, tangent_out)``: forward mode, one pass for one tangent per primal.

    ``tangents`` has the structure and shapes of ``primals``; a tangent takes
    its primal's floating dtype (float32 stays float32).
    """
    refuse_by_hand("bt.jvp")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise BackpropError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    call, _, _ = make_call(fun, primals, {}, tuple(range(len(primals))))
    flat_tangents = leaves_like(tangents, trees.flatten(primals)[1], "jvp: the tangents")
    for p, t in zip(call.primals(), flat_tangents):
        if shape_of(p) != shape_of(t):
            raise ShapeError(f"jvp: tangent shape {shape_of(t)} differs from its primal's "
                             f"shape {shape_of(p)}")
    flat_tangents = [as_real(t, p, "jvp: a tangent") for p, t in zip(call.primals(), flat_tangents)]
    values, pushforward = get_adapter(engine).linearize(call)
    out = [finish(t, v) for t, v in zip(pushforward(flat_tangents), values)]
    return (trees.unflatten(call.out_tree, [finish(v) for v in values]),
            trees.unflatten(call.out_tree, out))


def jacobian(fun, argnums=0, *, engine="tape", mode="reverse"):
    """The Jacobian: for each output leaf and argument leaf, ``out.shape + arg.shape``.

    ``mode="reverse"`` runs one reverse pass per output entry (rows);
    ``mode="forward"`` one forward pass per input entry (columns). The result
    has the output's structure, each leaf replaced by the arguments'
    structure (a tuple for a tuple ``argnums``), as in JAX.
    """
    adapter = get_adapter(engine)
    if mode not in ("reverse", "forward"):
        raise BackpropError(f"jacobian: mode={mode!r}; choose 'reverse' or 'forward'")
    build = _jacobian_reverse if mode == "reverse" else _jacobian_forward

    @functools.wraps(fun)
    def jacobian_fun(*args, **kwargs):
        refuse_by_hand("bt.jacobian")
        call, many, trees_of = make_call(fun, args, kwargs, argnums)
        blocks = build(adapter, call)  # blocks[i][j]: output leaf i by argument leaf j
        rows = [per_argument([finish(b) for b in row], trees_of, many) for row in blocks]
        return trees.unflatten(call.out_tree, rows)

    return jacobian_fun


def _jacobian_reverse(adapter, call):
    values, pullback = adapter.vjp(call)
    zeros = [np.zeros(shape_of(v), dtype=float_dtype(v)) for v in values]
    blocks = []
    for i, v in enumerate(values):
        out_shape = shape_of(v)
        rows = []
        for k in range(int(np.prod(out_shape, dtype=np.int64))):
            cotangents = list(zeros)
            cotangents[i] = _unit(out_shape, k, float_dtype(v))
            rows.append(pullback(cotangents))
        blocks.append([_stacked([row[j] for row in rows], out_shape, shape_of(p), first=True)
                       for j, p in enumerate(call.primals())])
    return blocks


def _jacobian_forward(adapter, call):
    values, pushforward = adapter.linearize(call)
    primals = call.primals()
    zeros = [np.zeros(shape_of(q), dtype=float_dtype(q)) for q in primals]
    batched = getattr(pushforward, "batched", None)  # at the top level: all columns at once
    columns = []  # columns[j][i]: argument leaf j, output leaf i
    for j, p in enumerate(primals):
        n, shape, dtype = int(np.prod(shape_of(p), dtype=np.int64)), shape_of(p), float_dtype(p)
        tangents = list(zeros)
        if batched is not None and n > 0:
            tangents[j] = Batched(np.eye(n, dtype=dtype).reshape((n,) + shape))
            columns.append([_unbatched(c, n, shape_of(v), shape, float_dtype(v))
                            for c, v in zip(batched(tangents), values)])
            continue
        cols = []
        for k in range(n):
            tangents[j] = _unit(shape, k, dtype)
            cols.append(pushforward(list(tangents)))
        columns.append([_stacked([c[i] for c in cols], shape_of(v), shape, first=False)
                        for i, v in enumerate(values)])
    return [[columns[j][i] for j in range(len(primals))] for i in range(len(values))]


def _unbatched(column, n, out_shape, in_shape, dtype):
    """The block ``out_shape + in_shape`` from ``n`` batched tangents ``(n,) + out_shape``
    (a plain value, or ``None``: the same for every column), in the output's ``dtype``."""
    if column is None:
        return np.zeros(out_shape + in_shape, dtype=dtype)
    array = column.value if isinstance(column, Batched) else \
        np.broadcast_to(np.asarray(column), (n,) + out_shape)
    last = array.transpose(tuple(range(1, array.ndim)) + (0,))  # the batch axis last
    return last.reshape(out_shape + in_shape).astype(dtype, copy=False)


def _stacked(pieces, out_shape, in_shape, first):
    """One Jacobian block ``out_shape + in_shape`` from rows (``first``) or columns."""
    if not pieces:  # an empty argument or output
        return np.zeros(out_shape + in_shape)
    stacked = ops.stack(pieces)
    if not first:  # columns: (n_in,) + out_shape, the input axis goes last
        stacked = ops.transpose(stacked, tuple(range(1, len(out_shape) + 1)) + (0,))
    return ops.reshape(stacked, out_shape + in_shape)


def hessian(fun, argnums=0, *, engine="tape"):
    """Matrix of second derivatives, shape ``arg.shape + arg.shape``: forward over reverse."""
    if not isinstance(argnums, (int, np.integer)):
        raise BackpropError("hessian: argnums must be a single int (one argument)")
    hessian_fun = jacobian(grad(fun, argnums, engine=engine), argnums, engine=engine,
                           mode="forward")

    @functools.wraps(fun)
    def refusing_hessian_fun(*args, **kwargs):
        refuse_by_hand("bt.hessian")
        return hessian_fun(*args, **kwargs)

    return refusing_hessian_fun
