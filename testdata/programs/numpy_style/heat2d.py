"""Heat diffusion on a square plate, explicit finite differences.

The plate starts cold with a hot disc off centre; its edges are held at zero
temperature. Each time step updates the interior with the five-point
Laplacian written with array slices (forward Euler, FTCS).

    python heat2d.py --size small out.npz
"""
import argparse

import numpy as np

SIZES = {
    "small": {"n": 64, "steps": 200},
    "medium": {"n": 256, "steps": 1000},
    "large": {"n": 1024, "steps": 2000},
}


def initial_temperature(n):
    x = np.linspace(0.0, 1.0, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    u = np.zeros((n, n))
    u[(X - 0.4) ** 2 + (Y - 0.55) ** 2 < 0.15 ** 2] = 100.0
    u[0, :] = u[-1, :] = u[:, 0] = u[:, -1] = 0.0
    return u


def stable_time_step(h, alpha):
    # FTCS in 2-D is stable for alpha * dt / h**2 <= 1/4
    return 0.2 * h * h / alpha


def diffuse(u, alpha, dt, h, steps):
    """Advance u by steps explicit steps; returns the new field and the heat history."""
    r = alpha * dt / (h * h)
    heat = np.zeros(steps + 1)
    heat[0] = u.sum() * h * h
    for t in range(steps):
        un = u.copy()
        u[1:-1, 1:-1] = un[1:-1, 1:-1] + r * (
            un[2:, 1:-1] + un[:-2, 1:-1] + un[1:-1, 2:] + un[1:-1, :-2] - 4.0 * un[1:-1, 1:-1])
        heat[t + 1] = u.sum() * h * h
    return u, heat


def main():
    parser = argparse.ArgumentParser(description="2-D heat diffusion")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n, steps = SIZES[args.size]["n"], SIZES[args.size]["steps"]
    alpha = 1.0
    h = 1.0 / (n - 1)
    dt = stable_time_step(h, alpha)
    u = initial_temperature(n)
    u, heat = diffuse(u, alpha, dt, h, steps)
    print(f"{n}x{n} plate after {steps} steps (t = {steps * dt:.4g}): "
          f"max {u.max():.3f}, heat {heat[0]:.4f} -> {heat[-1]:.4f}")
    np.savez(args.output, u=u, heat=heat)


if __name__ == "__main__":
    main()
