import sys
from typing import Annotated

import numpy as np
from numpy.typing import NDArray


def smooth(u: Annotated[NDArray[np.float64], "N M"], out: Annotated[NDArray[np.float64], "N M"], n: int, m: int, steps: int) -> None:
    for t in range(steps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                u[i, j] = out[i, j]


if __name__ == "__main__":
    n = int(sys.argv[1])
    u = np.fromfunction(lambda i, j: np.sin(i * 0.1) * np.cos(j * 0.05), (n, n + 7))
    out = np.zeros_like(u)
    smooth(u, out, n, n + 7, 5)
    print("%.12f" % u.sum())
