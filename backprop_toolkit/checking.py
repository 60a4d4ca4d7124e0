"""Checking derivatives against central differences.

* :func:`numerical_grad`: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` per entry;
* :func:`check_grad`: an engine's gradient against it, with a message that
  names the largest error and where it is;
* :func:`check_primitive`: one primitive, checked the way a new table entry
  (or a student's rule) must be: reverse and forward mode, first and second
  order, on a given engine.
"""

import numpy as np

from . import api, ops, trees
from .errors import fun_name
from .ops import sum as op_sum
from .passes import refuse_by_hand


def _as_float(x):
    array = np.array(x, dtype=np.result_type(np.asarray(x).dtype, np.float64))
    return array


def numerical_grad(fun, *args, argnums=0, eps=1e-6):
    """Gradient of a scalar ``fun`` by central differences, one entry at a time.

    Error is O(eps^2) for smooth ``fun``; the arguments are evaluated in
    float64. Returns the argument's shape (a tuple for a tuple ``argnums``).
    A derivative the toolkit computes: refused inside ``bt.by_hand``.
    """
    refuse_by_hand("bt.numerical_grad")
    nums, many = api.normalize_argnums(argnums, len(args), fun)
    grads = tuple(_central(fun, args, n, eps) for n in nums)
    return grads if many else grads[0]


def numerical_jacobian(fun, *args, argnum=0, eps=1e-6):
    """Jacobian ``out.shape + arg.shape`` of any ``fun`` by central differences."""
    refuse_by_hand("bt.numerical_jacobian")
    return _central(fun, args, argnum, eps, scalar=False)


def _central(fun, args, n, eps, scalar=True):
    x = _as_float(args[n])
    columns = []
    for k in range(x.size):
        values = []
        for step in (eps, -eps):
            shifted = x.copy()
            shifted.reshape(-1)[k] += step
            full = list(args)
            full[n] = shifted if shifted.ndim else shifted[()]
            values.append(np.asarray(fun(*full), dtype=np.float64))
        if scalar and values[0].shape != ():
            raise ValueError(f"numerical_grad: fun returned shape {values[0].shape}, not a "
                             "scalar (use numerical_jacobian)")
        columns.append((values[0] - values[1]) / (2 * eps))
    out_shape = columns[0].shape if columns else ()
    jac = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,))
    return jac.reshape(out_shape + x.shape)


