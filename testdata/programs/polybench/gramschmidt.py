"""QR decomposition with modified Gram-Schmidt: A = Q*R.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (gramschmidt).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"m": 20, "n": 30},
    "small": {"m": 60, "n": 80},
    "medium": {"m": 200, "n": 240},
    "large": {"m": 1000, "n": 1200},
    "extralarge": {"m": 2000, "n": 2600},
}


def init_array(m, n):
    A = np.empty((m, n), dtype=np.float64)
    R = np.zeros((n, n), dtype=np.float64)
    Q = np.zeros((m, n), dtype=np.float64)
    for i in range(m):
        for j in range(n):
            A[i, j] = (((i * j) % m) / m) * 100 + 10
    return A, R, Q


def kernel_gramschmidt(m, n, A, R, Q):
    for k in range(n):
        nrm = 0.0
        for i in range(m):
            nrm += A[i, k] * A[i, k]
        R[k, k] = np.sqrt(nrm)
        for i in range(m):
            Q[i, k] = A[i, k] / R[k, k]
        for j in range(k + 1, n):
            R[k, j] = 0.0
            for i in range(m):
                R[k, j] += Q[i, k] * A[i, j]
            for i in range(m):
                A[i, j] = A[i, j] - Q[i, k] * R[k, j]


def main():
    parser = argparse.ArgumentParser(description="gramschmidt benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    A, R, Q = init_array(m, n)
    kernel_gramschmidt(m, n, A, R, Q)
    np.savez(args.output, A=A, R=R, Q=Q)


if __name__ == "__main__":
    main()
