"""Tests of pyparc_rt's helpers that emitted variants call: python3 -m pytest -q emit/runtime."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyparc_rt as rt  # noqa: E402


@pytest.mark.parametrize("values, want", [
    ((1.5, np.ones((3, 2))), True),
    ((np.arange(4),), True),  # ints are finite
    ((np.float32(2.0), True, 3, 1 + 2j), True),
    ((), True),
    ((np.array([1.0, np.inf]),), False),
    ((np.ones(3), float("nan")), False),
    ((np.array([[0.0, -np.inf]])[:, 1:],), False),  # a view
    ((10 ** 400,), False),  # too large for a float: not checkable
    (("a",), False),
    ((np.array(["a"]),), False),
    ((None,), False),
    (([1.0, 2.0],), False),  # a list is no array the variants multiply
])
def test_finite(values, want):
    assert rt.finite(*values) is want


def test_ints_become_float():
    a = rt.inexact(np.asarray([1, 2, 3]))
    assert a.dtype == np.float64
    a += 0.5  # what a later update of the temporary may do
    assert a.tolist() == [1.5, 2.5, 3.5]


def test_complex_and_float_kept():
    c = rt.inexact(np.asarray(2j * np.arange(3)))
    assert c.dtype == np.complex128 and c[2] == 4j
    f32 = np.ones(2, dtype=np.float32)
    assert rt.inexact(f32) is f32
    assert rt.inexact(np.asarray(1j)).dtype == np.complex128
    assert rt.inexact(np.asarray(True)).dtype == np.float64


@pytest.mark.parametrize("x, is_int, is_real, is_number", [
    (3, True, True, True),
    (np.int64(3), True, True, True),
    (True, False, False, False),
    (np.bool_(True), False, False, False),
    # NumPy keeps these types through scalar arithmetic and wraps around where the compiled
    # variants widen to int64: the original must run them.
    (np.int32(3), False, False, False),
    (np.int8(3), False, False, False),
    (np.uint32(3), False, False, False),
    (np.uint64(3), False, False, False),
    (2.5, False, True, True),
    (np.float64(2.5), False, True, True),
    (np.float32(2.5), False, False, False),
    (1 + 2j, False, False, True),
    (np.complex128(1j), False, False, True),
    (np.complex64(1j), False, False, False),
    ("3", False, False, False),
    # Numba passes no int beyond int64 (OverflowError), where the original runs.
    (2 ** 63 - 1, True, True, True),
    (-2 ** 63, True, True, True),
    (2 ** 63, False, False, False),
    (-2 ** 70, False, False, False),
    # Infinite and nan scalars run the original: the variants take factors out of sums.
    (1.7976931348623157e308, False, True, True),
    (float("inf"), False, False, False),
    (float("-inf"), False, False, False),
    (float("nan"), False, False, False),
    (np.float64("inf"), False, False, False),
    (complex(1, float("inf")), False, False, False),
    (np.complex128(complex(float("nan"), 0)), False, False, False),
])
def test_scalar_checks(x, is_int, is_real, is_number):
    assert (rt.is_int(x), rt.is_real(x), rt.is_number(x)) == (is_int, is_real, is_number)


@pytest.mark.parametrize("x, bound, want", [
    (1 << 19, 1 << 19, True),
    (-(1 << 19), 1 << 19, True),
    ((1 << 19) + 1, 1 << 19, False),
    (-(1 << 19) - 1, 1 << 19, False),
    (np.int64(1 << 20), 1 << 19, False),
    (np.int64(-5), 1 << 19, True),
    (1 << 70, 1 << 40, False),
    (True, 1 << 40, False),
    (np.int32(3), 1 << 40, False),
    (3.0, 1 << 40, False),
])
def test_is_int_within(x, bound, want):
    # The guard's bound: within it no int a variant computes in int64 leaves int64.
    assert rt.is_int(x, bound) is want
    if type(x) is not float:
        # is_real and is_number bound the ints they admit the same way.
        assert rt.is_real(x, bound) is want
        assert rt.is_number(x, bound) is want


def test_is_real_within_takes_floats():
    assert rt.is_real(1e300, 1 << 20) is True
    assert rt.is_number(complex(1e300, 2.0), 1 << 20) is True
    assert rt.is_real(float("inf"), 1 << 20) is False


@pytest.mark.parametrize("x, want", [
    (0.5, True), (np.float64(-1e300), True), (complex(1.0, 2.0), True), (np.complex128(3.0), True),
    (0, False), (1, False), (-1, False), (np.int64(0), False), (True, False), (float("nan"), False),
])
def test_negative_bound_admits_no_int(x, want):
    # A float parameter where every int passed may overflow (polyopt's FloatIntBits < 0):
    # the guard gives bound -1, and only floats (and complex numbers) pass.
    assert rt.is_number(x, -1) is want
    if type(x) is not complex and type(x) is not np.complex128:
        assert rt.is_real(x, -1) is want


def test_int_list():
    assert rt.int_list([0, 3, -1]) and rt.int_list([])
    assert not rt.int_list([1, True]) and not rt.int_list([1.0]) and not rt.int_list((1, 2))
    assert not rt.int_list([np.int64(1)])


def test_cached_mask_builds_once_per_key():
    built = []

    def build():
        built.append(1)
        return np.arange(3)[:, None] >= np.arange(3)[None, :]

    a = rt.cached_mask((np.ndarray, "tri", 3), build)
    b = rt.cached_mask((np.ndarray, "tri", 3), build)
    assert a is b and len(built) == 1 and a.sum() == 6
    rt.cached_mask((np.ndarray, "tri", 4), build)
    assert len(built) == 2
    for n in range(rt._MAX_MASKS + 1):  # the cache starts over instead of growing
        rt.cached_mask(("bound", n), build)
    assert len(rt._MASKS) <= rt._MAX_MASKS


def test_cached_mask_one_per_gpu():
    cp = pytest.importorskip("cupy")
    if rt.cp is None or cp.cuda.runtime.getDeviceCount() < 2:
        pytest.skip("needs two GPUs")

    def build():
        return cp.arange(3)[:, None] >= cp.arange(3)[None, :]

    masks = []
    for dev in (0, 1):
        with cp.cuda.Device(dev):
            masks.append(rt.cached_mask((cp.ndarray, "tri", 3), build))
    assert [m.device.id for m in masks] == [0, 1]


def test_diag_view_writes_the_diagonal():
    a = np.zeros((4, 5))
    rt.diag_view(a, (0, 1), 3)[...] = 1.0  # a[k, k + 1] for k < 3
    want = np.zeros((4, 5))
    for k in range(3):
        want[k, k + 1] = 1.0
    assert (a == want).all()
    v = rt.diag_view(a[1:, :], (0, 0), 3)
    v += 2.0  # through a view of a view
    assert a[1, 0] == 2.0 and a[3, 2] == 2.0 and a[1, 1] == 0.0
    with pytest.raises(IndexError):
        rt.diag_view(a, (2, 0), 3)  # rows 2..4: past the last
    with pytest.raises(IndexError):
        rt.diag_view(a, (-1, 0), 2)


def test_blas_for_small_calls_uses_one_thread_and_restores():
    import pyparc_rt
    blas = pyparc_rt._find_blas()
    if not blas:
        pytest.skip("no OpenBLAS found in this process")
    get, put = blas
    before = get()
    put(2)
    try:
        with rt.blas_for(10):
            assert get() == 1
            with rt.blas_for(10):  # a dispatcher inside another's variant
                assert get() == 1
            assert get() == 1
        assert get() == 2
        with rt.blas_for(rt.SMALL_BLAS_WORK * 10):
            assert get() == 2
        with pytest.raises(ValueError):
            with rt.blas_for(10):
                raise ValueError("a variant raised")
        assert get() == 2 and pyparc_rt._blas_depth == 0
    finally:
        put(before)


def _no_alias_cases():
    a, b, c = np.zeros((4, 4)), np.zeros(4), np.zeros(4)
    ro = np.zeros(3)
    ro.flags.writeable = False
    ext = np.frombuffer(bytearray(32))  # owns no data, overlaps nothing here
    rov = np.zeros(4)[:]
    rov.flags.writeable = False
    return [
        ((a, b, c), (0,), True),                  # distinct owners
        ((a, b, b), (0,), True),                  # the same read-only array twice
        ((a, b, b), (1,), False),                 # a written array passed twice
        ((a, a[0], c), (1,), False),              # a written view of another argument
        ((a, a[0], c), (2,), True),               # the overlapping pair is only read
        ((a, a[0], c), (0,), False),              # a written owner read through a view
        ((a[0], a[1], a), (0,), False),           # a written view of a read owner
        ((a[0], a[1], c), (0, 1), True),          # disjoint views, both written
        ((a[:2], a[2:], c), (0, 1), True),        # views of disjoint rows
        ((a[:3], a[2:], c), (0,), False),         # views of overlapping rows
        ((ro, b), (0,), False),                   # a written array that is read-only
        ((ro, b), (1,), True),
        ((ext, b), (0,), True),
        ((b, b), (), True),                       # two arguments, one array, only read
        ((b, b), (1,), False),
        ((b, c), (0, 1), True),
        ((ro, ro), (), True),
        ((a[0], a[1]), (0,), True),               # two disjoint views, one written
        ((a[0], a), (0,), False),
        ((rov, b), (0,), False),                  # a written read-only view (found by review)
        ((np.frombuffer(bytes(32)),), (0,), False),  # read-only memory it does not own
    ]


@pytest.mark.parametrize("arrays, written, want", _no_alias_cases())
def test_no_alias(arrays, written, want):
    assert rt.no_alias(arrays, written) is want


_KERNEL_FILE = '''
import pyparc_rt as _rt


@_rt.jit
def scale(a, k):
    for i in range(a.shape[0]):
        a[i] = a[i] * k


@_rt.jit_sum
def dot(_acc, a, b, n):
    for j in range(n):
        _acc += a[j] * b[j]
    return _acc


@_rt.jit
def dots(out, a, b):
    for i in range(out.shape[0]):
        out[i] = dot(out[i], a, b, i)
'''

_IMPORT_AS = '''
import importlib.util, sys
import numpy as np
name, path = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location(name, path)
mod = importlib.util.module_from_spec(spec)
sys.modules[name] = mod
spec.loader.exec_module(mod)
a = np.arange(4.0)
mod.scale(a, 3.0)
print(a.tolist())
x, y = np.linspace(0.1, 2.0, 300), np.linspace(-1.0, 3.0, 300)
out = np.full(300, 0.5)
mod.dots(out, x, y)
want = np.array([0.5 + np.dot(x[:i], y[:i]) for i in range(300)])
assert np.allclose(out, want, rtol=1e-12, atol=0), np.max(np.abs(out - want))
assert not isinstance(mod.dot, type(mod.scale)), "the helper was not bound to its Numba function"
'''


def _run_with_runtime(tmp_path, args):
    """Runs python with args, the runtime importable and Numba's cache in tmp_path."""
    import subprocess
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    res = subprocess.run([sys.executable] + args, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    return res


def test_jit_cache_written_under_another_module_name(tmp_path):
    # The first process compiles the kernels as module mod_a and caches them on disk; the second
    # imports the same file as mod_b, whose cache entries name mod_a: Numba's load raises
    # ImportError, and the kernels must compile again instead of failing the call. dots calls
    # a jit_sum helper (a summing loop compiled with reassociation), compiled and bound first.
    pytest.importorskip("numba")
    kernel = tmp_path / "kern.py"
    kernel.write_text(_KERNEL_FILE)
    for name in ("mod_a", "mod_b", "mod_b"):
        res = _run_with_runtime(tmp_path, ["-c", _IMPORT_AS, name, str(kernel)])
        assert res.stdout.strip() == "[0.0, 3.0, 6.0, 9.0]"
    assert any((tmp_path / "cache").rglob("*.nbi")), "nothing was cached"


def _mask_of(kind, shape, rng):
    i = np.arange(shape[0])[:, None]
    j = np.arange(shape[1])[None, :]
    return {
        "tril": j <= i,
        "strict_upper": j > i,
        "band": abs(i - j) < 40,
        "random": rng.random(shape) < 0.5,
        "empty": np.zeros(shape, bool),
        "full": np.ones(shape, bool),
        "last_rows_empty": (j <= i) & (i < shape[0] // 3),
    }[kind]


@pytest.mark.parametrize("kind", ["tril", "strict_upper", "band", "random", "empty", "full", "last_rows_empty"])
@pytest.mark.parametrize("side", [0, 1])
@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("shape, n", [((450, 450), 30), ((401, 230), 7), ((230, 401), 1), ((50, 60), 5)])
def test_masked_matmul_equals_the_masked_product(kind, side, trans, shape, n):
    rng = np.random.default_rng(7)
    mask = _mask_of(kind, shape, rng)
    a = rng.standard_normal(shape)
    # Outside the mask the factor is never read: an inf there must not reach the result.
    a[~mask] = np.inf
    am = np.where(mask, a, 0)
    am = am.T if trans else am
    inner = am.shape[1] if side == 0 else am.shape[0]
    other = rng.standard_normal((inner, n) if side == 0 else (n, inner))
    if n == 1:
        other = other[:, 0] if side == 0 else other[0]
    want = am @ other if side == 0 else other @ am
    got = rt.masked_matmul(a, other, mask, 0, trans) if side == 0 else rt.masked_matmul(other, a, mask, 1, trans)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # A second call takes the cached plan, keyed by the mask and the transposition.
    again = rt.masked_matmul(a, other, mask, 0, trans) if side == 0 else rt.masked_matmul(other, a, mask, 1, trans)
    np.testing.assert_array_equal(again, got)


@pytest.mark.parametrize("adtype, bdtype", [
    (np.float32, np.float32), (np.float32, np.float64), (np.complex128, np.float64), (np.int64, np.float64),
    (np.int32, np.int32),
])
def test_masked_matmul_dtypes(adtype, bdtype):
    rng = np.random.default_rng(3)
    mask = np.tril(np.ones((300, 300), bool), -1)
    a = (rng.standard_normal((300, 300)) * 10).astype(adtype)
    b = (rng.standard_normal((300, 20)) * 10).astype(bdtype)
    want = np.where(mask, a, 0) @ b
    got = rt.masked_matmul(a, b, mask, 0, False)
    assert got.dtype == want.dtype
    if np.dtype(adtype).kind == "i" and np.dtype(bdtype).kind == "i":
        np.testing.assert_array_equal(got, want)  # ints take the whole product, exactly
    else:
        # float32 sums in another order: near-zero results of cancelling terms differ by
        # rounding errors of the large terms.
        tol = 1e-4 if np.float32 in (adtype, bdtype) else 1e-12
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


def test_masked_matmul_plan_follows_the_mask():
    # A mask rebuilt under the same id() must not reuse another mask's plan.
    rng = np.random.default_rng(5)
    a = rng.standard_normal((300, 300))
    b = rng.standard_normal((300, 4))
    for kind in ["tril", "strict_upper", "band"]:
        mask = _mask_of(kind, (300, 300), rng)
        np.testing.assert_allclose(rt.masked_matmul(a, b, mask, 0, False), np.where(mask, a, 0) @ b, rtol=1e-12)
        del mask


@pytest.mark.parametrize("rows, cols, drows, n, kind", [
    ((0, 120), (0, 119), (0, 120), 40, "strict"),    # symm: strict lower triangle of A, the diagonal apart
    ((0, 120), (0, 119), None, 40, "strict"),
    ((3, 90), (3, 90), (10, 60), 20, "random"),      # the same block both ways, a diagonal inside
    ((0, 50), (20, 90), None, 30, "random"),         # overlapping ranges
    ((0, 40), (60, 90), (0, 40), 30, "random"),      # apart: row 40..60 read by neither term
    ((0, 120), (0, 119), None, 3, "strict"),         # narrow: two products
    ((5, 5), (0, 30), (0, 10), 30, "random"),        # an empty range
    ((0, 30), (0, 30), (0, 30), 30, "random"),
])
@pytest.mark.parametrize("dtype, scale", [(np.float64, 1.5), (np.float32, 2.0), (np.complex128, 0.5 - 1j),
                                          (np.float64, 1j)])
def test_mirrored_matmul_equals_its_terms(rows, cols, drows, n, kind, dtype, scale, monkeypatch):
    separate = []
    monkeypatch.setattr(rt._masked, "masked_matmul", lambda *a: separate.append(a) or rt.masked_matmul(*a))
    rng = np.random.default_rng(11)
    size = 130
    a = (rng.standard_normal((size, size)) + (1j * rng.standard_normal((size, size)) if dtype == np.complex128 else 0)).astype(dtype)
    w = rng.standard_normal((size, n)).astype(dtype)
    t0 = rng.standard_normal((size, n)).astype(dtype)
    r0, r1 = rows
    c0, c1 = cols
    p = a[r0:r1, c0:c1]
    i = np.arange(r0, max(r0, r1))[:, None]
    j = np.arange(c0, max(c0, c1))[None, :]
    mask = (j < i) if kind == "strict" else rng.random(p.shape) < 0.5
    p = p.copy()
    p[~mask] = np.inf  # never read
    pm = np.where(mask, p, 0)
    diag = None if drows is None else np.diagonal(a)[drows[0]:drows[1]].copy()

    def terms(t):
        if diag is not None:
            t[drows[0]:drows[1]] += (scale * w[drows[0]:drows[1]]) * diag[:, None]
        if r1 > r0 and c1 > c0:
            t[r0:r1] += scale * (pm @ w[c0:c1])
            t[c0:c1] += scale * (pm.T @ w[r0:r1])

    want, got = t0.copy(), t0.copy()
    try:
        terms(want)
    except TypeError:
        # A complex scale into a real target raises, as the += lines do.
        with pytest.raises(TypeError):
            rt.mirrored_matmul(p, mask, rows, cols, w, got, scale, diag, drows)
        return
    rt.mirrored_matmul(p, mask, rows, cols, w, got, scale, diag, drows)
    # One product by the symmetric matrix where the ranges meet and w is wide enough.
    nonempty = r0 < r1 and c0 < c1
    merged = n >= rt._masked.MIRROR_MIN_COLS and nonempty and max(r0, c0) <= min(r1, c1)
    assert len(separate) == (0 if merged or not nonempty else 2)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("form", ["trmm", "lower_reads_back", "apart", "vector", "transposed_other"])
@pytest.mark.parametrize("scale", [None, 1.5, 2.0 - 1j])
def test_masked_matmul_into_equals_add(form, scale, monkeypatch):
    whole = []
    monkeypatch.setattr(rt._masked, "masked_matmul", lambda *a: whole.append(a) or rt.masked_matmul(*a))
    rng = np.random.default_rng(13)
    n, k = 420, 37
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, k))
    want = b.copy()
    got = b.copy()
    if form == "trmm":
        # B[i] += sum_{k > i} A[k, i] * B[k]: the bands read later rows only, in place is exact.
        mask = np.arange(1, n)[:, None] >= 1 + np.arange(n)[None, :]
        args = lambda t: (t, a[1:n, :], t[1:n, :], mask, 0, True)
        banded = True
    elif form == "lower_reads_back":
        # B[i] += sum_{k < i} A[i, k] * B[k]: later bands read rows earlier bands wrote.
        mask = np.tril(np.ones((n, n), bool), -1)
        args = lambda t: (t, a, t, mask, 0, False)
        banded = False
    elif form == "apart":
        mask = np.tril(np.ones((n, n), bool), -1)
        other = rng.standard_normal((n, k))
        args = lambda t: (t, a, other, mask, 0, False)
        banded = True
    elif form == "vector":
        mask = np.tril(np.ones((n, n), bool))
        v = rng.standard_normal(n)
        want, got = want[:, 0].copy(), got[:, 0].copy()
        args = lambda t: (t, a, v, mask, 0, False)
        banded = True
    else:
        mask = np.tril(np.ones((n, n), bool))
        other = rng.standard_normal((k, n))
        want, got = want.T.copy(), got.T.copy()
        args = lambda t: (t, other, a, mask, 1, True)  # side 1: as written
        banded = False
    t, x, y, m, side, trans = args(want)
    try:
        prod = rt.masked_matmul(x, y, m, side, trans)
        want += prod if scale is None else scale * prod
    except TypeError:  # a complex scale into a real target raises as the += line does
        with pytest.raises(TypeError):
            rt.masked_matmul_into(*args(got), scale)
        return
    whole.clear()
    rt.masked_matmul_into(*args(got), scale)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert (len(whole) == 0) == banded


