package polyopt

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// Whole-array code runs the statements of a vectorized loop nest one after another, each for
// all of its points (loop distribution). That is legal when every dependence between two
// statements of the nest goes from the one run first to the one run later, whichever loop
// carries it, and every dependence of a statement on itself survives running all of its
// points at once (a reduction, or an anti dependence: NumPy reads the whole right side before
// it stores). The statements need not run in their source order: in symm's
//
//	for i in range(m):
//	    for j in range(n):
//	        temp2 = 0.0
//	        for k in range(i):
//	            C[k, j] += alpha * B[i, j] * A[i, k]     # S1
//	            temp2 += B[k, j] * A[i, k]               # S2
//	        C[i, j] = beta * C[i, j] + ...  + alpha * temp2  # S3
//
// S3 writes row i of C, which S1 adds to in later iterations of i: a dependence from S3 back to
// the earlier S1, carried by i, which keeps i sequential in the source order. Nothing runs from
// S1 to S2 or S3, so the order S0, S2, S3, S1 turns every dependence forward, and the whole
// nest becomes four whole-array statements.
//
// reorderLoops finds such an order for each loop that is otherwise sequential, as a new
// schedule: the statements of the loop run in the order found, each over all of its points in
// its original order, (t_0, ..., t_d-1, p, t_d, ...), p the statement's position in the new
// order and d the loop's schedule dimension. isl proves that every dependence between
// statements of the loop lies in the lexicographic order of that schedule. The parts of
// dependences on scalars private to each iteration of a loop (see privatizable) are left out:
// whole-array code gives such a scalar one value per point.

// reorderLoops sets Loop.Order where a new order of a sequential loop's statements is legal
// for whole-array code. sched is the SCoP's original schedule, dims its number of dimensions.
func reorderLoops(sc *scope, s *SCoP, a *Analysis, sched *isl.UnionMap, dims int) error {
	for _, l := range s.Loops {
		l.Order = nil
		if l.Parallel || l.Reduction || l.Anti || len(l.Expand) > 0 || hasCheck(l.Stmts) || len(l.Stmts) < 2 {
			continue
		}
		order, err := reorder(sc, s, a, l, sched, dims)
		if err != nil {
			return fmt.Errorf("reordering the statements of loop %s: %w", l.Iter, err)
		}
		l.Order = order
	}
	return nil
}

// reorder returns a legal order of l's statements for whole-array code, or nil when there is
// none.
func reorder(sc *scope, s *SCoP, a *Analysis, l *Loop, sched *isl.UnionMap, dims int) ([]string, error) {
	inside := map[string]bool{}
	for _, st := range l.Stmts {
		inside[st.Name] = true
	}
	carriedL, err := sc.umap(carriedAt(s, l, dims))
	if err != nil {
		return nil, err
	}
	// instancesIn turns a relation between schedule points into one between the statement
	// instances scheduled there.
	back, err := sc.keepUM(sched.Reverse())
	if err != nil {
		return nil, err
	}
	instancesIn := func(times *isl.UnionMap) (*isl.UnionMap, error) {
		m, err := sc.keepUM(sched.ApplyRange(times))
		if err != nil {
			return nil, err
		}
		return sc.keepUM(m.ApplyRange(back))
	}
	atL, err := instancesIn(carriedL)
	if err != nil {
		return nil, err
	}
	// Every loop inside l must run as whole-array code in any order of its statements: the
	// dependences it carries on a statement itself are those of reductions or anti ones.
	carriers := map[*Loop]*isl.UnionMap{l: atL}
	for _, inner := range s.Loops {
		if inner == l || !within(inner, l) {
			continue
		}
		if !(inner.Parallel || inner.Reduction || inner.Anti) || len(inner.Expand) > 0 {
			return nil, nil
		}
		c, err := sc.umap(carriedAt(s, inner, dims))
		if err != nil {
			return nil, err
		}
		if carriers[inner], err = instancesIn(c); err != nil {
			return nil, err
		}
	}
	kept, err := sc.unionMap(nil)
	if err != nil {
		return nil, err
	}
	edges := map[string]map[string]bool{}
	for _, d := range a.Deps {
		if !inside[d.From] || !inside[d.To] {
			continue
		}
		rel, err := sc.umap(d.Relation)
		if err != nil {
			return nil, err
		}
		byL, err := sc.keepUM(rel.Intersect(atL))
		if err != nil {
			return nil, err
		}
		notCarried, err := byL.IsEmpty()
		if err != nil {
			return nil, err
		}
		if d.From == d.To {
			// Running all points of a statement at once keeps a reduction's dependences (its
			// value is not carried) and anti dependences; the new schedule keeps the order of
			// the statement's own instances, so isl has nothing to check.
			if notCarried {
				continue
			}
			if privateAt(l, d) || forwardAnti(s, d) {
				continue
			}
			if d.Reduction {
				ok, err := reductionAt(sc, d, atL)
				if err != nil {
					return nil, err
				}
				if ok {
					continue
				}
			}
			return nil, nil
		}
		// Parts carried by a loop where the dependence is on a scalar private to each of its
		// iterations do not count: whole-array code gives the scalar one value per point.
		for inner, at := range carriers {
			if !privateAt(inner, d) {
				continue
			}
			if rel, err = sc.keepUM(rel.Subtract(at)); err != nil {
				return nil, err
			}
		}
		empty, err := rel.IsEmpty()
		if err != nil {
			return nil, err
		}
		if empty {
			continue
		}
		if arr := s.Arrays[d.Array]; arr == nil || arr.Scalar {
			// A scalar becomes one value per point or a reduction target: neither keeps a
			// value for another iteration of a loop to read or overwrite.
			for _, c := range carriers {
				still, err := sc.keepUM(rel.Intersect(c))
				if err != nil {
					return nil, err
				}
				if empty, err := still.IsEmpty(); err != nil || !empty {
					return nil, err
				}
			}
		}
		if edges[d.From] == nil {
			edges[d.From] = map[string]bool{}
		}
		edges[d.From][d.To] = true
		if kept, err = sc.keepUM(kept.Union(rel)); err != nil {
			return nil, err
		}
	}
	order := topoOrder(l.Stmts, edges)
	if order == nil {
		return nil, nil
	}
	newSched, err := distributed(sc, s, l, order, dims)
	if err != nil {
		return nil, err
	}
	before, err := sc.keepUM(newSched.LexLt(newSched))
	if err != nil {
		return nil, err
	}
	ok, err := kept.IsSubset(before)
	if err != nil || !ok {
		return nil, err
	}
	return order, nil
}

