"""``python -m bench``: run every workload on every system and write the reports.

Thread variables are set here, before numpy (or a peer) is imported, so
every library starts with the same pools; each measurement then limits them
with threadpoolctl and ``torch.set_num_threads``.
"""

import argparse

from .timing import set_thread_environment


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for every workload but W2's sweep (default 1)")
    parser.add_argument("--repeats", type=int, default=7, help="repeats per measurement (>= 7)")
    parser.add_argument("--only", nargs="*", default=None,
                        help="workloads to run, e.g. W1 W3 (default: all)")
    parser.add_argument("--no-peers", action="store_true", help="measure our engines only")
    parser.add_argument("--no-docs", action="store_true",
                        help="write bench/results only, not docs/benchmarks.md")
    parser.add_argument("--rerender", action="store_true",
                        help="rewrite the reports from bench/results/latest.json, measure nothing")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    if args.rerender:
        from .report import rerender
        from .run import ROOT

        rerender(ROOT / "bench" / "results", ROOT / "docs")
        return
    set_thread_environment(max(args.threads, 2))  # the pools' size; W2 also runs 2 threads
    from .run import run_suite

    run_suite(args)


if __name__ == "__main__":
    main()
