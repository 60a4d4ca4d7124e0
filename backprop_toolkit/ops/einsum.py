"""numpy's ``einsum``, as a chain of the table's two-operand contraction ``einsum_p``.

``np.einsum(subscripts, *operands)`` is taken apart into steps whose
derivatives are already in the table, so nothing here is calculus:

1. parse: explicit (``'ij,jk->ik'``) or implicit (``'ij,jk'``: the indices seen
   once, in alphabetical order) output, ``'...'`` (broadcast, right-aligned), or
   numpy's interleaved form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``;
2. per operand: an axis of size 1 that broadcasts against a longer one is
   reshaped away, an index repeated in one term becomes a :func:`diagonal`;
3. contract the operands left to right, in the order written, with
   ``einsum_p``, each step first summing (``sum``) the indices that no later
   step and not the output needs. Every step then has the form ``einsum_p``
   transposes directly: its VJP is another ``einsum_p`` with the output's and
   the operand's indices swapped;
4. sum what no output index needs and ``transpose`` to the output's order
   (a single operand: ``'ij->ji'``, ``'ij->'``).

The steps are worked out once per subscripts and shapes (:func:`recipe`) and
then only run. Each two-operand step is one BLAS matrix product
(``np.matmul``), as fast as the equivalent ``@`` chain. ``optimize=`` (False,
True, 'greedy', 'optimal') is accepted and ignored: the order is the one
written, so write a chain in a cheap order (``'ij,jk,k->i'`` is cheaper as
``'k,jk,ij->i'``).
"""

import functools
import string

import numpy as np

from .. import primitives as P
from ..dispatch import shape_of
from .diagonals import diagonal, refuse, shape_error
from .numpy_api import implements

LETTERS = string.ascii_letters
OPTIMIZE = (False, True, "greedy", "optimal")


@implements(np.einsum)
def einsum(*operands, out=None, optimize=False, dtype=None, order="K", casting="safe"):
    """numpy's ``einsum``, differentiable: any number of operands, ``...``, repeated
    indices (``'ii->i'``, ``'ii'``), implicit output, the interleaved form."""
    _check_options(out, optimize, dtype, order, casting)
    if len(operands) < 2:
        raise shape_error("np.einsum", "needs subscripts and at least one operand")
    if isinstance(operands[0], str):
        subscripts, arrays = operands[0], operands[1:]
    else:
        subscripts, arrays = _from_sublists(operands)
    return run(recipe(subscripts, tuple(shape_of(x) for x in arrays)), arrays)


def _check_options(out, optimize, dtype, order, casting):
    if out is not None or dtype is not None:
        raise refuse("np.einsum", "out= and dtype= are not supported: an engine value cannot "
                                  "be written into an array; use the returned value")
    if not any(optimize is o or (isinstance(optimize, str) and optimize == o)
               for o in OPTIMIZE):
        raise refuse("np.einsum", f"optimize={optimize!r} is not supported (an explicit "
                                  f"path); use one of {OPTIMIZE}, which are all accepted and "
                                  "mean the same here")
    if casting != "safe" or order not in ("K", "C", "F", "A"):
        raise refuse("np.einsum", f"casting={casting!r}, order={order!r} are not supported "
                                  "(only the defaults)")


def _from_sublists(args):
    """numpy's interleaved form ``(a, [0, 1], b, [1, 2], [0, 2])`` as subscripts."""
    def letters(sublist):
        try:
            return "".join("..." if s is Ellipsis else LETTERS[s] for s in sublist)
        except (TypeError, IndexError):
            raise shape_error("np.einsum", f"a sublist must hold ints in [0, 52) or ..., "
                                           f"got {sublist!r}") from None

    count = len(args) // 2
    terms = ",".join(letters(s) for s in args[1:2 * count:2])
    output = "->" + letters(args[-1]) if len(args) % 2 else ""
    return terms + output, args[0:2 * count:2]


# -- parsing: every index becomes a label, an int (letters: their code; '...' axes: -k) --
def parse(subscripts, shapes):
    """``(terms, output, sizes)``: each operand's labels, the output's, and each label's size."""
    lhs, arrow, rhs = subscripts.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise shape_error("np.einsum", f"{len(terms)} terms in {subscripts!r} for "
                                       f"{len(shapes)} operands")
    labels = [_labels(term, len(shape)) for term, shape in zip(terms, shapes)]
    dots = max((-min(t + (0,)) for t in labels), default=0)
    if arrow:
        output = _labels(rhs, None, dots)
        if dots and "..." not in rhs:
            raise shape_error("np.einsum", f"{subscripts!r}: the operands have '...' axes "
                                           "but the output has no '...'")
        _check_output(subscripts, output, labels)
    else:
        counts = [c for term in labels for c in term if c > 0]
        output = tuple(range(-dots, 0)) + tuple(sorted(c for c in set(counts)
                                                       if counts.count(c) == 1))
    return labels, output, _sizes(subscripts, labels, shapes)