@pytest.mark.parametrize("form", ["trmm", "upper_reads_ahead", "lower_reads_back", "apart", "row0_inf"])
@pytest.mark.parametrize("scale", [None, 1.5, 2.0 - 1j])
@pytest.mark.parametrize("band_rows", [7, 100])
def test_masked_matmul_into_then_scaled(form, scale, band_rows, monkeypatch):
    # t = post * (t + scale * M @ y): as the two lines, whichever way it is computed, and as
    # one product by I + scale * M where y is rows of t that no earlier band wrote.
    monkeypatch.setattr(rt._masked, "BAND_ROWS", band_rows)
    rt._masked._PLANS.clear()
    unit = []
    real_unit = rt._masked._unit_update
    monkeypatch.setattr(rt._masked, "_unit_update", lambda *a: unit.append(real_unit(*a)) or unit[-1])
    rng = np.random.default_rng(17)
    n, k, post = 230, 19, -0.75
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, k))
    if form == "row0_inf":
        b[0, 3] = np.inf  # not in y: U's zeros would make nan of every other row
    want, got = b.copy(), b.copy()
    if form in ("trmm", "row0_inf"):
        mask = np.arange(1, n)[:, None] >= 1 + np.arange(n)[None, :]
        args = lambda t: (t, a[1:n, :], t[1:n, :], mask, 0, True)
    elif form == "upper_reads_ahead":
        # B[i] += sum_{k > i} A[i, k] * B[k], not transposed.
        mask = np.arange(1, n)[None, :] > np.arange(n)[:, None]
        args = lambda t: (t, a[:, 1:n], t[1:n, :], mask, 0, False)
    elif form == "lower_reads_back":
        mask = np.tril(np.ones((n, n), bool), -1)
        args = lambda t: (t, a, t, mask, 0, False)
    else:
        mask = np.tril(np.ones((n, n), bool), -1)
        other = rng.standard_normal((n, k))
        args = lambda t: (t, a, other, mask, 0, False)
    t, x, y, m, side, trans = args(want)
    try:
        prod = rt.masked_matmul(x, y, m, side, trans)
        want += prod if scale is None else scale * prod
    except TypeError:
        with pytest.raises(TypeError):
            rt.masked_matmul_into(*args(got), scale, post)
        np.testing.assert_array_equal(got, b)  # refused before writing
        return
    want *= post
    rt.masked_matmul_into(*args(got), scale, post)
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-11)
    assert unit == [scale is None and form in ("trmm", "upper_reads_ahead")]


