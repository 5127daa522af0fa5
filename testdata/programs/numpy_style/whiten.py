"""Spectral whitening of multichannel complex signals.

Each channel's samples are Fourier transformed along time with a plain DFT;
the cross-spectral covariance of the channels is estimated over the frequency
bins, diagonally loaded, and factored by a complex Cholesky decomposition;
then every bin's channel vector is whitened by a triangular solve, L y = x,
and a reference direction is solved through L^H for adaptive weights.

    python whiten.py --size small out.npz
"""
import argparse

import numpy as np

SIZES = {
    "small": {"channels": 6, "samples": 48, "blocks": 20},
    "medium": {"channels": 10, "samples": 96, "blocks": 40},
    "large": {"channels": 16, "samples": 256, "blocks": 120},
}


def make_signals(channels, samples, blocks, seed=5):
    """Correlated complex noise plus one narrowband tone, (channels, samples, blocks)."""
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((channels, channels)) + 1j * rng.standard_normal((channels, channels))
    noise = rng.standard_normal((channels, samples, blocks)) + 1j * rng.standard_normal((channels, samples, blocks))
    x = np.einsum("ab,btk->atk", mix, noise)
    t = np.arange(samples)
    x += 3.0 * np.exp(2j * np.pi * 0.2 * t)[None, :, None]
    return x


def dft_time(x, taper):
    """Tapered DFT along axis 1 of a (channels, samples, blocks) array."""
    n_ch, n_t, n_b = x.shape
    spec = np.zeros((n_ch, n_t, n_b), dtype=np.complex128)
    for f in range(n_t):
        for t in range(n_t):
            w = taper[t] * np.exp(-2j * np.pi * f * t / n_t)
            for c in range(n_ch):
                spec[c, f, :] += w * x[c, t, :]
    return spec


def cross_covariance(spec, loading):
    """Channel covariance over every (frequency, block) cell, diagonally loaded."""
    n_ch, n_f, n_b = spec.shape
    R = np.zeros((n_ch, n_ch), dtype=np.complex128)
    for f in range(n_f):
        for b in range(n_b):
            R += np.outer(spec[:, f, b], spec[:, f, b].conj())
    R /= n_f * n_b
    for i in range(n_ch):
        R[i, i] += loading
    return R


def cholesky(R):
    """Lower-triangular L with R = L L^H; refuses a matrix that is not positive definite."""
    n = R.shape[0]
    L = np.zeros((n, n), dtype=np.complex128)
    for j in range(n):
        d = R[j, j].real - np.sum(np.abs(L[j, :j]) ** 2)
        if d <= 0.0:
            raise np.linalg.LinAlgError("not positive definite")
        L[j, j] = np.sqrt(d)
        L[j + 1:, j] = (R[j + 1:, j] - L[j + 1:, :j] @ L[j, :j].conj()) / L[j, j]
    return L


def whiten(L, spec):
    """Solve L y = x for every (frequency, block) channel vector x, in place."""
    n_ch, n_f, n_b = spec.shape
    for i in range(n_ch):
        for k in range(i):
            spec[i, :, :] -= L[i, k] * spec[k, :, :]
        spec[i, :, :] /= L[i, i]


def weights(L, s):
    """w = R^-1 s through L y = s, then L^H w = y."""
    n = s.shape[0]
    y = np.zeros(n, dtype=np.complex128)
    for i in range(n):
        y[i] = (s[i] - L[i, :i] @ y[:i]) / L[i, i]
    w = np.zeros(n, dtype=np.complex128)
    for i in range(n - 1, -1, -1):
        w[i] = (y[i] - L[i + 1:, i].conj() @ w[i + 1:]) / L[i, i].conj()
    return w


def main():
    parser = argparse.ArgumentParser(description="spectral whitening")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    x = make_signals(sz["channels"], sz["samples"], sz["blocks"])
    taper = np.hanning(sz["samples"])
    spec = dft_time(x, taper)
    R = cross_covariance(spec, 0.5)
    L = cholesky(R)
    white = spec.copy()
    whiten(L, white)
    w = weights(L, np.ones(sz["channels"], dtype=np.complex128))
    power = np.abs(white) ** 2
    np.savez(args.output, spec=spec, R=R, L=L, white=white, w=w, power=power.mean(axis=(0, 2)))
    print(f"channels {sz['channels']}: strongest bin {int(np.argmax(power.mean(axis=(0, 2))))}")


if __name__ == "__main__":
    main()
