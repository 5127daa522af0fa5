"""Tiled wavefronts of a band of two (jacobi-1d's steps and points, trisolv's rows and columns)
against the plain Numba variant, over shapes of different tile grids (32 steps or rows by 256
points or columns a tile), and what the emitted dispatcher picks for each: the figures behind
_rt.NUMBA_TILED_WORK, NUMBA_TILED_DEPTH and NUMBA_TILED_BREADTH.

usage, after `python3 bench/peers/run.py --workdir /tmp/peers --kernels jacobi-1d,trisolv`:

    python3 bench/peers/narrow.py /tmp/peers/emitted

Each version is timed in --repeat rounds interleaved across the versions, each round as many
calls as fill 20 ms (at most 20), on fresh copies of the inputs; the table gives the median
round per call in microseconds, and checks the tiled variant's outputs against the plain one's
(bit for bit: the tiles reorder independent instances only).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lines import load  # noqa: E402

JACOBI = [(100, 400), (500, 2000), (1000, 4000), (1000, 1000), (500, 1000), (250, 2000), (200, 2000),
          (300, 3000), (250, 4000), (130, 8000), (2000, 1000), (2000, 500), (1000, 600), (1000, 1500),
          (50, 20000)]
TRISOLV = [400, 600, 800, 1000, 1200, 1500, 2000, 3000, 4000]


def per_call(fn, make, budget=0.02, most=20):
    total, calls = 0.0, 0
    while total < budget and calls < most:
        args = make()
        t0 = time.perf_counter()
        fn(*args)
        total += time.perf_counter() - t0
        calls += 1
    return total / calls


def measure(versions, make, repeat):
    for f in versions.values():
        f(*make())  # compile, warm caches
    times = {k: [] for k in versions}
    for _ in range(repeat):
        for name, f in versions.items():
            times[name].append(per_call(f, make))
    return {k: statistics.median(v) * 1e6 for k, v in times.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("emitted", help="the --workdir's emitted/ folder of bench/peers/run.py")
    p.add_argument("--repeat", type=int, default=9, help="rounds")
    a = p.parse_args()
    jac = load(os.path.join(a.emitted, "jacobi_1d", "jacobi_1d.py"), "jacobi_1d")
    tri = load(os.path.join(a.emitted, "trisolv", "trisolv.py"), "trisolv")
    print(f"{'kernel':9} {'shape':>12} {'grid':>8} {'numba us':>10} {'tiled us':>10} {'numba/tiled':>11} "
          f"{'dispatcher picks':>16}  same")
    rows = [("jacobi-1d", jac, "kernel_jacobi_1d", s) for s in JACOBI] + \
           [("trisolv", tri, "kernel_trisolv", (n,)) for n in TRISOLV]
    for kernel, mod, fn, shape in rows:
        if kernel == "jacobi-1d":
            steps, n = shape
            A, B = mod.init_array(n)
            make = lambda: (steps, n, A.copy(), B.copy())  # noqa: E731
            grid = f"{steps / 32:.0f}x{(n - 2) / 256:.0f}"
        else:
            n, = shape
            L, x, b = mod.init_array(n)
            make = lambda: (n, L, x.copy(), b)  # noqa: E731
            grid = f"{n / 32:.0f}x{(n - 1) / 256:.0f}"
        plain, tiled = getattr(mod, f"_{fn}__numba"), getattr(mod, f"_{fn}__numba_tiled")
        t = measure({"numba": plain, "tiled": tiled}, make, a.repeat)
        ref, got = make(), make()
        plain(*ref)
        tiled(*got)
        same = all(np.array_equal(u, v) for u, v in zip(ref, got) if isinstance(u, np.ndarray))
        calls = []
        setattr(mod, f"_{fn}__numba_tiled", lambda *args: (calls.append(1), tiled(*args))[1])
        getattr(mod, fn)(*make())
        setattr(mod, f"_{fn}__numba_tiled", tiled)
        picks = "tiled" if calls else "other"
        print(f"{kernel:9} {'x'.join(map(str, shape)):>12} {grid:>8} {t['numba']:10.1f} {t['tiled']:10.1f} "
              f"{t['numba'] / t['tiled']:10.2f}x {picks:>16}  {'yes' if same else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
