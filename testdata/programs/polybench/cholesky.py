"""Cholesky decomposition, A = L*L', L stored in the lower triangle of A.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (cholesky).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"n": 40},
    "small": {"n": 120},
    "medium": {"n": 400},
    "large": {"n": 2000},
    "extralarge": {"n": 4000},
}


def init_array(n):
    A = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1):
            A[i, j] = -j / n + 1
        for j in range(i + 1, n):
            A[i, j] = 0.0
        A[i, i] = 1.0
    # make the matrix positive semi-definite: A := A * A'
    B = np.zeros((n, n), dtype=np.float64)
    for t in range(n):
        B += np.outer(A[:, t], A[:, t])
    A[:, :] = B
    return A


def kernel_cholesky(n, A):
    for i in range(n):
        # j < i
        for j in range(i):
            for k in range(j):
                A[i, j] -= A[i, k] * A[j, k]
            A[i, j] /= A[j, j]
        # i == j
        for k in range(i):
            A[i, i] -= A[i, k] * A[i, k]
        A[i, i] = np.sqrt(A[i, i])


def main():
    parser = argparse.ArgumentParser(description="cholesky benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    A = init_array(n)
    kernel_cholesky(n, A)
    np.savez(args.output, A=A)


if __name__ == "__main__":
    main()
