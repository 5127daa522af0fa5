"""Tests of the tracer on its own, without pyparc: run it as pyparc does and read its stream."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pyparc_tracer as tr

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = open(os.path.join(HERE, "pyparc_tracer.py")).read()


def trace(tmp_path, src, *args, name="prog.py"):
    """Runs src under the tracer; returns (exit code, stderr, messages)."""
    script = tmp_path / name
    script.write_text(textwrap.dedent(src))
    r, w = os.pipe()
    env = dict(os.environ, PYPARC_TRACE_FD=str(w))
    proc = subprocess.Popen([sys.executable, "-c", SOURCE, str(script), *args], env=env,
                            pass_fds=(w,), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    out, err = proc.communicate()
    msgs = [json.loads(line) for line in data.splitlines()]
    return proc.returncode, out.decode(), err.decode(), msgs


def last_snapshot(msgs):
    snaps = [m for m in msgs if m["t"] == "snap"]
    assert snaps, msgs
    return snaps[-1]


def func(snap, qualname):
    for f in snap["functions"]:
        if f["qualname"] == qualname:
            return f
    raise AssertionError("%s not in %s" % (qualname, [f["qualname"] for f in snap["functions"]]))


@pytest.mark.parametrize("value,want", [
    (1.5, {"type": "float"}),
    (True, {"type": "bool"}),
    (None, {"type": "None"}),
    (1j, {"type": "complex"}),
    ("s", {"type": "str"}),
    ([1, 2.0], {"type": "list", "elem": [{"type": "float"}, {"type": "int"}]}),
    ((), {"type": "tuple", "items": []}),
    ((1, "a", None), {"type": "tuple", "items": [{"type": "int"}, {"type": "str"}, {"type": "None"}]}),
    (tuple(range(9)), {"type": "tuple", "elem": [{"type": "int"}]}),
    ({"a": 1.0}, {"type": "dict", "key": [{"type": "str"}], "value": [{"type": "float"}]}),
    ([[1]], {"type": "list", "elem": [{"type": "list", "elem": [{"type": "int"}]}]}),
    ([[[1]]], {"type": "list", "elem": [{"type": "list", "elem": [{"type": "list", "elem": []}]}]}),
    (np.float32(1), {"type": "npscalar", "dtype": "float32"}),
    (np.zeros((2, 3), dtype=np.int32, order="F"),
     {"type": "ndarray", "dtype": "int32", "ndim": 2, "shape": [2, 3], "c_contiguous": False,
      "f_contiguous": True, "view": False}),
    (np.zeros(6)[1:4],
     {"type": "ndarray", "dtype": "float64", "ndim": 1, "shape": [3], "c_contiguous": True,
      "f_contiguous": True, "view": True}),
])
def test_describe(value, want):
    assert tr.to_json(tr.describe(value)) == want


def test_describe_ndarray_subclass_and_objects():
    m = np.asmatrix(np.eye(2))
    d = tr.to_json(tr.describe(m))
    assert d["type"] == "ndarray" and d["class"] == "numpy.matrix" and d["shape"] == [2, 2]

    class Grid:
        pass
    assert tr.to_json(tr.describe(Grid())) == {
        "type": "object", "class": __name__ + ".test_describe_ndarray_subclass_and_objects.<locals>.Grid"}


def test_int_range_is_clamped_to_int64():
    assert tr.to_json(tr._INT, [-(1 << 70), 1 << 70]) == {
        "type": "int", "min": tr.INT64_MIN, "max": tr.INT64_MAX}


def test_signatures_counts_and_ranges(tmp_path):
    code, out, err, msgs = trace(tmp_path, """
        import numpy as np
        def k(A, n, *rest, scale=1.0, **kw):
            return A.sum() * scale
        for n in (4, 9, 6):
            k(np.ones((n, 2)), n)
        k(np.ones((3, 2)), 3, 7, scale=2.0, extra="x")
        for n in (5, 8):
            k(np.ones((7, 2)), np.int64(n))
        k(np.ones((7, 2)), np.int32(3))
    """)
    assert code == 0, err
    assert msgs[0]["t"] == "start" and msgs[0]["numpy"] == np.__version__
    assert msgs[-1] == {"t": "end"}
    f = func(last_snapshot(msgs), "k")
    assert f["calls"] == 7 and f["exceptions"] == 0
    by_shape = {tuple(s["args"][0]["value"]["shape"]): s for s in f["signatures"]}
    assert by_shape.keys() == {(4, 2), (9, 2), (6, 2), (3, 2), (7, 2)}
    # np.int64 sizes get a range as ints do; other NumPy ints do not.
    sevens = sorted((s["args"][1]["value"] for s in f["signatures"] if s["args"][0]["value"]["shape"] == [7, 2]),
                    key=lambda v: v["dtype"])
    assert sevens == [{"type": "npscalar", "dtype": "int32"},
                      {"type": "npscalar", "dtype": "int64", "min": 5, "max": 8}]
    assert [a["name"] for a in by_shape[(4, 2)]["args"]] == ["A", "n", "scale", "rest", "kw"]
    assert by_shape[(3, 2)]["args"][3]["value"] == {"type": "tuple", "items": [{"type": "int"}]}
    assert by_shape[(3, 2)]["args"][4]["value"]["key"] == [{"type": "str"}]
    assert by_shape[(9, 2)]["args"][1]["value"] == {"type": "int", "min": 9, "max": 9}
    assert by_shape[(9, 2)]["returns"] == [{"value": {"type": "npscalar", "dtype": "float64"},
                                             "count": 1}]


def test_exceptions_generators_and_recursion(tmp_path):
    code, out, err, msgs = trace(tmp_path, """
        def bad(x):
            raise KeyError(x)
        def catches():
            try:
                bad(1)
            except KeyError:
                return None
        def gen(n):
            for i in range(n):
                yield i
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        catches()
        sum(gen(3))
        fact(5)
    """)
    assert code == 0, err
    snap = last_snapshot(msgs)
    assert func(snap, "bad")["exceptions"] == 1
    assert func(snap, "catches")["exceptions"] == 0
    g = func(snap, "gen")
    assert g["exceptions"] == 0 and g["calls"] == 4  # one call event per resume
    fact = func(snap, "fact")
    assert fact["calls"] == 5
    assert fact["total_ns"] <= fact["self_ns"] * 5  # recursion is counted once in total


def test_threads_are_traced(tmp_path):
    code, out, err, msgs = trace(tmp_path, """
        import threading
        def work(i):
            return i * 2
        ts = [threading.Thread(target=lambda: [work(i) for i in range(100)]) for _ in range(3)]
        for t in ts: t.start()
        for t in ts: t.join()
    """)
    assert code == 0, err
    assert func(last_snapshot(msgs), "work")["calls"] == 300


def test_syntax_error_runs_nothing(tmp_path):
    code, out, err, msgs = trace(tmp_path, "print('ran')\nx = = 1\n")
    assert code == 2 and out == ""
    assert msgs == [{"t": "syntax", "file": str(tmp_path / "prog.py"), "line": 2, "col": 5,
                     "msg": "invalid syntax"}]


def test_script_sees_its_own_world(tmp_path):
    (tmp_path / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    code, out, err, msgs = trace(tmp_path, """
        import sys
        from helper import twice
        print(__name__, sys.argv[1:], twice(21), sys.modules["__main__"].__file__.endswith("prog.py"))
        sys.exit(7)
    """, "a", "--b")
    assert code == 7
    assert out == "__main__ ['a', '--b'] 42 True\n"
    f = func(last_snapshot(msgs), "twice")
    assert f["module"] == "helper" and f["file"] == os.path.realpath(tmp_path / "helper.py")
