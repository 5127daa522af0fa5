"""Runs testdata/programs/basic/two_sweeps.py's sweeps, original and emitted, on shapes where
the dispatcher must take the tiled wavefronts or not, and compares every array bit for bit.

usage: check_two_sweeps.py ORIGINAL EMITTED

Each nest is judged on its own grid and its own statement instances: a wide first nest with
little work must not send a narrow second one with much work to the tiles.
"""
import sys

import numpy as np

from checklib import load


def main():
    orig = load(sys.argv[1], "orig_two_sweeps")
    sys.path.insert(0, sys.argv[2].rsplit("/", 1)[0])  # its pyparc_rt
    new = load(sys.argv[2], "new_two_sweeps")
    tiled = new._sweeps__numba_tiled
    calls = []
    new._sweeps__numba_tiled = lambda *a: (calls.append(1), tiled(*a))[1]
    # (n, m, steps, sweeps): whether the tiles must run.
    cases = [
        ((2600, 50, 210, 10), True),      # the first nest: 6 by 10 tiles, 1.1e6 instances
        ((50, 2600, 10, 210), True),      # the second nest so
        ((300, 200, 40, 30), False),      # neither
        ((1600, 600, 130, 2000), False),  # the first wide with 4e5 instances; the second 62 by 2
        ((1600, 600, 0, 0), False),       # no work
    ]
    failed = 0
    for (n, m, steps, sweeps), want in cases:
        A = np.sin(np.arange(n) * 0.1)
        C = np.cos(np.arange(m) * 0.2)
        args = [A, A.copy(), C, C.copy(), steps, sweeps]
        a1 = [v.copy() if isinstance(v, np.ndarray) else v for v in args]
        a2 = [v.copy() if isinstance(v, np.ndarray) else v for v in args]
        before = len(calls)
        orig.sweeps(*a1)
        new.sweeps(*a2)
        ran = len(calls) > before
        same = all(np.array_equal(u, v) for u, v in zip(a1, a2) if isinstance(u, np.ndarray))
        ok = same and ran == want
        failed += not ok
        print(f"{'ok' if ok else 'FAIL'} {(n, m, steps, sweeps)} tiled={ran} want={want} same={same}")
    if failed:
        sys.exit(1)
    print("all sweep cases matched")


if __name__ == "__main__":
    main()
