"""Scalar math functions for compiled variants, raising where Python's math module raises.

Numba compiles math.sqrt(-1.0) to nan and math.exp(1000.0) to inf. A Numba variant calls
these instead (pyparc_rt.math_sqrt, ...), compiled on first use and inlined where they are
called (an exception raised in a function called from a prange loop is lost or turns into
SystemError; raised in the loop's own body it reaches the caller): each computes Numba's value
and raises ValueError where that is a nan from no nan or an infinity at a pole (log(0)),
OverflowError where it is an infinity from finite arguments.
"""

import math


def math_sqrt(x):
    r = math.sqrt(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_log(x):
    r = math.log(x)
    if (r != r and x == x) or (math.isinf(r) and not math.isinf(x)):
        raise ValueError("math domain error")
    return r


def math_log2(x):
    r = math.log2(x)
    if (r != r and x == x) or (math.isinf(r) and not math.isinf(x)):
        raise ValueError("math domain error")
    return r


def math_log10(x):
    r = math.log10(x)
    if (r != r and x == x) or (math.isinf(r) and not math.isinf(x)):
        raise ValueError("math domain error")
    return r


def math_exp(x):
    r = math.exp(x)
    if math.isinf(r) and not math.isinf(x):
        raise OverflowError("math range error")
    return r


def math_sinh(x):
    r = math.sinh(x)
    if math.isinf(r) and not math.isinf(x):
        raise OverflowError("math range error")
    return r


def math_cosh(x):
    r = math.cosh(x)
    if math.isinf(r) and not math.isinf(x):
        raise OverflowError("math range error")
    return r


def math_sin(x):
    r = math.sin(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_cos(x):
    r = math.cos(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_tan(x):
    r = math.tan(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_asin(x):
    r = math.asin(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_acos(x):
    r = math.acos(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    return r


def math_pow(x, y):
    # On floats, as math does: Numba's pow of two ints is an int power (0 ** -1 raises
    # ZeroDivisionError there, where math.pow raises ValueError).
    x, y = float(x), float(y)
    r = math.pow(x, y)
    if r != r and x == x and y == y:
        raise ValueError("math domain error")
    if math.isinf(r) and not math.isinf(x) and not math.isinf(y):
        if x == 0:
            raise ValueError("math domain error")
        raise OverflowError("math range error")
    return r


def math_floor(x):
    if x != x:
        raise ValueError("cannot convert float NaN to integer")
    if math.isinf(x):
        raise OverflowError("cannot convert float infinity to integer")
    return math.floor(x)


def math_ceil(x):
    if x != x:
        raise ValueError("cannot convert float NaN to integer")
    if math.isinf(x):
        raise OverflowError("cannot convert float infinity to integer")
    return math.ceil(x)


# Numba compiles no math.fmod: a variant calling it fails to compile and runs the loops.
NAMES = ("sqrt", "log", "log2", "log10", "exp", "sinh", "cosh", "sin", "cos", "tan", "asin",
         "acos", "pow", "floor", "ceil")
