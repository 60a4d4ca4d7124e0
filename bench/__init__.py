"""The benchmark suite of issue 7: each workload on each system, in one run.

Run it from the repository root with ``python -m bench`` (or ``make bench``,
which builds ``.venv-bench`` with the peers first). Every workload has a
hand-written numpy (or plain-float) *floor* measured in the same run; the
headline figures are ratios to that floor. Peers (PyTorch, HIPS autograd,
micrograd, JAX) are optional imports and are skipped with a note when absent.

Modules:

* :mod:`bench.timing`: warm-up, median of repeats, thread limits, peak memory;
* :mod:`bench.peers`: the optional peer libraries;
* :mod:`bench.w1_scalar_mlp` ... :mod:`bench.w5_symbolic_build`: the workloads,
  each with ``run(ctx)`` (measure) and ``check(...)`` (gradients agree);
* :mod:`bench.targets`: the targets of the issue, judged on a run;
* :mod:`bench.report`: Markdown, JSON, the plot and ``docs/benchmarks.md``.
"""
