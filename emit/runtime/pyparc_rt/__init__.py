"""pyparc_rt: the small runtime of programs emitted by pyparc.

Guards call these helpers to decide whether an optimized variant may run; they must stay cheap
(a few microseconds) and must never raise on unexpected arguments: any doubt means "no", and the
original function runs instead.
"""

import contextlib
import os
import threading
import warnings

import numpy as _np

from ._gemm import gemm, matmul_scaled  # noqa: F401 - emitted code calls them
from ._masked import masked_matmul, masked_matmul_into, mirrored_matmul  # noqa: F401 - emitted code calls them
from ._mathf import int_values, mathf  # noqa: F401 - emitted code calls them

# Numba is optional, and imported only when a dispatcher first asks for it (HAVE_NUMBA) or a
# compiled variant first runs: importing it costs a few tenths of a second, more than many
# whole programs take. PYPARC_NUMBA=0 turns it off.
_numba = None
_numba_tried = False


def _numba_module():
    global _numba, _numba_tried
    if not _numba_tried:
        _numba_tried = True
        if os.environ.get("PYPARC_NUMBA") != "0":
            try:
                import numba
                _numba = numba
            except Exception:  # absent, or a Numba that does not fit this NumPy
                _numba = None
            if _numba is not None:
                # Made before anything is compiled: an intrinsic created while Numba types a
                # function is not in that compilation's registry ("Unknown attribute").
                from ._assume import at_least
                globals()["at_least"] = at_least
    return _numba


class NumbaUnavailable(Exception):
    """Numba could not be imported when a compiled variant first ran, or could not compile it."""


class NumbaCompileFailed(NumbaUnavailable):
    """Numba raised while compiling a variant (not through NumbaError: its parfor pass raises
    ValueError for a local it takes for a reduction it cannot run). Nothing ran."""


def __getattr__(name):
    # Resolved lazily, so that a module importing pyparc_rt does not import Numba.
    if name == "HAVE_NUMBA":
        have = _numba_module() is not None
        globals()["HAVE_NUMBA"] = have  # later lookups find it directly
        return have
    if name == "NumbaError":
        nb = _numba_module()
        return (nb.core.errors.NumbaError, NumbaUnavailable) if nb else NumbaUnavailable
    if name == "prange":
        nb = _numba_module()
        return nb.prange if nb else range
    if name == "at_least":
        if _numba_module() is None:
            raise AttributeError(name)
        return globals()[name]
    if name in ("HAVE_RAY", "USE_RAY"):
        # Ray itself is imported only when a Ray variant first runs (it takes about a second).
        import importlib.util
        have = os.environ.get("PYPARC_RAY") != "0" and importlib.util.find_spec("ray") is not None
        use = have and bool(os.environ.get("RAY_ADDRESS") or os.environ.get("PYPARC_RAY") == "1")
        globals().update(HAVE_RAY=have, USE_RAY=use)
        return have if name == "HAVE_RAY" else use
    if name.startswith("math_"):
        # A math function for compiled code (see _mathnb), compiled where it is first used.
        from . import _mathnb
        fn = getattr(_mathnb, name, None)
        nb = _numba_module()
        if fn is None or nb is None:
            raise AttributeError(name)
        compiled = nb.njit(cache=True, error_model="numpy", inline="always")(fn)
        globals()[name] = compiled
        return compiled
    if name == "reduction_chunks":
        # For compiled code only (see _reduce).
        nb = _numba_module()
        if nb is None:
            raise AttributeError(name)
        from . import _reduce
        compiled = nb.njit(cache=True, inline="always")(_reduce.reduction_chunks)
        globals()[name] = compiled
        return compiled
    if name == "RayUnsuitable":
        from . import _ray
        return _ray.Unsuitable
    if name == "RayTaskFailed":
        from . import _ray
        return _ray.TaskFailed
    raise AttributeError(name)


# Without a tuning record, a function with an inner-prange Numba variant runs it from this
# many elements in its largest array argument up (2**18: jacobi-2d at LARGE, 4e6, gains 5-8x
# on 16 cores; at MEDIUM, 6e4, a parallel region per time step loses: 8.5 ms against 4.7).
NUMBA_WIDE_MIN = float(os.environ.get("PYPARC_NUMBA_WIDE_MIN", str(1 << 18)))

