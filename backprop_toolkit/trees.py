"""Structured values (pytrees): tuples, lists, dicts and ``None``, nested, around arrays.

A transform differentiates with respect to the *leaves* of its arguments and
returns results in the arguments' structure, as JAX and HIPS autograd do::

    params = {"W": W, "b": b}
    bt.grad(loss)(params)          # {"W": dloss/dW, "b": dloss/db}

:func:`flatten` turns a structure into its list of leaves and a hashable
*shape of the tree* (``Tree``); :func:`unflatten` puts leaves back. A leaf is
anything that is not a tuple, list, dict or ``None`` (an array, a number, a
tensor, a node). Dicts are walked in sorted key order, so two dicts with the
same keys flatten alike. Both walks use an explicit stack, not recursion.
"""

from collections import namedtuple

import numpy as np

from .errors import BackpropError

Tree = namedtuple("Tree", "kind meta children")
Tree.__doc__ = ("The structure of a value without its leaves: ``kind`` is 'leaf', 'none', "
                "'tuple', 'list', 'dict' or 'namedtuple'; ``meta`` the dict keys or the "
                "namedtuple type; ``children`` the subtrees. Hashable, so it can key a cache.")

LEAF = Tree("leaf", None, ())
NONE = Tree("none", None, ())

PLAIN = frozenset({np.ndarray, float, int, np.float64, np.float32})
"""Types that are certainly one leaf: the common case, answered without a walk."""


def _kind(value):
    if value is None:
        return "none", None, ()
    if isinstance(value, dict):
        try:
            keys = tuple(sorted(value))
        except TypeError:
            raise BackpropError("a dict argument or result needs sortable keys (all strings, "
                                f"or all numbers); got {list(value)!r}") from None
        return "dict", keys, [value[k] for k in keys]
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return "namedtuple", type(value), list(value)
    if isinstance(value, tuple):
        return "tuple", None, list(value)
    if isinstance(value, list):
        return "list", None, list(value)
    return "leaf", None, ()


def flatten(value):
    """``(leaves, tree)``: the leaves of ``value`` in order, and its structure."""
    if type(value) in PLAIN:
        return [value], LEAF
    leaves = []
    root = [None]
    stack = [(value, root, 0)]  # (value, the slot list its tree goes into, index there)
    pending = []  # containers in the order they were opened; built once their children are
    while stack:
        item, parent, index = stack.pop()
        kind, meta, children = _kind(item)
        if kind == "leaf":
            leaves.append(item)
            parent[index] = LEAF
        elif kind == "none":
            parent[index] = NONE
        else:
            slots = [None] * len(children)
            pending.append((kind, meta, slots, parent, index))
            for k in reversed(range(len(children))):
                stack.append((children[k], slots, k))
    for kind, meta, slots, parent, index in reversed(pending):  # children before parents
        parent[index] = Tree(kind, meta, tuple(slots))
    return leaves, root[0]


def unflatten(tree, leaves):
    """The value of structure ``tree`` with ``leaves`` in its leaf positions."""
    if tree is LEAF:
        (leaf,) = leaves
        return leaf
    leaves = iter(leaves)
    root = [None]
    stack = [(tree, root, 0)]
    pending = []
    while stack:
        node, parent, index = stack.pop()
        if node.kind == "leaf":
            parent[index] = next(leaves)
        elif node.kind == "none":
            parent[index] = None
        else:
            slots = [None] * len(node.children)
            pending.append((node, slots, parent, index))
            for k in reversed(range(len(node.children))):
                stack.append((node.children[k], slots, k))
    for node, slots, parent, index in reversed(pending):
        parent[index] = build(node, slots)
    return root[0]


def build(tree, children):
    """One container of ``tree``'s kind holding ``children``."""
    if tree.kind == "tuple":
        return tuple(children)
    if tree.kind == "list":
        return list(children)
    if tree.kind == "dict":
        return dict(zip(tree.meta, children))
    return tree.meta(*children)  # a namedtuple


def leaf_paths(tree, name):
    """A readable name per leaf: ``p['W']``, ``args[0]``; ``name`` alone for a single leaf."""
    paths = []
    stack = [(tree, name)]
    while stack:
        node, path = stack.pop()
        if node.kind == "leaf":
            paths.append(path)
        elif node.kind != "none":
            keys = node.meta if node.kind == "dict" else range(len(node.children))
            parts = [f"{path}[{k!r}]" for k in keys]
            if node.kind == "namedtuple":
                parts = [f"{path}.{field}" for field in node.meta._fields]
            for child, part in reversed(list(zip(node.children, parts))):
                stack.append((child, part))
    return paths


def count(tree):
    """The number of leaves of ``tree``."""
    n, stack = 0, [tree]
    while stack:
        node = stack.pop()
        n += node.kind == "leaf"
        stack.extend(node.children)
    return n
