"""Running one parallel loop of an emitted program as Ray tasks, each on a slice of the data.

A Ray variant calls `run(kernel, args, lo, hi)`: [lo, hi) is split into contiguous chunks, each
chunk becomes one task that receives only the bounding box of the array elements it reads or
writes, runs the loop body over its iterations with the original global indices, and returns the
box it writes; the driver writes those boxes back into the caller's arrays once every task has
succeeded, so a failure leaves the arguments as they were.

Ray is imported only when a Ray variant first runs: importing it costs about a second and most
programs never get here.
"""

import os
import sys
import threading
import time
import warnings

import numpy as np


class Unsuitable(Exception):
    """This call cannot run on Ray; the caller runs its single-process variant instead (raised
    before any task starts, so no argument has been touched)."""


class TaskFailed(RuntimeError):
    """A task of this call failed (its kernel raised, or no node could run it). No argument has
    been touched: the caller reruns the loop in this process, which raises the original's
    exception at the original's iteration, with the original's effects before it."""


_available = None


def available():
    """Whether Ray can be used at all in this process (cached; PYPARC_RAY=0 turns it off)."""
    global _available
    if _available is None:
        if os.environ.get("PYPARC_RAY") == "0":
            _available = False
        else:
            try:
                import ray  # noqa: F401
                _available = True
            except Exception:  # absent, or broken against this Python/NumPy
                _available = False
    return _available


class Kernel:
    """One parallel loop: its source (defining `name(_lo, _hi, *args)`) and its footprint function."""

    def __init__(self, name, source, regions, jit=True, num_gpus=0.0, module=None, pure=()):
        self.name = name
        self.source = source
        self.regions = regions
        # GPU kernels do their own CuPy work; Numba would only get in the way.
        self.jit = bool(jit) and not num_gpus and os.environ.get("PYPARC_NUMBA") != "0"
        self.num_gpus = float(num_gpus or 0.0)
        # (name, root): the module whose globals the kernel runs with, and the directory a
        # worker puts on its path to import it (the driver's copy of the emitted program).
        self.module = None
        self.pure = tuple(pure)  # the module's functions pyparc judged pure, checked at each call
        if module is not None:
            self.module = (module, _module_root(module))


def _module_root(name):
    """The sys.path entry module `name` was imported from ("" when unknown)."""
    mod = sys.modules.get(name)
    path = getattr(mod, "__file__", None)
    if not path:
        return ""
    root = os.path.dirname(os.path.abspath(path))
    if os.path.basename(path).startswith("__init__."):
        root = os.path.dirname(root)
    for _ in range(name.count(".")):
        root = os.path.dirname(root)
    return root


# ---------------------------------------------------------------------------------------------
# The worker side. Everything from here to the driver section is pickled *by value* (see
# _remote_task), so workers need neither pyparc_rt nor the driver's directory on their path: a
# cluster started separately with `ray start` runs these tasks as it is.


def _kernel_function(name, source, jit, module=None):
    # Cached per worker process. The cache lives in a module registered in sys.modules because
    # this function is rebuilt from its pickle, so a global of ours would not outlive one task.
    import types
    mod = sys.modules.get("_pyparc_ray_worker")
    if mod is None:
        mod = types.ModuleType("_pyparc_ray_worker")
        mod.kernels = {}
        sys.modules["_pyparc_ray_worker"] = mod
    key = (name, source, jit, module)  # the source itself, not its hash: no collision can mix kernels
    fn = mod.kernels.get(key)
    if fn is None:
        ns = {"__name__": "_pyparc_kernel_" + name}
        exec(compile(source, "<pyparc ray kernel " + name + ">", "exec"), ns)
        fn = ns[name]
        if module is not None:
            # The loop calls the module's functions: it runs with the module's own globals (not
            # a copy), so that it sees them as they are at each call.
            fn = types.FunctionType(fn.__code__, vars(_import_module(*module)), name, fn.__defaults__, fn.__closure__)
        if jit:
            fn = _jitted(fn)
        mod.kernels[key] = fn
    return fn


