# difffuzz: seed=136 profile=6 sizes=0,10 numba=1
# found as mismatch: size 10: A[6, 1]: 1.2213677185171639, emitted 1.2213677242932426 (37 of 225 elements differ)
import sys
import math

import numpy as np


def kernel(A, B, alpha, beta):
    s0 = 0.0
    for i in range(2, A.shape[0] - 2):
        for j in range(2, A.shape[0] - 4):
            if i - 1 == A.shape[0] - 4 or i > 5:
                A[i, j - 1] = A[i, j - 1] + (math.exp(-abs((-1.5) * math.exp(-abs(B[A.shape[0] - 1 - j, A.shape[0] - 1 - i])))) * math.exp(-abs(1.0)))
            else:
                B[j, j] += np.sqrt(np.abs(B[j - 1, j])) - ((-B[A.shape[0] - 1 - i, i]) + (B[i, i] + B[i - 2, i - 2]))
            B[i - 1, i - 2] += np.sqrt(np.abs(B[A.shape[0] - 1 - i, i]))
        A[i, A.shape[0] - 1 - i] = np.sqrt(np.abs(np.sqrt(np.abs(A[i, i]))))
    return s0


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    A = rng.random((n, n,)) + 0.5
    B = (rng.random((n, n,)) + 0.5).astype(np.float32)
    out = {}
    out["r0"] = np.asarray(kernel(A, B, 1.25, np.float32(0.5)))
    out["A"] = A
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
