"""The record of one run: every measurement, its ratio to the floor, the notes.

A workload calls ``ctx.time_together(workload, case, {system: fn})``: the
floor of the case (a system named in ``FLOORS``) and every other system are
measured in interleaved rounds, and each system's ratio is the median of its
per-round ratios to the floor. ``ctx.time`` measures one system alone (its
ratio is to the floor's median measured earlier). ``ctx.value`` records a number
that is not a timing (node counts, bytes).
"""

import statistics
import sys
import time

from .timing import Settings, measure, measure_fresh, measure_together

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

    def time_together(self, workload, case, fns):
        """Every system of ``fns`` (``{system: fn}``, the floor first) in interleaved rounds.

        A system's ratio is the median over the rounds of its time divided by
        the floor's time in the same round, not a ratio of two medians taken
        minutes apart. Returns the rows.
        """
        results = measure_together(fns, self.settings)
        floor = next((results[s]["times"] for s in results if s in FLOORS), None)
        rows = []
        for system, result in results.items():
            times = result.pop("times")
            paired = None if floor is None else statistics.median(
                t / f for t, f in zip(times, floor))
            rows.append(self.add(workload, case, system, result, paired=paired))
        return rows

    def time_fresh(self, workload, case, system, make, floor_case=None):
        """Median seconds of one cold call: ``make()`` gives a new callable each repeat."""
        return self.add(workload, case, system, measure_fresh(make, self.settings), floor_case)

    def add(self, workload, case, system, result, floor_case=None, paired=None):
        """Record a timing result (a dict from :mod:`bench.timing`) and its ratio: the
        ``paired`` one of interleaved rounds if given, else its median over the floor's."""
        if system in FLOORS and (workload, case) not in self.floors:
            self.floors[(workload, case)] = result["seconds"]
        floor = self._floor(workload, case, floor_case)
        if paired is None and floor is not None:
            paired = result["seconds"] / floor
        row = {"workload": workload, "case": case, "system": system, **result,
               "ratio": paired, "floor_case": floor_case}
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
