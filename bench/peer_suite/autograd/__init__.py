"""A thin shim: HIPS autograd's public names on top of backprop_toolkit (engine from BT_ENGINE)."""
import os
import backprop_toolkit as bt

ENGINE = os.environ.get("BT_ENGINE", "tape")


def grad(fun, argnum=0):
    return bt.grad(fun, argnums=argnum, engine=ENGINE)


def value_and_grad(fun, argnum=0):
    return bt.value_and_grad(fun, argnums=argnum, engine=ENGINE)


def elementwise_grad(fun, argnum=0):
    def g(*args, **kw):
        value, vjp_fn = bt.vjp(lambda *a: fun(*a, **kw), *args, engine=ENGINE)
        import numpy
        return vjp_fn(numpy.ones_like(value))[argnum]
    return g


def jacobian(fun, argnum=0):
    return bt.jacobian(fun, argnums=argnum, engine=ENGINE)


def hessian(fun, argnum=0):
    return bt.hessian(fun, argnums=argnum, engine=ENGINE)
import builtins
tuple = builtins.tuple  # autograd.tuple: a differentiable tuple; a plain tuple here
