"""pyparc's tracer: runs a script and reports what its own functions were called with.

Started by `pyparc profile run` as `python -c <this file> SCRIPT ARGS...` with the write end of a
pipe in the environment variable PYPARC_TRACE_FD. It writes JSON lines to that pipe:

    {"t": "start", ...}        interpreter and numpy versions, sampling period
    {"t": "syntax", ...}       the script does not compile; nothing was run
    {"t": "snap", ...}         cumulative state: functions, signatures, sampled stacks
    {"t": "end"}               the interpreter is shutting down normally

Snapshots are cumulative (absolute counts, not deltas), so the reader may keep only the newest one
and a snapshot lost to a race costs nothing but a second's staleness. A flusher thread sends one at
least every FLUSH_SECONDS, so a run that dies by SIGKILL keeps what was seen until then.

Only code in files under the script's directory tree is tracked (not site-packages). The tracer uses
sys.setprofile, which fires on calls and returns only, and a SIGPROF timer for line samples, which
costs nothing between ticks. It imports nothing beyond the standard library and never imports
numpy itself.
"""

import atexit
import dis
import json
import os
import signal
import sys
import threading
import time
import types

FLUSH_SECONDS = 0.5
SAMPLE_SECONDS = 0.001
CONTAINER_SAMPLE = 3  # elements of a list/tuple/dict looked at (first ones plus the last)
TUPLE_ITEMS = 8  # tuples up to this length are described position by position
DESCRIBE_DEPTH = 2  # nesting depth of container element types
# A function's first EXACT_CALLS calls have their signatures recorded one by one; after that
# every SAMPLE_EVERY-th call is, and counts for SAMPLE_EVERY, so that a tiny function called
# millions of times costs little. Call counts and times stay exact.
EXACT_CALLS = 2000
SAMPLE_EVERY = 16
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

_clock = time.perf_counter_ns


class FuncStats:
    """What is known about one tracked code object."""

    __slots__ = ("code", "path", "module", "argnames", "normal_exits", "calls", "total_ns", "self_ns",
                 "exceptions", "depth", "sigs")

    def __init__(self, code, path, module):
        self.code = code
        self.path = path
        self.module = module
        n = code.co_argcount + code.co_kwonlyargcount
        if code.co_flags & 0x04:  # CO_VARARGS
            n += 1
        if code.co_flags & 0x08:  # CO_VARKEYWORDS
            n += 1
        self.argnames = code.co_varnames[:n]
        # Offsets where a frame leaves normally; a 'return' event anywhere else is an exception
        # unwinding out of the frame (sys.setprofile reports both the same way).
        self.normal_exits = frozenset(
            ins.offset for ins in dis.get_instructions(code)
            if ins.opname in ("RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE", "RETURN_GENERATOR"))
        self.calls = 0
        self.total_ns = 0
        self.self_ns = 0
        self.exceptions = 0
        self.depth = 0
        # signature key (tuple of descriptors) -> [count, {arg index: [min, max]}, {ret desc: n}]
        self.sigs = {}


# Descriptors are hashable tuples while tracing and become JSON objects when flushed.
_CONST = {
    type(None): ("None",),
    bool: ("bool",),
    float: ("float",),
    complex: ("complex",),
    str: ("str",),
    bytes: ("bytes",),
}
_INT = ("int",)
# np.int64 arguments get their range recorded too: a size computed by NumPy (np.max(idx) + 1)
# bounds loops as an int does.
_NPINT64 = ("npscalar", "int64")


_dtype_names = {}  # dtype -> its name; numpy computes dtype.name in Python, slowly


def _dtype_name(dt):
    name = _dtype_names.get(dt)
    if name is None:
        name = _dtype_names[dt] = dt.name
    return name


def _ndarray(v):
    flags = v.flags
    return ("ndarray", _dtype_name(v.dtype), v.shape, flags.c_contiguous, flags.f_contiguous,
            v.base is not None)


def _elements(v, depth):
    n = len(v)
    if n == 0:
        return ()
    if n <= CONTAINER_SAMPLE + 1:
        items = v
    else:
        items = list(v[:CONTAINER_SAMPLE]) + [v[-1]]
    return tuple(sorted({describe(x, depth + 1) for x in items}, key=repr))


