"""Sizes NumPy computed: n = np.max(labels) + 1 is an np.int64, and bounds the loops as an
int does.

usage: npint_sizes.py CELLS STEPS [int]   (int: n passed as a Python int)"""
import sys

import numpy as np


def relax(n, steps, A, B):
    for t in range(steps):
        for i in range(1, n - 1):
            B[i] = 0.25 * A[i - 1] + 0.5 * A[i] + 0.25 * A[i + 1]
        for i in range(1, n - 1):
            A[i] = B[i]


def spread(n, w, u, C):
    for i in range(n):
        for j in range(n):
            C[i, j] = w * u[i] * u[j] + C[i, j]


if __name__ == "__main__":
    cells, steps = int(sys.argv[1]), int(sys.argv[2])
    labels = (np.arange(3 * cells) * 7) % cells
    n = np.max(labels) + 1
    if sys.argv[3:] == ["int"]:
        n = int(n)
    A = np.sin(np.arange(n) * 0.1)
    B = A.copy()
    relax(n, steps, A, B)
    C = np.ones((n, n))
    spread(n, np.float64(0.5), A, C)
    print(type(n).__name__, " ".join("%.17g" % v for v in (A.sum(), B.sum(), C.sum())))
