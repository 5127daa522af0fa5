#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""A NumPy-style program exercising the syntax the front end must keep."""
from __future__ import annotations

import os, sys
import numpy as np
import numpy.linalg as la
from typing import Optional
from .helpers import (scale as sc,
                      shift)
from .. import sibling
from math import *

N: int = 1_000
EPS = 1e-9
NAMES: list[str] = ["a", 'b', """c"""]
counts: dict[str, int | None]


def timed(fn):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@timed
@np.vectorize(otypes=[float])
def norm(x: np.ndarray, /, ord: int = 2, *, axis=None, **opts) -> float:
    return la.norm(x, ord, axis=axis, **opts)


class Model(object, metaclass=type):
    """A small model."""
    scale: float = 2.0

    def __init__(self, n, *, seed=0):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.w = self.rng.standard_normal((n, n)) @ np.eye(n)

    @property
    def size(self):
        return self.n ** 2 // 3 % 7

    def step(self, x):
        y = self.w @ x
        y @= self.w
        return -y if y.sum() > 0 else +y


def stats(A, B):
    C = A @ B.T
    m, n = C.shape
    i = j = 0
    a, (b, *rest) = 1, (2, 3, 4)
    C[0, :] = C[-1, ::2].mean() * C[1:3, 1:n:2].sum()
    C[..., 0] += 1
    mask = (C > 0) & ~(C < -1) | (C == 0.5)
    if (k := int(C.max())) > 10 and not m < n <= k:
        print(f"big {k!r:>10} {C.shape=}", file=sys.stderr)
    elif m is not None or n not in (1, 2):
        pass
    else:
        k = 0
    squares = [v * v for v in range(10) if v % 2 if v > 3]
    total = sum(v for row in C for v in row)
    pairs = {(i, j): i + j for i in range(3) for j in range(3)}
    uniq = {1, 2, *squares}
    merged = {"k": 1, **pairs}
    keyfn = lambda t: (t[1], -t[0])
    while i < 10:
        i += 1
        if i == 3:
            continue
        elif i == 8:
            break
    else:
        j = -1
    for idx, (p, q) in enumerate(zip(A, B)):
        del p
    x = 2 ** -1
    y = (-x) ** 2
    z = x if x else y if y else 0
    t = ()
    u = (1,)
    s = b"bytes" rb"\d" 'implicit' "concat"
    assert m > 0, "empty"
    return C, mask, k, squares, total


def io(path):
    global EPS
    try:
        with open(path) as f, open(os.devnull, "w") as g:
            data = f.read()
    except (OSError, ValueError) as e:
        raise RuntimeError("cannot read") from e
    finally:
        pass
    match data.split():
        case [cmd, *args] if cmd == "go":
            return args
        case _:
            return None


async def fetch(session, urls):
    async with session:
        results = [await session.get(u) async for u in urls]
    async for r in session:
        yield r
    await session.close()


def gen(n):
    x = yield
    y = yield from range(n)
    yield x, y


def outer():
    v = 0

    def inner():
        nonlocal v
        v += 1
    return inner


type Vector = list[float]

if __name__ == "__main__":
    stats(np.ones((3, 3)), np.ones((3, 3)))
