"""Calls emitted kernels with arguments their variants were not made for.

usage: check_guards.py CORPUS_DIR EMITTED_ROOT

Each case states whether the guard must admit the call. Either way the emitted kernel must give
exactly what the original gives: the same in-place results, or the same exception type.
"""
import sys

import numpy as np

from checklib import load as _load


def load(path, key):
    return _load(path, key, on_path=True)


def run(fn, args):
    args = [a.copy() if isinstance(a, np.ndarray) and not getattr(a, "_keep", False) else a for a in args]
    try:
        with np.errstate(all="ignore"):
            ret = fn(*args)
        return args, ret, None
    except Exception as e:  # the exception type is part of the contract
        return args, None, type(e)


def same(x, y):
    if isinstance(x, np.ndarray):
        return x.dtype == y.dtype and x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True)
    return x == y or (x != x and y != y)  # a nan argument is the same nan


def check(name, orig, new, guard, build, admit):
    args1, args2 = build(), build()
    got_guard = bool(guard(*build()))
    r1 = run(orig, args1)
    r2 = run(new, args2)
    ok = got_guard == admit and r1[2] == r2[2] and all(same(a, b) for a, b in zip(r1[0], r2[0]))
    print(("ok  " if ok else "FAIL"), name, "guard", got_guard, "exception", r1[2] and r1[2].__name__)
    return ok


