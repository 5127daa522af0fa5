"""Arithmetic on narrow NumPy integers wraps around in their own type: x[i] + x[i + 1] of an
int16 x, (x[i] * 3) // 2, a uint8 image's (a + b + c) // 3. Numba would compute them in
int64; its variants cast each result back to the narrow type. x[i] + 2 * i gets none: NumPy
raises OverflowError where 2 * i is past int16's range, which a cast would hide.

usage: narrow_ints.py"""
import numpy as np


def pair_sums(x, y, n):
    for i in range(n - 1):
        y[i] = x[i] + x[i + 1]


def scaled(x, z, n):
    for i in range(n):
        z[i] = (x[i] * 3) // 2


def blur(img, out, n):
    for i in range(1, n - 1):
        out[i] = (img[i - 1] + img[i] + img[i + 1]) // 3


def shifted(x, n):
    for i in range(n):
        x[i] = x[i] + 2 * i


def running(x, t, n):
    # A small Python int (0 or 1) added to an int16 stays int16; so does an update of t.
    for i in range(1, n):
        bonus = 1 if x[i] > x[i - 1] else 0
        t[i] = max(t[i - 1], x[i] + bonus)
        t[i] += x[i]


def clamp_scaled(x, big, n):
    # max gives the int16, whose product wraps around, or the Python 3, whose product is 60000.
    for i in range(n):
        big[i] = max(x[i], 3) * 20000


def flagged(x, t, n):
    # b holds 0 or 1: added to an int16 as one, it keeps the int16's type.
    for i in range(n):
        b = 1 if x[i] > 0 else 0
        t[i] = x[i] + b


def widened(x, y, n):
    # An int64 stored into an int16: NumPy raises OverflowError past int16's range, where
    # whole-array code and Numba would wrap it around.
    for i in range(n):
        x[i] = y[i] * 300


def main():
    with np.errstate(over="ignore"):
        for n in (50, 400):
            x = (np.arange(n, dtype=np.int64) * 977 % 30000).astype(np.int16)
            y = np.zeros(n)
            pair_sums(x, y, n)
            z = np.zeros(n, dtype=np.int16)
            scaled(x, z, n)
            img = (np.arange(n) * 37 % 256).astype(np.uint8)
            out = np.zeros(n, dtype=np.uint8)
            blur(img, out, n)
            w = x.copy()
            shifted(w, n)
            t = np.zeros(n, dtype=np.int16)
            running(x, t, n)
            big = np.zeros(n, dtype=np.int64)
            clamp_scaled(x, big, n)
            f = np.zeros(n)
            flagged(w, f, n)
            print(y.sum(), z.astype(np.int64).sum(), out.astype(np.int64).sum(), w.astype(np.int64).sum(),
                  t.astype(np.int64).sum(), big.sum(), f.sum())
            v = np.zeros(n, dtype=np.int16)
            try:
                widened(v, np.arange(n, dtype=np.int64) - 60, n)
                print("widened", v.astype(np.int64).sum())
            except OverflowError as e:
                print("widened", type(e).__name__, v.astype(np.int64).sum())


if __name__ == "__main__":
    main()
