"""Automatic differentiation switched off while code that must work by hand runs.

An assignment that asks for a backward pass or a derivative graph *by hand*
runs the student's function inside :func:`by_hand`: every transform and both
sweeps call :func:`refuse_by_hand` first, and raise
:class:`~backprop_toolkit.errors.AutodiffDisabledError` while a block is open.
"""

import contextlib
import threading

from .errors import AutodiffDisabledError


class Refusals(list):
    """What one :func:`by_hand` block refused: the transforms called inside it, in order."""

    def __init__(self, what):
        super().__init__()
        self.what = what


_BY_HAND = []  # the open by_hand blocks, of every thread: differentiation is off while any is
_BY_HAND_LOCK = threading.Lock()


@contextlib.contextmanager
def by_hand(what="this code"):
    """Automatic differentiation switched off while the block runs: derivatives by hand only.

    Inside, every transform (``bt.grad``, ``value_and_grad``, ``vjp``, ``jvp``,
    ``jacobian``, ``hessian``), ``sym.grad``, ``sym.jvp``, ``Tensor.backward``, both
    sweeps, running a symbolic graph (which may hold a derivative made before)
    and ``bt.numerical_grad`` raise
    :class:`~backprop_toolkit.errors.AutodiffDisabledError`; ops still compute and
    record. The graders run a student's backward pass in it.
    Yields a :class:`Refusals` list of the transforms refused, kept even if the
    code caught the error. The switch is one for the whole process, counted
    under a lock (blocks nest, in any thread): a thread started inside the
    block must not escape it, so other threads are refused meanwhile too.
    """
    refusals = Refusals(what)
    with _BY_HAND_LOCK:
        _BY_HAND.append(refusals)
    try:
        yield refusals
    finally:
        with _BY_HAND_LOCK:
            _BY_HAND[:] = [r for r in _BY_HAND if r is not refusals]


def refuse_by_hand(transform):
    """Raise if a :func:`by_hand` block is open: ``transform`` (``"bt.grad"``) may not run."""
    if not _BY_HAND:  # the common case: one list test
        return
    with _BY_HAND_LOCK:
        open_blocks = list(_BY_HAND)
    for refusals in open_blocks:
        refusals.append(transform)
    raise AutodiffDisabledError(
        f"{transform} is switched off here: {open_blocks[-1].what} must work out its "
        "derivatives by hand, so the toolkit's automatic differentiation is off while it runs")