def main():
    corpus, emitted = sys.argv[1], sys.argv[2]
    good = True
    rng = np.random.default_rng(7)

    g_orig = load(f"{corpus}/gemm.py", "o_gemm").kernel_gemm
    g_mod = load(f"{emitted}/gemm/gemm.py", "n_gemm")
    g_new, g_guard = g_mod.kernel_gemm, g_mod._guard_kernel_gemm

    def gemm(C=None, A=None, B=None, dtype=np.float64, alpha=1.5):
        ni, nj, nk = 13, 11, 9
        C = rng.random((ni, nj)).astype(dtype) if C is None else C
        A = rng.random((ni, nk)).astype(dtype) if A is None else A
        B = rng.random((nk, nj)).astype(dtype) if B is None else B
        return lambda: [alpha, 1.2, C.copy(), A.copy(), B.copy()]

    sq = rng.random((10, 10))
    cases = [
        ("gemm admitted", gemm(), True),
        ("gemm float32", gemm(dtype=np.float32), False),
        ("gemm int alpha", gemm(alpha=2), True),
        # An int where a float was recorded is bounded as int parameters are: the variants
        # would compute alpha * i in int64 where Python's product is exact.
        ("gemm int alpha beyond 2**40", gemm(alpha=2 ** 40 + 1), False),
        ("gemm np.int64 alpha at 2**40", gemm(alpha=np.int64(2 ** 40)), True),
        ("gemm complex alpha", gemm(alpha=1j), False),
        # The variant takes alpha out of the sum: inf * (A @ B) is no sum of inf * a * b.
        ("gemm inf alpha", gemm(alpha=float("inf")), False),
        ("gemm nan alpha", gemm(alpha=float("nan")), False),
        ("gemm np.float64 -inf alpha", gemm(alpha=np.float64("-inf"), A=np.zeros((13, 9))), False),
        ("gemm largest finite alpha", gemm(alpha=1.7976931348623157e308), True),
        ("gemm 1-d A", gemm(A=rng.random(13)), False),
        ("gemm 3-d C", gemm(C=rng.random((13, 11, 2))), False),
        ("gemm A rows != C rows", gemm(A=rng.random((14, 9))), False),
        ("gemm B rows != A cols", gemm(B=rng.random((8, 11))), False),
        ("gemm matrix subclass", gemm(A=np.asmatrix(rng.random((13, 9)))), False),
        ("gemm list instead of array", gemm(B=rng.random((9, 11)).tolist()), False),
        ("gemm strided views", gemm(A=rng.random((26, 18))[::2, ::2], B=rng.random((9, 22))[:, ::2]), True),
        ("gemm Fortran order", gemm(C=np.asfortranarray(rng.random((13, 11)))), True),
    ]
    for name, build, admit in cases:
        good &= check(name, g_orig, g_new, g_guard, build, admit)

    # Aliasing: the same array twice, and overlapping views. Copies would hide it, so build
    # the arguments sharing memory on purpose.
    def same_twice():
        M = sq.copy()
        return [1.5, 1.2, M, M, M]

    base = rng.random((12, 12))

    def overlapping():
        big = base.copy()
        return [1.5, 1.2, big[0:10, 0:10], big[2:12, 0:10], big[0:10, 2:12]]

    for name, build in (("gemm same array three times", same_twice), ("gemm overlapping views", overlapping)):
        a1, a2 = build(), build()
        got_guard = bool(g_guard(*build()))
        with np.errstate(all="ignore"):
            g_orig(*a1)
            g_new(*a2)
        ok = not got_guard and all(same(x, y) for x, y in zip(a1, a2))
        print(("ok  " if ok else "FAIL"), name, "guard", got_guard)
        good &= ok

    j_orig = load(f"{corpus}/jacobi_1d.py", "o_j1").kernel_jacobi_1d
    j_mod = load(f"{emitted}/jacobi_1d/jacobi_1d.py", "n_j1")

    def jac(tsteps, n, size):
        A, B = rng.random(size), rng.random(size)
        return lambda: [tsteps, n, A.copy(), B.copy()]

    for name, build, admit in [
        ("jacobi-1d admitted", jac(5, 30, 30), True),
        ("jacobi-1d n < len", jac(5, 20, 30), False),
        ("jacobi-1d n > len", jac(5, 40, 30), False),
        ("jacobi-1d negative steps", jac(-3, 30, 30), True),
        ("jacobi-1d float n", jac(5, 30.0, 30), False),
        ("jacobi-1d tiny", jac(2, 2, 2), True),
        ("jacobi-1d empty", jac(2, 0, 0), True),
        # NumPy scalars for the sizes: int64 computes as a Python int does; the others wrap
        # around in the original's scalar arithmetic and not in the variants', and an
        # unsigned tsteps made the tiled variant's bound (-tsteps) // 32 skip every tile.
        ("jacobi-1d int64 sizes", jac(np.int64(40), np.int64(300), 300), True),
        ("jacobi-1d uint32 steps", jac(np.uint32(40), 300, 300), False),
        ("jacobi-1d uint8 steps", jac(np.uint8(40), 300, 300), False),
        ("jacobi-1d int32 sizes", jac(np.int32(40), np.int32(300), 300), False),
        ("jacobi-1d int8 steps", jac(np.int8(40), 300, 300), False),
        # Beyond int64 Numba raises OverflowError; the original runs no step. Within it, the
        # guard admits sizes up to 2**40 only: the tiled variant's tile bounds wrapped at
        # -2**63 and looped for ever (polyopt/intrange.go).
        ("jacobi-1d steps below int64", jac(-2 ** 63 - 1, 300, 300), False),
        ("jacobi-1d steps at int64's least", jac(-2 ** 63, 300, 300), False),
        ("jacobi-1d steps beyond 2**40", jac(-2 ** 40 - 1, 300, 300), False),
        ("jacobi-1d steps at -2**40", jac(-2 ** 40, 300, 300), True),
        ("jacobi-1d np.int64 steps beyond 2**40", jac(np.int64(-2 ** 40 - 1), 300, 300), False),
    ]:
        good &= check(name, j_orig, j_mod.kernel_jacobi_1d, j_mod._guard_kernel_jacobi_1d, build, admit)

    a_orig = load(f"{corpus}/atax.py", "o_atax").kernel_atax
    a_mod = load(f"{emitted}/atax/atax.py", "n_atax")

    def atax(dtype):
        m, n = 7, 9
        A = (rng.random((m, n)) * 10).astype(dtype)
        x = (rng.random(n) * 10).astype(dtype)
        return lambda: [m, n, A.copy(), x.copy(), np.zeros(n, dtype), np.zeros(m, dtype)]

    good &= check("atax admitted", a_orig, a_mod.kernel_atax, a_mod._guard_kernel_atax, atax(np.float64), True)
    good &= check("atax int64 arrays", a_orig, a_mod.kernel_atax, a_mod._guard_kernel_atax, atax(np.int64), False)

    if not good:
        sys.exit(1)
    print("all guard cases fell back and matched")


if __name__ == "__main__":
    main()
