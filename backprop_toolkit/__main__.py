"""Command line: ``python -m backprop_toolkit figures [--out DIR]``."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m backprop_toolkit",
                                     description="backprop_toolkit commands")
    commands = parser.add_subparsers(dest="command", required=True)
    figures = commands.add_parser("figures", help="regenerate every slide figure")
    figures.add_argument("--out", default="figures", help="output folder (default: figures/)")
    args = parser.parse_args(argv)

    if args.command == "figures":
        from .viz.figures import regenerate

        names = regenerate(args.out)
        print(f"wrote {len(names)} figure(s) to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
