# difffuzz: seed=155 profile=6 sizes=3,10 numba=0
# found as mismatch: size 3: C[5]: 1.3054622607051478, emitted 0.08096172620551667 (2 of 9 elements differ)
import sys
import math

import numpy as np


def kernel(C, n, m, p):
    for i in range(2, m - 2):
        C[i] -= C[m - 1 - i]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    m = size + 6
    p = size + 7
    C = rng.random((m,)) + 0.5
    out = {}
    kernel(C, n, m, p)
    out["C"] = C
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
