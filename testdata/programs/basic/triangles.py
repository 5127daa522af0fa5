"""Loops over triangles, and loops that carry only anti dependences, written as plain loops.

--bad puts an inf and a nan into the inputs: a masked matrix product would multiply them by
the zeros outside its triangle, which the loops never do.
"""
import argparse

import numpy as np


def init(n, m, bad):
    A = np.empty((n, n))
    B = np.empty((n, m))
    x = np.empty(n)
    t = np.empty(n)
    for i in range(n):
        for j in range(n):
            A[i, j] = ((i * (j + 3)) % n) / n - 0.5
        for j in range(m):
            B[i, j] = ((i + 2 * j) % m) / m
        x[i] = (i % 7) / 7.0
        t[i] = ((3 * i) % 5) / 5.0
    if bad and n > 2 and m > 1:
        B[n - 1, 0] = np.inf  # row n-1 is multiplied only by A's zeros in trmm's mask
        B[0, 1] = np.nan
        A[0, n - 1] = np.inf  # above the diagonal: outside trmm's triangle
    return A, B, x, t


def trmm(alpha, A, B):
    # B[i, j] is written after the later rows it reads: i carries anti dependences only.
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            for k in range(i + 1, A.shape[0]):
                B[i, j] += alpha * A[k, i] * B[k, j]
            B[i, j] = alpha * B[i, j]


def lower_product(A, B, C):
    # C += tril(A, -1) @ B: a reduction over k < i, with i parallel.
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            for k in range(i):
                C[i, j] += A[i, k] * B[k, j]


def upper_sums(A, x, y):
    # A sum that is no product: every term over the triangle j > i.
    for i in range(A.shape[0]):
        for j in range(i + 1, A.shape[0]):
            y[i] += A[j, i] + x[j]


def shift(x, t):
    # x[i] reads x[i + 1] before iteration i + 1 writes it: a forward anti dependence.
    for i in range(x.shape[0] - 1):
        x[i] = 0.5 * x[i + 1] + t[i]


def backward(x, y, t):
    # y[i] reads x[i + 1] before the first statement of iteration i + 1 writes it: running
    # each statement for all i in turn would read the new x, but running the second one
    # first keeps every dependence (Loop.Order).
    for i in range(x.shape[0] - 1):
        x[i] = t[i] * 2.0
        y[i] = x[i + 1] + 1.0


def symm(alpha, beta, C, A, B):
    # Row i of C, written by the last statement, is added to by the first in later
    # iterations: whole-array code runs the last one first. temp2 sums over a triangle and
    # A[i, i] is read along the diagonal.
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            temp2 = 0.0
            for k in range(i):
                C[k, j] += alpha * B[i, j] * A[i, k]
                temp2 += B[k, j] * A[i, k]
            C[i, j] = beta * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * temp2


def gram(G, B):
    # The upper triangle and its mirror: whole-array code computes the square instead.
    for i in range(G.shape[0]):
        for j in range(i, G.shape[0]):
            G[i, j] = 0.0
            for k in range(B.shape[1]):
                G[i, j] += B[i, k] * B[j, k]
            G[j, i] = G[i, j]


def skew(S, B):
    # Like gram, but B[i, 0] - B[j, 0] changes sign when i and j swap: it stays a triangle.
    for i in range(S.shape[0]):
        for j in range(i, S.shape[0]):
            S[i, j] = B[i, 0] - 2.0 * B[j, 0]
            S[j, i] = S[i, j]


def corr_like(R, B):
    # A strict triangle after a diagonal statement, as correlation's: the square's product,
    # with the diagonal put back (R[m - 1, m - 1] keeps its input value).
    for i in range(B.shape[1] - 1):
        R[i, i] = 1.0
        for j in range(i + 1, B.shape[1]):
            R[i, j] = 0.0
            for k in range(B.shape[0]):
                R[i, j] += B[k, i] * B[k, j]
            R[j, i] = R[i, j]


def strict_upper(U, B):
    # The strict triangle alone: the diagonal keeps its input values.
    for i in range(U.shape[0]):
        for j in range(i + 1, U.shape[0]):
            U[i, j] = B[i, 0] * B[j, 0] + 0.5
            U[j, i] = U[i, j]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=12)
    p.add_argument("--m", type=int, default=9)
    p.add_argument("--bad", action="store_true")
    p.add_argument("out", nargs="?")
    args = p.parse_args()
    A, B, x, t = init(args.n, args.m, args.bad)
    trmm(1.5, A, B)
    C = np.zeros((args.n, args.m))
    A2, B2, _, _ = init(args.n, args.m, args.bad)
    lower_product(A2, B2, C)
    y = np.zeros(args.n)
    upper_sums(A, x, y)
    shift(x, t)
    y2 = np.zeros(args.n)
    backward(t, y2, x)
    A3, B3, _, _ = init(args.n, args.m, args.bad)
    C3 = np.copy(B3[:, ::-1])
    symm(1.5, 1.2, C3, A3, B3)
    _, B4, _, _ = init(args.n, args.m, args.bad)
    G = np.full((args.n, args.n), 7.0)
    S = np.full((args.n, args.n), 7.0)
    with np.errstate(invalid="ignore"):  # --bad: inf * 0, whose warning names the line
        gram(G, B4)
        skew(S, B4)
        R = np.full((args.m, args.m), 7.0)
        corr_like(R, B4)
        U = np.full((args.n, args.n), 7.0)
        strict_upper(U, B4)
    if args.out:
        np.savez(args.out, A=A, B=B, C=C, x=x, y=y, t=t, y2=y2, C3=C3, G=G, S=S, R=R, U=U)
    with np.errstate(invalid="ignore"):
        print("checksum %.6f %.6f %.6f %.6f %.6f" % (np.nansum(B[np.isfinite(B)]), C[np.isfinite(C)].sum(), y[np.isfinite(y)].sum(), y2.sum(),
                                                C3[np.isfinite(C3)].sum()))


if __name__ == "__main__":
    main()
