"""PolyBench against its peers: original, pyparc-emitted, Numba as a user applies it, NumPy by hand.

usage, from the repository root after `make build`:

    python3 bench/peers/run.py                          # SMALL dataset, all 30 kernels
    python3 bench/peers/run.py --size medium            # MEDIUM
    python3 bench/peers/run.py --kernels gemm,lu,adi    # a few kernels
    python3 bench/peers/run.py --workdir /tmp/peers     # keep the profiles and emitted programs
    python3 bench/peers/run.py --workdir /tmp/peers --reuse   # time them again without re-emitting
    python3 bench/peers/run.py --threads 1              # Numba (both peers) on one thread

For every kernel of testdata/programs/polybench it

1. profiles the program at MINI and SMALL (`bin/pyparc profile run --db DB SCRIPT --size S OUT.npz`;
   two sizes so that extents equal by coincidence at one size do not become one shape symbol)
   and emits it (`bin/pyparc emit --db DB -o WORK/emitted/MODULE SCRIPT`); the emitted kernel is
   the function of the same name in WORK/emitted/MODULE/MODULE.py;
2. in this one Python process, on fresh copies of the same inputs built by the module's own
   init_array, times four versions of the kernel:
     original      the plain-loop kernel as written,
     emitted       the pyparc output (its dispatcher: guard, then the variant emit chose),
     numba(user)   numba.njit(parallel=True) applied to the unchanged original function, the way
                   a user would decorate it; the first call (compilation) is timed separately and
                   left out of the timings,
     numpy(hand)   the hand-written NumPy version (reference.py's REFERENCE);
   every version but the original is called once before timing (JIT warm-up); each is timed at
   least --runs times and reports the median (cheap versions run more often, up to 0.2 s in all);
   the original stops early once its runs took --max-orig seconds (the table says how many ran);
3. checks every version's output arrays against the original's: integers exactly, floats with
   rtol 1e-9 (atol 1e-12); for gramschmidt, whose PolyBench input is rank deficient, only the
   part the original determines (test_polybench.gramschmidt_determined);
4. prints a table (median seconds, speedups over the original, Numba's first call = compilation
   plus one run, which variant the emitted dispatcher took, geometric means over the kernels
   where a version ran and matched) and writes it as bench/results/peers-SIZE.csv and .txt (peers-SIZE-tN.*
   with --threads N), and an SVG bar chart of the speedups (bench/results/peers-SIZE.svg, drawn by hand: no plotting
   library is needed).

Numba's parallel regions (the emitted prange loops; array expressions under parallel=True) wait
at a barrier for every thread: on a machine whose CPUs other work keeps busy, one region costs
milliseconds instead of microseconds. The header shows the load average; compare with
--threads 1 when it is above the CPU count.

The emitted program uses Numba itself where emit chose it (PYPARC_NUMBA=0 in the environment
turns that off when emitting and running).
"""
import argparse
import importlib.util
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "testdata", "programs", "polybench")
RESULTS = os.path.join(ROOT, "bench", "results")
VERSIONS = ["original", "emitted", "numba(user)", "numpy(hand)"]
PEERS = VERSIONS[1:]


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


# ----------------------------------------------------------------------------- profile and emit