def assert_close(actual, expected, rtol, atol, what):
    """Raise an ``AssertionError`` naming the worst entry of ``actual`` vs ``expected``."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise AssertionError(f"{what}: shape {actual.shape}, expected {expected.shape}")
    if actual.size == 0:
        return
    err = np.abs(actual - expected)
    bad = err - (atol + rtol * np.abs(expected))
    if np.all(bad <= 0) and np.all(np.isfinite(actual) == np.isfinite(expected)):
        return
    k = worst_entry(bad)
    where = index_text(k)
    raise AssertionError(
        f"{what}{where}: got {actual[k]:.8g}, expected {expected[k]:.8g} "
        f"(abs error {err[k]:.3g}, allowed {atol + rtol * abs(expected[k]):.3g}; "
        f"{int(np.sum(bad > 0))} of {actual.size} entries off)")


def worst_entry(excess):
    """The index of the largest ``excess`` (error beyond tolerance); NaN counts as worst."""
    flat = np.where(np.isnan(excess), np.inf, excess)
    return np.unravel_index(int(np.nanargmax(flat)), np.shape(excess))


def index_text(index):
    """``[0, 2]`` for an array entry, nothing for a scalar."""
    return f"[{', '.join(map(str, index))}]" if index else ""


def check_grad(fun, *args, argnums=0, engine="tape", rtol=1e-5, atol=1e-7, eps=1e-6):
    """Check ``bt.grad(fun, argnums, engine=engine)`` against central differences.

    Raises:
        AssertionError: naming the argument, the entry with the largest error,
            both values and the tolerance.
    """
    nums, many = api.normalize_argnums(argnums, len(args), fun)
    names = api.arg_names(fun, len(args))
    got = api.grad(fun, nums, engine=engine)(*args)
    for n, g in zip(nums, got):
        expected = _central(fun, args, n, eps)
        assert_close(g, expected, rtol, atol,
                     f"check_grad ({engine}): d{fun_name(fun)}/d{names[n]}")


class _Case:
    """One function at one point: its differentiable inputs, tolerances and a seed.

    ``diff`` lists the positions of the inputs to perturb; the others are
    held at their given values.
    """

    def __init__(self, fun, args, diff, label, rtol, atol, seed, engine, names):
        self.diff, self.names = diff, names
        self.primals = [_as_float(args[i]) for i in self.diff]
        self.engine, self.rtol, self.atol = engine, rtol, atol
        self.label = f"{label} ({engine})"
        self.rng = np.random.default_rng(seed)
        self._fun, self.args = fun, args

    def fun(self, *xs):
        full = list(self.args)
        for i, x in zip(self.diff, xs):
            full[i] = x
        return self._fun(*full)

    def random_like(self):
        return [self.rng.standard_normal(p.shape) for p in self.primals]

    def close(self, got, expected, what, factor=1):
        assert_close(got, expected, factor * self.rtol, factor * self.atol,
                     f"{self.label}: {what}")


def check_primitive(prim, args, params=None, engine="tape", rtol=1e-5, atol=1e-6, seed=0):
    """Check every derivative rule of ``prim`` at ``args`` on one engine.

    Four checks, each against central differences of the level below:

    1. reverse mode: ``vjp(u)`` for a random cotangent ``u``;
    2. forward mode: ``jvp(v)`` for random tangents ``v``;
    3. second order, reverse over reverse: the gradient of ``<w, vjp(u)>``;
    4. second order, forward over reverse: ``jvp`` of ``<w, vjp(u)>``.

    Only inputs with a rule (not ``None``) are perturbed (every input of a variadic
    entry). Raises an ``AssertionError`` that names the check, the input and the entry.
    """
    params = params or {}
    diff = list(range(len(args))) if prim.variadic else \
        [i for i, rule in enumerate(prim.vjp) if rule is not None]
    if prim.boolean or not diff:
        return
    _run_checks(_Case(lambda *xs: prim(*xs, **params), args, diff, prim.name, rtol, atol, seed,
                      engine, api.arg_names(prim.impl, len(args))))


def check_function(fun, *args, engine="tape", second_order=True, rtol=1e-5, atol=1e-6, seed=0):
    """:func:`check_primitive`'s four checks for any function of float arrays.

    Every float argument is perturbed (an op built from others, a numpy
    function called on engine values: ``lambda a, b: np.concatenate([a, b])``);
    ``second_order=False`` skips checks 3 and 4. A structured output (a tuple
    or list of arrays: ``np.split``, ``np.linalg.eigh``) is checked as the
    concatenation of its raveled leaves.
    """
    diff = [i for i, a in enumerate(args) if np.issubdtype(np.asarray(a).dtype, np.floating)]

    def flat(*xs):
        leaves, tree = trees.flatten(fun(*xs))
        if tree is trees.LEAF:
            return leaves[0]
        return ops.concatenate([ops.reshape(leaf, (-1,)) for leaf in leaves])

    _run_checks(_Case(flat, args, diff, fun_name(fun), rtol, atol, seed, engine,
                      api.arg_names(fun, len(args))), second_order)


def _run_checks(case, second_order=True):
    u = case.rng.standard_normal(np.shape(case.fun(*case.primals)))
    _check_reverse(case, u)
    vs = case.random_like()
    _check_forward(case, vs)
    if second_order:
        _check_second_order(case, u, vs)


def _check_reverse(case, u):
    """VJP against the numerical gradient of ``<u, f(x)>``."""
    _, vjp_fn = api.vjp(case.fun, *case.primals, engine=case.engine)
    for k, (i, bar) in enumerate(zip(case.diff, vjp_fn(u))):
        expected = numerical_grad(lambda *xs: np.sum(u * np.asarray(case.fun(*xs))),
                                  *case.primals, argnums=k)
        case.close(bar, expected, f"VJP for input {case.names[i]}")


def _check_forward(case, vs, eps=1e-6):
    """JVP against a central difference along the tangents ``vs``."""
    _, dot = api.jvp(case.fun, case.primals, vs, engine=case.engine)
    plus = np.asarray(case.fun(*[p + eps * v for p, v in zip(case.primals, vs)]))
    minus = np.asarray(case.fun(*[p - eps * v for p, v in zip(case.primals, vs)]))
    case.close(dot, (plus - minus) / (2 * eps), "JVP")


def _check_second_order(case, u, vs):
    """Differentiate the scalar ``<w, vjp(u)>`` again, in reverse and in forward mode.

    Both run before the central differences they are compared with: the rules
    under test never run while an expected value is on the stack.
    """
    ws = case.random_like()

    def pulled(*xs):
        _, inner = api.vjp(case.fun, *xs, engine=case.engine)
        total = 0.0
        for w, bar in zip(ws, inner(u)):
            total = total + op_sum(w * bar)
        return total

    everything = tuple(range(len(case.primals)))
    reverse = api.grad(pulled, everything, engine=case.engine)(*case.primals)
    _, dot = api.jvp(pulled, case.primals, vs, engine=case.engine)
    numeric = numerical_grad(pulled, *case.primals, argnums=everything)
    for k, i in enumerate(case.diff):
        case.close(reverse[k], numeric[k],
                   f"second order (reverse over reverse) for input {case.names[i]}", factor=10)
    expected = sum(float(np.sum(n * v)) for n, v in zip(numeric, vs))
    case.close(dot, expected, "second order (forward over reverse)", factor=10)
