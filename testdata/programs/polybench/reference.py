"""Hand-written NumPy versions of the PolyBench 4.2 kernels.

Each function has the signature of the loop kernel of the same name in the
sibling modules and the same in-place effect on its array arguments, but is
written independently with whole-array operations. Where the computation is
inherently sequential (triangular solves, recurrences, Gauss-Seidel sweeps,
dynamic programming), only the inner work is vectorized.

These double as the hand-written NumPy peers in the benchmarks.
"""
import numpy as np


# ---------------------------------------------------------------- datamining

def kernel_correlation(m, n, float_n, data, corr, mean, stddev):
    eps = 0.1
    mean[:] = data.sum(axis=0) / float_n
    stddev[:] = np.sqrt(((data - mean) ** 2).sum(axis=0) / float_n)
    stddev[stddev <= eps] = 1.0
    data -= mean
    data /= np.sqrt(float_n) * stddev
    corr[:, :] = data.T @ data
    np.fill_diagonal(corr, 1.0)


def kernel_covariance(m, n, float_n, data, cov, mean):
    mean[:] = data.sum(axis=0) / float_n
    data -= mean
    cov[:, :] = (data.T @ data) / (float_n - 1.0)


# ------------------------------------------------------- linear-algebra/blas

def kernel_gemm(alpha, beta, C, A, B):
    C *= beta
    C += alpha * (A @ B)


def kernel_gemver(n, alpha, beta, A, u1, v1, u2, v2, w, x, y, z):
    A += np.outer(u1, v1) + np.outer(u2, v2)
    x += beta * (A.T @ y) + z
    w += alpha * (A @ x)


def kernel_gesummv(n, alpha, beta, A, B, tmp, x, y):
    tmp[:] = A @ x
    y[:] = alpha * tmp + beta * (B @ x)


def kernel_symm(m, n, alpha, beta, C, A, B):
    low = np.tril(A)
    full = low + np.tril(A, -1).T  # symmetric matrix from the lower triangle
    C[:, :] = beta * C + alpha * (full @ B)


def kernel_syrk(n, m, alpha, beta, C, A):
    low = np.tril(np.ones((n, n), dtype=bool))
    C[low] = (beta * C + alpha * (A @ A.T))[low]


def kernel_syr2k(n, m, alpha, beta, C, A, B):
    low = np.tril(np.ones((n, n), dtype=bool))
    C[low] = (beta * C + alpha * (A @ B.T + B @ A.T))[low]


def kernel_trmm(m, n, alpha, A, B):
    B[:, :] = alpha * (B + np.tril(A, -1).T @ B)


# ---------------------------------------------------- linear-algebra/kernels

def kernel_2mm(ni, nj, nk, nl, alpha, beta, tmp, A, B, C, D):
    tmp[:, :] = alpha * (A @ B)
    D[:, :] = beta * D + tmp @ C


def kernel_3mm(ni, nj, nk, nl, nm, E, A, B, F, C, D, G):
    E[:, :] = A @ B
    F[:, :] = C @ D
    G[:, :] = E @ F


def kernel_atax(m, n, A, x, y, tmp):
    tmp[:] = A @ x
    y[:] = A.T @ tmp


def kernel_bicg(m, n, A, s, q, p, r):
    s[:] = A.T @ r
    q[:] = A @ p


def kernel_doitgen(nr, nq, n_p, A, C4, sum_):
    A[:, :, :] = np.einsum("rqs,sp->rqp", A, C4)
    sum_[:] = A[nr - 1, nq - 1, :]


def kernel_mvt(n, x1, x2, y_1, y_2, A):
    x1 += A @ y_1
    x2 += A.T @ y_2


# ---------------------------------------------------- linear-algebra/solvers

def kernel_cholesky(n, A):
    # right-looking factorization on the lower triangle
    L = np.tril(A)
    for k in range(n):
        L[k, k] = np.sqrt(L[k, k])
        L[k + 1:, k] /= L[k, k]
        L[k + 1:, k + 1:] -= np.tril(np.outer(L[k + 1:, k], L[k + 1:, k]))
    low = np.tril(np.ones((n, n), dtype=bool))
    A[low] = L[low]


def _lu_inplace(n, A):
    # right-looking Doolittle elimination, no pivoting
    for k in range(n - 1):
        A[k + 1:, k] /= A[k, k]
        A[k + 1:, k + 1:] -= np.outer(A[k + 1:, k], A[k, k + 1:])


def kernel_lu(n, A):
    _lu_inplace(n, A)


def kernel_ludcmp(n, A, b, x, y):
    _lu_inplace(n, A)
    for i in range(n):
        y[i] = b[i] - A[i, :i] @ y[:i]
    for i in range(n - 1, -1, -1):
        x[i] = (y[i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]


def kernel_trisolv(n, L, x, b):
    for i in range(n):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]


