"""Linear algebra and contractions: closed-form derivatives, numpy's semantics, clear refusals.

The generic checks (values against numpy, derivatives against central
differences, both engines) run on the samples of tests/numpy_examples.py;
here are the closed forms a student would derive by hand, the semantics the
ops must keep (numpy 2's ``solve``, ``dot``'s n-d rule, the norm at 0) and the
arguments that are refused with an error naming the function.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


@pytest.fixture
def a(rng):
    return 3.0 * np.eye(3) + rng.standard_normal((3, 3))


def close(x, y, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


# -- closed forms -----------------------------------------------------------------
def test_det_gradient_is_det_times_inverse_transpose(engine, rng):
    stack = 3.0 * np.eye(3) + rng.standard_normal((2, 3, 3))
    grad = bt.grad(lambda m: np.sum(np.linalg.det(m)), engine=engine)(stack)
    close(grad, np.linalg.det(stack)[:, None, None] * np.linalg.inv(stack).transpose(0, 2, 1))


def test_inverse_vjp_is_minus_inverse_transpose_sandwich(engine, a, rng):
    w = rng.standard_normal((3, 3))
    grad = bt.grad(lambda m: np.sum(w * np.linalg.inv(m)), engine=engine)(a)
    inv_t = np.linalg.inv(a).T
    close(grad, -inv_t @ w @ inv_t)


@pytest.mark.parametrize("b_shape", [(3,), (3, 2)])
def test_solve_gradients(engine, a, rng, b_shape):
    b = rng.standard_normal(b_shape)
    w = rng.standard_normal(b_shape)
    ga, gb = bt.grad(lambda m, v: np.sum(w * np.linalg.solve(m, v)), argnums=(0, 1),
                     engine=engine)(a, b)
    x = np.linalg.solve(a, b)
    expected_b = np.linalg.solve(a.T, w)
    close(gb, expected_b)
    close(ga, -np.outer(expected_b, x) if b.ndim == 1 else -expected_b @ x.T)


def test_trace_gradient_is_the_identity(engine, rng):
    x = rng.standard_normal((3, 4))
    close(bt.grad(lambda m: np.trace(m), engine=engine)(x), np.eye(3, 4))
    close(bt.grad(lambda m: np.trace(m, offset=1), engine=engine)(x), np.eye(3, 4, k=1))


def test_norm_gradient_is_x_over_norm(engine, rng):
    x = rng.standard_normal(5)
    close(bt.grad(lambda v: np.linalg.norm(v), engine=engine)(x), x / np.linalg.norm(x))
    m = rng.standard_normal((3, 4))
    close(bt.grad(lambda v: np.linalg.norm(v, "fro"), engine=engine)(m), m / np.linalg.norm(m))
    rows = bt.jacobian(lambda v: np.linalg.norm(v, axis=1), engine=engine)(m)
    close(np.einsum("iij->ij", rows), m / np.linalg.norm(m, axis=1, keepdims=True))


def test_norm_at_zero_has_gradient_and_hessian_zero(engine):
    """The 2-norm has no derivative at 0; the toolkit gives 0 (a subgradient), never nan."""
    zero = np.zeros(3)
    assert np.linalg.norm(zero) == 0.0
    close(bt.grad(lambda v: np.linalg.norm(v), engine=engine)(zero), zero)
    close(bt.hessian(lambda v: np.linalg.norm(v), engine=engine)(zero), np.zeros((3, 3)))
    close(bt.grad(lambda v: np.sum(np.linalg.norm(v, axis=0)), engine=engine)(np.zeros((2, 2))),
          np.zeros((2, 2)))


def test_slogdet_matches_numpy_and_its_gradient_is_the_inverse_transpose(engine, rng):
    m = rng.standard_normal((2, 3, 3))
    sign, logdet = np.linalg.slogdet(m)
    if engine == "tape":
        result = np.linalg.slogdet(tape.Tensor(m, requires_grad=True))
        close(result.sign.value, sign)
        close(result.logabsdet.value, logdet)
    grad = bt.grad(lambda x: np.sum(np.linalg.slogdet(x).logabsdet), engine=engine)(m)
    close(grad, np.linalg.inv(m).transpose(0, 2, 1))
    close(bt.grad(lambda x: np.sum(np.linalg.slogdet(x)[0]), engine=engine)(m), np.zeros_like(m))


def test_cross_gradient(engine, rng):
    a, b, w = (rng.standard_normal((4, 3)) for _ in range(3))
    ga, gb = bt.grad(lambda x, y: np.sum(w * np.cross(x, y)), argnums=(0, 1),
                     engine=engine)(a, b)
    close(ga, np.cross(b, w))    # w . (a x b) = a . (b x w)
    close(gb, np.cross(w, a))    # w . (a x b) = b . (w x a)


# -- einsum --------------------------------------------------------------------------
def mlp(product):
    def loss(w1, w2, x):
        return np.sum(np.tanh(product(np.tanh(product(x, w1)), w2)) ** 2)
    return loss


@pytest.mark.parametrize("product", [
    lambda h, w: np.einsum("bi,ij->bj", h, w),
    lambda h, w: np.einsum("bi,ij", h, w),
    lambda h, w: np.einsum("...i,ij->...j", h, w),
    lambda h, w: np.tensordot(h, w, axes=1),
    lambda h, w: np.dot(h, w),
], ids=["explicit", "implicit", "ellipsis", "tensordot", "dot"])
def test_contraction_gradients_equal_matmul_gradients(engine, rng, product):
    w1, w2, x = (rng.standard_normal(s) for s in ((5, 4), (4, 3), (6, 5)))
    expected = bt.grad(mlp(lambda h, w: h @ w), argnums=(0, 1), engine=engine)(w1, w2, x)
    got = bt.grad(mlp(product), argnums=(0, 1), engine=engine)(w1, w2, x)
    for g, e in zip(got, expected):
        close(g, e, rtol=1e-12)


def test_hessian_of_a_quadratic_form_is_a_plus_a_transpose(engine, rng):
    m, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    hess = bt.hessian(lambda v: np.einsum("i,ij,j->", v, m, v), engine=engine)(x)
    close(hess, m + m.T)
    close(bt.grad(lambda v: np.einsum("i,ij,j", v, m, v), engine=engine)(x), (m + m.T) @ x)


def test_repeated_indices_take_and_give_back_the_diagonal(engine, rng):
    x, w = rng.standard_normal((3, 3)), rng.standard_normal(3)
    close(bt.grad(lambda m: np.einsum("ii", m), engine=engine)(x), np.eye(3))
    close(bt.grad(lambda m: np.sum(w * np.einsum("ii->i", m)), engine=engine)(x), np.diag(w))


def test_optimize_flags_are_accepted_and_change_nothing(engine, rng):
    xs = [rng.standard_normal(s) for s in ((2, 3), (3, 4), (4, 2))]
    expected = bt.grad(lambda *a: np.sum(np.einsum("ij,jk,kl->il", *a) ** 2), argnums=(0, 1, 2),
                       engine=engine)(*xs)
    for flag in (True, "greedy", "optimal"):
        got = bt.grad(lambda *a: np.sum(np.einsum("ij,jk,kl->il", *a, optimize=flag) ** 2),
                      argnums=(0, 1, 2), engine=engine)(*xs)
        for g, e in zip(got, expected):
            close(g, e)


def test_equal_contractions_make_equal_nodes():
    x, w = sym.var("x", shape=(2, 3)), sym.var("w", shape=(3, 4))
    spelled = [np.einsum("ij,jk->ik", x, w), np.einsum("bq,qz->bz", x, w),
               np.tensordot(x, w, axes=1)]
    assert {n.params["spec"] for n in spelled} == {"ab,bc->ac"}


# -- numpy's semantics -----------------------------------------------------------------
@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 3), (3,)), ((3, 3), (2, 3, 2)),
                                              ((2, 3, 3), (2, 3, 1))])
def test_solve_reads_b_as_numpy_2_does(engine, rng, a_shape, b_shape):
    a = 3.0 * np.eye(3) + rng.standard_normal(a_shape)
    b = rng.standard_normal(b_shape)
    got = bt.jacobian(lambda m: np.linalg.solve(m, b), engine=engine)(a)  # runs on the engine
    assert got.shape == np.linalg.solve(a, b).shape + a.shape


def test_solve_refuses_a_batch_of_vectors_as_numpy_2_does(engine, rng):
    a = 3.0 * np.eye(3) + rng.standard_normal((2, 3, 3))
    b = rng.standard_normal((2, 3))    # numpy 2: a (3, 3)-stack needs b (..., 3, k)
    with pytest.raises(ValueError):
        np.linalg.solve(a, b)
    with pytest.raises(bt.ShapeError, match="solve"):
        bt.grad(lambda m: np.sum(np.linalg.solve(m, b)), engine=engine)(a)


def test_numpy_linalg_dispatches_to_the_engines(rng):
    m = 3.0 * np.eye(3) + rng.standard_normal((3, 3))
    t = tape.Tensor(m, requires_grad=True)
    n = sym.var("m", shape=(3, 3))
    for f in (np.linalg.det, np.linalg.inv, np.linalg.norm, lambda x: np.linalg.solve(x, m),
              lambda x: np.linalg.slogdet(x).logabsdet, np.trace, lambda x: np.einsum("ij", x)):
        assert isinstance(f(t), tape.Tensor)
        assert isinstance(f(n), sym.Node)
        close(f(t).value, f(m), rtol=1e-12)


@pytest.mark.parametrize("fun", [
    lambda m, v: np.einsum("ij,j->", m, v), lambda m, v: np.linalg.det(m),
    lambda m, v: np.sum(np.linalg.inv(m)), lambda m, v: np.sum(np.linalg.solve(m, v)),
    lambda m, v: np.linalg.norm(m), lambda m, v: np.linalg.slogdet(m)[1],
    lambda m, v: np.sum(np.cross(m, v)), lambda m, v: np.sum(np.tril(m) ** 2),
], ids=["einsum", "det", "inv", "solve", "norm", "slogdet", "cross", "tril"])
def test_float32_stays_float32(engine, a, rng, fun):
    m, v = a.astype(np.float32), rng.standard_normal(3).astype(np.float32)
    assert bt.grad(fun, argnums=(0, 1), engine=engine)(m, v)[0].dtype == np.float32


# -- refusals ----------------------------------------------------------------------------
REFUSED = [
    ("np.einsum", lambda x: np.einsum("ij", x, out=np.zeros((2, 2)))),
    ("np.einsum", lambda x: np.einsum("ij", x, dtype=np.float32)),
    ("np.einsum", lambda x: np.einsum("ij,jk", x, x, optimize=["einsum_path", (0, 1)])),
    ("np.einsum", lambda x: np.einsum("i", x)),
    ("np.einsum", lambda x: np.einsum("ij,jk->ikk", x, x)),
    ("np.einsum", lambda x: np.einsum("ij,jk->iz", x, x)),
    ("np.einsum", lambda x: np.einsum("ij,jk", x, np.ones((3, 3)))),
    ("np.einsum", lambda x: np.einsum("ii->i", np.ones((2, 3)) + x[:, :1])),
    ("np.einsum", lambda x: np.einsum("...ij->ij", x[None])),
    ("np.linalg.norm", lambda x: np.linalg.norm(x, "nucc")),
    ("np.linalg.norm", lambda x: np.linalg.norm(x, 3)),
    ("np.linalg.norm", lambda x: np.linalg.norm(x[0], "fro")),
    ("np.linalg.norm", lambda x: np.linalg.norm(x, axis=(0, 0))),
    ("np.linalg.norm", lambda x: np.linalg.norm(x[None], 1)),
    ("np.cross", lambda x: np.cross(x[0], x[1])),
    ("np.trace", lambda x: np.trace(x, out=np.zeros(()))),
    ("np.dot", lambda x: np.dot(x, x, out=np.zeros((2, 2)))),
    ("np.outer", lambda x: np.outer(x, x, out=np.zeros((4, 4)))),
    ("np.tensordot", lambda x: np.tensordot(x, x, axes=([0], [0, 1]))),
    ("np.tensordot", lambda x: np.tensordot(x, np.ones((3, 2)), axes=1)),
    ("np.tensordot", lambda x: np.tensordot(x, x, axes=([0], [1], [0]))),
    ("np.tensordot", lambda x: np.tensordot(x, x, axes=([2], [0]))),
    ("np.diag", lambda x: np.diag(x[None])),
    ("np.diagonal", lambda x: np.diagonal(x, 0, 1, 1)),
]


@pytest.mark.parametrize("name, fun", REFUSED, ids=[f"{n}-{k}" for k, (n, _) in
                                                     enumerate(REFUSED)])
def test_unsupported_arguments_raise_naming_the_function(engine, name, fun):
    with pytest.raises(bt.BackpropError, match=name.replace(".", r"\.")):
        bt.grad(lambda x: np.sum(fun(x)), engine=engine)(np.ones((2, 2)))


def test_singular_matrices_fail_clearly(engine):
    with pytest.raises(bt.ShapeError, match="inv.*[Ss]ingular"):
        bt.grad(lambda m: np.linalg.det(m), engine=engine)(np.ones((2, 2)))
