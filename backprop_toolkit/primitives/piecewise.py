"""The table's piecewise entries: ``minimum``, the remainders, and the integer-valued
roundings (``floor``, ``ceil``, ``trunc``, ``round``).

An integer-valued function is constant between its jumps, so its derivative is
exactly 0 wherever it exists: those entries have no rule at all (``None``, as
``sign``), and both engines treat their outputs as constants. At a jump the
derivative does not exist; 0 is what comes out there too.

As in :mod:`.elementwise`, a rule looks its names up when it runs.
"""

import numpy as np

from ..dispatch import Primitive
from ..shapes import same_shape
from .elementwise import binary, equal_p, greater_p, less_p, neg_p, where_p
from .table import register


def integer_valued(name, impl, doc):
    """An entry whose values are integers: piecewise constant, so no derivative rule."""
    return register(Primitive(name, impl, same_shape, [None], [None], doc=doc))


# minimum mirrors maximum_p: the smaller input takes the whole gradient; a tie splits it in half
minimum_p = binary("minimum", np.minimum,
                   lambda g, out, a, b: where_p(less_p(a, b), g,
                                                where_p(equal_p(a, b), 0.5 * g, 0.0)),
                   lambda g, out, a, b: where_p(greater_p(a, b), g,
                                                where_p(equal_p(a, b), 0.5 * g, 0.0)),
                   doc="minimum(a, b): d/da = [a < b] (+1/2 at a tie), d/db = [b < a] (+1/2 at a "
                       "tie): the gradient router, as maximum.")

# -- remainders: a - q b for an integer quotient q, constant between the jumps ----------------
remainder_p = binary("remainder", np.remainder,
                     lambda g, out, a, b: g,                                 # d/da = 1
                     lambda g, out, a, b: neg_p(g * floor_p(a / b)),         # d/db = -floor(a/b)
                     doc="remainder(a, b) = a - floor(a / b) b, the sign of b (np.mod, Python's "
                         "%).  d/da = 1, d/db = -floor(a / b); jumps where a / b is an integer.")
fmod_p = binary("fmod", np.fmod,
                lambda g, out, a, b: g,                                      # d/da = 1
                lambda g, out, a, b: neg_p(g * trunc_p(a / b)),              # d/db = -trunc(a/b)
                doc="fmod(a, b) = a - trunc(a / b) b, the sign of a (C's fmod).  d/da = 1, "
                    "d/db = -trunc(a / b); jumps where a / b is a nonzero integer.")

# -- integer-valued: derivative exactly 0 ---------------------------------------------------
floor_p = integer_valued("floor", np.floor,
                         "floor(x): the largest integer <= x.  Piecewise constant: d/dx = 0.")
ceil_p = integer_valued("ceil", np.ceil,
                        "ceil(x): the smallest integer >= x.  Piecewise constant: d/dx = 0.")
trunc_p = integer_valued("trunc", np.trunc,
                         "trunc(x): x rounded towards 0.  Piecewise constant: d/dx = 0.")
round_p = integer_valued("round", lambda x, decimals: np.round(x, decimals),
                         "round(x, decimals): x rounded to the nearest multiple of "
                         "10^-decimals, halves to even (numpy's; rint is decimals = 0).  "
                         "Piecewise constant: d/dx = 0.")
