package emit

// Accesses: array references as slices, views and aligned operands of whole-array code.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

func isReductionTarget(st *polyopt.Stmt, axes []axis) bool { return st.Reduction != "" }

// shapeOf renders the extents of the vectorized loops as a tuple body.
func (r *region) shapeOf(axes []axis) string {
	var parts []string
	for _, a := range axes {
		parts = append(parts, fmt.Sprintf("max(0, %s)", r.names.aff(subAff(a.hi, a.lo))))
	}
	return strings.Join(parts, ", ") + ","
}

// splitUpdate returns an assignment's target and value, with the update operator ("+=", ...,
// or "" for a plain assignment). target = target + e is returned as target += e.
func splitUpdate(st *polyopt.Stmt) (pyast.Expr, pyast.Expr, string, error) {
	switch s := st.Node.(type) {
	case *pyast.AugAssign:
		switch s.Op {
		case pyast.Add, pyast.Sub, pyast.Mul, pyast.Div:
			return s.Target, s.Value, s.Op.String() + "=", nil
		}
		return nil, nil, "", vecErr("operator " + s.Op.String() + "= is not vectorized")
	case *pyast.Assign:
		if st.Reduction != "" {
			if bin, ok := s.Value.(*pyast.BinOp); ok {
				other := bin.Y
				if sameExpr(bin.Y, s.Targets[0]) {
					other = bin.X
				}
				return s.Targets[0], other, bin.Op.String() + "=", nil
			}
		}
		return s.Targets[0], s.Value, "", nil
	case *pyast.AnnAssign:
		return s.Target, s.Value, "", nil
	}
	return nil, nil, "", vecErr("not an assignment")
}

func sameExpr(a, b pyast.Expr) bool { return pyast.Sprint(nil, a) == pyast.Sprint(nil, b) }

// access renders an array reference over the vectorized iterators as a slice.
func (r *region) access(a polyopt.Access, byIter map[string]axis) (operand, error) {
	a = r.expandedAccess(a)
	var idx []string
	var axes []string
	used := map[string]bool{}
	box := &slab{array: a.Array}
	for d, ix := range a.Index {
		var vec []string
		for v := range ix.Coef {
			if _, ok := byIter[v]; ok {
				vec = append(vec, v)
			}
		}
		switch len(vec) {
		case 0:
			idx = append(idx, r.names.aff(ix))
			if box != nil {
				box.dims = append(box.dims, slabDim{first: ix, end: addAff(ix, polyopt.Affine{Const: 1})})
			}
		case 1:
			v := vec[0]
			if (ix.Coef[v] != 1 && ix.Coef[v] != -1) || used[v] {
				return operand{}, vecErr("a subscript that is not a unit-stride slice")
			}
			used[v] = true
			if ix.Coef[v] == -1 {
				// x[c - v] for v ascending walks x backwards: a reversed slice.
				rest := addAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
				first := r.names.aff(subAff(rest, byIter[v].lo))
				stop := r.names.aff(subAff(rest, byIter[v].hi))
				idx = append(idx, fmt.Sprintf("_rt.rslice(%s, %s)", first, stop))
				axes = append(axes, v)
				box = nil
				continue
			}
			rest := subAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
			first, end := addAff(byIter[v].lo, rest), addAff(byIter[v].hi, rest)
			if box != nil {
				box.dims = append(box.dims, slabDim{first: first, end: end})
			}
			lo, hi := r.names.aff(first), r.names.aff(end)
			if r.wholeDim(a.Array, d, first, end) {
				// Every element along d: a plain ":" builds no bound expressions.
				idx = append(idx, ":")
				axes = append(axes, v)
				continue
			}
			if byIter[v].lo.IsConst() && byIter[v].hi.IsConst() {
				idx = append(idx, lo+":"+hi)
			} else {
				// An empty loop must give an empty slice, never one that wraps around.
				idx = append(idx, fmt.Sprintf("%s:max(%s, %s)", lo, lo, hi))
			}
			axes = append(axes, v)
		default:
			return operand{}, vecErr("a subscript mixes two vectorized loops")
		}
	}
	o := operand{a.Array + "[" + strings.Join(idx, ", ") + "]", axes}
	if len(idx) == 0 {
		// A 0-d array's element, acc[()]: "acc[]" is no Python.
		o.code = a.Array + "[()]"
		if arr := r.array(a.Array); arr != nil && arr.Scalar && arr.DType == "" {
			o.code = a.Array // a Python scalar, read by name
		}
	}
	r.noteSlab(o.code, box)
	if len(idx) > 0 && o.code == wholeSlice(a) {
		// Read, every element is the array itself: no view to build (target keeps the slice).
		o.code = a.Array
		r.noteSlab(o.code, box)
	}
	return o, nil
}

// read renders an array reference a statement reads: access, or where one vectorized
// iterator indexes several dimensions (symm's A[i, i]), the diagonal through index arrays,
// which NumPy reads into a new array.
func (r *region) read(a polyopt.Access, byIter map[string]axis) (operand, error) {
	o, err := r.access(a, byIter)
	if err != nil {
		if d, ok := r.diagonalIndex(r.expandedAccess(a), byIter); ok {
			return d, nil
		}
	}
	return o, err
}

