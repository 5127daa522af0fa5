"""Symmetric rank-k update, C := alpha*A*A' + beta*C (lower triangle).

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (syrk).
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


def init_array(n, m):
    alpha = 1.5
    beta = 1.2
    C = np.empty((n, n), dtype=np.float64)
    A = np.empty((n, m), dtype=np.float64)
    for i in range(n):
        for j in range(m):
            A[i, j] = ((i * j + 1) % n) / n
    for i in range(n):
        for j in range(n):
            C[i, j] = ((i * j + 2) % m) / m
    return alpha, beta, C, A


def kernel_syrk(n, m, alpha, beta, C, A):
    for i in range(n):
        for j in range(i + 1):
            C[i, j] *= beta
        for k in range(m):
            for j in range(i + 1):
                C[i, j] += alpha * A[i, k] * A[j, k]


def main():
    parser = argparse.ArgumentParser(description="syrk benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n, m = SIZES[args.size]["n"], SIZES[args.size]["m"]
    alpha, beta, C, A = init_array(n, m)
    kernel_syrk(n, m, alpha, beta, C, A)
    np.savez(args.output, C=C)


if __name__ == "__main__":
    main()
