"""Scalars a function sums and returns keep the type the original gives them: a count of
Python ints stays an int (json.dumps takes it, not an np.int64), a sum of Python floats a
float, a sum of array elements an np.float64 (the Python float it started as where the loop
is empty, -0.0 included), a count started from an np.int64 an np.int64, and one started from
an np.int16 an np.int16, wrapping around as the original's steps do.

usage: scalar_types.py"""
import json

import numpy as np


def count(x, n):
    t = 0
    for i in range(n):
        x[i] = 2.0 * x[i]
        t += 1
    return t


def weights(x, n):
    s = 0.0
    k = 0
    for i in range(n):
        s += 0.5 * i
        k += i * 2 - 1
        x[i] = x[i] + 1.0
    return s, k


def from_numpy(x, y, n):
    # A NumPy accumulator stays one: np.int64 + int is np.int64.
    t = y[0]
    for i in range(n):
        x[i] = x[i] - 1.0
        t += i
    return t


def narrow(x, y, n):
    # An int16 accumulator stays int16, wrapping around past its range as it adds each i (and
    # raising OverflowError for an i past it, which no variant would: this one stays as it is).
    t = y[0]
    for i in range(n):
        x[i] = x[i] + 1.0
        t += i
    return t


def energy(u, n):
    e = 0.0
    for i in range(n):
        e += u[i] * u[i]
    return e


def offset(u, n):
    # An empty loop leaves -0.0 as it is: a NumPy sum of no terms would add 0.0.
    e = -0.0
    for i in range(n):
        e += u[i]
    return e


def main():
    for n in (0, 3, 40):
        x = np.arange(n, dtype=np.float64)
        values = [count(x, n), *weights(x, n), energy(x, n), from_numpy(x, np.arange(3), n), offset(x, n)]
        print(repr(values), json.dumps(values[:3]))
    with np.errstate(over="ignore"):
        print(repr([narrow(np.zeros(n), np.ones(2, np.int16), n) for n in (40, 300)]))


if __name__ == "__main__":
    main()
