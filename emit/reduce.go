package emit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// contract renders the sum of value over the reduced loops. A product of array references
// and loop-invariant factors becomes a matrix product (@, which reaches BLAS) or an einsum;
// anything else is summed with np.sum after broadcasting.
//
// tri, when not nil, restricts the sum to the points of a triangle (trmm's k in range(i + 1,
// M)): a factor spanning all of the triangle's axes is masked, zero outside it, so that the
// product still reaches BLAS (np.tril(A, -1).T @ B). The other factors are multiplied by those
// zeros, which the loops never did: r.finite records them, for a check that they hold no inf
// or nan.
func (r *region) contract(value pyast.Expr, byIter map[string]axis, tmps map[string][]string, axes []axis, red, out []string, tri *triangle) (operand, error) {
	// Narrow ints are summed as the loops compute each term, wrapped around in their type:
	// elementwise, then np.sum (see narrowTerms).
	if narrow, err := r.narrowTerms(value); err != nil || narrow {
		if err != nil {
			return operand{}, err
		}
		return r.sumLike("_np.sum", value, byIter, tmps, axes, red, tri)
	}
	// A sum of terms is the sum of their reductions: each term can then reach BLAS (syr2k's
	// A[i,k]*B[j,k] + B[i,k]*A[j,k]) instead of one product materialized over every axis.
	if b, ok := value.(*pyast.BinOp); ok && (b.Op == pyast.Add || b.Op == pyast.Sub) {
		finite := len(r.finite)
		x, errX := r.contract(b.X, byIter, tmps, axes, red, out, tri)
		y, errY := r.contract(b.Y, byIter, tmps, axes, red, out, tri)
		if errX == nil && errY == nil {
			return operand{"(" + align(x, out) + " " + b.Op.String() + " " + align(y, out) + ")", out}, nil
		}
		r.finite = r.finite[:finite] // the checks of a failed split are not needed
	}
	sum := func() (operand, error) {
		return r.sumLike("_np.sum", value, byIter, tmps, axes, red, tri)
	}
	var arrays []operand
	var scalars, unchecked []string
	for _, f := range factors(value) {
		switch f := f.(type) {
		case *pyast.Subscript:
			acc := r.accessOf(f)
			if acc == nil {
				return sum()
			}
			o, err := r.read(*acc, byIter)
			if err != nil {
				return operand{}, err
			}
			if len(o.axes) == 0 {
				scalars = append(scalars, o.code)
				unchecked = append(unchecked, o.code)
			} else {
				arrays = append(arrays, o)
			}
			continue
		case *pyast.Call:
			// np.conj(A[...]) is an operand too: the conjugate of the array, one pass over it,
			// where summing the broadcast product would build every term (A @ B.conj().T).
			if arg := r.conjOf(f); arg != nil {
				if acc := r.accessOf(arg); acc != nil {
					o, err := r.read(*acc, byIter)
					if err != nil {
						return operand{}, err
					}
					if len(o.axes) == 0 {
						scalars = append(scalars, "_np.conj("+o.code+")")
						unchecked = append(unchecked, o.code)
					} else {
						arrays = append(arrays, operand{"_np.conj(" + o.code + ")", o.axes})
					}
					continue
				}
			}
		case *pyast.Name:
			if ax, ok := tmps[f.Id]; ok {
				if !r.sameTempAxes(f.Id, byIter) {
					return operand{}, vecErr("a private scalar read in a loop of its loop's name with other bounds")
				}
				arrays = append(arrays, operand{f.Id, ax})
				continue
			}
			if _, ok := byIter[f.Id]; ok {
				return sum()
			}
		}
		if r.dependsOnAxes(f, byIter, tmps) {
			return sum()
		}
		code, err := r.exprCode(f, byIter, tmps, nil)
		if err != nil {
			return operand{}, err
		}
		scalars = append(scalars, code)
		if !r.finiteFactor(f) {
			unchecked = append(unchecked, code)
		}
	}
	// A factor taken out of the sum multiplies the sum, not each term: an inf there gives
	// inf where a term of the loops was inf * 0, a nan (np.inf * A[i, k] * B[k, j] with a
	// zero in A). Parameters are refused so by the guard (is_real), numerals are finite
	// (polyopt refuses 1e400); any other factor is checked before the whole-array code, and
	// so is the product of several (1e308 * 10.0).
	if len(scalars) > 1 && len(unchecked) == 0 {
		unchecked = append(unchecked, strings.Join(scalars, " * "))
	}
	r.finite = append(r.finite, unchecked...)
	// Every reduced loop must index some array, or the sum would count a constant.
	seen := map[string]bool{}
	for _, a := range arrays {
		for _, x := range a.axes {
			seen[x] = true
		}
	}
	for _, x := range red {
		if !seen[x] {
			return sum()
		}
	}
	// Every output axis too: einsum cannot make an axis no operand has (B[i] += A[j]). Over a
	// triangle such a term fails instead, so that a sum of terms is summed whole, one mask.
	for _, x := range out {
		if !seen[x] {
			if tri != nil {
				return operand{}, vecErr("a term indexes no output axis " + x)
			}
			return sum()
		}
	}
	var mf *maskedFactor
	if tri != nil {
		var err error
		if arrays, mf, err = r.maskFactor(arrays, scalars, tri); err != nil {
			return operand{}, err
		}
	}
	core, ok := matmul(arrays, out, mf)
	if ok && mf != nil {
		r.noteProduct(core, arrays, mf)
	}
	if !ok {
		core, ok = batchedMatmul(arrays, out)
	}
	if !ok && !r.narrowInts() {
		core, ok = plainSum(arrays, out)
	}
	if !ok {
		letters := map[string]byte{}
		for i, a := range axes {
			letters[a.iter] = byte('a' + i)
		}
		var ins, args []string
		for _, a := range arrays {
			var b strings.Builder
			for _, x := range a.axes {
				b.WriteByte(letters[x])
			}
			ins = append(ins, b.String())
			args = append(args, a.code)
		}
		var o strings.Builder
		for _, x := range out {
			o.WriteByte(letters[x])
		}
		opt := ""
		if len(arrays) > 2 {
			opt = ", optimize=True"
		}
		core = operand{fmt.Sprintf("_np.einsum('%s->%s', %s%s)", strings.Join(ins, ","), o.String(),
			strings.Join(args, ", "), opt), out}
	}
	if len(scalars) > 0 {
		core.code = strings.Join(scalars, " * ") + " * " + core.code
	}
	return core, nil
}

