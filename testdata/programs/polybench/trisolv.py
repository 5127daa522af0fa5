"""Triangular solver, L*x = b by forward substitution.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (trisolv).
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
    L = np.zeros((n, n), dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    b = np.empty(n, dtype=np.float64)
    for i in range(n):
        x[i] = -999.0
        b[i] = i
        for j in range(i + 1):
            L[i, j] = (i + n - j + 1) * 2 / n
    return L, x, b


def kernel_trisolv(n, L, x, b):
    for i in range(n):
        x[i] = b[i]
        for j in range(i):
            x[i] -= L[i, j] * x[j]
        x[i] = x[i] / L[i, i]


def main():
    parser = argparse.ArgumentParser(description="trisolv benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    L, x, b = init_array(n)
    kernel_trisolv(n, L, x, b)
    np.savez(args.output, x=x)


if __name__ == "__main__":
    main()
