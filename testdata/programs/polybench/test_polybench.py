"""Checks the plain-loop PolyBench programs against the NumPy references.

For every kernel at the MINI dataset size: build the inputs with the
program's init_array, run the loop kernel and the reference on separate
copies, and compare every array the kernel writes. Then run each program as
a script and check the arrays it saves.
"""
import importlib.util
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def load(modname):
    """Import a module of this directory by path, under a private name.

    Other corpora may hold modules named reference or lu too.
    """
    key = "polybench_" + modname
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, os.path.join(HERE, modname + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return sys.modules[key]


reference = load("reference")

# kernel -> (module, size keys passed to init_array, size keys leading the
#            kernel's parameter list, arrays the kernel writes)
KERNELS = {
    "2mm": ("k2mm", ["ni", "nj", "nk", "nl"], ["ni", "nj", "nk", "nl"], ["tmp", "D"]),
    "3mm": ("k3mm", ["ni", "nj", "nk", "nl", "nm"], ["ni", "nj", "nk", "nl", "nm"], ["E", "F", "G"]),
    "adi": ("adi", ["n"], ["tsteps", "n"], ["u", "v", "p", "q"]),
    "atax": ("atax", ["m", "n"], ["m", "n"], ["y", "tmp"]),
    "bicg": ("bicg", ["m", "n"], ["m", "n"], ["s", "q"]),
    "cholesky": ("cholesky", ["n"], ["n"], ["A"]),
    "correlation": ("correlation", ["m", "n"], ["m", "n"], ["data", "corr", "mean", "stddev"]),
    "covariance": ("covariance", ["m", "n"], ["m", "n"], ["data", "cov", "mean"]),
    "deriche": ("deriche", ["w", "h"], ["w", "h"], ["imgOut", "y1", "y2"]),
    "doitgen": ("doitgen", ["nr", "nq", "n_p"], ["nr", "nq", "n_p"], ["A", "sum_"]),
    "durbin": ("durbin", ["n"], ["n"], ["y"]),
    "fdtd-2d": ("fdtd_2d", ["tmax", "nx", "ny"], ["tmax", "nx", "ny"], ["ex", "ey", "hz"]),
    "floyd-warshall": ("floyd_warshall", ["n"], ["n"], ["path"]),
    "gemm": ("gemm", ["ni", "nj", "nk"], [], ["C"]),
    "gemver": ("gemver", ["n"], ["n"], ["A", "w", "x"]),
    "gesummv": ("gesummv", ["n"], ["n"], ["tmp", "y"]),
    "gramschmidt": ("gramschmidt", ["m", "n"], ["m", "n"], ["A", "R", "Q"]),
    "heat-3d": ("heat_3d", ["n"], ["tsteps", "n"], ["A", "B"]),
    "jacobi-1d": ("jacobi_1d", ["n"], ["tsteps", "n"], ["A", "B"]),
    "jacobi-2d": ("jacobi_2d", ["n"], ["tsteps", "n"], ["A", "B"]),
    "lu": ("lu", ["n"], ["n"], ["A"]),
    "ludcmp": ("ludcmp", ["n"], ["n"], ["A", "x", "y"]),
    "mvt": ("mvt", ["n"], ["n"], ["x1", "x2"]),
    "nussinov": ("nussinov", ["n"], ["n"], ["table"]),
    "seidel-2d": ("seidel_2d", ["n"], ["tsteps", "n"], ["A"]),
    "symm": ("symm", ["m", "n"], ["m", "n"], ["C"]),
    "syr2k": ("syr2k", ["n", "m"], ["n", "m"], ["C"]),
    "syrk": ("syrk", ["n", "m"], ["n", "m"], ["C"]),
    "trisolv": ("trisolv", ["n"], ["n"], ["x"]),
    "trmm": ("trmm", ["m", "n"], ["m", "n"], ["B"]),
}

NAMES = sorted(KERNELS)


def kernel_name(name):
    return "kernel_" + name.replace("-", "_")


def build_args(name, size="mini"):
    """Return the module, the kernel's parameter names and its arguments."""
    modname, init_keys, size_keys, _ = KERNELS[name]
    mod = load(modname)
    sz = mod.SIZES[size]
    data = mod.init_array(*[sz[k] for k in init_keys])
    if not isinstance(data, tuple):
        data = (data,)
    args = [sz[k] for k in size_keys] + list(data)
    params = list(inspect.signature(getattr(mod, kernel_name(name))).parameters)
    assert len(params) == len(args), (params, len(args))
    return mod, params, args


def copied(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def assert_same(name, out, got, want):
    assert got.shape == want.shape and got.dtype == want.dtype, (name, out)
    if np.issubdtype(got.dtype, np.integer):
        np.testing.assert_array_equal(got, want, err_msg=f"{name}: {out}")
    else:
        assert np.all(np.isfinite(got)), f"{name}: {out} has non-finite values"
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"{name}: {out}")


def test_every_kernel_listed():
    assert len(KERNELS) == 30
    assert set(reference.REFERENCE) == set(KERNELS)


def test_sizes_table():
    for name in NAMES:
        mod = load(KERNELS[name][0])
        assert {"mini", "small", "medium", "large"} <= set(mod.SIZES), name
        keys = set(mod.SIZES["mini"])
        assert all(set(v) == keys for v in mod.SIZES.values()), name


def gramschmidt_determined(A, R, Q):
    """The parts of gramschmidt's outputs fixed by exact arithmetic.

    PolyBench's gramschmidt data is rank deficient (rank 15 of the 20 x 30
    MINI matrix), so from the first column k0 that lies in the span of the
    earlier ones, R[k0, k0] is rounding noise (~1e-14) and Q[:, k0] is that
    noise normalized: everything computed from it depends on summation
    order. Keep the columns before k0 (and A's column k0, a residual of
    size ~1e-14).
    """
    d = np.nan_to_num(np.abs(np.diag(R)), nan=0.0)
    small = d < 1e-9 * d.max()
    k0 = int(np.argmax(small)) if small.any() else len(d)
    return {"A": A[:, :k0 + 1], "R": R[:k0, :], "Q": Q[:, :k0]}, k0


@pytest.mark.parametrize("name", NAMES)
def test_loops_match_reference(name):
    mod, params, args = build_args(name)
    loop_args = copied(args)
    ref_args = copied(args)

    with np.errstate(divide="ignore", invalid="ignore"):
        assert getattr(mod, kernel_name(name))(*loop_args) is None
        reference.REFERENCE[name](*ref_args)

    outputs = KERNELS[name][3]
    got = {out: loop_args[params.index(out)] for out in outputs}
    want = {out: ref_args[params.index(out)] for out in outputs}
    if name == "gramschmidt":
        got, k0 = gramschmidt_determined(got["A"], got["R"], got["Q"])
        want, _ = gramschmidt_determined(want["A"], want["R"], want["Q"])
        assert k0 >= 10
    for out in outputs:
        assert_same(name, out, got[out], want[out])
    # arrays the kernel only reads stay as they were
    for k, p in enumerate(params):
        if p not in outputs and isinstance(args[k], np.ndarray):
            np.testing.assert_array_equal(loop_args[k], args[k], err_msg=f"{name}: {p}")
            np.testing.assert_array_equal(ref_args[k], args[k], err_msg=f"{name}: {p} (reference)")


def test_gramschmidt_full_rank():
    # The complete outputs agree when the input has full column rank.
    gramschmidt = load("gramschmidt")
    m, n = 30, 20
    A = np.random.default_rng(7).random((m, n)) + 0.5
    loop = [A.copy(), np.zeros((n, n)), np.zeros((m, n))]
    ref = [A.copy(), np.zeros((n, n)), np.zeros((m, n))]
    gramschmidt.kernel_gramschmidt(m, n, *loop)
    reference.kernel_gramschmidt(m, n, *ref)
    for out, got, want in zip("ARQ", loop, ref):
        assert_same("gramschmidt", out, got, want)
    np.testing.assert_allclose(loop[2] @ loop[1], A, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_script_writes_outputs(name, tmp_path):
    modname = KERNELS[name][0]
    out = tmp_path / "out.npz"
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, modname + ".py"), "--size", "mini", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr

    # the script must save exactly what the loop kernel computes in process
    mod, params, args = build_args(name)
    with np.errstate(divide="ignore", invalid="ignore"):
        getattr(mod, kernel_name(name))(*args)
    with np.load(out) as saved:
        assert sorted(saved.files) == sorted(KERNELS[name][3])
        for key in saved.files:
            want = args[params.index(key)]
            assert saved[key].dtype == want.dtype and saved[key].shape == want.shape, key
            np.testing.assert_array_equal(saved[key], want, err_msg=f"{name}: {key}")
