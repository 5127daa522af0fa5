package emit

import (
	"strings"

	"github.com/pyparc/pyparc/polyopt"
)

// Mirrored products: a loop nest that reads one stored triangle of a symmetric matrix both
// ways (symm: C[k, j] += alpha * B[i, j] * A[i, k] and temp2 += B[k, j] * A[i, k] for k < i)
// vectorizes to two masked products by the same block P of A, the second through its
// transpose,
//
//	C[rows, J] += alpha * (P @ B[cols, J])
//	C[cols, J] += alpha * (P.T @ B[rows, J])
//
// often after the diagonal's own line, C[diag, J] += (alpha * B[diag, J]) * A[diag, diag].
// Together they are one product by the symmetric matrix P + P.T placed in the square over
// rows and cols (the diagonal added on it): pyparc_rt.mirrored_matmul. At symm's LARGE size
// the two masked products cost 1.3 times the hand-written NumPy that builds that matrix and
// multiplies once. mergeMirrored finds the lines from what contract recorded of each masked
// product (noteProduct) and of the slices it read (noteSlab), not from their text alone.

// slab is the part of an array a plain slice reads or writes: per dimension, the index range
// [first, end), in the parameters and the iterators of loops left as Python loops.
type slab struct {
	array string
	dims  []slabDim
}

type slabDim struct{ first, end polyopt.Affine }

// maskedProduct is a masked matrix product contract rendered as one _rt.masked_matmul call:
// p is the masked factor before its mask (the bare code), w the other factor, res the axes
// of the call's result in order.
type maskedProduct struct {
	p, w operand
	mask string
	res  []string
}

// diagonalRead is a diagonal read through index arrays (symm's A[i, i]): array[k, k] for k
// in [first, end).
type diagonalRead struct {
	array      string
	first, end polyopt.Affine
}

// noteSlab records the slab of generated code that reads or writes a plain slice; code
// recorded twice with different slabs (which access does not produce) is forgotten.
func (r *region) noteSlab(code string, s *slab) {
	if s == nil {
		return
	}
	if r.slabs == nil {
		r.slabs = map[string]*slab{}
	}
	if old, ok := r.slabs[code]; ok && (old == nil || !sameSlab(old, s)) {
		r.slabs[code] = nil
		return
	}
	r.slabs[code] = s
}

func sameSlab(a, b *slab) bool {
	if a.array != b.array || len(a.dims) != len(b.dims) {
		return false
	}
	for d := range a.dims {
		if !sameDim(a.dims[d], b.dims[d]) {
			return false
		}
	}
	return true
}

func sameDim(a, b slabDim) bool {
	return zeroAff(subAff(a.first, b.first)) && zeroAff(subAff(a.end, b.end))
}

// noteProduct records a masked product matmul rendered.
func (r *region) noteProduct(core operand, arrays []operand, mf *maskedFactor) {
	if !strings.HasPrefix(core.code, "_rt.masked_matmul(") || len(arrays) != 2 {
		return
	}
	if r.products == nil {
		r.products = map[string]*maskedProduct{}
	}
	r.products[core.code] = &maskedProduct{p: operand{mf.bare, arrays[mf.at].axes}, w: arrays[1-mf.at],
		mask: mf.mask, res: core.axes}
}

// noteDiagonal records a diagonal diagonalIndex rendered, where every subscript is the
// iterator plus the same offset.
func (r *region) noteDiagonal(code string, a polyopt.Access, ax axis) {
	var rest *polyopt.Affine
	for _, ix := range a.Index {
		v := ix.Vars()[0]
		d := subAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
		if rest != nil && !zeroAff(subAff(d, *rest)) {
			return
		}
		rest = &d
	}
	if r.diags == nil {
		r.diags = map[string]diagonalRead{}
	}
	r.diags[code] = diagonalRead{a.Array, addAff(ax.lo, *rest), addAff(ax.hi, *rest)}
}

// mirrorTerm is one line T[t] += s * (P @ W[w]) or s * (P.T @ W[w]), every array
// two-dimensional, the product's free axes T's.
type mirrorTerm struct {
	p          operand
	mask       string
	normal     bool // P, not P.T
	scale      []string
	pBox, wBox *slab
	tBox       *slab
}

