"""A real multi-node Ray cluster (testdata/ray/cluster.py) shared by the tests of a module."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(HERE, "..", "..", "emit", "runtime")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.abspath(RUNTIME))

WORKERS = 3


@pytest.fixture(scope="module")
def cluster():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements.txt)")
    from cluster import Cluster
    from pyparc_rt import _ray as rt

    if ray.is_initialized():
        ray.shutdown()
    c = Cluster(workers=WORKERS, worker_cpus=1, head_cpus=0, object_store_mb=128)
    c.start()
    old = os.environ.get("RAY_ADDRESS")
    # The runtime joins the cluster the way an emitted program does: through RAY_ADDRESS.
    os.environ["RAY_ADDRESS"] = c.address
    try:
        rt.ensure()
        yield c
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("RAY_ADDRESS", None)
        else:
            os.environ["RAY_ADDRESS"] = old
        c.stop()