def _import_module(name, root):
    """The module a kernel calls into, imported from root when this process lacks it. A task
    inside a worker must not start Ray tasks of its own: the module's dispatchers see
    PYPARC_RAY=0 there."""
    import importlib
    if name in sys.modules:
        return sys.modules[name]
    os.environ["PYPARC_RAY"] = "0"
    if root and os.path.isdir(root) and root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(name)


_PLAIN = (int, float, complex, bool, str, bytes, type(None), np.ndarray, np.generic)


def _plain(v, depth=0):
    if isinstance(v, _PLAIN):
        return True
    if depth < 3 and isinstance(v, (tuple, list)):
        return all(_plain(x, depth + 1) for x in v)
    if depth < 3 and isinstance(v, dict):
        return all(isinstance(k, (str, int)) and _plain(x, depth + 1) for k, x in v.items())
    return False


def module_data(name):
    """The module's global variables that hold plain data (numbers, strings, arrays and
    containers of them), as they are now: workers import the module afresh, so a value the
    program changed since (SCALE = 3.0, a table filled at start) travels with the tasks."""
    mod = sys.modules.get(name)
    if mod is None:
        return {}
    return {k: v for k, v in vars(mod).items() if not k.startswith("__") and _plain(v)}


def _jitted(py):
    """py compiled by Numba, falling back to py when Numba is absent or cannot type it.

    Numba type errors are raised while compiling, before the body runs, so falling back to the
    interpreter after one cannot repeat any write."""
    try:
        import numba
        from numba.core.errors import NumbaError
    except Exception:
        return py
    # NumPy's error model, as the Numba variants have: an element divided by zero is inf or
    # nan, as in the original, not ZeroDivisionError (Numba's default, Python's model).
    compiled = numba.njit(cache=False, error_model="numpy")(py)
    state = {"fn": compiled}

    def call(*args):
        f = state["fn"]
        if f is py:
            return py(*args)
        try:
            return f(*args)
        except NumbaError:
            state["fn"] = py
            return py(*args)
    return call


def _task(meta, *pieces):
    """Runs iterations [lo, hi) of one kernel on the shipped pieces; returns (node id, written boxes).

    meta["args"][i] is ("v", value) for a plain argument, or ("a", shape, dtype, starts, k, direct)
    for an array: piece k (or nothing when k is None) belongs at offset `starts` of an array of that
    shape; `direct` means the piece is the whole array and is only read, so it is used as it came
    (read-only when it came from the object store)."""
    import ray
    fn = _kernel_function(meta["name"], meta["source"], meta["jit"], meta.get("module"))
    if meta.get("module") is not None and meta.get("data") is not None:
        vars(sys.modules[meta["module"][0]]).update(pieces[meta["data"]])
    # A GPU kernel (CuPy source) gets device arrays: each built on the device (zeroed there,
    # no host-to-device copy of the parts the chunk never touches) with its piece copied in.
    xp = np
    if meta.get("gpu"):
        import cupy as xp
    args = []
    for spec in meta["args"]:
        if spec[0] == "v":
            args.append(spec[1])
            continue
        _, shape, dtype, starts, k, direct, order = spec
        piece = None if k is None else pieces[k]
        if direct and xp is np:
            args.append(piece)
            continue
        # np.zeros maps untouched pages lazily, so a full-shape array costs only what the piece
        # fills. The caller's memory order is kept: code may look at strides (ravel(order="K")).
        a = xp.zeros(shape, dtype, order=order)
        if piece is not None:
            a[tuple(slice(s, s + n) for s, n in zip(starts, piece.shape))] = xp.asarray(piece)
        args.append(a)
    # NumPy's error handling as the caller set it (np.seterr(divide="raise") raises there too).
    with np.errstate(**meta.get("errstate", {})):
        fn(meta["lo"], meta["hi"], *args)
    if xp is np:
        out = [np.array(args[i][tuple(slice(s, e) for s, e in box)]) for i, box in meta["writes"]]
    else:
        out = [xp.asnumpy(args[i][tuple(slice(s, e) for s, e in box)]) for i, box in meta["writes"]]
    return ray.get_runtime_context().get_node_id(), out


