"""The slide figures that ``make figures`` regenerates.

Each entry of :data:`FIGURES` is ``(name, make)``: ``make(out_dir)`` writes
``out_dir/name.*``. The drawings issue fills this list; regenerating an empty
list is already a working command.
"""

import pathlib

FIGURES = []


def regenerate(out_dir):
    """Write every figure into ``out_dir``; returns the names written."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES:
        make(out)
        written.append(name)
    return written
