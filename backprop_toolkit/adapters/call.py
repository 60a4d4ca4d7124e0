"""A user's call as the adapters see it: arguments flattened in, results shaped back out.

The transforms take structured arguments (dicts, tuples, lists of arrays:
:mod:`backprop_toolkit.trees`) and ``argnums``; :func:`make_call` flattens
them into one :class:`Call` of leaves, so an adapter works on flat lists
only, and :func:`per_argument` puts the results back into each argument's
structure.
"""

import inspect
import weakref

import numpy as np

from .. import trees
from ..errors import BackpropError, fun_name


class Call:
    """``fun(*args, **kwargs)``, differentiated with respect to some of its leaves.

    The transforms flatten structured arguments (:mod:`backprop_toolkit.trees`),
    so an adapter sees flat lists only:

    Attributes:
        fun: the user's function (it keys the symbolic engine's cache).
        args: the flat argument list: every argument's leaves in its place.
        nums: positions in ``args`` that are differentiated.
        names: a label per differentiated position (``x``, ``p['W']``).
        kwargs: keyword arguments, passed through unchanged.
        structure: how ``args`` map back to the user's arguments (hashable).
        rebuild: ``rebuild(args) -> user's positional arguments``.
        out_tree: the structure of the output, known once ``run`` has run.
    """

    def __init__(self, fun, args, kwargs, nums, names, structure, rebuild, flatten_out):
        self.fun, self.args, self.kwargs, self.nums, self.names = fun, args, kwargs, nums, names
        self.structure, self.rebuild, self.flatten_out = structure, rebuild, flatten_out
        self.out_tree = None

    def primals(self):
        return [self.args[n] for n in self.nums]

    def with_args(self, chosen):
        """The flat argument list with ``chosen`` at ``nums``."""
        full = list(self.args)
        for n, value in zip(self.nums, chosen):
            full[n] = value
        return full

    def run(self, args):
        """Run the user's function on flat ``args``; returns its output's leaves (a list)."""
        leaves, self.out_tree = self.flatten_out(self.fun(*self.rebuild(args), **self.kwargs))
        return leaves


def normalize_argnums(argnums, nargs, fun, what="argnums"):
    """``argnums`` as a tuple of valid positions, and whether it was a tuple.

    ``what`` names the parameter in messages (``trace_table`` calls it ``wrt``).
    Valid answers are remembered (every transformed call asks again).
    """
    key = (type(argnums), argnums, nargs) if type(argnums) in (int, tuple) else None
    if key in _NUMS:
        return _NUMS[key]
    many = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if many else (argnums,)
    for n in nums:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise BackpropError(f"{what} must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= n < nargs:
            raise BackpropError(
                f"{what}={argnums!r}, but {fun_name(fun)} was called with {nargs} positional "
                f"argument{'s' if nargs != 1 else ''} (valid: 0..{nargs - 1})")
    nums = tuple(int(n) % nargs for n in nums)
    if len(set(nums)) != len(nums):
        raise BackpropError(f"{what}={argnums!r} names the same argument twice")
    if key is not None and len(_NUMS) < 1000 and all(type(n) is int for n in argnums_of(key)):
        _NUMS[key] = nums, many
    return nums, many


_NUMS = {}  # (type, argnums, nargs) -> (nums, many), for plain ints only


def argnums_of(key):
    return key[1] if key[0] is tuple else (key[1],)


_NAMES = weakref.WeakKeyDictionary()  # fun -> {nargs: names}: inspect.signature is slow


def arg_names(fun, nargs):
    """Parameter names of ``fun`` (labels for drawings), ``x0, x1, ...`` otherwise."""
    try:
        return _NAMES[fun][nargs]
    except (KeyError, TypeError):
        pass
    names = _arg_names(fun, nargs)
    try:
        _NAMES.setdefault(fun, {})[nargs] = names
    except TypeError:  # not weak-referenceable
        pass
    return names


def _arg_names(fun, nargs):
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"x{i}" for i in range(nargs)]


def make_call(fun, args, kwargs, argnums):
    """The :class:`Call` of ``fun(*args)`` for the adapters, and how to shape its results.

    Every argument is flattened into its leaves (:mod:`backprop_toolkit.trees`);
    the adapters see one flat list, and differentiate the leaves of the
    arguments in ``argnums``. Returns
    ``(call, many, trees_of)``: ``many`` says ``argnums`` was a tuple, and
    ``trees_of`` lists ``(tree, first leaf, leaf count)`` per differentiated
    argument, in ``argnums`` order.
    """
    nums, many = normalize_argnums(argnums, len(args), fun)
    names = arg_names(fun, len(args))
    if plain(args):  # the common case: one leaf per argument
        call = Call(fun, list(args), kwargs, nums, [names[n] for n in nums],
                    (trees.LEAF,) * len(args), list, trees.flatten)
        return call, many, [(trees.LEAF, n, 1) for n in nums]
    flat, spans, paths = [], [], []
    for n, a in enumerate(args):  # every argument: float data in a tuple becomes an input too
        leaves, tree = trees.flatten(a)
        spans.append((len(flat), len(leaves), tree))
        paths.append(trees.leaf_paths(tree, names[n]))
        flat.extend(leaves)
    trees_of = [(spans[n][2], spans[n][0], spans[n][1]) for n in nums]
    positions = tuple(start + k for _, start, count in trees_of for k in range(count))
    labels = [paths[n][k] for n in nums for k in range(spans[n][1])]

    def rebuild(values):
        return [trees.unflatten(tree, values[start:start + count]) for start, count, tree in spans]

    structure = tuple(tree for _, _, tree in spans)
    call = Call(fun, flat, kwargs, positions, labels, structure, rebuild, trees.flatten)
    return call, many, trees_of


def plain(args):
    """Whether every argument is one plain leaf (an array, a number): a loop, not
    ``all(generator)``, since every transformed call asks."""
    for a in args:
        if type(a) not in trees.PLAIN:
            return False
    return True


def per_argument(flat_results, trees_of, many):
    """Results per differentiated leaf, put back into each argument's structure."""
    shaped, k = [], 0
    for tree, _, count in trees_of:
        shaped.append(trees.unflatten(tree, flat_results[k:k + count]))
        k += count
    return tuple(shaped) if many else shaped[0]


def leaves_like(value, tree, what):
    """The leaves of ``value``, which must have the structure ``tree`` (a cotangent, a tangent)."""
    leaves, got = trees.flatten(value)
    if got != tree:
        raise BackpropError(f"{what}: its structure ({describe_tree(got)}) differs from the one "
                            f"expected ({describe_tree(tree)})")
    return leaves


def describe_tree(tree):
    """``dict with keys ('W', 'b')``, ``tuple of 2``, ``one array`` for messages."""
    if tree.kind == "leaf":
        return "one array"
    if tree.kind == "dict":
        return f"dict with keys {tree.meta}"
    return f"{tree.kind} of {len(tree.children)}"
