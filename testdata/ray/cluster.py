"""A real multi-node Ray cluster on this one machine, for pyparc's Ray tests.

Each node is its own `ray start --block` process (its own raylet, object store, temp dir and
ports), so tasks scheduled on different nodes really run in different raylets and move data
through Ray's object transfer, as on a cluster of machines. Worker node K carries the custom
resource `pyparc_node_K`, so a test can tell nodes apart and pin work to one.

Drivers join at 127.0.0.1:PORT. Ray itself advertises the nodes under the machine's own address
(it replaces a loopback --node-ip-address, and refuses multi-node clusters when told to keep
loopback), so the traffic stays on this host but the ports are not bound to loopback only.

    python3 testdata/ray/cluster.py start [--workers N]   # prints RAY_ADDRESS=...; runs until Ctrl-C
    python3 testdata/ray/cluster.py start --detach        # prints RAY_ADDRESS and the state file
    python3 testdata/ray/cluster.py stop [STATE]           # stops a detached cluster

    with Cluster(workers=3) as c:       # importable: c.address, c.kill_worker(2), c.stop()
        ...

We never run `ray stop`: it kills every Ray process on the machine, including other people's.
Every process we start gets its own session (setsid), and stopping signals exactly those sessions,
then sweeps any process whose command line names our private temp root.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"


def _free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _node_env():
    env = dict(os.environ)
    # Ray 2.60 turns token auth on for a head whenever ~/.ray/auth_token exists (any local
    # ray.init() creates it) but not for `ray start --address` workers, which then cannot join.
    # Naming the mode keeps the cluster independent of that file. Off, so that a driver needs
    # nothing but RAY_ADDRESS (a driver that does send a token is still accepted).
    env["RAY_AUTH_MODE"] = "disabled"
    env.pop("RAY_AUTH_TOKEN", None)
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    # A killed node is noticed by the GCS through missed health checks; the defaults take ~30 s,
    # these take ~3 s, so a fault test sees the node gone and its tasks retried quickly.
    env.setdefault("RAY_health_check_initial_delay_ms", "1000")
    env.setdefault("RAY_health_check_period_ms", "1000")
    env.setdefault("RAY_health_check_timeout_ms", "1000")
    env.setdefault("RAY_health_check_failure_threshold", "3")
    env.pop("RAY_ADDRESS", None)  # `ray start --head` must not try to join some other cluster
    return env


def _sessions_alive(sids):
    """Pids of live processes whose session id is one of sids (each node is one session)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            # Fields after the parenthesized command: state ppid pgrp session ...
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue
            if int(fields[3]) in sids:
                found.append(int(d))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _pids_naming(root):
    """Pids of live processes whose command line names root (Ray's workers retitle themselves
    "ray::IDLE", so this finds only its own daemons, should one ever leave our sessions)."""
    found = []
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{d}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if root.encode() in cmd:
            found.append(int(d))
    return found