def kernel_durbin(n, r, y):
    y[0] = -r[0]
    beta = 1.0
    alpha = -r[0]
    for k in range(1, n):
        beta = (1.0 - alpha * alpha) * beta
        alpha = -(r[k] + r[:k][::-1] @ y[:k]) / beta
        y[:k] = y[:k] + alpha * y[:k][::-1]
        y[k] = alpha


def kernel_gramschmidt(m, n, A, R, Q):
    for k in range(n):
        R[k, k] = np.sqrt(A[:, k] @ A[:, k])
        Q[:, k] = A[:, k] / R[k, k]
        R[k, k + 1:] = Q[:, k] @ A[:, k + 1:]
        A[:, k + 1:] -= np.outer(Q[:, k], R[k, k + 1:])


# -------------------------------------------------------------------- medley

def kernel_deriche(w, h, alpha, imgIn, imgOut, y1, y2):
    ea = np.exp(-alpha)
    k = (1.0 - ea) ** 2 / (1.0 + 2.0 * alpha * ea - np.exp(2.0 * alpha))
    a1 = a5 = k
    a2 = a6 = k * ea * (alpha - 1.0)
    a3 = a7 = k * ea * (alpha + 1.0)
    a4 = a8 = -k * np.exp(-2.0 * alpha)
    b1 = np.power(2.0, -alpha)
    b2 = -np.exp(-2.0 * alpha)

    def causal(x, ca, cb):
        # y[t] = ca*x[t] + cb*x[t-1] + b1*y[t-1] + b2*y[t-2] along axis 1
        out = np.empty_like(x)
        xm1 = np.zeros(x.shape[0])
        ym1 = np.zeros(x.shape[0])
        ym2 = np.zeros(x.shape[0])
        for t in range(x.shape[1]):
            out[:, t] = ca * x[:, t] + cb * xm1 + b1 * ym1 + b2 * ym2
            xm1, ym2, ym1 = x[:, t], ym1, out[:, t]
        return out

    def anticausal(x, ca, cb):
        # y[t] = ca*x[t+1] + cb*x[t+2] + b1*y[t+1] + b2*y[t+2] along axis 1
        out = np.empty_like(x)
        xp1 = np.zeros(x.shape[0])
        xp2 = np.zeros(x.shape[0])
        yp1 = np.zeros(x.shape[0])
        yp2 = np.zeros(x.shape[0])
        for t in range(x.shape[1] - 1, -1, -1):
            out[:, t] = ca * xp1 + cb * xp2 + b1 * yp1 + b2 * yp2
            xp2, xp1 = xp1, x[:, t]
            yp2, yp1 = yp1, out[:, t]
        return out

    # horizontal pass (rows, along j)
    y1[:, :] = causal(imgIn, a1, a2)
    y2[:, :] = anticausal(imgIn, a3, a4)
    imgOut[:, :] = y1 + y2
    # vertical pass (columns, along i)
    t = imgOut.T
    y1[:, :] = causal(t, a5, a6).T
    y2[:, :] = anticausal(t, a7, a8).T
    imgOut[:, :] = y1 + y2


def kernel_floyd_warshall(n, path):
    for k in range(n):
        np.minimum(path, path[:, k, None] + path[None, k, :], out=path)


def kernel_nussinov(n, seq, table):
    # anti-diagonal wavefront: every cell (i, i+d) depends on shorter spans only
    pair = (seq[:, None].astype(np.int32) + seq[None, :] == 3).astype(table.dtype)
    for d in range(1, n):
        i = np.arange(0, n - d)
        j = i + d
        best = np.maximum(table[i, j], table[i, j - 1])
        best = np.maximum(best, table[i + 1, j])
        diag = table[i + 1, j - 1]
        if d > 1:
            diag = diag + pair[i, j]
        best = np.maximum(best, diag)
        if d > 1:
            # split points k = i+1 .. j-1
            ks = i[:, None] + np.arange(1, d)[None, :]
            split = table[i[:, None], ks] + table[ks + 1, j[:, None]]
            best = np.maximum(best, split.max(axis=1))
        table[i, j] = best


# ------------------------------------------------------------------ stencils

