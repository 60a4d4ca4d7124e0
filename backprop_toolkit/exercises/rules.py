"""Grader of ``rules``: the VJP and JVP rules of softplus(x) = log(1 + e^x).

softplus'(x) = sigmoid(x): the student's two rules are checked on plain
numbers first (with the usual mistakes named), then, inside a primitive the
grader makes itself (its own forward), on both engines, both modes, to second
order. Every call of a rule is the student's code: it runs with the toolkit's
automatic differentiation off (:func:`.sealed.student_call`).
"""

import numpy as np

from .. import checking, dispatch, ops
from ..errors import BackpropError
from .compare import compare
from .sealed import frozen, student_call

ENGINES = ("tape", "symbolic")
NUMPY_IN_A_RULE = (
    "a rule must run on tape tensors and symbolic nodes as well as on numbers: write it "
    "with bt.* ops (bt.sigmoid, bt.exp, *, +); a numpy function works only where the op "
    "language has it (np.exp, np.logaddexp, ...: the list is in docs/numpy_coverage.md)")


def softplus_forward(x):
    """The forward, given (the grader's own, whatever the notebook's ``softplus`` is)."""
    return np.logaddexp(0.0, x)


def check_softplus_rules(softplus_vjp, softplus_jvp, x=(-2.0, -0.3, 0.0, 0.7, 3.0), seed=0):
    """Check both rules on plain numbers, against ``g * sigmoid(x)``."""
    x = np.asarray(x, dtype=np.float64)
    g = np.random.default_rng(seed).uniform(0.5, 2.0, x.shape)
    out = softplus_forward(x)
    rules = (("softplus_vjp", softplus_vjp, "g"), ("softplus_jvp", softplus_jvp, "t"))
    results = [student_call(rule, (g.copy(), out.copy(), x.copy()), f"{name}({seed_name}, out, x)",
                            convert=lambda r: frozen(r, "the rule's result"))
               for name, rule, seed_name in rules]
    s = 1 / (1 + np.exp(-x))
    for (name, _, seed_name), got in zip(rules, results):
        mistakes = [(-g * s, "the sign is flipped"),
                    (s, f"your rule ignores the incoming {seed_name}: multiply by it (chain rule)"),
                    (g * (1 - s), "that is sigmoid(-x); d/dx log(1 + e^x) = e^x / (1 + e^x) "
                                  "= sigmoid(x)"),
                    (g * np.exp(x), "e^x is only the numerator: divide by 1 + e^x"),
                    (g * out, "you returned softplus itself (out); its derivative is sigmoid(x)"),
                    (g * s * (1 - s), "that is the derivative of sigmoid, one order too far")]
        compare(f"{name}({seed_name}, out, x)", got, g * s, mistakes,
                where=lambda k: f" at x = {x[k]:.4g}, {seed_name} = {g[k]:.4g}")


def check_softplus_on_engines(softplus_vjp, softplus_jvp, x, engines=ENGINES):
    """``bt.check_primitive`` of a softplus made of the student's rules, on each engine."""
    prim = ops.primitive("softplus", forward=softplus_forward, vjp=softplus_vjp,
                         jvp=softplus_jvp)
    check_rule_on_engines(prim, (np.asarray(x, dtype=np.float64),), engines)


def check_rule_on_engines(prim, args, engines=ENGINES):
    """``bt.check_primitive`` of a student's primitive on every engine, engine named.

    The rules run as the student's code (autodiff off, errors worded); a plain
    function where a primitive is asked gets a sentence, not an AttributeError.
    """
    if not isinstance(prim, dispatch.Primitive):
        raise AssertionError(
            f"{getattr(prim, '__name__', type(prim).__name__)} is a plain function (a "
            "composite of ops), not a primitive: a primitive carries its own rules, so make "
            "it with bt.primitive(name, forward=..., vjp=..., jvp=...)")
    sealed_prim = dispatch.Primitive(prim.name, prim.impl, prim.shape,
                                     [_sealed_rule(r, prim, "vjp") for r in prim.vjp],
                                     [_sealed_rule(r, prim, "jvp") for r in prim.jvp])
    for engine in engines:
        try:
            checking.check_primitive(sealed_prim, args, params=None, engine=engine, rtol=1e-5,
                                     atol=1e-6, seed=0)
        except AssertionError as err:
            raise AssertionError(f"{prim.name} on the {engine} engine: {err}") from None


def _sealed_rule(rule, prim, mode):
    if rule is None:
        return None

    def sealed(g, out, *inputs, **params):
        return student_call(lambda *args: rule(*args, **params), (g, out) + inputs,
                            f"the {mode} rule of {prim.name}",
                            explain={BackpropError: NUMPY_IN_A_RULE})

    return sealed