def describe(v, depth=0):
    """Returns the hashable descriptor of one value."""
    t = type(v)
    d = _CONST.get(t)
    if d is not None:
        return d
    if t is int:
        return _INT
    if t is _ndarray_type:
        return _ndarray(v)
    if depth >= DESCRIBE_DEPTH:
        if t in (list, tuple, dict):
            return (t.__name__, ())
        return _other(v, t)
    if t is tuple and len(v) <= TUPLE_ITEMS:
        # Short tuples are records (a function returning several arrays): keep every position.
        return ("tuple", tuple([describe(x, depth + 1) for x in v]), True)
    if t is list or t is tuple:
        return (t.__name__, _elements(v, depth))
    if t is dict:
        if not v:
            return ("dict", (), ())
        keys = list(v.keys())[:CONTAINER_SAMPLE]
        ks = tuple(sorted({describe(k, depth + 1) for k in keys}, key=repr))
        vs = tuple(sorted({describe(v[k], depth + 1) for k in keys}, key=repr))
        return ("dict", ks, vs)
    return _other(v, t)


_ndarray_type = None


def _other(v, t):
    global _ndarray_type
    np = sys.modules.get("numpy")
    if np is not None:
        if _ndarray_type is None and t is np.ndarray:
            _ndarray_type = np.ndarray
            return _ndarray(v)
        if isinstance(v, np.ndarray):  # a subclass such as np.matrix or np.memmap
            return ("ndarray",) + _ndarray(v)[1:] + (_class_name(t),)
        if isinstance(v, np.generic):
            return ("npscalar", _dtype_name(v.dtype))
    return ("object", _class_name(t))


def _class_name(t):
    return "%s.%s" % (t.__module__, t.__qualname__)


def to_json(d, rng=None):
    """Turns a descriptor (and an int's [min, max]) into the JSON object the store keeps."""
    kind = d[0]
    if kind == "ndarray":
        out = {"type": "ndarray", "dtype": d[1], "ndim": len(d[2]), "shape": list(d[2]),
               "c_contiguous": d[3], "f_contiguous": d[4], "view": d[5]}
        if len(d) > 6:
            out["class"] = d[6]
        return out
    if kind == "int":
        out = {"type": "int"}
        if rng is not None:
            out["min"] = max(INT64_MIN, min(INT64_MAX, rng[0]))
            out["max"] = max(INT64_MIN, min(INT64_MAX, rng[1]))
        return out
    if kind == "tuple" and len(d) > 2:
        return {"type": "tuple", "items": [to_json(e) for e in d[1]]}
    if kind in ("list", "tuple"):
        return {"type": kind, "elem": [to_json(e) for e in d[1]]}
    if kind == "dict":
        return {"type": "dict", "key": [to_json(e) for e in d[1]],
                "value": [to_json(e) for e in d[2]]}
    if kind == "npscalar":
        out = {"type": "npscalar", "dtype": d[1]}
        if rng is not None:
            out["min"], out["max"] = int(rng[0]), int(rng[1])
        return out
    if kind == "object":
        return {"type": "object", "class": d[1]}
    return {"type": kind}


