"""W2, array MLP: 784-256-256-10, ReLU, softmax cross-entropy, batch 128.

One forward and backward pass giving every parameter's gradient, in float64
and float32, at 1 and 2 threads. Also measured here: peak memory of one
step per engine (tracemalloc) and the symbolic engine's time to first result
(trace, differentiate, simplify, compile and the first call, from a cold
cache).
"""

import numpy as np

import backprop_toolkit as bt

from . import peers

SIZES = (784, 256, 256, 10)
BATCH = 128


def problem(batch=BATCH, sizes=SIZES, dtype=np.float64, seed=0):
    """Fixed data ``(x, onehot)`` and parameters ``[w1, b1, w2, b2, w3, b3]``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (batch, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], batch)
    onehot = np.eye(sizes[-1], dtype=dtype)[labels]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out)).astype(dtype),
                   np.zeros(fan_out, dtype)]
    return x, onehot, params


def loss(w1, b1, w2, b2, w3, b3, x, onehot):
    """The op-language model: mean softmax cross-entropy (``bt.log_softmax``)."""
    h1 = bt.relu(x @ w1 + b1)
    h2 = bt.relu(h1 @ w2 + b2)
    logp = bt.log_softmax(h2 @ w3 + b3, axis=-1)
    return -bt.sum(onehot * logp) / x.shape[0]


def numpy_grads(params, x, onehot):
    """The floor: hand-written forward and backward in numpy."""
    w1, b1, w2, b2, w3, b3 = params
    a1 = x @ w1 + b1
    h1 = np.maximum(a1, 0)
    a2 = h1 @ w2 + b2
    h2 = np.maximum(a2, 0)
    z = h2 @ w3 + b3
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - onehot) / x.shape[0]
    dh2 = (dz @ w3.T) * (a2 > 0)
    dh1 = (dh2 @ w2.T) * (a1 > 0)
    return [x.T @ dh1, dh1.sum(0), h1.T @ dh2, dh2.sum(0), h2.T @ dz, dz.sum(0)]


def engine_grads(engine):
    """``run(params, x, onehot)`` for one of our engines, with a fresh (cold) cache."""
    g = bt.grad(lambda *a: loss(*a), argnums=tuple(range(6)), engine=engine)
    return lambda params, x, onehot: list(g(*params, x, onehot))


# -- peers ---------------------------------------------------------------------
def torch_loss(torch, ps, x, onehot):
    h1 = torch.relu(x @ ps[0] + ps[1])
    h2 = torch.relu(h1 @ ps[2] + ps[3])
    logp = torch.log_softmax(h2 @ ps[4] + ps[5], dim=-1)
    return -(onehot * logp).sum() / x.shape[0]


def torch_grads():
    return peers.torch_grads_of(torch_loss)


def autograd_grads():
    ag = peers.get("autograd")
    anp = ag.numpy
    from autograd.scipy.special import logsumexp

    def f(params, x, onehot):
        w1, b1, w2, b2, w3, b3 = params
        a1 = anp.dot(x, w1) + b1
        h1 = a1 * (a1 > 0)  # anp.maximum(a, 0) splits the gradient at ties (zero biases)
        a2 = anp.dot(h1, w2) + b2
        h2 = a2 * (a2 > 0)
        z = anp.dot(h2, w3) + b3
        logp = z - logsumexp(z, axis=1, keepdims=True)
        return -anp.sum(onehot * logp) / x.shape[0]

    g = ag.grad(f)
    return lambda params, x, onehot: list(g(list(params), x, onehot))


def jax_grads():
    jax = peers.get("jax")
    jnp = jax.numpy

    def f(params, x, onehot):
        w1, b1, w2, b2, w3, b3 = params
        h1 = jax.nn.relu(x @ w1 + b1)
        h2 = jax.nn.relu(h1 @ w2 + b2)
        logp = jax.nn.log_softmax(h2 @ w3 + b3, axis=-1)
        return -jnp.sum(onehot * logp) / x.shape[0]

    g = jax.jit(jax.grad(f))
    return lambda params, x, onehot: [np.asarray(a) for a in
                                      jax.block_until_ready(g(params, x, onehot))]


PEERS = {"torch": torch_grads, "autograd": autograd_grads, "jax (jit)": jax_grads}


def systems(with_peers=True):
    """``{system: run(params, x, onehot) -> grads}``: the floor first, then ours, then peers."""
    table = {"numpy": numpy_grads, "tape": engine_grads("tape"),
             "symbolic (compiled)": engine_grads("symbolic")}
    if with_peers:
        for name, make in PEERS.items():
            if peers.get(name.split(" ")[0]) is not None:
                table[name] = make()
    return table


def check(batch=4, sizes=(6, 5, 4, 3), dtype=np.float64):
    """Every system's gradients on a tiny problem, against the numpy floor."""
    x, onehot, params = problem(batch, sizes, dtype)
    floor = numpy_grads(params, x, onehot)
    return {name: (run(params, x, onehot), floor) for name, run in systems().items()}


def run(ctx):
    """Time per dtype and thread count; then memory and time to first result."""
    from .timing import peak_memory, threads

    for dtype in (np.float64, np.float32):
        x, onehot, params = problem(dtype=dtype)
        table = systems()
        for n in (1, 2):
            case = f"MLP 784-256-256-10, batch {BATCH}, {np.dtype(dtype).name}, {n} thread{'s' * (n > 1)}"
            with threads(n):  # XLA's pool is fixed when jax starts: jax at ctx.threads only
                ctx.time_together("W2", case, {
                    name: (lambda fn=fn: fn(params, x, onehot)) for name, fn in table.items()
                    if not (name.startswith("jax") and n != ctx.threads)})
    x, onehot, params = problem()
    with threads(ctx.threads):
        ctx.time_fresh("W2", f"time to first result, float64, {ctx.threads} thread",
                       "symbolic (first call)",
                       lambda: (lambda g=engine_grads("symbolic"): g(params, x, onehot)),
                       floor_case=f"float64, {ctx.threads} thread")
        for name, fn in systems(with_peers=True).items():
            if name.startswith(("torch", "jax")):
                ctx.note(f"W2 memory: {name} not measured (its buffers are invisible to "
                         "tracemalloc)")
                continue
            ctx.memory("W2", "peak memory of one step, float64", name,
                       peak_memory(lambda fn=fn: fn(params, x, onehot)))