# Arguments of math functions, each where Python's math raises and where it does not.
MATH_CASES = [
    ("sqrt", (4.0,)), ("sqrt", (-0.0,)), ("sqrt", (-1.0,)), ("sqrt", (float("nan"),)), ("sqrt", (float("inf"),)),
    ("exp", (1.0,)), ("exp", (1000.0,)), ("exp", (float("inf"),)), ("exp", (-1000.0,)), ("exp", (float("-inf"),)),
    ("log", (2.0,)), ("log", (0.0,)), ("log", (-0.0,)), ("log", (-1.0,)), ("log", (float("inf"),)), ("log", (float("nan"),)),
    ("log2", (0.0,)), ("log10", (-2.0,)), ("log10", (100.0,)),
    ("sin", (1.0,)), ("sin", (float("inf"),)), ("cos", (float("-inf"),)), ("tan", (float("inf"),)), ("tan", (0.5,)),
    ("asin", (0.5,)), ("asin", (2.0,)), ("acos", (-1.5,)), ("acos", (float("nan"),)),
    ("sinh", (1000.0,)), ("cosh", (-1000.0,)), ("sinh", (float("inf"),)), ("cosh", (3.0,)),
    ("pow", (2.0, 3.0)), ("pow", (0.0, -1.0)), ("pow", (-8.0, 1.0 / 3.0)), ("pow", (10.0, 400.0)),
    ("pow", (-1.0, float("inf"))), ("pow", (float("nan"), 0.0)), ("pow", (0.0, float("-inf"))),
    ("fmod", (5.0, 3.0)), ("fmod", (1.0, 0.0)), ("fmod", (float("inf"), 1.0)), ("fmod", (1.0, float("inf"))),
    ("floor", (2.5,)), ("floor", (float("nan"),)), ("floor", (float("inf"),)), ("ceil", (-2.5,)), ("ceil", (float("-inf"),)),
]


