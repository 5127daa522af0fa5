"""Times each statement of an emitted NumPy variant on the CPU, for finding where it loses to
hand-written NumPy (the CPU counterpart of bench/gpu/lines.py).

usage, after `python3 bench/peers/run.py --workdir /tmp/peers --kernels symm`:

    python3 bench/peers/lines.py /tmp/peers/emitted symm --size medium

It builds the kernel's inputs with the program's own init_array, then runs the body of
_<kernel>__numpy one statement at a time (loops whole; an `if` runs its test, timed, then the
statements of the branch it takes, each timed), each --runs times, and prints the median per
statement. Statements that update arrays in place run repeatedly, so values drift: only times
count. --reference also times the hand-written NumPy version (reference.py) on fresh inputs.
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

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "testdata", "programs", "polybench"))
import test_polybench as tp  # noqa: E402


def timed(code, env, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        exec(code, env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:] if len(times) > 1 else times)


def run_body(stmts, env, runs, depth=0):
    total = 0.0
    pad = "  " * depth
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            code = compile(ast.Expression(body=stmt.test), "<test>", "eval")
            med = timed(code, env, runs)
            total += med
            print(f"{med * 1e6:9.1f} us  {pad}if {ast.unparse(stmt.test)[:100]}")
            taken = stmt.body if eval(code, env) else stmt.orelse
            total += run_body(taken, env, runs, depth + 1)
            continue
        code = compile(ast.Module(body=[stmt], type_ignores=[]), "<body>", "exec")
        med = timed(code, env, runs)
        total += med
        print(f"{med * 1e6:9.1f} us  {pad}{ast.unparse(stmt)[:110]}")
    return total


def load(path, modname):
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def inputs(mod, size, init_keys, size_keys):
    sz = mod.SIZES[size]
    data = mod.init_array(*[sz[k] for k in init_keys])
    if not isinstance(data, tuple):
        data = (data,)
    return [sz[k] for k in size_keys] + list(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("emitted")
    p.add_argument("kernel")
    p.add_argument("--size", default="medium")
    p.add_argument("--runs", type=int, default=21)
    p.add_argument("--variant", default="numpy")
    p.add_argument("--reference", action="store_true")
    a = p.parse_args()
    modname, init_keys, size_keys, _ = tp.KERNELS[a.kernel]
    fn = tp.kernel_name(a.kernel)
    mod = load(os.path.join(a.emitted, modname, modname + ".py"), modname)
    values = inputs(mod, a.size, init_keys, size_keys)
    body = getattr(mod, "_" + fn + "__" + a.variant)
    tree = ast.parse(textwrap.dedent(inspect.getsource(body))).body[0]
    names = [x.arg for x in tree.args.args]
    env = dict(mod.__dict__)
    env.update(zip(names, values))
    shapes = [f"{n}={getattr(env[n], 'shape', env[n])}" for n in names]
    print(a.kernel, a.size + ":", ", ".join(shapes))
    total = run_body(tree.body, env, a.runs)
    print(f"{total * 1e6:9.1f} us  total")
    if a.reference:
        import reference
        ref = reference.REFERENCE[a.kernel]
        times = []
        for _ in range(a.runs):
            vals = [v.copy() if isinstance(v, np.ndarray) else v for v in values]
            t0 = time.perf_counter()
            ref(*vals)
            times.append(time.perf_counter() - t0)
        print(f"{statistics.median(times[1:]) * 1e6:9.1f} us  numpy(hand)")


if __name__ == "__main__":
    main()
