# difffuzz: seed=100 profile=6 sizes=3,9 numba=1
# found as mismatch: size 9: A[0, 0]: 855.0366821289062, emitted 855.0367431640625 (1 of 256 elements differ)
import sys
import math

import numpy as np


def kernel(A, B, C, D, n):
    for i in range(2, n - 2):
        a0 = 0.0
        for k in range(2, n - 2):
            a0 += np.sqrt(np.abs(D[i]))
        A[0, 0] = a0


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 7
    A = rng.random((n, n,)) + 0.5
    B = rng.random((n, n,)) + 0.5
    C = (rng.random((n,)) + 0.5).astype(np.float32)
    D = rng.integers(-20000, 20000, size=(n,)).astype(np.int16)
    out = {}
    kernel(A, B, C, D, n)
    out["A"] = A
    out["B"] = B
    out["C"] = C
    out["D"] = D
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