// privateAt reports a dependence l lists as on a scalar private to each of its iterations.
func privateAt(l *Loop, d Dependence) bool {
	for _, c := range l.CarriedBy {
		if c == d.String()+" (private to each iteration)" {
			return true
		}
	}
	return false
}

// reductionAt reports a reduction's dependence whose value part (see valueDeps) l does not
// carry: then only the association of the sum depends on l's order.
func reductionAt(sc *scope, d Dependence, atL *isl.UnionMap) (bool, error) {
	if d.Value == "" {
		return true, nil
	}
	v, err := sc.umap(d.Value)
	if err != nil {
		return false, err
	}
	if v, err = sc.keepUM(v.Intersect(atL)); err != nil {
		return false, err
	}
	return v.IsEmpty()
}

// within reports whether inner is outer or a loop inside it: a deeper loop whose statements
// are all outer's.
func within(inner, outer *Loop) bool {
	if inner == outer {
		return true
	}
	if inner.Depth <= outer.Depth || len(inner.Stmts) == 0 {
		return false
	}
	for _, st := range inner.Stmts {
		if !hasStmt(outer.Stmts, st) {
			return false
		}
	}
	return true
}

func hasStmt(list []*Stmt, st *Stmt) bool {
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}

// topoOrder orders the statements so that every edge goes forward, keeping the source order
// wherever the edges allow it; nil when they form a cycle.
func topoOrder(stmts []*Stmt, edges map[string]map[string]bool) []string {
	preds := map[string]int{}
	for from, tos := range edges {
		for to := range tos {
			if from != to {
				preds[to]++
			}
		}
	}
	done := map[string]bool{}
	var order []string
	for len(order) < len(stmts) {
		next := ""
		for _, st := range stmts {
			if !done[st.Name] && preds[st.Name] == 0 {
				next = st.Name
				break
			}
		}
		if next == "" {
			return nil
		}
		done[next] = true
		order = append(order, next)
		var tos []string
		for to := range edges[next] {
			tos = append(tos, to)
		}
		sort.Strings(tos)
		for _, to := range tos {
			if to != next {
				preds[to]--
			}
		}
	}
	return order
}

// distributed is the schedule that runs l's statements in the given order, each over all of
// its points: a dimension holding the statement's position in order is inserted before l's
// own dimension of the original schedule.
func distributed(sc *scope, s *SCoP, l *Loop, order []string, dims int) (*isl.UnionMap, error) {
	t := make([]string, dims)
	for i := range t {
		t[i] = fmt.Sprintf("t%d", i)
	}
	out, err := sc.unionMap(nil)
	if err != nil {
		return nil, err
	}
	for p, name := range order {
		st := s.StmtByName(name)
		if st == nil {
			return nil, fmt.Errorf("no statement %s", name)
		}
		own, err := sc.umap(st.Schedule)
		if err != nil {
			return nil, err
		}
		moved := append(append(append([]string(nil), t[:l.SchedDim]...), fmt.Sprint(p)), t[l.SchedDim:]...)
		shift, err := sc.umap(fmt.Sprintf("{ [%s] -> [%s] }", strings.Join(t, ", "), strings.Join(moved, ", ")))
		if err != nil {
			return nil, err
		}
		if own, err = sc.keepUM(own.ApplyRange(shift)); err != nil {
			return nil, err
		}
		if out, err = sc.keepUM(out.Union(own)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
