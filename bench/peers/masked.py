"""The masked matrix product of triangular loop nests: whole against band by band.

usage, from the repository root:

    python3 bench/peers/masked.py                    # n = 200, 500, 1000, 2000
    python3 bench/peers/masked.py --sizes 1000 --runs 9

For each n it times, on n x n strictly lower triangular A (as a mask) and an n x 1.2n B:
where(mask, A, 0) @ B as one BLAS call, pyparc_rt.masked_matmul with several band settings,
and the plain A @ B (the cost of the whole product without the where), and prints a table of
medians in milliseconds and the ratio of the banded product to the whole one.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "emit", "runtime"))

import pyparc_rt as rt  # noqa: E402
from pyparc_rt import _masked  # noqa: E402


def median_ms(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="200,500,1000,2000")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--settings", default="100x8,50x8,100x16,200x4",
                   help="band settings ROWSxBANDS: at least ROWS rows a band, at most BANDS bands")
    args = p.parse_args()
    settings = [tuple(int(v) for v in s.split("x")) for s in args.settings.split(",")]
    rng = np.random.default_rng(0)
    head = ["n", "whole", "A @ B"] + [f"bands {r}x{b}" for r, b in settings]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n in (int(v) for v in args.sizes.split(",")):
        a = rng.standard_normal((n, n))
        b = rng.standard_normal((n, n * 6 // 5))
        mask = np.tril(np.ones((n, n), bool), -1)
        whole = median_ms(lambda: np.where(mask, a, 0) @ b, args.runs)
        plain = median_ms(lambda: a @ b, args.runs)
        row = [str(n), f"{whole:.3g}", f"{plain:.3g}"]
        bands_row(row, settings, args.runs, whole, np.where(mask, a, 0) @ b,
                  lambda: rt.masked_matmul(a, b, mask, 0, False))
        print("| " + " | ".join(row) + " |", flush=True)
        # trmm's form: the mask over A[1:n, :] (k > i), transposed, times B[1:n, :].
        at, bt = a[1:], b[1:]
        tmask = np.arange(1, n)[:, None] > np.arange(n)[None, :]
        whole = median_ms(lambda: np.where(tmask, at, 0).T @ bt, args.runs)
        row = [f"{n} (trmm's)", f"{whole:.3g}", f"{plain:.3g}"]
        bands_row(row, settings, args.runs, whole, np.where(tmask, at, 0).T @ bt,
                  lambda: rt.masked_matmul(at, bt, tmask, 0, True))
        print("| " + " | ".join(row) + " |", flush=True)


def bands_row(row, settings, runs, whole, want, banded):
    for rows, bands in settings:
        _masked.BAND_ROWS, _masked.MAX_BANDS = rows, bands
        _masked._PLANS.clear()
        if not np.allclose(banded(), want, rtol=1e-9, atol=1e-9):
            row.append("MISMATCH")
            continue
        t = median_ms(banded, runs)
        row.append(f"{t:.3g} ({t / whole:.2f}x)")


if __name__ == "__main__":
    main()
