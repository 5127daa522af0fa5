"""Times each statement of an emitted CuPy body on the device, for finding where a variant
loses to hand-written CuPy.

usage (GPU machine, after bench/gpu/prepare.sh here):

    python3 bench/gpu/lines.py gpu_run/emitted covariance --size large

It builds the kernel's inputs with the program's own init_array, moves them to the device,
then runs the body of _<kernel>__cupy_body one top-level statement at a time (loops whole),
each --runs times with a synchronization around it, and prints the median per statement.
Statements that update arrays in place run repeatedly, so values drift: only times count.
"""
import argparse
import ast
import importlib.util
import inspect
import os
import statistics
import sys
import textwrap
import time

import cupy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "testdata", "programs", "polybench"))
import test_polybench as tp  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("emitted")
    p.add_argument("kernel")
    p.add_argument("--size", default="large")
    p.add_argument("--runs", type=int, default=7)
    a = p.parse_args()
    modname, init_keys, size_keys, _ = tp.KERNELS[a.kernel]
    fn = tp.kernel_name(a.kernel)
    path = os.path.join(a.emitted, modname, modname + ".py")
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sz = mod.SIZES[a.size]
    data = mod.init_array(*[sz[k] for k in init_keys])
    if not isinstance(data, tuple):
        data = (data,)
    values = [sz[k] for k in size_keys] + list(data)
    body = getattr(mod, "_" + fn + "__cupy_body")
    src = textwrap.dedent(inspect.getsource(body))
    tree = ast.parse(src).body[0]
    names = [x.arg for x in tree.args.args]
    env = dict(mod.__dict__)
    for n, v in zip(names, values):
        env[n] = cp.asarray(v) if isinstance(v, np.ndarray) else v
    shapes = [f"{n}={getattr(env[n], 'shape', env[n])}" for n in names]
    print(a.kernel, a.size + ":", ", ".join(shapes))
    total = 0.0
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), "<body>", "exec")
        times = []
        for _ in range(a.runs):
            cp.cuda.Device().synchronize()
            t0 = time.perf_counter()
            exec(code, env)
            cp.cuda.Device().synchronize()
            times.append(time.perf_counter() - t0)
        med = statistics.median(times[1:])
        total += med
        print(f"{med * 1e6:9.1f} us  {ast.unparse(stmt)[:110]}")
    print(f"{total * 1e6:9.1f} us  total")


if __name__ == "__main__":
    main()
