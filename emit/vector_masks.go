package emit

// Masks: the points of a triangle or a guarded statement that a whole-array statement updates.

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
)

// masked renders target op= value, restricted to the points of mask when there is one: the
// other points of the box keep their values.
func masked(target, op, value, mask string) string {
	if op == "" {
		op = "="
	}
	if mask == "" {
		return fmt.Sprintf("%s %s %s", target, op, value)
	}
	if u, ok := maskedUfunc[op]; ok && viewTarget(target) {
		// The ufunc updates the points of the mask in place (where=), where target op=
		// np.where(mask, value, identity) built a temporary of the box and updated every
		// point. The CuPy variant, whose ufuncs take no where=, gets the where form back
		// (cupyMaskedUpdates).
		return fmt.Sprintf("_np.%s(%s, %s, out=%s, where=%s)", u, target, value, target, mask)
	}
	return maskedWhere(target, op, value, mask)
}

// maskedWhere renders a masked update through np.where: the points outside the mask get the
// array's own value (=) or op's identity.
func maskedWhere(target, op, value, mask string) string {
	switch op {
	case "=":
		return fmt.Sprintf("%s = _np.where(%s, %s, %s)", target, mask, value, target)
	case "*=", "/=":
		return fmt.Sprintf("%s %s _np.where(%s, %s, 1)", target, op, mask, value)
	}
	return fmt.Sprintf("%s %s _np.where(%s, %s, 0)", target, op, mask, value)
}

// maskedCopy renders target = value on the points of mask as np.copyto with where=: one pass
// that writes only those points, where target = np.where(mask, value, target) reads the whole
// box, builds a temporary of its size and copies it all back. casting="unsafe" casts as the
// assignment does. A value that reads target's own array (a transposed copy of a triangle)
// is copied first by NumPy; CuPy's copyto runs one kernel over both, so the CuPy text gets
// the where form back there (cupyMaskedUpdates).
func maskedCopy(target, value, mask string) string {
	if !viewTarget(target) {
		return maskedWhere(target, "=", value, mask)
	}
	return fmt.Sprintf("_np.copyto(%s, %s, casting=\"unsafe\", where=%s)", target, value, mask)
}

// viewTarget reports a rendered target that is a view of its array (a name, basic slicing, a
// diagonal view): out= and copyto write through it. A subscript with index arrays would be a
// copy, which only an assignment to the subscript writes back.
func viewTarget(target string) bool {
	base := baseArray(target)
	if base == "" || strings.HasPrefix(target, "_rt.diag_view(") {
		return base != ""
	}
	sub := strings.TrimPrefix(target, base)
	if sub == "" {
		return true
	}
	inner := sub[1 : len(sub)-1]
	return strings.HasSuffix(sub, "]") && !strings.ContainsAny(inner, "[]") && !strings.Contains(inner, "_np.")
}

// baseArray is the array a rendered target writes into: the name it subscripts, or the array
// of a diagonal view (_rt.diag_view(A, ...)[...]); "" for any other form.
func baseArray(target string) string {
	ids := identifier.FindAllStringIndex(target, -1)
	if len(ids) == 0 || ids[0][0] != 0 {
		return ""
	}
	name := target[ids[0][0]:ids[0][1]]
	if name != "_rt" {
		if rest := target[ids[0][1]:]; rest == "" || rest[0] == '[' {
			return name
		}
		return ""
	}
	if !strings.HasPrefix(target, "_rt.diag_view(") || len(ids) < 3 {
		return ""
	}
	return target[ids[2][0]:ids[2][1]]
}

// triMask is the mask selecting the points of a statement's domain in the box of its
// triangular axes ("" when it has none), over the target's axes. The statement then computes
// on the whole box: every access must stay inside its array there. Where the mask involves a
// reduced loop (a triangular reduced loop, or one whose iterator bounds a triangular loop),
// the sum must leave out the points outside the domain instead: triMask returns no mask but
// the triangle the reduction applies to its terms (see contract).
func (r *region) triMask(st *polyopt.Stmt, axes []axis, byIter map[string]axis, tmps map[string][]string, tgt operand, inTarget map[string]bool, scalar bool) (string, *triangle, error) {
	var tri []axis
	for _, a := range axes {
		if a.tri {
			tri = append(tri, a)
		}
	}
	if len(tri) == 0 {
		return "", nil, nil
	}
	// A Python scalar or an expanded array updated over the box would need its own mask.
	// A private temporary (an array over its loops, none of them triangular: see statement)
	// holds the right value at every point of its box, so a statement may read it; it may
	// be the target of a sum over a triangle (symm's temp2 += B[k, j] * A[i, k] for k < i),
	// whose terms outside the triangle are left out below.
	if (scalar && tmps[st.Writes[0].Array] == nil) || len(r.expand) > 0 {
		return "", nil, vecErr("triangular bounds around a temporary")
	}
	t := &triangle{tri: tri, byIter: byIter}
	reduced := false
	seen := map[string]bool{}
	for _, a := range tri {
		for _, v := range append([]string{a.iter}, append(a.tlo.Vars(), a.thi.Vars()...)...) {
			if _, vec := byIter[v]; !vec || seen[v] {
				continue
			}
			seen[v] = true
			t.axes = append(t.axes, v)
			reduced = reduced || !inTarget[v]
		}
	}
	for _, acc := range append(append([]polyopt.Access(nil), st.Reads...), st.Writes...) {
		if err := r.inBox(acc, byIter); err != nil {
			return "", nil, err
		}
	}
	if scalar && !reduced {
		return "", nil, vecErr("a temporary assigned over triangular bounds")
	}
	if reduced {
		if r.noMasked {
			return "", nil, vecErr("a reduction over triangular bounds, with values that are not all finite")
		}
		return "", t, nil
	}
	return r.sharedMask(r.maskOver(t, tgt.axes)), nil, nil
}

