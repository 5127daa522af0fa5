package polyopt

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// Array expansion (privatization of arrays). doitgen's work vector is rewritten whole in
// every iteration of its (r, q) loops before it is read:
//
//	for r in range(nr):
//	    for q in range(nq):
//	        for p in range(n_p):
//	            sum_[p] = 0.0
//	            for s in range(n_p):
//	                sum_[p] += A[r, q, s] * C4[s, p]
//	        for p in range(n_p):
//	            A[r, q, p] = sum_[p]
//
// Reusing sum_ makes r and q carry anti and output dependences, but no value flows from one
// iteration to another. With one copy of sum_ per (r, q) point those dependences vanish and
// the loops are parallel; after them the array must hold what the last iteration left in it.
// expandable proves, with isl, what that needs.

// expansionCandidate reports a dependence that expanding its array could remove: an anti or
// output dependence on an array (scalars are privatized without expansion).
func expansionCandidate(s *SCoP, d Dependence) bool {
	arr := s.Arrays[d.Array]
	return arr != nil && !arr.Scalar && len(arr.Extent) > 0 && d.Kind != Flow
}

// Expansion is an array given one copy per iteration of the loops Over: the loops of the SCoP
// around every access to it inside the loop that needs the expansion, outer first.
type Expansion struct {
	Array string
	Over  []*Loop
}

// expandable returns the loops over which the array must be expanded for l (see Expansion),
// or none where expansion is not proven right. With d the innermost of those loops:
//
//   - every read of the array inside d gets its value from a write in the same iteration of
//     d and of every loop around it (no read sees a value from before the SCoP, from before
//     d, or from another iteration);
//   - d and the loops around it step by 1, so that the last iteration is the last index of
//     each copy dimension;
//   - whenever d and its enclosing loops run at all, their last iteration writes every
//     element of the array, so the last copy is the array's final contents.
func expandable(sc *scope, s *SCoP, a *Analysis, l *Loop, array string, sched *isl.UnionMap, dims int) ([]*Loop, error) {
	// The loops around every statement of l that accesses the array.
	var chain []*Loop
	first := true
	for _, st := range l.Stmts {
		if !accessesArray(st, array) {
			continue
		}
		if first {
			chain, first = st.Loops, false
			continue
		}
		n := 0
		for n < len(chain) && n < len(st.Loops) && chain[n] == st.Loops[n] {
			n++
		}
		chain = chain[:n]
	}
	if len(chain) <= l.Depth || chain[l.Depth] != l {
		return nil, nil
	}
	d := chain[len(chain)-1]
	inside := map[string]bool{}
	for _, st := range d.Stmts {
		inside[st.Name] = true
		if a.ExposedReads[array][st.Name] {
			return nil, nil
		}
	}
	for _, c := range chain {
		if c.Step != 1 {
			return nil, nil
		}
	}
	same, err := sc.umap(sameIterationAt(s, d, dims))
	if err != nil {
		return nil, err
	}
	for _, dep := range a.Deps {
		if dep.Array != array || dep.Kind != Flow || !inside[dep.To] {
			continue
		}
		if !inside[dep.From] {
			return nil, nil // the value comes from before the loop
		}
		rel, err := sc.umap(dep.Relation)
		if err != nil {
			return nil, err
		}
		inTime, err := sc.keepUM(rel.ApplyDomain(sched))
		if err != nil {
			return nil, err
		}
		if inTime, err = sc.keepUM(inTime.ApplyRange(sched)); err != nil {
			return nil, err
		}
		ok, err := inTime.IsSubset(same)
		if err != nil || !ok {
			return nil, err
		}
	}
	ok, err := lastWritesAll(sc, s, d, chain, array)
	if err != nil || !ok {
		return nil, err
	}
	return chain, nil
}

