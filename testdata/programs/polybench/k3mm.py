"""Three matrix multiplications, G := (A*B)*(C*D).

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (3mm).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"ni": 16, "nj": 18, "nk": 20, "nl": 22, "nm": 24},
    "small": {"ni": 40, "nj": 50, "nk": 60, "nl": 70, "nm": 80},
    "medium": {"ni": 180, "nj": 190, "nk": 200, "nl": 210, "nm": 220},
    "large": {"ni": 800, "nj": 900, "nk": 1000, "nl": 1100, "nm": 1200},
    "extralarge": {"ni": 1600, "nj": 1800, "nk": 2000, "nl": 2200, "nm": 2400},
}


def init_array(ni, nj, nk, nl, nm):
    E = np.zeros((ni, nj), dtype=np.float64)
    A = np.empty((ni, nk), dtype=np.float64)
    B = np.empty((nk, nj), dtype=np.float64)
    F = np.zeros((nj, nl), dtype=np.float64)
    C = np.empty((nj, nm), dtype=np.float64)
    D = np.empty((nm, nl), dtype=np.float64)
    G = np.zeros((ni, nl), dtype=np.float64)
    for i in range(ni):
        for j in range(nk):
            A[i, j] = ((i * j + 1) % ni) / (5 * ni)
    for i in range(nk):
        for j in range(nj):
            B[i, j] = ((i * (j + 1) + 2) % nj) / (5 * nj)
    for i in range(nj):
        for j in range(nm):
            C[i, j] = (i * (j + 3) % nl) / (5 * nl)
    for i in range(nm):
        for j in range(nl):
            D[i, j] = ((i * (j + 2) + 2) % nk) / (5 * nk)
    return E, A, B, F, C, D, G


def kernel_3mm(ni, nj, nk, nl, nm, E, A, B, F, C, D, G):
    # E := A*B
    for i in range(ni):
        for j in range(nj):
            E[i, j] = 0.0
            for k in range(nk):
                E[i, j] += A[i, k] * B[k, j]
    # F := C*D
    for i in range(nj):
        for j in range(nl):
            F[i, j] = 0.0
            for k in range(nm):
                F[i, j] += C[i, k] * D[k, j]
    # G := E*F
    for i in range(ni):
        for j in range(nl):
            G[i, j] = 0.0
            for k in range(nj):
                G[i, j] += E[i, k] * F[k, j]


def main():
    parser = argparse.ArgumentParser(description="3mm benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    ni, nj, nk, nl, nm = sz["ni"], sz["nj"], sz["nk"], sz["nl"], sz["nm"]
    E, A, B, F, C, D, G = init_array(ni, nj, nk, nl, nm)
    kernel_3mm(ni, nj, nk, nl, nm, E, A, B, F, C, D, G)
    np.savez(args.output, E=E, F=F, G=G)


if __name__ == "__main__":
    main()
