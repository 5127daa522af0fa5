"""Principal component analysis of a synthetic data set.

Rows of the data matrix are samples drawn from a few hidden factors mixed
into more observed features, plus noise. The program centres the columns,
forms the sample covariance matrix, finds its leading eigenpairs by power
iteration with deflation, and projects the samples onto those axes.

    python principal_axes.py --size small out.npz
"""
import argparse

import numpy as np

SIZES = {
    "small": {"n": 2000, "d": 12, "k": 3},
    "medium": {"n": 20000, "d": 32, "k": 4},
    "large": {"n": 200000, "d": 64, "k": 5},
}

POWER_STEPS = 300


def make_data(n, d, k, seed=11):
    """n samples of d features driven by k factors of decreasing strength."""
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((n, k)) * np.linspace(3.0, 1.5, k)
    mixing = rng.standard_normal((k, d))
    offset = rng.uniform(-5.0, 5.0, d)
    return factors @ mixing + 0.1 * rng.standard_normal((n, d)) + offset


def covariance(data):
    """Column means and the sample covariance matrix of the rows of data."""
    n = data.shape[0]
    mean = data.sum(axis=0) / n
    centered = data - mean
    cov = np.transpose(centered) @ centered / (n - 1)
    return mean, cov


def deflate(cov, axis, value):
    """cov without the rank-one part of the eigenpair (value, axis)."""
    rest = cov - value * np.outer(axis, axis)
    return rest


def principal_axes(cov, k):
    """The k leading eigenpairs of a symmetric matrix, largest first."""
    d = cov.shape[0]
    values = np.zeros(k)
    axes = np.zeros((k, d))
    rest = cov.copy()
    for c in range(k):
        v = np.ones(d) / np.sqrt(d)
        for _ in range(POWER_STEPS):
            w = rest @ v
            v = w / np.linalg.norm(w)
        values[c] = v @ rest @ v
        axes[c] = v
        rest = deflate(rest, v, values[c])
    return values, axes


def project(data, mean, axes):
    """Coordinates of the centred samples along the principal axes."""
    scores = (data - mean) @ axes.transpose()
    return scores


def standardize(scores):
    """Scores shifted to zero mean and scaled to unit variance per component."""
    mean = scores.mean(axis=0)
    spread = np.sqrt(((scores - mean) ** 2).mean(axis=0))
    z = (scores - mean) / spread
    return z


def main():
    parser = argparse.ArgumentParser(description="principal component analysis")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    data = make_data(sz["n"], sz["d"], sz["k"])
    mean, cov = covariance(data)
    values, axes = principal_axes(cov, sz["k"])
    scores = project(data, mean, axes)
    z = standardize(scores)
    explained = values.sum() / np.trace(cov)
    print(f"{sz['n']} samples of {sz['d']} features: {sz['k']} axes explain "
          f"{100 * explained:.2f}% of the variance; eigenvalues {np.round(values, 3)}")
    np.savez(args.output, axes=axes, cov=cov, mean=mean, values=values, z=z)


if __name__ == "__main__":
    main()
