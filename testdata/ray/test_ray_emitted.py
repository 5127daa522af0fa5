"""pyparc's emitted Ray variants on a real multi-node Ray cluster on loopback.

Each PolyBench kernel with a parallel outer loop is profiled, emitted, and its Ray variant is run
against the cluster (RAY_ADDRESS, PYPARC_VARIANT=ray) in a separate driver process: its outputs
must equal the original kernel's, its tasks must have run on more than one node, and it must
have shipped less than whole arrays to every task.
"""
import json
import os
import subprocess
import sys

import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements.txt)")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "testdata", "programs", "polybench")
sys.path.insert(0, HERE)
from cluster import Cluster  # noqa: E402

# Distributed over the cluster: every top-level loop is parallel and chunks write disjoint boxes.
KERNELS = ["gemm", "2mm", "syrk", "mvt"]
# Covariance's triangular update writes boxes that overlap across chunks: the runtime refuses
# those loops before any task starts and they run in the driver; the answer must still be right.
PARTLY = ["covariance"]

DRIVER = r"""
import importlib.util, json, sys
import numpy as np
corpus, emitted_path, name = sys.argv[1:4]
sys.path.insert(0, corpus)
import test_polybench as tp
mod, params, args = tp.build_args(name, "small")
want = tp.copied(args)
getattr(mod, tp.kernel_name(name))(*want)
spec = importlib.util.spec_from_file_location("emitted_" + mod.__name__, emitted_path)
em = importlib.util.module_from_spec(spec)
sys.path.insert(0, __import__("os").path.dirname(emitted_path))
spec.loader.exec_module(em)
got = tp.copied(args)
getattr(em, tp.kernel_name(name))(*got)
outs = tp.KERNELS[name][3]
for o in outs:
    i = params.index(o)
    if not np.allclose(got[i], want[i], rtol=1e-9, atol=1e-12):
        print("MISMATCH", o, float(np.max(np.abs(got[i] - want[i]))))
        sys.exit(1)
from pyparc_rt import _ray
print(json.dumps(_ray.last_stats()))
"""


@pytest.fixture(scope="module")
def emitted(tmp_path_factory):
    work = tmp_path_factory.mktemp("emitted")
    pyparc = os.path.join(ROOT, "bin", "pyparc")
    subprocess.run(["go", "build", "-o", pyparc, "./cmd/pyparc"], cwd=ROOT, check=True)
    db = str(work / "p.db")
    out = {}
    for name in KERNELS + PARTLY:
        modname = {"2mm": "k2mm"}.get(name, name)
        script = os.path.join(CORPUS, modname + ".py")
        for size in ("mini", "small"):
            subprocess.run([pyparc, "profile", "run", "--python", sys.executable, "--db", db, script,
                            "--size", size, str(work / "p.npz")], check=True, capture_output=True)
        res = subprocess.run([pyparc, "emit", "--db", db, "-o", str(work / modname), script],
                             check=True, capture_output=True, text=True)
        out[name] = (str(work / modname / (modname + ".py")), res.stdout)
    return out


@pytest.fixture(scope="module")
def cluster():
    with Cluster(workers=2) as c:
        yield c


def run_ray_variant(name, emitted, cluster):
    """Runs the kernel's Ray variant against the cluster; returns the last Ray call's stats."""
    path, report = emitted[name]
    line = next(ln for ln in report.splitlines() if "kernel_" + name.replace("-", "_") + " (" in ln)
    assert "ray:" in line, f"no Ray variant for {name}: {line}"
    env = dict(os.environ, RAY_ADDRESS=cluster.address, PYPARC_VARIANT="ray")
    res = subprocess.run([sys.executable, "-c", DRIVER, CORPUS, path, name], env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", KERNELS)
def test_ray_variant_on_cluster(name, emitted, cluster):
    stats = run_ray_variant(name, emitted, cluster)
    assert stats["tasks"] >= 2, stats
    assert len(stats["nodes"]) >= 2, f"tasks ran on one node only: {stats}"
    assert 0 < stats["bytes_shipped"] < stats["naive_bytes"], stats


@pytest.mark.parametrize("name", PARTLY)
def test_ray_variant_with_refused_loops(name, emitted, cluster):
    run_ray_variant(name, emitted, cluster)
