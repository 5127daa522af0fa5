# difffuzz: seed=283 profile=6 sizes=3,10 numba=0
# found as mismatch: size 3: B[5]: 2.915633797682351, emitted 2.020860241938195 (3 of 10 elements differ)
import sys
import math

import numpy as np


def kernel(B, n):
    for i in range(2, n - 2):
        B[i] += B[n - 1 - i]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 7
    B = rng.random((n,)) + 0.5
    out = {}
    kernel(B, n)
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
