"""STAP's emitted program with its Ray variant, on a local Ray cluster of N CPUs, against the same
emitted program in one process and against the original.

usage, from the repository root after `make build` (Ray installed):

    python3 bench/stap/ray_run.py --size realistic --cpus 1,4,16 --runs 3

It profiles and emits stap.py (as bench/stap/run.py does), then for each entry of --cpus starts a
driver process that calls `ray.init(num_cpus=N, num_gpus=G)` (G: --gpus, default every GPU CuPy
sees; the tasks of a loop that calls Python functions ask for none) and runs the pipeline
(`stap.run(size)`) --runs + 1 times with PYPARC_RAY=1: the first run ("cold") starts the
workers, which import the emitted module and load Numba's cache; the median of the others is the
"warm" time, what a program that calls the pipeline repeatedly sees. The "single process" row is
the same emitted program with Ray off, the "original" row the program as written (both measured
the same way, in their own processes). Every output is compared with the original's (rtol 1e-9).
Prints a markdown table, with the bytes the Ray variant shipped per call, and writes it under --out.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(ROOT, "testdata", "programs", "stap")

DRIVER = r"""
import json, os, statistics, sys, time
folder, size, runs, cpus, gpus, out = sys.argv[1:7]
runs, cpus, gpus = int(runs), int(cpus), int(gpus)
sys.path.insert(0, folder)
os.chdir(folder)
if cpus > 0:
    import logging, ray
    ray.init(num_cpus=cpus, num_gpus=gpus, include_dashboard=False, logging_level=logging.WARNING)
import numpy as np
import stap
times = []
for r in range(runs + 1):
    t0 = time.perf_counter()
    power, amf, det = stap.run(size)
    times.append(time.perf_counter() - t0)
np.savez(out, power=power, amf=amf, detections=det)
stats = {}
try:
    from pyparc_rt import _ray, ray_totals
    stats = dict(_ray.last_stats(), calls=ray_totals["calls"])
    stats.pop("nodes", None)
except Exception:
    pass
print(json.dumps({"cold": times[0], "warm": statistics.median(times[1:]), "stats": stats}))
"""


def drive(folder, size, runs, cpus, gpus, out):
    env = dict(os.environ)
    env.pop("PYPARC_VARIANT", None)
    env["PYPARC_RAY"] = "1" if cpus > 0 else "0"
    env.setdefault("RAY_AUTH_MODE", "disabled")
    res = subprocess.run([sys.executable, "-c", DRIVER, folder, size, str(runs), str(cpus), str(gpus), out],
                         env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{folder} cpus={cpus}: {res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def same(want, got):
    a, b = np.load(want), np.load(got)
    return set(a.files) == set(b.files) and all(np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12) for k in a.files)


def gpu_count():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount()
    except Exception:
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="realistic")
    p.add_argument("--profile-size", default="small")
    p.add_argument("--cpus", default=f"1,{os.cpu_count()}", help="Ray cluster sizes (CPUs), comma-separated")
    p.add_argument("--gpus", type=int, default=-1, help="GPUs given to the Ray cluster (default: all)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pyparc", default=os.path.join(ROOT, "bin", "pyparc"))
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = p.parse_args()
    gpus = gpu_count() if args.gpus < 0 else args.gpus

    work = tempfile.mkdtemp(prefix="pyparc-stap-ray-")
    orig = os.path.join(work, "orig")
    shutil.copytree(PROGRAM, orig, ignore=shutil.ignore_patterns("test_*", "__pycache__", ".pyparc"))
    db = os.path.join(work, "p.db")
    subprocess.run([args.pyparc, "profile", "run", "--db", db, os.path.join(orig, "stap.py"),
                    "--size", args.profile_size, os.path.join(work, "p.npz")], check=True, capture_output=True)
    emitted = os.path.join(work, "emitted")
    summary = subprocess.run([args.pyparc, "emit", "--db", db, "-o", emitted, os.path.join(orig, "stap.py")],
                             check=True, capture_output=True, text=True).stdout
    print("\n".join(ln for ln in summary.splitlines() if "stap_filter" in ln), flush=True)

    want = os.path.join(work, "want.npz")
    got = os.path.join(work, "got.npz")
    rows = []
    base = drive(orig, args.size, args.runs, 0, 0, want)
    rows.append(("original", base, True))
    print(f"original: cold {base['cold']:.3f} s, warm {base['warm']:.3f} s", flush=True)
    for name, cpus in [("emitted, single process", 0)] + [(f"emitted, Ray {c} CPUs", int(c)) for c in args.cpus.split(",") if c]:
        r = drive(emitted, args.size, args.runs, cpus, gpus if cpus else 0, got)
        rows.append((name, r, same(want, got)))
        print(f"{name}: cold {r['cold']:.3f} s, warm {r['warm']:.3f} s, stats {r['stats']}", flush=True)

    single = rows[1][1]["warm"]
    lines = [f"STAP pipeline, size {args.size}, {os.cpu_count()} CPUs here, {gpus} GPU(s) given to Ray; "
             f"warm: median of {args.runs} runs after the cold one, in one process", "",
             "| version | cold (s) | warm (s) | warm vs original | warm vs single process | MB shipped per call | output |",
             "|---|---|---|---|---|---|---|"]
    for name, r, ok in rows:
        st = r["stats"]
        mb = f"{st['bytes_shipped'] / 1e6:.1f}" if st.get("tasks") else "-"
        lines.append(f"| {name} | {r['cold']:.3f} | {r['warm']:.3f} | {base['warm'] / r['warm']:.2f}x | "
                     f"{single / r['warm']:.2f}x | {mb} | {'same' if ok else 'DIFFERS'} |")
    table = "\n".join(lines)
    print(table)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"stap_ray_{args.size}.md"), "w") as f:
        f.write(table + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