class Tracer:
    def __init__(self, root, out_fd):
        self.root = os.path.join(os.path.realpath(root), "")
        self.out_fd = out_fd
        self.codes = {}  # code object -> FuncStats, or False when not tracked
        self.stacks = {}  # ((code, line), ...) leaf first -> [samples, ns]
        self.last_sample = _clock()
        self.lock = threading.Lock()  # serializes writes to the pipe
        self.broken = False
        self.stopped = threading.Event()
        self.main_thread = threading.main_thread()

    # --- classification -------------------------------------------------------------------

    def tracked(self, code, frame):
        st = self.codes.get(code)
        if st is None:
            st = False
            fn = code.co_filename
            if fn and not fn.startswith("<"):
                path = os.path.realpath(fn)
                if (path.startswith(self.root) and "site-packages" not in path
                        and "dist-packages" not in path):
                    st = FuncStats(code, path, frame.f_globals.get("__name__", ""))
            # Two threads may meet a function's first call at once: setdefault (atomic) keeps
            # one record, where an assignment let the second replace the first and lose its
            # counts (CI saw 100 of 300 calls).
            st = self.codes.setdefault(code, st)
        return st

    # --- the profile callback -------------------------------------------------------------

    def make_callback(self):
        """Returns a profile function with its own call stack (one per thread)."""
        stack = []  # [FuncStats, start ns, child ns, signature record]
        codes = self.codes
        tracked = self.tracked
        clock = _clock
        const = _CONST

        def callback(frame, event, arg):
            if event == "call":
                code = frame.f_code
                st = codes.get(code)
                if st is None:
                    st = tracked(code, frame)
                if st is False:
                    return
                st.calls += 1
                st.depth += 1
                if st.calls > EXACT_CALLS and st.calls % SAMPLE_EVERY:
                    stack.append([st, clock(), 0, None])
                    return
                loc = frame.f_locals
                vals = [loc.get(n) for n in st.argnames]
                key = tuple([const.get(type(v)) or describe(v) for v in vals])
                rec = st.sigs.get(key)
                if rec is None:
                    rec = [0, {i: [vals[i], vals[i]] for i, d in enumerate(key) if d is _INT or d == _NPINT64}, {}]
                    st.sigs[key] = rec
                rec[0] += 1 if st.calls <= EXACT_CALLS else SAMPLE_EVERY
                for i, r in rec[1].items():
                    v = vals[i]
                    if v < r[0]:
                        r[0] = v
                    elif v > r[1]:
                        r[1] = v
                stack.append([st, clock(), 0, rec])
            elif event == "return":
                st = codes.get(frame.f_code)
                if not st or not stack or stack[-1][0] is not st:
                    return
                now = clock()
                _, t0, child, rec = stack.pop()
                elapsed = now - t0
                st.self_ns += elapsed - child
                st.depth -= 1
                if st.depth == 0:
                    st.total_ns += elapsed
                if stack:
                    stack[-1][2] += elapsed
                if frame.f_lasti not in st.normal_exits:
                    st.exceptions += 1
                elif rec is not None:
                    rd = const.get(type(arg)) or describe(arg)
                    rets = rec[2]
                    rets[rd] = rets.get(rd, 0) + 1

        return callback

    def thread_bootstrap(self, frame, event, arg):
        # threading.setprofile hands every new thread this function; give the thread a callback
        # with a stack of its own and let it handle the event that brought us here.
        cb = self.make_callback()
        sys.setprofile(cb)
        cb(frame, event, arg)

    # --- line samples ---------------------------------------------------------------------

    def on_sample(self, signum, frame):
        now = _clock()
        ns = now - self.last_sample
        self.last_sample = now
        codes = self.codes
        key = []
        f = frame
        while f is not None:
            if codes.get(f.f_code):
                key.append((f.f_code, f.f_lineno))
            f = f.f_back
        if not key:
            return
        key = tuple(key)
        rec = self.stacks.get(key)
        if rec is None:
            self.stacks[key] = [1, ns]
        else:
            rec[0] += 1
            rec[1] += ns

    # --- output ---------------------------------------------------------------------------

    def send(self, msg):
        with self.lock:
            self._write(msg)

    def _write(self, msg):
        if self.broken:
            return
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        try:
            while data:
                n = os.write(self.out_fd, data)
                data = data[n:]
        except OSError:
            # pyparc is gone; the script keeps running as if untraced.
            self.broken = True

    def snapshot(self):
        funcs = []
        for code, st in list(self.codes.items()):
            if not st or st.calls == 0:
                continue
            sigs = []
            for key, rec in list(st.sigs.items()):
                ranges = dict(rec[1])
                args = [{"name": name, "value": to_json(d, ranges.get(i))}
                        for i, (name, d) in enumerate(zip(st.argnames, key))]
                rets = [{"value": to_json(d), "count": n} for d, n in list(rec[2].items())]
                sigs.append({"args": args, "returns": rets, "count": rec[0]})
            funcs.append({"file": st.path, "line": code.co_firstlineno,
                          "qualname": getattr(code, "co_qualname", code.co_name),
                          "module": st.module, "calls": st.calls, "total_ns": st.total_ns,
                          "self_ns": st.self_ns, "exceptions": st.exceptions, "signatures": sigs})
        stacks = []
        codes = self.codes
        for key, rec in list(self.stacks.items()):
            frames = [[codes[c].path, line, getattr(c, "co_qualname", c.co_name)]
                      for c, line in key]
            stacks.append({"frames": frames, "samples": rec[0], "ns": rec[1]})
        return {"t": "snap", "functions": funcs, "stacks": stacks}

    def flush(self):
        # Snapshot and write under one lock: the reader keeps the last snapshot it receives,
        # so one taken earlier must never be written after one taken later.
        with self.lock:
            try:
                snap = self.snapshot()
            except RuntimeError:
                return  # a dict grew while we copied it; the next flush sends it
            self._write(snap)

    def flusher(self):
        while not self.stopped.wait(FLUSH_SECONDS):
            self.flush()

    # --- life cycle -----------------------------------------------------------------------

    def start(self):
        threading.Thread(target=self.flusher, name="pyparc-flusher", daemon=True).start()
        if hasattr(signal, "setitimer"):
            signal.signal(signal.SIGPROF, self.on_sample)
            signal.setitimer(signal.ITIMER_PROF, SAMPLE_SECONDS, SAMPLE_SECONDS)
        threading.setprofile(self.thread_bootstrap)
        sys.setprofile(self.make_callback())

    def stop_sampling(self):
        if hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_PROF, 0, 0)
            signal.signal(signal.SIGPROF, signal.SIG_DFL)

    def finish(self):
        sys.setprofile(None)
        threading.setprofile(None)
        self.stopped.set()
        self.flush()
        self.send({"t": "end"})


