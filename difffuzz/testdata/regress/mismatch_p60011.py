# difffuzz: seed=11 profile=6 sizes=4,9 numba=0
# found as mismatch: size 9: A[0, 0]: 29.577259063720703, emitted 29.5772647857666 (1 of 224 elements differ)
import sys
import math

import numpy as np


def kernel(A, B, C, D, E, n, m):
    p = A.shape[0]
    s0 = 0
    for i in range(2, m - 2, 2):
        for j in range(2, i + 1, 2):
            B[0] += -1.5
        A[0, 0] = D[0]
    for i in range(2, m - 3):
        for j in range(i + 1, m - 3):
            D[0] += E[j]
    return s0


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    m = size + 4
    p = size + 7
    A = rng.random((p, n,)) + 0.5
    B = (rng.random((p,)) + 0.5).astype(np.float32)
    C = (rng.random((p,)) + 0.5).astype(np.float32)
    D = (rng.random((p,)) + 0.5).astype(np.float32)
    E = rng.random((m,)) + 0.5
    out = {}
    out["r0"] = np.asarray(kernel(A, B, C, D, E, n, m))
    out["r1"] = np.asarray(kernel(A, B, C, B, E, n, m))
    out["r2"] = np.asarray(kernel(A, B, C, D, E, n, m))
    out["A"] = A
    out["B"] = B
    out["C"] = C
    out["D"] = D
    out["E"] = E
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