# Without a tuning record, a function whose inner-prange variant starts a parallel region per
# run of a loop (a prange inside a time loop) runs it where each region has this many statement
# instances or more (the dispatcher compares the call's trip count with this times its region
# count). On 16 cores at MEDIUM, OpenMP's threads spinning between regions (no OMP_WAIT_POLICY,
# as users run): heat-3d gained 1.6x with 5.5e4 a region, adi 10x; gramschmidt lost 7% with
# about 1.6e4. With OMP_WAIT_POLICY=passive, threads sleep between regions and a region's start
# costs tens of microseconds: heat-3d lost 1.4x there, adi, with 1.6e5 a region, still gained.
NUMBA_REGION_WORK = float(os.environ.get(
    "PYPARC_NUMBA_REGION_WORK",
    str(1 << 17) if os.environ.get("OMP_WAIT_POLICY", "").lower() == "passive" else str(1 << 15)))

# Below this many elements in the largest array the dispatcher does not count the work per
# region (a region with 2**15 statement instances over fewer elements is rare).
NUMBA_REGION_MIN_SIZE = float(os.environ.get("PYPARC_NUMBA_REGION_MIN_SIZE", "1024"))

# The same for a tiled-wavefront variant, whose parallel regions each run many time steps:
# at MEDIUM (4.8e4 to 1.6e5 elements) it beat the plain Numba variant on jacobi-2d, fdtd-2d,
# seidel-2d and lu on 2 cores (3.7 ms against 4.1, 3.6 / 3.7, 77 / 136, 13.5 / 15.0) and on
# 16 (2.7 / 4.7, 2.5 / 4.4, 30 / 157, 5.4 / 15.9); at SMALL (4.8e3 to 1.4e4) it lost 2-4x
# on 2 cores, but for seidel-2d.
NUMBA_TILED_MIN = float(os.environ.get("PYPARC_NUMBA_TILED_MIN", str(1 << 15)))

# The same for a tiled wavefront whose band has two dimensions (a 1-D stencil's time and
# space, a triangular solve), counted in statement instances of its nest, and the grid of its
# tiles (32 steps by 256 points): its wavefronts are many and short, each a parallel region,
# and run as many tiles at once as the narrower side of the grid has. On 16 cores jacobi-1d's
# won from 500 steps over 2000 points (2e6 instances, a grid 16 deep by 8 wide: 1.2-1.4x
# against the plain Numba variant) and at 130 over 8000 (4 by 31: 1.5x); it lost two tiles
# deep (50 steps over 20000 points, 0.64x) or wide (2000 over 500, 0.34x), and at 1000 points
# or fewer. trisolv's won from n = 2000 (8 wide: 1.4x; n = 4000, 3.2x) and lost below (n =
# 1500, 0.82x). bench/peers/narrow.py measures it.
# A time loop run as overlapped bands (emit/overlap.go) starts a parallel region per block
# of steps, costing about as much as this many statement instances (about 10 us on 16 cores
# with OpenMP's threads spinning, against 0.25 ns an instance of jacobi-1d's sweeps). The
# dispatcher's model (overlap_pays) and the driver's choice of steps a block use it.
OVERLAP_REGION = max(1.0, float(os.environ.get("PYPARC_OVERLAP_REGION", "4e4")))  # nan, < 1: 1

# Untuned, overlapped bands are not considered below this many elements in the largest array
# (the model's test itself costs microseconds).
OVERLAP_MIN_SIZE = float(os.environ.get("PYPARC_OVERLAP_MIN_SIZE", "1024"))

# Untuned, overlapped bands run where the model says they take less than the plain loops'
# time divided by this.
OVERLAP_MARGIN = float(os.environ.get("PYPARC_OVERLAP_MARGIN", "1.5"))