// maskedFactor is the factor maskFactor masked: arrays[at] of the product, bare before the
// mask (the variable or expression mask) was applied.
type maskedFactor struct {
	at         int
	bare, mask string
}

// maskFactor masks the first factor that spans every axis of the triangle, and records the
// other factors and the scalars for the finiteness check. A value written by an earlier
// statement of the subtree cannot be checked before it runs.
func (r *region) maskFactor(arrays []operand, scalars []string, tri *triangle) ([]operand, *maskedFactor, error) {
	at := -1
	for i, a := range arrays {
		spans := true
		for _, x := range tri.axes {
			spans = spans && contains(a.axes, x)
		}
		if spans {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, nil, vecErr("no factor of a product over triangular bounds spans the triangle")
	}
	var check []string
	for i, a := range arrays {
		if i != at {
			check = append(check, a.code)
		}
	}
	for _, c := range scalars {
		if !numeral.MatchString(c) {
			check = append(check, c)
		}
	}
	for _, c := range check {
		for id := range namesIn(c) {
			if r.writtenSub[id] {
				return nil, nil, vecErr("a product over triangular bounds reads " + id + ", written earlier in the loop nest")
			}
		}
	}
	r.finite = append(r.finite, check...)
	out := append([]operand(nil), arrays...)
	m := arrays[at]
	mask := r.sharedMask(r.maskOver(tri, m.axes))
	out[at] = operand{fmt.Sprintf("_np.where(%s, %s, 0)", mask, m.code), m.axes}
	return out, &maskedFactor{at: at, bare: m.code, mask: mask}, nil
}

// numeral matches a number literal, finite by itself.
// finiteFactor reports a factor whose value is a finite number wherever the guard admitted
// the call: a numeral (polyopt refuses 1e400), a scalar parameter (its guard, is_real or
// is_number, refuses inf and nan), or ints: int parameters, shape symbols and loop indices,
// alone or in sums and products (Python ints, and int64 in the variants, have no inf).
func (r *region) finiteFactor(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Num:
		return true
	case *pyast.Name:
		return r.scop.NonInt[e.Id] || r.intName(e.Id)
	case *pyast.UnaryOp:
		return r.finiteFactor(e.X)
	case *pyast.BinOp:
		return r.intExpr(e)
	}
	return false
}

