"""Which loops of each PolyBench kernel the numba(prange) peer runs with numba.prange.

Written by hand from the PolyBench 4.2 kernel definitions (not from pyparc's analysis, which the
harness cross-checks against it: `pyparc explain`). A loop is named VAR#K: the K-th `for VAR in
range(...)` of the kernel function in source order, counting only loops over VAR (so "j#2" is the
second j loop of the function, wherever it is nested).

The rule: in every loop nest, prange goes on the outermost loop whose iterations are independent
(no iteration reads or writes what another writes). That loop may sit inside a sequential loop
(a time loop, an elimination step): Numba then opens one parallel region per outer iteration.
Reduction loops (a sum into a scalar or an array element) are left sequential: Numba could do
scalar sums, but they reorder the rounding and pyparc's "parallel" verdict excludes them too, so
the two stay comparable. An empty list means no loop is parallel; the peer is then numba(user).

Each entry: kernel -> (loops, why).
"""

PRANGE = {
    "2mm": (["i#1", "i#2"],
            "i of tmp = alpha*A*B writes row i of tmp; i of D = beta*D + tmp*C writes row i of D"),
    "3mm": (["i#1", "i#2", "i#3"], "each product writes row i of E, F, G"),
    "adi": (["i#1", "i#2"],
            "inside t: the column sweep over i writes column i of v and row i of p, q, reads only u; "
            "the row sweep writes row i of u, p, q and reads only v"),
    "atax": (["i#1", "j#2"],
             "y = 0 over i; the i loop accumulates y[j] over i (sequential) and its first j loop is a "
             "reduction into tmp[i]; its second j loop (y[j] += A[i, j] * tmp[i]) is parallel"),
    "bicg": (["i#1"],
             "s = 0 over i; the main i loop accumulates s[j] over i and its j loop reduces into q[i]: "
             "neither is parallel"),
    "cholesky": ([], "no parallel loop: row i needs rows j < i, A[i, j] needs A[i, k < j]; "
                     "the k loops are reductions into A[i, j]"),
    "correlation": (["j#1", "j#2", "i#3", "i#4"],
                    "mean and stddev per column j; centering per row i; corr row i writes corr[i, j > i] "
                    "and corr[j > i, i], which no other i touches"),
    "covariance": (["j#1", "i#2", "i#3"],
                   "mean per column j; centering per row i; cov row i writes cov[i, j >= i] and "
                   "cov[j >= i, i] only"),
    "deriche": (["i#1", "i#2", "i#3", "j#4", "j#5", "i#6"],
                "the horizontal passes are independent per row i, the vertical ones per column j; "
                "the recurrence scalars are assigned at the top of each iteration (private)"),
    "doitgen": (["p#1", "p#2"],
                "sum_ is one array shared by every (r, q) (and an output), so r and q are sequential; "
                "inside, both p loops are parallel"),
    "durbin": (["i#2", "i#3"],
               "k is a recurrence; i#1 is a reduction into s; z = y + alpha * y reversed, then y = z"),
    "fdtd-2d": (["j#1", "i#1", "i#2", "i#3"],
                "inside t: ey[0, :] = fict[t] over j; each field update reads only the other fields"),
    "floyd-warshall": (["i#1"],
                       "inside k: row i reads row k and path[i, k], which step k leaves unchanged when "
                       "path[k, k] >= 0 (no negative cycle; PolyBench's data is positive). Legal for "
                       "this data, not provable from the accesses alone"),
    "gemm": (["i#1"], "row i of C"),
    "gemver": (["i#1", "i#2", "i#3", "i#4"],
               "A update per row i; x[i] += beta * A[j, i] * y[j] per i; x += z; w[i] per i"),
    "gesummv": (["i#1"], "tmp[i], y[i] per i"),
    "gramschmidt": (["i#2", "j#1"],
                    "inside k: i#1 is the norm (a reduction); Q[:, k] per i; every later column j "
                    "gets R[k, j] and its own A[:, j] update"),
    "heat-3d": (["i#1", "i#2"], "inside t: B from A, then A from B, per plane i"),
    "jacobi-1d": (["i#1", "i#2"], "inside t: B from A, then A from B"),
    "jacobi-2d": (["i#1", "i#2"], "inside t: B from A, then A from B, per row i"),
    "lu": (["j#2"],
           "row i needs rows k < i; its L part (j#1) needs A[i, k < j]; its U part (j#2, j >= i) reads "
           "A[i, k < i] and rows k < i only, so j is parallel there"),
    "ludcmp": (["j#2"],
               "as lu: the U part of row i is parallel over j; the two triangular solves are recurrences "
               "with scalar reductions"),
    "mvt": (["i#1", "i#2"], "x1[i], x2[i] per i"),
    "nussinov": ([], "no parallel loop: i runs down and needs rows below, j needs table[i, j - 1], "
                     "k is a max-reduction into table[i, j] (only anti-diagonals are independent)"),
    "seidel-2d": ([], "no parallel loop: Gauss-Seidel updates in place, every loop carries a dependence "
                      "(only a skewed wavefront is parallel)"),
    "symm": (["j#1"],
             "i is sequential (row i updates C[k < i, :]); for one i, column j touches only column j of C"),
    "syr2k": (["i#1"], "row i of C (j <= i)"),
    "syrk": (["i#1"], "row i of C (j <= i)"),
    "trisolv": ([], "no parallel loop: x[i] needs x[j < i]; j is a reduction into x[i]"),
    "trmm": (["j#1"],
             "i is sequential (row i reads rows k > i before they change); for one i, column j touches "
             "only column j of B"),
}
