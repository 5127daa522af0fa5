# difffuzz: seed=95 profile=6 sizes=2,10 numba=0
# found as mismatch: size 2: D[0, 0, 3]: 1.3537013530731201, emitted 1.3537013232707977 (2 of 448 elements differ)
import sys
import math

import numpy as np


def kernel(C, D, n, m, p):
    for i in range(2, m - 2):
        D[0, 0, i] = 1 - min(D[0, 0, 0], C[i])
    for i in range(2, n - 2):
        for k in range(2, m - 2):
            C[k] = D[i, 0, k] - 1


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    m = size + 5
    p = size + 7
    C = (rng.random((m,)) + 0.5).astype(np.float32)
    D = rng.random((n, n, m,)) + 0.5
    out = {}
    kernel(C, D, n, m, p)
    kernel(C, D, n, m, p)
    out["C"] = C
    out["D"] = D
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