def _math_outcome(f, args):
    try:
        r = f(*args)
    except (ValueError, OverflowError) as e:
        return type(e).__name__
    r = float(np.asarray(r).reshape(-1)[0])
    return "nan" if r != r else r


@pytest.mark.parametrize("name, args", MATH_CASES)
def test_mathf_raises_as_math(name, args):
    import math
    want = _math_outcome(getattr(math, name), args)
    # The bad value among good ones, in arrays long enough for NumPy's SIMD loops.
    arrays = []
    for a in args:
        x = np.full(37, a if name != "pow" or a is not args[0] else 2.0)
        x[17] = a
        arrays.append(x)
    got = _math_outcome(lambda *xs: rt.mathf(name, *xs)[17:18], arrays)
    assert got == want or (isinstance(want, float) and np.isclose(got, want, rtol=1e-15))


@pytest.mark.parametrize("name, args", [c for c in MATH_CASES if c[0] != "fmod"])
def test_numba_math_raises_as_math(name, args):
    import math
    if not rt.HAVE_NUMBA:
        pytest.skip("numba not installed")
    want = _math_outcome(getattr(math, name), args)
    got = _math_outcome(getattr(rt, "math_" + name), args)
    assert got == want or (isinstance(want, float) and np.isclose(got, want, rtol=1e-15))


