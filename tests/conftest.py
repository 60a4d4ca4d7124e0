"""Shared fixtures: every transform test runs on both engines."""

import numpy as np
import pytest

import backprop_toolkit as bt


@pytest.fixture(params=bt.ENGINES)
def engine(request):
    """Each engine in turn: "tape" (symbol-to-number), "symbolic" (symbol-to-symbol)."""
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)