// triangle is the domain of a statement inside the box of its triangular axes: the bounds of
// tri, over the vectorized iterators in axes (the triangular ones and those their bounds use).
type triangle struct {
	tri    []axis
	axes   []string
	byIter map[string]axis
}

// maskOver renders a triangle's mask over the given axes, which hold all of its own.
func (r *region) maskOver(t *triangle, over []string) string {
	var conds []string
	for _, a := range t.tri {
		it := align(operand{fmt.Sprintf("_np.arange(%s, %s)", r.names.aff(a.lo), r.names.aff(a.hi)), []string{a.iter}}, over)
		conds = append(conds, fmt.Sprintf("(%s >= %s)", it, r.affOver(a.tlo, t.byIter, over)),
			fmt.Sprintf("(%s < %s)", it, r.affOver(a.thi, t.byIter, over)))
	}
	return "(" + strings.Join(conds, " & ") + ")"
}

// inBox checks that an access along triangular axes stays inside its array over their whole
// box: each subscript on such an axis is the iterator plus an offset, and the box shifted by
// it lies within [0, extent) for every parameter value (a constant margin at both ends).
func (r *region) inBox(acc polyopt.Access, byIter map[string]axis) error {
	arr := r.scop.Arrays[acc.Array]
	for d, ix := range acc.Index {
		for v, c := range ix.Coef {
			a, ok := byIter[v]
			if !ok || !a.tri {
				continue
			}
			if c != 1 || arr == nil || d >= len(arr.Extent) {
				return vecErr("a triangular access that is not a unit-stride slice")
			}
			rest := subAff(ix, polyopt.Affine{Coef: map[string]int64{v: 1}})
			first := addAff(a.lo, rest)
			margin := subAff(arr.Extent[d], addAff(a.hi, rest))
			if !first.IsConst() || first.Const < 0 || !margin.IsConst() || margin.Const < 0 {
				return vecErr("the box of triangular bounds may reach outside " + acc.Array)
			}
		}
	}
	return nil
}

// affOver renders an affine expression over the target axes: vectorized iterators become
// broadcast aranges, parameters their variables.
func (r *region) affOver(e polyopt.Affine, byIter map[string]axis, target []string) string {
	terms := []string{fmt.Sprint(e.Const)}
	for _, v := range e.Vars() {
		c := e.Coef[v]
		term := r.names.aff(polyopt.Affine{Coef: map[string]int64{v: 1}})
		if a, ok := byIter[v]; ok {
			term = align(operand{fmt.Sprintf("_np.arange(%s, %s)", r.names.aff(a.lo), r.names.aff(a.hi)), []string{v}}, target)
		}
		terms = append(terms, fmt.Sprintf("%d * %s", c, term))
	}
	return "(" + strings.Join(terms, " + ") + ")"
}

// triAxis is the axis of a loop whose bounds depend on outer vectorized loops (j in
// range(i + 1)): the box its bounds span over the outer loops' ranges, with the bounds kept for
// the mask. Outer loops must be rectangular and the dependence of unit coefficient, so that
// the box is the bounds at the outer loops' ends.
func triAxis(l *polyopt.Loop, outer []axis, spans map[string][2]polyopt.Affine) (axis, error) {
	if l.Step != 1 {
		return axis{}, vecErr("triangular bounds with a step")
	}
	byIter := map[string]axis{}
	for _, a := range outer {
		if sp, ok := spans[a.iter]; ok {
			a.lo, a.hi = sp[0], sp[1]
		}
		byIter[a.iter] = a
	}
	extreme := func(e polyopt.Affine, high bool) (polyopt.Affine, error) {
		out := polyopt.Affine{Const: e.Const, Coef: map[string]int64{}}
		for v, c := range e.Coef {
			a, ok := byIter[v]
			if !ok {
				out.Coef[v] = c
				continue
			}
			if a.tri || (c != 1 && c != -1) {
				return polyopt.Affine{}, vecErr("triangular bounds")
			}
			// v ranges over [a.lo, a.hi - 1]; c*v is largest at one end, smallest at the other.
			end := a.lo
			if (c > 0) == high {
				end = subAff(a.hi, polyopt.Affine{Const: 1})
			}
			if c < 0 {
				end = subAff(polyopt.Affine{}, end)
			}
			out = addAff(out, end)
		}
		return out, nil
	}
	lo, err := extreme(l.Lo, false)
	if err != nil {
		return axis{}, err
	}
	hiLast, err := extreme(subAff(l.Hi, polyopt.Affine{Const: 1}), true)
	if err != nil {
		return axis{}, err
	}
	return axis{iter: l.Iter, lo: lo, hi: addAff(hiLast, polyopt.Affine{Const: 1}), tri: true, tlo: l.Lo, thi: l.Hi}, nil
}