# ---------------------------------------------------------------------------------------------
# The driver side.

_lock = threading.Lock()
_remote = None
_connect_error = None
_last_stats = {}


def _object_store_bytes():
    env = os.environ.get("PYPARC_RAY_OBJECT_STORE_MB")
    if env:
        return int(env) * 1024 * 1024
    # Small: tasks get only slices, and Ray spills to disk beyond it. A tenth of memory, 128 MiB to 1 GiB.
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = 8 << 30
    return max(128 << 20, min(1 << 30, total // 10))


def _probe(address, timeout=5.0):
    """Fails fast on a host:port nobody listens on: ray.init would retry it for minutes."""
    import socket
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in host:
        return  # "auto", "ray://..." and the like: Ray's to resolve
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise ConnectionError(f"nothing answers at RAY_ADDRESS={address}: {e}") from None


def ensure():
    """Connects this process to Ray once: the running session, RAY_ADDRESS's cluster, or a new local one."""
    import logging
    import ray
    with _lock:
        if not ray.is_initialized():
            address = os.environ.get("RAY_ADDRESS")
            if address:
                _probe(address)
                ray.init(address=address, logging_level=logging.WARNING)
            else:
                ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False,
                         object_store_memory=_object_store_bytes(), logging_level=logging.WARNING)
    return ray


def _remote_task():
    global _remote
    if _remote is None:
        import ray
        import ray.cloudpickle
        # Ship this module's functions by value: the workers of a cluster started elsewhere cannot
        # import pyparc_rt, and a runtime_env upload would cost seconds per new worker.
        ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
        # Retries rerun a chunk whose worker or node died; a kernel's own exception is not retried.
        _remote = ray.remote(max_retries=3, retry_exceptions=False)(_task)
    return _remote


def _check_module(kernel, args):
    """Refuses a loop that calls the module's functions where workers would not do what this
    process does: the main script (a worker's __main__ is not it), a function replaced since
    pyparc judged it pure (weight = lambda r: ...), a written argument that is one of the
    module's arrays (a callee reads it through the global)."""
    import types
    name = kernel.module[0]
    if name == "__main__":
        raise Unsuitable(f"{kernel.name}: it calls functions of the main script")
    mod = sys.modules.get(name)
    path = getattr(mod, "__file__", None)
    for f in kernel.pure:
        fn = getattr(mod, f, None)
        if not (isinstance(fn, types.FunctionType) and fn.__module__ == name and fn.__name__ == f
                and fn.__code__.co_filename == path):
            raise Unsuitable(f"{kernel.name}: {name}.{f} is not the function pyparc analyzed")
    data = [v for v in module_data(name).values() if isinstance(v, np.ndarray)]
    for a in args:
        if isinstance(a, np.ndarray) and any(np.may_share_memory(a, v) for v in data):
            raise Unsuitable(f"{kernel.name}: an argument shares memory with a global array of {name}")


def _order(a):
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _same_order(piece, like):
    """A contiguous copy (or view) of piece in the memory order of the array it comes from."""
    return np.asfortranarray(piece) if _order(like) == "F" else np.ascontiguousarray(piece)


def _clip(box, shape):
    return tuple((max(0, min(int(s), n)), max(0, min(int(e), n))) for (s, e), n in zip(box, shape))


def _empty(box):
    return any(s >= e for s, e in box)


def _union(a, b):
    if a is None or _empty(a):
        return b
    if b is None or _empty(b):
        return a
    return tuple((min(s1, s2), max(e1, e2)) for (s1, e1), (s2, e2) in zip(a, b))


def _overlap(a, b):
    return all(max(s1, s2) < min(e1, e2) for (s1, e1), (s2, e2) in zip(a, b))


def _slices(box):
    return tuple(slice(s, e) for s, e in box)


def _check_disjoint(name, i, boxes):
    # Sorted by their start in the first dimension, a box can only meet the boxes that start
    # before it ends there; parallel chunks of a row-parallel loop meet none.
    if not boxes or len(boxes[0][1]) == 0:
        if len(boxes) > 1:
            raise Unsuitable(f"{name}: chunks {boxes[0][0]} and {boxes[1][0]} both write 0-d argument {i}")
        return
    boxes = sorted(boxes, key=lambda cb: cb[1][0][0])
    for x, (cx, bx) in enumerate(boxes):
        for cy, by in boxes[x + 1:]:
            if by[0][0] >= bx[0][1]:
                break
            if _overlap(bx, by):
                raise Unsuitable(f"{name}: the write boxes of chunks {cx} and {cy} overlap in argument {i}")


def _check_aliasing(name, args, written):
    arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]
    for x, i in enumerate(arrays):
        for j in arrays[x + 1:]:
            if i not in written and j not in written:
                continue
            if not np.may_share_memory(args[i], args[j]):
                continue
            try:
                shared = np.shares_memory(args[i], args[j], max_work=100000)
            except np.exceptions.TooHardError:
                shared = True
            if shared:
                raise Unsuitable(f"{name}: arguments {i} and {j} share memory and one is written")


