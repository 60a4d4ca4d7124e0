#!/bin/bash
# Run HIPS autograd's own numpy-gradient tests against backprop_toolkit, through a thin shim
# (autograd.grad -> bt.grad, check_grads -> bt.check_function; autograd.numpy is numpy).
#
# usage: bench/peer_suite/run.sh AUTOGRAD_TESTS_DIR [engine] [python]
#   AUTOGRAD_TESTS_DIR: the tests/ folder of a checkout of github.com/HIPS/autograd
# A test whose every check has complex input is skipped (the toolkit is real-valued): count
# real-input passes as "passed" minus "skipped" (a skipped test is reported in both).
set -u
tests=$1; engine=${2:-tape}; py=${3:-python}
here=$(cd "$(dirname "$0")" && pwd)
cp "$here/conftest.py" "$tests/conftest_peer_suite.py"
cd "$tests"
for f in test_numpy.py test_systematic.py test_linalg.py test_scalar_ops.py test_binary_ops.py; do
  BT_ENGINE=$engine PYTHONPATH="$here" $py -m pytest -q -p no:cacheprovider -p conftest_peer_suite \
    -W ignore "$f" 2>&1 | tail -1 | sed "s/^/$engine $f: /"
done
