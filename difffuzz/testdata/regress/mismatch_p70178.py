# difffuzz: seed=178 profile=6 sizes=3,8 numba=1
# found as mismatch: size 3: saved arrays ['A', 'B'], emitted ['A', 'B', 'e0']
import sys
import math

import numpy as np


def kernel(A, B, n):
    for i in range(2, n - 2):
        for j in range(2, n - 2):
            B[i] += A[j]


def run(size, seed):
    rng = np.random.default_rng(seed)
    n = size + 6
    A = rng.random((n,)) + 0.5
    B = rng.random((n,)) + 0.5 + 1j * (rng.random((n,)) - 0.5)
    out = {}
    try:
        kernel(A, B, n)
    except (TypeError, ValueError, RuntimeError) as e:
        out["e0"] = np.asarray(type(e).__name__)
    out["A"] = A
    out["B"] = B
    return out


if __name__ == "__main__":
    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))