// target renders the array reference a statement writes: access, with a slice kept where
// access gives the whole array, so that the statement assigns into the array.
func (r *region) target(a polyopt.Access, byIter map[string]axis) (operand, error) {
	o, err := r.access(a, byIter)
	if err == nil && o.code == a.Array {
		o.code = wholeSlice(a)
	}
	if err != nil {
		if d, ok := r.diagonalTarget(r.expandedAccess(a), byIter); ok {
			// A strided view of the diagonal; fuseZeroInit leaves it alone all the same.
			if r.fancy == nil {
				r.fancy = map[string]bool{}
			}
			r.fancy[d.code] = true
			return d, nil
		}
	}
	return o, err
}

// diagonalTarget renders a written diagonal (correlation's corr[i, i] = 1.0) as a strided view
// of the array, _rt.diag_view(A, starts, n)[...], which NumPy and CuPy assign into in one pass:
// on an H100 the same store through two index arrays took 100 us for 1200 elements.
func (r *region) diagonalTarget(a polyopt.Access, byIter map[string]axis) (operand, bool) {
	if _, ok := r.diagonalIndex(a, byIter); !ok {
		return operand{}, false
	}
	var starts []string
	var ax axis
	v := ""
	for _, ix := range a.Index {
		v = ix.Vars()[0]
		ax = byIter[v]
		rest := subAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
		starts = append(starts, r.names.aff(addAff(ax.lo, rest)))
	}
	n := r.names.aff(subAff(ax.hi, ax.lo))
	return operand{fmt.Sprintf("_rt.diag_view(%s, (%s,), max(0, %s))[...]", a.Array, strings.Join(starts, ", "), n), []string{v}}, true
}

// diagonalIndex renders an array reference whose every subscript is one vectorized iterator
// plus a constant (correlation's corr[i, i] = 1.0, symm's A[i, i]) with index arrays, one
// arange per dimension: NumPy and CuPy read and assign through them element by element, and
// the elements are distinct (each index array is strictly increasing). Only the whole
// subscript may be such: an integer next to index arrays would move the result's axis.
func (r *region) diagonalIndex(a polyopt.Access, byIter map[string]axis) (operand, bool) {
	if len(a.Index) < 2 {
		return operand{}, false
	}
	v := ""
	var idx []string
	for _, ix := range a.Index {
		vars := ix.Vars()
		if len(vars) != 1 || ix.Coef[vars[0]] != 1 || (v != "" && vars[0] != v) {
			return operand{}, false
		}
		v = vars[0]
		ax, ok := byIter[v]
		if !ok {
			return operand{}, false
		}
		rest := subAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
		lo := r.names.aff(addAff(ax.lo, rest))
		hi := r.names.aff(addAff(ax.hi, rest))
		idx = append(idx, fmt.Sprintf("_np.arange(%s, max(%s, %s))", lo, lo, hi))
	}
	o := operand{a.Array + "[" + strings.Join(idx, ", ") + "]", []string{v}}
	r.noteDiagonal(o.code, a, byIter[v])
	return o, true
}

// wholeSlice is a[:, ..., :].
func wholeSlice(a polyopt.Access) string {
	return a.Array + "[" + strings.TrimSuffix(strings.Repeat(":, ", len(a.Index)), ", ") + "]"
}

// wholeDim reports whether [first, end) is the whole extent of dimension d of an array: the
// extent is the array's shape there for every call the guard admits (the shape relations it
// checks tie each extent's symbols to shapes, or the array was allocated with it).
func (r *region) wholeDim(array string, d int, first, end polyopt.Affine) bool {
	arr := r.array(array)
	if arr == nil || arr.Scalar || d >= len(arr.Extent) {
		return false
	}
	zero := func(e polyopt.Affine) bool { return e.IsConst() && e.Const == 0 }
	return zero(first) && zero(subAff(end, arr.Extent[d]))
}

// align reorders and expands an operand to the target axes, which must include its own.
func align(o operand, target []string) string {
	if len(o.axes) == 0 {
		return o.code
	}
	pos := map[string]int{}
	for i, t := range target {
		pos[t] = i
	}
	sorted := append([]string(nil), o.axes...)
	sort.SliceStable(sorted, func(i, j int) bool { return pos[sorted[i]] < pos[sorted[j]] })
	code := o.code
	if strings.Join(sorted, ",") != strings.Join(o.axes, ",") {
		perm := make([]string, len(sorted))
		for i, s := range sorted {
			for j, a := range o.axes {
				if a == s {
					perm[i] = fmt.Sprint(j)
				}
			}
		}
		code = "(" + code + ").transpose(" + strings.Join(perm, ", ") + ")"
	}
	if len(sorted) == len(target) {
		return code
	}
	have := map[string]bool{}
	for _, s := range sorted {
		have[s] = true
	}
	var idx []string
	for _, t := range target {
		if have[t] {
			idx = append(idx, ":")
		} else {
			idx = append(idx, "None")
		}
	}
	return "(" + code + ")[" + strings.Join(idx, ", ") + "]"
}
