# difffuzz: seed=215 profile=6 sizes=2,9 numba=0
# found as mismatch: size 2: C[2]: 4.456885534837226, emitted 4.45688533782959 (2 of 6 elements differ)
import sys
import math

import numpy as np


def kernel(A, C, n):
    for j in range(2, n - 2):
        C[j] = math.exp(A[j])


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 4
    A = (rng.random((n,)) + 0.5).astype(np.float32)
    C = rng.random((n,)) + 0.5
    out = {}
    kernel(A, C, n)
    out["A"] = A
    out["C"] = C
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
