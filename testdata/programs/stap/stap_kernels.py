"""Signal processing for the STAP pipeline in stap.py.

Adjacent-bin post-Doppler STAP: the pulses of every channel are windowed
and Fourier transformed into Doppler bins; for each Doppler bin k the
adaptive filter works on the channels of bins k-1, k and k+1 together
(3 x channels degrees of freedom). For every range gate (the cell under
test) the clutter-plus-noise covariance is estimated from training gates on
both sides of it, leaving out guard gates next to it so that a target does
not cancel itself; the weights solve R w = s by a Cholesky factorization
of R and two triangular solves; the adaptive matched filter (AMF) statistic

    |s^H R^-1 x|^2 / (s^H R^-1 s)

is about 1 in noise and clutter and large where a target matches s.
"""
import numpy as np


def doppler_filter(cube, window):
    """Windowed DFT along the pulse axis of a (channels, pulses, gates) cube."""
    n_chan, n_pulse, n_range = cube.shape
    spec = np.zeros((n_chan, n_pulse, n_range), dtype=np.complex128)
    for k in range(n_pulse):
        for m in range(n_pulse):
            twiddle = window[m] * np.exp(-2j * np.pi * k * m / n_pulse)
            for c in range(n_chan):
                spec[c, k, :] += twiddle * cube[c, m, :]
    return spec


def adjacent_bins(k, n_dop):
    """The three Doppler bins centred on k (wrapping around)."""
    return [(k - 1) % n_dop, k, (k + 1) % n_dop]


def snapshots(spec, k):
    """Space-time snapshots of Doppler bin k, one column per range gate.

    Rows are ordered bin-major: the channels of bin k-1, then of k, then k+1.
    """
    n_chan, n_dop, n_range = spec.shape
    bins = adjacent_bins(k, n_dop)
    X = np.empty((3 * n_chan, n_range), dtype=np.complex128)
    for j, b in enumerate(bins):
        X[j * n_chan:(j + 1) * n_chan, :] = spec[:, b, :]
    return X


def training_cells(cut, n_range, n_guard, n_train):
    """Range gates used to estimate the covariance at the cell under test.

    n_train/2 gates on each side beyond n_guard guard gates; near the edges
    of the swath the window slides inwards so that about n_train gates stay
    in use.
    """
    half = n_train // 2
    lo = cut - n_guard - half
    hi = cut + n_guard + half
    if lo < 0:
        hi -= lo
        lo = 0
    if hi > n_range - 1:
        lo -= hi - (n_range - 1)
        hi = n_range - 1
    lo = max(lo, 0)
    return [g for g in range(lo, hi + 1) if abs(g - cut) > n_guard]


def estimate_covariance(X, cells, loading):
    """Sample covariance of the snapshots X[:, cells], diagonally loaded."""
    n = X.shape[0]
    R = np.zeros((n, n), dtype=np.complex128)
    for g in cells:
        x = X[:, g]
        R += np.outer(x, x.conj())
    R /= len(cells)
    for i in range(n):
        R[i, i] += loading
    return R


def cholesky(R):
    """Lower-triangular L with R = L L^H for a Hermitian positive definite R."""
    n = R.shape[0]
    L = np.zeros((n, n), dtype=np.complex128)
    for j in range(n):
        d = R[j, j].real - np.sum(np.abs(L[j, :j]) ** 2)
        if d <= 0.0:
            raise np.linalg.LinAlgError("covariance matrix is not positive definite")
        L[j, j] = np.sqrt(d)
        L[j + 1:, j] = (R[j + 1:, j] - L[j + 1:, :j] @ L[j, :j].conj()) / L[j, j]
    return L


def forward_substitution(L, b):
    """Solve L y = b for lower-triangular L."""
    n = b.shape[0]
    y = np.zeros(n, dtype=np.complex128)
    for i in range(n):
        y[i] = (b[i] - L[i, :i] @ y[:i]) / L[i, i]
    return y


def back_substitution_h(L, y):
    """Solve L^H x = y for lower-triangular L (so L^H is upper triangular)."""
    n = y.shape[0]
    x = np.zeros(n, dtype=np.complex128)
    for i in range(n - 1, -1, -1):
        x[i] = (y[i] - L[i + 1:, i].conj() @ x[i + 1:]) / L[i, i].conj()
    return x


def solve_weights(R, s):
    """Adaptive weights w = R^-1 s."""
    L = cholesky(R)
    return back_substitution_h(L, forward_substitution(L, s))


def steering_vectors(n_chan, n_pulse, window, spatial_freq):
    """Post-Doppler steering vector of every Doppler bin, as rows.

    The space-time response of a target at the look direction and at the
    centre frequency of bin k, passed through the same Doppler filter as the
    data and arranged like snapshots(spec, k).
    """
    chan = np.arange(n_chan)
    pulse = np.arange(n_pulse)
    a = np.exp(2j * np.pi * spatial_freq * chan)
    S = np.empty((n_pulse, 3 * n_chan), dtype=np.complex128)
    for k in range(n_pulse):
        b = np.exp(2j * np.pi * k * pulse / n_pulse)
        response = doppler_filter((a[:, None] * b[None, :])[:, :, None], window)
        S[k] = snapshots(response, k)[:, 0]
    return S


def stap_filter(spec, S, n_guard, n_train, loading):
    """Adaptive output power and AMF statistic per Doppler bin and range gate.

    The weights are normalized to unit gain on the steering vector
    (minimum-variance distortionless response), so power is the estimated
    target power in each cell.
    """
    n_chan, n_dop, n_range = spec.shape
    power = np.zeros((n_dop, n_range))
    amf = np.zeros((n_dop, n_range))
    for k in range(n_dop):
        X = snapshots(spec, k)
        s = S[k]
        for cut in range(n_range):
            cells = training_cells(cut, n_range, n_guard, n_train)
            R = estimate_covariance(X, cells, loading)
            w = solve_weights(R, s)
            gain = np.vdot(s, w).real  # s^H R^-1 s
            y = np.vdot(w, X[:, cut]) / gain
            power[k, cut] = abs(y) ** 2
            amf[k, cut] = abs(y) ** 2 * gain
    return power, amf


def detect(amf, threshold):
    """Cells over threshold that are local maxima of their 3 x 3 neighbourhood.

    Returns rows (range gate, Doppler bin, AMF in dB), strongest first.
    Doppler wraps around; range does not.
    """
    n_dop, n_range = amf.shape
    found = []
    for k in range(n_dop):
        for r in range(n_range):
            v = amf[k, r]
            if v < threshold:
                continue
            peak = True
            for dk in (-1, 0, 1):
                for dr in (-1, 0, 1):
                    rr = r + dr
                    if (dk or dr) and 0 <= rr < n_range and amf[(k + dk) % n_dop, rr] > v:
                        peak = False
            if peak:
                found.append((r, k, 10 * np.log10(v)))
    found.sort(key=lambda d: -d[2])
    return np.array(found, dtype=np.float64).reshape(-1, 3)