def _default_chunks(ray, kernel):
    env = os.environ.get("PYPARC_RAY_CHUNKS")
    if env:
        return int(env)
    res = ray.cluster_resources()
    if kernel.num_gpus > 0:
        return int(res.get("GPU", 0) / kernel.num_gpus)
    return int(res.get("CPU", 0))


def _feasible(ray, kernel):
    """Whether the live nodes could ever run one task (else a pending task would wait forever)."""
    res = ray.cluster_resources()
    if kernel.num_gpus > 0:
        return res.get("GPU", 0) >= kernel.num_gpus and res.get("CPU", 0) >= 1
    return res.get("CPU", 0) >= 1


def _slots(ray, kernel):
    """Live nodes, one entry per task each can run at once, interleaved: A B C A B C ..."""
    caps = {}
    for n in ray.nodes():
        if not n.get("Alive"):
            continue
        r = n.get("Resources", {})
        if kernel.num_gpus > 0:
            cap = int(r.get("GPU", 0) / kernel.num_gpus) if r.get("CPU", 0) >= 1 else 0
        else:
            cap = int(r.get("CPU", 0))
        if cap > 0:
            caps[n["NodeID"]] = cap
    nodes = sorted(caps)
    return [node for r in range(max(caps.values(), default=0)) for node in nodes if caps[node] > r]


def last_stats():
    """Statistics of this process's last run() (empty before the first)."""
    return dict(_last_stats)


