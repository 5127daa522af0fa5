# difffuzz: seed=616 profile=6 sizes=3,10 numba=1
# found as mismatch: size 3: A[2]: 2534455365.9604034, emitted -1760511930.0395963 (1 of 9 elements differ)
import sys
import math

import numpy as np


def kernel(A, C, n, m):
    for i in range(2, n - 2):
        for j in range(2, m - 2):
            A[i] -= C[j, i]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    m = size + 5
    A = rng.random((n,)) + 0.5
    C = rng.integers(-1500000000, 1500000000, size=(m, n,)).astype(np.int32)
    out = {}
    kernel(A, C, n, m)
    out["A"] = A
    out["C"] = C
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
