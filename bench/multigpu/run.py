"""The emitted Ray + CuPy variants on 1 GPU and on all GPUs of one host.

usage, on the GPU machine, after bench/gpu/prepare.sh here (emitted programs in gpu_run/emitted)
and with Ray installed there (bench/multigpu/README.md):

    python3 bench/multigpu/run.py gpu_run/emitted --sizes large,extralarge --gpus 1,2

For each kernel it builds the inputs with the program's own init_array at each size and, in this
one process, times (median of --runs after a warm-up; inputs copied outside the timed region):

    numpy      the emitted NumPy variant on the CPU (the base: the original loops take hours);
    cupy       the emitted single-process CuPy variant (host arrays in, results copied back);
    ray N gpu  the emitted Ray variant on a local Ray instance given N GPUs: each parallel loop
               is split into N chunks, one task per GPU, each task receiving only the array
               boxes its chunk touches and running the loop's whole-array code with CuPy.

Every result is checked against the NumPy variant's (rtol 1e-9) first; a wrong one is reported,
never timed. Bytes shipped per call (to tasks and back) and what shipping whole arrays would
move come from pyparc_rt.ray_totals. Prints a markdown table and writes it, with JSON, under --out.
"""
import argparse
import importlib.util
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "testdata", "programs", "polybench")
sys.path.insert(0, CORPUS)
import test_polybench as tp  # noqa: E402

# NVLink multicast stays off (the GPU machine's notes): also for Ray's worker processes.
for var, val in (("NCCL_NVLS_ENABLE", "0"), ("TORCH_SYMM_MEM_DISABLE_MULTICAST", "1"), ("NVSHMEM_DISABLE_NVLS", "1")):
    os.environ[var] = val


DOUBLED = {"gemm", "2mm", "3mm"}


def load(root, name):
    modname = tp.KERNELS[name][0]
    path = os.path.join(root, modname, modname + ".py")
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("emitted_" + modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.path.pop(0)
    return mod


def sync():
    import cupy
    cupy.cuda.Device().synchronize()


def timed(fn, args, runs):
    times = []
    for _ in range(runs):
        a = tp.copied(args)
        sync()
        t0 = time.perf_counter()
        fn(*a)
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def same(params, outs, got, want):
    return [o for o in outs if not np.allclose(got[params.index(o)], want[params.index(o)], rtol=1e-9, atol=1e-12)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("emitted")
    p.add_argument("--sizes", default="large,extralarge")
    p.add_argument("--kernels", default="gemm,2mm,3mm,syrk,covariance")
    p.add_argument("--gpus", default="1,2")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    opts = p.parse_args()
    names, sizes = opts.kernels.split(","), opts.sizes.split(",")
    counts = [int(g) for g in opts.gpus.split(",")]
    import ray
    rows = []
    cases = []
    for name in names:
        em = load(opts.emitted, name)
        orig = tp.load(tp.KERNELS[name][0])
        if name in DOUBLED:
            # "2xl": every extent of EXTRALARGE doubled, for the kernels whose sizes are all extents.
            orig.SIZES["2xl"] = {k: 2 * v for k, v in orig.SIZES["extralarge"].items()}
        for size in sizes:
            if size not in orig.SIZES:
                continue
            _, params, args = tp.build_args(name, size)
            fn = getattr(em, tp.kernel_name(name))
            em._rt.VARIANT = "numpy"
            want = tp.copied(args)
            fn(*want)
            row = {"kernel": name, "size": size, "numpy": timed(fn, args, opts.runs), "ray": {}}
            em._rt.VARIANT = "cupy"
            got = tp.copied(args)
            fn(*got)
            bad = same(params, tp.KERNELS[name][3], got, want)
            row["cupy"] = f"WRONG {bad}" if bad else timed(fn, args, opts.runs)
            print(f"{name} {size}: numpy {row['numpy']:.4f}s cupy {row['cupy']}", file=sys.stderr, flush=True)
            rows.append(row)
            cases.append((em, fn, params, args, want, row))
    for g in counts:
        # All CPUs: the loops that do not vectorize (triangular ones) run as Numba tasks on CPUs.
        ray.init(num_gpus=g, num_cpus=os.cpu_count(), include_dashboard=False, logging_level="WARNING")
        for em, fn, params, args, want, row in cases:
            em._rt._ray_gpus = None  # the runtime asks the new instance how many GPUs it has
            em._rt.VARIANT = "ray"
            got = tp.copied(args)
            fn(*got)  # warm-up: starts the GPU workers, imports CuPy there
            bad = same(params, tp.KERNELS[row["kernel"]][3], got, want)
            if bad:
                row["ray"][g] = {"error": f"WRONG {bad}"}
                continue
            for k in em._rt.ray_totals:
                em._rt.ray_totals[k] = 0
            t = timed(fn, args, opts.runs)
            per = {k: v / opts.runs for k, v in em._rt.ray_totals.items()}
            row["ray"][g] = {"seconds": t, **per}
            print(f"{row['kernel']} {row['size']}: ray {g} gpu {t:.4f}s {per}", file=sys.stderr, flush=True)
        ray.shutdown()
    head = ["kernel", "size", "numpy CPU (s)", "cupy 1 GPU (s)"] + [f"ray+cupy {g} GPU (s)" for g in counts] + \
        [f"speedup {counts[-1]} vs {counts[0]} GPU", "tasks/call", "MB moved/call", "MB naive/call"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["kernel"], row["size"], f"{row['numpy']:.4f}",
                 row["cupy"] if isinstance(row["cupy"], str) else f"{row['cupy']:.4f}"]
        for g in counts:
            x = row["ray"].get(g, {})
            cells.append(f"{x['seconds']:.4f}" if "seconds" in x else x.get("error", "-"))
        a, b = row["ray"].get(counts[0], {}), row["ray"].get(counts[-1], {})
        cells.append(f"{a['seconds'] / b['seconds']:.2f}x" if "seconds" in a and "seconds" in b else "-")
        if "seconds" in b and b["calls"]:
            cells += [f"{b['tasks']:.0f}",
                      f"{(b['bytes_shipped'] + b['bytes_returned']) / 1e6:.1f}", f"{b['naive_bytes'] / 1e6:.1f}"]
        else:
            cells += ["-", "-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    os.makedirs(opts.out, exist_ok=True)
    with open(os.path.join(opts.out, "multigpu.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(opts.out, "multigpu.json"), "w") as f:
        json.dump(rows, f, indent=1, default=str)


if __name__ == "__main__":
    main()
