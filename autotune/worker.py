"""pyparc's tuning worker: times the variants of emitted functions on synthesized inputs.

Reads one JSON job on stdin (see autotune.go: job) and writes one JSON line per measurement to
stdout as it goes, so that an interrupted run keeps what it measured. Every candidate's outputs
are first compared with the original's on the same inputs; a mismatch disqualifies it.
"""
import importlib.util
import json
import math
import os
import statistics
import sys
import time

import numpy as np


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def build(fn, syms, seed):
    rng = np.random.default_rng(seed)
    args = []
    # A list of ints is drawn below the smallest extent of the array arguments, so that it
    # indexes any of their dimensions.
    extents = [syms[d["sym"]] if "sym" in d else d["lit"] for p in fn["params"] if p["kind"] == "array" for d in p["shape"]]
    smallest = max(1, min(extents)) if extents else 8
    for i, p in enumerate(fn["params"]):
        kind = p["kind"]
        if kind == "array":
            shape = tuple(syms[d["sym"]] if "sym" in d else d["lit"] for d in p["shape"])
            dt = np.dtype(p["dtype"])
            if dt.kind == "f":
                a = rng.random(shape).astype(dt)
                if len(shape) == 2 and shape[0] == shape[1]:
                    # Diagonally dominant: factorizations and solves stay well defined.
                    a += shape[0] * np.eye(shape[0], dtype=dt)
            elif dt.kind == "c":
                a = (rng.random(shape) + 1j * rng.random(shape)).astype(dt)
                if len(shape) == 2 and shape[0] == shape[1]:
                    a += shape[0] * np.eye(shape[0], dtype=dt)
            elif dt.kind == "b":
                a = rng.random(shape) < 0.5
            else:
                a = rng.integers(0, 10, size=shape).astype(dt)
            args.append(a)
        elif kind == "int":
            v = int(syms[p["sym"]]) if "sym" in p else int(p["value"])
            args.append(getattr(np, p["dtype"])(v) if "dtype" in p else v)
        elif kind == "float":
            args.append(0.5 + 0.25 * (i % 3))
        elif kind == "intlist":
            args.append([int(v) for v in rng.integers(0, smallest, size=smallest)])
        else:
            args.append(None)
    return args


def fresh(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def same(x, y):
    if isinstance(x, (tuple, list)):
        if not isinstance(y, type(x)) or len(x) != len(y):
            return False, "return value differs"
        for a, b in zip(x, y):
            ok, why = same(a, b)
            if not ok:
                return ok, why
        return True, ""
    if isinstance(x, np.ndarray):
        if not isinstance(y, np.ndarray) or x.shape != y.shape:
            return False, "shape"
        if x.dtype.kind in "iub":
            ok = np.array_equal(x, y)
        else:
            rtol = 1e-4 if x.dtype == np.float32 else 1e-9
            ok = np.allclose(x, y, rtol=rtol, atol=rtol * 1e-3, equal_nan=True)
        if not ok:
            d = np.abs(np.asarray(x, dtype=complex) - np.asarray(y, dtype=complex))
            return False, "max abs diff %.3g" % float(np.nanmax(d)) if d.size else "differs"
        return True, ""
    if isinstance(x, float) or isinstance(y, float):
        try:
            return bool(np.isclose(x, y, rtol=1e-9, equal_nan=True)), "scalar differs"
        except TypeError:
            return False, "return value differs"
    return x == y, "return value differs"


def timed(f, args, runs, budget):
    times = []
    for _ in range(runs):
        a = fresh(args)
        t0 = time.perf_counter()
        f(*a)
        times.append(time.perf_counter() - t0)
        if sum(times) > budget:
            break
    return statistics.median(times), len(times)


def main():
    job = json.load(sys.stdin)
    path = job["module"]
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("_pyparc_tuned", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    runs, budget = job["runs"], job["budget"]
    for fn in job["functions"]:
        name = fn["name"]
        guard = getattr(mod, "_guard_" + name)
        cands = {v: getattr(mod, "_%s__%s" % (name, v)) for v in fn["variants"]}
        bad, cut = set(), set()
        for scale in fn["scales"]:
            syms = {k: max(2, int(round(v * scale))) for k, v in fn["symbols"].items()}
            work = float(math.prod(syms[k] for k in fn["work_syms"] or []))
            args = build(fn, syms, job["seed"])
            base = {"func": name, "scale": scale, "work": work}
            if not guard(*fresh(args)):
                emit(dict(base, event="skip", detail="the guard rejects the synthesized inputs"))
                continue
            ref = None
            if "orig" not in cut:
                a = fresh(args)
                try:
                    with np.errstate(all="ignore"):
                        t0 = time.perf_counter()
                        r = cands["orig"](*a)
                        t = time.perf_counter() - t0
                    ref = (a, r)
                    emit(dict(base, variant="orig", seconds=t, runs=1, ok=True))
                    if t > budget:
                        cut.add("orig")
                except Exception as e:  # the original's own failure on these inputs
                    emit(dict(base, event="skip", detail="the original raises %s" % type(e).__name__))
                    continue
            for v, f in cands.items():
                if v == "orig" or v in bad or v in cut:
                    continue
                try:
                    with np.errstate(all="ignore"):
                        a = fresh(args)
                        r = f(*a)  # warm-up: Numba compiles here, outside the timing
                        if ref is not None:
                            for x, y in zip(ref[0] + [ref[1]], a + [r]):
                                ok, why = same(x, y)
                                if not ok:
                                    raise AssertionError(why)
                        t, n = timed(f, args, runs, budget)
                except AssertionError as e:
                    bad.add(v)
                    emit(dict(base, variant=v, ok=False, detail="wrong result: %s" % e))
                    continue
                except Exception as e:
                    bad.add(v)
                    emit(dict(base, variant=v, ok=False, detail="raised %s: %s" % (type(e).__name__, e)))
                    continue
                emit(dict(base, variant=v, seconds=t, runs=n, ok=True,
                          checked=ref is not None))
                if t > budget:
                    cut.add(v)
    emit({"event": "done"})


if __name__ == "__main__":
    main()
