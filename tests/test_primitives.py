"""The generic checker, run on every entry of the primitive table.

Each entry is checked at its sample inputs (tests/primitive_examples.py) on
both engines: reverse mode, forward mode, and both second-order
compositions, each against central differences, plus its numpy forward
against the engines' forward values.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit.primitives import TABLE

from primitive_examples import EXAMPLES

CASES = [(name, k) for name in sorted(TABLE) for k in range(len(EXAMPLES.get(name, [])))]


def test_every_entry_has_examples():
    missing = sorted(set(TABLE) - set(EXAMPLES))
    assert not missing, f"table entries without sample inputs in primitive_examples.py: {missing}"


@pytest.mark.parametrize("name,k", CASES)
def test_entry_derivatives(name, k, engine):
    make_args, params = EXAMPLES[name][k]
    args = make_args(np.random.default_rng(k))
    bt.check_primitive(TABLE[name], args, params, engine=engine)


@pytest.mark.parametrize("name,k", CASES)
def test_entry_forward_shape_rule(name, k):
    """The shape rule agrees with the numpy forward (the symbolic engine relies on it)."""
    make_args, params = EXAMPLES[name][k]
    args = make_args(np.random.default_rng(k))
    prim = TABLE[name]
    out = np.asarray(prim.impl(*args, **params))
    assert prim.shape(*[np.shape(a) for a in args], **params) == out.shape


def test_rules_never_use_numpy():
    """Rules are written in the op language only (docs/design.md, "The one idea")."""
    offenders = []
    for prim in TABLE.values():
        for kind, rules in (("vjp", prim.vjp), ("jvp", prim.jvp)):
            for i, rule in enumerate(rules):
                if rule is None:
                    continue
                names = _referenced_globals(rule)
                if {"np", "numpy"} & names:
                    offenders.append(f"{prim.name}.{kind}[{i}]")
    assert not offenders, f"rules that reach for numpy: {offenders}"


def test_numpy_check_sees_through_helpers():
    """The check above follows a rule into its closures and the table's helpers, and
    would see numpy there; it does not follow the shape helpers of
    ``backprop_toolkit.shapes`` (metadata: numpy's shape functions are fine there)."""
    from backprop_toolkit.primitives import elementwise, linear

    power_da = elementwise.power_p.vjp[0]  # binary's vjp_a -> the lambda -> _base_if_flat
    assert {"where_p", "equal_p", "power_p"} <= _referenced_globals(power_da)
    assert "np" in _referenced_globals(elementwise._stable_sigmoid)  # a forward: numpy
    matmul_da = _referenced_globals(linear.matmul_p.vjp[0])
    assert "matmul_shape" in matmul_da and "np" not in matmul_da


def _referenced_globals(fun, seen=None):
    """Global names a rule uses, following the table's helper functions it calls.

    Names are resolved in the rule's own module; helpers defined in the table
    (``backprop_toolkit.primitives.*``) are followed, the shape helpers of
    ``backprop_toolkit.shapes`` are not.
    """
    seen = set() if seen is None else seen
    names = set(fun.__code__.co_names)
    for const in fun.__code__.co_consts:
        if hasattr(const, "co_names"):
            names |= set(const.co_names)
    if fun.__closure__:
        for cell in fun.__closure__:
            inner = cell.cell_contents
            if callable(inner) and hasattr(inner, "__code__") and inner not in seen:
                seen.add(inner)
                names |= _referenced_globals(inner, seen)
    for name in list(names):
        helper = fun.__globals__.get(name)
        if (callable(helper) and hasattr(helper, "__code__") and helper not in seen
                and helper.__module__.startswith("backprop_toolkit.primitives")):
            seen.add(helper)
            names |= _referenced_globals(helper, seen)
    return names


def test_rule_checker_catches_a_wrong_rule(engine):
    """The checker is only useful if it fails: a sign error in a rule is caught."""
    wrong = bt.elementwise("bad_sin", np.sin, derivative=lambda x: -bt.cos(x))
    with pytest.raises(AssertionError, match="VJP"):
        bt.check_primitive(wrong, (np.array([0.3, 1.2]),), engine=engine)


def test_user_elementwise_passes_checker(engine):
    fprime = bt.elementwise("f'", lambda x: 1 - np.tanh(x) ** 2,
                            derivative=lambda x: -2 * bt.tanh(x) * (1 - bt.tanh(x) ** 2))
    f = bt.elementwise("f", np.tanh, derivative=fprime)
    bt.check_primitive(f, (np.array([0.3, -1.2, 0.7]),), engine=engine)


def test_user_primitive_general_form(engine):
    """bt.primitive: a two-input op with its rules in the op language."""
    hypot = bt.primitive(
        "hypot", np.hypot,
        vjp=[lambda g, out, a, b: g * a / out, lambda g, out, a, b: g * b / out],
        jvp=[lambda t, out, a, b: t * a / out, lambda t, out, a, b: t * b / out])
    bt.check_primitive(hypot, (np.array([3.0, 1.0]), np.array([4.0, 2.0])), engine=engine)
    assert np.allclose(bt.grad(lambda a: bt.sum(hypot(a, 4.0)), engine=engine)(3.0), 0.6)