def run(kernel, args, lo, hi, chunks=None, infeasible_timeout=None, spread=True):
    """Runs iterations [lo, hi) of kernel over args as Ray tasks; writes results into args in place.

    Raises Unsuitable (nothing started, nothing touched) when the call cannot be distributed
    safely, and TaskFailed (a RuntimeError) when a task failed after its retries (nothing touched
    either).
    infeasible_timeout: seconds to wait while no live node could run a task (default
    PYPARC_RAY_INFEASIBLE_S or 30) before giving up instead of waiting forever.
    spread: place chunk c on the c-th task slot of the live nodes, round-robin over the nodes
    (soft: a chunk whose node is gone runs elsewhere). False leaves placement to Ray, which runs
    a queue of short tasks one after the other on the first worker it leased."""
    global _last_stats, _connect_error
    t0 = time.perf_counter()
    args = list(args)
    lo, hi = int(lo), int(hi)
    _last_stats = {"tasks": 0, "chunks": 0, "bytes_shipped": 0, "bytes_returned": 0,
                   "naive_bytes": 0, "nodes": [], "seconds": 0.0}
    if hi <= lo:
        return None
    if not available():
        raise Unsuitable("ray cannot be imported")
    if _connect_error is not None:
        raise Unsuitable(f"ray: {_connect_error}")
    try:
        ray = ensure()
    except Exception as e:  # an unreachable RAY_ADDRESS must not stop the program: run it locally
        _connect_error = f"cannot connect: {e}"
        warnings.warn(f"pyparc: {_connect_error}; running single-process", RuntimeWarning, stacklevel=2)
        raise Unsuitable(_connect_error) from e
    if not _feasible(ray, kernel):
        raise Unsuitable(f"{kernel.name}: no node of the Ray cluster can run its tasks")
    if kernel.module is not None:
        _check_module(kernel, args)

    n = hi - lo
    if chunks is None:
        chunks = _default_chunks(ray, kernel)
    chunks = max(1, min(int(chunks), n))
    bounds = [lo + n * c // chunks for c in range(chunks + 1)]

    # Footprints, clipped to the arrays. ship[c][i]: the box chunk c needs of argument i.
    ship, writes = [], []
    written = set()
    for c in range(chunks):
        reads, wr = kernel.regions(bounds[c], bounds[c + 1], *args)
        sc, wc = {}, []
        for i, box in list(reads.items()) + list(wr.items()):
            a = args[i]
            if not isinstance(a, np.ndarray):
                if i in wr:
                    raise Unsuitable(f"{kernel.name}: written argument {i} is not a NumPy array")
                continue
            if type(a) is not np.ndarray:  # a subclass (matrix, masked) would come back as a plain array
                raise Unsuitable(f"{kernel.name}: argument {i} is a {type(a).__name__}, not a plain ndarray")
            if len(box) != a.ndim:
                raise Unsuitable(f"{kernel.name}: argument {i} has {a.ndim} dimensions, its region {len(box)}")
            sc[i] = _union(sc.get(i), _clip(box, a.shape))
        for i, box in wr.items():
            box = _clip(box, args[i].shape)
            if not _empty(box):
                if not args[i].flags.writeable:
                    raise Unsuitable(f"{kernel.name}: written argument {i} is read-only")
                wc.append((i, box))
                written.add(i)
        ship.append(sc)
        writes.append(wc)
    for i in written:
        _check_disjoint(kernel.name, i, [(c, box) for c in range(chunks) for j, box in writes[c] if j == i])
    _check_aliasing(kernel.name, args, written)

    # Arrays every chunk reads whole and none writes go to the object store once.
    arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]
    shared = {}
    for i in arrays:
        whole = tuple((0, d) for d in args[i].shape)
        if i not in written and all(ship[c].get(i) == whole for c in range(chunks)):
            shared[i] = None
        elif i not in written and all(ship[c].get(i) is None for c in range(chunks)):
            # An array the model has no region of (a local the loop only passes to functions):
            # every chunk gets all of it, never zeros.
            shared[i] = None
            for c in range(chunks):
                ship[c][i] = whole
    task = _remote_task()
    opts = {"name": "pyparc:" + kernel.name}
    if kernel.num_gpus > 0:
        opts["num_gpus"] = kernel.num_gpus
    slots = _slots(ray, kernel) if spread else []
    if slots:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
    shipped = 0
    refs = []
    try:
        for i in shared:
            shared[i] = ray.put(_same_order(args[i], args[i]))
            shipped += args[i].nbytes
        data_ref = None
        if kernel.module is not None:
            data_ref = ray.put(module_data(kernel.module[0]))
        for c in range(chunks):
            specs, pieces = [], []
            for i, a in enumerate(args):
                if not isinstance(a, np.ndarray):
                    specs.append(("v", a))
                    continue
                box = ship[c].get(i)
                order = _order(a)
                if i in shared:
                    pieces.append(shared[i])
                    specs.append(("a", a.shape, a.dtype, (0,) * a.ndim, len(pieces) - 1, True, order))
                elif box is None or _empty(box):
                    specs.append(("a", a.shape, a.dtype, (0,) * a.ndim, None, False, order))
                else:
                    # Ray copies the piece when the task is submitted, so a contiguous view suffices.
                    piece = _same_order(a[_slices(box)], a)
                    shipped += piece.nbytes
                    pieces.append(piece)
                    direct = i not in written and piece.shape == a.shape
                    specs.append(("a", a.shape, a.dtype, tuple(s for s, _ in box), len(pieces) - 1, direct, order))
            data = None
            if data_ref is not None:
                pieces.append(data_ref)
                data = len(pieces) - 1
            meta = {"name": kernel.name, "source": kernel.source, "jit": kernel.jit, "module": kernel.module,
                    "data": data, "gpu": kernel.num_gpus > 0, "errstate": np.geterr(),
                    "lo": bounds[c], "hi": bounds[c + 1], "args": specs, "writes": writes[c]}
            if slots:
                opts["scheduling_strategy"] = NodeAffinitySchedulingStrategy(slots[c % len(slots)], soft=True)
            try:
                refs.append(task.options(**opts).remote(meta, *pieces))
            except Exception as e:  # an argument Ray cannot serialize (a lock, a generator)
                for r in refs:
                    ray.cancel(r)
                raise Unsuitable(f"{kernel.name}: cannot send its arguments: {e}") from e
        results = _gather(ray, kernel, refs, infeasible_timeout)
    finally:
        shared.clear()  # drop our references so the object store can free them

    # Every task succeeded: only now touch the caller's arrays.
    returned = 0
    nodes = set()
    for c, (node, out) in enumerate(results):
        nodes.add(node)
        for (i, box), piece in zip(writes[c], out):
            args[i][_slices(box)] = piece
            returned += piece.nbytes
    total = sum(args[i].nbytes for i in arrays)
    _last_stats = {
        "tasks": len(refs), "chunks": chunks, "bytes_shipped": shipped, "bytes_returned": returned,
        "naive_bytes": len(refs) * (total + sum(args[i].nbytes for i in written)),
        "nodes": sorted(nodes), "seconds": time.perf_counter() - t0,
    }
    return None


