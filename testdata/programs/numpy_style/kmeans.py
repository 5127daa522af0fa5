"""k-means clustering (Lloyd's algorithm) of synthetic Gaussian blobs.

Squared distances of every point to every centroid by broadcasting, labels
by argmin, then each centroid moves to the mean of its points. Centroids
start at k-means++ seeds; iteration stops when no label changes.

    python kmeans.py --size small out.npz
"""
import argparse

import numpy as np

SIZES = {
    "small": {"n": 2000, "k": 5, "dim": 4},
    "medium": {"n": 50000, "k": 8, "dim": 8},
    "large": {"n": 500000, "k": 16, "dim": 8},
}


def make_blobs(n, k, dim, seed=0, spread=3.0):
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10.0, 10.0, size=(k, dim))
    truth = rng.integers(0, k, size=n)
    X = centers[truth] + spread * rng.standard_normal((n, dim))
    return X, centers, truth


def kmeans_pp_init(X, k, rng):
    n = X.shape[0]
    centroids = np.empty((k, X.shape[1]))
    centroids[0] = X[rng.integers(n)]
    d2 = np.sum((X - centroids[0]) ** 2, axis=1)
    for j in range(1, k):
        centroids[j] = X[rng.choice(n, p=d2 / d2.sum())]
        d2 = np.minimum(d2, np.sum((X - centroids[j]) ** 2, axis=1))
    return centroids


def assign(X, centroids):
    d2 = np.sum((X[:, None, :] - centroids[None, :, :]) ** 2, axis=2)
    labels = np.argmin(d2, axis=1)
    inertia = d2[np.arange(X.shape[0]), labels].sum()
    return labels, inertia


def update(X, labels, centroids):
    k = centroids.shape[0]
    new = centroids.copy()
    for j in range(k):
        members = X[labels == j]
        if len(members) > 0:  # an empty cluster keeps its centroid
            new[j] = members.mean(axis=0)
    return new


def kmeans(X, k, max_iter=100, seed=1):
    rng = np.random.default_rng(seed)
    centroids = kmeans_pp_init(X, k, rng)
    labels, inertia = assign(X, centroids)
    history = [inertia]
    for it in range(max_iter):
        centroids = update(X, labels, centroids)
        new_labels, inertia = assign(X, centroids)
        history.append(inertia)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centroids, labels, np.array(history)


def main():
    parser = argparse.ArgumentParser(description="k-means clustering")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    X, _, _ = make_blobs(sz["n"], sz["k"], sz["dim"])
    centroids, labels, history = kmeans(X, sz["k"])
    print(f"{sz['n']} points, k={sz['k']}: {len(history) - 1} iterations, "
          f"inertia {history[0]:.1f} -> {history[-1]:.1f}")
    np.savez(args.output, centroids=centroids, labels=labels, inertia=history)


if __name__ == "__main__":
    main()
