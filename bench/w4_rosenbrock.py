"""W4, second order: the Hessian of the 100-dimensional Rosenbrock function.

The full Hessian (``bt.hessian``: forward over reverse, one forward pass per
column) and a Hessian-vector product (``bt.jvp`` of ``bt.grad``). The floor
is the analytic Hessian in numpy (it is tridiagonal), and its product with
the vector. For the symbolic engine the build (first call, cold cache) and
the compiled evaluation (later calls) are reported apart.
"""

import numpy as np

import backprop_toolkit as bt

from . import peers

DIM = 100


def problem(dim=DIM, seed=0):
    """A point ``x`` and a direction ``v``."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, dim), rng.normal(0, 1, dim)


def rosenbrock(x, np_=bt):
    """sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, in the op language (or ``np_``)."""
    a, b = x[:-1], x[1:]
    return np_.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)


def numpy_hessian(x):
    """The floor: the analytic Hessian, tridiagonal."""
    n = x.size
    diag = np.zeros(n)
    diag[:-1] += 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    diag[1:] += 200
    off = -400 * x[:-1]
    h = np.diag(diag)
    h[np.arange(n - 1), np.arange(1, n)] = off
    h[np.arange(1, n), np.arange(n - 1)] = off
    return h


def numpy_hvp(x, v):
    """The floor for the product: the tridiagonal Hessian times ``v``, never built."""
    diag = np.zeros_like(x)
    diag[:-1] += 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    diag[1:] += 200
    off = -400 * x[:-1]
    hv = diag * v
    hv[:-1] += off * v[1:]
    hv[1:] += off * v[:-1]
    return hv


def fresh_f():
    """A new function object each time, so the symbolic cache starts cold."""
    return lambda x: rosenbrock(x)


def engine_hessian(engine):
    h = bt.hessian(fresh_f(), engine=engine)
    return lambda x: np.asarray(h(x))


def engine_hvp(engine):
    g = bt.grad(fresh_f(), engine=engine)
    return lambda x, v: np.asarray(bt.jvp(g, (x,), (v,), engine=engine)[1])


# -- peers ---------------------------------------------------------------------
def torch_hessian(vectorize=False):
    """``torch.autograd.functional.hessian``: one backward per row, or, with
    ``vectorize=True``, all rows in one batched pass (``vmap`` over the basis)."""
    torch = peers.get("torch")
    return lambda x: torch.autograd.functional.hessian(
        lambda t: rosenbrock(t, torch), torch.from_numpy(x), vectorize=vectorize).numpy()


def torch_func_hessian():
    """``torch.func.hessian``: forward over reverse, the basis tangents pushed by ``vmap``."""
    torch = peers.get("torch")
    h = torch.func.hessian(lambda t: rosenbrock(t, torch))
    return lambda x: h(torch.from_numpy(x)).numpy()


def torch_hvp():
    torch = peers.get("torch")
    return lambda x, v: torch.autograd.functional.hvp(
        lambda t: rosenbrock(t, torch), torch.from_numpy(x), torch.from_numpy(v))[1].numpy()


def autograd_hessian():
    ag = peers.get("autograd")
    return ag.hessian(lambda x: rosenbrock(x, ag.numpy))


def autograd_hvp():
    ag = peers.get("autograd")
    return ag.hessian_vector_product(lambda x: rosenbrock(x, ag.numpy))


def jax_hessian(jit=True):
    """``jax.hessian`` (``jacfwd`` of ``jacrev``: the basis tangents pushed by ``vmap``),
    compiled by XLA with ``jit``, or run op by op without it."""
    jax = peers.get("jax")
    h = jax.hessian(lambda x: rosenbrock(x, jax.numpy))
    h = jax.jit(h) if jit else h
    return lambda x: np.asarray(h(x))


def jax_hvp():
    jax = peers.get("jax")
    g = jax.grad(lambda x: rosenbrock(x, jax.numpy))
    hvp = jax.jit(lambda x, v: jax.jvp(g, (x,), (v,))[1])
    return lambda x, v: np.asarray(hvp(x, v))


PEERS = {"torch": (torch_hessian, torch_hvp), "autograd": (autograd_hessian, autograd_hvp),
         "jax (jit)": (jax_hessian, jax_hvp)}
# Hessians only (their products are the rows above): the vectorized ones of issue 15
HESSIAN_PEERS = {"torch (vectorize=True)": lambda: torch_hessian(vectorize=True),
                 "torch.func (vmap)": torch_func_hessian,
                 "jax (vmap, no jit)": lambda: jax_hessian(jit=False)}


def systems():
    """``({system: hessian(x)}, {system: hvp(x, v)})``, floors first."""
    hessians = {"numpy": numpy_hessian, "tape": engine_hessian("tape"),
                "symbolic (compiled)": engine_hessian("symbolic")}
    hvps = {"numpy": numpy_hvp, "tape": engine_hvp("tape"),
            "symbolic (compiled)": engine_hvp("symbolic")}
    for name, (make_h, make_hvp) in PEERS.items():
        if peers.get(name.split(" ")[0]) is not None:
            hessians[name], hvps[name] = make_h(), make_hvp()
    for name, make_h in HESSIAN_PEERS.items():
        if peers.get(name.split(" ")[0].split(".")[0]) is not None:
            hessians[name] = make_h()
    return hessians, hvps


def check(dim=6):
    """Every system's Hessian and product in a small dimension, against the analytic ones."""
    x, v = problem(dim)
    hessians, hvps = systems()
    out = {f"hessian {k}": (fn(x), numpy_hessian(x)) for k, fn in hessians.items()}
    out.update({f"hvp {k}": (fn(x, v), numpy_hvp(x, v)) for k, fn in hvps.items()})
    return out


def run(ctx):
    x, v = problem()
    hessians, hvps = systems()
    case = f"full Hessian, Rosenbrock, n={DIM}"
    ctx.time_together("W4", case, {name: (lambda fn=fn: fn(x)) for name, fn in hessians.items()})
    ctx.time_fresh("W4", case, "symbolic (first call: build)",
                   lambda: (lambda h=engine_hessian("symbolic"): h(x)))
    case = f"Hessian-vector product, Rosenbrock, n={DIM}"
    ctx.time_together("W4", case, {name: (lambda fn=fn: fn(x, v)) for name, fn in hvps.items()})
    ctx.time_fresh("W4", case, "symbolic (first call: build)",
                   lambda: (lambda h=engine_hvp("symbolic"): h(x, v)))