// mirrorTerm describes the update u as a term of a mirrored product, if it is one.
func (r *region) mirrorTerm(u update) (*mirrorTerm, bool) {
	if u.op != "+=" || u.mask != "" || u.temp || len(u.axes) != 2 {
		return nil, false
	}
	scale, mm, flipped, ok := r.splitScaled(u.value)
	if !ok {
		return nil, false
	}
	pt := r.products[mm]
	if pt == nil || len(pt.res) != 2 || len(pt.p.axes) != 2 || len(pt.w.axes) != 2 {
		return nil, false
	}
	f, j := pt.res[0], pt.res[1]
	if flipped {
		f, j = j, f
	}
	if u.axes[0] != f || u.axes[1] != j {
		return nil, false
	}
	// The contraction axis: W's axis that is not j, which P must have beside f.
	c := pt.w.axes[0]
	if pt.w.axes[1] != j || !contains(pt.p.axes, c) || !contains(pt.p.axes, f) || c == f {
		return nil, false
	}
	t := &mirrorTerm{p: pt.p, mask: pt.mask, normal: pt.p.axes[0] == f, scale: scale,
		pBox: r.slabs[pt.p.code], wBox: r.slabs[pt.w.code], tBox: r.slabs[u.target]}
	for _, b := range []*slab{t.pBox, t.wBox, t.tBox} {
		if b == nil || len(b.dims) != 2 {
			return nil, false
		}
	}
	if t.tBox.array != u.array || t.tBox.array == t.pBox.array || t.tBox.array == t.wBox.array {
		return nil, false
	}
	// P's rows index T's rows (P @ W) or W's rows (P.T @ W); its columns the others.
	rows, cols := t.pBox.dims[0], t.pBox.dims[1]
	if !t.normal {
		rows, cols = cols, rows
	}
	if !sameDim(t.tBox.dims[0], rows) || !sameDim(t.wBox.dims[0], cols) {
		return nil, false
	}
	return t, true
}

// splitScaled parses generated code of the form s1 * ... * M, parenthesized and transposed
// ((...).transpose(1, 0)) any number of times, M a masked product noteProduct recorded and
// each s a number or a name of no array: the scale factors in their order, M, and whether
// the transposes flip M. The factors must stand at one level, so that s1 * ... * sn * M is
// the code's own grouping: s1 * (s2 * M) is refused, since (s1 * s2) * M may round or
// overflow differently.
func (r *region) splitScaled(code string) (scale []string, mm string, flipped, ok bool) {
	code = unwrap(code)
	if inner, isT := strings.CutSuffix(code, ".transpose(1, 0)"); isT {
		if !wrapped(inner) {
			return nil, "", false, false
		}
		scale, mm, flipped, ok = r.splitScaled(inner)
		return scale, mm, !flipped, ok
	}
	if r.products[code] != nil {
		return nil, code, false, true
	}
	pieces := splitTop(code, " * ")
	if len(pieces) < 2 {
		return nil, "", false, false
	}
	found := false
	for i, p := range pieces {
		if r.scalarFactor(p) {
			scale = append(scale, p)
			continue
		}
		// M last, or one factor beside it (s * M is M * s exactly): a * M * b is (a * M) * b.
		if found || !wrapped(p) && r.products[p] == nil || i != len(pieces)-1 && len(pieces) > 2 {
			return nil, "", false, false
		}
		var inner []string
		if inner, mm, flipped, ok = r.splitScaled(p); !ok || len(inner) > 0 {
			return nil, "", false, false
		}
		found = true
	}
	if !found {
		return nil, "", false, false
	}
	return scale, mm, flipped, true
}

// scalarFactor reports code that is a number or the name of a Python scalar: the same
// value at every point of a whole-array line.
func (r *region) scalarFactor(code string) bool {
	if numeral.MatchString(code) {
		return true
	}
	if !identifier.MatchString(code) || identifier.FindString(code) != code || r.tempNames[code] {
		return false
	}
	arr := r.scop.Arrays[code]
	return arr == nil && !strings.HasPrefix(code, "_") || arr != nil && arr.Scalar
}

