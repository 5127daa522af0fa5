"""Factors the variants must not take out of a sum, and powers and divisions they must not
compute: the emitted program prints what the original prints, nan for nan and the same
exception (ZeroDivisionError where Python numbers divide by 0, inf where NumPy's do).

usage: unsafe_factors.py"""
import math
from typing import Annotated

import numpy as np
from numpy.typing import NDArray

BIG = float("inf")


def np_inf(C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"],
         B: Annotated[NDArray[np.float64], "K M"]) -> None:
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += np.inf * A[i, k] * B[k, j]


def math_inf(C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"],
         B: Annotated[NDArray[np.float64], "K M"]) -> None:
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += math.inf * A[i, k] * B[k, j]


def global_inf(C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"],
         B: Annotated[NDArray[np.float64], "K M"]) -> None:
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += BIG * A[i, k] * B[k, j]


def folded(C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"],
         B: Annotated[NDArray[np.float64], "K M"]) -> None:
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += 1e308 * 10.0 * A[i, k] * B[k, j]


def element(C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"],
         B: Annotated[NDArray[np.float64], "K M"], s: Annotated[NDArray[np.float64], "S"]) -> None:
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += s[0] * A[i, k] * B[k, j]


def power(x: Annotated[NDArray[np.float64], "N"], p: int) -> None:
    for i in range(x.shape[0]):
        x[i] = 2 ** p + i


def divide(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = i / k


def remainder(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = x[i] + i % k


def recip(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = 1.0 / (i - k)


def recip_element(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = x[i] / (i - k)


def shifted_divide(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = i / (k - 3) + 1.0 / (i + 1)


def shifted_alpha(x: Annotated[NDArray[np.float64], "N"], alpha: float) -> None:
    for i in range(x.shape[0]):
        x[i] = i / (alpha - 1.0)


def power_of_index(x: Annotated[NDArray[np.float64], "N"], k: int) -> None:
    for i in range(x.shape[0]):
        x[i] = (i - k) ** -1.0


def means(y: Annotated[NDArray[np.float64], "N"], x: Annotated[NDArray[np.float64], "N"]) -> None:
    for i in range(x.shape[0]):
        x[i] = x[i] * 2.0
    for i in range(x.shape[0]):
        y[i] = np.mean(x[i + 1:])


def show(f, *args):
    try:
        f(*args)
        print(f.__name__, " ".join(repr(float(v)) for v in args[0].ravel()[:4]))
    except Exception as e:  # the exception type is part of the output
        print(f.__name__, type(e).__name__)


if __name__ == "__main__":
    A = np.ones((5, 7))
    A[0, 0] = 0.0  # inf * 0 is nan in the loops' term
    B = np.ones((7, 6))
    for f in (np_inf, math_inf, global_inf, folded):
        show(f, np.zeros((5, 6)), A, B)
    show(element, np.zeros((5, 6)), A, B, np.array([np.inf]))
    show(element, np.zeros((5, 6)), A, B, np.array([2.0]))
    show(power, np.zeros(9), 3)
    show(power, np.zeros(9), -3)
    show(power, np.zeros(9), np.int64(-3))
    for k in (4, 0):
        show(divide, np.zeros(9), k)
        show(remainder, np.zeros(9), k)
    # 1.0 / (i - k) raises for 0 <= k < 9: no variant; an array element divides as NumPy
    # does (inf); (k - 3) is checked by the guard, (i + 1) is never 0.
    for k in (-2, 2, 3):
        show(recip, np.ones(9), k)
        show(recip_element, np.ones(9), k)
        show(shifted_divide, np.ones(9), k)
        show(power_of_index, np.ones(9), k)
    for alpha in (3.0, 1.0):
        show(shifted_alpha, np.ones(9), alpha)
    # np.mean of an empty row is nan, with a warning: its loops must not divide by 0.
    show(means, np.zeros(4), np.arange(4.0))
