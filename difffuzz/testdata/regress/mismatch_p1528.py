# difffuzz: seed=528 profile=6 sizes=4,7 numba=1
# found as mismatch: size 4: A[2, 2, 2]: 1.3409576416015625, emitted 1.3409575819969177 (3 of 1000 elements differ)
import sys
import math

import numpy as np


def kernel(A, B, n):
    for i in range(2, n - 2):
        A[i, i, i] = 0.5 + B[i, i]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    A = rng.random((n, n, n,)) + 0.5
    B = (rng.random((n, n,)) + 0.5).astype(np.float32)
    out = {}
    kernel(A, B, n)
    out["A"] = A
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
