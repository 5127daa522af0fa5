"""2-D finite-difference time-domain kernel (Yee scheme, TE mode).

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (fdtd-2d).
The source term array _fict_ is called fict here.
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"tmax": 20, "nx": 20, "ny": 30},
    "small": {"tmax": 40, "nx": 60, "ny": 80},
    "medium": {"tmax": 100, "nx": 200, "ny": 240},
    "large": {"tmax": 500, "nx": 1000, "ny": 1200},
    "extralarge": {"tmax": 1000, "nx": 2000, "ny": 2600},
}


def init_array(tmax, nx, ny):
    ex = np.empty((nx, ny), dtype=np.float64)
    ey = np.empty((nx, ny), dtype=np.float64)
    hz = np.empty((nx, ny), dtype=np.float64)
    fict = np.empty(tmax, dtype=np.float64)
    for i in range(tmax):
        fict[i] = i
    for i in range(nx):
        for j in range(ny):
            ex[i, j] = (i * (j + 1)) / nx
            ey[i, j] = (i * (j + 2)) / ny
            hz[i, j] = (i * (j + 3)) / nx
    return ex, ey, hz, fict


def kernel_fdtd_2d(tmax, nx, ny, ex, ey, hz, fict):
    for t in range(tmax):
        for j in range(ny):
            ey[0, j] = fict[t]
        for i in range(1, nx):
            for j in range(ny):
                ey[i, j] = ey[i, j] - 0.5 * (hz[i, j] - hz[i - 1, j])
        for i in range(nx):
            for j in range(1, ny):
                ex[i, j] = ex[i, j] - 0.5 * (hz[i, j] - hz[i, j - 1])
        for i in range(nx - 1):
            for j in range(ny - 1):
                hz[i, j] = hz[i, j] - 0.7 * (ex[i, j + 1] - ex[i, j] + ey[i + 1, j] - ey[i, j])


def main():
    parser = argparse.ArgumentParser(description="fdtd-2d benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    sz = SIZES[args.size]
    tmax, nx, ny = sz["tmax"], sz["nx"], sz["ny"]
    ex, ey, hz, fict = init_array(tmax, nx, ny)
    kernel_fdtd_2d(tmax, nx, ny, ex, ey, hz, fict)
    np.savez(args.output, ex=ex, ey=ey, hz=hz)


if __name__ == "__main__":
    main()
