"""2-D Jacobi stencil (5 points), alternating between A and B.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (jacobi-2d).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tsteps": 20, "n": 30},
    "small": {"tsteps": 40, "n": 90},
    "medium": {"tsteps": 100, "n": 250},
    "large": {"tsteps": 500, "n": 1300},
    "extralarge": {"tsteps": 1000, "n": 2800},
}


def init_array(n):
    A = np.empty((n, n), dtype=np.float64)
    B = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            A[i, j] = (i * (j + 2) + 2) / n
            B[i, j] = (i * (j + 3) + 3) / n
    return A, B


def kernel_jacobi_2d(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                B[i, j] = 0.2 * (A[i, j] + A[i, j - 1] + A[i, 1 + j] + A[1 + i, j] + A[i - 1, j])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = 0.2 * (B[i, j] + B[i, j - 1] + B[i, 1 + j] + B[1 + i, j] + B[i - 1, j])


def main():
    parser = argparse.ArgumentParser(description="jacobi-2d benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    tsteps, n = SIZES[args.size]["tsteps"], SIZES[args.size]["n"]
    A, B = init_array(n)
    kernel_jacobi_2d(tsteps, n, A, B)
    np.savez(args.output, A=A, B=B)


if __name__ == "__main__":
    main()