def _trim_traceback(tb, filename):
    # Drop the tracer's own frames so the traceback reads as if the script ran directly.
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return tb


def main():
    fd = int(os.environ.pop("PYPARC_TRACE_FD"))
    if len(sys.argv) < 2:
        sys.stderr.write("pyparc tracer: no script given\n")
        return 2
    script = sys.argv[1]
    tracer = Tracer(os.path.dirname(os.path.abspath(script)), fd)
    try:
        with open(script, "rb") as f:
            source = f.read()
        code = compile(source, script, "exec", dont_inherit=True)
    except SyntaxError as e:
        tracer.send({"t": "syntax", "file": e.filename or script, "line": e.lineno or 0,
                     "col": e.offset or 0, "msg": e.msg})
        return 2
    except (ValueError, UnicodeDecodeError) as e:  # NUL bytes, undecodable source
        tracer.send({"t": "syntax", "file": script, "line": 0, "col": 0,
                     "msg": "not Python source: %s" % e})
        return 2
    except OSError as e:
        tracer.send({"t": "syntax", "file": script, "line": 0, "col": 0, "msg": str(e)})
        return 2

    try:
        import importlib.metadata as md
        npv = md.version("numpy")
    except Exception:
        npv = ""
    tracer.send({"t": "start", "python": sys.version.split()[0], "numpy": npv,
                 "pid": os.getpid(), "sample_period_ns": int(SAMPLE_SECONDS * 1e9)})

    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    module = types.ModuleType("__main__")
    module.__dict__.update({"__file__": script, "__cached__": None, "__builtins__": __builtins__,
                            "__loader__": None, "__spec__": None, "__package__": None})
    _this = sys.modules["__main__"]  # keep the tracer's own module alive
    sys.modules["__main__"] = module
    atexit.register(tracer.finish)  # registered first, so it runs after the script's handlers

    tracer.start()
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        tracer.stop_sampling()
        raise
    except BaseException as e:
        tracer.stop_sampling()
        tb = _trim_traceback(e.__traceback__, code.co_filename)
        sys.excepthook(type(e), e.with_traceback(tb), tb)
        return 1
    finally:
        tracer.stop_sampling()
        tracer.flush()
        del _this
    return 0


if __name__ == "__main__":
    sys.exit(main())
