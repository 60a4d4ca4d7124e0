"""check_grads and combo_check with autograd's signatures, checked by bt.check_function.

A differentiated argument that is a list or tuple of arrays (np.concatenate's) is
perturbed leaf by leaf: its leaves become separate arguments of the checked function.
"""
from itertools import product

import numpy as onp

import backprop_toolkit as bt
from . import ENGINE

COUNTS = {"real": 0, "complex": 0}


def _leaves(a):
    return list(a) if isinstance(a, (list, tuple)) else [a]


def check_grads(fun, argnum=0, modes=None, order=2):
    nums = (argnum,) if isinstance(argnum, int) else tuple(argnum)

    def checked(*args, **kwargs):
        if any(onp.iscomplexobj(x) for a in args for x in _leaves(a)):
            COUNTS["complex"] += 1
            return
        COUNTS["real"] += 1
        spans, flat = [], []
        for n in nums:
            leaves = _leaves(args[n])
            spans.append((n, len(flat), len(leaves), type(args[n])))
            flat += [onp.asarray(x, dtype=float) if not isinstance(x, float) else x
                     for x in leaves]

        def f(*xs):
            full = list(args)
            for n, start, count, kind in spans:
                part = list(xs[start:start + count])
                full[n] = kind(part) if kind in (list, tuple) else part[0]
            return fun(*full, **kwargs)
        f.__name__ = getattr(fun, "__name__", "f")
        bt.check_function(f, *flat, engine=ENGINE, second_order=order > 1,
                          rtol=1e-4, atol=1e-5)
    return checked


def combo_check(fun, *args, **kwargs):
    def _combo_check(*cargs, **ckwargs):
        kwarg_key_vals = [[(k, x) for x in xs] for k, xs in ckwargs.items()]
        for _args in product(*cargs):
            for _kwargs in product(*kwarg_key_vals):
                check_grads(fun, *args, **kwargs)(*_args, **dict(_kwargs))
    return _combo_check
