"""Shared fixtures: every transform test runs on both engines."""

import numpy as np
import pytest

import backprop_toolkit as bt


SYMBOLIC_PENDING = pytest.mark.skip(reason="the symbolic engine lands with issue 3")


@pytest.fixture(params=["tape", pytest.param("symbolic", marks=SYMBOLIC_PENDING)])
def engine(request):
    """Each engine in turn: "tape" (symbol-to-number), "symbolic" (symbol-to-symbol)."""
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)
