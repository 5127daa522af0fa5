"""difffuzz harness: runs original and emitted programs on the same inputs and compares them.

usage: harness.py SRC_DIR OUT_DIR JOB_JSON

JOB_JSON lists {"name", "seed", "sizes"}: SRC_DIR/NAME.py is the original program and
OUT_DIR/NAME.py the emitted one; both define run(size, seed) returning a dict of arrays. For
each program and size both run, and every saved array must agree (float64 and complex128:
rtol 1e-9, atol 1e-12; float32: rtol 1e-4, atol 1e-5; integers and strings, such as the name
of an exception a driver caught, exactly; NaN equals NaN). A run that raises one of the
exceptions programs raise on purpose (TypeError, ValueError, RuntimeError, UnboundLocalError) agrees with a run
that raises the same type: a kernel's exceptions are part of its contract. One JSON line per
program goes to stdout as soon as it is done, so that the caller knows where a crash happened.
Many programs run in one process: starting Python and importing NumPy once saves most of the
time of a campaign.
"""
import importlib.util
import json
import os
import signal
import sys
import traceback
import warnings

import numpy as np

TIMEOUT_S = 60


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout("ran longer than %d s" % TIMEOUT_S)


def load(path, key):
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    spec.loader.exec_module(mod)
    return mod


def tolerance(*dtypes):
    if any(d == np.float32 for d in dtypes):
        return 1e-4, 1e-5
    return 1e-9, 1e-12


def compare(want, got):
    """Returns why got differs from want, or None."""
    if sorted(want) != sorted(got):
        return "saved arrays %s, emitted %s" % (sorted(want), sorted(got))
    for key in sorted(want):
        x, y = np.asarray(want[key]), np.asarray(got[key])
        ret = key.startswith("r")  # a returned scalar: its dtype may widen (float32 to float64)
        if x.shape != y.shape:
            return "%s: shape %s, emitted %s" % (key, x.shape, y.shape)
        if not ret and x.dtype != y.dtype:
            return "%s: dtype %s, emitted %s" % (key, x.dtype, y.dtype)
        kx, ky = x.dtype.kind, y.dtype.kind
        if (kx in "iubU") != (ky in "iubU"):
            return "%s: kind %s, emitted %s" % (key, x.dtype, y.dtype)
        if kx in "iubU":
            bad = x != y
        else:
            rtol, atol = tolerance(x.dtype, y.dtype)
            bad = ~np.isclose(y, x, rtol=rtol, atol=atol, equal_nan=True)
        if np.any(bad):
            idx = tuple(int(i) for i in np.argwhere(bad)[0]) if x.ndim else ()
            return "%s%s: %r, emitted %r (%d of %d elements differ)" % (
                key, list(idx), x[idx].item() if x.ndim else x.item(), y[idx].item() if y.ndim else y.item(),
                int(np.sum(bad)), x.size)
    return None


def counted(mod, name, counts, key, truth=False):
    """Wraps a module function to count its calls (or, with truth, its true results)."""
    fn = getattr(mod, name, None)
    if fn is None:
        return

    def wrapper(*args, **kwargs):
        r = fn(*args, **kwargs)
        if not truth or r:
            counts[key] += 1
        return r

    setattr(mod, name, wrapper)


def tail(exc):
    lines = traceback.format_exception(exc)
    return "".join(lines[-3:]).strip()


