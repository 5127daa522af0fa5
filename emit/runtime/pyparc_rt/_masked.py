"""Matrix products with a masked factor, multiplied band by band.

A loop nest over a triangle (trmm's k in range(i + 1, m)) becomes a product whose factor is
zero outside a mask: where(mask, A, 0) @ B. Handed to BLAS whole, it multiplies every zero
too, twice the work of the triangle. Cut into bands of rows, each band is multiplied over the
columns where its mask has a true value only: for a triangle in b bands, (1/2 + 1/(2b)) of
the work. One where() and one product per band, written into the result: splitting a band
further into its full and its mixed columns saved less than the extra calls cost (2 cores,
1000 x 1000 times 1000 x 1200: 18.4 ms in 8 bands against 25.1 for the whole product).
"""
import os
import sys

import numpy as _np

# Rows of a band, at least, and bands at most: BLAS is less efficient on thin products, and
# past 8 bands the work saved (1/16 of the product) is less than the calls cost.
BAND_ROWS = int(os.environ.get("PYPARC_MASKED_BAND_ROWS", "100"))
MAX_BANDS = int(os.environ.get("PYPARC_MASKED_MAX_BANDS", "8"))

# Plans by (id of the mask, transposed): the value keeps the mask alive, so that its id is
# not reused while the entry exists. Masks come from cached_mask and live as long.
_PLANS = {}
_MAX_PLANS = 32