// unwrap removes parentheses around the whole of code.
func unwrap(code string) string {
	for wrapped(code) {
		code = code[1 : len(code)-1]
	}
	return code
}

// wrapped reports code that is one parenthesized expression. Generated code holds no
// brackets inside strings (einsum's subscripts, mathf's function names).
func wrapped(code string) bool {
	if !strings.HasPrefix(code, "(") || !strings.HasSuffix(code, ")") {
		return false
	}
	depth := 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
			if depth == 0 && i < len(code)-1 {
				return false
			}
		}
	}
	return true
}

// splitTop splits code at the occurrences of sep outside brackets; nil where a piece has
// another operator outside brackets (a space there), or code holds a string.
func splitTop(code, sep string) []string {
	var pieces []string
	depth, start := 0, 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '\'', '"':
			return nil
		case ' ':
			if depth != 0 {
				continue
			}
			if !strings.HasPrefix(code[i:], sep) {
				return nil
			}
			pieces = append(pieces, code[start:i])
			i += len(sep) - 1
			start = i + 1
		}
	}
	return append(pieces, code[start:])
}

// mergeMirrored replaces each pair of adjacent lines that are the two terms of a mirrored
// product, and the diagonal's line right before them where there is one, by one
// _rt.mirrored_matmul call. The lines add into the same array, which no other factor reads
// (so the first line changes nothing the second reads), with the same scale; the terms'
// sums are reordered, as every product does.
func (r *region) mergeMirrored() {
	drop := map[int]bool{}
	for at := 0; at+1 < len(r.lines); at++ {
		u1, ok1 := r.updates[at]
		u2, ok2 := r.updates[at+1]
		if !ok1 || !ok2 || u1.indent != u2.indent || u1.array != u2.array || drop[at] {
			continue
		}
		a, okA := r.mirrorTerm(u1)
		b, okB := r.mirrorTerm(u2)
		if !okA || !okB || a.normal == b.normal || a.p.code != b.p.code || a.mask != b.mask ||
			!sameSlab(a.pBox, b.pBox) || a.wBox.array != b.wBox.array ||
			!sameDim(a.wBox.dims[1], b.wBox.dims[1]) || !sameDim(a.tBox.dims[1], b.tBox.dims[1]) ||
			strings.Join(a.scale, " * ") != strings.Join(b.scale, " * ") {
			continue
		}
		scale := strings.Join(a.scale, " * ")
		if scale == "" {
			scale = "1"
		}
		diag := ""
		if u0, ok := r.updates[at-1]; ok && at > 0 && !drop[at-1] && u0.indent == u1.indent && u0.array == u1.array {
			if d, ok := r.diagonalTerm(u0, a); ok {
				diag = d
				drop[at-1] = true
			}
		}
		rows, cols := a.pBox.dims[0], a.pBox.dims[1]
		line := "_rt.mirrored_matmul(" + a.p.code + ", " + a.mask + ", " + r.rangeCode(rows) + ", " + r.rangeCode(cols) +
			", " + r.rowsOf(a.wBox) + ", " + r.rowsOf(a.tBox) + ", " + scale + diag + ")"
		r.lines[at] = u1.indent + line
		delete(r.updates, at)
		drop[at+1] = true
	}
	r.dropLines(drop)
}

