"""einsum and tensordot against ``@``: W2's MLP (784-256-256-10, batch 128), forward+backward.

``python -m bench.einsum_vs_matmul [--rounds 60] [--threads 1] [--float32]``

The same model is written three ways: with ``@`` (the table's ``matmul``),
with ``np.einsum("bi,ij->bj", ...)`` and with ``np.tensordot(..., axes=1)``
(both the table's ``einsum`` entry, through the op that parses numpy's
subscripts). One process, one gradient function per variant and engine,
warmed up (the symbolic engine compiles once); then ``rounds`` rounds that each
time every variant once in a rotating order, so drifts of the machine hit all
variants alike. Reported: the median time of each, and its ratio to ``@`` on
the same engine. Not part of ``python -m bench``; no test asserts a time.
"""

import argparse
import statistics
import sys
import time

from .timing import set_thread_environment

if __name__ == "__main__":  # the BLAS pools are sized when numpy loads: set them first
    set_thread_environment(int(sys.argv[sys.argv.index("--threads") + 1])
                           if "--threads" in sys.argv else 1)

import numpy as np  # noqa: E402

import backprop_toolkit as bt  # noqa: E402

from .w2_array_mlp import problem  # noqa: E402


def dense(kind):
    """``h @ w`` written as ``kind``: "@", "einsum" or "tensordot"."""
    if kind == "@":
        return lambda h, w: h @ w
    if kind == "einsum":
        return lambda h, w: np.einsum("bi,ij->bj", h, w)
    return lambda h, w: np.tensordot(h, w, axes=1)


def loss_of(kind):
    """W2's loss (mean softmax cross-entropy of a ReLU MLP) with its products as ``kind``."""
    product = dense(kind)

    def loss(w1, b1, w2, b2, w3, b3, x, onehot):
        h1 = bt.relu(product(x, w1) + b1)
        h2 = bt.relu(product(h1, w2) + b2)
        logp = bt.log_softmax(product(h2, w3) + b3, axis=-1)
        return -bt.sum(onehot * logp) / x.shape[0]

    return loss


KINDS = ("@", "einsum", "tensordot")


def runs(engine):
    """``{kind: run(params, x, onehot) -> grads}`` for one engine."""
    table = {}
    for kind in KINDS:
        g = bt.grad(loss_of(kind), argnums=tuple(range(6)), engine=engine)
        table[kind] = lambda params, x, onehot, g=g: g(*params, x, onehot)
    return table


def check(batch=4, sizes=(6, 5, 4, 3)):
    """Each variant's gradients on a tiny problem, against ``@``'s, on both engines."""
    x, onehot, params = problem(batch, sizes)
    results = {}
    for engine in bt.ENGINES:
        table = runs(engine)
        floor = table["@"](params, x, onehot)
        for kind in KINDS[1:]:
            results[f"{engine} {kind}"] = (table[kind](params, x, onehot), floor)
    return results


def measure(engine, rounds, dtype=np.float64, warmup=3):
    """Median seconds per forward+backward of each variant, interleaved over ``rounds``."""
    x, onehot, params = problem(dtype=dtype)
    table = runs(engine)
    for _ in range(warmup):
        for run in table.values():
            run(params, x, onehot)
    times = {kind: [] for kind in table}
    for r in range(rounds):
        order = KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)]
        for kind in order:
            start = time.perf_counter()
            table[kind](params, x, onehot)
            times[kind].append(time.perf_counter() - start)
    return {kind: statistics.median(ts) for kind, ts in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.einsum_vs_matmul")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--float32", action="store_true")
    args = parser.parse_args(argv)
    from .timing import threads

    dtype = np.float32 if args.float32 else np.float64
    print(f"W2 MLP 784-256-256-10, batch 128, {np.dtype(dtype).name}, {args.threads} thread(s),"
          f" forward+backward, median of {args.rounds} interleaved rounds")
    with threads(args.threads):
        for engine in bt.ENGINES:
            medians = measure(engine, args.rounds, dtype)
            base = medians["@"]
            for kind, t in medians.items():
                print(f"  {engine:9s} {kind:10s} {t * 1e3:8.3f} ms   ratio to @ {t / base:.3f}")


if __name__ == "__main__":
    main()
