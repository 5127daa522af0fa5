"""Runs each PolyBench kernel's original and pyparc-emitted versions on the same inputs.

usage: check_polybench.py CORPUS_DIR EMITTED_ROOT KERNEL...

EMITTED_ROOT/<module>/<module>.py is the emitted program of CORPUS_DIR/<module>.py. For every
kernel and for two sizes other than MINI (the profiled one), both versions run on copies of the
same inputs; every array the kernel writes must match (rtol 1e-9 for float64, exact for ints).
Prints one line per kernel and size: "ok NAME SIZE optimized|fallback" or "FAIL NAME ...".

With PYPARC_CHECK_INT set to a NumPy integer type (uint32, int16, ...), the size arguments
are passed as scalars of that type: the original loops over them as Python does, and every
variant the guard admits must too.
"""
import os
import inspect
import sys

import numpy as np

from checklib import load


def main():
    corpus, emitted, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, corpus)
    table = load(corpus + "/test_polybench.py", "polybench_table")
    failed = 0
    for name in names:
        modname, init_keys, size_keys, outputs = table.KERNELS[name]
        orig = load(f"{corpus}/{modname}.py", "orig_" + modname)
        sys.path.insert(0, f"{emitted}/{modname}")
        new = load(f"{emitted}/{modname}/{modname}.py", "new_" + modname)
        sys.path.pop(0)
        kname = "kernel_" + name.replace("-", "_")
        params = list(inspect.signature(getattr(orig, kname)).parameters)
        mini = orig.SIZES["mini"]
        for label, grow in (("mini+3", lambda v: v + 3), ("mini*2-1", lambda v: 2 * v - 1)):
            sz = {k: grow(v) for k, v in mini.items()}
            if name == "gramschmidt":
                sz["m"] = sz["n"] + 5  # more rows than columns, so the matrix can have full rank
            data = orig.init_array(*[sz[k] for k in init_keys])
            if not isinstance(data, tuple):
                data = (data,)
            if name == "gramschmidt":
                # PolyBench's matrix is rank deficient: past its rank, Q and R are rounding
                # noise that any change of summation order changes. Use a full-rank one.
                data = (np.random.default_rng(1).random(data[0].shape),) + data[1:]
            sizes = [sz[k] for k in size_keys]
            if os.environ.get("PYPARC_CHECK_INT"):
                sizes = [getattr(np, os.environ["PYPARC_CHECK_INT"])(v) for v in sizes]
            args = sizes + list(data)
            a1 = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
            a2 = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
            guard = getattr(new, "_guard_" + kname, None)
            fast = guard is not None and guard(*a2)
            with np.errstate(all="ignore"):
                r1 = getattr(orig, kname)(*a1)
                r2 = getattr(new, kname)(*a2)
            bad = []
            if not (r1 is None and r2 is None) and not np.allclose(r1, r2, rtol=1e-9, atol=1e-12, equal_nan=True):
                bad.append("return value")
            for i, p in enumerate(params):
                x, y = a1[i], a2[i]
                if not isinstance(x, np.ndarray):
                    continue
                if np.issubdtype(x.dtype, np.integer):
                    ok = np.array_equal(x, y)
                else:
                    ok = np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True)
                if not ok:
                    err = np.nanmax(np.abs(x - y)) if x.size else 0
                    bad.append(f"{p} (max abs diff {err:.3g})")
            if bad:
                failed += 1
                print(f"FAIL {name} {label}: {', '.join(bad)}")
            else:
                print(f"ok {name} {label} {'optimized' if fast else 'fallback'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