// diagonalTerm describes u as T[d, J] += (s * W[d, J]) * D[:, None], D the diagonal of the
// mirrored product's matrix over d, W and J those of its term t: the arguments that add D to
// the symmetric matrix's diagonal.
func (r *region) diagonalTerm(u update, t *mirrorTerm) (string, bool) {
	if u.op != "+=" || u.mask != "" || u.temp || len(u.axes) != 2 {
		return "", false
	}
	var pieces []string
	var flatten func(code string) bool
	flatten = func(code string) bool {
		parts := splitTop(unwrap(code), " * ")
		if len(parts) == 0 {
			return false
		}
		if len(parts) == 1 {
			pieces = append(pieces, parts[0])
			return true
		}
		for _, p := range parts {
			if !flatten(p) {
				return false
			}
		}
		return true
	}
	if !flatten(u.value) {
		return "", false
	}
	var scale []string
	var dcode string
	var d diagonalRead
	var w *slab
	for _, p := range pieces {
		if code, isCol := strings.CutSuffix(p, "[:, None]"); isCol {
			if dr, ok := r.diags[unwrap(code)]; ok && dcode == "" {
				dcode, d = unwrap(code), dr
				continue
			}
			return "", false
		}
		if r.scalarFactor(p) {
			scale = append(scale, p)
			continue
		}
		if b := r.slabs[p]; b != nil && w == nil {
			w = b
			continue
		}
		return "", false
	}
	tBox := r.slabs[u.target]
	if dcode == "" || w == nil || tBox == nil || len(w.dims) != 2 || len(tBox.dims) != 2 ||
		d.array != t.pBox.array || w.array != t.wBox.array || tBox.array != t.tBox.array ||
		strings.Join(scale, " * ") != strings.Join(t.scale, " * ") {
		return "", false
	}
	span := slabDim{d.first, d.end}
	if !sameDim(w.dims[0], span) || !sameDim(tBox.dims[0], span) ||
		!sameDim(w.dims[1], t.wBox.dims[1]) || !sameDim(tBox.dims[1], t.tBox.dims[1]) {
		return "", false
	}
	return ", " + dcode + ", " + r.rangeCode(span), true
}

// rangeCode renders [first, end) as a tuple of ints.
func (r *region) rangeCode(d slabDim) string {
	return "(" + r.names.aff(d.first) + ", " + r.names.aff(d.end) + ")"
}

// rowsOf renders every row of b's array, over b's columns.
func (r *region) rowsOf(b *slab) string {
	d := b.dims[1]
	cols := ":"
	if !r.wholeDim(b.array, 1, d.first, d.end) {
		lo := r.names.aff(d.first)
		cols = lo + ":max(" + lo + ", " + r.names.aff(d.end) + ")"
	}
	return b.array + "[:, " + cols + "]"
}

// addProductsInto turns T += s * M, M a masked product whose result has T's axes in T's
// order, into _rt.masked_matmul_into(T, ..., s), and T *= p right after it into its last
// argument: the runtime adds each band of rows into T as soon as it is computed, where no
// band writes what a later one reads, and computes M whole otherwise. Without a temporary of T's size and the pass adding it, trmm at MEDIUM
// took 490 us against 858 on 16 cores.
func (r *region) addProductsInto() {
	drop := map[int]bool{}
	for at, u := range r.updates {
		if drop[at] {
			continue
		}
		if u.op != "+=" || u.mask != "" || u.temp {
			continue
		}
		scale, mm, flipped, ok := r.splitScaled(u.value)
		if !ok || flipped {
			continue
		}
		if pt := r.products[mm]; strings.Join(pt.res, ",") != strings.Join(u.axes, ",") {
			continue
		}
		s := "None"
		if len(scale) > 0 {
			s = strings.Join(scale, " * ")
		}
		args := strings.TrimSuffix(strings.TrimPrefix(mm, "_rt.masked_matmul("), ")")
		post := ""
		if at+1 < len(r.lines) {
			// T *= s next (a line of statement's, not an update it records): the runtime
			// scales each band as it writes it, and where the product's other factor is rows
			// of T itself, multiplies by I + M instead of adding (trmm: 8.5 against 14.9 ms
			// for the product, the add and the scaling apart; see _unit_update). s is a
			// number or a scalar's name: nothing the product writes.
			factor, ok := strings.CutPrefix(r.lines[at+1], u.indent+u.target+" *= ")
			if _, isUpdate := r.updates[at+1]; ok && !isUpdate && r.scalarFactor(factor) {
				post = ", " + factor
				drop[at+1] = true
			}
		}
		r.lines[at] = u.indent + "_rt.masked_matmul_into(" + u.target + ", " + args + ", " + s + post + ")"
		delete(r.updates, at)
	}
	r.dropLines(drop)
}
