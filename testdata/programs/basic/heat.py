"""Explicit heat equation on a square plate, NumPy style, with a sibling helper module."""
import argparse

import numpy as np

from grid import laplacian, make_grid


def step(u, dt, h, kappa):
    return u + dt * kappa * laplacian(u, h)


def energy(u):
    return float(np.sum(u * u))


def simulate(n, steps, dtype):
    u = make_grid(n, n, dtype)
    h = 1.0 / (n - 1)
    dt = 0.2 * h * h
    history = []
    for s in range(steps):
        u = step(u, dt, h, 1.0)
        if s % 10 == 0:
            history.append(energy(u))
    return u, history


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--float32", action="store_true")
    args = p.parse_args()
    u, history = simulate(args.n, args.steps, np.float32 if args.float32 else np.float64)
    print("energy %.6f after %d steps" % (history[-1], args.steps))


if __name__ == "__main__":
    main()