def kernel_adi(tsteps, n, u, v, p, q):
    DX = 1.0 / n
    DY = 1.0 / n
    DT = 1.0 / tsteps
    mul1 = 2.0 * DT / (DX * DX)
    mul2 = 1.0 * DT / (DY * DY)
    a = -mul1 / 2.0
    b = 1.0 + mul1
    c = a
    d = -mul2 / 2.0
    e = 1.0 + mul2
    f = d

    inner = slice(1, n - 1)
    for _ in range(tsteps):
        # column sweep: one tridiagonal system per column i, solved for all i at once
        v[0, inner] = 1.0
        p[inner, 0] = 0.0
        q[inner, 0] = 1.0
        for j in range(1, n - 1):
            den = a * p[inner, j - 1] + b
            p[inner, j] = -c / den
            q[inner, j] = (-d * u[j, :n - 2] + (1.0 + 2.0 * d) * u[j, inner]
                           - f * u[j, 2:] - a * q[inner, j - 1]) / den
        v[n - 1, inner] = 1.0
        for j in range(n - 2, 0, -1):
            v[j, inner] = p[inner, j] * v[j + 1, inner] + q[inner, j]
        # row sweep: one system per row i
        u[inner, 0] = 1.0
        p[inner, 0] = 0.0
        q[inner, 0] = 1.0
        for j in range(1, n - 1):
            den = d * p[inner, j - 1] + e
            p[inner, j] = -f / den
            q[inner, j] = (-a * v[:n - 2, j] + (1.0 + 2.0 * a) * v[inner, j]
                           - c * v[2:, j] - d * q[inner, j - 1]) / den
        u[inner, n - 1] = 1.0
        for j in range(n - 2, 0, -1):
            u[inner, j] = p[inner, j] * u[inner, j + 1] + q[inner, j]


def kernel_fdtd_2d(tmax, nx, ny, ex, ey, hz, fict):
    for t in range(tmax):
        ey[0, :] = fict[t]
        ey[1:, :] -= 0.5 * (hz[1:, :] - hz[:-1, :])
        ex[:, 1:] -= 0.5 * (hz[:, 1:] - hz[:, :-1])
        hz[:-1, :-1] -= 0.7 * (ex[:-1, 1:] - ex[:-1, :-1] + ey[1:, :-1] - ey[:-1, :-1])


def kernel_heat_3d(tsteps, n, A, B):
    def step(src, dst):
        c = src[1:-1, 1:-1, 1:-1]
        dst[1:-1, 1:-1, 1:-1] = (
            0.125 * (src[2:, 1:-1, 1:-1] - 2.0 * c + src[:-2, 1:-1, 1:-1])
            + 0.125 * (src[1:-1, 2:, 1:-1] - 2.0 * c + src[1:-1, :-2, 1:-1])
            + 0.125 * (src[1:-1, 1:-1, 2:] - 2.0 * c + src[1:-1, 1:-1, :-2])
            + c)

    for _ in range(tsteps):
        step(A, B)
        step(B, A)


def kernel_jacobi_1d(tsteps, n, A, B):
    for _ in range(tsteps):
        B[1:-1] = 0.33333 * (A[:-2] + A[1:-1] + A[2:])
        A[1:-1] = 0.33333 * (B[:-2] + B[1:-1] + B[2:])


def kernel_jacobi_2d(tsteps, n, A, B):
    for _ in range(tsteps):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] + B[2:, 1:-1] + B[:-2, 1:-1])


def kernel_seidel_2d(tsteps, n, A):
    # Points with equal 2*i + j have no dependence between them within one
    # sweep: every neighbour already updated has a smaller 2*i + j, every one
    # still old a larger one. Update those wavefronts one at a time.
    for _ in range(tsteps):
        for wave in range(3, 3 * (n - 2) + 1):
            lo = max(1, (wave - (n - 2) + 1) // 2)
            hi = min(n - 2, (wave - 1) // 2)
            if lo > hi:
                continue
            i = np.arange(lo, hi + 1)
            j = wave - 2 * i
            total = np.zeros(i.shape)
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    total += A[i + di, j + dj]
            A[i, j] = total / 9.0


REFERENCE = {
    "2mm": kernel_2mm,
    "3mm": kernel_3mm,
    "adi": kernel_adi,
    "atax": kernel_atax,
    "bicg": kernel_bicg,
    "cholesky": kernel_cholesky,
    "correlation": kernel_correlation,
    "covariance": kernel_covariance,
    "deriche": kernel_deriche,
    "doitgen": kernel_doitgen,
    "durbin": kernel_durbin,
    "fdtd-2d": kernel_fdtd_2d,
    "floyd-warshall": kernel_floyd_warshall,
    "gemm": kernel_gemm,
    "gemver": kernel_gemver,
    "gesummv": kernel_gesummv,
    "gramschmidt": kernel_gramschmidt,
    "heat-3d": kernel_heat_3d,
    "jacobi-1d": kernel_jacobi_1d,
    "jacobi-2d": kernel_jacobi_2d,
    "lu": kernel_lu,
    "ludcmp": kernel_ludcmp,
    "mvt": kernel_mvt,
    "nussinov": kernel_nussinov,
    "seidel-2d": kernel_seidel_2d,
    "symm": kernel_symm,
    "syr2k": kernel_syr2k,
    "syrk": kernel_syrk,
    "trisolv": kernel_trisolv,
    "trmm": kernel_trmm,
}