def check(src, out, case):
    name = case["name"]
    res = {"name": name, "status": "ok", "detail": "", "calls": 0, "fast": 0, "numba": 0, "numpy": 0,
           "inner": 0, "ray": 0, "overlap": 0}
    try:
        orig = load(os.path.join(src, name + ".py"), "orig_" + name)
    except BaseException as e:
        res.update(status="invalid", detail="original does not load: " + tail(e))
        return res
    try:
        new = load(os.path.join(out, name + ".py"), "new_" + name)
    except BaseException as e:
        res.update(status="emitted-raised", detail="emitted program does not load: " + tail(e))
        return res
    counted(new, "kernel", res, "calls")
    counted(new, "_guard_kernel", res, "fast", truth=True)
    counted(new, "_kernel__numba", res, "numba")
    counted(new, "_kernel__numpy", res, "numpy")
    counted(new, "_kernel__numba_inner", res, "inner")
    counted(new, "_kernel__numba_tiled", res, "inner")
    counted(new, "_kernel__numba_sum", res, "inner")
    counted(new, "_kernel__numba_overlap", res, "inner")
    counted(new, "_kernel__numba_overlap", res, "overlap")
    counted(new, "_kernel__ray", res, "ray")
    # The tuned-only variants (prange inside sequential loops, tiled wavefronts, reassociated
    # sums) run too, forced, where the program has them; so does the Ray variant, with no
    # cluster: each of its calls runs its kernels in this process over the whole range
    # (ray_local), the chunks' own code (whole-array NumPy, or the loop as written, compiled
    # by Numba where it computes as Python does).
    variants = [""]
    for v in ("numba_inner", "numba_tiled", "numba_sum", "numba_overlap", "ray"):
        if hasattr(new, "_kernel__" + v):
            variants.append(v)
    rt = getattr(new, "_rt", None)
    if rt is None:  # nothing optimized: the emitted program imports no runtime
        why = compare_sizes(orig, new, case, res)
        if why:
            res.update(status=why[0], detail=why[1])
        return res
    saved = rt.VARIANT, rt.HAVE_RAY, rt.ray_run

    def ray_here(*args, **kwargs):
        raise rt.RayUnsuitable("difffuzz runs the Ray kernels in its own process")

    try:
        for variant in variants:
            # The runtime is shared by every program of the process: each run sets it afresh.
            rt.VARIANT, rt.HAVE_RAY, rt.ray_run = variant, saved[1], saved[2]
            if variant == "ray":
                rt.HAVE_RAY, rt.ray_run = True, ray_here
            why = compare_sizes(orig, new, case, res)
            if why:
                res.update(status=why[0], detail=why[1] + (" (variant %s)" % variant if variant else ""))
                return res
    finally:
        rt.VARIANT, rt.HAVE_RAY, rt.ray_run = saved
    return res


# The exceptions generated programs raise on purpose: a check's raise, a complex value
# stored into a real array, a read of a temporary a branch or loop left unbound. Others (IndexError, Timeout) mean a broken program.
ON_PURPOSE = (TypeError, ValueError, RuntimeError, UnboundLocalError)


def compare_sizes(orig, new, case, res):
    """Runs both programs at each size; returns (status, detail) of the first failure."""
    for size in case["sizes"]:
        signal.alarm(TIMEOUT_S)
        raised = None
        try:
            want = orig.run(size, case["seed"])
        except ON_PURPOSE as e:
            raised = e
        except BaseException as e:
            signal.alarm(0)
            return "invalid", "size %d: the original raised: %s" % (size, tail(e))
        signal.alarm(TIMEOUT_S)
        try:
            got = new.run(size, case["seed"])
        except BaseException as e:
            signal.alarm(0)
            if raised is not None and type(e) is type(raised):
                continue  # both raise the same exception: they agree
            return "emitted-raised", "size %d: %s" % (size, tail(e))
        signal.alarm(0)
        if raised is not None:
            return "mismatch", "size %d: the original raised %s, the emitted program returned" % (
                size, type(raised).__name__)
        why = compare(want, got)
        if why:
            return "mismatch", "size %d: %s" % (size, why)
    return None


def main():
    src, out, job = sys.argv[1:4]
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, on_alarm)
    sys.path.insert(0, out)  # the emitted programs import pyparc_rt from there
    with open(job) as f:
        cases = json.load(f)
    with np.errstate(all="ignore"):
        for case in cases:
            print(json.dumps(check(src, out, case)), flush=True)


if __name__ == "__main__":
    main()
