"""Elementwise work over matrices with no matrix product (gemver's rank-1 updates): untuned,
large calls run the Numba variant, except in float32 (NumPy computes A * 1.1 in float32,
Numba in float64), where a loop nest has no Numba form, and where a matrix product exists.
"""
import argparse

import numpy as np

SCALE = 1.5


def rank1(A, u, v):
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            A[i, j] = A[i, j] + u[i] * v[j]


def rank1_f32(A, u, v):
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            A[i, j] = A[i, j] * 1.1 + u[i] * v[j]


def split(A, B, u, v):
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            B[i, j] = B[i, j] * SCALE
    print("", end="")
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            A[i, j] = A[i, j] + u[i] * v[j]


def product(A, B, C):
    for i in range(A.shape[0]):
        for j in range(A.shape[0]):
            C[i, j] = 2.0 * C[i, j]
            for k in range(A.shape[0]):
                C[i, j] += A[i, k] * B[k, j]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=12)
    p.add_argument("out", nargs="?")
    args = p.parse_args()
    n = args.n
    rng = np.random.default_rng(n)
    A = rng.random((n, n))
    B = rng.random((n, n))
    C = rng.random((n, n))
    u, v = rng.random(n), rng.random(n)
    A32, u32, v32 = A.astype(np.float32), u.astype(np.float32), v.astype(np.float32)
    rank1(A, u, v)
    rank1_f32(A32, u32, v32)
    A2 = B.copy()
    split(A2, B, u, v)
    if n <= 50:  # the original's loops would take seconds
        product(A, B, C)
    if args.out:
        np.savez(args.out, A=A, B=B, C=C, A32=A32, A2=A2)
    print("checksum %.6f" % (A.sum() + B.sum()))


if __name__ == "__main__":
    main()
