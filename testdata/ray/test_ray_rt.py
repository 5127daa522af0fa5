"""pyparc_rt._ray on a real cluster: a head and three worker nodes, each its own raylet (conftest.py).

Kernels are written by hand the way emit writes them: a function over iterations [_lo, _hi) of the
outer parallel loop with global indices, plus its footprint function. Every result is compared
with running the same kernel in this process over the whole range.
"""

import os
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements.txt)")

from pyparc_rt import _ray as rt  # noqa: E402  (conftest puts emit/runtime on the path)

MATMUL = '''
import numpy as np

def matmul_rows(_lo, _hi, A, B, C):
    for i in range(_lo, _hi):
        for j in range(C.shape[1]):
            for k in range(A.shape[1]):
                C[i, j] += A[i, k] * B[k, j]
'''


def matmul_regions(lo, hi, A, B, C):
    reads = {0: ((lo, hi), (0, A.shape[1])), 1: ((0, B.shape[0]), (0, B.shape[1])), 2: ((lo, hi), (0, C.shape[1]))}
    return reads, {2: ((lo, hi), (0, C.shape[1]))}


STENCIL = '''
import numpy as np

def stencil3(_lo, _hi, A, B):
    for i in range(_lo, _hi):
        B[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0
'''


def stencil_regions(lo, hi, A, B):
    return {0: ((lo - 1, hi + 1),)}, {1: ((lo, hi),)}


# Iteration i adds A[i] to every X[j], j >= i: each chunk writes the whole tail of X.
SUFFIX = '''
def suffix_add(_lo, _hi, A, X):
    for i in range(_lo, _hi):
        for j in range(i, X.shape[0]):
            X[j] += A[i]
'''


def suffix_regions(lo, hi, A, X):
    return {0: ((lo, hi),), 1: ((lo, X.shape[0]),)}, {1: ((lo, X.shape[0]),)}


FAILS = '''
def fails_in_one_chunk(_lo, _hi, X, bad):
    for i in range(_lo, _hi):
        X[i] = 1.0
        if i == bad:
            raise ValueError("boom at %d" % i)
'''

# Leaves a marker naming its node and chunk, so the fault test knows where a chunk is running.
SLOW = '''
import os
import time

def slow_fill(_lo, _hi, X, marker_dir, delay):
    import ray
    node = ray.get_runtime_context().get_node_id()
    open(os.path.join(marker_dir, node + "-" + str(_lo)), "w").close()
    time.sleep(delay)
    for i in range(_lo, _hi):
        X[i] = 2.0 * i + 1.0
'''


def fill_regions(lo, hi, X, marker_dir, delay):
    return {}, {0: ((lo, hi),)}


def local(source, name, args, lo, hi):
    """The kernel run here, as plain Python, over the whole range."""
    ns = {}
    exec(source, ns)
    ns[name](lo, hi, *args)


