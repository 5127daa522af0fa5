"""jacobi-1d's time loop as overlapped bands (the numba_overlap variant) against the plain and
tiled Numba variants and Numba on the original function, over shapes of steps by points, and
what the emitted dispatcher picks for each: the figures behind _rt.OVERLAP_REGION,
OVERLAP_MARGIN and OVERLAP_MIN_SIZE.

usage, after `python3 bench/peers/run.py --workdir /tmp/peers --kernels jacobi-1d`:

    python3 bench/peers/overlap.py /tmp/peers/emitted

Timed as bench/peers/narrow.py times (median round per call in microseconds, fresh copies of
the inputs each call); "same" checks the overlapped variant's outputs against the plain one's
bit for bit (every band runs the original operations on every point).
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lines import load  # noqa: E402
from narrow import measure  # noqa: E402

SHAPES = [(100, 400), (100, 1000), (100, 2000), (500, 2000), (1000, 4000), (1000, 1000), (500, 1000),
          (2000, 500), (1000, 600), (50, 4000), (20, 20000), (130, 8000), (10, 100000)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("emitted", help="the --workdir's emitted/ folder of bench/peers/run.py")
    p.add_argument("--repeat", type=int, default=9, help="rounds")
    a = p.parse_args()
    import numba
    mod = load(os.path.join(a.emitted, "jacobi_1d", "jacobi_1d.py"), "jacobi_1d")
    fn = "kernel_jacobi_1d"
    names = ("numba", "numba_tiled", "numba_inner", "numba_overlap")
    variants = {v: getattr(mod, f"_{fn}__{v}") for v in names}
    user = numba.njit(parallel=True)(getattr(mod, f"_{fn}__orig"))
    print(f"{'shape':>12} {'numba':>9} {'tiled':>9} {'overlap':>9} {'nb(user)':>9} {'dispatch':>9} "
          f"{'numba/overlap':>13} {'picks':>8}  same")
    for steps, n in SHAPES:
        A, B = mod.init_array(n)
        make = lambda: (steps, n, A.copy(), B.copy())  # noqa: E731
        t = measure({"numba": variants["numba"], "tiled": variants["numba_tiled"],
                     "overlap": variants["numba_overlap"], "user": user, "dispatch": getattr(mod, fn)},
                    make, a.repeat)
        ref, got = make(), make()
        variants["numba"](*ref)
        variants["numba_overlap"](*got)
        same = all(np.array_equal(u, v) for u, v in zip(ref, got) if isinstance(u, np.ndarray))
        calls = []
        for v in names:
            setattr(mod, f"_{fn}__{v}", lambda *args, v=v: (calls.append(v), variants[v](*args))[1])
        getattr(mod, fn)(*make())
        for v in names:
            setattr(mod, f"_{fn}__{v}", variants[v])
        picks = calls[0].replace("numba_", "") if calls else "other"
        print(f"{f'{steps}x{n}':>12} {t['numba']:9.1f} {t['tiled']:9.1f} {t['overlap']:9.1f} {t['user']:9.1f} "
              f"{t['dispatch']:9.1f} {t['numba'] / t['overlap']:12.2f}x {picks:>8}  {'yes' if same else 'NO'}",
              flush=True)


if __name__ == "__main__":
    main()
