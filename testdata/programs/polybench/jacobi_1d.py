"""1-D Jacobi stencil, alternating between A and B.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (jacobi-1d).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tsteps": 20, "n": 30},
    "small": {"tsteps": 40, "n": 120},
    "medium": {"tsteps": 100, "n": 400},
    "large": {"tsteps": 500, "n": 2000},
    "extralarge": {"tsteps": 1000, "n": 4000},
}


def init_array(n):
    A = np.empty(n, dtype=np.float64)
    B = np.empty(n, dtype=np.float64)
    for i in range(n):
        A[i] = (i + 2) / n
        B[i] = (i + 3) / n
    return A, B


def kernel_jacobi_1d(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n - 1):
            B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1])
        for i in range(1, n - 1):
            A[i] = 0.33333 * (B[i - 1] + B[i] + B[i + 1])


def main():
    parser = argparse.ArgumentParser(description="jacobi-1d benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    tsteps, n = SIZES[args.size]["tsteps"], SIZES[args.size]["n"]
    A, B = init_array(n)
    kernel_jacobi_1d(tsteps, n, A, B)
    np.savez(args.output, A=A, B=B)


if __name__ == "__main__":
    main()
