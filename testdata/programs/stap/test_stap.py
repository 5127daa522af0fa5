"""Physics-level checks of the STAP pipeline at the small size.

The injected target must come out at its range gate and Doppler bin, where a
conventional (non-adaptive) beam cannot see it under the clutter; the
estimated covariances must be Hermitian positive definite and the weights
must solve R w = s; the script must run and save what the pipeline computes.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import stap  # noqa: E402
import stap_kernels as sk  # noqa: E402

P = stap.SIZES["small"]


@pytest.fixture(scope="module")
def scene():
    cube = stap.simulate_datacube(P["n_chan"], P["n_pulse"], P["n_range"], P["n_patches"],
                                  P["target_range"], P["target_bin"] / P["n_pulse"], P["snr_db"])
    window = stap.pulse_window(P["n_pulse"])
    spec = sk.doppler_filter(cube, window)
    S = sk.steering_vectors(P["n_chan"], P["n_pulse"], window, 0.0)
    return cube, window, spec, S


@pytest.fixture(scope="module")
def result():
    return stap.run("small")


def test_datacube_deterministic(scene):
    cube = scene[0]
    assert cube.dtype == np.complex128
    assert cube.shape == (P["n_chan"], P["n_pulse"], P["n_range"])
    again = stap.simulate_datacube(P["n_chan"], P["n_pulse"], P["n_range"], P["n_patches"],
                                   P["target_range"], P["target_bin"] / P["n_pulse"], P["snr_db"])
    np.testing.assert_array_equal(cube, again)
    # clutter dominates: mean power per sample is about CNR + noise
    cnr = 10 ** (stap.CNR_DB / 10)
    assert 0.5 * cnr < np.mean(np.abs(cube) ** 2) < 2 * cnr


def test_doppler_filter_is_windowed_fft(scene):
    cube, window, spec, _ = scene
    want = np.fft.fft(cube * window[None, :, None], axis=1)
    np.testing.assert_allclose(spec, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


@pytest.mark.parametrize("cut", [0, 1, 10, 40, 64, 126, 127])
def test_training_cells(cut):
    n_range, n_guard, n_train = P["n_range"], P["n_guard"], P["n_train"]
    cells = sk.training_cells(cut, n_range, n_guard, n_train)
    assert all(0 <= g < n_range for g in cells)
    assert all(abs(g - cut) > n_guard for g in cells), "guard cells or the CUT used for training"
    assert len(set(cells)) == len(cells)
    assert n_train <= len(cells) <= n_train + n_guard + 1


@pytest.mark.parametrize("k,cut", [(0, 5), (3, P["target_range"]), (7, 90), (15, 127)])
def test_covariance_and_weights(scene, k, cut):
    _, _, spec, S = scene
    X = sk.snapshots(spec, k)
    R = sk.estimate_covariance(X, sk.training_cells(cut, P["n_range"], P["n_guard"], P["n_train"]),
                               stap.LOADING)
    assert R.shape == (3 * P["n_chan"],) * 2
    np.testing.assert_allclose(R, R.conj().T, rtol=0, atol=1e-12 * np.abs(R).max())
    eig = np.linalg.eigvalsh(R)
    assert eig.min() >= stap.LOADING * (1 - 1e-9)  # loading keeps it well away from singular

    L = sk.cholesky(R)
    np.testing.assert_array_equal(L, np.tril(L))
    assert np.all(np.diag(L).real > 0) and np.all(np.diag(L).imag == 0)
    np.testing.assert_allclose(L @ L.conj().T, R, rtol=1e-10, atol=1e-10 * np.abs(R).max())
    np.testing.assert_allclose(L, np.linalg.cholesky(R), rtol=1e-9, atol=1e-9)

    s = S[k]
    w = sk.solve_weights(R, s)
    np.testing.assert_allclose(R @ w, s, rtol=1e-9, atol=1e-9 * np.abs(s).max())
    np.testing.assert_allclose(w, np.linalg.solve(R, s), rtol=1e-8, atol=1e-12)


def test_cholesky_rejects_indefinite():
    with pytest.raises(np.linalg.LinAlgError):
        sk.cholesky(np.diag([1.0, -1.0, 2.0]).astype(np.complex128))


def test_output_power_finite_and_positive(result):
    power, amf, _ = result
    assert power.shape == amf.shape == (P["n_pulse"], P["n_range"])
    for a in (power, amf):
        assert np.all(np.isfinite(a)) and np.all(a > 0)
    # clutter is cancelled: away from the target the AMF statistic is about
    # the noise level (1), not the clutter-to-noise ratio
    assert 0.3 < np.median(amf) < 3.0


def test_target_detected(result):
    _, amf, detections = result
    assert len(detections) >= 1
    r, k, db = detections[0]
    assert (int(r), int(k)) == (P["target_range"], P["target_bin"])
    assert db == pytest.approx(10 * np.log10(amf.max()))
    assert db > stap.THRESHOLD_DB
    assert len(detections) <= 3, "too many false alarms"


def test_conventional_beam_misses_target(scene):
    # Without adaptation the clutter from other directions at the target's
    # Doppler buries the target: it is not the peak of its Doppler bin.
    _, _, spec, S = scene
    k = P["target_bin"]
    s = S[k]
    conventional = np.abs(s.conj() @ sk.snapshots(spec, k)) ** 2 / np.vdot(s, s).real
    assert conventional.argmax() != P["target_range"]
    assert conventional[P["target_range"]] < 3 * np.median(conventional)


def test_script_writes_npz(result, tmp_path):
    out = tmp_path / "stap.npz"
    proc = subprocess.run([sys.executable, os.path.join(HERE, "stap.py"), "--size", "small", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"range gate {P['target_range']:4d}" in proc.stdout
    power, amf, detections = result
    with np.load(out) as saved:
        assert sorted(saved.files) == ["amf", "detections", "power"]
        np.testing.assert_array_equal(saved["power"], power)
        np.testing.assert_array_equal(saved["amf"], amf)
        np.testing.assert_array_equal(saved["detections"], detections)
