package polyopt

// Index-set splitting. Floyd-Warshall's row loop carries dependences only through row k, the
// pivot the loop around it sets: rows i < k read row k before iteration k rewrites it, rows
// i > k after. Split at k, the loop runs three pieces in its own order, i < k, i == k and
// i > k, and no dependence joins two iterations of one piece: the first and the last are
// parallel. isl checks that for every dependence; nothing is assumed about the values.

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// splitLoops sets SplitAt on each sequential loop of step 1 whose carried dependences all
// join iterations on different sides of an enclosing loop's index (or at it).
func splitLoops(sc *scope, s *SCoP, a *Analysis, sched *isl.UnionMap, dims int) error {
	for _, l := range s.Loops {
		l.SplitAt = ""
		// A loop around a check keeps its order: the first iteration that raises must be
		// the original's, with the same writes done before it.
		if l.Parallel || l.Step != 1 || len(l.Stmts) == 0 || hasCheck(l.Stmts) {
			continue
		}
		// The pieces are prange loops, which give each iteration its own copy of a local.
		if l.SharedScalar {
			continue
		}
		inside := statementsOf(l)
		for _, k := range enclosing(s, l) {
			if k.Step != 1 {
				continue
			}
			// Pairs of one piece: both before k's index, or both after it.
			rel := carriedAt(s, l, dims)
			rel = rel[:len(rel)-2] + fmt.Sprintf(" and ((t%[1]d < t%[2]d and u%[1]d < t%[2]d) or (t%[1]d > t%[2]d and u%[1]d > t%[2]d)) }",
				l.SchedDim, k.SchedDim)
			within, err := sc.umap(rel)
			if err != nil {
				return err
			}
			ok := true
			for _, d := range a.Deps {
				if !inside[d.From] || !inside[d.To] {
					continue
				}
				dep, err := sc.unionMap([]string{d.Relation})
				if err != nil {
					return err
				}
				times, err := inTime(sc, dep, sched)
				if err != nil {
					return err
				}
				if times, err = sc.keepUM(times.Intersect(within)); err != nil {
					return err
				}
				empty, err := times.IsEmpty()
				if err != nil {
					return err
				}
				if !empty {
					ok = false
					break
				}
			}
			if ok {
				l.SplitAt = k.Iter
				break
			}
		}
	}
	return nil
}

// markSharedScalars sets SharedScalar on each loop where some scalar its statements write
// is not, in every iteration, written before that iteration reads it. prange gives each
// iteration its own copy of such a local: a value reaching a read from another iteration (of
// the loop or of one around it) or from before the loop would be lost, and Numba refuses to
// compile a local read before its first write in a prange body unless it is a reduction.
// Where isl fails, every loop writing a scalar is marked.
func markSharedScalars(sc *scope, s *SCoP, a *Analysis, sched *isl.UnionMap, dims int) error {
	var firstErr error
	for _, l := range s.Loops {
		private, err := privateScalars(sc, s, a, l, sched, dims)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		l.SharedScalar = err != nil || !private
	}
	return firstErr
}

func statementsOf(l *Loop) map[string]bool {
	inside := map[string]bool{}
	for _, st := range l.Stmts {
		inside[st.Name] = true
	}
	return inside
}

func privateScalars(sc *scope, s *SCoP, a *Analysis, l *Loop, sched *isl.UnionMap, dims int) (bool, error) {
	written := map[string]bool{}
	for _, st := range l.Stmts {
		for _, w := range st.Writes {
			if arr := s.Arrays[w.Array]; arr != nil && arr.Scalar {
				written[w.Array] = true
			}
		}
	}
	if len(written) == 0 {
		return true, nil
	}
	inside := statementsOf(l)
	for arr := range written {
		for st := range a.ExposedReads[arr] {
			if inside[st] {
				return false, nil
			}
		}
	}
	// Schedule points in one iteration of l and of every loop around it.
	in := make([]string, dims)
	out := make([]string, dims)
	var cons []string
	for i := range in {
		in[i], out[i] = fmt.Sprintf("t%d", i), fmt.Sprintf("u%d", i)
		if i <= l.SchedDim {
			cons = append(cons, fmt.Sprintf("t%d = u%d", i, i))
		}
	}
	same, err := sc.umap(s.paramPrefix() + "{ [" + strings.Join(in, ", ") + "] -> [" + strings.Join(out, ", ") +
		"] : " + strings.Join(cons, " and ") + " }")
	if err != nil {
		return false, err
	}
	for _, d := range a.Deps {
		if d.Kind != Flow || !written[d.Array] || !inside[d.To] {
			continue
		}
		if !inside[d.From] {
			return false, nil
		}
		dep, err := sc.unionMap([]string{d.Relation})
		if err != nil {
			return false, err
		}
		times, err := inTime(sc, dep, sched)
		if err != nil {
			return false, err
		}
		if times, err = sc.keepUM(times.Subtract(same)); err != nil {
			return false, err
		}
		if empty, err := times.IsEmpty(); err != nil || !empty {
			return false, err
		}
	}
	return true, nil
}

// enclosing returns the loops around l, innermost first.
func enclosing(s *SCoP, l *Loop) []*Loop {
	var out []*Loop
	if len(l.Stmts) == 0 {
		return nil
	}
	loops := l.Stmts[0].Loops
	for i := len(loops) - 1; i >= 0; i-- {
		if loops[i] != l && loops[i].Depth < l.Depth {
			out = append(out, loops[i])
		}
	}
	return out
}
