"""Locals written inside loops that the Numba variants run with prange: prange gives every
iteration its own copy of a local, so a loop where a local carries a value into an iteration
from another one, or from before the loop, must keep its order. The emitted program prints
what the original prints for every variant.

pivot rows (floyd) split at the pivot; carried and rescaled, the same loops with a local
passed between rows, do not; once is a parallel loop whose local comes from before it.

usage: split_scalars.py"""
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def floyd(A: Annotated[NDArray[np.float64], "N N"], n: int) -> None:
    for k in range(n):
        for i in range(n):
            for j in range(n):
                A[i, j] = min(A[i, j], A[i, k] + A[k, j])


def carried(A: Annotated[NDArray[np.float64], "N N"], n: int) -> None:
    # t is set in row 0, below the pivot, and stored in row n - 1, above it.
    for k in range(1, n):
        t = 0.0
        for i in range(n):
            if i == 0:
                t = A[n - 1, k - 1]
            for j in range(n):
                A[i, j] = A[i, j] * 0.5 + A[k, j] * 0.25
            if i == n - 1:
                A[i, k] = t


def rescaled(A: Annotated[NDArray[np.float64], "N N"], n: int) -> None:
    # s is read before it is written, only in the pivot's row.
    for k in range(1, n):
        s = A[k, k - 1]
        for i in range(n):
            A[i, k] = A[i, k] * 0.5 + A[k, k]
            if i == k:
                s = s * 0.5 + A[i, k]
                A[i, k] = s


def once(A: Annotated[NDArray[np.float64], "N N"], n: int) -> None:
    s = 1.0
    for i in range(n):
        A[i, 0] = A[i, 0] * 0.5
        if i == 3:
            s = s * 0.5 + A[i, 1]
            A[i, 1] = s


def main():
    for f in (floyd, carried, rescaled, once):
        for n in (8, 40):
            A = np.random.default_rng(n).random((n, n))
            f(A, n)
            print(f.__name__, n, repr(float(A.sum())), repr(float(A[n - 1, 1])))


if __name__ == "__main__":
    main()