// lastWritesAll reports whether, for every parameter value where the loops of chain (d and
// the loops around it) run at least once, their last iteration writes every element of array.
func lastWritesAll(sc *scope, s *SCoP, d *Loop, chain []*Loop, array string) (bool, error) {
	var iters, cons []string
	for _, c := range chain {
		iters = append(iters, c.Iter)
		cons = append(cons, fmt.Sprintf("%s <= %s", c.Lo, c.Iter), fmt.Sprintf("%s <= %s", c.Iter, c.Hi.add(constAff(1), -1)))
	}
	tuple := "L[" + strings.Join(iters, ", ") + "]"
	box, err := sc.unionSet([]string{s.paramPrefix() + "{ " + tuple + " : " + strings.Join(cons, " and ") + " }"})
	if err != nil {
		return false, err
	}
	// The elements each iteration of the chain writes.
	per, err := sc.unionMap(nil)
	if err != nil {
		return false, err
	}
	for _, st := range d.Stmts {
		for _, acc := range st.Writes {
			if acc.Array != array {
				continue
			}
			w, err := sc.umap(acc.Relation)
			if err != nil {
				return false, err
			}
			dom, err := sc.unionSet([]string{st.Domain})
			if err != nil {
				return false, err
			}
			if w, err = sc.keepUM(w.IntersectDomain(dom)); err != nil {
				return false, err
			}
			proj, err := sc.umap(s.paramPrefix() + "{ " + st.Name + "[" + strings.Join(st.Iters, ", ") + "] -> " + tuple + " }")
			if err != nil {
				return false, err
			}
			if w, err = sc.keepUM(w.ApplyDomain(proj)); err != nil {
				return false, err
			}
			if per, err = sc.keepUM(per.Union(w)); err != nil {
				return false, err
			}
		}
	}
	last, err := sc.keepUS(box.Lexmax())
	if err != nil {
		return false, err
	}
	lastWrites, err := sc.keepUM(per.IntersectDomain(last))
	if err != nil {
		return false, err
	}
	written, err := sc.keepUS(lastWrites.Range())
	if err != nil {
		return false, err
	}
	arr := s.Arrays[array]
	var idx, bounds []string
	for d, ext := range arr.Extent {
		idx = append(idx, fmt.Sprintf("x%d", d))
		bounds = append(bounds, fmt.Sprintf("0 <= x%d < %s", d, ext))
	}
	whole, err := sc.unionSet([]string{s.paramPrefix() + "{ " + array + "[" + strings.Join(idx, ", ") + "] : " + strings.Join(bounds, " and ") + " }"})
	if err != nil {
		return false, err
	}
	missing, err := sc.keepUS(whole.Subtract(written))
	if err != nil {
		return false, err
	}
	runs, err := box.Params()
	if err != nil {
		return false, err
	}
	sc.add(runs)
	if missing, err = sc.keepUS(missing.IntersectParams(runs)); err != nil {
		return false, err
	}
	ctxSet, err := sc.set(s.Context)
	if err != nil {
		return false, err
	}
	if missing, err = sc.keepUS(missing.IntersectParams(ctxSet)); err != nil {
		return false, err
	}
	return missing.IsEmpty()
}

// sameIterationAt relates schedule points in the same iteration of l and of every loop
// around it.
func sameIterationAt(s *SCoP, l *Loop, dims int) string {
	in := make([]string, dims)
	out := make([]string, dims)
	for i := range in {
		in[i], out[i] = fmt.Sprintf("t%d", i), fmt.Sprintf("u%d", i)
	}
	var cons []string
	for i := 0; i <= l.SchedDim; i++ {
		if i%2 == 0 {
			p := l.SchedPre[i/2]
			cons = append(cons, fmt.Sprintf("t%d = %d", i, p), fmt.Sprintf("u%d = %d", i, p))
		} else {
			cons = append(cons, fmt.Sprintf("t%d = u%d", i, i))
		}
	}
	return s.paramPrefix() + "{ [" + strings.Join(in, ", ") + "] -> [" + strings.Join(out, ", ") +
		"] : " + strings.Join(cons, " and ") + " }"
}

func accessesArray(st *Stmt, array string) bool {
	for _, acc := range append(append([]Access(nil), st.Reads...), st.Writes...) {
		if acc.Array == array {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
