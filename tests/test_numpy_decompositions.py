"""numpy.linalg's decompositions: closed-form derivatives, numpy's conventions, refusals.

The generic checks (values against numpy, derivatives against central differences,
second order, both engines) run on the samples of tests/numpy_examples.py and
tests/primitive_examples.py. Here: the closed forms a student derives by hand
(``d w_i = v_i^T dA v_i``, ``d tr(sqrt(A^T A)) = U V^T``), the one-triangle convention
of ``eigh`` and ``cholesky``, what happens at repeated eigenvalues, and the errors.
"""

import numpy as np
import pytest

import backprop_toolkit as bt
from backprop_toolkit import symbolic as sym
from backprop_toolkit import tape

pytestmark = pytest.mark.filterwarnings("ignore::backprop_toolkit.RetraceWarning")


def close(x, y, rtol=1e-9, atol=1e-10):
    np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


def symmetric(rng, *shape):
    x = rng.standard_normal(shape)
    return (x + np.swapaxes(x, -1, -2)) / 2


def spd(rng, n):
    x = rng.standard_normal((n, n))
    return x @ x.T / n + np.eye(n)


def lower_read(g):
    """The gradient with respect to a matrix of which only the lower triangle is read, from
    the gradient ``g`` with respect to the symmetric matrix that triangle stands for."""
    return np.tril(g + np.swapaxes(g, -1, -2), -1) + np.tril(np.triu(g))


# -- closed forms -----------------------------------------------------------------------
def test_eigenvalue_gradient_is_the_outer_product_of_its_eigenvector(engine, rng):
    """d w_i = v_i^T dA v_i: the gradient of w_i is v_i v_i^T (A symmetric)."""
    a = symmetric(rng, 4, 4)
    w, v = np.linalg.eigh(a)
    for i in range(4):
        grad = bt.grad(lambda x: np.linalg.eigh((x + x.T) / 2)[0][i], engine=engine)(a)
        close(grad, np.outer(v[:, i], v[:, i]))
        # numpy reads the lower triangle: the gradient lives there
        grad = bt.grad(lambda x: np.linalg.eigvalsh(x)[i], engine=engine)(a)
        close(grad, lower_read(np.outer(v[:, i], v[:, i])))


def test_eigh_reads_only_the_uplo_triangle_as_numpy_does(engine, rng):
    a = rng.standard_normal((3, 3))      # not symmetric: the other triangle is ignored
    weights = rng.standard_normal((4, 3))
    for uplo in ("L", "U"):
        def f(x):
            w, v = np.linalg.eigh(x, uplo)
            return np.sum(weights[0] * w) + np.sum(weights[1:] * v)
        grad = bt.grad(f, engine=engine)(a)
        close(grad, bt.numerical_grad(f, a), rtol=1e-6, atol=1e-8)
        ignored = np.triu(grad, 1) if uplo == "L" else np.tril(grad, -1)
        assert np.all(ignored == 0.0)


def test_eigh_values_vectors_and_reconstruction(engine, rng):
    a = symmetric(rng, 2, 3, 3)
    x = tape.Tensor(a) if engine == "tape" else sym.var("a", shape=a.shape)
    result = np.linalg.eigh(x)
    assert result._fields == ("eigenvalues", "eigenvectors")
    w, v = (r.value if engine == "tape" else sym.evaluate(r, {x: a}) for r in result)
    expected_w, expected_v = np.linalg.eigh(a)
    close(w, expected_w, rtol=1e-12, atol=1e-12)
    close(v, expected_v, rtol=1e-12, atol=1e-12)
    close((v * w[..., None, :]) @ np.swapaxes(v, -1, -2), a)


def test_repeated_eigenvalues_give_finite_derivatives(engine):
    """At a tie the eigenvectors have no derivative; the rules take the tied terms as 0,
    so the eigenvalues' gradient is still right (here the identity) and nothing is nan."""
    a = np.diag([2.0, 2.0, 5.0])
    grad = bt.grad(lambda x: np.sum(np.linalg.eigvalsh(x)), engine=engine)(a)
    close(grad, np.eye(3))          # d tr(A) = tr(dA)
    grad = bt.grad(lambda x: np.sum(np.linalg.eigh(x)[1] ** 3), engine=engine)(a)
    assert np.all(np.isfinite(grad))


