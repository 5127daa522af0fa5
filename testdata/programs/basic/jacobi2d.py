"""Jacobi 2-D five-point stencil, written as plain loops."""
import sys

import numpy as np


def init(n):
    A = np.zeros((n, n))
    B = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            A[i, j] = (i * (j + 2) + 2) / n
            B[i, j] = (i * (j + 3) + 3) / n
    return A, B


def jacobi_2d(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                B[i, j] = 0.2 * (A[i, j] + A[i, j - 1] + A[i, j + 1] + A[i + 1, j] + A[i - 1, j])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = 0.2 * (B[i, j] + B[i, j - 1] + B[i, j + 1] + B[i + 1, j] + B[i - 1, j])


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    A, B = init(n)
    jacobi_2d(steps, n, A, B)
    print("checksum %.6f" % A.sum())
