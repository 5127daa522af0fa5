"""Floyd-Warshall all-pairs shortest paths on an integer weight matrix.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (floyd-warshall).
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"n": 60},
    "small": {"n": 180},
    "medium": {"n": 500},
    "large": {"n": 2800},
    "extralarge": {"n": 5600},
}


def init_array(n):
    path = np.empty((n, n), dtype=np.int32)
    for i in range(n):
        for j in range(n):
            path[i, j] = i * j % 7 + 1
            if (i + j) % 13 == 0 or (i + j) % 7 == 0 or (i + j) % 11 == 0:
                path[i, j] = 999
    return path


def kernel_floyd_warshall(n, path):
    for k in range(n):
        for i in range(n):
            for j in range(n):
                path[i, j] = min(path[i, j], path[i, k] + path[k, j])


def main():
    parser = argparse.ArgumentParser(description="floyd-warshall benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    path = init_array(n)
    kernel_floyd_warshall(n, path)
    np.savez(args.output, path=path)


if __name__ == "__main__":
    main()