def emit_all(names, pyparc, workdir, reuse):
    """Profile and emit every kernel's program; returns {name: emit's report line or error}."""
    db = os.path.join(workdir, "profile.db")
    notes = {}
    for name in names:
        mod = POLY.KERNELS[name][0]
        out = os.path.join(workdir, "emitted", mod)
        saved = os.path.join(workdir, "emitted", mod + ".emit.txt")  # emit's report, kept for --reuse
        if reuse and os.path.exists(os.path.join(out, mod + ".py")) and os.path.exists(saved):
            with open(saved) as f:
                notes[name] = report_line(f.read(), name)
            continue
        script = os.path.join(CORPUS, mod + ".py")
        t0 = time.perf_counter()
        try:
            for size in ("mini", "small"):
                sh([pyparc, "profile", "run", "--python", sys.executable, "--db", db, script,
                    "--size", size, os.path.join(workdir, mod + "-" + size + ".npz")])
            report = sh([pyparc, "emit", "--db", db, "-o", out, script])
        except RuntimeError as err:
            notes[name] = "emit failed: " + str(err).splitlines()[0]
            print(f"  {name}: {notes[name]}", file=sys.stderr)
            continue
        with open(saved, "w") as f:
            f.write(report)
        notes[name] = report_line(report, name)
        print(f"  {name}: profiled and emitted in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return notes


def report_line(report, name):
    """What emit's report says about the kernel function ("...; runs numba"), or ""."""
    kname = POLY.kernel_name(name)
    line = next((ln for ln in report.splitlines() if re.search(rf"\b{kname} \(", ln)), "")
    return line.split(":", 2)[-1].strip() if line else ""


def sh(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return proc.stdout + proc.stderr


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


def bench_kernel(name, size, workdir, runs, budget):
    """Times the four versions of one kernel; returns a row dict."""
    import numba

    modname = POLY.KERNELS[name][0]
    kname = POLY.kernel_name(name)
    _, params, base = POLY.build_args(name, size)
    orig_fn = getattr(POLY.load(modname), kname)

    def build():
        return POLY.copied(base)

    row = {"kernel": name, "runs": {}, "time": {}, "first": {}, "error": {}, "variant": ""}

    # the original: its first timed run gives the outputs everything is checked against
    ref_args = build()
    t0 = time.perf_counter()
    orig_fn(*ref_args)
    first = time.perf_counter() - t0
    want = outputs(name, params, ref_args)
    times = [first]
    if first < budget:
        times += timed(orig_fn, build, runs - 1, budget - first)
    row["time"]["original"], row["runs"]["original"] = statistics.median(times), len(times)

    fns = {}
    path = os.path.join(workdir, "emitted", modname, modname + ".py")
    if os.path.exists(path):
        emitted = load(path, "emitted_" + modname)
        fns["emitted"] = getattr(emitted, kname)
        guard = getattr(emitted, "_guard_" + kname, None)
        row["guard"] = None if guard is None else bool(guard(*build()))  # None: left unchanged
    else:
        row["error"]["emitted"] = "not emitted"
    fns["numba(user)"] = numba.njit(parallel=True)(orig_fn)
    fns["numpy(hand)"] = POLY.reference.REFERENCE[name]

    for version, fn in fns.items():
        args = build()
        try:
            t0 = time.perf_counter()
            fn(*args)  # compiles where there is something to compile
            row["first"][version] = time.perf_counter() - t0
        except Exception as err:  # numba rejects some kernels: report why, keep going
            row["error"][version] = "failed: " + (str(err).strip().splitlines() or [type(err).__name__])[0][:120]
            continue
        bad = compare(name, outputs(name, params, args), want)
        if bad:
            row["error"][version] = "MISMATCH " + bad
        times = timed(fn, build, runs)
        row["time"][version], row["runs"][version] = statistics.median(times), len(times)
    return row


# ------------------------------------------------------------------------------------- report

def speedup(row, version):
    """Speedup of version over the original, or None if it failed or gave other answers."""
    if version in row["error"] or version not in row["time"]:
        return None
    return row["time"]["original"] / row["time"][version]


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def table(rows, header):
    """The report as text lines."""
    lines = [header, ""]
    lines.append(f"{'kernel':<15}{'original s':>11}{'n':>3}{'emitted s':>11}{'numba s':>11}{'numpy s':>11}"
                 f"{'emitted':>9}{'numba':>9}{'numpy':>9}{'numba 1st s':>12}  emitted variant")
    for r in rows:
        t = r["time"]
        cells = [f"{r['kernel']:<15}", f"{t['original']:>11.4g}", f"{r['runs']['original']:>3}"]
        for v in PEERS:
            cells.append(f"{t[v]:>11.4g}" if v in t and v not in r["error"] else f"{'--':>11}")
        for v in PEERS:
            s = speedup(r, v)
            cells.append(f"{s:>8.1f}x" if s else f"{'--':>9}")
        jit = r["first"].get("numba(user)")
        cells.append(f"{jit:>12.2f}" if jit is not None else f"{'--':>12}")
        cells.append("  " + r["variant"])
        lines.append("".join(cells))
    lines.append("")
    gm = {v: geomean([speedup(r, v) for r in rows]) for v in PEERS}
    cnt = {v: sum(1 for r in rows if speedup(r, v)) for v in PEERS}
    lines.append("geometric mean speedup over the original: " +
                 ", ".join(f"{v} {gm[v]:.1f}x ({cnt[v]} kernels)" for v in PEERS))
    both = [r for r in rows if speedup(r, "emitted") and speedup(r, "numba(user)")]
    if both:
        lines.append(f"emitted vs numba(user), {len(both)} kernels both ran: "
                     f"{geomean([speedup(r, 'emitted') / speedup(r, 'numba(user)') for r in both]):.2f}x")
    problems = [f"  {r['kernel']} {v}: {e}" for r in rows for v, e in r["error"].items()]
    lines.append("failures and mismatches:" + ("" if problems else " none"))
    lines.extend(problems)
    return lines


def write_csv(rows, path):
    cols = ["kernel", "original_s", "original_runs"]
    for v in PEERS:
        cols += [f"{v}_s", f"{v}_runs", f"{v}_first_call_s", f"{v}_speedup", f"{v}_status"]
    cols.append("emitted_variant")
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for r in rows:
            vals = [r["kernel"], f"{r['time']['original']:.6g}", str(r["runs"]["original"])]
            for v in PEERS:
                s = speedup(r, v)
                vals += [f"{r['time'][v]:.6g}" if v in r["time"] else "",
                         str(r["runs"].get(v, "")),
                         f"{r['first'][v]:.6g}" if v in r["first"] else "",
                         f"{s:.4g}" if s else "",
                         '"' + r["error"].get(v, "ok").replace('"', "'") + '"']
            vals.append('"' + r["variant"].replace('"', "'") + '"')
            f.write(",".join(vals) + "\n")


def write_svg(rows, path, title):
    """Grouped horizontal bars of the speedups on a log scale, one group per kernel."""
    colors = {"emitted": "#1f77b4", "numba(user)": "#ff7f0e", "numpy(hand)": "#2ca02c"}
    vals = [s for r in rows for v in PEERS for s in [speedup(r, v)] if s]
    lo = 10 ** math.floor(math.log10(min(vals + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(vals + [10.0])))
    left, width, bar, gap, top = 120, 640, 6, 8, 60
    height = top + len(rows) * (3 * bar + gap) + 50

    def x(s):
        return left + width * (math.log10(s) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="20" font-size="14">{esc(title)}</text>']
    for i, v in enumerate(PEERS):  # legend
        out.append(f'<rect x="{left + 150 * i}" y="32" width="12" height="10" fill="{colors[v]}"/>'
                   f'<text x="{left + 150 * i + 16}" y="41">{esc(v)}</text>')
    for e in range(round(math.log10(lo)), round(math.log10(hi)) + 1):  # decades; 1x in black
        xx = x(10.0 ** e)
        out.append(f'<line x1="{xx:.1f}" y1="{top - 6}" x2="{xx:.1f}" y2="{height - 40}" '
                   f'stroke="{"#000" if e == 0 else "#ccc"}"/>'
                   f'<text x="{xx:.1f}" y="{height - 26}" text-anchor="middle">{10.0 ** e:g}x</text>')
    for k, r in enumerate(rows):
        y0 = top + k * (3 * bar + gap)
        out.append(f'<text x="{left - 6}" y="{y0 + 1.5 * bar + 4}" text-anchor="end">{esc(r["kernel"])}</text>')
        for i, v in enumerate(PEERS):
            s = speedup(r, v)
            if not s:
                continue
            x0, x1 = sorted((x(1.0), x(s)))
            out.append(f'<rect x="{x0:.1f}" y="{y0 + i * bar}" width="{max(x1 - x0, 0.5):.1f}" height="{bar - 1}" '
                       f'fill="{colors[v]}"><title>{esc(r["kernel"])} {esc(v)}: {s:.2f}x</title></rect>')
    out.append(f'<text x="{left + width / 2}" y="{height - 8}" text-anchor="middle">'
               'speedup over the original (log scale; bars left of 1x are slower)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="small", choices=["mini", "small", "medium", "large"],
                   help="PolyBench dataset the kernels are timed at (default small)")
    p.add_argument("--kernels", default="", help="comma-separated PolyBench names (default: all 30)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per version, at least (default 5)")
    p.add_argument("--max-orig", type=float, default=30.0,
                   help="stop timing an original kernel after this many seconds (default 30)")
    p.add_argument("--pyparc", default=os.path.join(ROOT, "bin", "pyparc"), help="pyparc binary")
    p.add_argument("--workdir", help="where profiles and emitted programs go (default: a temporary folder)")
    p.add_argument("--reuse", action="store_true", help="reuse emitted programs already in --workdir")
    p.add_argument("--threads", type=int, default=0,
                   help="Numba threads for the emitted and numba(user) versions (default: Numba's, one per CPU)")
    p.add_argument("--out", default=RESULTS, help="folder for the CSV, text and SVG (default bench/results)")
    args = p.parse_args()

    names = [n for n in args.kernels.split(",") if n] or POLY.NAMES
    unknown = [n for n in names if n not in POLY.KERNELS]
    if unknown:
        p.error("unknown kernels: " + ", ".join(unknown))
    workdir = args.workdir or tempfile.mkdtemp(prefix="pyparc-peers-")
    os.makedirs(workdir, exist_ok=True)
    try:
        t0 = time.perf_counter()
        print(f"profiling and emitting {len(names)} kernels in {workdir}", file=sys.stderr)
        notes = emit_all(names, args.pyparc, workdir, args.reuse)
        t_emit = time.perf_counter() - t0

        import numba
        if args.threads:
            numba.set_num_threads(args.threads)
        load_before = os.getloadavg()[0]
        warnings.simplefilter("ignore")  # Numba's performance hints about parallel=True without prange
        rows = []
        with np.errstate(all="ignore"):
            for name in names:
                row = bench_kernel(name, args.size, workdir, args.runs, args.max_orig)
                note = notes.get(name, "")
                chosen = re.search(r"runs (\w+)", note)
                if row.get("guard") is None:
                    row["variant"] = "unchanged: " + note if note else "unchanged"
                elif not row["guard"]:
                    row["variant"] = "original (guard said no)"
                else:
                    row["variant"] = chosen.group(1) if chosen else "optimized"
                rows.append(row)
                s = {v: speedup(row, v) for v in PEERS}
                print(f"  {name}: original {row['time']['original']:.4g}s, " +
                      ", ".join(f"{v} {s[v]:.1f}x" if s[v] else f"{v} --" for v in PEERS),
                      file=sys.stderr, flush=True)
        t_time = time.perf_counter() - t0 - t_emit

        header = (f"PolyBench {args.size.upper()}: medians of in-process timings, speedups over the original "
                  f"(Python {sys.version.split()[0]}, NumPy {np.__version__}, Numba {numba.__version__} with "
                  f"threads: {numba.get_num_threads()}, {os.cpu_count()} CPUs, load average "
                  f"{load_before:.1f} before timing, {os.getloadavg()[0]:.1f} after)\n"
                  f"runs: at least {args.runs} per version (cheap ones until 0.2 s), the original's in column n; "
                  f"profile+emit {t_emit:.0f}s, timing {t_time:.0f}s")
        lines = table(rows, header)
        print("\n".join(lines))
        os.makedirs(args.out, exist_ok=True)
        stem = os.path.join(args.out, f"peers-{args.size}" + (f"-t{args.threads}" if args.threads else ""))
        with open(stem + ".txt", "w") as f:
            f.write("\n".join(lines) + "\n")
        write_csv(rows, stem + ".csv")
        write_svg(rows, stem + ".svg", f"PolyBench {args.size.upper()}: speedup over the original loops")
        print(f"wrote {stem}.csv, {stem}.txt, {stem}.svg")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
