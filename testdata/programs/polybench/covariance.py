"""Covariance matrix of the columns of a data matrix.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (covariance).
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
    cov = np.zeros((m, m), dtype=np.float64)
    mean = np.zeros(m, dtype=np.float64)
    for i in range(n):
        for j in range(m):
            data[i, j] = (i * j) / m
    return float_n, data, cov, mean


def kernel_covariance(m, n, float_n, data, cov, mean):
    for j in range(m):
        mean[j] = 0.0
        for i in range(n):
            mean[j] += data[i, j]
        mean[j] /= float_n

    for i in range(n):
        for j in range(m):
            data[i, j] -= mean[j]

    for i in range(m):
        for j in range(i, m):
            cov[i, j] = 0.0
            for k in range(n):
                cov[i, j] += data[k, i] * data[k, j]
            cov[i, j] /= float_n - 1.0
            cov[j, i] = cov[i, j]


def main():
    parser = argparse.ArgumentParser(description="covariance benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    m, n = SIZES[args.size]["m"], SIZES[args.size]["n"]
    float_n, data, cov, mean = init_array(m, n)
    kernel_covariance(m, n, float_n, data, cov, mean)
    np.savez(args.output, data=data, cov=cov, mean=mean)


if __name__ == "__main__":
    main()