def test_mathf_narrow_floats_do_not_overflow_for_math():
    # math computes in double precision: exp(100) overflows float32, not math.exp.
    x = np.full(5, 100.0, dtype=np.float32)
    assert np.isinf(rt.mathf("exp", x)).all()
    with pytest.raises(ValueError):
        rt.mathf("sqrt", -x)


def test_numba_math_inside_prange():
    if not rt.HAVE_NUMBA:
        pytest.skip("numba not installed")
    import numba

    @numba.njit(parallel=True)
    def roots(a, out):
        for i in numba.prange(a.shape[0]):
            out[i] = rt.math_sqrt(a[i])

    out = np.zeros(2000)
    roots(np.arange(2000.0), out)
    assert out[9] == 3.0
    a = np.arange(2000.0)
    a[1234] = -1.0
    with pytest.raises(ValueError, match="math domain error"):
        roots(a, out)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("value", [3.7, -3.7, 127.9, -128.9, 128.0, 300.0, -1.0, 5e9, 9.2e18, 1e19, 1e30, -1e30,
                                   float("nan"), float("inf"), float("-inf"), -2.0 ** 63])
def test_int_values_raises_as_element_stores(dtype, value):
    def outcome(store):
        try:
            y = np.zeros(9, dtype=dtype)
            store(y)
            return "ok"
        except (ValueError, OverflowError) as e:
            return type(e).__name__
    x = np.full(9, 2.0)
    x[4] = value

    def loop(y):
        for i in range(9):
            y[i] = x[i]
    want = outcome(loop)
    got = outcome(lambda y: y.__setitem__(slice(None), rt.int_values(x, dtype)))
    assert got == want


