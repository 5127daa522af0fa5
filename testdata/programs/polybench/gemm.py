"""Generalized matrix multiply, C := alpha*A*B + beta*C.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (gemm).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"ni": 20, "nj": 25, "nk": 30},
    "small": {"ni": 60, "nj": 70, "nk": 80},
    "medium": {"ni": 200, "nj": 220, "nk": 240},
    "large": {"ni": 1000, "nj": 1100, "nk": 1200},
    "extralarge": {"ni": 2000, "nj": 2300, "nk": 2600},
}


def init_array(ni, nj, nk):
    alpha = 1.5
    beta = 1.2
    C = np.empty((ni, nj), dtype=np.float64)
    A = np.empty((ni, nk), dtype=np.float64)
    B = np.empty((nk, nj), dtype=np.float64)
    for i in range(ni):
        for j in range(nj):
            C[i, j] = ((i * j + 1) % ni) / ni
    for i in range(ni):
        for j in range(nk):
            A[i, j] = (i * (j + 1) % nk) / nk
    for i in range(nk):
        for j in range(nj):
            B[i, j] = (i * (j + 2) % nj) / nj
    return alpha, beta, C, A, B


def kernel_gemm(alpha, beta, C, A, B):
    ni, nk = A.shape
    nj = B.shape[1]
    for i in range(ni):
        for j in range(nj):
            C[i, j] *= beta
        for k in range(nk):
            for j in range(nj):
                C[i, j] += alpha * A[i, k] * B[k, j]


def main():
    parser = argparse.ArgumentParser(description="gemm benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    alpha, beta, C, A, B = init_array(sz["ni"], sz["nj"], sz["nk"])
    kernel_gemm(alpha, beta, C, A, B)
    np.savez(args.output, C=C)


if __name__ == "__main__":
    main()
