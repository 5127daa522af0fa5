"""BiCG sub-kernel of the BiCGStab linear solver: s := A'*r, q := A*p.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (bicg).
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
    A = np.empty((n, m), dtype=np.float64)
    s = np.zeros(m, dtype=np.float64)
    q = np.zeros(n, dtype=np.float64)
    p = np.empty(m, dtype=np.float64)
    r = np.empty(n, dtype=np.float64)
    for i in range(m):
        p[i] = (i % m) / m
    for i in range(n):
        r[i] = (i % n) / n
        for j in range(m):
            A[i, j] = (i * (j + 1) % n) / n
    return A, s, q, p, r


def kernel_bicg(m, n, A, s, q, p, r):
    for i in range(m):
        s[i] = 0.0
    for i in range(n):
        q[i] = 0.0
        for j in range(m):
            s[j] = s[j] + r[i] * A[i, j]
            q[i] = q[i] + A[i, j] * p[j]


def main():
    parser = argparse.ArgumentParser(description="bicg benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    A, s, q, p, r = init_array(m, n)
    kernel_bicg(m, n, A, s, q, p, r)
    np.savez(args.output, s=s, q=q)


if __name__ == "__main__":
    main()
