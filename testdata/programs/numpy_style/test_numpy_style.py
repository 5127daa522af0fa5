"""Checks the NumPy-style programs against simple independent computations.

Each program runs as a script at the small size and must save what its
functions compute in process; each numerical method is checked against an
exact solution or a straightforward loop version at a tiny size.
"""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def load(modname):
    """Import a program of this directory under a private name."""
    key = "numpy_style_" + modname
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, os.path.join(HERE, modname + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return sys.modules[key]


heat2d = load("heat2d")
nbody = load("nbody")
kmeans = load("kmeans")
sor_poisson = load("sor_poisson")
principal_axes = load("principal_axes")

# program -> arrays its script saves
PROGRAMS = {
    "heat2d": ["heat", "u"],
    "nbody": ["energy", "pos", "vel"],
    "kmeans": ["centroids", "inertia", "labels"],
    "sor_poisson": ["residual", "u"],
    "principal_axes": ["axes", "cov", "mean", "values", "z"],
}


def run_script(name, tmp_path):
    out = tmp_path / (name + ".npz")
    proc = subprocess.run([sys.executable, os.path.join(HERE, name + ".py"), "--size", "small", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    saved = np.load(out)
    assert sorted(saved.files) == PROGRAMS[name]
    for key in saved.files:
        assert np.all(np.isfinite(saved[key])), key
    return saved


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_sizes_table(name):
    assert {"small", "medium", "large"} <= set(load(name).SIZES)


# ------------------------------------------------------------------ heat2d

def test_heat_sine_mode_decays_exactly():
    # sin(pi x) sin(pi y) is an eigenvector of the discrete Laplacian with
    # Dirichlet edges: one FTCS step multiplies it by 1 - 8 r sin^2(pi h / 2).
    n, steps, alpha = 33, 40, 1.0
    h = 1.0 / (n - 1)
    dt = heat2d.stable_time_step(h, alpha)
    x = np.linspace(0.0, 1.0, n)
    u0 = np.outer(np.sin(np.pi * x), np.sin(np.pi * x))
    u0[0, :] = u0[-1, :] = u0[:, 0] = u0[:, -1] = 0.0
    u, heat = heat2d.diffuse(u0.copy(), alpha, dt, h, steps)
    g = 1.0 - 8.0 * alpha * dt / h ** 2 * np.sin(np.pi * h / 2) ** 2
    np.testing.assert_allclose(u, g ** steps * u0, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(heat, g ** np.arange(steps + 1) * heat[0], rtol=1e-10)


def test_heat_script(tmp_path):
    saved = run_script("heat2d", tmp_path)
    n, steps = heat2d.SIZES["small"]["n"], heat2d.SIZES["small"]["steps"]
    h = 1.0 / (n - 1)
    u, heat = heat2d.diffuse(heat2d.initial_temperature(n), 1.0, heat2d.stable_time_step(h, 1.0), h, steps)
    np.testing.assert_array_equal(saved["u"], u)
    np.testing.assert_array_equal(saved["heat"], heat)
    # maximum principle, cold edges, heat leaks out through them
    assert 0.0 <= u.min() and u.max() <= 100.0
    assert np.all(u[0, :] == 0) and np.all(u[:, -1] == 0)
    assert np.all(np.diff(heat) <= 1e-12)


# ------------------------------------------------------------------- nbody

def test_nbody_accelerations_match_pairwise_loop():
    pos, _, mass = nbody.initial_conditions(20, seed=3)
    eps = nbody.SOFTENING
    want = np.zeros_like(pos)
    for i in range(len(mass)):
        for j in range(len(mass)):
            if i != j:
                d = pos[j] - pos[i]
                want[i] += mass[j] * d / (d @ d + eps * eps) ** 1.5
    np.testing.assert_allclose(nbody.accelerations(pos, mass, eps), want, rtol=1e-12, atol=1e-14)


def test_nbody_conserves_momentum_and_energy():
    pos, vel, mass = nbody.initial_conditions(64, seed=5)
    p0 = (mass[:, None] * vel).sum(axis=0)
    pos, vel, energies = nbody.simulate(pos, vel, mass, nbody.DT, 40, nbody.SOFTENING)
    p1 = (mass[:, None] * vel).sum(axis=0)
    np.testing.assert_allclose(p1, p0, atol=1e-14)
    assert abs(energies[-1] - energies[0]) < 1e-3 * abs(energies[0])
    assert energies[0] < 0  # bound system


def test_nbody_script(tmp_path):
    saved = run_script("nbody", tmp_path)
    sz = nbody.SIZES["small"]
    pos, vel, mass = nbody.initial_conditions(sz["n"])
    pos, vel, energies = nbody.simulate(pos, vel, mass, nbody.DT, sz["steps"], nbody.SOFTENING)
    np.testing.assert_array_equal(saved["pos"], pos)
    np.testing.assert_array_equal(saved["energy"], energies)
    assert saved["pos"].shape == (sz["n"], 3)


# ------------------------------------------------------------------ kmeans

def test_kmeans_step_matches_loops():
    X, _, _ = kmeans.make_blobs(60, 3, 2, seed=4)
    centroids = X[:3].copy()
    labels, inertia = kmeans.assign(X, centroids)
    want_labels = []
    want_inertia = 0.0
    for x in X:
        d = [sum((x[a] - c[a]) ** 2 for a in range(2)) for c in centroids]
        want_labels.append(int(np.argmin(d)))
        want_inertia += min(d)
    np.testing.assert_array_equal(labels, want_labels)
    assert inertia == pytest.approx(want_inertia, rel=1e-12)
    new = kmeans.update(X, labels, centroids)
    for j in range(3):
        members = [x for x, lab in zip(X, want_labels) if lab == j]
        np.testing.assert_allclose(new[j], np.mean(members, axis=0), rtol=1e-12)


def test_kmeans_recovers_blobs(tmp_path):
    saved = run_script("kmeans", tmp_path)
    sz = kmeans.SIZES["small"]
    X, centers, truth = kmeans.make_blobs(sz["n"], sz["k"], sz["dim"])
    centroids, labels, history = kmeans.kmeans(X, sz["k"])
    np.testing.assert_array_equal(saved["centroids"], centroids)
    np.testing.assert_array_equal(saved["labels"], labels)
    assert np.all(np.diff(history) <= 1e-9 * history[0]), "Lloyd's iterations never increase inertia"
    # every true centre has a centroid near it, one to one
    dist = np.sqrt(((centroids[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    match = dist.argmin(axis=1)
    assert sorted(match) == list(range(sz["k"]))
    assert dist.min(axis=1).max() < 1.0
    # and the clustering agrees with the truth up to relabelling
    assert np.mean(match[labels] == truth) > 0.9


# ------------------------------------------------------------- sor_poisson

def test_sor_matches_direct_solve():
    n = 12
    f, _, h = sor_poisson.problem(n)
    m = n - 2  # interior unknowns per side
    T = 2.0 * np.eye(m) - np.eye(m, k=1) - np.eye(m, k=-1)
    A = (np.kron(T, np.eye(m)) + np.kron(np.eye(m), T)) / h ** 2
    want = np.linalg.solve(A, f[1:-1, 1:-1].ravel()).reshape(m, m)
    u = np.zeros((n, n))
    iterations, norms = sor_poisson.sor(u, f, h, 2.0 / (1.0 + np.sin(np.pi * h)), tol=1e-13)
    np.testing.assert_allclose(u[1:-1, 1:-1], want, rtol=1e-10)
    assert np.all(u[0, :] == 0) and np.all(u[:, 0] == 0)
    assert iterations < 200  # over-relaxation converges much faster than Gauss-Seidel


def test_sor_script(tmp_path):
    saved = run_script("sor_poisson", tmp_path)
    n = sor_poisson.SIZES["small"]["n"]
    f, exact, h = sor_poisson.problem(n)
    u = saved["u"]
    assert saved["residual"][-1] <= 1e-8 * saved["residual"][0]
    # second-order discretization error against the continuous solution
    # (pi^2 h^2 / 12 to leading order for this f)
    assert np.abs(u - exact).max() < h * h


# ---------------------------------------------------------- principal_axes

def test_covariance_matches_numpy_cov():
    data = principal_axes.make_data(300, 7, 2, seed=2)
    mean, cov = principal_axes.covariance(data)
    np.testing.assert_allclose(mean, data.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(cov, np.cov(data, rowvar=False), rtol=1e-10, atol=1e-12)


def test_deflate_removes_the_rank_one_part():
    rng = np.random.default_rng(6)
    cov = rng.standard_normal((5, 5))
    axis = rng.standard_normal(5)
    want = np.array([[cov[i, j] - 0.7 * axis[i] * axis[j] for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(principal_axes.deflate(cov, axis, 0.7), want, rtol=1e-14)


def test_principal_axes_match_eigh():
    data = principal_axes.make_data(500, 9, 3, seed=8)
    _, cov = principal_axes.covariance(data)
    values, axes = principal_axes.principal_axes(cov, 3)
    w, V = np.linalg.eigh(cov)
    np.testing.assert_allclose(values, w[::-1][:3], rtol=1e-9)
    for c in range(3):
        # eigenvectors are defined up to their sign
        np.testing.assert_allclose(abs(axes[c] @ V[:, -1 - c]), 1.0, rtol=1e-9)


def test_standardize_gives_zero_mean_unit_variance():
    rng = np.random.default_rng(9)
    scores = rng.standard_normal((400, 3)) * [5.0, 2.0, 0.5] + [1.0, -2.0, 3.0]
    z = principal_axes.standardize(scores)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1.0, rtol=1e-12)


def test_principal_axes_script(tmp_path):
    saved = run_script("principal_axes", tmp_path)
    sz = principal_axes.SIZES["small"]
    data = principal_axes.make_data(sz["n"], sz["d"], sz["k"])
    mean, cov = principal_axes.covariance(data)
    values, axes = principal_axes.principal_axes(cov, sz["k"])
    np.testing.assert_array_equal(saved["cov"], cov)
    np.testing.assert_array_equal(saved["values"], values)
    assert np.all(np.diff(values) < 0), "eigenvalues come largest first"
    np.testing.assert_allclose(axes @ axes.T, np.eye(sz["k"]), atol=1e-9)
    # the k hidden factors carry nearly all the variance
    assert values.sum() > 0.99 * np.trace(cov)
