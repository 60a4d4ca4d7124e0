"""nbgrader's side of the grading: steps of ``autograde`` that run in nbgrader's process.

* :class:`RequireReceipts`: a test cell scores only if its checks said so;
* :class:`OverwriteCellsQuietly`: nbgrader's restoring of the test cells, without a
  warning for every student about the hidden tests the release left out.

The receipts: 
nbgrader gives a test cell its points when its output shows no error. A
student's code shares the kernel with the test cells, so it could hide an
error (an IPython exception handler, a cell transformer that wraps every cell
in ``try``), or hand the cell fake checks. So a passing check also prints a
receipt (:func:`.sealed.receipt`): a keyed hash of the text of the line that
called it, the key coming from the environment nbgrader_config.py sets up.
:class:`RequireReceipts` runs in nbgrader's own process, after the notebook
ran: every ``grade.check_...(...)`` line of a test cell, as the gradebook has
it, must have its receipt in the cell's output, or the cell gets an error (and
no points). Forging one means reading the key out of the kernel on purpose,
which the guide's threat model lists.

Not imported by the package: it needs nbgrader, and runs outside the kernel
(``nbgrader_config.py`` puts both steps in place).
"""

import copy
import re

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells

from .sealed import receipt

CHECK_CALL = re.compile(r"^\s*grade\.check_\w+\(")
"""A line of a test cell that calls a check (one call per line, as the notebooks have)."""


def missing_receipts(cell):
    """The lines of ``cell`` that call a check and whose receipt is not in its output."""
    printed = "".join(o.get("text", "") for o in cell.get("outputs", [])
                      if o.get("output_type") == "stream" and o.get("name") == "stdout")
    return [line.strip() for line in cell.source.splitlines()
            if CHECK_CALL.match(line) and receipt(line) not in printed]


class RequireReceipts(NbGraderPreprocessor):
    """After ``Execute``: a test cell with a check but without its receipt (and no error
    already saying why) gets an error."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            missing = missing_receipts(cell)
            if missing and not any(o.output_type == "error" for o in cell.outputs):
                cell.outputs.append(NotebookNode(
                    output_type="error", ename="NoReceipt", evalue=missing[0],
                    traceback=[f"NoReceipt: the check {missing[0]!r} did not report passing "
                               "(it failed, did not run, or the cell was changed while the "
                               "notebook ran), so this test scores zero"]))
        return cell, resources


class OverwriteCellsQuietly(OverwriteCells):
    """``OverwriteCells`` (a test cell gets back its text from the gradebook, hidden tests
    included), warning only when the student's copy differs from the released one.

    Every released test cell with hidden tests differs from the gradebook's by
    them, so nbgrader warns about its checksum for every student; that warning
    is kept for a cell the student really changed, and logged at debug level
    otherwise.
    """

    def preprocess_cell(self, cell, resources, index):
        self._submitted = cell.source
        return super().preprocess_cell(cell, resources, index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._released(name) == self._submitted.strip():
            self.log.debug("Cell %s: its hidden tests are put back", name)
        else:
            super().report_change(name, attr, old, new)

    def _released(self, name):
        """The text of test cell ``name`` as the release has it: without hidden tests."""
        cell = self.gradebook.find_source_cell(name, self.notebook_id, self.assignment_id)
        released = NotebookNode(cell_type="code", source=copy.copy(cell.source))
        ClearHiddenTests()._remove_hidden_test_region(released)
        return released.source.strip()