def test_second_order_of_eigenvalues_and_singular_values(engine, rng):
    """sum w_i^2 = |A|_F^2 for symmetric A and sum s_i^2 = |A|_F^2: Hessians 2 I."""
    x = rng.standard_normal((3, 3))
    hess = bt.hessian(lambda m: np.sum(np.linalg.eigvalsh((m + m.T) / 2) ** 2),
                      engine=engine)(x)
    expected = (np.eye(9) + np.eye(9).reshape(3, 3, 3, 3).transpose(0, 1, 3, 2).reshape(9, 9))
    close(hess.reshape(9, 9), expected, atol=1e-8)
    hess = bt.hessian(lambda m: np.sum(np.linalg.svd(m, compute_uv=False) ** 2),
                      engine=engine)(rng.standard_normal((4, 2)))
    close(hess.reshape(8, 8), 2 * np.eye(8), atol=1e-8)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 5)])
def test_singular_value_gradients(engine, rng, shape):
    """d s_i = u_i^T dA v_i: s_i's gradient is u_i v_i^T; the nuclear norm's is U V^T."""
    a = rng.standard_normal(shape)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    grad = bt.grad(lambda x: np.sum(np.linalg.svd(x, compute_uv=False)), engine=engine)(a)
    close(grad, u @ vh)
    grad = bt.grad(lambda x: np.sum(np.linalg.norm(x, "nuc", axis=(-2, -1))),
                   engine=engine)(a)
    close(grad, u @ vh)
    grad = bt.grad(lambda x: np.sum(np.linalg.norm(x, 2, axis=(-2, -1))), engine=engine)(a)
    close(grad, u[..., :, :1] @ vh[..., :1, :])
    grad = bt.grad(lambda x: np.sum(np.linalg.norm(x, -2, axis=(-2, -1))), engine=engine)(a)
    close(grad, u[..., :, -1:] @ vh[..., -1:, :])


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (2, 4, 3)])
def test_svd_reconstructs_and_matches_numpy(engine, rng, shape):
    a = rng.standard_normal(shape)
    w = rng.standard_normal(shape)

    def f(x):
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        return np.sum(w * ((u * s[..., None, :]) @ vh))      # = sum(w * x)
    close(bt.grad(f, engine=engine)(a), w)
    g = bt.grad(lambda x: np.sum(np.linalg.svd(x, full_matrices=False).U[..., :, 0] ** 3),
                engine=engine)
    close(g(a), bt.numerical_grad(lambda x: np.sum(np.linalg.svd(
        x, full_matrices=False).U[..., :, 0] ** 3), a), rtol=1e-6, atol=1e-8)


def test_cholesky_reconstructs_and_its_log_det_gradient_is_the_inverse(engine, rng):
    a = spd(rng, 4)
    if engine == "tape":
        low = np.linalg.cholesky(tape.Tensor(a)).value
        close(low @ low.T, a)
        close(low, np.linalg.cholesky(a), rtol=1e-12)
    logdet = lambda x: 2 * np.sum(np.log(np.diagonal(np.linalg.cholesky(x))))  # noqa: E731
    close(bt.grad(lambda x: logdet((x + x.T) / 2), engine=engine)(a), np.linalg.inv(a))
    close(bt.grad(logdet, engine=engine)(a), lower_read(np.linalg.inv(a)))
    upper = lambda x: 2 * np.sum(np.log(np.diagonal(np.linalg.cholesky(x, upper=True))))  # noqa
    close(bt.grad(upper, engine=engine)(a), lower_read(np.linalg.inv(a)).T)


def test_cholesky_matches_central_differences_of_numpy(engine, rng):
    """numpy's cholesky reads the lower triangle only; so does the gradient."""
    a = spd(rng, 3) + np.triu(rng.standard_normal((3, 3)), 1)     # garbage above
    w = rng.standard_normal((3, 3))
    f = lambda x: np.sum(w * np.linalg.cholesky(x))  # noqa: E731
    grad = bt.grad(f, engine=engine)(a)
    close(grad, bt.numerical_grad(f, a), rtol=1e-6, atol=1e-8)
    assert np.all(np.triu(grad, 1) == 0.0)


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (3, 3), (2, 3, 5)])
def test_pinv_matches_numpy_and_its_penrose_conditions(engine, rng, shape):
    a = rng.standard_normal(shape)
    p = np.linalg.pinv(a)
    if engine == "tape":
        close(np.linalg.pinv(tape.Tensor(a)).value, p, rtol=1e-12)
    else:
        n = sym.var("a", shape=shape)
        close(sym.evaluate(np.linalg.pinv(n), {n: a}), p, rtol=1e-12)
    w = rng.standard_normal(p.shape)
    f = lambda x: np.sum(w * np.linalg.pinv(x))  # noqa: E731
    close(bt.grad(f, engine=engine)(a), bt.numerical_grad(f, a), rtol=1e-6, atol=1e-8)
    if shape[-1] <= shape[-2]:    # full column rank: pinv(A) = (A^T A)^-1 A^T
        g = lambda x: np.sum(w * np.linalg.solve(x.T @ x, x.T))  # noqa: E731
        close(bt.grad(f, engine=engine)(a), bt.grad(g, engine=engine)(a))


