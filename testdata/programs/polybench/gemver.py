"""Vector multiplication and matrix addition (BLAS gemver).

    A := A + u1*v1' + u2*v2'
    x := beta*A'*y + z
    w := alpha*A*x

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (gemver).
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
    alpha = 1.5
    beta = 1.2
    fn = float(n)
    A = np.empty((n, n), dtype=np.float64)
    u1 = np.empty(n, dtype=np.float64)
    v1 = np.empty(n, dtype=np.float64)
    u2 = np.empty(n, dtype=np.float64)
    v2 = np.empty(n, dtype=np.float64)
    w = np.empty(n, dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    y = np.empty(n, dtype=np.float64)
    z = np.empty(n, dtype=np.float64)
    for i in range(n):
        u1[i] = i
        u2[i] = ((i + 1) / fn) / 2.0
        v1[i] = ((i + 1) / fn) / 4.0
        v2[i] = ((i + 1) / fn) / 6.0
        y[i] = ((i + 1) / fn) / 8.0
        z[i] = ((i + 1) / fn) / 9.0
        x[i] = 0.0
        w[i] = 0.0
        for j in range(n):
            A[i, j] = (i * j % n) / n
    return alpha, beta, A, u1, v1, u2, v2, w, x, y, z


def kernel_gemver(n, alpha, beta, A, u1, v1, u2, v2, w, x, y, z):
    for i in range(n):
        for j in range(n):
            A[i, j] = A[i, j] + u1[i] * v1[j] + u2[i] * v2[j]

    for i in range(n):
        for j in range(n):
            x[i] = x[i] + beta * A[j, i] * y[j]

    for i in range(n):
        x[i] = x[i] + z[i]

    for i in range(n):
        for j in range(n):
            w[i] = w[i] + alpha * A[i, j] * x[j]


def main():
    parser = argparse.ArgumentParser(description="gemver benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    alpha, beta, A, u1, v1, u2, v2, w, x, y, z = init_array(n)
    kernel_gemver(n, alpha, beta, A, u1, v1, u2, v2, w, x, y, z)
    np.savez(args.output, A=A, w=w, x=x)


if __name__ == "__main__":
    main()