def bounded(fn, seconds):
    """fn() in a thread; fails the test if it has not returned after `seconds` (no plugin needed)."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the test
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        pytest.fail(f"still running after {seconds} s: a hang")
    return box


def worker_nodes():
    """Node id -> K for the live worker nodes (the ones with resource pyparc_node_K)."""
    out = {}
    for n in ray.nodes():
        if n["Alive"]:
            for r in n["Resources"]:
                if r.startswith("pyparc_node_"):
                    out[n["NodeID"]] = int(r.rsplit("_", 1)[1])
    return out


def test_matmul_rows_on_several_nodes(cluster):
    rng = np.random.default_rng(1)
    A = rng.random((48, 40))
    B = rng.random((40, 36))
    C = rng.random((48, 36))
    A0, B0 = A.copy(), B.copy()
    # Read-only in the caller: a run that tried to write them back would fail loudly.
    A.setflags(write=False)
    B.setflags(write=False)
    want = C.copy()
    local(MATMUL, "matmul_rows", [A, B, want], 0, 48)

    k = rt.Kernel("matmul_rows", MATMUL, matmul_regions)
    assert k.jit
    rt.run(k, [A, B, C], 0, 48, chunks=6)
    np.testing.assert_array_equal(C, want)  # Numba without fastmath rounds as Python does
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(B, B0)

    st = rt.last_stats()
    assert st["tasks"] == st["chunks"] == 6
    workers = worker_nodes()
    # 6 chunks over 3 one-CPU worker nodes, placed round-robin: every worker node ran some, and
    # nothing ran on the head (it has no CPUs).
    assert set(st["nodes"]) == set(workers), (st["nodes"], workers)
    # Rows of A and C go to one chunk each; B, read whole by every chunk, goes to the object store once.
    assert st["bytes_shipped"] == A.nbytes + B.nbytes + C.nbytes
    assert st["bytes_returned"] == C.nbytes
    assert st["naive_bytes"] == 6 * (A.nbytes + B.nbytes + C.nbytes) + 6 * C.nbytes


def test_stencil_ships_halos_not_arrays(cluster):
    n = 20000
    A = np.sqrt(np.arange(n, dtype=np.float64))
    B = np.full(n, -7.0)  # B[0] and B[n-1] are outside every write box and must keep this
    want = B.copy()
    local(STENCIL, "stencil3", [A, want], 1, n - 1)

    rt.run(rt.Kernel("stencil3", STENCIL, stencil_regions), [A, B], 1, n - 1)
    np.testing.assert_array_equal(B, want)
    st = rt.last_stats()
    chunks = st["chunks"]
    assert chunks == 3, "default chunk count: the cluster's CPUs (3 worker nodes of 1 CPU)"
    assert set(st["nodes"]) == set(worker_nodes()), "one chunk per worker node"
    # Each chunk gets its rows of A plus one halo element on each side, and its rows of B.
    assert st["bytes_shipped"] == 8 * ((n - 2 + 2 * chunks) + (n - 2))
    assert st["bytes_returned"] == 8 * (n - 2)
    assert st["bytes_shipped"] < st["naive_bytes"] / 2


def test_overlapping_writes_are_unsuitable(cluster):
    A = np.arange(1.0, 41.0)
    X = np.ones(40)
    X0 = X.copy()
    rt.run(rt.Kernel("stencil3", STENCIL, stencil_regions), [np.ones(5), np.zeros(5)], 1, 4)  # a real run first
    with pytest.raises(rt.Unsuitable, match="overlap"):
        rt.run(rt.Kernel("suffix_add", SUFFIX, suffix_regions), [A, X], 0, 40, chunks=4)
    np.testing.assert_array_equal(X, X0)
    assert rt.last_stats()["tasks"] == 0
    # One chunk cannot clobber itself: the same call with one chunk runs, and matches.
    want = X.copy()
    local(SUFFIX, "suffix_add", [A, want], 0, 40)
    rt.run(rt.Kernel("suffix_add", SUFFIX, suffix_regions), [A, X], 0, 40, chunks=1)
    np.testing.assert_array_equal(X, want)


def test_unsafe_arguments_are_unsuitable(cluster):
    k = rt.Kernel("stencil3", STENCIL, stencil_regions)
    A = np.arange(10.0)
    with pytest.raises(rt.Unsuitable, match="share memory"):
        rt.run(k, [A, A[1:]], 1, 8)  # B is a view of A and written
    ro = np.zeros(10)
    ro.setflags(write=False)
    with pytest.raises(rt.Unsuitable, match="read-only"):
        rt.run(k, [A, ro], 1, 9)
    with pytest.raises(rt.Unsuitable, match="not a NumPy array"):
        rt.run(k, [A, [0.0] * 10], 1, 9)
    with pytest.raises(rt.Unsuitable, match="not a plain ndarray"):
        rt.run(k, [A, np.ma.zeros(10)], 1, 9)
    with pytest.raises(rt.Unsuitable, match="no node"):
        rt.run(rt.Kernel("stencil3", STENCIL, stencil_regions, num_gpus=1), [A, np.zeros(10)], 1, 9)
    np.testing.assert_array_equal(A, np.arange(10.0))
    rt.run(k, [A, np.zeros(10)], 5, 5)  # an empty range does nothing
    assert rt.last_stats()["tasks"] == 0


def test_task_error_leaves_arguments_untouched(cluster):
    X = np.zeros(30)
    k = rt.Kernel("fails_in_one_chunk", FAILS, lambda lo, hi, X, bad: ({}, {0: ((lo, hi),)}), jit=False)
    with pytest.raises(RuntimeError, match=r"^pyparc: Ray task for fails_in_one_chunk failed: ValueError: boom at 25$"):
        rt.run(k, [X, 25], 0, 30, chunks=3)
    assert not X.any(), "the chunks that succeeded must not have been written back"


# A loop that calls functions of the program's module (a call statement): it runs with that
# module's globals; workers import the module and get its plain-data globals as they are now.
CALLS = '''
def calls_weight(_lo, _hi, A, T, out, tag):
    for i in range(_lo, _hi):
        out[i] = weight(A[i]) + T[i % 2, 0] + A.ravel(order="K")[i]
'''


def test_module_kernel_globals_unregioned_arrays_and_order(cluster, tmp_path):
    (tmp_path / "pmod_calls.py").write_text("SCALE = 1.0\n\ndef weight(r):\n    return r.sum() * SCALE\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import pmod_calls
        pmod_calls.SCALE = 3.0  # changed at run time: the workers must see it
        # T has no region (a local the model only passes to functions): shipped whole, not zeros.
        k = rt.Kernel("calls_weight", CALLS, lambda lo, hi, A, T, out, tag: (
            {0: ((0, A.shape[0]), (0, A.shape[1]))}, {2: ((lo, hi),)}), jit=False, module="pmod_calls",
            pure=("weight",))
        A = np.asfortranarray(np.arange(24.0).reshape(8, 3))
        T = np.array([[10.0], [20.0]])
        want, got = np.zeros(8), np.zeros(8)
        rt._kernel_function(k.name, k.source, k.jit, k.module)(0, 8, A, T, want, None)
        rt.run(k, [A, T, got, None], 0, 8, chunks=3)
        assert rt.last_stats()["tasks"] == 3
        np.testing.assert_array_equal(got, want)
        assert want[1] == 3 * (3 + 4 + 5) + 20 + 3  # F order: ravel(order="K")[1] is A[1, 0]
        with pytest.raises(rt.Unsuitable, match="cannot send its arguments"):
            rt.run(k, [A, T, got, threading.Lock()], 0, 8, chunks=2)
        pmod_calls.TABLE = np.zeros(8)  # a written argument that is a global a callee may read
        with pytest.raises(rt.Unsuitable, match="shares memory with a global array"):
            rt.run(k, [A, T, pmod_calls.TABLE, None], 0, 8, chunks=2)
        del pmod_calls.TABLE
        pmod_calls.weight = lambda r: -r.sum()  # replaced since pyparc judged it pure
        with pytest.raises(rt.Unsuitable, match="is not the function pyparc analyzed"):
            rt.run(k, [A, T, got, None], 0, 8, chunks=2)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("pmod_calls", None)


def test_task_is_shipped_by_value(tmp_path):
    # A cluster started elsewhere cannot import pyparc_rt: the task must unpickle without it.
    import ray.cloudpickle as cp
    rt._remote_task()
    code = ("import pickle, sys, numpy as np\n"
            "task = pickle.loads(sys.stdin.buffer.read())\n"
            "assert 'pyparc_rt' not in sys.modules\n"
            "fn = task.__globals__['_kernel_function']('k', 'def k(_lo, _hi, X):\\n    X[_lo:_hi] = 1\\n', False)\n"
            "X = np.zeros(3); fn(0, 2, X); print(X.tolist())\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run([sys.executable, "-c", code], input=cp.dumps(rt._task), cwd=tmp_path, env=env,
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode().strip() == "[1.0, 1.0, 0.0]"


def test_unreachable_address_is_unsuitable_at_once(tmp_path):
    # ray.init would retry a dead RAY_ADDRESS for minutes; the program must fall back instead.
    code = ("import numpy as np\n"
            "from pyparc_rt import _ray as rt\n"
            "k = rt.Kernel('k', 'def k(_lo, _hi, X):\\n    X[_lo:_hi] = 1\\n', lambda lo, hi, X: ({}, {0: ((lo, hi),)}))\n"
            "X = np.zeros(4)\n"
            "try:\n    rt.run(k, [X], 0, 4)\nexcept rt.Unsuitable as e:\n    print('unsuitable', X.any())\n")
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        env = dict(os.environ, RAY_ADDRESS=f"127.0.0.1:{port}",
                   PYTHONPATH=os.path.dirname(os.path.dirname(rt.__file__)))
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    assert p.stdout.decode().split() == ["unsuitable", "False"]
    assert time.monotonic() - t0 < 30


def test_script_from_another_directory_joins_cluster(cluster, tmp_path):
    # The shape of an emitted program: OUT/prog.py beside OUT/pyparc_rt/, run from elsewhere.
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(os.path.join(os.path.dirname(rt.__file__)), out / "pyparc_rt",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (out / "prog.py").write_text(
        "import numpy as np\n"
        "from pyparc_rt import _ray as rt\n"
        f"SRC = {STENCIL!r}\n"
        "k = rt.Kernel('stencil3', SRC, lambda lo, hi, A, B: ({0: ((lo - 1, hi + 1),)}, {1: ((lo, hi),)}))\n"
        "A = np.arange(5000.0) ** 1.5; B = np.zeros(5000)\n"
        "rt.run(k, [A, B], 1, 4999)\n"
        "want = np.zeros(5000); want[1:-1] = (A[:-2] + A[1:-1] + A[2:]) / 3.0\n"
        "print(np.array_equal(B, want), len(rt.last_stats()['nodes']))\n")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["RAY_ADDRESS"] = cluster.address
    p = subprocess.run([sys.executable, str(out / "prog.py")], cwd=elsewhere, env=env, capture_output=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    same, nodes = p.stdout.decode().split()[-2:]
    assert same == "True" and int(nodes) >= 2, p.stdout.decode()


# The last two tests kill worker nodes: they stay last in the module.
def test_killed_node_gives_right_answer_or_clear_error(cluster, tmp_path):
    n, chunks = 60, 6
    X = np.full(n, -1.0)
    want = 2.0 * np.arange(n) + 1.0
    markers = tmp_path / "markers"
    markers.mkdir()
    k = rt.Kernel("slow_fill", SLOW, fill_regions, jit=False)
    workers = worker_nodes()
    assert len(workers) == 3

    box = {}

    def call():
        return rt.run(k, [X, str(markers), 2.0], 0, n, chunks=chunks)

    t0 = time.monotonic()
    runner = threading.Thread(target=lambda: box.update(bounded(call, 150)), daemon=True)
    runner.start()
    victim = None
    while victim is None and time.monotonic() - t0 < 60:
        for m in os.listdir(markers):
            node = m.rsplit("-", 1)[0]
            if node in workers:
                victim = node
                break
        time.sleep(0.05)
    assert victim is not None, "no chunk started within 60 s"
    cluster.kill_worker(workers[victim])
    runner.join(160)
    assert not runner.is_alive()
    if "error" in box:
        err = box["error"]
        assert isinstance(err, RuntimeError) and "pyparc: Ray task for slow_fill failed" in str(err), repr(err)
        assert (X == -1.0).all(), "a failed call must leave its arguments untouched"
        print("fault test: clear error:", err)
    else:
        np.testing.assert_array_equal(X, want)
        # The victim's chunk ran again on another node (Ray's retry), which left a second marker.
        victim_chunks = {m.rsplit("-", 1)[1] for m in os.listdir(markers) if m.startswith(victim)}
        rerun = [m for m in os.listdir(markers) if m.rsplit("-", 1)[1] in victim_chunks and not m.startswith(victim)]
        assert rerun, f"the killed node's chunk was not retried elsewhere: {victim} {sorted(os.listdir(markers))} {rt.last_stats()}"
        assert victim not in rt.last_stats()["nodes"]
        print(f"fault test: retried, right answer in {time.monotonic() - t0:.1f} s")


def test_no_live_worker_gives_clear_error_not_hang(cluster):
    for k in [k for k in cluster.procs if k != "head"]:
        cluster.kill_worker(k)
    X = np.full(12, -1.0)
    k = rt.Kernel("slow_fill", SLOW, fill_regions, jit=False)
    box = bounded(lambda: rt.run(k, [X, "/nonexistent", 0.0], 0, 12, chunks=3, infeasible_timeout=3), 90)
    err = box.get("error")
    # Unsuitable when Ray already knows the nodes are gone, else the tasks fail or wait in vain.
    assert isinstance(err, (rt.Unsuitable, RuntimeError)), repr(box)
    assert isinstance(err, rt.Unsuitable) or str(err).startswith("pyparc: Ray task for slow_fill failed"), err
    assert (X == -1.0).all()
    print("no live worker:", type(err).__name__, err)

