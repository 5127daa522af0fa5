# difffuzz: seed=31 profile=6 sizes=3,8 numba=0
# found as pyparc-panic: panic: runtime error: invalid memory address or nil pointer dereference
import sys
import math

import numpy as np


def kernel(B, n):
    for i in range(2, n - 2):
        t0 = B[n - 1 - i, 0]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 4
    B = rng.random((n, n,)) + 0.5
    out = {}
    kernel(B, n)
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
