# difffuzz: seed=189 profile=6 sizes=1,7 numba=0
# found as mismatch: size 7: A[2]: 8.918863876927428, emitted 7.291363072022586 (1 of 12 elements differ)
import sys
import math

import numpy as np


def kernel(A, n, m):
    for j in range(2, n - 2):
        A[2] = A[2] + A[j - 2]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    m = size + 4
    A = rng.random((n,)) + 0.5
    out = {}
    kernel(A, n, m)
    out["A"] = A
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
