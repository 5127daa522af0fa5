"""Two 1-D sweeps in one function, each a band of two for isl: the dispatcher takes the tiled
wavefronts when either nest's grid of tiles is wide enough.

usage: two_sweeps.py N M T S"""
import sys
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def sweeps(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"],
           C: Annotated[NDArray[np.float64], "M"], D: Annotated[NDArray[np.float64], "M"], T: int, S: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.25 * A[i - 1] + 0.5 * A[i] + 0.25 * A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.25 * B[i - 1] + 0.5 * B[i] + 0.25 * B[i + 1]
    for s in range(S):
        for i in range(1, C.shape[0] - 1):
            D[i] = 0.5 * (C[i - 1] + C[i + 1])
        for i in range(1, C.shape[0] - 1):
            C[i] = 0.5 * (D[i - 1] + D[i + 1])


if __name__ == "__main__":
    n, m, steps, sweeps_ = (int(v) for v in sys.argv[1:5])
    A = np.sin(np.arange(n) * 0.1)
    C = np.cos(np.arange(m) * 0.2)
    B, D = A.copy(), C.copy()
    sweeps(A, B, C, D, steps, sweeps_)
    print(" ".join("%.17g" % v for v in (A.sum(), B.sum(), C.sum(), D.sum())))
