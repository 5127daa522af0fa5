# difffuzz: seed=141 profile=6 sizes=4,7 numba=0
# found as mismatch: size 4: r0[]: 2480, emitted -63056 (1 of 1 elements differ)
import sys
import math

import numpy as np


def kernel(B, n):
    s0 = 0
    for j in range(2, n - 2):
        s0 += 1 + B[1, j]
    return s0


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    B = rng.integers(-20000, 20000, size=(n, n,)).astype(np.int16)
    out = {}
    out["r0"] = np.asarray(kernel(B, n))
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