// intExpr reports an int-valued expression of int names and int numerals with +, - and *.
func (r *region) intExpr(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Num:
		return !strings.ContainsAny(e.Raw, ".eEjJ") || strings.HasPrefix(e.Raw, "0x") || strings.HasPrefix(e.Raw, "0X")
	case *pyast.Name:
		return r.intName(e.Id)
	case *pyast.UnaryOp:
		return r.intExpr(e.X)
	case *pyast.BinOp:
		return (e.Op == pyast.Add || e.Op == pyast.Sub || e.Op == pyast.Mul) && r.intExpr(e.X) && r.intExpr(e.Y)
	}
	return false
}

// intName reports an int parameter, a shape symbol or a loop index of the SCoP.
func (r *region) intName(name string) bool {
	if _, ok := r.names.params[name]; ok {
		return true
	}
	for _, l := range r.scop.Loops {
		if l.Iter == name {
			return true
		}
	}
	return false
}

var numeral = regexp.MustCompile(`^[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$`)

// matmul recognizes a contraction of two operands over one shared axis with at most one free
// axis each, and writes it with @ (transposing operands as needed). A masked matrix (mf, not
// nil, names it) is multiplied by the runtime band by band, over the part of each band its
// mask keeps (see pyparc_rt/_masked.py): a triangle in 8 bands costs 0.56 of the whole
// product, where BLAS given the zeros multiplies them all.
func matmul(arrays []operand, out []string, mf *maskedFactor) (operand, bool) {
	if len(arrays) != 2 {
		return operand{}, false
	}
	x, y := arrays[0], arrays[1]
	var shared []string
	for _, a := range x.axes {
		for _, b := range y.axes {
			if a == b {
				shared = append(shared, a)
			}
		}
	}
	if len(shared) != 1 || contains(out, shared[0]) || len(x.axes) > 2 || len(y.axes) > 2 {
		return operand{}, false
	}
	c := shared[0]
	free := func(o operand) string {
		for _, a := range o.axes {
			if a != c {
				return a
			}
		}
		return ""
	}
	xf, yf := free(x), free(y)
	var res []string
	if xf != "" {
		res = append(res, xf)
	}
	if yf != "" {
		res = append(res, yf)
	}
	if len(res) != len(out) || (len(out) == 2 && out[0] != res[0] && out[0] != res[1]) {
		return operand{}, false
	}
	for _, o := range out {
		if !contains(res, o) {
			return operand{}, false
		}
	}
	xT := len(x.axes) == 2 && x.axes[0] == c
	yT := len(y.axes) == 2 && y.axes[1] == c
	if mf != nil && len(arrays[mf.at].axes) == 2 {
		args := []string{x.code, y.code}
		trans := []bool{xT, yT}
		other := 1 - mf.at
		if trans[other] {
			args[other] = "(" + args[other] + ").T"
		}
		args[mf.at] = mf.bare
		return operand{fmt.Sprintf("_rt.masked_matmul(%s, %s, %s, %d, %s)", args[0], args[1], mf.mask, mf.at,
			map[bool]string{false: "False", true: "True"}[trans[mf.at]]), res}, true
	}
	xc, yc := x.code, y.code
	if xT {
		xc = "(" + xc + ").T"
	}
	if yT {
		yc = "(" + yc + ").T"
	}
	return operand{"(" + xc + " @ " + yc + ")", res}, true
}

