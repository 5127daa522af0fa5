"""Times PolyBench kernels: the original loops against the pyparc-emitted program.

usage: timing.py CORPUS_DIR EMITTED_ROOT SIZE RUNS MAX_ORIG_SECONDS KERNEL...

Both versions run in this process on copies of the same inputs built by the kernel's own
init_array. The emitted kernel is timed RUNS times after one warm-up call; the original RUNS
times too, unless one run takes longer than MAX_ORIG_SECONDS, then fewer (the table says how
many). Prints a table of medians, per-kernel speedups and their geometric mean, and whether each
emitted call took the optimized variant (its guard said yes) or fell back to the original.
"""
import importlib.util
import math
import statistics
import sys
import time

import numpy as np


def load(path, key):
    sys.path.insert(0, path.rsplit("/", 1)[0])
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    spec.loader.exec_module(mod)
    sys.path.pop(0)
    return mod


def timed(fn, build, runs, budget=None):
    times = []
    for _ in range(runs):
        args = build()
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
        if budget is not None and sum(times) > budget:
            break
    return statistics.median(times), len(times)


def main():
    corpus, emitted, size, runs, budget = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    names = sys.argv[6:]
    table = load(corpus + "/test_polybench.py", "polybench_table")
    rows = []
    for name in names:
        modname, init_keys, size_keys, _ = table.KERNELS[name]
        orig = load(f"{corpus}/{modname}.py", "orig_" + modname)
        new = load(f"{emitted}/{modname}/{modname}.py", "new_" + modname)
        kname = "kernel_" + name.replace("-", "_")
        sz = orig.SIZES[size]
        data = orig.init_array(*[sz[k] for k in init_keys])
        if not isinstance(data, tuple):
            data = (data,)
        base = [sz[k] for k in size_keys] + list(data)

        def build():
            return [x.copy() if isinstance(x, np.ndarray) else x for x in base]

        guard = getattr(new, "_guard_" + kname, None)
        fast = guard is not None and bool(guard(*build()))
        with np.errstate(all="ignore"):
            getattr(new, kname)(*build())  # warm-up
            t_new, n_new = timed(getattr(new, kname), build, runs)
            t_orig, n_orig = timed(getattr(orig, kname), build, runs, budget)
        rows.append((name, t_orig, n_orig, t_new, n_new, fast))
        print(f"  {name}: original {t_orig:.4f}s ({n_orig} runs), emitted {t_new:.6f}s, "
              f"{t_orig / t_new:.1f}x", file=sys.stderr, flush=True)

    print(f"PolyBench {size.upper()}, medians of in-process kernel timings (Python {sys.version.split()[0]}, NumPy {np.__version__})")
    print(f"{'kernel':<16}{'original s':>12}{'runs':>6}{'emitted s':>12}{'runs':>6}{'speedup':>10}  variant")
    logs = []
    for name, t_orig, n_orig, t_new, n_new, fast in rows:
        sp = t_orig / t_new
        logs.append(math.log(sp))
        print(f"{name:<16}{t_orig:>12.4f}{n_orig:>6}{t_new:>12.6f}{n_new:>6}{sp:>9.1f}x  {'optimized' if fast else 'original (fallback)'}")
    gm = math.exp(sum(logs) / len(logs))
    opt = [math.log(r[1] / r[3]) for r in rows if r[5]]
    print(f"geometric mean speedup: {gm:.1f}x over {len(rows)} kernels", end="")
    if opt:
        print(f"; {math.exp(sum(opt) / len(opt)):.1f}x over the {len(opt)} optimized", end="")
    print()
    slower = [r[0] for r in rows if r[3] > r[1] * 1.05]
    print("slower than the original:", ", ".join(slower) if slower else "none")


if __name__ == "__main__":
    main()
