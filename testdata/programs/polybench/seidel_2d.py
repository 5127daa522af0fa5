"""2-D Gauss-Seidel stencil (9 points), updated in place.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (seidel-2d).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tsteps": 20, "n": 40},
    "small": {"tsteps": 40, "n": 120},
    "medium": {"tsteps": 100, "n": 400},
    "large": {"tsteps": 500, "n": 2000},
    "extralarge": {"tsteps": 1000, "n": 4000},
}


def init_array(n):
    A = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            A[i, j] = (i * (j + 2) + 2) / n
    return A


def kernel_seidel_2d(tsteps, n, A):
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = (A[i - 1, j - 1] + A[i - 1, j] + A[i - 1, j + 1]
                           + A[i, j - 1] + A[i, j] + A[i, j + 1]
                           + A[i + 1, j - 1] + A[i + 1, j] + A[i + 1, j + 1]) / 9.0


def main():
    parser = argparse.ArgumentParser(description="seidel-2d benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    tsteps, n = SIZES[args.size]["tsteps"], SIZES[args.size]["n"]
    A = init_array(n)
    kernel_seidel_2d(tsteps, n, A)
    np.savez(args.output, A=A)


if __name__ == "__main__":
    main()
