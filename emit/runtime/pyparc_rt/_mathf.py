"""math.f over arrays, and float values stored into int arrays, raising where Python raises.

math.sqrt(-1.0) raises ValueError and math.exp(1000.0) OverflowError; NumPy's ufuncs return
nan and inf with a warning. A vectorized variant calls mathf for the math functions it computed
over whole arrays, so that it raises what the loops raised (the arrays it wrote before may
differ: the loops stopped at the first bad element).
"""

import numpy as _np

_UFUNC = {
    "sqrt": "sqrt", "exp": "exp", "log": "log", "log2": "log2", "log10": "log10",
    "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "sinh": "sinh", "cosh": "cosh", "pow": "power", "fmod": "fmod", "floor": "floor",
    "ceil": "ceil",
}

# math computes these on floats: math.pow(3, 2) is 9.0, and math.pow(2, -1) 0.5, where NumPy's
# power of two int arrays is an int array (and refuses negative exponents); math.floor of an
# int64 above 2**53 rounds it to a float first, NumPy's floor keeps the int.
_ON_FLOATS = ("pow", "fmod", "floor", "ceil")

# math computes in double precision: an overflow in a narrower float is none for math.
_DOUBLE = {_np.dtype(t) for t in ("float64", "int64", "int32", "uint64", "uint32", "bool")}


def _domain():
    return ValueError("math domain error")


def _range():
    return OverflowError("math range error")


def mathf(name, *args):
    """math.<name>(*args) elementwise over NumPy or CuPy arrays and scalars."""
    xp = _np
    for a in args:
        if type(a).__module__.startswith("cupy"):
            import cupy as xp
            break
    f = getattr(xp, _UFUNC[name])
    if name in _ON_FLOATS:
        args = tuple(a.astype(xp.float64) if getattr(a, "dtype", None) is not None and a.dtype.kind in "biu"
                     else a for a in args)
    if name in ("floor", "ceil"):
        # math.floor returns an int: no flag marks nan (ValueError) or inf (OverflowError).
        r = f(*args)
        if getattr(r, "dtype", None) is not None and r.dtype.kind == "f":
            if bool(xp.isnan(r).any()):
                raise ValueError("cannot convert float NaN to integer")
            if bool(xp.isinf(r).any()):
                raise OverflowError("cannot convert float infinity to integer")
        return r
    if xp is not _np:
        return _checked_after(xp, name, f, args)
    over = "raise"
    for a in args:
        if isinstance(a, (_np.ndarray, _np.generic)) and a.dtype not in _DOUBLE:
            over = "ignore"
    try:
        with _np.errstate(invalid="raise", divide="raise", over=over, under="ignore"):
            return f(*args)
    except FloatingPointError:
        # A flag says where to look, not what math does: pow(0.0, -inf) divides by zero in
        # IEEE and is inf for math.
        with _np.errstate(all="ignore"):
            return _checked_after(_np, name, f, args)


def _checked_after(xp, name, f, args):
    # The result decides (CuPy keeps no floating-point flags). A nan from inputs with no nan
    # is a domain error; an inf from finite inputs is an overflow, or a pole (log(0),
    # pow(0, -1)), which math calls a domain error.
    r = f(*args)
    if not _np.issubdtype(r.dtype, _np.floating):
        return r
    nan_in = xp.zeros(r.shape, dtype=bool)
    finite_in = xp.ones(r.shape, dtype=bool)
    for a in args:
        a = xp.asarray(a)
        if _np.issubdtype(a.dtype, _np.floating):
            nan_in = nan_in | xp.isnan(a)
            finite_in = finite_in & xp.isfinite(a)
    if bool(xp.any(xp.isnan(r) & ~nan_in)):
        raise _domain()
    pole = xp.isinf(r) & finite_in
    if bool(xp.any(pole)):
        if name in ("log", "log2", "log10"):
            raise _domain()
        if name == "pow" and bool(xp.any(pole & (xp.asarray(args[0]) == 0))):
            raise _domain()
        if r.dtype == _np.float64:
            raise _range()
    return r


def int_values(values, dtype):
    """values, checked as the loop's stores of them one by one into a signed int array would.

    Storing a float element into an int64 array raises ValueError for nan and OverflowError
    for an infinity or a value out of the type's range (after truncation toward zero); a
    whole-array store casts them to arbitrary ints. Unsigned targets wrap in both."""
    dt = _np.dtype(dtype)
    xp = _np
    if type(values).__module__.startswith("cupy"):
        import cupy as xp
    a = values if hasattr(values, "dtype") else _np.asarray(values)
    if dt.kind != "i" or a.dtype.kind != "f" or a.size == 0:
        return values
    info = _np.iinfo(dt)
    lo, hi = float(info.min - 1), float(info.max + 1)
    low, high = float(a.min()), float(a.max())  # nan if any value is nan
    lo_ok = low >= float(info.min) if lo == float(info.min) else low > lo
    if lo_ok and high < hi:
        return values
    if bool(xp.isnan(a).any()):
        raise ValueError("cannot convert float NaN to integer")
    if bool(xp.isinf(a).any()):
        raise OverflowError("cannot convert float infinity to integer")
    wide = _np.iinfo(_np.int64)
    for v in (low, high):
        if not float(info.min - 1) < v < float(info.max + 1) and float(wide.min) <= v < float(wide.max):
            raise OverflowError("Python integer %d out of bounds for %s" % (int(v), dt))
    raise OverflowError("Python int too large to convert to C long")
