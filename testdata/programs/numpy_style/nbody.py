"""Gravitational N-body simulation with a leapfrog (kick-drift-kick) integrator.

Accelerations come from all pairwise separations at once (broadcasting an
(n, 1, 3) array against a (1, n, 3) one), with Plummer softening. Units with
G = 1; a cold, roughly uniform sphere of equal-mass bodies.

    python nbody.py --size small out.npz
"""
import argparse

import numpy as np

SIZES = {
    "small": {"n": 128, "steps": 50},
    "medium": {"n": 512, "steps": 100},
    "large": {"n": 2048, "steps": 100},
}

SOFTENING = 0.05
DT = 0.01


def initial_conditions(n, seed=42):
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 3))
    pos = pos[np.sum(pos ** 2, axis=1) <= 1.0]
    while len(pos) < n:  # rejection sampling inside the unit sphere
        extra = rng.uniform(-1.0, 1.0, size=(n, 3))
        pos = np.vstack([pos, extra[np.sum(extra ** 2, axis=1) <= 1.0]])
    pos = pos[:n]
    vel = 0.05 * rng.standard_normal((n, 3))
    mass = np.full(n, 1.0 / n)
    vel -= (mass[:, None] * vel).sum(axis=0) / mass.sum()  # centre-of-mass frame
    return pos, vel, mass


def accelerations(pos, mass, eps):
    d = pos[None, :, :] - pos[:, None, :]          # d[i, j] = r_j - r_i
    r2 = np.sum(d * d, axis=2) + eps * eps
    inv_r3 = r2 ** -1.5
    np.fill_diagonal(inv_r3, 0.0)
    return np.einsum("ij,ijk->ik", inv_r3 * mass[None, :], d)


def energy(pos, vel, mass, eps):
    kinetic = 0.5 * np.sum(mass * np.sum(vel * vel, axis=1))
    potential = 0.0
    n = len(mass)
    for i in range(n - 1):
        d = pos[i + 1:] - pos[i]
        r = np.sqrt(np.sum(d * d, axis=1) + eps * eps)
        potential -= mass[i] * np.sum(mass[i + 1:] / r)
    return kinetic + potential


def simulate(pos, vel, mass, dt, steps, eps):
    acc = accelerations(pos, mass, eps)
    energies = [energy(pos, vel, mass, eps)]
    for _ in range(steps):
        vel += 0.5 * dt * acc
        pos += dt * vel
        acc = accelerations(pos, mass, eps)
        vel += 0.5 * dt * acc
        energies.append(energy(pos, vel, mass, eps))
    return pos, vel, np.array(energies)


def main():
    parser = argparse.ArgumentParser(description="N-body leapfrog")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n, steps = SIZES[args.size]["n"], SIZES[args.size]["steps"]
    pos, vel, mass = initial_conditions(n)
    pos, vel, energies = simulate(pos, vel, mass, DT, steps, SOFTENING)
    drift = abs(energies[-1] - energies[0]) / abs(energies[0])
    print(f"{n} bodies, {steps} steps: energy {energies[0]:.6f} -> {energies[-1]:.6f} "
          f"(relative drift {drift:.2e})")
    np.savez(args.output, pos=pos, vel=vel, energy=energies)


if __name__ == "__main__":
    main()
