"""Deriche recursive edge detection filter on a W x H grayscale image.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (deriche),
computed in double precision.
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"w": 64, "h": 64},
    "small": {"w": 192, "h": 128},
    "medium": {"w": 720, "h": 480},
    "large": {"w": 4096, "h": 2160},
    "extralarge": {"w": 7680, "h": 4320},
}


def init_array(w, h):
    alpha = 0.25  # filter parameter
    imgIn = np.empty((w, h), dtype=np.float64)
    imgOut = np.zeros((w, h), dtype=np.float64)
    y1 = np.zeros((w, h), dtype=np.float64)
    y2 = np.zeros((w, h), dtype=np.float64)
    # grayscale pixels in [0, 1]
    for i in range(w):
        for j in range(h):
            imgIn[i, j] = ((313 * i + 991 * j) % 65536) / 65535.0
    return alpha, imgIn, imgOut, y1, y2


def kernel_deriche(w, h, alpha, imgIn, imgOut, y1, y2):
    k = ((1.0 - np.exp(-alpha)) * (1.0 - np.exp(-alpha))
         / (1.0 + 2.0 * alpha * np.exp(-alpha) - np.exp(2.0 * alpha)))
    a1 = a5 = k
    a2 = a6 = k * np.exp(-alpha) * (alpha - 1.0)
    a3 = a7 = k * np.exp(-alpha) * (alpha + 1.0)
    a4 = a8 = -k * np.exp(-2.0 * alpha)
    b1 = 2.0 ** (-alpha)
    b2 = -np.exp(-2.0 * alpha)
    c1 = c2 = 1.0

    for i in range(w):
        ym1 = 0.0
        ym2 = 0.0
        xm1 = 0.0
        for j in range(h):
            y1[i, j] = a1 * imgIn[i, j] + a2 * xm1 + b1 * ym1 + b2 * ym2
            xm1 = imgIn[i, j]
            ym2 = ym1
            ym1 = y1[i, j]

    for i in range(w):
        yp1 = 0.0
        yp2 = 0.0
        xp1 = 0.0
        xp2 = 0.0
        for j in range(h - 1, -1, -1):
            y2[i, j] = a3 * xp1 + a4 * xp2 + b1 * yp1 + b2 * yp2
            xp2 = xp1
            xp1 = imgIn[i, j]
            yp2 = yp1
            yp1 = y2[i, j]

    for i in range(w):
        for j in range(h):
            imgOut[i, j] = c1 * (y1[i, j] + y2[i, j])

    for j in range(h):
        tm1 = 0.0
        ym1 = 0.0
        ym2 = 0.0
        for i in range(w):
            y1[i, j] = a5 * imgOut[i, j] + a6 * tm1 + b1 * ym1 + b2 * ym2
            tm1 = imgOut[i, j]
            ym2 = ym1
            ym1 = y1[i, j]

    for j in range(h):
        tp1 = 0.0
        tp2 = 0.0
        yp1 = 0.0
        yp2 = 0.0
        for i in range(w - 1, -1, -1):
            y2[i, j] = a7 * tp1 + a8 * tp2 + b1 * yp1 + b2 * yp2
            tp2 = tp1
            tp1 = imgOut[i, j]
            yp2 = yp1
            yp1 = y2[i, j]

    for i in range(w):
        for j in range(h):
            imgOut[i, j] = c2 * (y1[i, j] + y2[i, j])


def main():
    parser = argparse.ArgumentParser(description="deriche benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    w, h = SIZES[args.size]["w"], SIZES[args.size]["h"]
    alpha, imgIn, imgOut, y1, y2 = init_array(w, h)
    kernel_deriche(w, h, alpha, imgIn, imgOut, y1, y2)
    np.savez(args.output, imgOut=imgOut, y1=y1, y2=y2)


if __name__ == "__main__":
    main()
