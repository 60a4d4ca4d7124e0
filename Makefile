# The two commands of the README: `make figures` and `make test`.
# Both build .venv from nothing, install the package (editable) with its
# extras, and make sure Graphviz's `dot` program is on the machine.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test figures dot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,grading]"
	touch $(STAMP)

# Graphviz's `dot` is a system program, not a Python package: install it
# with apt-get when we are root on Debian/Ubuntu, otherwise say how.
dot:
	@if command -v dot >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing graphviz (the dot program) with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	else \
		echo "error: Graphviz's 'dot' program is missing." >&2; \
		echo "  Debian/Ubuntu: sudo apt-get install graphviz" >&2; \
		echo "  macOS:         brew install graphviz" >&2; \
		echo "  conda:         conda install -c conda-forge graphviz" >&2; \
		exit 1; \
	fi; \
	command -v dot >/dev/null 2>&1 || { echo "error: dot still missing after install" >&2; exit 1; }

test: $(STAMP) dot
	$(PY) -m pytest -q -n 2

figures: $(STAMP) dot
	$(PY) -m backprop_toolkit figures --out figures

clean:
	rm -rf $(VENV) .pytest_cache

# `make bench`: the benchmark suite of issue 7 (bench/, docs/benchmarks.md).
# Its own environment, .venv-bench, holds the package and the optional peers;
# torch is pinned to the CPU wheel that the index serves without CUDA.
BENCH_VENV  := .venv-bench
BENCH_PY    := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet -e . threadpoolctl
	$(BENCH_PY) -m pip install --quiet torch==2.13.0
	$(BENCH_PY) -m pip install --quiet autograd micrograd
	$(BENCH_PY) -m pip install --quiet jax jaxlib || echo "jax did not install: W1, W2, W4 skip it"
	touch $(BENCH_STAMP)

.PHONY: bench
bench: $(BENCH_STAMP)
	$(BENCH_PY) -m bench

# The instructor's loop of the nbgrader exercises (notebooks/exercises/README.md is the
# guide). nbgrader runs the `alembic` program of the venv, so its bin/ goes first on PATH.
# `make release`: the student notebooks, one folder per assignment in
#   notebooks/exercises/release/, without solutions or hidden tests;
# then, with the submissions in notebooks/exercises/submitted/<student>/<assignment>/:
# `make autograde`: grade every submission (A=two_layer: one assignment's);
# `make feedback`: each student's HTML feedback, with the checks' messages, in feedback/;
# `make grades`: notebooks/exercises/grades.csv, one row per student and assignment.
EXERCISES := $(notdir $(wildcard notebooks/exercises/source/*))
A ?= $(EXERCISES)
NBGRADER = cd notebooks/exercises && PATH="$(abspath $(VENV))/bin:$$PATH" "$(abspath $(PY))" -m nbgrader
.PHONY: release autograde feedback grades
release: $(STAMP)
	for a in $(A); do ($(NBGRADER) generate_assignment "$$a" --force) || exit 1; done
	@echo "student notebooks: notebooks/exercises/release/<assignment>/"

# autograde and feedback go on past an assignment that failed for some student (a
# kernel that died), and fail at the end
autograde: $(STAMP)
	@failed=; for a in $(A); do ($(NBGRADER) autograde "$$a") || failed="$$failed $$a"; done; \
	if [ -n "$$failed" ]; then echo "autograde failed for some students of:$$failed" >&2; exit 1; fi

feedback: $(STAMP)
	@failed=; for a in $(A); do ($(NBGRADER) generate_feedback "$$a" --force) || failed="$$failed $$a"; done; \
	if [ -n "$$failed" ]; then echo "generate_feedback failed for:$$failed" >&2; exit 1; fi
	@echo "feedback: notebooks/exercises/feedback/<student>/<assignment>/<assignment>.html"

grades: $(STAMP)
	$(NBGRADER) export
	@echo "grades: notebooks/exercises/grades.csv"
