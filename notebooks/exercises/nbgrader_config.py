"""nbgrader configuration of the backprop_toolkit exercises (run nbgrader from this folder)."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "backprop"
# A student who deletes a graded cell gets it back, from the gradebook, before grading.
c.OverwriteCells.add_missing_cells = True
# Each notebook runs in a few seconds; this only stops a runaway submission.
c.Execute.timeout = 120
