"""Triangular matrix multiply, B := alpha*A'*B with A unit lower triangular.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (trmm).
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
    A = np.zeros((m, m), dtype=np.float64)
    B = np.empty((m, n), dtype=np.float64)
    for i in range(m):
        for j in range(i):
            A[i, j] = ((i + j) % m) / m
        A[i, i] = 1.0
        for j in range(n):
            B[i, j] = ((n + (i - j)) % n) / n
    return alpha, A, B


def kernel_trmm(m, n, alpha, A, B):
    for i in range(m):
        for j in range(n):
            for k in range(i + 1, m):
                B[i, j] += A[k, i] * B[k, j]
            B[i, j] = alpha * B[i, j]


def main():
    parser = argparse.ArgumentParser(description="trmm benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    alpha, A, B = init_array(m, n)
    kernel_trmm(m, n, alpha, A, B)
    np.savez(args.output, B=B)


if __name__ == "__main__":
    main()
