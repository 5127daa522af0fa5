"""Matrix-vector products written as loops: untuned, the summing variant runs where its one
pass replaces two or more BLAS calls of the NumPy variant (two sums in each row, or one matrix
read for two products), from NUMBA_MATVEC_MIN elements; not for one product, whatever its
comments say, nor for products in nests of their own, nor for dot products of vectors, nor
for sums of no products, nor for matrix products.
"""
import argparse

import numpy as np


def rows(A, B, x, tmp, y):
    # gesummv: two sums a row.
    for i in range(A.shape[0]):
        tmp[i] = 0.0
        y[i] = 0.0
        for j in range(A.shape[1]):
            tmp[i] = A[i, j] * x[j] + tmp[i]
            y[i] = B[i, j] * x[j] + y[i]
        y[i] = 1.5 * tmp[i] + 0.5 * y[i]


def shared(A, s, q, p, r):
    # bicg: one pass over A for both products.
    for j in range(A.shape[1]):
        s[j] = 0.0
    for i in range(A.shape[0]):
        q[i] = 0.0
        for j in range(A.shape[1]):
            s[j] = s[j] + r[i] * A[i, j]
            q[i] = q[i] + A[i, j] * p[j]


def one(A, x, y):
    # one inner product per row: a single A @ x (the words "dot", "outer", "@" count for
    # nothing here)
    for i in range(A.shape[0]):
        y[i] = 0.0
        for j in range(A.shape[1]):
            y[i] += A[i, j] * x[j]


def apart(A, B, x, y, z):
    for i in range(A.shape[0]):
        y[i] = 0.0
        for j in range(A.shape[1]):
            y[i] += A[i, j] * x[j]
    for i in range(A.shape[0]):
        z[i] = 0.0
        for j in range(A.shape[1]):
            z[i] += B[i, j] * x[j]


def sums_apart(A, B, C, x, y, r, z, w):
    # Two sums a row, but of no products (NumPy sums them, no BLAS), and two products in
    # nests of their own.
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            y[i] += A[i, j]
            r[i] += 2.0 * A[i, j]
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            z[i] += B[i, j] * x[j]
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            w[i] += C[i, j] * x[j]


def no_product(A, s, q):
    # Row and column sums read in one pass; no dot here, nor any product to call BLAS for.
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            s[j] = s[j] + A[i, j]
            q[i] = q[i] + A[i, j]


def products(A, B, C, D, E, T):
    # Matrix products beside a cube of the same size (its rank is not the products' depth).
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            for k in range(A.shape[0]):
                C[i, j] += A[i, k] * B[k, j]
                D[i, j] += A[i, k] * E[k, j]
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            for k in range(A.shape[0]):
                T[i, j, k] = 2.0 * T[i, j, k]


def dots(a, b, c, s):
    for j in range(a.shape[0]):
        s[0] += a[j] * b[j]
    for j in range(a.shape[0]):
        s[1] += a[j] * c[j]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=12)
    p.add_argument("out", nargs="?")
    args = p.parse_args()
    n, m = args.n, args.n + 3
    rng = np.random.default_rng(n)
    A, B = rng.random((n, m)), rng.random((n, m))
    x, r = rng.random(m), rng.random(n)
    tmp, y, q, z = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    s = np.zeros(m)
    rows(A, B, x, tmp, y)
    shared(A, s, q, x, r)
    y1, z1 = np.zeros(n), np.zeros(n)
    one(A, x, y1)
    apart(A, B, x, y1, z1)
    d = np.zeros(2)
    dots(x, x[::-1].copy(), x * 2.0, d)
    C = rng.random((n, m))
    y2, r2, z2, w2 = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    sums_apart(A, B, C, x, y2, r2, z2, w2)
    s3, q3 = np.zeros(m), np.zeros(n)
    no_product(A, s3, q3)
    k = min(n, 40)  # the original's triple loops take seconds beyond
    S = [rng.random((k, k)) for _ in range(5)]
    T = rng.random((k, k, k))
    products(*S, T)
    if args.out:
        np.savez(args.out, tmp=tmp, y=y, s=s, q=q, y1=y1, z1=z1, d=d, y2=y2, r2=r2, z2=z2, w2=w2,
                 s3=s3, q3=q3, C=S[2], D=S[3], T=T)
    print("checksum %.6f" % (y.sum() + s.sum() + q.sum() + z1.sum() + d.sum()))


if __name__ == "__main__":
    main()