def test_int_values_passes_ints_and_empty():
    a = np.arange(5)
    assert rt.int_values(a, "int8") is a
    e = np.zeros(0)
    assert rt.int_values(e, "int64") is e


def test_mathf_pow_and_fmod_of_ints_are_floats():
    # math.pow(3, -1) is 1/3 and math.pow(10**10, 3) a float; NumPy's int power refuses the
    # first and wraps the second.
    got = rt.mathf("pow", np.array([3, 10 ** 10]), np.array([-1, 3]))
    assert got.dtype == np.float64 and np.allclose(got, [1 / 3, 1e30])
    assert rt.mathf("fmod", np.array([7, -7]), 3).tolist() == [1.0, -1.0]


def test_math_of_ints_goes_through_floats():
    import math
    big = np.array([2 ** 62 + 1])
    assert rt.mathf("ceil", big).tolist() == [float(math.ceil(np.int64(2 ** 62 + 1)))]
    if rt.HAVE_NUMBA:
        with pytest.raises(ValueError):
            rt.math_pow(0, -1)  # Numba's int power raised ZeroDivisionError (found by review)
        assert rt.math_pow(2, -1) == 0.5


def test_at_least_keeps_results_and_lets_the_tile_loop_vectorize():
    """at_least(i, 1) in a loop starting at a computed bound: the same values as without it,
    and the loop's machine code then holds packed (vector) multiplications, which it lacks
    without the promise (Numba's wrap-around select on A[i - 1] blocks the vectorizer)."""
    numba = pytest.importorskip("numba")
    import re
    assert rt.HAVE_NUMBA  # imports Numba the way emitted code does, which makes at_least

    def tile(A, B, lo, hi):
        for i in range(lo, hi):
            rt.at_least(i, 1)
            B[i] = 0.5 * (A[i - 1] + A[i + 1])

    def plain(A, B, lo, hi):
        for i in range(lo, hi):
            B[i] = 0.5 * (A[i - 1] + A[i + 1])

    told, untold = numba.njit(tile), numba.njit(plain)
    A = np.linspace(0.0, 1.0, 700)
    for lo, hi in [(1, 699), (5, 300), (300, 5), (256, 512)]:
        b1, b2 = np.zeros(700), np.zeros(700)
        told(A, b1, lo, hi)
        untold(A, b2, lo, hi)
        assert np.array_equal(b1, b2)
    packed = lambda f: len(re.findall(r"vmulpd|mulpd", next(iter(f.inspect_asm().values()))))
    assert packed(told) > packed(untold)