def _labels(term, ndim, dots=0):
    """The labels of one term; ``ndim=None`` for the output (``...`` means ``dots`` axes)."""
    head, ellipsis, tail = term.partition("...")
    if "." in head + tail or any(c not in LETTERS for c in head + tail):
        raise shape_error("np.einsum", f"invalid term {term!r}: use letters and one '...'")
    if ndim is not None:
        dots = ndim - len(head) - len(tail)
        if dots < 0 or (dots and not ellipsis):
            raise shape_error("np.einsum", f"term {term!r} does not fit an operand of "
                                           f"{ndim} axes")
    return tuple(map(ord, head)) + tuple(range(-dots, 0)) * bool(ellipsis) + \
        tuple(map(ord, tail))


def _check_output(subscripts, output, labels):
    seen = {c for term in labels for c in term}
    if len(set(output)) != len(output) or not set(output) <= seen:
        raise shape_error("np.einsum", f"{subscripts!r}: output indices must be distinct "
                                       "and appear in an operand")


def _sizes(subscripts, labels, shapes):
    """Each label's size; sizes other than 1 must agree (1 broadcasts, as in numpy)."""
    sizes = {}
    for term, shape in zip(labels, shapes):
        for label in set(term):  # an index repeated in one term: a diagonal, equal sizes
            if len({n for c, n in zip(term, shape) if c == label}) > 1:
                raise shape_error("np.einsum", f"{subscripts!r}: index {_name(label)} "
                                               f"repeats with different sizes in {shape}")
        for label, n in zip(term, shape):
            if sizes.get(label, 1) not in (1, n) and n != 1:
                raise shape_error("np.einsum", f"{subscripts!r}: index {_name(label)} has "
                                               f"sizes {sizes[label]} and {n} for operands "
                                               f"of shapes {list(shapes)}")
            sizes[label] = n if sizes.get(label, 1) == 1 else sizes[label]  # 0 is a size too
    return sizes


def _name(label):
    return repr(chr(label)) if label > 0 else "of '...'"


# -- the steps, worked out once per (subscripts, shapes) --------------------------------
@functools.lru_cache(maxsize=256)
def recipe(subscripts, shapes):
    """What :func:`einsum` does, as metadata: per operand its preparation (``reshape`` to
    drop broadcast axes, ``diagonal`` axis pairs), then per contraction the axes each side
    sums first and the entry's spec, then the axes summed and the permutation at the end."""
    terms, output, sizes = parse(subscripts, shapes)
    prepared = [_prepare(shape, term, sizes) for shape, term in zip(shapes, terms)]
    term, steps = prepared[0][1], []
    for k in range(1, len(prepared)):
        other = prepared[k][1]
        later = set(output).union(*(t for _, t in prepared[k + 1:]))
        sum_x, term = _unneeded(term, set(other) | later)
        sum_y, other = _unneeded(other, set(term) | later)
        kept = output if k == len(prepared) - 1 else \
            tuple(c for c in dict.fromkeys(term + other) if c in later)
        steps.append((sum_x, sum_y, spec_of(term, other, kept)))
        term = kept
    sum_last, term = _unneeded(term, set(output))
    return (tuple(p for p, _ in prepared), tuple(steps), sum_last,
            tuple(term.index(c) for c in output))


def _prepare(shape, term, sizes):
    """``(actions, labels)`` for one operand: its broadcast axes of size 1 reshaped away
    (``("reshape", shape)``), its repeated indices taken as diagonals (``("diagonal", i,
    j)``); the labels that are left are distinct."""
    actions = []
    keep = [i for i, label in enumerate(term) if shape[i] == sizes[label]]
    if len(keep) < len(term):
        actions.append(("reshape", tuple(shape[i] for i in keep)))
        term = tuple(term[i] for i in keep)
    while len(set(term)) < len(term):
        first = next(i for i, label in enumerate(term) if term.count(label) > 1)
        second = term.index(term[first], first + 1)
        actions.append(("diagonal", first, second))
        term = tuple(c for i, c in enumerate(term) if i not in (first, second)) + (term[first],)
    return tuple(actions), term


def _unneeded(term, needed):
    """``(axes, labels)``: the axes whose labels are not ``needed`` (to sum), the others."""
    return (tuple(i for i, label in enumerate(term) if label not in needed),
            tuple(c for c in term if c in needed))


def spec_of(a, b, out):
    """The entry's spec for label tuples: letters by first appearance (``'ab,bc->ac'``),
    so two equal contractions make equal nodes."""
    names = {label: LETTERS[i] for i, label in enumerate(dict.fromkeys(a + b))}
    if len(names) > len(LETTERS):
        raise shape_error("np.einsum", f"more than {len(LETTERS)} indices in one step")
    word = lambda term: "".join(names[c] for c in term)  # noqa: E731
    return f"{word(a)},{word(b)}->{word(out)}"


def _summed(x, axes):
    return P.sum_p(x, axis=axes, keepdims=False) if axes else x


def run(recipe, arrays):
    """Carry out a :func:`recipe` on the operands: the table's entries, one by one."""
    prepare, steps, sum_last, perm = recipe
    values = []
    for x, actions in zip(arrays, prepare):
        for action in actions:
            x = P.reshape_p(x, shape=action[1]) if action[0] == "reshape" else \
                diagonal(x, 0, action[1], action[2])
        values.append(x)
    x = values[0]
    for y, (sum_x, sum_y, spec) in zip(values[1:], steps):
        x = P.einsum_p(_summed(x, sum_x), _summed(y, sum_y), spec=spec)
    return P.transpose_p(_summed(x, sum_last), axes=perm)
