"""Alternating direction implicit solver for 2D heat diffusion.

Column sweeps then row sweeps, each a tridiagonal solve per line.
Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (adi).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tsteps": 20, "n": 20},
    "small": {"tsteps": 40, "n": 60},
    "medium": {"tsteps": 100, "n": 200},
    "large": {"tsteps": 500, "n": 1000},
    "extralarge": {"tsteps": 1000, "n": 2000},
}


def init_array(n):
    u = np.empty((n, n), dtype=np.float64)
    v = np.zeros((n, n), dtype=np.float64)
    p = np.zeros((n, n), dtype=np.float64)
    q = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            u[i, j] = (i + n - j) / n
    return u, v, p, q


def kernel_adi(tsteps, n, u, v, p, q):
    DX = 1.0 / n
    DY = 1.0 / n
    DT = 1.0 / tsteps
    B1 = 2.0
    B2 = 1.0
    mul1 = B1 * DT / (DX * DX)
    mul2 = B2 * DT / (DY * DY)

    a = -mul1 / 2.0
    b = 1.0 + mul1
    c = a
    d = -mul2 / 2.0
    e = 1.0 + mul2
    f = d

    for t in range(1, tsteps + 1):
        # column sweep
        for i in range(1, n - 1):
            v[0, i] = 1.0
            p[i, 0] = 0.0
            q[i, 0] = v[0, i]
            for j in range(1, n - 1):
                p[i, j] = -c / (a * p[i, j - 1] + b)
                q[i, j] = (-d * u[j, i - 1] + (1.0 + 2.0 * d) * u[j, i] - f * u[j, i + 1]
                           - a * q[i, j - 1]) / (a * p[i, j - 1] + b)
            v[n - 1, i] = 1.0
            for j in range(n - 2, 0, -1):
                v[j, i] = p[i, j] * v[j + 1, i] + q[i, j]
        # row sweep
        for i in range(1, n - 1):
            u[i, 0] = 1.0
            p[i, 0] = 0.0
            q[i, 0] = u[i, 0]
            for j in range(1, n - 1):
                p[i, j] = -f / (d * p[i, j - 1] + e)
                q[i, j] = (-a * v[i - 1, j] + (1.0 + 2.0 * a) * v[i, j] - c * v[i + 1, j]
                           - d * q[i, j - 1]) / (d * p[i, j - 1] + e)
            u[i, n - 1] = 1.0
            for j in range(n - 2, 0, -1):
                u[i, j] = p[i, j] * u[i, j + 1] + q[i, j]


def main():
    parser = argparse.ArgumentParser(description="adi benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    tsteps, n = SIZES[args.size]["tsteps"], SIZES[args.size]["n"]
    u, v, p, q = init_array(n)
    kernel_adi(tsteps, n, u, v, p, q)
    np.savez(args.output, u=u, v=v, p=p, q=q)


if __name__ == "__main__":
    main()
