# difffuzz: seed=100 profile=6 sizes=4,8 numba=1
# found as mismatch: size 4: B[2, 2, 2]: 3.694528102874756, emitted 3.694528049465325 (7 of 1331 elements differ)
import sys
import math

import numpy as np


def kernel(B, n, alpha):
    for i in range(2, n - 2):
        B[i, i, i] = math.exp(2.0) * alpha


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 7
    B = rng.random((n, n, n,)) + 0.5
    out = {}
    kernel(B, n, np.float32(0.5))
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
