"""Smoke test of the slim Ray wheels from .whl-ray/ (bench/multigpu/ray_wheels.sh).

Checks that the installed Ray's requirements (and those of the carried dependencies) are met by
what is importable, then starts a local cluster, runs remote tasks, moves a 10 MB array through
the object store, optionally runs fractional-GPU tasks, and shuts down.

    python3 bench/multigpu/ray_smoke.py            # CPU only
    python3 bench/multigpu/ray_smoke.py --gpus 2   # also num_gpus tasks (on a GPU machine)
"""

import argparse
import importlib.metadata as md
import os
import sys
import time


def check_requirements(dists=("ray", "jsonschema", "referencing", "jsonschema-specifications")):
    """Every Requires-Dist (no extras) of `dists` is installed at a matching version."""
    from packaging.requirements import Requirement

    bad = []
    for dist in dists:
        try:
            reqs = md.requires(dist) or []
        except md.PackageNotFoundError:
            bad.append(f"{dist}: not installed")
            continue
        for line in reqs:
            r = Requirement(line)
            if r.marker is not None and not r.marker.evaluate({"extra": ""}):
                continue
            try:
                have = md.version(r.name)
            except md.PackageNotFoundError:
                bad.append(f"{dist} needs {r}: missing")
                continue
            if not r.specifier.contains(have, prereleases=True):
                bad.append(f"{dist} needs {r}: have {have}")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpus", type=int, default=0, help="num_gpus for ray.init (0: CPU only)")
    ap.add_argument("--cpus", type=int, default=2)
    args = ap.parse_args()

    bad = check_requirements()
    for b in bad:
        print("REQUIREMENT", b)
    t0 = time.perf_counter()
    import numpy as np
    import ray

    print(f"python {sys.version.split()[0]}, ray {ray.__version__} from {os.path.dirname(ray.__file__)}")
    ray.init(num_cpus=args.cpus, num_gpus=args.gpus, include_dashboard=False)
    t1 = time.perf_counter()
    print(f"ray.init: {t1 - t0:.2f} s; resources {ray.cluster_resources()}")

    @ray.remote
    def square(i):
        return i * i, os.getpid()

    res = ray.get([square.remote(i) for i in range(4)])
    assert [r[0] for r in res] == [0, 1, 4, 9], res
    print(f"4 tasks: {[r[0] for r in res]} in {len({r[1] for r in res})} worker processes")

    a = np.arange(10 * 2**20 // 8, dtype=np.float64)  # 10 MiB
    ref = ray.put(a)
    b = ray.get(ref)
    assert b.nbytes == a.nbytes and np.array_equal(a, b)

    @ray.remote
    def total(x):
        return float(x.sum()), x.nbytes

    s, n = ray.get(total.remote(ref))
    assert s == float(a.sum()) and n == a.nbytes
    print(f"put/get {a.nbytes / 2**20:.0f} MiB array: equal; sum in a task {s:.6g}")

    if args.gpus:
        @ray.remote(num_gpus=0.5)
        def gpu_ids():
            return ray.get_gpu_ids(), os.environ.get("CUDA_VISIBLE_DEVICES")

        print("num_gpus=0.5 tasks:", ray.get([gpu_ids.remote() for _ in range(2 * args.gpus)]))

    ray.shutdown()
    print(f"shutdown; total {time.perf_counter() - t0:.2f} s")
    print("SMOKE OK" if not bad else "SMOKE OK (with requirement warnings above)")


if __name__ == "__main__":
    main()
