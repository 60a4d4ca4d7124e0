"""Grader of ``rules``: the VJP and JVP rules of softplus(x) = log(1 + e^x).

softplus'(x) = sigmoid(x): the rules are checked on plain numbers first (with
the usual mistakes named), then on both engines, both modes, to second order.
"""

import numpy as np

from .. import api, checking
from .compare import compare


def check_softplus_rules(softplus, x=(-2.0, -0.3, 0.0, 0.7, 3.0), seed=0):
    """Check the forward and both rules of a softplus primitive on plain numbers."""
    x = np.asarray(x, dtype=float)
    compare("softplus(x)", softplus(x), np.logaddexp(0.0, x))
    g = np.random.default_rng(seed).uniform(0.5, 2.0, x.shape)
    s = 1 / (1 + np.exp(-x))
    out = np.logaddexp(0.0, x)
    for mode, rule, name in (("vjp", softplus.vjp[0], "g"), ("jvp", softplus.jvp[0], "t")):
        mistakes = [(-g * s, "the sign is flipped"),
                    (s, f"your rule ignores the incoming {name}: multiply by it (chain rule)"),
                    (g * (1 - s), "that is sigmoid(-x); d/dx log(1 + e^x) = e^x / (1 + e^x) "
                                  "= sigmoid(x)"),
                    (g * np.exp(x), "e^x is only the numerator: divide by 1 + e^x"),
                    (g * out, "you returned softplus itself (out); its derivative is sigmoid(x)"),
                    (g * s * (1 - s), "that is the derivative of sigmoid, one order too far")]
        try:
            got = rule(g, out, x)
        except Exception as err:  # the student's code: report whatever it raised
            raise AssertionError(f"softplus {mode} rule {mode}({name}, out, x) raised "
                                 f"{type(err).__name__}: {err}") from None
        compare(f"softplus rule {mode}({name}, out, x)", got, g * s, mistakes)


def check_rule_on_engines(prim, args, engines=None):
    """``bt.check_primitive`` on every engine, with the engine named in the message."""
    for engine in engines or api.ENGINES:
        try:
            checking.check_primitive(prim, args, engine=engine)
        except AssertionError as err:
            raise AssertionError(f"{prim.name} on the {engine} engine: {err}") from None
        except Exception as err:
            raise AssertionError(
                f"{prim.name} on the {engine} engine raised {type(err).__name__}: {err}\n"
                "A rule must run on tape tensors and symbolic nodes as well as on numbers: "
                "write it with bt.* ops (bt.sigmoid, bt.exp, *, +); a numpy function works "
                "only where the op language has it (np.exp, np.logaddexp, ...: the list is in "
                "docs/numpy_coverage.md)") from None
