# difffuzz: seed=523 profile=6 sizes=3,9 numba=0
# found as mismatch: size 3: C[2, 0]: 2.507983446121216, emitted 2.507983386516571 (5 of 81 elements differ)
import sys
import math

import numpy as np


def kernel(A, C, n):
    for j in range(2, n - 2):
        C[j, 0] = A[0] + j


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    A = (rng.random((n,)) + 0.5).astype(np.float32)
    C = rng.random((n, n,)) + 0.5
    out = {}
    kernel(A, C, n)
    out["A"] = A
    out["C"] = C
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
