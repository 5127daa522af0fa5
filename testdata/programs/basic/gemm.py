"""Dense matrix multiply, C = alpha*A*B + beta*C, written as plain loops."""
import argparse

import numpy as np


def init(ni, nj, nk):
    A = np.empty((ni, nk))
    B = np.empty((nk, nj))
    C = np.empty((ni, nj))
    for i in range(ni):
        for k in range(nk):
            A[i, k] = ((i * (k + 1)) % nk) / nk
    for k in range(nk):
        for j in range(nj):
            B[k, j] = ((k * (j + 2)) % nj) / nj
    for i in range(ni):
        for j in range(nj):
            C[i, j] = ((i * j + 1) % ni) / ni
    return 1.5, 1.2, C, A, B


def gemm(alpha, beta, C, A, B, ni, nj, nk):
    for i in range(ni):
        for j in range(nj):
            C[i, j] *= beta
        for k in range(nk):
            for j in range(nj):
                C[i, j] += alpha * A[i, k] * B[k, j]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("out", nargs="?")
    args = p.parse_args()
    ni, nj, nk = args.n, args.n + 2, args.n + 4
    alpha, beta, C, A, B = init(ni, nj, nk)
    for _ in range(args.repeat):
        gemm(alpha, beta, C, A, B, ni, nj, nk)
    if args.out:
        np.savez(args.out, C=C)
    print("checksum %.6f" % C.sum())


if __name__ == "__main__":
    main()
