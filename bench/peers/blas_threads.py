"""How many BLAS threads a product-shaped kernel wants: hand-written NumPy (reference.py) at
each OpenBLAS thread count, for choosing pyparc_rt's SMALL_BLAS_WORK (below it dispatchers
run NumPy variants on one BLAS thread) or any band of thread counts above it. Time with
--fresh: on inputs reused call after call, products at MEDIUM looked 1.1 to 1.45 times faster
on 4 to 8 of 16 threads, and on fresh inputs (the harness's way) all 16 won for gemm, 2mm,
3mm, symm and trmm (bench/RESULTS.md, session 11).

usage:

    python3 bench/peers/blas_threads.py --size medium --threads 1,2,4,8,16 atax gemm

Inputs are built once with the program's init_array and updated in place by every call:
values drift, only times count. Each round sets the thread count, pauses --settle seconds
(OpenBLAS's idle threads spin a while after a call), then times as many calls as fill
--budget seconds; rounds interleave the counts, --repeat of each, and the table gives the
median round per call (with --fresh: the median call, each on fresh copies) in microseconds, with the count's ratio to the machine's default count. The last column is what
setting the count and setting it back costs per call, as a dispatcher would.
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "emit", "runtime"))
from lines import inputs, load, tp  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kernels", nargs="+")
    p.add_argument("--size", default="medium")
    p.add_argument("--threads", default="1,2,4,8,16")
    p.add_argument("--budget", type=float, default=0.05, help="seconds a round aims at")
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--settle", type=float, default=0.2)
    p.add_argument("--fresh", action="store_true",
                   help="time each call alone on fresh copies of the inputs (as bench/peers/run.py does)")
    a = p.parse_args()
    os.environ.setdefault("PYPARC_CUPY", "0")
    import pyparc_rt
    import reference
    blas = pyparc_rt._find_blas()
    if not blas:
        sys.exit("no OpenBLAS found in this process")
    get, put = blas
    default = get()
    counts = [int(c) for c in a.threads.split(",") if int(c) <= default] or [default]
    if default not in counts:
        counts.append(default)
    print(f"OpenBLAS threads by default: {default}; cpus: {os.cpu_count()}")
    head = " ".join(f"{f'{c} thr':>16}" for c in counts)
    print(f"{'kernel':12} {'size':7} {head} {'set+reset':>10}")
    for kernel in a.kernels:
        modname, init_keys, size_keys, _ = tp.KERNELS[kernel]
        mod = load(os.path.join(ROOT, "testdata", "programs", "polybench", modname + ".py"), modname)
        args = inputs(mod, a.size, init_keys, size_keys)
        fn = reference.REFERENCE[kernel]
        fn(*args)
        t0 = time.perf_counter()
        fn(*args)
        number = max(1, min(2000, int(a.budget / max(time.perf_counter() - t0, 1e-7))))
        times = {c: [] for c in counts}
        for _ in range(a.repeat):
            for c in counts:
                put(c)
                time.sleep(a.settle)
                if not a.fresh:
                    fn(*args)
                    t0 = time.perf_counter()
                    for _ in range(number):
                        fn(*args)
                    times[c].append((time.perf_counter() - t0) / number)
                    continue
                for _ in range(number):
                    fresh = [x.copy() if hasattr(x, "copy") else x for x in args]
                    t0 = time.perf_counter()
                    fn(*fresh)
                    times[c].append(time.perf_counter() - t0)
        put(default)
        t0 = time.perf_counter()
        for _ in range(10000):
            put(1)
            put(default)
        switch = (time.perf_counter() - t0) / 10000
        base = statistics.median(times[default])
        cells = []
        for c in counts:
            m = statistics.median(times[c])
            cells.append(f"{m * 1e6:9.1f} ({base / m:4.2f})")
        print(f"{kernel:12} {a.size:7} {' '.join(f'{x:>16}' for x in cells)} {switch * 1e6:10.2f}")


if __name__ == "__main__":
    main()
