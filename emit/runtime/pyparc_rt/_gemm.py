"""C = alpha * (A @ B) + beta * C in one BLAS call, where NumPy needs four operations.

The NumPy variant of gemm was C *= beta; C += alpha * (A @ B): a product into a temporary of
C's size, a pass scaling it, a pass scaling C and a pass adding: on 16 cores the three passes
and the temporary's fresh pages cost as much as the product (MEDIUM 158-177 us against 98-121
for one dgemm, LARGE 7.7-8.8 ms against 5.6-6.0). BLAS's gemm does all of it, reading C once.

Only where that call computes what the four operations compute, as far as the correctness
rules go (sums in another order): float64 matrices laid out by rows or columns, C by rows and
apart from A and B, alpha and beta finite and not zero (BLAS skips reading C when beta is 0,
and the product when alpha is: NumPy's nan * 0 stays nan). Everything else, CuPy arrays
included, runs the NumPy operations themselves.
"""
import ctypes
import math
import os

import numpy as _np

from ._blaslib import openblas_libs

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112

# The dgemm of the OpenBLAS NumPy loaded: None until looked for, False where there is none.
_dgemm = None


def _find_dgemm():
    """cblas_dgemm with 64-bit ints (NumPy's scipy-openblas64 or an OpenBLAS built so); False
    elsewhere. A symbol without the 64_ suffix is not taken: its int size cannot be told from
    outside, and a wrong one would crash."""
    if os.environ.get("PYPARC_DIRECT_BLAS") == "0":
        return False
    for lib in openblas_libs():
        for name in ("scipy_cblas_dgemm64_", "cblas_dgemm64_"):
            fn = getattr(lib, name, None)
            if fn is not None:
                i, d, p = ctypes.c_int64, ctypes.c_double, ctypes.c_void_p
                fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, i, i, i, d, p, i, p, i, d, p, i]
                fn.restype = None
                return fn
    return False


def _layout(x):
    """(transpose flag, leading dimension) of a float64 matrix BLAS can read in place, or None."""
    if type(x) is not _np.ndarray or x.ndim != 2 or x.dtype != _np.float64 or not x.flags.aligned:
        return None
    rows, cols = x.shape
    if x.flags.c_contiguous:
        return _NO_TRANS, max(1, cols)
    if x.flags.f_contiguous:
        return _TRANS, max(1, rows)
    return None


def _plan(A, B, C):
    """The dgemm arguments (transposes, sizes, leading dimensions) that compute into C from A
    and B in place, or None where one call cannot (see the module's doc)."""
    global _dgemm
    if _dgemm is None:
        _dgemm = _find_dgemm()
    if not _dgemm or type(C) is not _np.ndarray or C.ndim != 2 or C.dtype != _np.float64 \
            or not (C.flags.c_contiguous and C.flags.writeable and C.flags.aligned):
        return None
    la, lb = _layout(A), _layout(B)
    m, n = C.shape
    if not (la and lb and A.shape[0] == m and B.shape[1] == n and A.shape[1] == B.shape[0] and m and n and A.shape[1]):
        return None
    if _np.may_share_memory(C, A) or _np.may_share_memory(C, B):
        return None
    return la, lb, m, n, A.shape[1]


def gemm(alpha, A, B, beta, C):
    """C = alpha * (A @ B) + beta * C in place; alpha None: no factor (C += A @ B), beta None:
    C not scaled."""
    if (alpha is None or _finite_nonzero(alpha)) and (beta is None or _finite_nonzero(beta)):
        plan = _plan(A, B, C)
        if plan:
            (ta, lda), (tb, ldb), m, n, k = plan
            _dgemm(_ROW_MAJOR, ta, tb, m, n, k, 1.0 if alpha is None else alpha, A.ctypes.data, lda,
                   B.ctypes.data, ldb, 1.0 if beta is None else beta, C.ctypes.data, max(1, n))
            return
    if beta is not None:
        C *= beta
    if alpha is None:
        C += A @ B
    else:
        C += alpha * (A @ B)


def matmul_scaled(A, B, alpha, C):
    """np.matmul(A, B, out=C); C *= alpha: one dgemm with beta 0, which writes C without
    reading it, as matmul does (2mm's tmp = alpha * A @ B: a pass over tmp less)."""
    if _finite_nonzero(alpha):
        plan = _plan(A, B, C)
        if plan:
            (ta, lda), (tb, ldb), m, n, k = plan
            _dgemm(_ROW_MAJOR, ta, tb, m, n, k, alpha, A.ctypes.data, lda, B.ctypes.data, ldb, 0.0,
                   C.ctypes.data, max(1, n))
            return
    if type(C) is _np.ndarray:
        _np.matmul(A, B, out=C)
    else:
        C[...] = A @ B  # a CuPy array: its product, copied in
    C *= alpha


def _finite_nonzero(x):
    """x a real Python or NumPy number, finite and not zero (what BLAS takes as NumPy would)."""
    return type(x) in (float, int, _np.float64) and x != 0 and math.isfinite(x)
