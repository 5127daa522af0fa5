"""Loops whose rows all add into the same cells of an array: the summing Numba variant runs
them in chunks, each chunk adding into a private copy of the array, the copies then added in.
Every value here is a small integer, so every order of the additions gives the same sums and
the emitted program must print exactly what the original prints, for every variant and every
thread count (the test sets NUMBA_NUM_THREADS): more threads than rows, uneven chunks, cells
no row updates (-0.0 and nan must stay as they are), float32.

usage: private_sums.py"""
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def bicg(A: Annotated[NDArray[np.float64], "N M"], s: Annotated[NDArray[np.float64], "M"],
         q: Annotated[NDArray[np.float64], "N"], p: Annotated[NDArray[np.float64], "M"],
         r: Annotated[NDArray[np.float64], "N"], m: int, n: int) -> None:
    for i in range(m):
        s[i] = 0.0
    for i in range(n):
        q[i] = 0.0
        for j in range(m):
            s[j] = s[j] + r[i] * A[i, j]
            q[i] = q[i] + A[i, j] * p[j]


def atax(A: Annotated[NDArray[np.float64], "N M"], x: Annotated[NDArray[np.float64], "M"],
         y: Annotated[NDArray[np.float64], "M"], tmp: Annotated[NDArray[np.float64], "N"], m: int, n: int) -> None:
    for i in range(m):
        y[i] = 0.0
    for i in range(n):
        tmp[i] = 0.0
        for j in range(m):
            tmp[i] += A[i, j] * x[j]
        for j in range(m):
            y[j] += A[i, j] * tmp[i]


def inner(A: Annotated[NDArray[np.float64], "N M"], s: Annotated[NDArray[np.float64], "M"],
          b: Annotated[NDArray[np.float64], "N"], m: int, n: int) -> None:
    # Rows from the third, cells but the first and the last: those keep -0.0 and nan.
    for i in range(2, n):
        for j in range(1, m - 1):
            s[j] -= A[i, j] * b[i]


def gram(A: Annotated[NDArray[np.float64], "N M"], C: Annotated[NDArray[np.float64], "M M"], m: int, n: int) -> None:
    for i in range(n):
        for j in range(m):
            for k in range(m):
                C[j, k] += A[i, j] * A[i, k]


def narrow(A: Annotated[NDArray[np.float32], "N M"], s: Annotated[NDArray[np.float32], "M"],
           q: Annotated[NDArray[np.float32], "N"], m: int, n: int) -> None:
    for i in range(n):
        for j in range(m):
            s[j] += A[i, j] * 0.5
            q[i] = q[i] + A[i, j]


def last_row(A: Annotated[NDArray[np.float64], "N M"], s: Annotated[NDArray[np.float64], "M"],
             q: Annotated[NDArray[np.float64], "N"], m: int, n: int) -> None:
    # The last row reads the sums: the rows must run in order.
    for i in range(n):
        for j in range(m):
            s[j] += A[i, j]
        if i == n - 1:
            q[0] = s[0]


def dots(a: Annotated[NDArray[np.float64], "N"], b: Annotated[NDArray[np.float64], "N"],
         c: Annotated[NDArray[np.float64], "N"], s: Annotated[NDArray[np.float64], "2"],
         n: int) -> None:
    # A sum loop at the top of the nest, split in two: one sum runs as a helper, the other in
    # the loop (found by review: chunks without copies raced on s).
    for j in range(n):
        s[0] += a[j] * b[j]
        s[1] += a[j] * c[j]


def mvt(A: Annotated[NDArray[np.float64], "N N"], x1: Annotated[NDArray[np.float64], "N"],
        x2: Annotated[NDArray[np.float64], "N"], y_1: Annotated[NDArray[np.float64], "N"],
        y_2: Annotated[NDArray[np.float64], "N"], n: int) -> None:
    # The second nest sums down the columns of A: interchanged, and fused with the first.
    for i in range(n):
        for j in range(n):
            x1[i] = x1[i] + A[i, j] * y_1[j]
    for i in range(n):
        for j in range(n):
            x2[i] = x2[i] + A[j, i] * y_2[j]


def columns(A: Annotated[NDArray[np.float64], "N M"], s: Annotated[NDArray[np.float64], "M"], m: int, n: int) -> None:
    # Column sums over offset ranges, interchanged: s[0] keeps its -0.0.
    for j in range(1, m):
        for i in range(2, n):
            s[j] += A[i, j] * 0.5


def two_rows(A: Annotated[NDArray[np.float64], "N M"], B: Annotated[NDArray[np.float64], "N M"],
             C: Annotated[NDArray[np.float64], "N M"], x: Annotated[NDArray[np.float64], "M"],
             tmp: Annotated[NDArray[np.float64], "N"], y: Annotated[NDArray[np.float64], "N"],
             m: int, n: int) -> None:
    # gesummv's rows with a statement between the sums: that stays in the loop, and each sum
    # runs in a helper of its own.
    for i in range(n):
        tmp[i] = 0.0
        for j in range(m):
            tmp[i] = A[i, j] * x[j] + tmp[i]
            C[i, j] = A[i, j] - B[i, j]
            y[i] -= B[i, j] * x[j]
        y[i] = 2.0 * tmp[i] + 0.5 * y[i]


def show(name, *arrays):
    print(name, " | ".join(" ".join(repr(float(v)) for v in a.ravel()) for a in arrays))


def main():
    for n, m in ((1, 3), (3, 5), (37, 23), (200, 64)):
        A = ((np.arange(n)[:, None] * 7 + np.arange(m)[None, :] * 3) % 11 - 5).astype(np.float64)
        p = (np.arange(m) % 5 - 2).astype(np.float64)
        r = (np.arange(n) % 3 - 1).astype(np.float64)
        s, q = np.full(m, 9.0), np.full(n, 9.0)
        bicg(A, s, q, p, r, m, n)
        show("bicg", s, q)
        y, tmp = np.full(m, 9.0), np.full(n, 9.0)
        atax(A, p, y, tmp, m, n)
        show("atax", y, tmp)
        s = np.ones(m)
        s[0], s[-1] = -0.0, np.nan
        inner(A, s, r, m, n)
        show("inner", s)
        C = np.full((m, m), -0.0)
        gram(A, C, m, n)
        show("gram", C)
        s32, q32 = np.zeros(m, np.float32), np.ones(n, np.float32)
        narrow(A.astype(np.float32), s32, q32, m, n)
        show("narrow", s32, q32)
        s, q = np.zeros(m), np.zeros(n)
        last_row(A, s, q, m, n)
        show("last_row", s, q)
        s = np.zeros(2)
        dots(A[:, 0].copy(), r, A[:, -1].copy(), s, n)
        show("dots", s)
        S = A[:min(m, n), :min(m, n)].copy()
        x1, x2 = np.full(len(S), 2.0), np.full(len(S), -1.0)
        mvt(S, x1, x2, p[:len(S)].copy(), r[:len(S)].copy(), len(S))
        show("mvt", x1, x2)
        s = np.ones(m)
        s[0] = -0.0
        columns(A, s, m, n)
        show("columns", s)
        B, C = A[::-1].copy(), np.full((n, m), -0.0)
        tmp, y = np.full(n, 9.0), np.full(n, 3.0)
        two_rows(A, B, C, p, tmp, y, m, n)
        show("two_rows", C, tmp, y)


if __name__ == "__main__":
    main()