def overlap_pays(steps, rows, row, sweeps, reach):
    """Whether a time loop of steps steps, each sweeps sweeps over rows rows of row elements
    whose values reach that many rows further a step, runs faster as overlapped bands on
    Numba's threads than as plain loops, by the model the driver picks its blocks by: a
    region costs OVERLAP_REGION statement instances, a block of h steps on a band of c rows
    computes c + h * reach rows a step."""
    threads = numba_threads()
    if threads < 2 or steps <= 0 or rows <= 0 or row <= 0:
        return False
    chunk = -(-rows // threads)
    h = max(1, min(steps, int((OVERLAP_REGION / (sweeps * row * max(1, reach))) ** 0.5),
                   (2 * chunk) // reach if reach else steps))
    bands = -(-steps // h) * OVERLAP_REGION + steps * sweeps * row * (chunk + h * reach)
    return bands * OVERLAP_MARGIN < steps * sweeps * rows * row


NUMBA_TILED_WORK = float(os.environ.get("PYPARC_NUMBA_TILED_WORK", str(1 << 20)))
NUMBA_TILED_DEPTH = float(os.environ.get("PYPARC_NUMBA_TILED_DEPTH", "4"))
NUMBA_TILED_BREADTH = float(os.environ.get("PYPARC_NUMBA_TILED_BREADTH", "6"))

# The same for the Numba variant of a function whose NumPy variant covers it with elementwise
# work over matrices and no matrix product (gemver): one compiled pass against a pass and a
# temporary per NumPy operation. gemver's ran 2.8x faster at MEDIUM (1.6e5 elements) on 16
# cores (209 us against 580) and 2.7x at LARGE there; at SMALL (1.4e4) on 2 cores 28 us
# against 52 with OpenMP's threads spinning, 162 against 40 with them asleep between calls
# (OMP_WAIT_POLICY=passive): small calls stay NumPy.
NUMBA_FUSED_MIN = float(os.environ.get("PYPARC_NUMBA_FUSED_MIN", str(1 << 15)))

# The same for the summing variant of a function whose NumPy variant is two or more BLAS
# matrix-vector products (bicg, atax, mvt, gesummv), which reads each matrix once, in chunks
# with private sums where products read it along both axes (emit/numba_private.go). On 16
# cores at LARGE (4e6 elements) bicg ran 1.13x and atax 1.35x faster than hand NumPy, mvt
# 1.22-1.28x (session 12). At MEDIUM (1.6e5; gesummv 6.3e4), with OpenMP's threads left
# spinning between calls, the summing variant ran mvt in 78-92 us against its NumPy variant's
# 95-121, gesummv 56-59 against 62-68, atax and bicg from 4% slower to 22% faster, and on
# inputs reused call after call (bench/peers/dispatch.py) from 0.94x (bicg) to 2x (gesummv)
# the NumPy variant's speed (session 13); at SMALL (1.4e4) 1.1-6x slower: starting a parallel
# region costs more than the BLAS calls. With OpenMP's threads asleep between calls
# (OMP_WAIT_POLICY=passive; 2 cores) it was 3-5x slower at MEDIUM.
NUMBA_MATVEC_MIN = float(os.environ.get("PYPARC_NUMBA_MATVEC_MIN", str(1 << 15)))

# Where the products read different matrices (gesummv), the summing variant saves calls and
# temporaries but reads as much memory as BLAS, which streams it faster: at LARGE (1.7e6) on
# 16 cores 468 us against the NumPy variant's 333 (session 13). It runs below this many
# elements in the largest array.
NUMBA_UNFUSED_MAX = float(os.environ.get("PYPARC_NUMBA_UNFUSED_MAX", str(1 << 20)))

# A Ray variant runs only where shipping data to other processes pays: calls whose work count
# (the dispatcher's loop-trip product) reaches this.
RAY_MIN_WORK = float(os.environ.get("PYPARC_RAY_MIN_WORK", "1e8"))


def ray_kernel(name, source, regions, jit=True, num_gpus=0, module=None, pure=()):
    """The Kernel of one parallel loop of a Ray variant (no Ray import yet); jit: the source
    is a loop nest for Numba to compile (else whole-array code); num_gpus: GPUs per task, for
    a CuPy source; module: the name of the module whose globals the source runs with (a loop
    that calls the module's functions), which the workers import."""
    from . import _ray
    return _ray.Kernel(name, source, regions, jit=jit, num_gpus=num_gpus, module=module, pure=pure)


def ray_local(kernel, args, lo, hi):
    """Run iterations [lo, hi) of a Ray variant's kernel in this process."""
    from . import _ray
    _ray._kernel_function(kernel.name, kernel.source, kernel.jit, kernel.module)(lo, hi, *args)


# What the Ray calls of this process moved, summed (benchmarks read and reset it).
ray_totals = {"calls": 0, "tasks": 0, "bytes_shipped": 0, "bytes_returned": 0, "naive_bytes": 0}


_ray_gpus = None


def _cluster_gpus(_ray):
    # Asked once per process: GPUs do not join or leave a cluster between two calls often
    # enough to pay for asking each time. PYPARC_RAY_GPU=0 keeps Ray variants on CPUs.
    global _ray_gpus
    if _ray_gpus is None:
        _ray_gpus = 0
        if os.environ.get("PYPARC_RAY_GPU") != "0":
            try:
                _ray.ensure()
                import ray
                _ray_gpus = int(ray.cluster_resources().get("GPU", 0))
            except Exception:
                _ray_gpus = 0
    return _ray_gpus


def ray_run(kernel, args, lo, hi, gpu=None):
    """Run iterations [lo, hi) of a kernel's loop as Ray tasks (raises RayUnsuitable first
    when this call cannot be distributed); gpu is the kernel's CuPy form, used when the
    cluster has GPUs."""
    from . import _ray
    if gpu is not None and _cluster_gpus(_ray) > 0:
        kernel = gpu
    _ray.run(kernel, args, lo, hi)
    st = _ray.last_stats()
    ray_totals["calls"] += 1
    for k in ("tasks", "bytes_shipped", "bytes_returned", "naive_bytes"):
        ray_totals[k] += st.get(k, 0)


class _Compiled:
    """A loop nest compiled with Numba at its first call (then cached on disk)."""

    def __init__(self, fn, parallel, fastmath=False):
        self.fn, self.parallel, self.fastmath, self.compiled = fn, parallel, fastmath, None
        self.deps = None  # the compiled helpers it calls, by global name

    def __call__(self, *args):
        f = self.compiled
        if f is not None:
            # Every call but the first: one frame over Numba's own dispatch (the two of _run
            # cost about 0.3 us a call, a tenth of jacobi-1d's dispatch at MEDIUM).
            try:
                return f(*args)
            except Exception as e:
                return self._failed(f, args, e)
        if f is None:
            # The first call compiles (or loads the cache). Numba's warnings then are about
            # code pyparc wrote (parallel=True where the loops kept none parallel), not the
            # user's: the original program printed nothing of the kind.
            nb = _numba_module()
            with warnings.catch_warnings():
                if nb is not None:
                    warnings.simplefilter("ignore", nb.core.errors.NumbaWarning)
                f = self.compiled = self._compile(cache=True)
                return self._run(f, args)
        return self._run(f, args)

    def _run(self, f, args):
        try:
            return _run_compiled(f, args, self.fn.__name__)
        except ImportError:
            # Numba's disk cache is keyed by file, but an entry names the module it was
            # compiled in: the same emitted file imported under another name (run as a
            # script, then imported; or by a harness) fails to load it. Compiled code cannot
            # raise ImportError itself, so nothing ran: compile again without the cache.
            f = self.compiled = self._compile(cache=False)
            return _run_compiled(f, args, self.fn.__name__)

    def _failed(self, f, args, e):
        """What the exception e of compiled code f called with args means, as _run says."""
        if isinstance(e, ImportError):
            f = self.compiled = self._compile(cache=False)
            return _run_compiled(f, args, self.fn.__name__)
        nb = _numba_module()
        if nb is None or isinstance(e, nb.core.errors.NumbaError) or _compiled_for(f, args):
            raise e
        raise NumbaCompileFailed(f"numba could not compile {self.fn.__name__}: {e!r}") from e

    def _compile(self, cache):
        nb = _numba_module()
        if nb is None:
            raise NumbaUnavailable("numba cannot be imported")
        # Compiled code calls other compiled helpers (jit_sum) as Numba functions, not as
        # the Python objects the module binds them to: compile those first and bind them.
        g = self.fn.__globals__
        if self.deps is None:
            self.deps = [(n, g[n]) for n in self.fn.__code__.co_names if isinstance(g.get(n), _Compiled)]
        for name, dep in self.deps:
            if dep.compiled is None or not cache:
                dep.compiled = dep._compile(cache)
            g[name] = dep.compiled
        return nb.njit(parallel=self.parallel, cache=cache, fastmath=self.fastmath,
                       error_model="numpy")(self.fn)


def _run_compiled(f, args, name):
    """f(*args), where an exception Numba raised compiling f (no machine code for these
    argument types exists) becomes NumbaCompileFailed, which lets the variant run its Python
    fallback. An exception the compiled code raised (it ran, and may have written arrays)
    goes to the caller as it is, as does ImportError (see _Compiled.__call__)."""
    try:
        return f(*args)
    except ImportError:
        raise
    except Exception as e:
        nb = _numba_module()
        if nb is None or isinstance(e, nb.core.errors.NumbaError) or _compiled_for(f, args):
            raise
        raise NumbaCompileFailed(f"numba could not compile {name}: {e!r}") from e


def _compiled_for(dispatcher, args):
    """Whether the Numba dispatcher holds machine code for these arguments' types."""
    try:
        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
    except Exception:
        return True  # cannot tell: treat the exception as the code's own
    return sig in dispatcher.overloads


__all__ = ["array", "is_int", "is_real", "no_alias", "rslice", "jit", "jit_parallel", "jit_sum", "numba_threads", "prange", "at_least", "HAVE_NUMBA",
           "NumbaError", "HAVE_CUPY", "CUPY_MIN_SIZE", "CUPY_MIN_INTENSITY", "CUPY_MIN_WORK", "VARIANT", "to_host", "HAVE_RAY", "USE_RAY", "RAY_MIN_WORK",
           "ray_kernel", "ray_run", "ray_local", "RayUnsuitable", "RayTaskFailed", "SMALL_BLAS_WORK", "blas_for", "ONE_BLAS", "NUMBA_WIDE_MIN",
           "NUMBA_TILED_MIN", "NUMBA_TILED_WORK", "OVERLAP_REGION", "OVERLAP_MIN_SIZE", "OVERLAP_MARGIN", "overlap_pays", "NUMBA_TILED_DEPTH", "NUMBA_TILED_BREADTH", "NUMBA_FUSED_MIN", "NUMBA_MATVEC_MIN", "NUMBA_UNFUSED_MAX", "NUMBA_REGION_WORK", "NUMBA_REGION_MIN_SIZE", "mathf", "int_values", "masked_matmul", "masked_matmul_into", "mirrored_matmul", "gemm", "matmul_scaled", "int_for", "float_for"]

# PYPARC_VARIANT=numpy|numba|cupy|orig makes every dispatcher run that variant whenever its
# guard admits the call (and the variant exists and can run here).
VARIANT = os.environ.get("PYPARC_VARIANT", "")


def _probe_cupy():
    # Probed once per process: importing CuPy and counting devices costs milliseconds.
    if os.environ.get("PYPARC_CUPY") == "0":
        return None
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        return cupy
    except Exception:
        return None


cp = _probe_cupy()
HAVE_CUPY = cp is not None

# Without a tuning record, the GPU variant runs for calls whose largest array has at least
# CUPY_MIN_SIZE elements and whose statements run at least CUPY_MIN_INTENSITY times as many
# instances as that (products, time-stepped stencils): below, transfers and launches cost more
# than they save (every PolyBench kernel at MEDIUM on 16 cores; matrix-vector products at any
# size). CUPY_MIN_WORK is the rule for functions without those counts: the product of the
# shape symbols.
CUPY_MIN_SIZE = float(os.environ.get("PYPARC_CUPY_MIN_SIZE", str(1 << 20)))
CUPY_MIN_INTENSITY = float(os.environ.get("PYPARC_CUPY_MIN_INTENSITY", "16"))
CUPY_MIN_WORK = int(os.environ.get("PYPARC_CUPY_MIN_WORK", str(1 << 22)))


def to_host(x):
    """Device values returned by a GPU variant, as the original returns them: NumPy arrays and
    scalars, tuples and lists element by element."""
    if cp is not None and isinstance(x, cp.ndarray):
        h = x.get()
        return h[()] if h.ndim == 0 else h
    if isinstance(x, tuple):
        return tuple(to_host(v) for v in x)
    if isinstance(x, list):
        return [to_host(v) for v in x]
    return x



# Masks of triangular loop nests, by (array type, mask expression, extents): see cached_mask.
_MASKS = {}
_MAX_MASKS = 16


# NumPy variants (and originals) whose largest array argument has fewer elements than this
# run with one BLAS thread (0 turns that off): OpenBLAS wakes all its threads for products as
# small as 36 x 72, which then cost 10 to 300 times more (STAP's Cholesky factors: 36 x 36).
# A 400 x 400 matrix-vector product (gesummv, mvt at MEDIUM) gains from the threads.
SMALL_BLAS_WORK = float(os.environ.get("PYPARC_SMALL_BLAS_WORK", "3e4"))

_blas = None          # (get, set) of the OpenBLAS NumPy uses, False when there is none
_blas_depth = 0       # nesting of one-thread calls (a dispatcher inside another's variant)
_blas_saved = 0       # the thread count the outermost one found


def _find_blas():
    """The thread-count functions of the OpenBLAS library this process loaded (NumPy's
    scipy-openblas or a system libopenblas); False elsewhere."""
    import ctypes
    from ._blaslib import openblas_libs
    for lib in openblas_libs():
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""),
                               ("openblas_", "64_"), ("openblas_", "")):
            get = getattr(lib, prefix + "get_num_threads" + suffix, None)
            put = getattr(lib, prefix + "set_num_threads" + suffix, None)
            if get is not None and put is not None:
                get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                return get, put
    return False


_blas_lock = threading.Lock()


class _OneBLASThread:
    """One BLAS thread while any call (in any thread) is inside one: the count is the whole
    process's, so the uses are counted under a lock and the last one out restores it."""

    def __enter__(self):
        global _blas, _blas_depth, _blas_saved
        with _blas_lock:
            if _blas is None:
                _blas = _find_blas()
            if _blas_depth == 0 and _blas:
                _blas_saved = _blas[0]()
                if _blas_saved > 1:
                    _blas[1](1)
            _blas_depth += 1
        return self

    def __exit__(self, *exc):
        global _blas_depth
        with _blas_lock:
            _blas_depth -= 1
            if _blas_depth == 0 and _blas and _blas_saved > 1:
                _blas[1](_blas_saved)
        return False


_ONE_BLAS = _OneBLASThread()
_NO_CHANGE = contextlib.nullcontext()


def blas_for(work):
    """The context a dispatcher runs a variant in: one BLAS thread below SMALL_BLAS_WORK.
    Dispatchers test the size themselves and enter ONE_BLAS only below it: a with block
    costs a few hundred nanoseconds even when it changes nothing."""
    return _ONE_BLAS if work < SMALL_BLAS_WORK else _NO_CHANGE


ONE_BLAS = _ONE_BLAS


def cached_mask(key, build):
    """The boolean mask a variant selects a triangle with, built once per key (the array
    module's ndarray type, the mask's expression, the extents it reads) and kept for later
    calls: masks are only read. At most _MAX_MASKS are kept; past that the cache starts over.
    A CuPy mask lives on the device that was current when it was built: the key names it."""
    if cp is not None and key and key[0] is cp.ndarray:
        key = key + (cp.cuda.runtime.getDevice(),)
    m = _MASKS.get(key)
    if m is None:
        if len(_MASKS) >= _MAX_MASKS:
            _MASKS.clear()
        m = _MASKS[key] = build()
    return m


def diag_view(a, starts, n):
    """The elements a[s0 + k, s1 + k, ...] for k in range(n) as a writable strided view (NumPy
    or CuPy, as a is): where a vectorized loop writes A[i, i]. Starts and n come from bounds
    pyparc proved inside the array; a diagonal that is not raises IndexError instead of
    reaching past the array's memory."""
    base = a[tuple(slice(s, None) for s in starts)]
    if any(s < 0 for s in starts) or any(n > d for d in base.shape):
        raise IndexError("pyparc: a diagonal past the array's bounds")
    mod = cp if cp is not None and isinstance(a, cp.ndarray) else _np
    return mod.lib.stride_tricks.as_strided(base, shape=(n,), strides=(sum(base.strides),))


def inexact(a):
    """A private temporary the NumPy variant makes of a scalar computed per loop point: float
    (later updates may add fractions to it) unless its values are complex (float would drop
    the imaginary part). a is a NumPy or CuPy array."""
    return a if a.dtype.kind in "fc" else a.astype(float)


def jit(fn):
    """Compiles a loop nest pyparc moved out of a function. Compilation happens at the first
    call, once per argument types, and is cached on disk beside the module. Division by zero
    gives inf or nan as NumPy does, not ZeroDivisionError."""
    return _Compiled(fn, parallel=False)


def jit_parallel(fn):
    """jit for a loop nest with prange loops, which Numba runs on all cores."""
    return _Compiled(fn, parallel=True)


def int_for(acc, x):
    """x, a sum of Python ints a whole-array reduction computed as a NumPy scalar, made what
    the original added to acc one int at a time: a Python int where acc is a Python number,
    acc's own dtype where acc is a NumPy number (NumPy 2 keeps an int16 an int16 when it adds
    a Python int, wrapping around; modular sums wrap alike in one step or many)."""
    if type(acc) in _PY_NUMBERS:
        return int(x)
    if isinstance(acc, _np.number):
        return _np.asarray(x).astype(acc.dtype)[()]
    return x


def float_for(acc, x):
    """int_for for a sum of Python floats: a NumPy integer acc becomes float64 as it would."""
    if type(acc) in _PY_NUMBERS:
        return float(x)
    if isinstance(acc, (_np.floating, _np.complexfloating)):
        return _np.asarray(x).astype(acc.dtype)[()]
    return x


_PY_NUMBERS = (int, float, bool)


def numba_threads():
    """The threads Numba's parallel loops run on now (numba.set_num_threads may lower it)."""
    nb = _numba_module()
    return nb.get_num_threads() if nb else 1


def jit_sum(fn):
    """jit for a loop that only sums terms into one accumulator it returns: compiled with
    reassociation allowed (LLVM's reassoc flag alone: no assumptions about nan, inf or signed
    zeros), so the sum runs in several partial sums and SIMD lanes; it is rounded in another
    order, as a BLAS dot product is. Only such loops get it (see emit/numba_sum.go)."""
    return _Compiled(fn, parallel=False, fastmath={"reassoc"})




def array(x, dtype, ndim):
    """True for a plain ndarray (not a subclass) of the given dtype name and rank."""
    if type(x) is not _np.ndarray or x.ndim != ndim:
        return False
    d = x.dtype
    want = _DTYPES.get(dtype)
    if want is None:
        want = _DTYPES[dtype] = _dtype_of(dtype)
    # dtype.name is a Python-level property of NumPy 2 costing microseconds; comparing
    # with the dtype it names is a pointer test for native arrays. The name decides the
    # rest (other byte orders, metadata, a name np.dtype does not spell back).
    return d is want or d == want or d.name == dtype


# The dtype each guard's dtype name stands for, made once per name.
_DTYPES = {}

# The dtypes guards compare an array's dtype with, by name (emit's guardDTypes lists them).
dtype_float64, dtype_float32, dtype_int64, dtype_int32, dtype_int16, dtype_int8, dtype_uint64, \
    dtype_uint32, dtype_uint16, dtype_uint8, dtype_bool, dtype_complex128, dtype_complex64 = map(_np.dtype, (
        "float64", "float32", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool",
        "complex128", "complex64"))


def _dtype_of(name):
    # False, never equal to a dtype, where np.dtype does not read the name back as itself.
    try:
        d = _np.dtype(name)
    except Exception:
        return False
    return d if d.name == name else False


def is_int(x, bound=None):
    """True for a Python int or a NumPy int64 scalar (bool excluded: it is an int but rarely
    meant as one), within -bound..bound when a bound is given.

    The guard gives the bound pyparc derived for the function (polyopt/intrange.go): within
    it, no int the variants compute in int64 leaves int64's range, where Python's ints are
    exact.

    Narrower and unsigned NumPy integers are refused: NumPy keeps their type through scalar
    arithmetic and wraps it around (np.uint32(3) - 5 is 4294967294, np.int8(100) + 100 is -56)
    where the compiled variants widen to int64, and the loop bounds isl writes negate and
    divide parameters ((-tsteps) // 32), which on an unsigned scalar skips every tile.
    A Python int outside int64's range is refused too: Numba cannot pass it (OverflowError)
    where the original runs."""
    t = type(x)
    if bound is not None:
        return (t is int or t is _np.int64) and bool(-bound <= x <= bound)
    return (t is int and _INT64_MIN <= x <= _INT64_MAX) or t is _np.int64


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
# The largest finite float64: a nan fails both comparisons with it.
_FLOAT_MAX = 1.7976931348623157e+308
_FLOAT_MIN = -_FLOAT_MAX


def int_list(x):
    """True for a list of Python ints (bools excluded), the indices a variant gathers with
    np.take: it would read True as 1, where a subscript with True adds an axis."""
    return type(x) is list and all(type(v) is int for v in x)


def is_real(x, bound=None):
    """True for a finite Python float or int, or a finite NumPy float64 or int64 scalar; an
    int within -bound..bound when a bound is given (is_int says why), and no int at all when
    the bound is negative: the guard gives -1 for a float parameter where an int passed would
    make the variants' int64 arithmetic overflow for any size (polyopt's FloatIntBits).

    A NumPy float32 scalar is refused: the original computes 0.5 * x in float32 (NumPy 2 keeps
    the narrower type of a scalar), the variants in float64 (Numba's rules, or np.exp giving a
    float64 where math.exp gave a Python float), and float64 results would differ. Integer
    scalars other than int64 are refused, as is_int says why. An inf or a nan is refused: the
    variants take a scalar factor out of a sum (C += alpha * (A @ B) for the loops' sum of
    alpha * A[i, k] * B[k, j]), which for an infinite alpha gives inf where a product of the
    loops was inf * 0, a nan, and adds inf * 0 where a sum had no term."""
    t = type(x)
    if t is float or t is _np.float64:
        return bool(_FLOAT_MIN <= x <= _FLOAT_MAX)
    return is_int(x, bound)


def is_number(x, bound=None):
    """True for a Python complex, float or int, or a NumPy complex128, float64 or int64
    scalar, finite: the numbers a complex scalar parameter was recorded as (narrower NumPy
    scalars compute otherwise, and infinite ones factor otherwise, as is_real explains); an
    int within -bound..bound when a bound is given, none when it is negative."""
    t = type(x)
    if t is complex or t is _np.complex128:
        return bool(_FLOAT_MIN <= x.real <= _FLOAT_MAX and _FLOAT_MIN <= x.imag <= _FLOAT_MAX)
    return is_real(x, bound)


def no_alias(arrays, written):
    """True when no written array may share memory with any other array argument.

    arrays: the array arguments, in parameter order; written: the positions of those the
    variant writes. The same array passed twice, or overlapping views, make this False.
    Two distinct arrays that each own their data (NumPy allocated it for them, and frees it
    with them) cannot overlap; any other pair goes to np.may_share_memory, which compares
    memory bounds only: a false alarm costs an original call, never a wrong answer.

    Every guard ends with this, so the common case is kept short (0.33 us for two arrays,
    against 0.55 with the general loop): distinct arrays that all own their data and are
    writable where written.
    """
    n = len(arrays)
    if (arrays[0] is arrays[1]) if n == 2 else len(set(map(id, arrays))) != n:
        return _no_alias_repeated(arrays, written)
    for i in written:
        if not arrays[i].flags.writeable:
            return False
    return _owners_or_apart(arrays, written)


def _owners_or_apart(arrays, written):
    """True when every array owns its data (distinct owners cannot overlap), else what the
    bounds of the pairs with a view in them say."""
    for b in arrays:
        if not b.flags.owndata:
            return _no_overlap(arrays, written)
    return True


def _no_alias_repeated(arrays, written):
    """no_alias where some array is passed twice: fine only if neither place writes it."""
    for i in written:
        a = arrays[i]
        if not a.flags.writeable:
            return False
        for j, b in enumerate(arrays):
            if b is a and j != i:
                return False
    return _owners_or_apart(arrays, written)


def _no_overlap(arrays, written):
    """no_alias where some array is a view (or wraps memory it does not own): written and
    distinct arrays known, bounds decide for each pair with a view in it."""
    own = [x.flags.owndata for x in arrays]
    for i in written:
        a = arrays[i]
        for j, b in enumerate(arrays):
            if j == i or (own[i] and own[j]):
                continue
            if _np.may_share_memory(a, b):
                return False
    return True


def rslice(first, stop):
    """The slice of elements first, first-1, ..., stop+1: a loop index running up over a
    subscript that runs down. A negative stop means "through element 0", which a plain slice
    would read as counting from the end."""
    if first <= stop:
        return slice(0, 0)
    return slice(first, stop if stop >= 0 else None, -1)


def finite(*values):
    """True when no value holds an inf or a nan: numbers, and NumPy or CuPy arrays.

    A variant that multiplies a triangular part of a matrix by others (np.tril(A, -1).T @ B
    for a loop over k in range(i + 1, m)) multiplies the zeros outside the triangle too, which
    the loops never did, and 0 * inf is nan: the variant checks its operands with this first
    and runs the loops otherwise. Anything that cannot be checked counts as not finite."""
    try:
        for x in values:
            if isinstance(x, _np.ndarray) or _np.isscalar(x):
                if not _np.isfinite(x).all():
                    return False
            elif cp is not None and isinstance(x, cp.ndarray):
                if not bool(cp.isfinite(x).all()):
                    return False
            else:
                return False
    except (TypeError, ValueError, OverflowError):
        return False
    return True