// batchedMatmul recognizes a contraction of an operand with leading batch axes (the leading
// axes of the result, in order) and a vector or matrix over one shared axis, the last or
// second-to-last of the first operand: @ broadcasts the matrix over the batch and reaches
// BLAS for each entry (doitgen's A[r, q, :] @ C4 for every r and q at once), where einsum
// without optimize loops in C.
func batchedMatmul(arrays []operand, out []string) (operand, bool) {
	if len(arrays) != 2 {
		return operand{}, false
	}
	x, y := arrays[0], arrays[1]
	if len(x.axes) <= 2 {
		x, y = y, x
	}
	if len(x.axes) <= 2 || len(y.axes) == 0 || len(y.axes) > 2 {
		return operand{}, false
	}
	nb := len(x.axes) - 2
	batch := x.axes[:nb]
	if len(out) < nb || strings.Join(out[:nb], ",") != strings.Join(batch, ",") {
		return operand{}, false
	}
	c, shared := "", 0
	for _, a := range y.axes {
		if contains(x.axes, a) {
			c, shared = a, shared+1
		}
	}
	if shared != 1 || contains(batch, c) || contains(out, c) {
		return operand{}, false
	}
	xc, xf := x.code, x.axes[nb]
	if x.axes[nb] == c {
		xc, xf = "("+xc+").swapaxes(-1, -2)", x.axes[nb+1]
	}
	yc, yf := y.code, ""
	if len(y.axes) == 2 {
		yf = y.axes[1]
		if y.axes[1] == c {
			yc, yf = "("+yc+").T", y.axes[0]
		}
	}
	res := append(append([]string(nil), batch...), xf)
	if yf != "" {
		res = append(res, yf)
	}
	if strings.Join(res, ",") != strings.Join(out, ",") {
		return operand{}, false
	}
	return operand{"(" + xc + " @ " + yc + ")", res}, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// factors flattens a product into its factors (a - b or a / b is one factor).
func factors(e pyast.Expr) []pyast.Expr {
	if b, ok := e.(*pyast.BinOp); ok && b.Op == pyast.Mul {
		return append(factors(b.X), factors(b.Y)...)
	}
	return []pyast.Expr{e}
}

// variesAlongAll reports whether e varies along every loop of order: an operand that lacks
// one is laid out with a length-1 axis there (A[j] summed over i and j is A[None, :]), which
// the sum needs broadcast to the loop's extent. A temporary counts as lacking them: its axes
// may be length 1 (a loop of its own that ran once).
func (r *region) variesAlongAll(e pyast.Expr, byIter map[string]axis, tmps map[string][]string, order []string) bool {
	along := map[string]bool{}
	tmpSeen := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			if _, ok := byIter[n.Id]; ok {
				along[n.Id] = true
			}
			if _, ok := tmps[n.Id]; ok {
				// A temporary has a length-1 axis along the loops of its own that run once
				// (found by review: t of for j in range(1), summed along a sibling j).
				tmpSeen = true
			}
		case *pyast.Subscript:
			if acc := r.accessOf(n); acc != nil {
				if o, err := r.read(*acc, byIter); err == nil {
					for _, a := range o.axes {
						along[a] = true
					}
				}
			}
			return false
		}
		return true
	})
	for _, it := range order {
		if !along[it] {
			return false
		}
	}
	return !tmpSeen
}

// sameTempAxes reports whether the temporary name is read in the loops it was computed over:
// each of its axes' iterators bound here with the same bounds.
func (r *region) sameTempAxes(name string, byIter map[string]axis) bool {
	for _, a := range r.tempAxes[name] {
		b, ok := byIter[a.iter]
		if !ok {
			continue // reduced or outside: the callers' inTarget checks say so
		}
		if a.lo.String() != b.lo.String() || a.hi.String() != b.hi.String() || a.tri != b.tri ||
			a.tlo.String() != b.tlo.String() || a.thi.String() != b.thi.String() {
			return false
		}
	}
	return true
}

// dependsOnAxes reports whether an expression varies along any vectorized loop.
func (r *region) dependsOnAxes(e pyast.Expr, byIter map[string]axis, tmps map[string][]string) bool {
	varies := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			if _, ok := byIter[n.Id]; ok {
				varies = true
			}
			if _, ok := tmps[n.Id]; ok {
				varies = true
			}
		case *pyast.Subscript:
			if acc := r.accessOf(n); acc != nil {
				if o, err := r.read(*acc, byIter); err != nil || len(o.axes) > 0 {
					varies = true
				}
			}
			return false
		}
		return true
	})
	return varies
}

// sumLike reduces value, broadcast over every vectorized loop, with fn along the reduced ones;
// over the points of tri only, where it is not nil (the others count as zero: fn is a sum).
func (r *region) sumLike(fn string, value pyast.Expr, byIter map[string]axis, tmps map[string][]string, axes []axis, red []string, tri *triangle) (operand, error) {
	var order []string
	for _, a := range axes {
		order = append(order, a.iter)
	}
	e, err := r.expr(value, byIter, tmps, order)
	if err != nil {
		return operand{}, err
	}
	var pos []string
	var rest []string
	for i, it := range order {
		if contains(red, it) {
			pos = append(pos, fmt.Sprint(i))
		} else {
			rest = append(rest, it)
		}
	}
	val := "_np.asarray(" + e.code + ")"
	if tri != nil {
		// where picks the value at the triangle's points and a zero elsewhere: nothing computed
		// outside it reaches the sum.
		val = fmt.Sprintf("_np.where(%s, %s, 0)", r.sharedMask(r.maskOver(tri, order)), e.code)
	}
	code := fmt.Sprintf("%s(_np.broadcast_to(%s, (%s)), axis=(%s,))", fn, val, r.shapeOf(axes), strings.Join(pos, ", "))
	if tri == nil && slices.Equal(e.axes, order) && r.variesAlongAll(value, byIter, tmps, order) {
		// The value varies along every loop, in their order: it has the shape already, and
		// broadcast_to, which costs microseconds (6.6 us on the 2-core machine), would change
		// nothing (correlation's column variances at MEDIUM: 97 us against 85).
		code = fmt.Sprintf("%s(%s, axis=(%s,))", fn, e.code, strings.Join(pos, ", "))
	}
	return operand{code, rest}, nil
}

