"""W1, scalar graph: a micrograd-style MLP 2-16-16-1 (tanh) on 100 fixed points.

One forward and backward pass giving every parameter's gradient of the mean
squared error. Our engines, numpy, PyTorch, autograd and JAX see the batch
as one array op per layer; micrograd builds one ``Value`` per scalar, so it
shows the per-op overhead of a scalar graph.
"""

import math

import numpy as np

import backprop_toolkit as bt

from . import peers

SIZES = (2, 16, 16, 1)
POINTS = 100


def problem(points=POINTS, sizes=SIZES, seed=0):
    """Fixed data ``(x, y)`` and parameters ``[w1, b1, w2, b2, w3, b3]``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (points, sizes[0]))
    y = np.sign(x[:, :1] * x[:, 1:2])  # the XOR-like quadrants
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, 1 / math.sqrt(fan_in), (fan_in, fan_out)),
                   rng.normal(0, 0.1, fan_out)]
    return x, y, params


def loss(w1, b1, w2, b2, w3, b3, x, y):
    """The op-language model: runs on numbers, tape tensors and symbolic nodes."""
    h1 = bt.tanh(x @ w1 + b1)
    h2 = bt.tanh(h1 @ w2 + b2)
    return bt.mean(bt.square(h2 @ w3 + b3 - y))


def numpy_grads(params, x, y):
    """The floor: hand-written forward and backward in numpy."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = np.tanh(x @ w1 + b1)
    h2 = np.tanh(h1 @ w2 + b2)
    out = h2 @ w3 + b3
    d_out = 2 * (out - y) / out.size
    d_a2 = (d_out @ w3.T) * (1 - h2 * h2)
    d_a1 = (d_a2 @ w2.T) * (1 - h1 * h1)
    return [x.T @ d_a1, d_a1.sum(0), h1.T @ d_a2, d_a2.sum(0), h2.T @ d_out, d_out.sum(0)]


def engine_grads(engine):
    """``run(params, x, y)`` for one of our engines (compiled once for "symbolic")."""
    g = bt.grad(lambda *a: loss(*a), argnums=tuple(range(6)), engine=engine)
    return lambda params, x, y: list(g(*params, x, y))


# -- peers ---------------------------------------------------------------------
def torch_loss(torch, ps, x, y):
    h1 = torch.tanh(x @ ps[0] + ps[1])
    h2 = torch.tanh(h1 @ ps[2] + ps[3])
    return ((h2 @ ps[4] + ps[5] - y) ** 2).mean()


def torch_grads():
    return peers.torch_grads_of(torch_loss)


def autograd_grads():
    anp = peers.get("autograd").numpy

    def f(params, x, y):
        w1, b1, w2, b2, w3, b3 = params
        h1 = anp.tanh(anp.dot(x, w1) + b1)
        h2 = anp.tanh(anp.dot(h1, w2) + b2)
        return anp.mean((anp.dot(h2, w3) + b3 - y) ** 2)

    g = peers.get("autograd").grad(f)
    return lambda params, x, y: list(g(list(params), x, y))


def jax_grads():
    jax = peers.get("jax")
    jnp = jax.numpy

    def f(params, x, y):
        w1, b1, w2, b2, w3, b3 = params
        h1 = jnp.tanh(x @ w1 + b1)
        h2 = jnp.tanh(h1 @ w2 + b2)
        return jnp.mean((h2 @ w3 + b3 - y) ** 2)

    g = jax.jit(jax.grad(f))
    return lambda params, x, y: [np.asarray(a) for a in jax.block_until_ready(g(params, x, y))]


def micrograd_grads():
    """micrograd: one ``Value`` per scalar; the whole scalar graph is rebuilt per call."""
    Value = peers.get("micrograd").Value

    def tanh(v):  # micrograd's engine has no tanh; this is the one of its lecture
        t = math.tanh(v.data)
        out = Value(t, (v,), "tanh")

        def backward():
            v.grad += (1 - t * t) * out.grad

        out._backward = backward
        return out

    def run(params, x, y):
        ps = [[[Value(float(v)) for v in row] for row in np.atleast_2d(p)] for p in params]
        ws, bs = ps[0::2], [row[0] for row in ps[1::2]]
        total = Value(0.0)
        for xi, yi in zip(x.tolist(), y[:, 0].tolist()):
            h = xi
            for layer, (w, b) in enumerate(zip(ws, bs)):
                pre = [sum((h[i] * w[i][j] for i in range(len(h))), b[j]) for j in range(len(b))]
                h = pre if layer == len(ws) - 1 else [tanh(v) for v in pre]
            total = total + (h[0] - yi) ** 2
        out = total * (1.0 / len(x))
        out.backward()
        grads = []
        for k, p in enumerate(params):
            g = np.array([[v.grad for v in row] for row in ps[k]])
            grads.append(g.reshape(p.shape))
        return grads

    return run


PEERS = {"torch": torch_grads, "autograd": autograd_grads, "jax (jit)": jax_grads,
         "micrograd (scalar Values)": micrograd_grads}


def systems():
    """``{system: run(params, x, y) -> grads}``: the floor first, then ours, then peers."""
    table = {"numpy": numpy_grads, "tape": engine_grads("tape"),
             "symbolic (compiled)": engine_grads("symbolic")}
    for name, make in PEERS.items():
        if peers.get(name.split(" ")[0]) is not None:
            table[name] = make()
    return table


def check(points=8, sizes=(2, 3, 3, 1)):
    """Every system's gradients on a tiny problem, against the numpy floor."""
    x, y, params = problem(points, sizes)
    return {name: (run(params, x, y), numpy_grads(params, x, y))
            for name, run in systems().items()}


def run(ctx):
    """Measure every system on the full problem, at ``ctx.threads`` threads."""
    x, y, params = problem()
    case = f"MLP 2-16-16-1 tanh, {POINTS} points, float64"
    ctx.time_together("W1", case, {name: (lambda fn=fn: fn(params, x, y))
                                   for name, fn in systems().items()})
    ctx.time_fresh("W1", case, "symbolic (first call)",
                   lambda: (lambda g=engine_grads("symbolic"): g(params, x, y)))
