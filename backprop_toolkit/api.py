"""Function transforms, the common API of both engines: grad, vjp, jvp, jacobian, hessian.

This is the one module that knows both engines. Each engine supplies two
primitives of differentiation over a user function:

* ``vjp(fun, primals, names) -> (value, pullback)``: reverse mode;
* ``linearize(fun, primals, names) -> (value, pushforward)``: forward mode;

and ``finish(x)``, which turns an engine result into what the caller gets
(numpy at the top level; tensors or nodes inside another transform, so that
transforms compose to any order). Everything else is built here, once.
"""

import functools
import inspect

import numpy as np

from . import ops
from . import tape as tape_engine
from .dispatch import Traced, shape_of
from .errors import BackpropError, DTypeError, ShapeError

ENGINES = ("tape", "symbolic")


class TapeEngine:
    """Adapter of :mod:`backprop_toolkit.tape` to the transforms."""

    name = "tape"
    depth = 0  # how many tape transforms are evaluating a user function right now

    def watch(self, primals, names):
        """Leaf tensors for the primals; ``nested`` when an outer transform is watching."""
        nested = self.depth > 0 or any(isinstance(p, tape_engine.Tensor) for p in primals)
        xs = []
        for p, name in zip(primals, names):
            if isinstance(p, tape_engine.Tensor) and p.requires_grad:
                xs.append(p)  # an outer transform's variable: differentiate through it
            else:
                value = p.value if isinstance(p, tape_engine.Tensor) else p
                xs.append(tape_engine.Tensor(tape_engine.as_float_array(value, name), True, name))
        return xs, nested

    def run(self, fun, xs):
        TapeEngine.depth += 1
        try:
            y = fun(*xs)
        finally:
            TapeEngine.depth -= 1
        if isinstance(y, Traced) and not isinstance(y, tape_engine.Tensor):
            raise BackpropError(f"{_name(fun)} returned a {y.engine} value inside a tape transform")
        return y if isinstance(y, tape_engine.Tensor) else tape_engine.Tensor(y)

    def vjp(self, fun, primals, names):
        xs, nested = self.watch(primals, names)
        y = self.run(fun, xs)

        def pullback(cotangent):
            return tape_engine.grad([y], xs, [cotangent], create_graph=nested)

        return (y if nested else y.value), pullback

    def linearize(self, fun, primals, names):
        xs, nested = self.watch(primals, names)
        y = self.run(fun, xs)

        def pushforward(tangents):
            return tape_engine.jvp([y], xs, tangents, create_graph=nested)[0]

        return (y if nested else y.value), pushforward


class SymbolicEngine:
    """Placeholder until the symbolic engine lands (issue 3)."""

    name = "symbolic"

    def _not_yet(self, *args):
        raise BackpropError('engine="symbolic" is not built yet; use engine="tape" for now')

    vjp = linearize = _not_yet


_ENGINES = {"tape": TapeEngine(), "symbolic": SymbolicEngine()}


def get_engine(engine):
    """The adapter for an engine name; a clear error for anything else."""
    try:
        return _ENGINES[engine]
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
                f"argnums={argnums!r}, but {_name(fun)} was called with {nargs} positional "
                f"argument{'s' if nargs != 1 else ''} (valid: 0..{nargs - 1})")
    nums = tuple(int(n) % nargs for n in nums)
    if len(set(nums)) != len(nums):
        raise BackpropError(f"argnums={argnums!r} names the same argument twice")
    return nums, many


