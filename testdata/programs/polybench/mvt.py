"""Matrix vector product and transpose: x1 := x1 + A*y_1, x2 := x2 + A'*y_2.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (mvt).
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
    x1 = np.empty(n, dtype=np.float64)
    x2 = np.empty(n, dtype=np.float64)
    y_1 = np.empty(n, dtype=np.float64)
    y_2 = np.empty(n, dtype=np.float64)
    A = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        x1[i] = (i % n) / n
        x2[i] = ((i + 1) % n) / n
        y_1[i] = ((i + 3) % n) / n
        y_2[i] = ((i + 4) % n) / n
        for j in range(n):
            A[i, j] = (i * j % n) / n
    return x1, x2, y_1, y_2, A


def kernel_mvt(n, x1, x2, y_1, y_2, A):
    for i in range(n):
        for j in range(n):
            x1[i] = x1[i] + A[i, j] * y_1[j]
    for i in range(n):
        for j in range(n):
            x2[i] = x2[i] + A[j, i] * y_2[j]


def main():
    parser = argparse.ArgumentParser(description="mvt benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    x1, x2, y_1, y_2, A = init_array(n)
    kernel_mvt(n, x1, x2, y_1, y_2, A)
    np.savez(args.output, x1=x1, x2=x2)


if __name__ == "__main__":
    main()
