"""Correlation matrix of the columns of a data matrix.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (correlation).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"m": 28, "n": 32},
    "small": {"m": 80, "n": 100},
    "medium": {"m": 240, "n": 260},
    "large": {"m": 1200, "n": 1400},
    "extralarge": {"m": 2600, "n": 3000},
}


def init_array(m, n):
    float_n = float(n)
    data = np.empty((n, m), dtype=np.float64)
    corr = np.zeros((m, m), dtype=np.float64)
    mean = np.zeros(m, dtype=np.float64)
    stddev = np.zeros(m, dtype=np.float64)
    for i in range(n):
        for j in range(m):
            data[i, j] = (i * j) / m + i
    return float_n, data, corr, mean, stddev


def kernel_correlation(m, n, float_n, data, corr, mean, stddev):
    eps = 0.1

    for j in range(m):
        mean[j] = 0.0
        for i in range(n):
            mean[j] += data[i, j]
        mean[j] /= float_n

    for j in range(m):
        stddev[j] = 0.0
        for i in range(n):
            stddev[j] += (data[i, j] - mean[j]) * (data[i, j] - mean[j])
        stddev[j] /= float_n
        stddev[j] = np.sqrt(stddev[j])
        # avoid dividing by a near-zero standard deviation below
        stddev[j] = 1.0 if stddev[j] <= eps else stddev[j]

    # center and reduce the column vectors
    for i in range(n):
        for j in range(m):
            data[i, j] -= mean[j]
            data[i, j] /= np.sqrt(float_n) * stddev[j]

    # the m x m correlation matrix
    for i in range(m - 1):
        corr[i, i] = 1.0
        for j in range(i + 1, m):
            corr[i, j] = 0.0
            for k in range(n):
                corr[i, j] += data[k, i] * data[k, j]
            corr[j, i] = corr[i, j]
    corr[m - 1, m - 1] = 1.0


def main():
    parser = argparse.ArgumentParser(description="correlation benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    float_n, data, corr, mean, stddev = init_array(m, n)
    kernel_correlation(m, n, float_n, data, corr, mean, stddev)
    np.savez(args.output, data=data, corr=corr, mean=mean, stddev=stddev)


if __name__ == "__main__":
    main()
