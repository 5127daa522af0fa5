"""Nussinov RNA folding: maximum number of base pairs by dynamic programming.

Kernel, initial data and dataset sizes follow PolyBench/C 4.2 (nussinov).
Bases are coded 0..3 (A, C, G, U); a pair matches when the codes sum to 3.
"""
import argparse

import numpy as np

SIZES = {
    "mini": {"n": 60},
    "small": {"n": 180},
    "medium": {"n": 500},
    "large": {"n": 2500},
    "extralarge": {"n": 5500},
}


def init_array(n):
    seq = np.empty(n, dtype=np.int8)
    table = np.empty((n, n), dtype=np.int32)
    for i in range(n):
        seq[i] = (i + 1) % 4
    for i in range(n):
        for j in range(n):
            table[i, j] = 0
    return seq, table


def kernel_nussinov(n, seq, table):
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            if j - 1 >= 0:
                table[i, j] = max(table[i, j], table[i, j - 1])
            if i + 1 < n:
                table[i, j] = max(table[i, j], table[i + 1, j])

            if j - 1 >= 0 and i + 1 < n:
                # adjacent bases may not pair
                if i < j - 1:
                    pair = 1 if seq[i] + seq[j] == 3 else 0
                    table[i, j] = max(table[i, j], table[i + 1, j - 1] + pair)
                else:
                    table[i, j] = max(table[i, j], table[i + 1, j - 1])

            for k in range(i + 1, j):
                table[i, j] = max(table[i, j], table[i, k] + table[k + 1, j])


def main():
    parser = argparse.ArgumentParser(description="nussinov benchmark")
    parser.add_argument("--size", choices=list(SIZES), default="mini")
    parser.add_argument("output", help="output file (.npz)")
    args = parser.parse_args()

    n = SIZES[args.size]["n"]
    seq, table = init_array(n)
    kernel_nussinov(n, seq, table)
    np.savez(args.output, table=table)


if __name__ == "__main__":
    main()
