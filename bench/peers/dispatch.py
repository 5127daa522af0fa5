"""Where a short call's time goes: the emitted dispatcher against its own guard and variants
called directly, and the peers, for kernels whose calls take tens of microseconds (there the
guard and dispatch are a visible part of the gap to a peer).

usage, after `python3 bench/peers/run.py --workdir /tmp/peers --kernels trisolv,gesummv`:

    python3 bench/peers/dispatch.py /tmp/peers/emitted trisolv gesummv --size medium

Each version is called in a loop of --number calls, --repeat rounds interleaved across the
versions (so drift of a shared machine hits all alike); the table gives the median round per
call, in microseconds. Inputs are built once with the program's init_array and updated in place
by every call: values drift, only times count. Versions:
    dispatcher     the emitted function as a user calls it (guard, then the chosen variant)
    guard          _guard_<kernel> alone
    <variant>      _<kernel>__<variant> called directly, for each variant the module has
    numba(user)    numba.njit(parallel=True) on the unchanged original
    numpy(hand)    reference.py's hand-written NumPy version
"""
import argparse
import os
import statistics
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lines import inputs, load, tp  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("emitted")
    p.add_argument("kernels", nargs="+")
    p.add_argument("--size", default="medium")
    p.add_argument("--number", type=int, default=200, help="calls per round")
    p.add_argument("--repeat", type=int, default=15, help="rounds")
    a = p.parse_args()
    warnings.simplefilter("ignore")
    import numba
    import reference
    print(f"{'kernel':12} {'version':14} {'us/call':>9}")
    for kernel in a.kernels:
        modname, init_keys, size_keys, _ = tp.KERNELS[kernel]
        fn = tp.kernel_name(kernel)
        mod = load(os.path.join(a.emitted, modname, modname + ".py"), modname)
        args = inputs(mod, a.size, init_keys, size_keys)
        versions = {"dispatcher": getattr(mod, fn), "guard": getattr(mod, "_guard_" + fn)}
        for v in ("numpy", "numba", "numba_inner", "numba_tiled", "numba_sum", "numba_overlap"):
            if hasattr(mod, f"_{fn}__{v}"):
                versions[v] = getattr(mod, f"_{fn}__{v}")
        versions["numba(user)"] = numba.njit(parallel=True)(getattr(mod, f"_{fn}__orig"))
        versions["numpy(hand)"] = reference.REFERENCE[kernel]
        for f in versions.values():
            f(*args)  # compile, warm caches
        times = {k: [] for k in versions}
        for _ in range(a.repeat):
            for name, f in versions.items():
                t0 = time.perf_counter()
                for _ in range(a.number):
                    f(*args)
                times[name].append((time.perf_counter() - t0) / a.number)
        for name, ts in times.items():
            print(f"{kernel:12} {name:14} {statistics.median(ts) * 1e6:9.2f}")


if __name__ == "__main__":
    main()
