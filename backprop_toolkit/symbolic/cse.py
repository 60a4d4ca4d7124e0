"""Common subexpressions: the table that finds, for each node, the first node seen computing
the same thing (same op, same inputs, same parameters; small constants by value).

:func:`~backprop_toolkit.symbolic.simplify.simplify` merges equal nodes with it. A deep graph
has millions of nodes, so the table keeps no key it can do without (:class:`Subexpressions`).
"""

import numpy as np

from .rewrites import SMALL_CONSTANT


class Subexpressions:
    """The CSE table: the node seen first with each key.

    A deep graph has millions of nodes, so it keeps no key it can do without: the
    first node seen reading a node ``i`` first is kept under ``i.serial`` (an int
    that ``i`` holds already); a later one with another key, and a node without
    inputs, under the hash of its key (a new int, smaller than the key), or under
    the key itself where two keys share a hash.
    """

    def __init__(self):
        self.first, self.others = {}, {}

    def find(self, node, key):
        """The node seen first with ``key`` (``node``, now remembered, if none was)."""
        if node.inputs:
            lead = node.inputs[0].serial
            seen = self.first.setdefault(lead, node)
            if seen is node or seen.prim is node.prim and cse_key(seen) == key:
                return seen  # else another key read lead first
        seen = self.others.setdefault(hash(key), node)
        if seen is not node and cse_key(seen) != key:
            seen = self.others.setdefault(key, node)
        return seen

    def replace(self, node, other, key):
        """``other`` (a renamed copy) stands for ``key`` from now on, where ``node`` did."""
        if node.inputs and self.first.get(node.inputs[0].serial) is node:
            self.first[node.inputs[0].serial] = other
        elif self.others.get(hash(key)) is node:
            self.others[hash(key)] = other
        else:
            self.others[key] = other


def cse_key(node):
    """Nodes with equal keys compute the same thing; ``None``: never merge."""
    if node.prim is not None:  # most nodes: one flat tuple, the primitive standing for the op
        if node.params:
            return (node.prim, params_key(node.params), *[i.serial for i in node.inputs])
        return (node.prim, *[i.serial for i in node.inputs])  # deep graphs have millions
    if node.is_var:
        return None
    if node.is_const:
        value = np.asarray(node.value)
        if value.size > SMALL_CONSTANT:
            return None
        return ("const", isinstance(node.value, float), value.dtype.str, value.shape,
                value.tobytes())
    return (node.op, params_key(node.params), *[i.serial for i in node.inputs])


def params_key(value):
    """A hashable stand-in for parameters (slices and arrays are not hashable)."""
    if isinstance(value, dict):
        return tuple(sorted((k, params_key(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(params_key(v) for v in value)
    if isinstance(value, slice):
        return ("slice", value.start, value.stop, value.step)
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    return value
