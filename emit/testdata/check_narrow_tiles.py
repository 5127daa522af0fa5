"""Runs the tiled wavefronts of bands of two (jacobi-1d, trisolv) at sizes that cross tile
boundaries (32 steps by 256 points) and compares them with the original, bit for bit: the
tiles change the order of independent instances only.

usage: check_narrow_tiles.py CORPUS_DIR EMITTED_ROOT

Run with PYPARC_NUMBA_TILED_WORK=1, PYPARC_NUMBA_TILED_DEPTH=0 and PYPARC_NUMBA_TILED_BREADTH=0,
and the dispatcher itself picks the tiled variant for every call with work. Run without, and
the calls are a few above the work threshold, each with the dispatcher's choice stated: tiled
on a grid of tiles at least 4 deep and 6 wide, the plain variant on a narrower one.
"""
import os
import sys

import numpy as np

from checklib import load


def main():
    corpus, emitted = sys.argv[1], sys.argv[2]
    forced = os.environ.get("PYPARC_NUMBA_TILED_DEPTH") == "0"
    if forced:
        cases = {
            "jacobi_1d": [(0, 5), (1, 3), (3, 2), (40, 300), (70, 600), (33, 1000), (100, 257)],
            "trisolv": [(1,), (2,), (255,), (256,), (257,), (600,), (1100,)],
        }
    else:
        # (size, tiled): a grid 9 deep and 7 wide; 37 by 2 (2.4x slower tiled on 16 cores at
        # 2000 steps over 500 points); 1 by 54 (50 steps over 20000 points, as slow); a
        # triangle 50 rows of tiles deep, 6 wide at its widest; and 5 wide.
        cases = {
            "jacobi_1d": [((300, 2000), True), ((1200, 600), False), ((40, 14000), False)],
            "trisolv": [((1600,), True), ((1400,), False)],
        }
    failed = 0
    for modname, sizes in cases.items():
        orig = load(f"{corpus}/{modname}.py", "orig_" + modname)
        sys.path.insert(0, f"{emitted}/{modname}")
        new = load(f"{emitted}/{modname}/{modname}.py", "new_" + modname)
        sys.path.pop(0)
        kname = "kernel_" + modname
        tiled_name = f"_{kname}__numba_tiled"
        tiled = getattr(new, tiled_name)
        calls = []
        setattr(new, tiled_name, lambda *a: (calls.append(1), tiled(*a))[1])
        for size in sizes:
            want = None
            if not forced:
                size, want = size
            if modname == "jacobi_1d":
                steps, n = size
                A, B = orig.init_array(n)
                args = [steps, n, A, B]
                work = steps * max(0, n - 2)
            else:
                n, = size
                L, x, b = orig.init_array(n)
                L[np.arange(n), np.arange(n)] += 1.0  # well away from zero pivots
                args = [n, L, x, b]
                work = n
            a1 = [v.copy() if isinstance(v, np.ndarray) else v for v in args]
            a2 = [v.copy() if isinstance(v, np.ndarray) else v for v in args]
            before = len(calls)
            getattr(orig, kname)(*a1)
            getattr(new, kname)(*a2)
            ran_tiled = len(calls) > before
            same = all(np.array_equal(u, v) for u, v in zip(a1, a2) if isinstance(u, np.ndarray))
            # A call with no statement instance is below any threshold: the plain variant.
            if want is None:
                want = work > 0
            status = "ok" if same and ran_tiled == want else "FAIL"
            failed += status == "FAIL"
            print(f"{status} {modname} {size} tiled={ran_tiled} same={same}")
    if failed:
        sys.exit(1)
    print("all tiled cases matched")


if __name__ == "__main__":
    main()