def test_at_least_rejects_non_integers():
    numba = pytest.importorskip("numba")
    assert rt.HAVE_NUMBA

    @numba.njit
    def f(x):
        rt.at_least(x, 1)
        return x

    with pytest.raises(numba.core.errors.TypingError) as err:
        f(1.5)
    assert "Unknown attribute" not in str(err.value)  # found, and refused the float
    assert f(3) == 3


def _local_from_before(A, n):
    # Numba's parfor pass takes s for a reduction and raises ValueError while compiling.
    s = 1.0
    for i in rt.prange(n):
        A[i] = A[i] * 0.5
        if i == 3:
            s = s * 0.5 + A[i]
            A[i] = s


def _raises_after_a_write(A, n):
    A[0] = 7.0
    if n > 2:
        raise ValueError("raised by the compiled code")


def test_compile_failure_lets_the_variant_fall_back():
    pytest.importorskip("numba")
    A = np.ones(8)
    with pytest.raises(rt.NumbaError) as info:
        rt.jit_parallel(_local_from_before)(A, 8)
    assert isinstance(info.value, rt.NumbaCompileFailed)
    assert (A == 1.0).all()  # nothing ran
    # An exception of the compiled code itself is the caller's, as the original raises it.
    with pytest.raises(ValueError, match="raised by the compiled code"):
        rt.jit(_raises_after_a_write)(A, 8)
    assert A[0] == 7.0


def _halves(A, n):
    for i in range(n):
        A[i] = A[i] * 0.5


def test_later_calls_raise_as_the_first():
    """After the first call, compiled helpers run Numba's code in one frame: an exception of
    the code is still the caller's, and argument types it cannot compile still fall back."""
    pytest.importorskip("numba")
    A = np.ones(8)
    f = rt.jit(_raises_after_a_write)
    f(A, 1)  # compiles; raises nothing
    A[0] = 1.0
    with pytest.raises(ValueError, match="raised by the compiled code"):
        f(A, 8)
    assert A[0] == 7.0
    g = rt.jit(_halves)
    g(A, 8)
    assert A[1] == 0.5
    with pytest.raises(rt.NumbaError):
        g("not an array", 8)


_CHUNKS_FILE = '''
import numpy as _np
import pyparc_rt as _rt


@_rt.jit_parallel
def column_sums(A, s, _nthreads):
    _nt0 = _rt.reduction_chunks(A.shape[0], s.size, _nthreads)
    if _nt0 > 1:
        _pr0_s = _np.full((_nt0,) + s.shape, -0.0, s.dtype)
        for _c0 in _rt.prange(_nt0):
            for i in range(A.shape[0] * _c0 // _nt0, A.shape[0] * (_c0 + 1) // _nt0):
                for j in range(A.shape[1]):
                    _pr0_s[_c0, j] += A[i, j]
        for j in _rt.prange(s.shape[0]):
            for _c0 in range(_nt0):
                s[j] += _pr0_s[_c0, j]
    else:
        for i in range(A.shape[0]):
            for j in range(A.shape[1]):
                s[j] += A[i, j]
    return _nt0
'''

