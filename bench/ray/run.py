"""The emitted Ray variants on 1, 2 and 3 worker nodes against the single-process NumPy variant.

usage, from the repository root after `make setup`:

    python3 bench/ray/run.py                                   # LARGE, gemm 2mm 3mm syrk covariance
    python3 bench/ray/run.py --size medium --workers 1,2 --kernels gemm,2mm

For each kernel it profiles the PolyBench program at MINI and SMALL, emits it, builds the inputs
at --size with the program's own init_array, and in this one process times (median of --runs,
inputs copied outside the timed region):

    numpy     the emitted NumPy variant, one process (PYPARC_VARIANT=numpy);
    ray N     the emitted Ray variant on a fresh loopback cluster of a head and N worker nodes
              (testdata/ray/cluster.py: real separate raylets, one CPU each).

Every Ray result is checked against the NumPy variant's (rtol 1e-9) before it is timed. Per Ray
call it reports the tasks, the bytes shipped to tasks and back, and what shipping every array
whole to every task (and back) would have moved. Writes bench/results/ray-SIZE.md and .json.

This machine has 2 cores: N worker nodes share them, so the times show the overhead of
distribution more than its scaling; the bytes columns are what carries over to a real cluster.
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "testdata", "programs", "polybench")
RESULTS = os.path.join(ROOT, "bench", "results")
sys.path.insert(0, CORPUS)
sys.path.insert(0, os.path.join(ROOT, "testdata", "ray"))
import test_polybench as tp  # noqa: E402
from cluster import Cluster  # noqa: E402


def emit(name, pyparc, work):
    modname = tp.KERNELS[name][0]
    script = os.path.join(CORPUS, modname + ".py")
    db = os.path.join(work, "p.db")
    for size in ("mini", "small"):
        subprocess.run([pyparc, "profile", "run", "--python", sys.executable, "--db", db, script,
                        "--size", size, os.path.join(work, "p.npz")], check=True, capture_output=True)
    out = os.path.join(work, modname)
    subprocess.run([pyparc, "emit", "--db", db, "-o", out, script], check=True, capture_output=True)
    path = os.path.join(out, modname + ".py")
    sys.path.insert(0, out)
    spec = importlib.util.spec_from_file_location("emitted_" + modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def timed(fn, args, runs):
    times = []
    for _ in range(runs):
        a = tp.copied(args)
        t0 = time.perf_counter()
        fn(*a)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="large", choices=["mini", "small", "medium", "large"])
    p.add_argument("--kernels", default="gemm,2mm,3mm,syrk,covariance")
    p.add_argument("--workers", default="1,2,3")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pyparc", default=os.path.join(ROOT, "bin", "pyparc"))
    p.add_argument("--out", default=RESULTS)
    opts = p.parse_args()
    names = opts.kernels.split(",")
    counts = [int(w) for w in opts.workers.split(",")]
    work = tempfile.mkdtemp(prefix="pyparc-ray-bench-")
    rows = {}
    mods = {}
    for name in names:
        print(f"{name}: profile and emit", file=sys.stderr, flush=True)
        em = emit(name, opts.pyparc, work)
        _, params, args = tp.build_args(name, opts.size)
        fn = getattr(em, tp.kernel_name(name))
        em._rt.VARIANT = "numpy"
        want = tp.copied(args)
        fn(*want)
        t = timed(fn, args, opts.runs)
        print(f"{name}: numpy {t:.3f}s", file=sys.stderr, flush=True)
        rows[name] = {"numpy": t, "ray": {}, "outputs": tp.KERNELS[name][3]}
        mods[name] = (em, fn, params, args, want)
    import ray
    for n in counts:
        print(f"starting a cluster of {n} worker node(s)", file=sys.stderr, flush=True)
        with Cluster(workers=n) as c:
            os.environ["RAY_ADDRESS"] = c.address
            for name in names:
                em, fn, params, args, want = mods[name]
                em._rt.VARIANT = "ray"
                got = tp.copied(args)
                fn(*got)  # warm-up: connects, compiles in the workers
                bad = [o for o in rows[name]["outputs"]
                       if not np.allclose(got[params.index(o)], want[params.index(o)], rtol=1e-9, atol=1e-12)]
                if bad:
                    rows[name]["ray"][n] = {"error": "outputs differ: " + ", ".join(bad)}
                    print(f"{name}: ray {n}: WRONG {bad}", file=sys.stderr, flush=True)
                    continue
                for k in em._rt.ray_totals:
                    em._rt.ray_totals[k] = 0
                t = timed(fn, args, opts.runs)
                tot = dict(em._rt.ray_totals)
                per = {k: tot[k] / opts.runs for k in tot}
                rows[name]["ray"][n] = {"seconds": t, **per}
                print(f"{name}: ray {n} workers {t:.3f}s, {per['tasks']:.0f} tasks, "
                      f"{per['bytes_shipped'] / 1e6:.1f} MB shipped", file=sys.stderr, flush=True)
            ray.shutdown()
    os.makedirs(opts.out, exist_ok=True)
    head = ["kernel", "numpy 1 proc (s)"] + [f"ray {n} node(s) (s)" for n in counts] + \
        ["Ray calls", "tasks", "MB shipped + returned", "MB naive", "shipped/naive"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        r = rows[name]
        cells = [name, f"{r['numpy']:.3f}"]
        last = None
        for n in counts:
            x = r["ray"].get(n, {})
            if "seconds" in x:
                cells.append(f"{x['seconds']:.3f} ({r['numpy'] / x['seconds']:.2f}x)")
                last = x
            else:
                cells.append(x.get("error", "-"))
        if last and last["calls"]:
            moved = last["bytes_shipped"] + last["bytes_returned"]
            cells += [f"{last['calls']:.0f}", f"{last['tasks']:.0f}", f"{moved / 1e6:.1f}",
                      f"{last['naive_bytes'] / 1e6:.1f}", f"{moved / max(last['naive_bytes'], 1):.2f}"]
        else:
            cells += ["0", "-", "-", "-", "- (no loop was distributed)"]
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    meta = {"size": opts.size, "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
            "python": platform.python_version(), "numpy": np.__version__, "ray": ray.__version__}
    with open(os.path.join(opts.out, f"ray-{opts.size}.md"), "w") as f:
        f.write(f"Ray variants, PolyBench {opts.size.upper()}, {meta['cpus']} CPUs, "
                f"load {meta['loadavg'][0]:.1f}\n\n{table}\n")
    with open(os.path.join(opts.out, f"ray-{opts.size}.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1, default=str)


if __name__ == "__main__":
    main()
