"""Heat equation over a 3-D cube, explicit time stepping between A and B.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (heat-3d).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tsteps": 20, "n": 10},
    "small": {"tsteps": 40, "n": 20},
    "medium": {"tsteps": 100, "n": 40},
    "large": {"tsteps": 500, "n": 120},
    "extralarge": {"tsteps": 1000, "n": 200},
}


def init_array(n):
    A = np.empty((n, n, n), dtype=np.float64)
    B = np.empty((n, n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            for k in range(n):
                A[i, j, k] = B[i, j, k] = (i + j + (n - k)) * 10 / n
    return A, B


def kernel_heat_3d(tsteps, n, A, B):
    for t in range(1, tsteps + 1):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                for k in range(1, n - 1):
                    B[i, j, k] = (0.125 * (A[i + 1, j, k] - 2.0 * A[i, j, k] + A[i - 1, j, k])
                                  + 0.125 * (A[i, j + 1, k] - 2.0 * A[i, j, k] + A[i, j - 1, k])
                                  + 0.125 * (A[i, j, k + 1] - 2.0 * A[i, j, k] + A[i, j, k - 1])
                                  + A[i, j, k])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                for k in range(1, n - 1):
                    A[i, j, k] = (0.125 * (B[i + 1, j, k] - 2.0 * B[i, j, k] + B[i - 1, j, k])
                                  + 0.125 * (B[i, j + 1, k] - 2.0 * B[i, j, k] + B[i, j - 1, k])
                                  + 0.125 * (B[i, j, k + 1] - 2.0 * B[i, j, k] + B[i, j, k - 1])
                                  + B[i, j, k])


def main():
    parser = argparse.ArgumentParser(description="heat-3d benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    tsteps, n = SIZES[args.size]["tsteps"], SIZES[args.size]["n"]
    A, B = init_array(n)
    kernel_heat_3d(tsteps, n, A, B)
    np.savez(args.output, A=A, B=B)


if __name__ == "__main__":
    main()
