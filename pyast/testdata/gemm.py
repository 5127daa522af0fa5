# PolyBench gemm in plain loop style: C := alpha*A*B + beta*C
import numpy as np


def kernel_gemm(ni, nj, nk, alpha, beta, C, A, B):
    for i in range(ni):
        for j in range(nj):
            C[i, j] *= beta
        for k in range(nk):
            for j in range(nj):
                C[i, j] += alpha * A[i, k] * B[k, j]


def init_array(ni, nj, nk):
    alpha = 1.5
    beta = 1.2
    C = np.empty((ni, nj), dtype=np.float64)
    A = np.empty((ni, nk), dtype=np.float64)
    B = np.empty((nk, nj), dtype=np.float64)
    for i in range(ni):
        for j in range(nj):
            C[i][j] = ((i * j + 1) % ni) / ni
    for i in range(ni):
        for k in range(nk):
            A[i][k] = (i * (k + 1) % nk) / nk
    for k in range(nk):
        for j in range(nj):
            B[k][j] = (k * (j + 2) % nj) / nj
    return alpha, beta, C, A, B


if __name__ == "__main__":
    ni, nj, nk = 200, 220, 240
    alpha, beta, C, A, B = init_array(ni, nj, nk)
    kernel_gemm(ni, nj, nk, alpha, beta, C, A, B)
    print(C.sum())
