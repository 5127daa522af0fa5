"""Locals a loop nest may read unbound: where the original raises UnboundLocalError, or reads
nothing because the loop runs no iteration, every variant must do the same. Numba's helper read
a value it made up (0.0) for a local bound only in a loop or branch; a local bound before the
nest on some paths only (in a branch, a for's else that a break skips, a try, or unbound by a
del in a loop) was passed to the variants as they started, raising where the original did not. The emitted program prints what the original prints for every variant.

usage: unbound_locals.py"""
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def after_loop(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int) -> None:
    # s is bound only where the inner loop runs: at the last step it keeps the step before's
    # value, and where n is 1 it is unbound.
    for t in range(n):
        for i in range(t + 1, n):
            s = A[i] * 2.0
        B[t] = s + 1.0


def in_branch(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, k: int) -> None:
    for i in range(n):
        if i > k:
            s = A[i] * 2.0
        B[i] = s


def maybe_before(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, c: float) -> None:
    # s is bound before the nest only if c > 0.5: the original reads it only if n > 0.
    if c > 0.5:
        s = 2.0
    for i in range(n):
        B[i] = A[i] * s


def rebound_first(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, c: float) -> None:
    # s may be unbound before the nest, which binds it before every read.
    if c > 0.5:
        s = 2.0
    for i in range(n):
        s = A[i] * 2.0
        B[i] = s + 1.0


def top_of_body(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int) -> None:
    # durbin's shape: the sum is bound at the top of the body that reads it.
    for t in range(1, n):
        s = 0.0
        for i in range(t):
            s += A[i] * B[i]
        B[t] = s * 0.5


def literal_range(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int) -> None:
    # range(3) runs: s is bound when B[0] = s reads it.
    for t in range(3):
        s = t * 0.5 + 1.0
        for i in range(n):
            B[i] = B[i] * 0.5 + s
    B[0] = s


def else_break(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, m: int, k: int) -> None:
    # The else binds s unless the loop breaks.
    for j in range(m):
        if j == k:
            break
    else:
        s = 2.0
    for i in range(n):
        B[i] = A[i] * s


def deleted(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, m: int) -> None:
    s = 2.0
    for j in range(m):
        del s
    for i in range(n):
        B[i] = A[i] * s


def in_try(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, c: float) -> None:
    try:
        s = 10.0 / c
    except ZeroDivisionError:
        pass
    for i in range(n):
        B[i] = A[i] * s


def nested_global(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, c: float) -> None:
    if c > 0.5:
        s = 2.0

    def unused():
        global s  # this function's s, not nested_global's
        return 1

    for i in range(n):
        B[i] = A[i] * s


def except_as(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, c: float) -> None:
    e = 2.0
    try:
        e = 1.0 / c
    except ZeroDivisionError as e:  # unbinds e where the handler ends
        pass
    for i in range(n):
        B[i] = A[i] * e


def checked_mode(A: Annotated[NDArray[np.float64], "N"], B: Annotated[NDArray[np.float64], "N"], n: int, mode: int) -> None:
    # A branch that raises goes nowhere: s is bound where the loop reads it.
    if mode == 0:
        s = 1.0
    elif mode == 1:
        s = 2.0
    else:
        raise ValueError("bad mode")
    for i in range(n):
        B[i] = A[i] * s


def call(f, *args):
    try:
        f(*args)
        return "ok"
    except (UnboundLocalError, IndexError, ValueError) as err:
        return type(err).__name__


def main():
    for n in (0, 1, 5, 300):
        A = np.arange(n, dtype=np.float64) * 0.25
        cases = [
            (after_loop, (n,)),
            (in_branch, (n, -1)), (in_branch, (n, n)),
            (maybe_before, (n, 1.0)), (maybe_before, (n, 0.0)),
            (rebound_first, (n, 1.0)), (rebound_first, (n, 0.0)),
            (top_of_body, (n,)),
            (literal_range, (n,)),
            (else_break, (n, 4, 1)), (else_break, (n, 4, 9)),
            (deleted, (n, 1)), (deleted, (n, 0)),
            (in_try, (n, 0.0)), (in_try, (n, 2.0)),
            (nested_global, (n, 0.0)), (nested_global, (n, 1.0)),
            (except_as, (n, 0.0)), (except_as, (n, 4.0)),
            (checked_mode, (n, 1)), (checked_mode, (n, 2)),
        ]
        for f, rest in cases:
            B = np.linspace(0.0, 1.0, n)
            what = call(f, A, B, *rest)
            print(f.__name__, n, rest[1:], what, float(B.sum()))


if __name__ == "__main__":
    main()