def _plan(mask):
    """Bands (r0, r1, c0, c1, full) of mask's rows: [c0, c1) spans the columns where the band
    has a true value, and full says the band's mask is true all over it. Bands with no true
    value are left out."""
    rows = mask.shape[0]
    nb = max(1, min(MAX_BANDS, rows // max(1, BAND_ROWS)))
    edges = [rows * b // nb for b in range(nb + 1)]
    plan = []
    for r0, r1 in zip(edges, edges[1:]):
        nz = _np.flatnonzero(mask[r0:r1].any(axis=0))
        if nz.size == 0:
            continue
        c0, c1 = int(nz[0]), int(nz[-1]) + 1
        plan.append((r0, r1, c0, c1, bool(mask[r0:r1, c0:c1].all())))
    return plan


def _cached_plan(mask, trans):
    key = (id(mask), trans)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is mask:
        return hit[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    plan = _plan(mask.T if trans else mask)
    _PLANS[key] = (mask, plan)
    return plan


def _left(a, m, plan, b):
    """where(m, a, 0) @ b for a 2-d a and m, following plan (of m's rows)."""
    out = _np.zeros((a.shape[0],) + b.shape[1:], dtype=_np.result_type(a.dtype, b.dtype))
    for r0, r1, c0, c1, full in plan:
        blk = a[r0:r1, c0:c1]
        if not full:
            blk = _np.where(m[r0:r1, c0:c1], blk, 0)
        _np.matmul(blk, b[c0:c1], out=out[r0:r1])
    return out


def masked_matmul(x, y, mask, side, trans):
    """x @ y where one factor is zero outside mask: x is where(mask, x, 0) (side 0) or y is
    where(mask, y, 0) (side 1), transposed after masking when trans is true (then x or y is
    the array before that transpose, of mask's shape). Equal to that product up to the order
    of the sums (BLAS orders them its own way); the masked factor's values outside the mask
    are never read. Anything but float or complex NumPy matrices with a matrix or vector
    beside them is computed as the whole masked product."""
    masked = x if side == 0 else y
    other = y if side == 0 else x
    if (not isinstance(masked, _np.ndarray) or not isinstance(other, _np.ndarray)
            or not isinstance(mask, _np.ndarray) or masked.ndim != 2 or mask.shape != masked.shape
            or other.ndim not in (1, 2) or masked.dtype.kind not in "fc" or other.dtype.kind not in "fc"
            or 2 * BAND_ROWS > masked.shape[1 if side != trans else 0]):
        return _whole(x, y, mask, side, trans)
    if side == 0:
        # (M o A) @ y, or (M o A).T @ y = (M.T o A.T) @ y
        a, m = (masked.T, mask.T) if trans else (masked, mask)
        return _left(a, m, _cached_plan(mask, trans), y)
    # x @ (M o A) = ((M.T o A.T) @ x.T).T; x @ (M o A).T = ((M o A) @ x.T).T
    a, m = (masked, mask) if trans else (masked.T, mask.T)
    return _left(a, m, _cached_plan(mask, not trans), other.T).T


def masked_matmul_into(t, x, y, mask, side, trans, scale, post=None):
    """t += scale * masked_matmul(x, y, mask, side, trans) (t += masked_matmul(...) when scale
    is None), then t *= post where post is not None. Each band of rows is added into t as soon
    as it is computed: no temporary of t's size, and the add runs on a band still in cache
    (trmm at MEDIUM on 16 cores: 490 us against 858 for the product, then the add). Only where
    no band writes memory a later band reads (t may be a view of y's or x's array: trmm's
    B[i] += A[k, i] * B[k] for k > i reads the rows after i, which later bands write only
    after); else as written. Where y is rows of t itself, see _unit_update."""
    if post is not None and _unit_update(t, x, y, mask, side, trans, scale, post):
        return
    if (side == 0 and isinstance(t, _np.ndarray) and isinstance(x, _np.ndarray) and isinstance(y, _np.ndarray)
            and isinstance(mask, _np.ndarray) and x.ndim == 2 and mask.shape == x.shape and y.ndim in (1, 2)
            and x.dtype.kind in "fc" and y.dtype.kind in "fc"
            and 2 * BAND_ROWS <= x.shape[1 if trans else 0]):
        a = x.T if trans else x
        m = mask.T if trans else mask
        if t.shape == (a.shape[0],) + y.shape[1:] and a.shape[1] == y.shape[0]:
            plan = _cached_plan(mask, trans)
            if _bands_apart(plan, t, a, y):
                for r0, r1, c0, c1, full in plan:
                    blk = a[r0:r1, c0:c1]
                    if not full:
                        blk = _np.where(m[r0:r1, c0:c1], blk, 0)
                    p = blk @ y[c0:c1]
                    if scale is not None:
                        p = scale * p
                    t[r0:r1] += p
                if post is not None:
                    t *= post
                return
    p = masked_matmul(x, y, mask, side, trans)
    t += p if scale is None else scale * p
    if post is not None:
        t *= post


def _unit_update(t, x, y, mask, side, trans, scale, post):
    """t[...] = post * (t + where(mask, x, 0)[.T] @ y) where y is rows off.. of t itself
    (trmm's B[i] = alpha * (B[i] + sum of A[k, i] * B[k] for k > i)), as products by a
    factor with t's own rows in it: U = I + M, shifted by off, so t's new band of rows is
    post * (U's band @ t), one product scaled into t, without the add and the scaling
    passes (16 cores, 1000 x 1200: 8.5 against 10.6 ms for hand NumPy's B[:] = alpha * (B +
    np.tril(A, -1).T @ B), 14.9 for the bands then the passes; bench/peers/trmm_forms.py).
    A band is written as soon as it is computed, so only where no later band reads the rows
    of an earlier one; rows no band covers are scaled last. U's zeros multiply every row of
    t its bands span: the caller checked y's rows, this checks the others. Only without a
    scale: in I + scale * M it would multiply x's values before y's, where the loops'
    A[k, i] * B[k, j] * alpha multiply them after (inf against 1e200 * 1e-200 * 1e200, a
    review found). False, doing nothing, where any of it does not hold."""
    if not (side == 0 and scale is None and isinstance(t, _np.ndarray) and isinstance(x, _np.ndarray)
            and isinstance(y, _np.ndarray) and isinstance(mask, _np.ndarray) and x.ndim == 2 and y.ndim == 2
            and t.ndim == 2 and mask.shape == x.shape and x.dtype.kind == "f" and x.dtype == y.dtype == t.dtype
            and _real_number(post)):
        return False
    off = _row_offset(t, y)
    a, m = (x.T, mask.T) if trans else (x, mask)
    if off is None or a.shape != (t.shape[0], y.shape[0]) or _np.may_share_memory(x, t):
        return False
    plan = _cached_plan(mask, trans)
    spans = [(min(r0, c0 + off), max(r1, c1 + off)) for r0, r1, c0, c1, _ in plan]
    for i, (r0, r1, _, _, _) in enumerate(plan):
        if any(lo < r1 and r0 < hi for lo, hi in spans[i + 1:]):
            return False
    if not (_np.isfinite(t[:off]).all() and _np.isfinite(t[off + y.shape[0]:]).all()):
        return False
    covered = _np.zeros(t.shape[0], dtype=bool)
    for (r0, r1, c0, c1, full), (lo, hi) in zip(plan, spans):
        rows = _np.arange(r1 - r0)
        if trans:
            # U's band built transposed, from x's rows: a[r0:r1] is x's columns, a strided
            # read; the product takes the transpose as BLAS does, without a copy.
            w = _np.zeros((hi - lo, r1 - r0), dtype=t.dtype)
            dst, src, where = w[c0 + off - lo:c1 + off - lo], x[c0:c1, r0:r1], mask[c0:c1, r0:r1]
        else:
            w = _np.zeros((r1 - r0, hi - lo), dtype=t.dtype)
            dst, src, where = w[:, c0 + off - lo:c1 + off - lo], x[r0:r1, c0:c1], mask[r0:r1, c0:c1]
        _np.copyto(dst, src, where=True if full else where)
        if trans:
            w[rows + r0 - lo, rows] += 1
            w = w.T
        else:
            w[rows, rows + r0 - lo] += 1
        _np.multiply(w @ t[lo:hi], post, out=t[r0:r1])
        covered[r0:r1] = True
    if not covered.all():
        t[~covered] *= post
    return True


def _real_number(v):
    """True for a Python int within int64, or a float, NumPy int or NumPy float: what
    multiplies a float array in place without raising (10 ** 400 raises OverflowError, which
    the two lines raise only after the add)."""
    if type(v) is int:
        return -(1 << 63) <= v < (1 << 63)
    return isinstance(v, (float, _np.integer, _np.floating))


def _row_offset(t, y):
    """off where y is t[off:off + len(y)]: the same memory, element by element (the same
    start, strides and shape), else None."""
    if y.base is None and t.base is None or t.strides != y.strides or t.shape[1:] != y.shape[1:]:
        return None
    if (t.base if t.base is not None else t) is not (y.base if y.base is not None else y):
        return None
    gap = y.__array_interface__["data"][0] - t.__array_interface__["data"][0]
    if t.strides[0] <= 0 or gap % t.strides[0] != 0:
        return None
    off = gap // t.strides[0]
    if off < 0 or off + y.shape[0] > t.shape[0]:
        return None
    return off


def _bands_apart(plan, t, a, y):
    """True when no band's rows of t may share memory with what the later bands read."""
    for i, (r0, r1, _, _, _) in enumerate(plan[:-1]):
        later = plan[i + 1:]
        lo, hi = min(b[2] for b in later), max(b[3] for b in later)
        rlo, rhi = min(b[0] for b in later), max(b[1] for b in later)
        if _np.may_share_memory(t[r0:r1], y[lo:hi]) or _np.may_share_memory(t[r0:r1], a[rlo:rhi, lo:hi]):
            return False
    return True


def _whole(x, y, mask, side, trans):
    mod = _np
    if not isinstance(x if side == 0 else y, _np.ndarray):
        # The GPU variant's arrays: CuPy is imported by then.
        mod = sys.modules.get("cupy") or _np
    if side == 0:
        x = mod.where(mask, x, 0)
        x = x.T if trans else x
    else:
        y = mod.where(mask, y, 0)
        y = y.T if trans else y
    return x @ y


# Columns of the other factor, at least, for mirrored_matmul to build the symmetric matrix:
# below it the products are matrix-vector ones, bound by memory, and the square's three
# passes cost more than the second product.
MIRROR_MIN_COLS = 16


def mirrored_matmul(p, mask, rows, cols, w, t, scale, diag=None, drows=None):
    """t[rows] += scale * (P @ w[cols]), then t[cols] += scale * (P.T @ w[rows]), with P =
    where(mask, p, 0) the block (rows, cols) of a square matrix indexed like the rows of w and
    t (symm's two products by one stored triangle of A, the second through its transpose).
    With diag, its values first: t[drows] += (scale * w[drows]) * diag[:, None].

    Computed as one product by the symmetric matrix S = Q + Q.T (Q: P placed in the square
    over both ranges, diag added on S's diagonal), as a user builds it from the triangle: one
    product instead of two masked ones. Equal up to the order of the sums. The caller has
    checked that w and scale hold no inf or nan (the zeros of S multiply them). Ranges apart
    (a row of w neither term reads), narrow or non-NumPy factors: the separate products."""
    r0, r1 = rows[0], max(rows[0], rows[1])
    c0, c1 = cols[0], max(cols[0], cols[1])
    d0, d1 = (drows[0], max(drows[0], drows[1])) if diag is not None else (0, 0)
    lo, hi = min(r0, c0), max(r1, c1)
    if (isinstance(p, _np.ndarray) and isinstance(w, _np.ndarray) and isinstance(t, _np.ndarray)
            and isinstance(mask, _np.ndarray) and p.ndim == 2 and w.ndim == 2 and t.ndim == 2
            and p.shape == (r1 - r0, c1 - c0) and mask.shape == p.shape
            and p.dtype.kind in "fc" and w.dtype.kind in "fc"
            and w.shape[1] >= MIRROR_MIN_COLS and w.shape[1] == t.shape[1]
            and r0 < r1 and c0 < c1 and max(r0, c0) <= min(r1, c1)
            and 0 <= lo and hi <= w.shape[0] and hi <= t.shape[0]
            and (diag is None or (lo <= d0 and d1 <= hi and isinstance(diag, _np.ndarray)
                                  and diag.shape == (d1 - d0,) and diag.dtype.kind in "fc"
                                  and bool(_np.isfinite(diag).all())))):
        n = hi - lo
        q = _np.zeros((n, n), dtype=_np.result_type(p.dtype, diag.dtype if diag is not None else p.dtype))
        _np.copyto(q[r0 - lo:r1 - lo, c0 - lo:c1 - lo], p, where=mask)
        s = q + q.T  # two passes over the square, where where() and a copy took four
        if diag is not None and d0 < d1:
            k = _np.arange(d0 - lo, d1 - lo)
            s[k, k] += diag
        prod = s @ w[lo:hi]
        try:
            _np.multiply(prod, scale, out=prod, casting="same_kind")
        except TypeError:  # a complex scale of a real product
            prod = prod * scale
        t[lo:hi] += prod
        return
    if diag is not None:
        t[d0:d1] += (scale * w[d0:d1]) * diag[:, None]
    if r0 < r1 and c0 < c1:
        t[r0:r1] += scale * masked_matmul(p, w[c0:c1], mask, 0, False)
        t[c0:c1] += scale * masked_matmul(p, w[r0:r1], mask, 0, True)
