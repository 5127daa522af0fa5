"""PolyBench against its peers: the original, pyparc's variants, Numba (as a user applies it, and with
prange on the parallel loops), NumPy by hand.

usage, from the repository root after `make build`:

    python3 bench/peers/run.py                          # SMALL dataset, all 30 kernels
    python3 bench/peers/run.py --size medium            # MEDIUM
    python3 bench/peers/run.py --kernels gemm,lu,adi    # a few kernels
    python3 bench/peers/run.py --workdir /tmp/peers     # keep the profiles and emitted programs
    python3 bench/peers/run.py --workdir /tmp/peers --reuse   # time them again without re-emitting
    python3 bench/peers/run.py --threads 1              # Numba (all its versions) on one thread
    python3 bench/peers/run.py --size large --kernels gemm,jacobi-2d   # base: pyparc's NumPy variant

For every kernel of testdata/programs/polybench it

1. profiles the program at MINI and SMALL (`bin/pyparc profile run --db DB SCRIPT --size S OUT.npz`;
   two sizes so that extents equal by coincidence at one size do not become one shape symbol),
   keeps `pyparc explain --json` of the kernel, and emits the program (`bin/pyparc emit --db DB -o
   WORK/emitted/MODULE SCRIPT`); the emitted kernel is the function of the same name in
   WORK/emitted/MODULE/MODULE.py;
2. in this one Python process (with --isolate, in a process of its own for each kernel: kernels
   timed one after another disturb each other), on fresh copies of the same inputs built by the module's own
   init_array, runs these versions of the kernel:
     original        the plain-loop kernel as written (the base of the speedups, see --base),
     pyparc(chosen)  the emitted dispatcher as a user runs it: guard, then the variant emit chose,
     pyparc(numpy)   the same dispatcher with PYPARC_VARIANT=numpy (its whole-array variant),
     pyparc(numba)   the same with PYPARC_VARIANT=numba (its loop nests compiled by Numba, prange
                     on the loops pyparc proves parallel); "-" where emit made no such variant,
     numba(user)     numba.njit(parallel=True) on the unchanged original function, as a user
                     would decorate it (Numba parallelizes nothing without prange),
     numba(prange)   numba.njit(parallel=True) on the original source with `range` turned into
                     `prange` on the loops that prange_table.py lists (written by hand from the
                     PolyBench semantics; the same as numba(user) where no loop is parallel),
     numpy(hand)     the hand-written NumPy version (reference.py's REFERENCE);
   every version but the original is called once first (JIT compilation and warm-up, reported as
   "first call", left out of the timings), its outputs checked against the base's (integers
   exactly, floats rtol 1e-9, atol 1e-12; for gramschmidt, whose PolyBench input is rank
   deficient, only the part the original determines): a version that fails or gives other
   answers is reported and not timed. Then the versions are timed in --runs interleaved rounds
   (each version once per round, a cheap one up to 10 times or 0.04 s), so that load from other
   work on a shared machine falls on every version alike (--settle S pauses S seconds before each
   version's calls: after a BLAS call OpenBLAS's threads spin about 0.1 s, and a Numba parallel
   region started meanwhile ran several times slower); each reports the median of its calls
   (the JSON also keeps every call and the minimum). A version stops after the round in which
   its calls passed --max-time seconds; the original runs first, alone, and stops once its runs
   took --max-orig (the JSON says how many runs each got);
3. compares prange_table.py with the loops `pyparc explain` calls parallel (outermost ones) and
   lists where they differ;
4. prints a table and writes bench/results/peers-SIZE.{txt,csv,json,md,svg,png} (peers-SIZE-tN.*
   with --threads N): the JSON has every timing, median, speedup, check and the machine; the
   markdown table gives time and speedup per version and pyparc(chosen) against the best peer and
   against numba(prange), then every kernel where pyparc(chosen) is slower than a peer; the PNG
   and SVG are bar charts of the speedups on a log axis (drawn by hand: no plotting library).

--base numpy (the default at LARGE, where the plain-Python originals take hours): the original is
not run; the reference outputs and the speedups' base come from pyparc's NumPy variant (from
numpy(hand) where pyparc has none; the tables mark that row), and pyparc(chosen) is not run where
it would run the original code.

Numba's parallel regions wait at a barrier for every thread: on a machine whose CPUs other work
keeps busy, one region costs milliseconds instead of microseconds (OpenMP threads spinning against
other processes; the harness sets OMP_WAIT_POLICY=passive unless told otherwise, see
--omp-wait-policy). The header shows the load average; compare with --threads 1 when it is above
the CPU count.
"""
import argparse
import contextlib
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "testdata", "programs", "polybench")
RESULTS = os.path.join(ROOT, "bench", "results")
sys.path.insert(0, HERE)
import png  # noqa: E402  (siblings of this script)
from prange_rewrite import compile_prange, cross_check  # noqa: E402
from prange_table import PRANGE  # noqa: E402

VERSIONS = ["original", "pyparc(chosen)", "pyparc(numpy)", "pyparc(numba)",
            "numba(user)", "numba(prange)", "numpy(hand)"]
PEERS = VERSIONS[1:]
FORCED = {"pyparc(chosen)": "", "pyparc(numpy)": "numpy", "pyparc(numba)": "numba"}  # PYPARC_VARIANT
OTHERS = ["numba(user)", "numba(prange)", "numpy(hand)"]  # what pyparc(chosen) has to beat
# --also adds forced columns for the variants only tuning picks
ALSO = {"inner": ("pyparc(inner)", "numba_inner", "#c5b0d5"), "tiled": ("pyparc(tiled)", "numba_tiled", "#17becf"),
        "sum": ("pyparc(sum)", "numba_sum", "#bcbd22"), "overlap": ("pyparc(overlap)", "numba_overlap", "#ff9896")}
