"""The compiled program's generated code (backprop_toolkit/symbolic/codegen.py): the
same numbers and errors as the interpreter, and no user string in its source."""

import re

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit.symbolic import codegen, fusion

HOSTILE = ["x): import os; os.system('echo PWNED') #", "__import__('os')", "v0", "slots",
           "f0(**p0)\n    return 1", "a\nb", "'''", '"""', "\\", "\u202e", "def run(slots):"]
LINE = re.compile(r"def run\(slots\):|    v\d+ = slots\[\d+\]|    v\d+ = None"
                  r"|    v\d+ = f\d+\((v\d+(, v\d+)*(, \*\*p\d+)?|\*\*p\d+)?\)"
                  r"|    return \((v\d+, )*\)")
FED_LINE = re.compile(r"def run\(v\d+(, v\d+)*\):|    v\d+ = c\d+|    v\d+ = None"
                      r"|    v\d+ = v\d+\.T"
                      r"|    v\d+ = f\d+\((v\d+(, v\d+)*(, \*\*p\d+|, \*k\d+)?|\*\*p\d+)?\)"
                      r"|    return \((v\d+, )*\)")


def hostile_program(name):
    """A graph whose vars, nodes, primitive and parameter key are all named ``name``."""
    x = sym.var(name, shape=(3,))
    odd = bt.primitive(name, lambda a, **kw: a * 2.0, vjp=lambda g, out, a, **kw: g * 2.0)
    y = bt.sum(bt.tanh(odd(x, **{"k": name})) * x).named(name)
    return sym.compile([y, sym.grad(y, x)], [x])


@pytest.mark.parametrize("name", HOSTILE)
def test_no_user_string_reaches_the_generated_source(name):
    program = hostile_program(name)
    value = np.array([0.1, -0.4, 0.7])
    first, second = program(value), program(value)  # the second call runs generated code
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    ((_, source),) = program._runners.values()
    for line in source.splitlines():
        assert LINE.fullmatch(line), line  # slot numbers and fixed words, nothing else


def hostile_matrix_program(name):
    """A graph with transposes and sums (written ``v.T``, ``f(v, *k)``), all named ``name``."""
    x = sym.var(name, shape=(2, 3))
    odd = bt.primitive(name, lambda a, **kw: a * 2.0, vjp=lambda g, out, a, **kw: g * 2.0)
    y = bt.sum(bt.sum(bt.exp(x.T @ x), axis=0) * bt.sum(odd(x, **{"k": name}))).named(name)
    return sym.compile([y, sym.grad(y, x)], [x])


@pytest.mark.parametrize("name", HOSTILE)
def test_no_user_string_reaches_the_fed_source(name):
    for program, value in [(hostile_program(name), np.array([0.1, -0.4, 0.7])),
                           (hostile_matrix_program(name), np.arange(6.0).reshape(2, 3) / 7)]:
        for first in (0, 1):
            got, _ = fusion.fed(program, [value], first)
            for a, b in zip(got, program(value)[first:]):
                np.testing.assert_array_equal(a, b)
            for line in program._runners[("fed", first)][0].source.splitlines():
                assert FED_LINE.fullmatch(line), line
    source = program._runners[("fed", 1)][0].source
    assert ".T" in source and "*k" in source


def test_generated_and_interpreted_runs_agree(rng):
    x = sym.var("x", shape=(4, 3))
    y = bt.sum(bt.exp(x) @ bt.transpose(bt.sin(x))) + bt.max(x)
    program = sym.compile([y] + [sym.grad(y, x)], [x])
    value = rng.standard_normal((4, 3))
    generated = program(value)
    slots = list(program.initial)
    slots[program.input_slots[0]] = value
    interpreted = program._run(program.steps, slots)  # no key: the interpreter
    for a, b in zip(generated, interpreted):
        np.testing.assert_array_equal(a, b)


def picky_primitive():
    """A user's primitive whose forward refuses inputs with a negative sum."""
    def forward(a):
        if np.sum(a) < 0:
            raise ValueError("refuses negative sums")
        return a * 1.0

    return bt.primitive("picky", forward, vjp=lambda g, out, a: g)


def test_a_failing_step_is_worded_by_its_primitive_in_generated_code():
    picky = picky_primitive()
    x = sym.var("x", shape=(3,))
    program = sym.compile([bt.sum(bt.exp(picky(bt.sin(x))))], [x])
    program(np.ones(3))
    program(np.ones(3))
    assert program._runners  # generated
    with pytest.raises(bt.ShapeError, match="picky.*refuses negative sums"):
        program(-np.ones(3))


def test_long_schedules_are_interpreted():
    x = sym.var("x")
    y = x
    for _ in range(codegen.MAX_STEPS + 1):
        y = bt.sin(y)
    program = sym.compile([y], [x])
    program(0.1)
    assert not program._runners
