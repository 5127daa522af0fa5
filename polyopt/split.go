package polyopt

// Index-set splitting. Floyd-Warshall's row loop carries dependences only through row k, the
// pivot the loop around it sets: rows i < k read row k before iteration k rewrites it, rows
// i > k after. Split at k, the loop runs three pieces in its own order, i < k, i == k and
// i > k, and no dependence joins two iterations of one piece: the first and the last are
// parallel. isl checks that for every dependence; nothing is assumed about the values.

import (
	"fmt"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// splitLoops sets SplitAt on each sequential loop of step 1 whose carried dependences all
// join iterations on different sides of an enclosing loop's index (or at it).
func splitLoops(sc *scope, s *SCoP, a *Analysis, sched *isl.UnionMap, dims int) error {
	for _, l := range s.Loops {
		l.SplitAt = ""
		if l.Parallel || l.Step != 1 || len(l.Stmts) == 0 {
			continue
		}
		inside := map[string]bool{}
		for _, st := range l.Stmts {
			inside[st.Name] = true
		}
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