// conjOf returns A[...] of np.conj(A[...]) (or np.conjugate), else nil.
func (r *region) conjOf(c *pyast.Call) *pyast.Subscript {
	f, ok := c.Func.(*pyast.Attribute)
	if !ok || (f.Attr != "conj" && f.Attr != "conjugate") || len(c.Args) != 1 {
		return nil
	}
	if fn, err := r.ufunc(f); err != nil || !strings.HasPrefix(fn, "_np.") {
		return nil
	}
	sub, _ := c.Args[0].(*pyast.Subscript)
	return sub
}

// narrowTerms reports a sum whose terms read narrow int arrays: the loops compute each term
// in the narrow type, wrapping around (x[i, j] + y[i, j] of int16s, A[i, k] * B[k, j] of
// int32s), and add it to the target; einsum, @, or a sum split into the sums of its terms
// would wrap (or not) elsewhere. np.sum of the terms computed elementwise adds them in int64
// (or as floats), which is the loops' sum for an int64 or float target, and is it modulo the
// type's range for a narrow one (a narrow scalar's sum is cast back: narrowSum). An error for
// a scalar whose type is not followed.
func (r *region) narrowTerms(value pyast.Expr) (bool, error) {
	narrow, own := false, true
	pyast.Inspect(value, func(n pyast.Node) bool {
		if sub, ok := n.(*pyast.Subscript); ok {
			if acc := r.accessOf(sub); acc != nil && narrowInts[r.dtype(acc.Array)] {
				narrow = true
				own = own && r.dtype(acc.Array) == r.sumInto
			}
		}
		return true
	})
	if narrow && own {
		// Into an array or scalar of the terms' own type, whose sum wraps alike however it
		// is added up: einsum keeps the type.
		return false, nil
	}
	if narrow && r.sumInto == "" {
		return false, vecErr("a scalar sums narrow ints: its type decides where they wrap around")
	}
	return narrow, nil
}

// narrowInts reports a SCoP with an integer array narrower than 64 bits: np.sum widens those
// to int64 (a sum the original wraps would not), where einsum keeps their dtype.
func (r *region) narrowInts() bool {
	for _, a := range r.scop.Arrays {
		switch a.DType {
		case "int8", "int16", "int32", "uint8", "uint16", "uint32":
			return true
		}
	}
	return false
}

// plainSum writes the sum of one operand over some of its axes as np.sum (transposed to the
// output's order where needed): einsum with one operand runs a generic loop, several times
// slower than a reduction on the GPU (77 us against 15 us for covariance's column sums on an
// H100).
func plainSum(arrays []operand, out []string) (operand, bool) {
	if len(arrays) != 1 {
		return operand{}, false
	}
	x := arrays[0]
	seen := map[string]bool{}
	for _, a := range x.axes {
		if seen[a] {
			return operand{}, false // a diagonal
		}
		seen[a] = true
	}
	isOut := map[string]bool{}
	for _, o := range out {
		if !seen[o] {
			return operand{}, false
		}
		isOut[o] = true
	}
	var reduced []string
	var kept []string
	for i, a := range x.axes {
		if isOut[a] {
			kept = append(kept, a)
		} else {
			reduced = append(reduced, fmt.Sprint(i))
		}
	}
	if len(reduced) == 0 {
		return operand{}, false
	}
	code := fmt.Sprintf("_np.sum(%s, axis=(%s,))", x.code, strings.Join(reduced, ", "))
	perm := make([]string, len(out))
	identity := true
	for i, o := range out {
		for j, k := range kept {
			if k == o {
				perm[i] = fmt.Sprint(j)
				identity = identity && i == j
			}
		}
	}
	if !identity {
		code = fmt.Sprintf("(%s).transpose(%s)", code, strings.Join(perm, ", "))
	}
	return operand{code, out}, true
}
