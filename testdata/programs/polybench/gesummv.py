"""Scalar, vector and matrix multiplication: y := alpha*A*x + beta*B*x.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (gesummv).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"n": 30},
    "small": {"n": 90},
    "medium": {"n": 250},
    "large": {"n": 1300},
    "extralarge": {"n": 2800},
}


def init_array(n):
    alpha = 1.5
    beta = 1.2
    A = np.empty((n, n), dtype=np.float64)
    B = np.empty((n, n), dtype=np.float64)
    tmp = np.zeros(n, dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    y = np.zeros(n, dtype=np.float64)
    for i in range(n):
        x[i] = (i % n) / n
        for j in range(n):
            A[i, j] = ((i * j + 1) % n) / n
            B[i, j] = ((i * j + 2) % n) / n
    return alpha, beta, A, B, tmp, x, y


def kernel_gesummv(n, alpha, beta, A, B, tmp, x, y):
    for i in range(n):
        tmp[i] = 0.0
        y[i] = 0.0
        for j in range(n):
            tmp[i] = A[i, j] * x[j] + tmp[i]
            y[i] = B[i, j] * x[j] + y[i]
        y[i] = alpha * tmp[i] + beta * y[i]


def main():
    parser = argparse.ArgumentParser(description="gesummv benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    alpha, beta, A, B, tmp, x, y = init_array(n)
    kernel_gesummv(n, alpha, beta, A, B, tmp, x, y)
    np.savez(args.output, tmp=tmp, y=y)


if __name__ == "__main__":
    main()
