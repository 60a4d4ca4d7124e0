"""Python's cycle collector paused while the toolkit's own sweeps and graph builds run.

The sweeps (:mod:`.passes`), ``simplify`` and the symbolic compiler allocate hundreds of
thousands of objects and make no reference cycles; the collector would walk the growing heap
again and again meanwhile. The user's own function always runs with the collector as the
user left it.
"""

import functools
import gc
import threading


class CollectorPause:
    """Python's cycle collector paused while any of the toolkit's sweeps runs, in any thread.

    A sweep over a large graph allocates hundreds of thousands of objects and
    no reference cycles; the collector would walk the growing heap again and
    again meanwhile (measured: 1.4 s of a 6.1 s symbolic derivative of a
    100,000-node chain). The collector is one switch for the whole process, so
    the pause is counted for the whole process, under a lock: the first sweep
    to start switches it off (if it was on), the last to finish switches it
    back on. (Each call remembering the state it found would race: a call that
    found it off because another thread's sweep was running would never
    switch it back on.) Only the toolkit's own sweeps are paused, never a
    user's function: its garbage cycles are collected as usual.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.resume = False

    def __enter__(self):
        with self.lock:
            if self.running == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.running += 1

    def __exit__(self, *exc):
        with self.lock:
            self.running -= 1
            if self.running == 0 and self.resume:
                gc.enable()


COLLECTOR_PAUSE = CollectorPause()


def gc_paused(fun):
    """``fun`` run inside :data:`COLLECTOR_PAUSE`: for the sweeps and graph builds of the
    toolkit (``reverse_pass``, ``forward_pass``, ``simplify``, ``Program``), never for a
    function that calls the user's code."""

    @functools.wraps(fun)
    def paused(*args, **kwargs):
        with COLLECTOR_PAUSE:
            return fun(*args, **kwargs)

    return paused
