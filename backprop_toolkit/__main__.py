"""Command line: ``python -m backprop_toolkit figures [--out DIR]``.

``--out`` names a folder, made if missing; the figures in it are overwritten
(symbolic links among them are refused, see ``viz/files.py``). An empty name,
an existing file or a folder that cannot be written is an error message and
exit status 2 (1 if writing fails later on), never a traceback.
"""

import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m backprop_toolkit",
                                     description="backprop_toolkit commands")
    commands = parser.add_subparsers(dest="command", required=True)
    figures = commands.add_parser("figures", help="regenerate every slide figure")
    figures.add_argument("--out", default="figures", help="output folder (default: figures/)")
    args = parser.parse_args(argv)

    if args.command == "figures":
        from .errors import BackpropError
        from .viz.figures import regenerate

        check_out(args.out, figures)
        try:
            names = regenerate(args.out)
        except (BackpropError, OSError) as error:
            figures.exit(1, f"{figures.prog}: error: writing the figures to {args.out}: {error}\n")
        print(f"wrote {len(names)} figure(s) to {args.out}/")
    return 0


def check_out(out, parser):
    """Refuse an ``--out`` that is empty, a file, or a folder that cannot be made or written."""
    from .viz.files import FigurePathError, make_folder

    if not out.strip():
        parser.error("--out is empty: name a folder (for the current one, --out .)")
    if os.path.exists(out) and not os.path.isdir(out):
        parser.error(f"--out {out}: is a file, not a folder")
    try:
        make_folder(out, what="--out")
    except FigurePathError as error:
        parser.error(str(error))
    if not os.access(out, os.W_OK | os.X_OK):
        parser.error(f"--out {out}: the folder is not writable")


if __name__ == "__main__":
    sys.exit(main())