COLORS = {"pyparc(chosen)": "#1f3f99", "pyparc(numpy)": "#7fa7e6", "pyparc(numba)": "#9467bd",
          "numba(user)": "#ff9f1a", "numba(prange)": "#d62728", "numpy(hand)": "#2ca02c"}


def load(path, key):
    """Import the file at path as module key, with its directory first on sys.path while it loads."""
    sys.path.insert(0, os.path.dirname(path))
    try:
        spec = importlib.util.spec_from_file_location(key, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    finally:
        sys.path.pop(0)
    return mod


# test_polybench holds the kernel table (how to build and call each kernel, what it writes)
POLY = load(os.path.join(CORPUS, "test_polybench.py"), "polybench_table")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- profile and emit

def emit_all(names, pyparc, workdir, reuse, tune=0.0, tune_scales=""):
    """Profile, explain and emit every kernel's program.

    Returns {name: (emit's report line or error, explain's JSON or "")}.
    """
    db = os.path.join(workdir, "profile.db")
    notes = {}
    for k, name in enumerate(names, 1):
        mod = POLY.KERNELS[name][0]
        kname = POLY.kernel_name(name)
        script = os.path.join(CORPUS, mod + ".py")
        out = os.path.join(workdir, "emitted", mod)
        saved = os.path.join(workdir, "emitted", mod + ".emit.txt")  # emit's report, kept for --reuse
        explained = os.path.join(workdir, "emitted", mod + ".explain.json")
        if reuse and os.path.exists(os.path.join(out, mod + ".py")) and os.path.exists(saved):
            with open(saved) as f:
                report = f.read()
        else:
            t0 = time.perf_counter()
            try:
                for size in ("mini", "small"):
                    sh([pyparc, "profile", "run", "--python", sys.executable, "--db", db, script,
                        "--size", size, os.path.join(workdir, mod + "-" + size + ".npz")])
                if tune > 0:
                    # pyparc tune measures the variants on this machine; emit then dispatches by
                    # its thresholds instead of the untuned default.
                    scales = ["--scales", tune_scales] if tune_scales else []
                    sh([pyparc, "tune", "--python", sys.executable, "--db", db, "--budget", str(tune),
                        "--runs", "3"] + scales + [script])
                report = sh([pyparc, "emit", "--db", db, "-o", out, script])
            except RuntimeError as err:
                notes[name] = ("emit failed: " + str(err).splitlines()[0], "")
                log(f"  [{k}/{len(names)}] {name}: {notes[name][0]}")
                continue
            with open(saved, "w") as f:
                f.write(report)
            log(f"  [{k}/{len(names)}] {name}: profiled and emitted in {time.perf_counter() - t0:.1f}s")
        if not (reuse and os.path.exists(explained)):
            try:
                with open(explained, "w") as f:
                    f.write(sh([pyparc, "explain", "--db", db, "--json", f"{script}:{kname}"], stdout_only=True))
            except RuntimeError as err:
                log(f"  {name}: explain failed: {str(err).splitlines()[0]}")
                os.remove(explained)
        explain = open(explained).read() if os.path.exists(explained) else ""
        notes[name] = (report_line(report, name), explain)
    return notes


def report_line(report, name):
    """What emit's report says about the kernel function ("...; runs numba"), or ""."""
    kname = POLY.kernel_name(name)
    line = next((ln for ln in report.splitlines() if re.search(rf"\b{kname} \(", ln)), "")
    return line.split(":", 2)[-1].strip() if line else ""


def sh(cmd, stdout_only=False):
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return proc.stdout if stdout_only else proc.stdout + proc.stderr


# ------------------------------------------------------------------------------------- timing

def timed(fn, build, runs, budget=None, min_total=0.2, max_runs=50):
    """Seconds of each fn(*build()) call: at least runs calls (and at least one).

    Inputs are built outside the timed region. A cheap fn runs more often (until min_total
    seconds or max_runs calls); with a budget, timing stops once the calls took that long.
    """
    times = []
    while len(times) < max_runs:
        args = build()
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
        total = sum(times)
        if budget is not None and total > budget:
            break
        if len(times) >= runs and total >= min_total:
            break
    return times


def outputs(name, params, args):
    """The arrays the kernel writes, by name, after a call on args."""
    return {out: args[params.index(out)] for out in POLY.KERNELS[name][3]}


def compare(name, got, want):
    """None if got matches want (integers exactly, floats rtol 1e-9), else what differs."""
    if name == "gramschmidt":
        got, _ = POLY.gramschmidt_determined(got["A"], got["R"], got["Q"])
        want, _ = POLY.gramschmidt_determined(want["A"], want["R"], want["Q"])
    for key, w in want.items():
        g = got[key]
        if g.shape != w.shape or g.dtype != w.dtype:
            return f"{key}: {g.dtype}{list(g.shape)} vs {w.dtype}{list(w.shape)}"
        if np.issubdtype(w.dtype, np.integer) or w.dtype == bool:
            if not np.array_equal(g, w):
                return f"{key}: {int(np.sum(g != w))} elements differ"
        elif not np.allclose(g, w, rtol=1e-9, atol=1e-12, equal_nan=True):
            err = np.nanmax(np.abs(g - w) / np.maximum(np.abs(w), 1e-300))
            return f"{key}: max relative error {err:.1e}"
    return None


@contextlib.contextmanager
def forced(emitted, variant):
    """Runs the emitted dispatchers with PYPARC_VARIANT=variant: pyparc_rt reads the environment
    variable once, at import, into pyparc_rt.VARIANT, and every dispatcher consults that on each
    call, so setting the attribute forces the variant in this process."""
    if emitted is None or not variant:
        yield
        return
    old = emitted._rt.VARIANT
    emitted._rt.VARIANT = variant
    try:
        yield
    finally:
        emitted._rt.VARIANT = old


def bench_kernel(name, opts, workdir, note):
    """Runs, checks and times the versions of one kernel; returns a row dict."""
    import numba

    modname = POLY.KERNELS[name][0]
    kname = POLY.kernel_name(name)
    _, params, base_args = POLY.build_args(name, opts.size)
    orig_fn = getattr(POLY.load(modname), kname)

    def build():
        return POLY.copied(base_args)

    row = {"kernel": name, "runs": {}, "time": {}, "min": {}, "times": {}, "first": {}, "error": {}, "missing": {},
           "variant": "", "emit_note": note, "guard": None}

    # the versions other than the original, and where one does not exist, why
    fns, emitted = {}, None
    path = os.path.join(workdir, "emitted", modname, modname + ".py")
    if os.path.exists(path):
        emitted = load(path, "emitted_" + modname)
        fns["pyparc(chosen)"] = getattr(emitted, kname)
        guard = getattr(emitted, "_guard_" + kname, None)
        row["guard"] = None if guard is None else bool(guard(*build()))  # None: left unchanged
        for version, variant in FORCED.items():
            if not variant:
                continue
            if row["guard"] is None or not hasattr(emitted, f"_{kname}__{variant}"):
                row["missing"][version] = "emit made no " + variant + " variant"
            elif not row["guard"]:
                row["missing"][version] = "the guard refuses these arguments"
            else:
                fns[version] = fns["pyparc(chosen)"]  # the dispatcher, run under forced(variant)
    else:
        for version in FORCED:
            row["missing"][version] = "not emitted"
    # "runs numpy", or "runs as tuned: numba below 1.4e+04, numpy above"
    chosen = re.search(r"runs ([^;\n]*)", note)
    if row["guard"] is None:
        row["variant"] = "unchanged"
    elif not row["guard"]:
        row["variant"] = "original (guard said no)"
    else:
        row["variant"] = chosen.group(1) if chosen else "optimized"
    fns["numba(user)"] = numba.njit(parallel=True)(orig_fn)
    loops, why = PRANGE[name]
    row["prange"] = {"loops": loops, "why": why}
    if loops:
        try:
            pfn, src = compile_prange(orig_fn, loops, numba.prange)
            fns["numba(prange)"] = numba.njit(parallel=True)(pfn)
            row["prange"]["source"] = src
        except ValueError as err:
            row["error"]["numba(prange)"] = "bad prange table entry: " + str(err)
    fns["numpy(hand)"] = POLY.reference.REFERENCE[name]

    # the base: the original, or (--base numpy) pyparc's NumPy variant, else the hand-written one
    for version in [v for v in opts.skip.split(",") if v]:
        if fns.pop(version, None) is not None:
            row["missing"][version] = "not run (--skip)"
    if opts.base == "original":
        base = "original"
    else:
        if opts.base == "numba":
            base = "numba(user)"
        else:
            base = "pyparc(numpy)" if "pyparc(numpy)" in fns else "numpy(hand)"
        row["missing"]["original"] = "not run (base: " + base + ")"
        if row["variant"] in ("unchanged", "original (guard said no)"):
            fns.pop("pyparc(chosen)", None)
            row["missing"]["pyparc(chosen)"] = "would run the original code: not run at this size"
    row["base"] = base

    want = None
    if base == "original":  # its first timed run gives the outputs everything is checked against
        ref_args = build()
        t0 = time.perf_counter()
        orig_fn(*ref_args)
        first = time.perf_counter() - t0
        want = outputs(name, params, ref_args)
        times = [first]
        if first < opts.max_orig:
            times += timed(orig_fn, build, opts.runs - 1, opts.max_orig - first)
        row["time"]["original"], row["times"]["original"] = statistics.median(times), times
        row["min"]["original"], row["runs"]["original"] = min(times), len(times)

    # 1. every version once: compilation and warm-up, and the check against the base
    #    (in --base numpy, numpy(hand) stands in for pyparc(numpy) if that one fails)
    first_ones = [base] + (["numpy(hand)"] if base == "pyparc(numpy)" else [])
    good = []
    for version in first_ones + [v for v in PEERS if v not in first_ones]:
        if version not in fns:
            continue
        with forced(emitted, FORCED.get(version, "")):
            args = build()
            try:
                t0 = time.perf_counter()
                fn = fns[version]
                fn(*args)  # compiles where there is something to compile
                row["first"][version] = time.perf_counter() - t0
            except Exception as err:  # numba rejects some kernels: report why, keep going
                row["error"][version] = "failed: " + (str(err).strip().splitlines() or [type(err).__name__])[0][:120]
                continue
        got = outputs(name, params, args)
        if want is None:  # this is the base (or its stand-in)
            want, row["base"] = got, version
        else:
            bad = compare(name, got, want)
            if bad:
                row["error"][version] = "MISMATCH " + bad
                continue  # a wrong answer is reported, never timed
        good.append(version)

    # 2. timing, interleaved: in each of opts.runs rounds every version runs once (a cheap one
    #    a few times), so that load from other work on a shared machine falls on all versions
    #    alike instead of on whichever ran while it lasted
    times = {v: [] for v in good}
    for rnd in range(opts.runs):
        for version in good:
            if rnd > 0 and sum(times[version]) > opts.max_time:
                continue
            if opts.settle > 0:
                # The threads of the version before (OpenBLAS's spin about 0.1 s after a call;
                # OpenMP's too, with OMP_WAIT_POLICY unset) would take this one's cores.
                time.sleep(opts.settle)
            with forced(emitted, FORCED.get(version, "")):
                times[version] += timed(fns[version], build, 1, min_total=0.2 / opts.runs, max_runs=10)
    for version in good:
        ts = times[version]
        row["time"][version], row["times"][version] = statistics.median(ts), ts
        row["min"][version], row["runs"][version] = min(ts), len(ts)
        if sum(ts) > 5:
            log(f"    {name} {version}: {row['time'][version]:.4g}s x {len(ts)}")

    if not loops and "numba(user)" in fns:  # no parallel loop: the prange peer is numba(user)
        for key in ("time", "min", "times", "runs", "first", "error"):
            if "numba(user)" in row[key]:
                row[key]["numba(prange)"] = row[key]["numba(user)"]
        row["prange"]["same_as"] = "numba(user)"
    return row


# ------------------------------------------------------------------------------------- report

def ok(row, version):
    return version in row["time"] and version not in row["error"]


def speedup(row, version):
    """Speedup of version over the row's base, or None if either failed or gave other answers."""
    if not ok(row, version) or not ok(row, row["base"]):
        return None
    return row["time"][row["base"]] / row["time"][version]


def best_peer(row):
    """(name, seconds) of the fastest of OTHERS that ran and matched, or (None, None)."""
    got = [(row["time"][v], v) for v in OTHERS if ok(row, v)]
    return (min(got)[1], min(got)[0]) if got else (None, None)


def ratio(row, other):
    """How many times faster pyparc(chosen) is than other (time of other / time of chosen)."""
    if other is None or not ok(row, "pyparc(chosen)") or not ok(row, other):
        return None
    return row["time"][other] / row["time"]["pyparc(chosen)"]


def ratio_min(row, other):
    """ratio() on the fastest call of each instead of the median: interference from other work
    on the machine only ever adds time, so a gap that shows here too is not noise."""
    if other is None or not ok(row, "pyparc(chosen)") or not ok(row, other):
        return None
    return row["min"][other] / row["min"]["pyparc(chosen)"]


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def summary(rows):
    """Geometric means and the kernels where pyparc(chosen) loses to a peer."""
    gm = {v: {"geomean": geomean([speedup(r, v) for r in rows]),
              "kernels": sum(1 for r in rows if speedup(r, v))} for v in PEERS}
    best = [ratio(r, best_peer(r)[0]) for r in rows]
    vs_prange = [ratio(r, "numba(prange)") for r in rows]
    gaps = []
    for r in rows:
        for v in OTHERS:
            x = ratio(r, v)
            if x is not None and x < 1:
                xm = ratio_min(r, v)
                gaps.append({"kernel": r["kernel"], "peer": v, "chosen_variant": r["variant"],
                             "chosen_s": r["time"]["pyparc(chosen)"], "peer_s": r["time"][v],
                             "peer_faster_by": 1 / x, "peer_faster_by_min": 1 / xm,
                             "clear": 1 / x >= 1.1 and 1 / xm >= 1.1})
    # pyparc(chosen) and the forced variant it dispatches to run the same code: their ratio is
    # the measurement noise of this run
    same = {r["kernel"]: {"median": r["time"]["pyparc(chosen)"] / r["time"]["pyparc(" + r["variant"] + ")"],
                          "min": r["min"]["pyparc(chosen)"] / r["min"]["pyparc(" + r["variant"] + ")"]}
            for r in rows if ok(r, "pyparc(chosen)") and ok(r, "pyparc(" + r["variant"] + ")")}
    return {"speedup_geomean": gm, "same_code_ratio": same,
            "chosen_vs_best_peer": {"geomean": geomean(best), "kernels": sum(1 for x in best if x)},
            "chosen_vs_numba_prange": {"geomean": geomean(vs_prange), "kernels": sum(1 for x in vs_prange if x)},
            "gaps": gaps}


def fmt_t(t):
    if t >= 1:
        return f"{t:.3g} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} us"


def fmt_x(x):
    return f"{x:.3g}x" if x is not None else "-"


def cell_status(row, v):
    """"-" for a version that does not exist or was not run, "FAIL"/"WRONG" for one that broke."""
    if v in row["missing"]:
        return "-"
    err = row["error"].get(v, "")
    return "WRONG" if err.startswith("MISMATCH") else "FAIL" if err else "-"


def base_label(opts):
    if opts.base == "numba":
        return "numba(user)"
    return ("the original" if opts.base == "original"
            else "pyparc(numpy), the emitted NumPy variant (numpy(hand) where marked *)")


def table(rows, header, summ):
    """The report as text lines (fixed-width, for the terminal and the .txt)."""
    lines = [header, ""]
    short = {"original": "orig", "pyparc(chosen)": "chosen", "pyparc(numpy)": "pp-numpy",
             "pyparc(numba)": "pp-numba", "numba(user)": "nb-user", "numba(prange)": "nb-prange",
             "numpy(hand)": "np-hand", "pyparc(inner)": "pp-inner", "pyparc(tiled)": "pp-tiled",
             "pyparc(sum)": "pp-sum", "pyparc(overlap)": "pp-overlap"}
    lines.append(f"{'kernel':<15}" + "".join(f"{short[v] + ' s':>12}" for v in VERSIONS) +
                 "".join(f"{short[v]:>10}" for v in PEERS) + "  chosen variant")
    for r in rows:
        cells = [f"{r['kernel'] + ('*' if r['base'] == 'numpy(hand)' else ''):<15}"]
        for v in VERSIONS:
            cells.append(f"{r['time'][v]:>12.4g}" if ok(r, v) else f"{cell_status(r, v):>12}")
        for v in PEERS:
            s = speedup(r, v)
            cells.append(f"{s:>9.3g}x" if s else f"{cell_status(r, v):>10}")
        cells.append("  " + r["variant"])
        lines.append("".join(cells))
    lines.append("")
    gm = summ["speedup_geomean"]
    lines.append("geometric mean speedup: " + ", ".join(
        f"{v} {gm[v]['geomean']:.3g}x ({gm[v]['kernels']})" for v in PEERS))
    b, p = summ["chosen_vs_best_peer"], summ["chosen_vs_numba_prange"]
    lines.append(f"pyparc(chosen) vs the best peer: {b['geomean']:.3g}x ({b['kernels']} kernels); "
                 f"vs numba(prange): {p['geomean']:.3g}x ({p['kernels']} kernels)  (>1: pyparc faster)")
    lines.append("pyparc(chosen) slower than a peer:" + ("" if summ["gaps"] else " never"))
    for g in sorted(summ["gaps"], key=lambda g: -g["peer_faster_by"]):
        lines.append(f"  {g['kernel']}: {g['peer']} {g['peer_faster_by']:.2f}x faster "
                     f"({fmt_t(g['peer_s'])} vs {fmt_t(g['chosen_s'])}, fastest calls "
                     f"{g['peer_faster_by_min']:.2f}x, chosen runs {g['chosen_variant']})" +
                     ("" if g["clear"] else " (unclear)"))
    problems = [f"  {r['kernel']} {v}: {e}" for r in rows for v, e in r["error"].items()]
    lines.append("failures and mismatches:" + ("" if problems else " none"))
    lines.extend(problems)
    return lines


def markdown(rows, meta, summ, crosscheck):
    b = meta["base"]
    out = [f"# PolyBench {meta['size'].upper()}: pyparc against its peers", "",
           f"Base of the speedups: **{base_label(argparse.Namespace(base=b))}**. "
           f"Each cell: median time (speedup over the base; runs in the JSON). "
           f"Ratios: time of the peer / time of pyparc(chosen), >1 means pyparc(chosen) is faster. "
           f"\"-\": no such variant or not run; WRONG: outputs differ from the base (not timed); FAIL: raised.", "",
           f"Machine: {meta['machine']['cpu_model']}, {meta['machine']['cpus']} CPUs, "
           f"load average {meta['load_before'][0]:.1f} before timing, {meta['load_after'][0]:.1f} after; "
           f"Python {meta['python']}, NumPy {meta['numpy']}, Numba {meta['numba']} "
           f"({meta['numba_threads']} threads, {meta['numba_threading_layer'] or '-'} layer, "
           f"OMP_WAIT_POLICY={meta['omp_wait_policy'] or '-'}); timed in {meta['runs']} interleaved rounds "
           f"(fewer for a version whose calls passed {meta['max_time_s']:g} s; call counts in the JSON; "
           f"{meta.get('settle_s', 0):g} s pause before each version's calls); "
           f"pyparc tree {meta['git']}.", ""]
    cols = (["original"] if b == "original" else []) + PEERS
    out.append("| kernel | " + " | ".join(cols) + " | chosen vs best peer | chosen vs numba(prange) | chosen runs |")
    out.append("|---" * (len(cols) + 4) + "|")
    for r in rows:
        cells = [r["kernel"] + (" *" if r["base"] == "numpy(hand)" else "")]
        for v in cols:
            if ok(r, v):
                s = speedup(r, v)
                cells.append(fmt_t(r["time"][v]) + ("" if v == "original" else f" ({fmt_x(s)})"))
            else:
                cells.append(cell_status(r, v))
        bp = best_peer(r)[0]
        x = ratio(r, bp)
        cells.append(f"{fmt_x(x)} ({bp})" if x else "-")
        cells.append(fmt_x(ratio(r, "numba(prange)")))
        cells.append(r["variant"])
        out.append("| " + " | ".join(cells) + " |")
    gm = summ["speedup_geomean"]
    out.append("| **geomean** | " + ("| " if b == "original" else "") +
               " | ".join(f"({gm[v]['geomean']:.3g}x, {gm[v]['kernels']})" for v in PEERS) +
               f" | {summ['chosen_vs_best_peer']['geomean']:.3g}x | {summ['chosen_vs_numba_prange']['geomean']:.3g}x | |")
    out += ["", "## Where pyparc(chosen) is slower than a peer"]
    if not summ["gaps"]:
        out += ["", "Nowhere."]
    gaps = sorted(summ["gaps"], key=lambda g: -g["peer_faster_by"])
    for clear in (True, False):
        some = [g for g in gaps if g["clear"] == clear]
        if some:
            out += ["", "Clear (the peer is at least 1.1x faster by the median and by the fastest call):" if clear
                    else "Unclear (less than 1.1x by the median or by the fastest call: may be noise):", ""]
        for g in some:
            out.append(f"- {g['kernel']}: {g['peer']} is {g['peer_faster_by']:.2f}x faster "
                       f"(median {fmt_t(g['peer_s'])} vs {fmt_t(g['chosen_s'])}; fastest calls "
                       f"{g['peer_faster_by_min']:.2f}x; pyparc runs {g['chosen_variant']})")
    same = summ["same_code_ratio"]
    if same:
        for how in ("median", "min"):
            vals = {k: v[how] for k, v in same.items()}
            worst = max(vals, key=lambda k: abs(math.log(vals[k])))
            out += ["", f"Noise ({'medians' if how == 'median' else 'fastest calls'}): pyparc(chosen) and "
                    f"the forced variant it dispatches to run the same code; their time ratio is within "
                    f"{min(vals.values()):.2f}..{max(vals.values()):.2f} over {len(vals)} kernels "
                    f"(farthest from 1: {worst})."]
    out += ["", "## prange table (bench/peers/prange_table.py) against `pyparc explain`", "",
            "Loops are VAR#K, the K-th loop over VAR in the kernel's source. Listed: where the hand-written "
            "table and pyparc's outermost parallel loops differ.", ""]
    for r in rows:
        loops = r["prange"]["loops"]
        what = ", ".join(loops) if loops else "no parallel loop (numba(prange) = numba(user))"
        diff = crosscheck.get(r["kernel"])
        out.append(f"- {r['kernel']}: {what}" + ("" if diff is None else
                   "; pyparc agrees" if not diff else "; " + "; ".join(diff)))
    problems = [f"- {r['kernel']} {v}: {e}" for r in rows for v, e in r["error"].items()]
    problems += [f"- {r['kernel']} {v}: {e}" for r in rows for v, e in r["missing"].items()
                 if not e.startswith("not run (base")]
    out += ["", "## Failures, mismatches, missing variants", ""] + (problems or ["None."])
    out += ["", "Chart (PNG/SVG): one group of bars per kernel, in this order and color: " +
            ", ".join(f"{v} {COLORS[v]}" for v in PEERS) + "."]
    return out


def write_csv(rows, path):
    cols = ["kernel", "base", "original_s", "original_runs"]
    for v in PEERS:
        cols += [f"{v}_s", f"{v}_runs", f"{v}_first_call_s", f"{v}_speedup", f"{v}_status"]
    cols.append("chosen_variant")
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for r in rows:
            vals = [r["kernel"], r["base"], f"{r['time']['original']:.6g}" if "original" in r["time"] else "",
                    str(r["runs"].get("original", ""))]
            for v in PEERS:
                s = speedup(r, v)
                status = r["error"].get(v) or r["missing"].get(v) or "ok"
                vals += [f"{r['time'][v]:.6g}" if v in r["time"] else "",
                         str(r["runs"].get(v, "")),
                         f"{r['first'][v]:.6g}" if v in r["first"] else "",
                         f"{s:.4g}" if s else "",
                         '"' + status.replace('"', "'") + '"']
            vals.append('"' + r["variant"].replace('"', "'") + '"')
            f.write(",".join(vals) + "\n")


def write_svg(rows, path, title):
    """Grouped horizontal bars of the speedups on a log scale, one group per kernel."""
    vals = [s for r in rows for v in PEERS for s in [speedup(r, v)] if s]
    lo = 10 ** math.floor(math.log10(min(vals + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(vals + [10.0])))
    left, width, bar, gap, top = 120, 640, 4, 8, 70
    height = top + len(rows) * (len(PEERS) * bar + gap) + 50

    def x(s):
        return left + width * (math.log10(s) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="20" font-size="14">{esc(title)}</text>']
    for i, v in enumerate(PEERS):  # legend, three a row
        lx, ly = left + 200 * (i % 3), 32 + 14 * (i // 3)
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="10" fill="{COLORS[v]}"/>'
                   f'<text x="{lx + 16}" y="{ly + 9}">{esc(v)}</text>')
    for e in range(round(math.log10(lo)), round(math.log10(hi)) + 1):  # decades; 1x in black
        xx = x(10.0 ** e)
        out.append(f'<line x1="{xx:.1f}" y1="{top - 6}" x2="{xx:.1f}" y2="{height - 40}" '
                   f'stroke="{"#000" if e == 0 else "#ccc"}"/>'
                   f'<text x="{xx:.1f}" y="{height - 26}" text-anchor="middle">{10.0 ** e:g}x</text>')
    for k, r in enumerate(rows):
        y0 = top + k * (len(PEERS) * bar + gap)
        out.append(f'<text x="{left - 6}" y="{y0 + len(PEERS) * bar / 2 + 4}" text-anchor="end">'
                   f'{esc(r["kernel"])}</text>')
        for i, v in enumerate(PEERS):
            s = speedup(r, v)
            if not s:
                continue
            x0, x1 = sorted((x(1.0), x(s)))
            out.append(f'<rect x="{x0:.1f}" y="{y0 + i * bar}" width="{max(x1 - x0, 0.5):.1f}" height="{bar - 1}" '
                       f'fill="{COLORS[v]}"><title>{esc(r["kernel"])} {esc(v)}: {s:.3g}x</title></rect>')
    out.append(f'<text x="{left + width / 2}" y="{height - 8}" text-anchor="middle">'
               'speedup over the base (log scale; bars left of 1x are slower)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "cpu_model": model,
            "platform": platform.platform()}


def git_state():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


# Options a kernel's own process gets from the parent's command line unchanged: all but these
# (it times the parent's emitted programs, and writes its report where the parent reads it).
NOT_PASSED = {"--kernels": 1, "--workdir": 1, "--out": 1, "--tune": 1, "--tune-scales": 1, "--reuse": 0, "--isolate": 0}


def bench_isolated(name, workdir):
    """One kernel's row and cross-check, timed by a run of this script in a process of its own
    (--isolate): kernels timed one after another in one process disturb each other (a
    nussinov timed after nine other kernels ran 41 ms where it ran 23 alone, numba(user) 25
    in both; H200 machine's 16 cores)."""
    args, skip = [], 0
    for a in sys.argv[1:]:
        if skip:
            skip -= 1
            continue
        key = a.split("=", 1)[0]
        if key in NOT_PASSED:
            skip = NOT_PASSED[key] if "=" not in a else 0
            continue
        args.append(a)
    out = tempfile.mkdtemp(prefix="pyparc-peers-" + name + "-")
    try:
        cmd = [sys.executable, os.path.abspath(__file__)] + args + [
            "--kernels", name, "--workdir", workdir, "--reuse", "--out", out]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        reports = [f for f in os.listdir(out) if f.endswith(".json")]
        if proc.returncode != 0 or len(reports) != 1:
            raise RuntimeError(f"timing {name} in its own process failed (exit {proc.returncode}): "
                               f"{proc.stderr.strip()[-800:]}")
        with open(os.path.join(out, reports[0])) as f:
            saved = json.load(f)
        return saved["rows"][0], saved["prange_vs_explain"].get(name)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def write_reports(rows, meta, crosscheck, out):
    """Prints the table and writes the .txt, .md, .json, .csv, .svg and .png under out."""
    summ = summary(rows)
    header = (f"PolyBench {meta['size'].upper()}: medians of in-process timings, speedups over "
              f"{base_label(argparse.Namespace(base=meta['base']))} (Python {meta['python']}, "
              f"NumPy {meta['numpy']}, Numba {meta['numba']} with threads: {meta['numba_threads']}, layer "
              f"{meta['numba_threading_layer'] or '-'}, OMP_WAIT_POLICY {meta['omp_wait_policy'] or '-'}, "
              f"{meta['machine']['cpus']} CPUs, load average {meta['load_before'][0]:.1f} before timing, "
              f"{meta['load_after'][0]:.1f} after)\n"
              f"runs: {meta['runs']} interleaved rounds (cheap versions several calls a round); "
              f"profile+emit {meta['profile_emit_s']:.0f}s, timing {meta['timing_s']:.0f}s")
    lines = table(rows, header, summ)
    print("\n".join(lines))
    os.makedirs(out, exist_ok=True)
    threads = meta.get("threads_option")
    stem = os.path.join(out, f"peers-{meta['size']}" + (f"-t{threads}" if threads else "") +
                        ("-numpybase" if meta["base"] == "numpy" and meta["size"] not in ("large", "extralarge") else ""))
    with open(stem + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(markdown(rows, meta, summ, crosscheck)) + "\n")
    with open(stem + ".json", "w") as f:
        json.dump({"meta": meta, "summary": summ, "prange_vs_explain": crosscheck, "rows": rows},
                  f, indent=1, default=float)
    write_csv(rows, stem + ".csv")
    title = (f"PolyBench {meta['size'].upper()}: speedup over "
             f"{'the original' if meta['base'] == 'original' else 'the numpy variant'}")
    write_svg(rows, stem + ".svg", title)
    png.bar_chart(stem + ".png", title, [(r["kernel"], {v: speedup(r, v) for v in PEERS}) for r in rows],
                  PEERS, COLORS, "speedup over the base (log scale; bars left of 1x are slower)")
    print(f"wrote {stem}.txt, .md, .json, .csv, .svg, .png")


# --------------------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="small", choices=["mini", "small", "medium", "large", "extralarge"],
                   help="PolyBench dataset the kernels are timed at (default small)")
    p.add_argument("--kernels", default="", help="comma-separated PolyBench names (default: all 30)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per version, at least (default 5)")
    p.add_argument("--max-orig", type=float, default=30.0,
                   help="stop timing an original kernel after this many seconds (default 30)")
    p.add_argument("--max-time", type=float, default=60.0,
                   help="stop timing any other version after this many seconds (default 60)")
    p.add_argument("--base", choices=["original", "numpy", "numba"],
                   help="what speedups are over and outputs checked against: the original, pyparc's "
                        "NumPy variant without running the original, or numba(user) (for kernels with "
                        "no NumPy variant whose hand NumPy takes minutes: seidel-2d at LARGE) "
                        "(default: numpy at LARGE, else original)")
    p.add_argument("--skip", default="", metavar="LIST",
                   help="versions not to run, e.g. --skip 'numpy(hand)' (reported as not run)")
    p.add_argument("--tune", type=float, default=0.0, metavar="BUDGET",
                   help="run `pyparc tune --budget BUDGET` on each program before emitting it (default: off, "
                        "the dispatchers use emit's untuned default)")
    p.add_argument("--tune-scales", default="", metavar="LIST",
                   help="size factors for pyparc tune (default its own, 0.25..4 of the profiled SMALL size); "
                        "larger ones make its decisions hold at LARGE instead of extrapolating")
    p.add_argument("--pyparc", default=os.path.join(ROOT, "bin", "pyparc"), help="pyparc binary")
    p.add_argument("--workdir", help="where profiles and emitted programs go (default: a temporary folder)")
    p.add_argument("--reuse", action="store_true", help="reuse emitted programs already in --workdir")
    p.add_argument("--threads", type=int, default=0,
                   help="Numba threads for every Numba version (default: Numba's, one per CPU)")
    p.add_argument("--out", default=RESULTS, help="folder for the reports (default bench/results)")
    p.add_argument("--settle", type=float, default=0.0, metavar="SECONDS",
                   help="pause before each version's calls in a round, so that the threads the version "
                        "before left spinning (OpenBLAS's, about 0.1 s; OpenMP's) do not slow it (default 0)")
    p.add_argument("--omp-wait-policy", default="passive",
                   help="OMP_WAIT_POLICY for Numba's OpenMP threads unless the environment sets it "
                        "(default passive; 'default' leaves it unset)")
    p.add_argument("--also", default="", metavar="LIST",
                   help="more pyparc variants to time on their own: inner (numba_inner, prange inside "
                        "sequential loops), tiled (numba_tiled, tiled wavefronts), sum (numba_sum, summing loops "
                        "reassociated), overlap (numba_overlap, time loops as overlapped bands); e.g. --also inner,tiled,sum")
    p.add_argument("--isolate", action="store_true",
                   help="time each kernel in a process of its own (this script run again with the "
                        "one kernel), so that kernels timed earlier leave nothing behind that slows it")
    p.add_argument("--from-json", metavar="FILE",
                   help="run nothing: write the reports again from a JSON this script wrote")
    opts = p.parse_args()
    if opts.from_json:
        with open(opts.from_json) as f:
            opts.also = json.load(f)["meta"].get("also", "")
    for key in [k for k in opts.also.split(",") if k]:
        if key not in ALSO:
            p.error("--also takes " + ", ".join(ALSO))
        version, variant, color = ALSO[key]
        VERSIONS.insert(VERSIONS.index("pyparc(numba)") + 1, version)
        FORCED[version], COLORS[version] = variant, color
    PEERS[:] = VERSIONS[1:]
    if opts.from_json:
        with open(opts.from_json) as f:
            saved = json.load(f)
        write_reports(saved["rows"], saved["meta"], saved["prange_vs_explain"], opts.out)
        return
    # Before Numba loads its OpenMP layer: with OpenMP's default (spin, then sleep), a worker that
    # shares its core with other work makes every parallel region cost a scheduler time slice; on
    # this project's loaded 2-CPU machine a prange gemm at SMALL took 16 ms instead of 50 us.
    if opts.omp_wait_policy != "default":
        os.environ.setdefault("OMP_WAIT_POLICY", opts.omp_wait_policy)
    if opts.base is None:
        opts.base = "numpy" if opts.size in ("large", "extralarge") else "original"

    names = [n for n in opts.kernels.split(",") if n] or POLY.NAMES
    unknown = [n for n in names if n not in POLY.KERNELS]
    if unknown:
        p.error("unknown kernels: " + ", ".join(unknown))
    workdir = opts.workdir or tempfile.mkdtemp(prefix="pyparc-peers-")
    os.makedirs(workdir, exist_ok=True)
    try:
        t0 = time.perf_counter()
        log(f"profiling and emitting {len(names)} kernels in {workdir}")
        notes = emit_all(names, opts.pyparc, workdir, opts.reuse, opts.tune, opts.tune_scales)
        t_emit = time.perf_counter() - t0

        import numba
        if opts.threads:
            numba.set_num_threads(opts.threads)
        load_before = os.getloadavg()
        warnings.simplefilter("ignore")  # Numba's performance hints about parallel=True without prange
        rows, crosscheck = [], {}
        isolate = opts.isolate and len(names) > 1
        log(f"timing at {opts.size.upper()}, base {opts.base}" + (", each kernel in a process of its own" if isolate else ""))
        with np.errstate(all="ignore"):
            for k, name in enumerate(names, 1):
                t_k = time.perf_counter()
                if isolate:
                    row, check = bench_isolated(name, workdir)
                    if check is not None:
                        crosscheck[name] = check
                else:
                    note, explain = notes.get(name, ("", ""))
                    row = bench_kernel(name, opts, workdir, note)
                    if explain:
                        fn = getattr(POLY.load(POLY.KERNELS[name][0]), POLY.kernel_name(name))
                        crosscheck[name] = cross_check(fn, PRANGE[name][0], explain, POLY.kernel_name(name))
                rows.append(row)
                s = {v: speedup(row, v) for v in PEERS}
                base = row["time"].get(row["base"])
                head = f"{row['base']} {base:.4g}s" if base else f"{row['base']} failed"
                log(f"  [{k}/{len(names)}] {name} ({time.perf_counter() - t_k:.0f}s): {head}, " +
                    ", ".join(f"{v} {s[v]:.3g}x" if s[v] else f"{v} {cell_status(row, v)}" for v in PEERS))
        t_time = time.perf_counter() - t0 - t_emit

        try:
            layer = numba.threading_layer()
        except ValueError:  # no parallel region ran
            layer = ""
        meta = {"size": opts.size, "base": opts.base, "kernels": names, "runs": opts.runs, "also": opts.also,
                "max_orig_s": opts.max_orig, "max_time_s": opts.max_time, "settle_s": opts.settle, "machine": machine(),
                "load_before": list(load_before), "load_after": list(os.getloadavg()),
                "python": sys.version.split()[0], "numpy": np.__version__, "numba": numba.__version__,
                "numba_threads": numba.get_num_threads(), "numba_threading_layer": layer,
                "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
                "git": git_state(), "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                "profile_emit_s": t_emit, "timing_s": t_time, "command": sys.argv}
        meta["threads_option"] = opts.threads
        write_reports(rows, meta, crosscheck, opts.out)
    finally:
        if not opts.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
