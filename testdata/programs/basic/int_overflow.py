"""Python ints are exact where the variants compute in int64: the emitted program prints what
the original prints for int parameters and loop indices whose products, sums and quotients
leave int64's range.

The sizes 5 and 2**40 are within the guards' bounds (cubes' is 2**19), the others beyond:
those calls run the original. steps with t = -2**63 made the tiled variant's tile bounds wrap
and loop for ever.

usage: int_overflow.py"""
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def shifted(x: Annotated[NDArray[np.float64], "L"], n: int) -> None:
    for i in range(x.shape[0]):
        x[i] = (n - i) * 2.0


def cubes(x: Annotated[NDArray[np.float64], "L"], n: int) -> None:
    for i in range(n, n + x.shape[0]):
        x[i - n] = i * i * i * 1.0


def halves(x: Annotated[NDArray[np.float64], "L"], n: int) -> None:
    for i in range(x.shape[0]):
        x[i] = (n + n + 2 * i) // 2 - n


def total(x: Annotated[NDArray[np.float64], "L"], n: int) -> float:
    s = 0
    for i in range(x.shape[0]):
        s += n * i
    return s * 1.0


def drift(x: Annotated[NDArray[np.float64], "L"], n: int) -> float:
    s = 0
    for i in range(x.shape[0]):
        s = s - n * i
    return s * 1.0


def masks(x: Annotated[NDArray[np.float64], "L"], n: int) -> int:
    s = 0
    for i in range(x.shape[0]):
        s |= n * i
        s = s ^ i
    return s


def steps(x: Annotated[NDArray[np.float64], "L"], t: int) -> None:
    for k in range(t):
        for i in range(1, x.shape[0] - 1):
            x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0


def scaled(x: Annotated[NDArray[np.float64], "L"], f: float) -> None:
    for i in range(x.shape[0]):
        x[i] = f * i * i


def weighted(x: Annotated[NDArray[np.float64], "L"], f: float, n: int) -> None:
    for i in range(x.shape[0]):
        x[i] = f * n * 1.0 + i


def offset(z: Annotated[NDArray[np.complex128], "L"], c: complex | float, n: int) -> None:
    for i in range(z.shape[0]):
        z[i] = c * n + i


def carried(x: Annotated[NDArray[np.float64], "L"], n: int) -> None:
    t = n * n
    print("carried", t)
    for i in range(x.shape[0]):
        t = t + 1
        x[i] = t * 1.0


def larger(x: Annotated[NDArray[np.float64], "L"], f: float, n: int) -> None:
    # Python's max returns the int itself, exact; the variants compute it in float64.
    for i in range(x.shape[0]):
        x[i] = max(n * n + i, f) - n * n


SCALE = 0.5


def floor_at(x: Annotated[NDArray[np.float64], "L"], n: int) -> None:
    # A module constant that is a float: max's int is exact in float64 within 2**53 only.
    for i in range(x.shape[0]):
        x[i] = max(n * n * n + i, SCALE) - n * n * n


def show(f, *args):
    try:
        r = f(*args)
        print(f.__name__, r, " ".join(repr(float(v)) for v in args[0].ravel()[:4]))
    except Exception as e:  # the exception type is part of the output
        print(f.__name__, type(e).__name__)


if __name__ == "__main__":
    for n in (5, -2**63 + 3, 2**62, 2**40, 3_000_000, 2**70, 2**20, -2**20, 2**30, -2**30, 2**30 + 1):
        show(shifted, np.zeros(4), n)
        show(cubes, np.zeros(4), n)
        show(halves, np.zeros(4), n)
        show(total, np.zeros(4), n)
        show(drift, np.zeros(4), n)
        show(masks, np.zeros(4), n)
    # A float parameter passed an int: f * i * i is an int product then, which some size
    # makes overflow whatever f is: the guard admits floats only. A float f cannot overflow.
    for f in (0.5, 3, 2**19, 2**62, np.int64(2**62), 1e300, -0.0):
        show(scaled, np.zeros(4), f)
    # f * n with n within 2**40: ints for f within 2**22 keep it within 2**62.
    for f, n in ((0.5, 2**40), (1e300, 2**40), (3, 5), (2**22, 2**40), (-2**22, 2**40), (2**22 + 1, 2**40),
                 (-2**22 - 1, 2**40), (np.int64(2**23), 2**40), (2**23, 2**39), (True, 2**40), (np.float64(2.5), 7)):
        show(weighted, np.zeros(4), f, n)
    # c * n with n within 2**40: a complex or float c cannot overflow, an int c within 2**21.
    for c in (0.5, 1 + 2j, 1e300, 3, 2**21, -2**21, 2**21 + 1, 2**40, np.int64(2**22)):
        show(offset, np.zeros(4, dtype=complex), c, 2**40)
    # t, bound before the loop, may be any int: the loop runs as it is.
    for n in (3, 2**32, 2**62):
        show(carried, np.zeros(4), n)
    for t in (3, -5, -2**63):
        show(steps, np.arange(6.0) ** 2, t)
    # n * n + i within 2**53 (n within 2**25) is exact in float64 too; 2**27 runs the original.
    for f, n in ((1.5, 5), (1.5, 2**25), (1.5, 2**27), (2.0**60, 2**27), (3, 2**27)):
        show(larger, np.zeros(4), f, n)
    for n in (5, 2**17, 2**18 + 1, 2**19):
        show(floor_at, np.zeros(4), n)
