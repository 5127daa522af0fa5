"""Symmetric matrix multiply, C := alpha*A*B + beta*C with A symmetric.

Only the lower triangle of A is referenced (BLAS SIDE='L', UPLO='L').
Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (symm).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"m": 20, "n": 30},
    "small": {"m": 60, "n": 80},
    "medium": {"m": 200, "n": 240},
    "large": {"m": 1000, "n": 1200},
    "extralarge": {"m": 2000, "n": 2600},
}


def init_array(m, n):
    alpha = 1.5
    beta = 1.2
    C = np.empty((m, n), dtype=np.float64)
    A = np.empty((m, m), dtype=np.float64)
    B = np.empty((m, n), dtype=np.float64)
    for i in range(m):
        for j in range(n):
            C[i, j] = ((i + j) % 100) / m
            B[i, j] = ((n + i - j) % 100) / m
    for i in range(m):
        for j in range(i + 1):
            A[i, j] = ((i + j) % 100) / m
        for j in range(i + 1, m):
            A[i, j] = -999.0  # never read by the kernel
    return alpha, beta, C, A, B


def kernel_symm(m, n, alpha, beta, C, A, B):
    for i in range(m):
        for j in range(n):
            temp2 = 0.0
            for k in range(i):
                C[k, j] += alpha * B[i, j] * A[i, k]
                temp2 += B[k, j] * A[i, k]
            C[i, j] = beta * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * temp2


def main():
    parser = argparse.ArgumentParser(description="symm benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    alpha, beta, C, A, B = init_array(m, n)
    kernel_symm(m, n, alpha, beta, C, A, B)
    np.savez(args.output, C=C)


if __name__ == "__main__":
    main()
