# difffuzz: seed=332 profile=6 sizes=2,7 numba=1
# found as mismatch: size 2: B[0, 2]: 2.4282952868681473, emitted 2.428295346472792 (3 of 42 elements differ)
import sys
import math

import numpy as np


def kernel(B, C, n, m):
    for i in range(2, m - 2):
        for j in range(2, n - 2):
            B[0, j] += np.abs(C[i])


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    m = size + 4
    B = rng.random((m, n,)) + 0.5
    C = (rng.random((m,)) + 0.5).astype(np.float32)
    out = {}
    kernel(B, C, n, m)
    out["B"] = B
    out["C"] = C
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
