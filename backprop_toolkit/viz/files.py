"""Where figures are saved: the names checked before anything is written.

``save_figure(g, "figs/add")`` writes ``figs/add.svg``, ``figs/add.pdf`` and
``figs/add.png``, making the folder ``figs`` if needed. The rules:

* the path names a file, given without a suffix: ``"figs/"``, ``""``, an existing
  folder or ``"add.svg"`` is refused (it would have written ``figs.svg`` beside
  the folder, or ``add.svg.svg``);
* an existing regular file of the same name is overwritten: figures are
  regenerated in place (``make figures``);
* a symbolic link, a folder or any other non-regular file in the way is refused,
  never written through (the link could point anywhere);
* every picture is rendered before the first file is written, so a failure
  leaves the old files as they were.
"""

import errno
import os
import pathlib

from ..errors import BackpropError

SUFFIXES = {"svg", "pdf", "png", "jpg", "jpeg", "gif", "eps", "ps"}


class FigurePathError(BackpropError, OSError):
    """A figure's path that names a folder, a symbolic link or a place that cannot be written."""


def figure_targets(path, formats):
    """The files ``path.<format>``, after checking ``path`` names a writable file name."""
    text = os.fspath(path)
    separators = tuple(s for s in (os.sep, os.altsep) if s)
    path = pathlib.Path(text)
    if not text.strip() or text.endswith(separators) or path.is_dir() or path.name in ("", ".."):
        example = os.path.join(text.strip() or ".", "figure")
        raise FigurePathError(
            f"save_figure: {text!r} names a folder, not a figure: give the file name without "
            f"a suffix, e.g. {example!r} (writes figure.svg, figure.pdf, ... there)")
    if path.suffix[1:].lower() in SUFFIXES:
        raise FigurePathError(
            f"save_figure: give {text!r} without its suffix: {str(path.with_suffix(''))!r} "
            f"writes {', '.join(f'.{f}' for f in formats)}")
    targets = [path.with_name(f"{path.name}.{fmt}") for fmt in formats]
    for target in targets:
        if target.is_symlink():
            raise FigurePathError(
                f"save_figure: {target} is a symbolic link; figures are never written through "
                "one (it could point anywhere): remove it or choose another name")
        if target.exists() and not target.is_file():
            raise FigurePathError(f"save_figure: {target} exists and is not a regular file "
                                  "(a folder?): choose another name")
    return targets


def make_folder(folder, what="save_figure"):
    """Create ``folder`` (and its parents) if needed, or say clearly why not."""
    try:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FigurePathError(f"{what}: cannot make the folder {folder}: a file of that "
                              "name is in the way") from None
    except OSError as error:
        raise FigurePathError(f"{what}: cannot make the folder {folder}: "
                              f"{error.strerror or error}") from None


def write_file(target, data):
    """Write the bytes ``data`` to ``target``, replacing a regular file, never following a
    symbolic link (``O_NOFOLLOW``: a link made after the check is refused too)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags, 0o666)
    except OSError as error:
        why = "it is a symbolic link, never written through" if error.errno == errno.ELOOP \
            else error.strerror or error
        raise FigurePathError(f"cannot write {target}: {why}") from None
    with os.fdopen(fd, "wb") as file:
        file.write(data)
