# difffuzz: seed=83 profile=6 sizes=2,7 numba=0
# found as mismatch: size 2: E[0]: 0.582735570997012, emitted 0.5827355746402317 (1 of 8 elements differ)
import sys
import math

import numpy as np


def kernel(B, E, n, m, p):
    for j in range(2, n - 2):
        E[0] *= B[0, 0]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 5
    m = size + 7
    p = size + 6
    B = (rng.random((m, n,)) + 0.5).astype(np.float32)
    E = rng.random((p,)) + 0.5
    out = {}
    kernel(B, E, n, m, p)
    out["B"] = B
    out["E"] = E
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
