"""LU decomposition followed by forward and backward substitution, A*x = b.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (ludcmp).
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
    fn = float(n)
    A = np.empty((n, n), dtype=np.float64)
    b = np.empty(n, dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    y = np.empty(n, dtype=np.float64)
    for i in range(n):
        x[i] = 0.0
        y[i] = 0.0
        b[i] = (i + 1) / fn / 2.0 + 4
    for i in range(n):
        for j in range(i + 1):
            A[i, j] = -j / n + 1
        for j in range(i + 1, n):
            A[i, j] = 0.0
        A[i, i] = 1.0
    # make the matrix positive semi-definite: A := A * A' (as for cholesky)
    B = np.zeros((n, n), dtype=np.float64)
    for t in range(n):
        B += np.outer(A[:, t], A[:, t])
    A[:, :] = B
    return A, b, x, y


def kernel_ludcmp(n, A, b, x, y):
    for i in range(n):
        for j in range(i):
            w = A[i, j]
            for k in range(j):
                w -= A[i, k] * A[k, j]
            A[i, j] = w / A[j, j]
        for j in range(i, n):
            w = A[i, j]
            for k in range(i):
                w -= A[i, k] * A[k, j]
            A[i, j] = w

    for i in range(n):
        w = b[i]
        for j in range(i):
            w -= A[i, j] * y[j]
        y[i] = w

    for i in range(n - 1, -1, -1):
        w = y[i]
        for j in range(i + 1, n):
            w -= A[i, j] * x[j]
        x[i] = w / A[i, i]


def main():
    parser = argparse.ArgumentParser(description="ludcmp benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    A, b, x, y = init_array(n)
    kernel_ludcmp(n, A, b, x, y)
    np.savez(args.output, A=A, x=x, y=y)


if __name__ == "__main__":
    main()
