"""The OpenBLAS libraries this process loaded (NumPy's scipy-openblas, or a system one), for
the few BLAS functions pyparc_rt calls itself: the thread count, dgemm."""
import ctypes


def openblas_libs():
    """The loaded OpenBLAS libraries, found through /proc/self/maps (Linux); [] elsewhere."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({ln.split()[-1] for ln in f if "openblas" in ln.rsplit("/", 1)[-1].lower()
                            and ".so" in ln})
        return [ctypes.CDLL(path) for path in paths]
    except Exception:
        return []
