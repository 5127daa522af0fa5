# difffuzz: seed=65 profile=6 sizes=4,7 numba=0
# found as mismatch: size 4: A[3]: -2420690432.0, emitted 1477507712.0 (1 of 8 elements differ)
# (shrunk by hand: E[0], a float64 element, taken out of the sum of int32 elements)
import sys
import math

import numpy as np


def kernel(A, C, E, n, m):
    for i in range(2, n - 2):
        for j in range(2, m - 2):
            A[i] -= C[j, i] * E[0]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    m = size + 5
    A = rng.random((n,)) + 0.5
    C = rng.integers(-1500000000, 1500000000, size=(m, n,)).astype(np.int32)
    E = rng.random((n,)) + 0.5
    out = {}
    kernel(A, C, E, n, m)
    out["A"] = A
    out["C"] = C
    out["E"] = E
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