def arg_names(fun, nargs):
    """Parameter names of ``fun`` (labels for drawings), ``x0, x1, ...`` otherwise."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"x{i}" for i in range(nargs)]


def select(fun, args, kwargs, nums):
    """``fun`` as a function of the arguments at ``nums`` only (the rest held fixed)."""

    def selected(*chosen):
        full = list(args)
        for n, value in zip(nums, chosen):
            full[n] = value
        return fun(*full, **kwargs)

    return selected


def finish(x):
    """An engine result as the caller gets it: numpy on numbers, a float for a scalar.

    Inside another transform (a tensor with history, a node) it stays as it is.
    """
    if isinstance(x, tape_engine.Tensor):
        if x.requires_grad or TapeEngine.depth > 0:
            return x
        x = x.value
    if isinstance(x, Traced):
        return x
    array = np.asarray(x)
    return array[()] if array.ndim == 0 else array


def _name(fun):
    return getattr(fun, "__name__", type(fun).__name__)


def _check_scalar(value, fun, transform):
    if shape_of(value) != ():
        raise ShapeError(
            f"{transform}: {_name(fun)} returned shape {shape_of(value)}; {transform} needs a "
            "scalar output (reduce it, e.g. bt.sum, or use bt.jacobian / bt.vjp)")
    kind = np.dtype(getattr(value, "dtype", np.float64)).kind
    if kind not in "fiu":
        raise DTypeError(f"{transform}: {_name(fun)} returned dtype {value.dtype}, not a number")


def _unit(shape, k, like):
    """The ``k``-th unit array of ``shape`` (a one-hot seed or tangent)."""
    e = np.zeros(shape, dtype=like)
    e.reshape(-1)[k] = 1
    return e


def _float_dtype(x):
    dtype = np.asarray(x.value if isinstance(x, tape_engine.Tensor) else
                       (0.0 if isinstance(x, Traced) else x)).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


# --------------------------------------------------------------------------
# The transforms.
# --------------------------------------------------------------------------


def value_and_grad(fun, argnums=0, *, engine="tape"):
    """``fun``'s value and its gradient with respect to ``argnums``.

    ``fun`` must return a scalar. The gradient has the argument's shape (a
    float for a scalar); for a tuple ``argnums``, a tuple of gradients.
    """
    eng = get_engine(engine)
    names_cache = {}

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        nums, many = normalize_argnums(argnums, len(args), fun)
        names = names_cache.setdefault(len(args), arg_names(fun, len(args)))
        value, pullback = eng.vjp(select(fun, args, kwargs, nums), [args[n] for n in nums],
                                  [names[n] for n in nums])
        _check_scalar(value, fun, "grad")
        grads = pullback(np.ones((), dtype=_float_dtype(value)))
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


def vjp(fun, *primals, engine="tape"):
    """``(value, vjp_fn)``: ``vjp_fn(cotangent)`` gives one cotangent per primal (a tuple)."""
    eng = get_engine(engine)
    names = arg_names(fun, len(primals))
    value, pullback = eng.vjp(fun, list(primals), names)

    def vjp_fn(cotangent):
        if shape_of(cotangent) != shape_of(value):
            raise ShapeError(f"vjp_fn: cotangent shape {shape_of(cotangent)} differs from the "
                             f"output's shape {shape_of(value)}")
        return tuple(finish(c) for c in pullback(cotangent))

    return finish(value), vjp_fn


def jvp(fun, primals, tangents, *, engine="tape"):
    """``(value, tangent_out)``: forward mode, one pass for one tangent per primal."""
    eng = get_engine(engine)
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise BackpropError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    for p, t in zip(primals, tangents):
        if shape_of(p) != shape_of(t):
            raise ShapeError(f"jvp: tangent shape {shape_of(t)} differs from its primal's "
                             f"shape {shape_of(p)}")
    value, pushforward = eng.linearize(fun, list(primals), arg_names(fun, len(primals)))
    return finish(value), finish(pushforward(list(tangents)))


def jacobian(fun, argnums=0, *, engine="tape", mode="reverse"):
    """The Jacobian, of shape ``out.shape + arg.shape``.

    ``mode="reverse"`` runs one reverse pass per output entry (rows);
    ``mode="forward"`` one forward pass per input entry (columns).
    """
    eng = get_engine(engine)
    if mode not in ("reverse", "forward"):
        raise BackpropError(f"jacobian: mode={mode!r}; choose 'reverse' or 'forward'")

    @functools.wraps(fun)
    def jacobian_fun(*args, **kwargs):
        nums, many = normalize_argnums(argnums, len(args), fun)
        primals = [args[n] for n in nums]
        names = [arg_names(fun, len(args))[n] for n in nums]
        build = _jacobian_reverse if mode == "reverse" else _jacobian_forward
        jacs = build(eng, select(fun, args, kwargs, nums), primals, names)
        jacs = tuple(finish(j) for j in jacs)
        return jacs if many else jacs[0]

    return jacobian_fun


def _jacobian_reverse(eng, fun, primals, names):
    value, pullback = eng.vjp(fun, primals, names)
    out_shape, dtype = shape_of(value), _float_dtype(value)
    n_out = int(np.prod(out_shape, dtype=np.int64))
    rows = [pullback(_unit(out_shape, k, dtype)) for k in range(n_out)]
    return [ops.reshape(ops.stack([row[i] for row in rows]), out_shape + shape_of(p))
            for i, p in enumerate(primals)]


def _jacobian_forward(eng, fun, primals, names):
    value, pushforward = eng.linearize(fun, primals, names)
    out_shape = shape_of(value)
    jacs = []
    for i, p in enumerate(primals):
        dtype = _float_dtype(p)
        zeros = [np.zeros(shape_of(q), dtype=_float_dtype(q)) for q in primals]
        n_in = int(np.prod(shape_of(p), dtype=np.int64))
        cols = []
        for k in range(n_in):
            tangents = list(zeros)
            tangents[i] = _unit(shape_of(p), k, dtype)
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
