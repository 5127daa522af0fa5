"""1-D stencils stepped in time, which the numba_overlap variant runs as overlapped bands: each
thread steps a copy of its band of rows widened by the rows the band's values depend on, and
writes back the rows it owns. Every variant must print exactly what the original prints (the
same operations run on every element, in the same order) for every thread count and depth of
blocks (the test sets NUMBA_NUM_THREADS and PYPARC_OVERLAP_REGION): more threads than rows,
uneven bands, bands narrower than their ghost zones, an odd and an even number of blocks.
seidel, indexed, shaped and last_step are not overlapped: seidel's sweep carries a
dependence, indexed reads its row index as a value, shaped an array's extent (the band's copy
would have another), last_step the time loop's variable after it, and reported in an f-string (found by review: every
Numba variant raised UnboundLocalError there). guarded is, but its first
sweep's start is not known to be a row in (its read is conditional): found by review.

usage: stencils_1d.py"""
import hashlib
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def jacobi(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.33333 * (B[i - 1] + B[i] + B[i + 1])


def lopsided(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"],
             C: Annotated[NDArray[np.float64], "N"], w: Annotated[NDArray[np.float64], "M"], T: int) -> None:
    # Reads reach two rows before and one after, then one before and three after; C is read
    # by row and never written, w not by row.
    for t in range(T):
        for i in range(2, A.shape[0] - 1):
            B[i] = C[i] * A[i - 2] + w[0] * A[i + 1] - 0.5 * A[i]
        for i in range(1, A.shape[0] - 3):
            A[i] = 0.5 * B[i] + 0.25 * (B[i + 3] - B[i - 1])


def three(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"],
          C: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    # Three sweeps over different rows, one reaching no other row, from step 1.
    for t in range(1, T):
        for i in range(1, A.shape[0] - 1):
            B[i] = A[i - 1] - A[i + 1]
        for i in range(A.shape[0]):
            C[i] = 0.5 * (B[i] + C[i])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.3 * (C[i - 1] + C[i + 1])


def digits(A: Annotated[NDArray[np.int64], "N"], B: Annotated[NDArray[np.int64], "N"], T: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = (A[i - 1] + 2 * A[i] + A[i + 1]) % 1000
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i - 1] ^ B[i + 1]


def seidel(A: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            A[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0


def indexed(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = A[i - 1] + 0.001 * A[i + 1] * i
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.25 * B[i]


def shaped(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            if A.shape[0] > 30:
                B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1])


def last_step(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int) -> None:
    t = -1
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1])
    B[0] = t


def guarded(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int, lo: int) -> None:
    for t in range(T):
        for i in range(lo, A.shape[0] - 1):
            if lo >= 1:
                B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1]) + 0.1


def reported(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], T: int) -> str:
    for t in range(T):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1])
    return f"{t}:{i}"


def digest(*arrays):
    return hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()[:16]


if __name__ == "__main__":
    out = []
    for n in (3, 5, 37, 300):
        for T in (0, 1, 9, 40):
            x = np.sin(np.arange(n) * 0.37)
            A, B, C = x.copy(), np.cos(x), 0.5 + 0.25 * x
            w = np.linspace(-1.0, 1.0, max(T, 1))
            jacobi(A, B, T)
            out.append(digest(A, B))
            A, B = x.copy(), np.cos(x)
            lopsided(A, B, C, w, T)
            out.append(digest(A, B, C))
            A, B = x.copy(), np.cos(x)
            C = 0.5 + 0.25 * x
            three(A, B, C, T)
            out.append(digest(A, B, C))
            I, J = np.arange(n, dtype=np.int64) * 7919 % 1000, np.zeros(n, dtype=np.int64)
            digits(I, J, T)
            out.append(digest(I, J))
            A = x.copy()
            seidel(A, T)
            out.append(digest(A))
            A, B = x.copy(), np.cos(x)
            indexed(A, B, T)
            out.append(digest(A, B))
            for f in (shaped, last_step):
                A, B = x.copy(), np.cos(x)
                f(A, B, T)
                out.append(digest(A, B))
            if T > 0 and n > 2:
                A, B = x.copy(), np.cos(x)
                out.append(reported(A, B, T) + "/" + digest(A, B))
            for lo in (0, 2):
                A, B = x.copy(), np.cos(x)
                guarded(A, B, T, lo)
                out.append(digest(A, B))
    print(" ".join(out))
