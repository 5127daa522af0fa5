"""Checks and times pyparc's CuPy variants of the PolyBench kernels on a GPU.

usage: python3 bench/gpu/run.py EMITTED_ROOT [--size large] [--runs 10] [--out DIR] [KERNEL...]

EMITTED_ROOT/<module>/<module>.py are programs written by `pyparc emit` (bench/gpu/prepare.sh
makes them). For every kernel with a CuPy variant:
  1. correctness: the original loops and the CuPy variant on the same inputs at two small sizes
     (MINI+3 and 2*MINI-1); every written array within rtol 1e-9;
  2. timing at --size (LARGE by default; the original is far too slow there, so the NumPy CPU
     variant is the base): the NumPy variant on the CPU; the CuPy variant end to end (host
     arrays in, results copied back); its body alone on arrays already on the device; and a
     hand-written CuPy version (testdata/programs/polybench/reference.py, the hand-written NumPy
     version, run with cupy in place of numpy). GPU times synchronize the device after a warm-up;
     each is the median of --runs.
Prints a table (and writes it as CSV under --out).
"""
import argparse
import importlib.util
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "testdata", "programs", "polybench"))


def load(path, key, source=None):
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    if source is None:
        spec.loader.exec_module(mod)
    else:
        exec(compile(source, path, "exec"), mod.__dict__)
    sys.path.pop(0)
    return mod


def copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def close(x, y):
    if np.issubdtype(x.dtype, np.integer):
        return np.array_equal(x, y)
    return np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True)


def median_time(fn, runs, sync=None, budget=12.0):
    fn()  # warm-up: CUDA context, cuBLAS handles, kernel compilation
    if sync:
        sync()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append(time.perf_counter() - t0)
        if sum(times) > budget:
            break
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emitted")
    ap.add_argument("kernels", nargs="*")
    ap.add_argument("--size", default="large")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    args = ap.parse_intermixed_args()
    import cupy as cp

    sync = cp.cuda.Device().synchronize
    table = load(os.path.join(CORPUS, "test_polybench.py"), "pb_table")
    ref_src = open(os.path.join(CORPUS, "reference.py")).read()
    ref_gpu = load(os.path.join(CORPUS, "reference.py"), "ref_gpu",
                   ref_src.replace("import numpy as np", "import cupy as np"))
    names = args.kernels or table.NAMES
    rows, failures = [], 0
    for name in names:
        modname, init_keys, size_keys, outputs = table.KERNELS[name]
        kname = "kernel_" + name.replace("-", "_")
        path = os.path.join(args.emitted, modname, modname + ".py")
        new = load(path, "new_" + modname)
        if not hasattr(new, "_%s__cupy" % kname):
            continue
        orig = load(os.path.join(CORPUS, modname + ".py"), "orig_" + modname)
        variant = getattr(new, "_%s__cupy" % kname)
        body = getattr(new, "_%s__cupy_body" % kname)
        numpy_variant = getattr(new, "_%s__numpy" % kname)
        params = list(__import__("inspect").signature(getattr(orig, kname)).parameters)

        # 1. correctness at two small sizes
        ok = True
        for grow in (lambda v: v + 3, lambda v: 2 * v - 1):
            sz = {k: grow(v) for k, v in orig.SIZES["mini"].items()}
            data = orig.init_array(*[sz[k] for k in init_keys])
            data = data if isinstance(data, tuple) else (data,)
            base = [sz[k] for k in size_keys] + list(data)
            if name == "gramschmidt":
                continue
            a1, a2 = copies(base), copies(base)
            with np.errstate(all="ignore"):
                getattr(orig, kname)(*a1)
                if not getattr(new, "_guard_" + kname)(*a2):
                    print("  %s: the guard rejects the check inputs" % name)
                    ok = False
                    continue
                variant(*a2)
            for p, x, y in zip(params, a1, a2):
                if isinstance(x, np.ndarray) and not close(x, y):
                    print("  FAIL %s: %s differs (max abs diff %.3g)" % (name, p, float(np.nanmax(np.abs(x - y)))))
                    ok = False
        failures += not ok

        # 2. timing at the benchmark size
        sz = orig.SIZES[args.size]
        data = new.init_array(*[sz[k] for k in init_keys])  # the emitted init: fast
        data = data if isinstance(data, tuple) else (data,)
        base = [sz[k] for k in size_keys] + list(data)
        host = copies(base)
        with np.errstate(all="ignore"):
            t_np = median_time(lambda: numpy_variant(*host), max(3, args.runs // 3))
            t_var = median_time(lambda: variant(*host), args.runs, sync)
            dev = [cp.asarray(a) if isinstance(a, np.ndarray) else a for a in base]
            t_body = median_time(lambda: body(*dev), args.runs, sync)
            t_hand = None
            hand = getattr(ref_gpu, "REFERENCE", {}).get(name)
            if hand is not None:
                dev2 = [cp.asarray(a) if isinstance(a, np.ndarray) else a for a in base]
                try:
                    t_hand = median_time(lambda: hand(*dev2), args.runs, sync)
                except Exception as e:  # a NumPy-only call in the hand-written version
                    print("  %s: hand-written version does not run on CuPy: %s" % (name, type(e).__name__))
        rows.append((name, ok, t_np, t_var, t_body, t_hand))
        print("  %s: numpy %.4fs, cupy %.4fs (body %.5fs), hand %s" % (
            name, t_np, t_var, t_body, "%.5fs" % t_hand if t_hand else "n/a"), flush=True)

    dev = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    print("\nPolyBench %s on %s (CuPy %s, NumPy %s); medians, seconds" % (args.size.upper(), dev, cp.__version__, np.__version__))
    print("%-12s %5s %10s %10s %10s %10s %9s %9s" % ("kernel", "check", "numpy cpu", "cupy var", "cupy body", "hand cupy", "var/np", "hand/body"))
    lines = ["kernel,check,numpy_cpu_s,cupy_variant_s,cupy_body_s,hand_cupy_s"]
    for name, ok, t_np, t_var, t_body, t_hand in rows:
        ratio = "%8.2f" % (t_hand / t_body) if t_hand else "     n/a"
        print("%-12s %5s %10.5f %10.5f %10.5f %10s %8.1fx %9s" % (
            name, "ok" if ok else "FAIL", t_np, t_var, t_body, "%.5f" % t_hand if t_hand else "n/a", t_np / t_var, ratio))
        lines.append("%s,%s,%g,%g,%g,%s" % (name, ok, t_np, t_var, t_body, t_hand if t_hand else ""))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "gpu-%s.csv" % args.size), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("hand/body: the hand-written CuPy time over the generated body's (>= 0.7 meets the target)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