def _gather(ray, kernel, refs, infeasible_timeout):
    """All task results in order; raises TaskFailed on the first failure (after Ray's retries)
    or when no live node has been able to run the remaining tasks for infeasible_timeout seconds."""
    if infeasible_timeout is None:
        infeasible_timeout = float(os.environ.get("PYPARC_RAY_INFEASIBLE_S", "30"))
    index = {r: k for k, r in enumerate(refs)}
    results = [None] * len(refs)
    pending = list(refs)
    stuck_since = None
    try:
        while pending:
            # A bounded wait, so that failures surface as they happen and a cluster that lost
            # every node able to run the tasks is noticed instead of waited on forever.
            ready, pending = ray.wait(pending, num_returns=len(pending), timeout=1.0)
            for r in ready:
                try:
                    results[index[r]] = ray.get(r)
                except Exception as e:
                    # A kernel's own exception comes wrapped in a RayTaskError whose text is a
                    # colored remote traceback; name the cause plainly and chain the rest.
                    cause = getattr(e, "cause", None) or e
                    raise TaskFailed(f"pyparc: Ray task for {kernel.name} failed: "
                                     f"{type(cause).__name__}: {cause}") from e
            if ready or _feasible(ray, kernel):
                stuck_since = None
            elif stuck_since is None:
                stuck_since = time.monotonic()
            elif time.monotonic() - stuck_since > infeasible_timeout:
                raise TaskFailed(f"pyparc: Ray task for {kernel.name} failed: no live node of the cluster "
                                 f"can run it ({len(pending)} of {len(refs)} tasks waiting)")
    finally:
        for r in pending:
            try:
                ray.cancel(r)
            except Exception:
                pass
    return results
