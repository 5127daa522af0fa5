"""Space-time adaptive processing (STAP) of one simulated airborne radar dwell.

A side-looking uniform linear array (half-wavelength spacing) on a moving
platform sees ground clutter whose Doppler is proportional to the sine of
its azimuth, so clutter fills a ridge in angle-Doppler space and covers every
Doppler bin from some direction. A slow target at boresight hides in the
clutter of its Doppler bin for a conventional beam; the adaptive filter puts
a null on the clutter direction instead.

Pipeline: simulate the data cube (channels x pulses x range gates: clutter
+ receiver noise + one target) -> Doppler filter bank -> per range gate and
Doppler bin, covariance from training gates, Cholesky solve for the
weights, adaptive matched filter -> detections.

    python stap.py --size small out.npz
"""
import argparse
import time

import numpy as np

from stap_kernels import detect, doppler_filter, stap_filter, steering_vectors

SIZES = {
    # channels, pulses, range gates, clutter patches, guard and training gates,
    # where the target is (range gate, Doppler bin) and its signal-to-noise
    # ratio per element and pulse
    "small": dict(n_chan=4, n_pulse=16, n_range=128, n_patches=64,
                  n_guard=2, n_train=24, target_range=53, target_bin=3, snr_db=5.0),
    "realistic": dict(n_chan=12, n_pulse=32, n_range=300, n_patches=181,
                      n_guard=3, n_train=72, target_range=141, target_bin=5, snr_db=0.0),
}

CNR_DB = 35.0        # clutter-to-noise ratio per element and pulse
BETA = 1.0           # clutter slope: 2 * platform speed * PRI / element spacing
LOADING = 1.0        # diagonal loading, in units of the noise power
THRESHOLD_DB = 16.0  # AMF detection threshold (about one false alarm per dwell)
SEED = 20240611


def simulate_datacube(n_chan, n_pulse, n_range, n_patches, target_range, target_doppler,
                      snr_db, seed=SEED, cnr_db=CNR_DB, beta=BETA):
    """Complex baseband returns, shape (channels, pulses, range gates)."""
    rng = np.random.default_rng(seed)
    chan = np.arange(n_chan)
    pulse = np.arange(n_pulse)
    shape = (n_chan, n_pulse, n_range)

    # receiver noise, unit power
    cube = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)

    # clutter: patches spread over the forward half plane, weighted by the
    # element pattern, each with an independent reflectivity per range gate
    azimuth = (np.arange(n_patches) + 0.5) / n_patches * np.pi - np.pi / 2
    pattern = np.cos(azimuth) ** 2
    patch_power = 10 ** (cnr_db / 10) * pattern / pattern.sum()
    for p in range(n_patches):
        fs = 0.5 * np.sin(azimuth[p])
        fd = beta * fs
        a = np.exp(2j * np.pi * fs * chan)
        b = np.exp(2j * np.pi * fd * pulse)
        gamma = np.sqrt(patch_power[p] / 2) * (rng.standard_normal(n_range)
                                               + 1j * rng.standard_normal(n_range))
        cube += a[:, None, None] * b[None, :, None] * gamma[None, None, :]

    # the target: boresight (spatial frequency 0), one range gate
    amp = 10 ** (snr_db / 20) * np.exp(2j * np.pi * rng.random())
    cube[:, :, target_range] += amp * np.exp(2j * np.pi * target_doppler * pulse)[None, :]
    return cube


def pulse_window(n_pulse):
    """Hann taper over the pulses, sampled at the pulse centres."""
    m = np.arange(n_pulse)
    return 0.5 - 0.5 * np.cos(2 * np.pi * (m + 0.5) / n_pulse)


def run(size):
    p = SIZES[size]
    n_chan, n_pulse, n_range = p["n_chan"], p["n_pulse"], p["n_range"]
    cube = simulate_datacube(n_chan, n_pulse, n_range, p["n_patches"],
                             p["target_range"], p["target_bin"] / n_pulse, p["snr_db"])
    window = pulse_window(n_pulse)
    spec = doppler_filter(cube, window)
    S = steering_vectors(n_chan, n_pulse, window, 0.0)
    power, amf = stap_filter(spec, S, p["n_guard"], p["n_train"], LOADING)
    detections = detect(amf, 10 ** (THRESHOLD_DB / 10))
    return power, amf, detections


def main():
    parser = argparse.ArgumentParser(description="STAP radar pipeline")
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    power, amf, detections = run(args.size)
    elapsed = time.perf_counter() - t0

    p = SIZES[args.size]
    print(f"{args.size}: {p['n_chan']} channels, {p['n_pulse']} pulses, {p['n_range']} range gates"
          f" in {elapsed:.2f} s")
    print(f"target injected at range gate {p['target_range']}, Doppler bin {p['target_bin']}")
    print(f"{len(detections)} detection(s) over {THRESHOLD_DB:.0f} dB:")
    for r, k, db in detections[:10]:
        print(f"  range gate {int(r):4d}  Doppler bin {int(k):3d}  AMF {db:5.1f} dB")
    np.savez(args.output, power=power, amf=amf, detections=detections)


if __name__ == "__main__":
    main()