def test_pinv_of_a_low_rank_matrix_keeps_its_rank(engine, rng):
    """pinv(X^T X) for X of 2 rows has rank 2: the derivative is the constant-rank one."""
    x = rng.standard_normal((2, 4))
    bt.check_function(lambda m: np.linalg.pinv(m.T @ m), x, engine=engine)


def test_matrix_power_is_repeated_matmul(engine, rng):
    a = rng.standard_normal((3, 3))
    w = rng.standard_normal((3, 3))
    for n in (1, 2, 3, 6):
        got = bt.grad(lambda x: np.sum(w * np.linalg.matrix_power(x, n)), engine=engine)(a)
        expected = sum(np.linalg.matrix_power(a.T, k) @ w @ np.linalg.matrix_power(a.T, n - 1 - k)
                       for k in range(n))
        close(got, expected)
    close(bt.grad(lambda x: np.sum(np.linalg.matrix_power(x, 0)), engine=engine)(a),
          np.zeros((3, 3)))


@pytest.mark.parametrize("fun", [
    lambda m: np.linalg.eigh(m)[1], lambda m: np.linalg.svd(m)[2],
    lambda m: np.linalg.cholesky(m), lambda m: np.linalg.pinv(m),
    lambda m: np.linalg.norm(m, "nuc")], ids=["eigh", "svd", "cholesky", "pinv", "nuc"])
def test_float32_stays_float32(engine, rng, fun):
    m = spd(rng, 3).astype(np.float32)
    assert bt.grad(lambda x: np.sum(fun(x)), engine=engine)(m).dtype == np.float32


# -- refusals and errors ---------------------------------------------------------------
REFUSED = [
    ("np.linalg.eig", "complex", lambda x: np.linalg.eig(x)[0]),
    ("np.linalg.eigvals", "complex", lambda x: np.linalg.eigvals(x)),
    ("np.linalg.svd", "full_matrices=False", lambda x: np.linalg.svd(x[:, :2])[0]),
    ("np.linalg.svd", "hermitian", lambda x: np.linalg.svd(x, hermitian=True)[1]),
    ("np.linalg.eigh", "UPLO", lambda x: np.linalg.eigh(x, "X")[0]),
    ("np.linalg.eigh", "square", lambda x: np.linalg.eigh(x[:, :2])[0]),
    ("np.linalg.cholesky", "square", lambda x: np.linalg.cholesky(x[0])),
    ("np.linalg.pinv", "rcond", lambda x: np.linalg.pinv(x, rcond=np.ones(1))),
    ("np.linalg.pinv", "both", lambda x: np.linalg.pinv(x, rcond=0.1, rtol=0.1)),
    ("np.linalg.matrix_power", "integer", lambda x: np.linalg.matrix_power(x, 2.0)),
    ("cholesky", "positive definite", lambda x: np.linalg.cholesky(-x)),
]


@pytest.mark.parametrize("name, why, fun", REFUSED,
                         ids=[f"{n}-{k}" for k, (n, _, _) in enumerate(REFUSED)])
def test_unsupported_arguments_raise_naming_the_function(engine, rng, name, why, fun):
    with pytest.raises(bt.BackpropError, match=name.replace(".", r"\.")) as info:
        bt.grad(lambda x: np.sum(fun(x)), engine=engine)(spd(rng, 3))
    assert why in str(info.value)


def test_numpy_linalg_dispatches_to_the_engines(rng):
    m = spd(rng, 3)
    t = tape.Tensor(m, requires_grad=True)
    n = sym.var("m", shape=(3, 3))
    for f in (lambda x: np.linalg.eigh(x).eigenvalues, np.linalg.eigvalsh, np.linalg.cholesky,
              lambda x: np.linalg.svd(x).Vh, np.linalg.svdvals, np.linalg.pinv,
              lambda x: np.linalg.matrix_power(x, 3), lambda x: np.linalg.norm(x, -2)):
        assert isinstance(f(t), tape.Tensor)
        assert isinstance(f(n), sym.Node)
        close(f(t).value, f(m), rtol=1e-12, atol=1e-14)