_CHUNKS_RUN = '''
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("chunks", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
import pyparc_rt as _rt
A = np.arange(60.0).reshape(12, 5)
for threads, want in ((4, 4), (1, 1), (40, 12)):
    s = np.full(5, -0.0)
    assert mod.column_sums(A, s, threads) == want
    assert s.tolist() == A.sum(axis=0).tolist(), s
assert mod.column_sums(A, np.zeros(_rt._reduce.PRIVATE_MAX), 4) == 1
assert _rt.numba_threads() >= 1
'''


def test_reduction_chunks_count_and_cache(tmp_path):
    # The chunk count is the threads passed in, at most the rows and what PRIVATE_MAX leaves;
    # a function using it is cached on disk (numba.get_num_threads() inside compiled code
    # would keep it from that).
    pytest.importorskip("numba")
    kernel = tmp_path / "chunks.py"
    kernel.write_text(_CHUNKS_FILE)
    _run_with_runtime(tmp_path, ["-c", _CHUNKS_RUN, str(kernel)])
    assert any((tmp_path / "cache").rglob("chunks.column_sums*.nbi")), "not cached"


_QUIET_FILE = '''
import numpy as np
import pyparc_rt as _rt


@_rt.jit_parallel
def nothing_parallel(a):
    for i in range(1, a.shape[0]):
        a[i] += a[i - 1]


a = np.ones(5)
nothing_parallel(a)
print(a.tolist())
'''


def test_first_call_keeps_numba_warnings_quiet(tmp_path):
    # parallel=True on loops that stayed sequential makes Numba warn while compiling: that is
    # about code pyparc wrote, and the original program printed nothing of the kind.
    pytest.importorskip("numba")
    script = tmp_path / "quiet.py"
    script.write_text(_QUIET_FILE)
    for _ in range(2):  # compiled, then loaded from the cache
        res = _run_with_runtime(tmp_path, [str(script)])
        assert res.stdout.strip() == "[1.0, 2.0, 3.0, 4.0, 5.0]"
        assert "Warning" not in res.stderr, res.stderr[-2000:]


@pytest.mark.parametrize("acc,x,want", [
    (0, np.int64(5), int), (0.0, np.int64(5), int), (True, np.int64(5), int),
    (np.int64(0), np.int64(5), np.int64), (np.int16(0), np.int64(5), np.int16),
    (np.float32(0), np.int64(5), np.float32),
])
def test_int_for_gives_what_the_original_adds(acc, x, want):
    assert type(rt.int_for(acc, x)) is want
    assert type(acc + rt.int_for(acc, x)) is type(acc + 5)


@pytest.mark.parametrize("acc,want", [(0, float), (0.5, float), (np.float64(0), np.float64),
                                      (np.float32(0), np.float32), (np.int16(0), np.float64)])
def test_float_for_gives_what_the_original_adds(acc, want):
    assert type(acc + rt.float_for(acc, np.float64(0.5))) is want
    assert type(acc + 0.5) is want


def test_int_for_wraps_as_the_steps_do():
    t = np.int16(1)
    with np.errstate(over="ignore"):
        stepwise = t
        for i in range(300):
            stepwise = stepwise + i
        assert t + rt.int_for(t, np.int64(sum(range(300)))) == stepwise == np.int16(-20685)


def test_ray_jitted_divides_as_numpy():
    """A Ray kernel compiled by Numba divides elements as NumPy does: an element over zero
    is inf or nan, as in the original loop, not ZeroDivisionError (Numba's default model)."""
    pytest.importorskip("numba")
    from pyparc_rt import _ray

    def chunk(lo, hi, y, z):
        for i in range(lo, hi):
            z[i] = z[i] / y[i] + 1.0

    y = np.array([1.0, 0.0, 2.0, 0.0])
    z = np.array([1.0, 1.0, 1.0, 0.0])
    want = z.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        chunk(0, 4, y, want)
        _ray._jitted(chunk)(0, 4, y, z)
    np.testing.assert_array_equal(z, want)
    assert np.isinf(z[1]) and np.isnan(z[3])


def test_overlap_pays_by_the_model(monkeypatch):
    # On 16 threads: jacobi-1d's 500 steps over 2000 points pay (0.26 ms against 0.38 for the
    # plain loops, measured), 100 over 400 do not (110 us against 15); one thread never does.
    monkeypatch.setattr(rt, "OVERLAP_REGION", 4e4)
    monkeypatch.setattr(rt, "numba_threads", lambda: 16)
    assert rt.overlap_pays(500, 2000, 1, 2, 4)
    assert not rt.overlap_pays(100, 400, 1, 2, 4)
    assert not rt.overlap_pays(0, 2000, 1, 2, 4)
    # Rows of 1300 elements: the model's block is one step, whose region costs more than
    # the band saves only where the rows are few.
    assert not rt.overlap_pays(500, 20, 1300, 2, 4)
    monkeypatch.setattr(rt, "numba_threads", lambda: 1)
    assert not rt.overlap_pays(500, 2000, 1, 2, 4)
