"""Levinson-Durbin recursion: solve the Yule-Walker equations for r.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (durbin).
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
    r = np.empty(n, dtype=np.float64)
    y = np.zeros(n, dtype=np.float64)
    for i in range(n):
        r[i] = n + 1 - i
    return r, y


def kernel_durbin(n, r, y):
    z = np.zeros(n, dtype=np.float64)

    y[0] = -r[0]
    beta = 1.0
    alpha = -r[0]

    for k in range(1, n):
        beta = (1 - alpha * alpha) * beta
        s = 0.0
        for i in range(k):
            s += r[k - i - 1] * y[i]
        alpha = -(r[k] + s) / beta

        for i in range(k):
            z[i] = y[i] + alpha * y[k - i - 1]
        for i in range(k):
            y[i] = z[i]
        y[k] = alpha


def main():
    parser = argparse.ArgumentParser(description="durbin benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    r, y = init_array(n)
    kernel_durbin(n, r, y)
    np.savez(args.output, y=y)


if __name__ == "__main__":
    main()
