"""The record of one run: every measurement, its ratio to the floor, the notes.

A workload calls ``ctx.time(workload, case, system, fn)``; the floor of a
case (a system named in ``FLOORS``) is measured first, and every later
system of the case gets its ratio to it. ``ctx.value`` records a number
that is not a timing (node counts, bytes).
"""

import sys
import time

from .timing import Settings, measure, measure_fresh

FLOORS = ("numpy", "python floats")


class Context:
    """Settings, results and notes of one run of the suite."""

    def __init__(self, settings=None, threads=1, quiet=False):
        self.settings = settings or Settings()
        self.threads = threads
        self.quiet = quiet
        self.rows, self.notes, self.values = [], [], []
        self.floors = {}
        self.started = time.perf_counter()

    # -- timings ---------------------------------------------------------------
    def time(self, workload, case, system, fn, floor_case=None):
        """Median seconds of ``fn()``; repeated calls (warm caches)."""
        return self.add(workload, case, system, measure(fn, self.settings), floor_case)

    def time_fresh(self, workload, case, system, make, floor_case=None):
        """Median seconds of one cold call: ``make()`` gives a new callable each repeat."""
        return self.add(workload, case, system, measure_fresh(make, self.settings), floor_case)

    def add(self, workload, case, system, result, floor_case=None):
        """Record a timing result (a dict from :mod:`bench.timing`) and its ratio."""
        if system in FLOORS and (workload, case) not in self.floors:
            self.floors[(workload, case)] = result["seconds"]
        floor = self._floor(workload, case, floor_case)
        row = {"workload": workload, "case": case, "system": system, **result,
               "ratio": None if floor is None else result["seconds"] / floor,
               "floor_case": floor_case}
        self.rows.append(row)
        self._say(f"{workload:3} {case[:52]:52} {system:28} {result['seconds'] * 1e3:11.3f} ms"
                  + ("" if row["ratio"] is None else f"  x{row['ratio']:.2f}"))
        return row

    def _floor(self, workload, case, floor_case):
        """The floor's seconds for ``case``, or for the case containing ``floor_case``."""
        if floor_case is None:
            return self.floors.get((workload, case))
        for (w, c), seconds in self.floors.items():
            if w == workload and floor_case in c:
                return seconds
        return None

    # -- other numbers -----------------------------------------------------------
    def value(self, workload, case, system, quantity, value, unit):
        """A measured number that is not a time (node count, bytes)."""
        self.values.append({"workload": workload, "case": case, "system": system,
                            "quantity": quantity, "value": value, "unit": unit})
        self._say(f"{workload:3} {case[:52]:52} {system:28} {quantity}: {value} {unit}")

    def memory(self, workload, case, system, nbytes):
        self.value(workload, case, system, "peak memory", int(nbytes), "bytes")

    def note(self, text):
        self.notes.append(text)
        self._say(f"note: {text}")

    # -- lookups (for targets and reports) ------------------------------------------
    def find(self, workload, case_part, system):
        """The first timing row whose case contains ``case_part``, for ``system``."""
        for row in self.rows:
            if row["workload"] == workload and case_part in row["case"] and row["system"] == system:
                return row
        return None

    def find_value(self, workload, case_part, system, quantity):
        for v in self.values:
            if (v["workload"] == workload and case_part in v["case"] and v["system"] == system
                    and v["quantity"] == quantity):
                return v["value"]
        return None

    def elapsed(self):
        return time.perf_counter() - self.started

    def _say(self, text):
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)
