"""Two matrix multiplications, D := alpha*A*B*C + beta*D.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (2mm).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"ni": 16, "nj": 18, "nk": 22, "nl": 24},
    "small": {"ni": 40, "nj": 50, "nk": 70, "nl": 80},
    "medium": {"ni": 180, "nj": 190, "nk": 210, "nl": 220},
    "large": {"ni": 800, "nj": 900, "nk": 1100, "nl": 1200},
    "extralarge": {"ni": 1600, "nj": 1800, "nk": 2200, "nl": 2400},
}


def init_array(ni, nj, nk, nl):
    alpha = 1.5
    beta = 1.2
    tmp = np.zeros((ni, nj), dtype=np.float64)
    A = np.empty((ni, nk), dtype=np.float64)
    B = np.empty((nk, nj), dtype=np.float64)
    C = np.empty((nj, nl), dtype=np.float64)
    D = np.empty((ni, nl), dtype=np.float64)
    for i in range(ni):
        for j in range(nk):
            A[i, j] = ((i * j + 1) % ni) / ni
    for i in range(nk):
        for j in range(nj):
            B[i, j] = (i * (j + 1) % nj) / nj
    for i in range(nj):
        for j in range(nl):
            C[i, j] = ((i * (j + 3) + 1) % nl) / nl
    for i in range(ni):
        for j in range(nl):
            D[i, j] = (i * (j + 2) % nk) / nk
    return alpha, beta, tmp, A, B, C, D


def kernel_2mm(ni, nj, nk, nl, alpha, beta, tmp, A, B, C, D):
    # D := alpha*A*B*C + beta*D
    for i in range(ni):
        for j in range(nj):
            tmp[i, j] = 0.0
            for k in range(nk):
                tmp[i, j] += alpha * A[i, k] * B[k, j]
    for i in range(ni):
        for j in range(nl):
            D[i, j] *= beta
            for k in range(nj):
                D[i, j] += tmp[i, k] * C[k, j]


def main():
    parser = argparse.ArgumentParser(description="2mm benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    ni, nj, nk, nl = sz["ni"], sz["nj"], sz["nk"], sz["nl"]
    alpha, beta, tmp, A, B, C, D = init_array(ni, nj, nk, nl)
    kernel_2mm(ni, nj, nk, nl, alpha, beta, tmp, A, B, C, D)
    np.savez(args.output, tmp=tmp, D=D)


if __name__ == "__main__":
    main()
