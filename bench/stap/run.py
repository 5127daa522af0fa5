"""The STAP radar pipeline (testdata/programs/stap), original against pyparc's emitted program.

usage, from the repository root after `make build`:

    python3 bench/stap/run.py --size realistic --runs 3

It profiles stap.py at --profile-size (default: the timed size) into a temporary folder, emits it,
then runs the original and the emitted program (default dispatch, and each variant forced with
PYPARC_VARIANT) as separate processes, --runs times each after one warm-up run (which also fills
Numba's disk cache). Each run's own timing of the pipeline (stap.py prints it) is used; outputs
are compared with the original's (rtol 1e-9). Prints a markdown table and writes it under --out.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(ROOT, "testdata", "programs", "stap")


def timed_run(folder, size, out, variant=None):
    env = dict(os.environ)
    env.pop("PYPARC_VARIANT", None)
    if variant:
        env["PYPARC_VARIANT"] = variant
    res = subprocess.run([sys.executable, "stap.py", "--size", size, out], cwd=folder, env=env,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{folder} {variant}: {res.stderr[-2000:]}")
    m = re.search(r"in ([0-9.]+) s", res.stdout)
    return float(m.group(1))


def same(want, got):
    a, b = np.load(want), np.load(got)
    return set(a.files) == set(b.files) and all(np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12) for k in a.files)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="realistic")
    p.add_argument("--profile-size", default="")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--variants", default="numpy,numba", help="variants also timed forced")
    p.add_argument("--pyparc", default=os.path.join(ROOT, "bin", "pyparc"))
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="pyparc-stap-")
    orig = os.path.join(work, "orig")
    shutil.copytree(PROGRAM, orig, ignore=shutil.ignore_patterns("test_*", "__pycache__", ".pyparc"))
    db = os.path.join(work, "p.db")
    subprocess.run([args.pyparc, "profile", "run", "--db", db, os.path.join(orig, "stap.py"),
                    "--size", args.profile_size or args.size, os.path.join(work, "p.npz")],
                   check=True, capture_output=True)
    emitted = os.path.join(work, "emitted")
    summary = subprocess.run([args.pyparc, "emit", "--db", db, "-o", emitted, os.path.join(orig, "stap.py")],
                             check=True, capture_output=True, text=True).stdout
    print(summary)

    want = os.path.join(work, "want.npz")
    rows = []
    versions = [("original", orig, None), ("pyparc (default)", emitted, None)]
    versions += [(f"pyparc ({v})", emitted, v) for v in args.variants.split(",") if v]
    base = None
    for name, folder, variant in versions:
        out = want if base is None else os.path.join(work, "got.npz")
        timed_run(folder, args.size, out, variant)  # warm-up: imports, Numba's cache
        times = [timed_run(folder, args.size, out, variant) for _ in range(args.runs)]
        ok = True if base is None else same(want, out)
        med = statistics.median(times)
        base = base or med
        rows.append((name, med, base / med, ok))
        print(f"{name}: median {med:.3f} s of {args.runs}, {base / med:.2f}x, output {'ok' if ok else 'DIFFERS'}", flush=True)

    nproc = os.cpu_count()
    lines = [f"STAP pipeline, size {args.size}, {nproc} CPUs, median of {args.runs} runs (one warm-up each)", "",
             "| version | time (s) | speedup | output |", "|---|---|---|---|"]
    for name, med, sp, ok in rows:
        lines.append(f"| {name} | {med:.3f} | {sp:.2f}x | {'same' if ok else 'DIFFERS'} |")
    table = "\n".join(lines)
    print(table)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"stap_{args.size}.md"), "w") as f:
        f.write(table + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
