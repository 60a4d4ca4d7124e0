"""THE table: every primitive, once, with its forward, shape rule and derivative rules.

Each entry says what the op computes (numpy, the only place numpy math appears)
and how its derivative is computed, **in the op language** (``*``, ``+``,
``cos_p``, ``sum_to_p``, ...). The engines feed those rules whatever they work on:

* the tape's first-order backward feeds numpy arrays, so a rule is plain numpy;
* the tape's higher-order backward feeds tensors, so a rule is recorded;
* the symbolic engine feeds nodes, so a rule builds the derivative graph.

One file per family: :mod:`.elementwise` (arithmetic, functions, comparisons,
``where``, ``astype``), :mod:`.functions` (trigonometric, hyperbolic, exponential and
logarithmic functions, ``arctan2``, ``hypot``, ``logaddexp``), :mod:`.piecewise`
(``minimum``, the remainders, the integer-valued roundings), :mod:`.reductions`
(``sum``, ``prod``, ``max``, ``cumsum``, the softmax family), :mod:`.linear` (broadcasting,
reshaping, indexing, ``matmul``), :mod:`.shape` (``concatenate`` of any number of inputs,
``sort_by``), :mod:`.linalg` (``einsum``, ``det``, ``inv``, ``solve``) and
:mod:`.decompositions` (``eigh``, ``svd``, ``cholesky``, ``pinv``); the shape rules are in
:mod:`backprop_toolkit.shapes`, the dict of entries in :mod:`.table`. A
user's own primitives (``bt.elementwise``, ``bt.primitive``) are made the
same way in :mod:`.user`, outside the table.

**Names.** An entry is the :class:`~backprop_toolkit.dispatch.Primitive`
``sum_p`` (JAX's convention), while ``bt.sum`` is the op users call: for
``sum``, ``max``, ``reshape``, ... the op normalizes its arguments (``axis`` to
a sorted tuple, ``keepdims`` to a bool) and then calls the entry, which
takes them in that form only. For ``mul``, ``sin``, ... ``bt.mul`` *is*
``mul_p``. ``Primitive.name`` and the key in :data:`TABLE` are the plain
name (``"mul"``): the label users see on nodes and in drawings.

**Rules look names up when they run.** ``lambda g, out, x: g * cos_p(x)``
reads ``cos_p`` from its module's globals at each call, not when the
lambda is made, so a rule may use an entry defined further down its file
(``sin_p``'s rule needs ``cos_p``, ``cos_p``'s needs ``sin_p``).

Notation in the comments: ``g`` is the output's cotangent (VJP, reverse mode),
``t`` an input's tangent (JVP, forward mode), ``out`` the output.

Composite or fused? ``sigmoid``, ``relu``, ``square``, ``softmax``,
``log_softmax`` and ``logsumexp`` are primitives of their own: one readable
node in drawings and a stable rule (``sigmoid' = out (1 - out)``, softmax's
gradient without a Jacobian). ``mean`` and ``sqrt``-free norms are composites
in :mod:`backprop_toolkit.ops`.
"""

from .decompositions import cholesky_p, eigh_p, pinv_p, svd_p
from .elementwise import (abs_p, add_p, astype_p, cos_p, div_p, equal_p, exp_p, greater_equal_p,
                          greater_p, less_equal_p, less_p, log_p, maximum_p, mul_p, neg_p,
                          not_equal_p, power_p, relu_p, sigmoid_p, sign_p, sin_p, sqrt_p,
                          square_p, stop_gradient_p, sub_p, tanh_p, where_p)
from .functions import (arccos_p, arccosh_p, arcsin_p, arcsinh_p, arctan2_p, arctan_p,
                        arctanh_p, cbrt_p, cosh_p, expm1_p, hypot_p, log1p_p, log2_p, log10_p,
                        logaddexp2_p, logaddexp_p, sinc_p, sinh_p, tan_p)
from .linalg import det_p, det_sign_p, einsum_p, inv_p, logabsdet_p, solve_p
from .linear import (broadcast_to_p, fresh_p, getitem_p, matmul_p, reshape_p, scatter_add_p,
                     sum_to_p, transpose_p)
from .piecewise import ceil_p, floor_p, fmod_p, minimum_p, remainder_p, round_p, trunc_p
from .reductions import (cumsum_p, log_softmax_p, logsumexp_p, max_p, prod_p, softmax_p,
                         sum_p)
from .shape import concatenate_p, sort_by_p
from .table import TABLE, register
