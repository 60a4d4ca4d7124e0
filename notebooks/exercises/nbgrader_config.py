"""nbgrader configuration of the backprop_toolkit exercises (run nbgrader from this folder)."""

import os
import secrets
import warnings

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, OverwriteCells

from backprop_toolkit.exercises.autograde import OverwriteCellsQuietly, RequireReceipts
from backprop_toolkit.exercises.sealed import RECEIPT_KEY

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "backprop"
# A student who deletes a graded cell gets it back, from the gradebook, before grading.
c.OverwriteCells.add_missing_cells = True
# Each notebook runs in a few seconds; this only stops a runaway submission.
c.Execute.timeout = 120
# A graded notebook's kernel is never used again: stop it at once instead of asking it to
# shut down and waiting (a fifth of the time of a small notebook).
c.Execute.shutdown_kernel = "immediate"

# A test cell scores only with the receipts its checks print when they pass (see
# backprop_toolkit/exercises/autograde.py): checked in nbgrader's process, right after the
# notebook ran, with a key made for this run and handed to the kernels in the environment.
os.environ.setdefault(RECEIPT_KEY, secrets.token_hex(16))
_steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
_steps.insert(_steps.index(Execute) + 1, RequireReceipts)
c.Autograde.autograde_preprocessors = _steps

# Quiet for every student, loud when it matters. nbgrader warns that a test cell's checksum
# changed whenever the release left its hidden tests out, that is for every student: the
# warning stays only for a test cell the student edited. And nbgrader 0.9.6 adds objects to
# its SQLAlchemy session in a way SQLAlchemy 2 warns about ("Object of type
# <SubmittedNotebook> not in session"), harmless: the grades are saved all the same.
_sanitize = list(Autograde.class_traits()["sanitize_preprocessors"].default())
_sanitize[_sanitize.index(OverwriteCells)] = OverwriteCellsQuietly
c.Autograde.sanitize_preprocessors = _sanitize
warnings.filterwarnings("ignore", message="Object of type .* not in session")
# And every kernel warns at its start that TCP between nbgrader and it is not encrypted (both
# run on this machine): the kernel logs errors only (nbgrader's own argument comes first).
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
