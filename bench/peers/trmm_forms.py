"""trmm's update, B := alpha * (I + strictly_lower(A).T) @ B, in the forms a variant could take.

usage, from the repository root:

    python3 bench/peers/trmm_forms.py                       # PolyBench MEDIUM, LARGE, EXTRALARGE
    python3 bench/peers/trmm_forms.py --sizes 200x240 --rounds 101

Each form runs on a fresh copy of the same B, in interleaved rounds (one call of each form a
round), and its output is checked against the first form's. It prints a table of the median
milliseconds of each form and its ratio to hand NumPy's:

- hand: hand NumPy, B[:] = alpha * (B + np.tril(A, -1).T @ B);
- whole: the masked product as one BLAS call, added into B, then B *= alpha;
- bands then scale: pyparc_rt.masked_matmul_into band by band, then B *= alpha (what pyparc
  emitted before 2026-11-27);
- unit bands: masked_matmul_into with B *= alpha folded in (its post argument): band by band,
  the band's rows of I + M times the rows of B it reads, scaled into the band's rows of B
  (pyparc_rt._masked._unit_update; what pyparc emits now).
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


def hand(alpha, A, B, mask):
    B[:] = alpha * (B + np.tril(A, -1).T @ B)


def whole(alpha, A, B, mask):
    if rt.finite(B[1:]):
        B += np.where(mask, A[1:], 0).T @ B[1:]
        B *= alpha


def bands_then_scale(alpha, A, B, mask):
    if rt.finite(B[1:]):
        rt.masked_matmul_into(B, A[1:], B[1:], mask, 0, True, None)
        B *= alpha


def unit_bands(alpha, A, B, mask):
    if rt.finite(B[1:]):
        rt.masked_matmul_into(B, A[1:], B[1:], mask, 0, True, None, alpha)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="200x240,1000x1200,2000x2600", help="MxN,...")
    p.add_argument("--rounds", type=int, default=0, help="rounds (default: by size)")
    args = p.parse_args()
    forms = [hand, whole, bands_then_scale, unit_bands]
    print(f"| M x N | {' | '.join(f.__name__.replace('_', ' ') for f in forms)} |")
    print("|" + "---|" * (len(forms) + 1))
    rng = np.random.default_rng(1)
    for size in args.sizes.split(","):
        m, n = (int(v) for v in size.split("x"))
        A = rng.random((m, m))
        B0 = rng.random((m, n))
        mask = np.arange(1, m)[:, None] > np.arange(m)[None, :]
        rounds = args.rounds or max(7, int(4e9 / (m * m * n)))
        want = None
        times = {f: [] for f in forms}
        for r in range(rounds + 1):
            for f in forms:
                B = B0.copy()
                t = time.perf_counter()
                f(1.5, A, B, mask)
                dt = time.perf_counter() - t
                if r == 0:
                    if want is None:
                        want = B
                    elif not np.allclose(B, want, rtol=1e-9, atol=0):
                        sys.exit(f"{f.__name__} at {size}: output differs")
                else:
                    times[f].append(dt)
        med = {f: statistics.median(times[f]) * 1e3 for f in forms}
        cells = [f"{med[f]:.3g} ({med[hand] / med[f]:.2f}x)" for f in forms]
        print(f"| {size} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
