"""pyparc_rt.gemm: one dgemm where it computes what C *= beta; C += alpha * (A @ B) does,
those operations themselves elsewhere."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyparc_rt as rt  # noqa: E402
from pyparc_rt import _gemm  # noqa: E402


def numpy_gemm(alpha, A, B, beta, C):
    if beta is not None:
        C *= beta
    if alpha is None:
        C += A @ B
    else:
        C += alpha * (A @ B)


@pytest.fixture
def calls(monkeypatch):
    """How many times gemm called BLAS."""
    if _gemm._dgemm is None:
        _gemm._dgemm = _gemm._find_dgemm()
    if not _gemm._dgemm:
        pytest.skip("no OpenBLAS dgemm with 64-bit ints in this process")
    real, n = _gemm._dgemm, [0]

    def counted(*args):
        n[0] += 1
        return real(*args)
    monkeypatch.setattr(_gemm, "_dgemm", counted)
    return n


rng = np.random.default_rng(7)
M, N, K = 13, 11, 17


def operands():
    A, B, C = rng.random((M, K)), rng.random((K, N)), rng.random((M, N))
    return {
        "rows": (A, B, C),
        "A transposed": (rng.random((K, M)).T, B, C),
        "B transposed": (A, rng.random((N, K)).T, C),
        "both transposed": (rng.random((K, M)).T, rng.random((N, K)).T, C),
        "one column": (rng.random((M, 1)), rng.random((1, N)), C),
    }


@pytest.mark.parametrize("case", list(operands()))
@pytest.mark.parametrize("alpha,beta", [(1.5, 1.2), (None, None), (None, 0.5), (2, None), (np.float64(-0.5), 3)])
def test_blas_matches_numpy(calls, case, alpha, beta):
    A, B, C = operands()[case]
    want, got = C.copy(), C.copy()
    numpy_gemm(alpha, A, B, beta, want)
    rt.gemm(alpha, A, B, beta, got)
    assert calls[0] == 1
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


def strided():
    A, B, C = rng.random((M, 2 * K)), rng.random((K, N)), rng.random((M, N))
    return {
        "strided A": (1.5, A[:, ::2], B, 1.2, C),
        "float32": (1.5, A[:, :K].astype(np.float32), B.astype(np.float32), 1.2, C.astype(np.float32)),
        "int C": (1.5, A[:, :K], B, 1.2, np.ones((M, N), dtype=np.int64)),
        "C by columns": (1.5, A[:, :K], B, 1.2, np.asfortranarray(C)),
        "vector B": (1.5, A[:, :K], B[:, 0].copy(), 1.2, C[:, 0].copy()),
        "beta zero, nan in C": (1.5, A[:, :K], B, 0.0, np.full((M, N), np.nan)),
        "alpha zero, nan in A": (0.0, np.full((M, K), np.nan), B, 1.2, C),
        "alpha inf": (np.inf, A[:, :K], B, 1.2, C),
        "beta nan": (1.5, A[:, :K], B, np.nan, C),
        "complex alpha": (1j, A[:, :K], B, None, C.astype(np.complex128)),
        "no rows": (1.5, A[:0, :K], B, 1.2, C[:0]),
        "no terms": (1.5, A[:, :0], B[:0], 1.2, C),
    }


@pytest.mark.parametrize("case", list(strided()))
def test_numpy_where_blas_would_differ(calls, case):
    alpha, A, B, beta, C = strided()[case]
    want, got = C.copy(order="A"), C.copy(order="A")
    if case == "int C":
        with pytest.raises(TypeError):  # NumPy's casting error, float into int
            numpy_gemm(alpha, A, B, beta, want)
        with pytest.raises(TypeError):
            rt.gemm(alpha, A, B, beta, got)
        return
    numpy_gemm(alpha, A, B, beta, want)
    rt.gemm(alpha, A, B, beta, got)
    assert calls[0] == 0
    np.testing.assert_array_equal(got, want)


def test_overlap_runs_numpy(calls):
    base = rng.random((M, M + K))
    A, C = base[:, M:], base[:, :M]  # rows of one buffer: may share memory
    B = rng.random((K, M))
    want, got = base.copy(), base.copy()
    numpy_gemm(1.5, want[:, M:], B, 1.2, want[:, :M])
    rt.gemm(1.5, got[:, M:], B, 1.2, got[:, :M])
    assert calls[0] == 0
    np.testing.assert_array_equal(got, want)


def test_switched_off(tmp_path):
    import subprocess
    code = ("import numpy as np, pyparc_rt as rt\nfrom pyparc_rt import _gemm\n"
            "A = np.ones((3, 3)); C = np.zeros((3, 3))\nrt.gemm(2.0, A, A, 1.0, C)\n"
            "assert _gemm._dgemm is False and (C == 6.0).all()\n")
    env = dict(os.environ, PYPARC_DIRECT_BLAS="0", PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("case", list(operands()))
@pytest.mark.parametrize("alpha", [1.5, 2, np.float64(-0.25)])
def test_matmul_scaled_matches_numpy(calls, case, alpha):
    A, B, C = operands()[case]
    want, got = np.full_like(C, np.nan), np.full_like(C, np.nan)  # overwritten, nan or not
    np.matmul(A, B, out=want)
    want *= alpha
    rt.matmul_scaled(A, B, alpha, got)
    assert calls[0] == 1
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("alpha", [0.0, np.inf, np.nan, 1j])
def test_matmul_scaled_numpy_where_blas_would_differ(calls, alpha):
    A, B, C = operands()["rows"]
    A = A.copy()
    A[0, 0] = np.inf
    C = C.astype(np.complex128) if isinstance(alpha, complex) else C.copy()
    want, got = C.copy(), C.copy()
    np.matmul(A, B, out=want)
    want *= alpha
    rt.matmul_scaled(A, B, alpha, got)
    assert calls[0] == 0
    np.testing.assert_array_equal(got, want)
