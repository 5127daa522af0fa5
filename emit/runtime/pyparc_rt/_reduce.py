"""Chunk counts for loops run in parallel with private partial sums (emit/numba_private.go).

A loop whose iterations add into cells of an array they all share (bicg's rows add into every
s[j]) runs as one chunk of iterations per thread, each chunk adding into a copy of the array of
its own; the copies are added into the array afterwards. Each copy costs its size in memory and
in that last pass, so the count is what the threads, the trip count and PRIVATE_MAX allow; a
count of 1 runs the loop as written. The thread count comes from the caller (numba_threads):
numba.get_num_threads() inside compiled code reads a pointer that keeps Numba from caching the
function on disk.
"""

# The most elements the private copies of one loop may hold together (32 MiB of float64).
PRIVATE_MAX = 1 << 22


def reduction_chunks(trips, size, threads):
    n = threads
    if n > trips:
        n = trips
    cap = PRIVATE_MAX // max(size, 1)
    if n > cap:
        n = cap
    return n
