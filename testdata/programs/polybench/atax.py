"""Matrix transpose and vector multiplication, y := A'*(A*x).

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (atax).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"m": 38, "n": 42},
    "small": {"m": 116, "n": 124},
    "medium": {"m": 390, "n": 410},
    "large": {"m": 1900, "n": 2100},
    "extralarge": {"m": 1800, "n": 2200},
}


def init_array(m, n):
    fn = float(n)
    A = np.empty((m, n), dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    y = np.zeros(n, dtype=np.float64)
    tmp = np.zeros(m, dtype=np.float64)
    for i in range(n):
        x[i] = 1 + (i / fn)
    for i in range(m):
        for j in range(n):
            A[i, j] = ((i + j) % n) / (5 * m)
    return A, x, y, tmp


def kernel_atax(m, n, A, x, y, tmp):
    for i in range(n):
        y[i] = 0.0
    for i in range(m):
        tmp[i] = 0.0
        for j in range(n):
            tmp[i] = tmp[i] + A[i, j] * x[j]
        for j in range(n):
            y[j] = y[j] + A[i, j] * tmp[i]


def main():
    parser = argparse.ArgumentParser(description="atax benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    A, x, y, tmp = init_array(m, n)
    kernel_atax(m, n, A, x, y, tmp)
    np.savez(args.output, y=y, tmp=tmp)


if __name__ == "__main__":
    main()