class Cluster:
    """A head node plus `workers` worker nodes, each a separate `ray start --block` session."""

    def __init__(self, workers=2, worker_cpus=1, head_cpus=0, object_store_mb=128, root=None,
                 ready_timeout=120.0):
        self.n_workers = workers
        self.worker_cpus = worker_cpus
        self.head_cpus = head_cpus
        self.object_store = int(object_store_mb) * 1024 * 1024
        self.ready_timeout = ready_timeout
        # Short root: Ray puts Unix sockets under the temp dir and those paths are limited to 107 bytes.
        self._own_root = root is None
        self.root = root or tempfile.mkdtemp(prefix="prc", dir="/tmp")
        self.address = None
        self.procs = {}  # "head" or worker index K -> Popen (its pid is also its session id)
        self._next_worker = 1

    # -- starting ---------------------------------------------------------------------------

    def _common_args(self, name):
        # Port 0 lets each process bind whatever port is free when it starts (Ray's own multi-node
        # test harness does the same): fixed defaults (dashboard agent 52365, workers 10002-19999)
        # would collide between the nodes of this cluster and with any other cluster on the machine.
        return [
            "--block", "--disable-usage-stats",
            "--temp-dir", os.path.join(self.root, name),
            "--object-store-memory", str(self.object_store),
            "--node-manager-port", "0", "--object-manager-port", "0", "--metrics-export-port", "0",
            "--dashboard-agent-listen-port", "0", "--dashboard-agent-grpc-port", "0",
            "--runtime-env-agent-port", "0", "--min-worker-port", "0", "--max-worker-port", "0",
        ]

    def _spawn(self, name, args):
        log = open(os.path.join(self.root, name + ".log"), "wb")
        cmd = [sys.executable, "-m", "ray.scripts.scripts", "start"] + args
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=_node_env(), start_new_session=True)
        log.close()
        return p

    def _wait_started(self, name, p, deadline):
        # `ray start --block` prints this once its processes are up, then blocks.
        path = os.path.join(self.root, name + ".log")
        while time.time() < deadline:
            with open(path, "rb") as f:
                text = f.read()
            if b"Ray runtime started" in text:
                return
            if p.poll() is not None:
                raise RuntimeError(f"ray node {name} exited ({p.returncode}):\n" + text.decode(errors="replace")[-3000:])
            time.sleep(0.2)
        raise TimeoutError(f"ray node {name} did not start; see {path}")

    def start(self):
        os.makedirs(self.root, exist_ok=True)
        deadline = time.time() + self.ready_timeout
        try:
            gcs_port = _free_port()
            head = self._spawn("head", ["--head", "--port", str(gcs_port), "--include-dashboard", "false",
                                        "--dashboard-port", "0",
                                        "--num-cpus", str(self.head_cpus)]
                               + self._common_args("head"))
            self.procs["head"] = head
            self._wait_started("head", head, deadline)
            self.address = f"{HOST}:{gcs_port}"
            for _ in range(self.n_workers):
                self.add_worker(wait=False)
            for k, p in self.procs.items():
                if k != "head":
                    self._wait_started(f"worker{k}", p, deadline)
            self.wait_nodes(1 + self.n_workers, deadline - time.time())
        except BaseException:
            self.stop(keep_logs=True)
            raise
        return self.address

    def add_worker(self, wait=True):
        """Starts one more worker node; returns its index K (its resource is pyparc_node_K)."""
        k = self._next_worker
        self._next_worker += 1
        p = self._spawn(f"worker{k}", ["--address", self.address, "--num-cpus", str(self.worker_cpus),
                                       "--resources", json.dumps({f"pyparc_node_{k}": 1})]
                        + self._common_args(f"worker{k}"))
        self.procs[k] = p
        if wait:
            deadline = time.time() + self.ready_timeout
            self._wait_started(f"worker{k}", p, deadline)
            self.wait_nodes(len(self.procs), deadline - time.time())
        return k

    def wait_nodes(self, count, timeout):
        """Waits until `count` nodes are alive in the GCS (uses, or briefly makes, a driver)."""
        import ray
        own = not ray.is_initialized()
        if own:
            ray.init(address=self.address, logging_level="ERROR", log_to_driver=False)
        try:
            deadline = time.time() + timeout
            while True:
                alive = [n for n in ray.nodes() if n["Alive"]]
                if len(alive) >= count:
                    return alive
                if time.time() > deadline:
                    raise TimeoutError(f"only {len(alive)} of {count} Ray nodes came up; logs in {self.root}")
                time.sleep(0.2)
        finally:
            if own:
                ray.shutdown()

    # -- faults and stopping ----------------------------------------------------------------

    def kill_worker(self, k):
        """Crashes worker node K: SIGKILL to its whole session (raylet, object store, workers)."""
        p = self.procs.pop(k)
        # By session, not process group: the raylet puts each worker process in a group of its own.
        for _ in range(3):
            for pid in _sessions_alive({p.pid}):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        p.wait()
        if _sessions_alive({p.pid}):
            raise RuntimeError(f"worker node {k} survived SIGKILL")

    def stop(self, keep_logs=False):
        """Stops every process this cluster started and removes its temp root; raises if any survive."""
        # SIGKILL, not SIGTERM: on SIGTERM each node "drains" for up to 30 s. Nothing is lost by
        # killing: the object stores' shared memory is unlinked as soon as it is mapped, and the
        # only files the nodes write are under our private root, removed below.
        sids = {p.pid for p in self.procs.values()}
        for _ in range(3):  # a dying parent may still fork; sweep until nothing is left
            for pid in set(_sessions_alive(sids)) | set(_pids_naming(self.root)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for p in self.procs.values():
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            time.sleep(0.2)
        self.procs.clear()
        left = set(_sessions_alive(sids)) | set(_pids_naming(self.root))
        if left:
            raise RuntimeError(f"Ray processes survived stop: {sorted(left)}")
        if self._own_root and not keep_logs and not os.environ.get("PYPARC_RAY_KEEP_LOGS"):
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        if self.address is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start", help="start a head and N worker nodes")
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--worker-cpus", type=int, default=1)
    s.add_argument("--head-cpus", type=int, default=0)
    s.add_argument("--object-store-mb", type=int, default=128)
    s.add_argument("--detach", action="store_true",
                   help="leave the cluster running and print a state file for `stop`")
    t = sub.add_parser("stop", help="stop a cluster started with --detach")
    t.add_argument("state", nargs="?", default="/tmp/pyparc-ray-cluster.json")
    a = ap.parse_args(argv)

    if a.cmd == "stop":
        with open(a.state) as f:
            st = json.load(f)
        c = Cluster(root=st["root"])
        c._own_root = True  # the state file handed it to us
        c.procs = {k: _Detached(pid) for k, pid in st["pids"].items()}
        c.stop()
        os.unlink(a.state)
        print("stopped")
        return 0

    c = Cluster(workers=a.workers, worker_cpus=a.worker_cpus, head_cpus=a.head_cpus,
                object_store_mb=a.object_store_mb)
    c.start()
    print(f"RAY_ADDRESS={c.address}", flush=True)
    if a.detach:
        state = "/tmp/pyparc-ray-cluster.json"
        with open(state, "w") as f:
            json.dump({"root": c.root, "address": c.address,
                       "pids": {str(k): p.pid for k, p in c.procs.items()}}, f)
        print(f"state: {state}  (stop with: python3 {sys.argv[0]} stop {state})", flush=True)
        return 0
    try:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        c.stop()
        print("stopped", flush=True)
    return 0


class _Detached:
    """Stands in for a Popen of a node started by an earlier `start --detach`."""

    def __init__(self, pid):
        self.pid = pid

    def wait(self, timeout=None):
        return None


if __name__ == "__main__":
    sys.exit(main())
