"""Jacobi 2-D stencil, loop form and NumPy slice form."""
import numpy as np


def kernel_jacobi_2d(tsteps, n, A, B):
    for t in range(0, tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                B[i, j] = 0.2 * (A[i, j] + A[i, j - 1] + A[i, 1 + j] + A[1 + i, j] + A[i - 1, j])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = 0.2 * (B[i, j] + B[i, j - 1] + B[i, 1 + j] + B[1 + i, j] + B[i - 1, j])


def kernel_jacobi_2d_numpy(tsteps, n, A, B):
    for t in range(tsteps):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:]
                               + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:]
                               + B[2:, 1:-1] + B[:-2, 1:-1])
    return A[::2, ...], B[..., ::-1]


n = 1_000
A = np.fromfunction(lambda i, j: i * (j + 2) / n, (n, n))
B = A.copy()
kernel_jacobi_2d(20, n, A, B)
