"""Multiresolution analysis kernel (MADNESS): A[r, q, :] := A[r, q, :] * C4.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (doitgen).
The PolyBench size NP is called n_p here, and the work vector sum is sum_.
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"nr": 10, "nq": 8, "n_p": 12},
    "small": {"nr": 25, "nq": 20, "n_p": 30},
    "medium": {"nr": 50, "nq": 40, "n_p": 60},
    "large": {"nr": 150, "nq": 140, "n_p": 160},
    "extralarge": {"nr": 250, "nq": 220, "n_p": 270},
}


def init_array(nr, nq, n_p):
    A = np.empty((nr, nq, n_p), dtype=np.float64)
    C4 = np.empty((n_p, n_p), dtype=np.float64)
    sum_ = np.zeros(n_p, dtype=np.float64)
    for i in range(nr):
        for j in range(nq):
            for k in range(n_p):
                A[i, j, k] = ((i * j + k) % n_p) / n_p
    for i in range(n_p):
        for j in range(n_p):
            C4[i, j] = (i * j % n_p) / n_p
    return A, C4, sum_


def kernel_doitgen(nr, nq, n_p, A, C4, sum_):
    for r in range(nr):
        for q in range(nq):
            for p in range(n_p):
                sum_[p] = 0.0
                for s in range(n_p):
                    sum_[p] += A[r, q, s] * C4[s, p]
            for p in range(n_p):
                A[r, q, p] = sum_[p]


def main():
    parser = argparse.ArgumentParser(description="doitgen benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    nr, nq, n_p = sz["nr"], sz["nq"], sz["n_p"]
    A, C4, sum_ = init_array(nr, nq, n_p)
    kernel_doitgen(nr, nq, n_p, A, C4, sum_)
    np.savez(args.output, A=A, sum_=sum_)


if __name__ == "__main__":
    main()
