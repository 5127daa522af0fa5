package polyopt

import (
	"fmt"
	"slices"
	"sort"

	"github.com/pyparc/pyparc/pyast"
)

// A stencil stepped in time,
//
//	for t in range(T):
//	    for i in range(1, n - 1):
//	        B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1])
//	    for i in range(1, n - 1):
//	        A[i] = 0.33333 * (B[i - 1] + B[i] + B[i + 1])
//
// may run in parallel with one parallel region per h time steps instead of one per sweep:
// each thread owns a band of rows, copies its band widened by the rows the band's values
// after h steps depend on (its ghost zone), runs the h steps on the copy in the original
// order, and writes back the rows it owns. The widened rows are computed twice, by
// neighbouring threads. Rows near a cut edge of a copy go wrong, as their neighbours were
// not copied, but each sweep spreads the wrong values by no more rows than its statements
// read beyond their own row: h times the sum of those reaches stays outside the owned band
// (overlapped or ghost-zone tiling; isl's tiled wavefronts need a region per wavefront,
// and for a 1-D stencil those are many and short).
//
// An Overlap is such a nest: a sequential loop at the top level of a SCoP whose body is
// loops only (the sweeps), each parallel, over bounds the time loop does not change, whose
// statements write arrays at the row of the sweep's index and read every array they read
// through it at that row plus a constant. The sweep's index appears nowhere else (not in
// other subscripts, values or inner bounds), so a sweep runs on a band's copy as written,
// with its index counting rows of the copy. The copy of an array must hold the same rows as
// every other: the windowed arrays have one extent along their first axis.

// Overlap is a time loop that may run as overlapped bands.
type Overlap struct {
	Loop   *Loop   // the time loop
	Sweeps []*Loop // the loops of its body, in order
	// Before and After are, per sweep, the most rows its statements read before and after
	// the row they write.
	Before, After []int64
	// Every is, per sweep, the most rows read before the row by its statements that run at
	// every row of its range (not inside a condition or an inner loop); -1 where none do.
	// Such a read is in bounds, so the sweep's start is at least that far from row 0.
	Every []int64
	// Windowed are the arrays subscripted with a sweep's index, sorted; Written those of
	// them the nest writes.
	Windowed []string
	Written  map[string]bool
	// Rank is the windowed arrays' rank: one for a 1-D stencil.
	Rank int
}

// Reach is how many rows the values of a band after one time step depend on beyond the
// band, before it and after it.
func (o *Overlap) Reach() (before, after int64) {
	for k := range o.Sweeps {
		before += o.Before[k]
		after += o.After[k]
	}
	return before, after
}

// Overlaps finds the time loops at the top level of an analyzed SCoP that may run as
// overlapped bands, and says why the others may not.
func Overlaps(s *SCoP) ([]*Overlap, []string) {
	var out []*Overlap
	var why []string
	for _, l := range s.sequentialNests() {
		o, err := overlap(s, l)
		if err != nil {
			why = append(why, fmt.Sprintf("loop %s: %v", l.Iter, err))
			continue
		}
		out = append(out, o)
	}
	return out, why
}

func overlap(s *SCoP, l *Loop) (*Overlap, error) {
	f := l.Node
	if l.Step != 1 || f.Else != nil {
		return nil, fmt.Errorf("not a time loop of step 1")
	}
	o := &Overlap{Loop: l, Written: map[string]bool{}}
	sweepOf := map[*Loop]int{}
	for _, st := range f.Body {
		g, ok := st.(*pyast.For)
		if !ok {
			return nil, fmt.Errorf("its body holds a statement outside a loop")
		}
		sw := s.loopOf(g)
		switch {
		case sw == nil || g.Else != nil || sw.Step != 1:
			return nil, fmt.Errorf("a sweep is not a loop of step 1")
		case !sw.Parallel:
			return nil, fmt.Errorf("sweep %s carries a dependence", sw.Iter)
		case sw.Lo.Coef[l.Iter] != 0 || sw.Hi.Coef[l.Iter] != 0:
			return nil, fmt.Errorf("sweep %s's bounds change with %s", sw.Iter, l.Iter)
		}
		sweepOf[sw] = len(o.Sweeps)
		o.Sweeps = append(o.Sweeps, sw)
	}
	if len(o.Sweeps) == 0 {
		return nil, fmt.Errorf("no sweep")
	}
	o.Before = make([]int64, len(o.Sweeps))
	o.After = make([]int64, len(o.Sweeps))
	o.Every = make([]int64, len(o.Sweeps))
	for k := range o.Every {
		o.Every[k] = -1
	}
	windowed := map[string]bool{}
	plain := map[string]bool{} // arrays read not by row
	for _, st := range l.Stmts {
		if len(st.Loops) < 2 || st.Loops[0] != l {
			return nil, fmt.Errorf("statement %s is not inside a sweep", st.Name)
		}
		k, ok := sweepOf[st.Loops[1]]
		if !ok {
			return nil, fmt.Errorf("statement %s is not inside a sweep", st.Name)
		}
		if st.Check || st.Call {
			return nil, fmt.Errorf("statement %s raises or calls", st.Name)
		}
		row := st.Loops[1].Iter
		every := len(st.Loops) == 2 && slices.Contains(st.Loops[1].Node.Body, st.Node)
		if every {
			o.Every[k] = max(o.Every[k], 0)
		}
		for _, w := range st.Writes {
			a := s.Arrays[w.Array]
			if a == nil || a.Scalar || len(w.Index) == 0 {
				return nil, fmt.Errorf("statement %s writes the scalar %s", st.Name, w.Array)
			}
			if !isRow(w.Index[0], row, 0) {
				return nil, fmt.Errorf("statement %s writes %s at another row than %s", st.Name, w.Array, row)
			}
			o.Written[w.Array] = true
		}
		for _, acc := range append(append([]Access(nil), st.Reads...), st.Writes...) {
			a := s.Arrays[acc.Array]
			if a == nil || a.Scalar || len(acc.Index) == 0 {
				continue // a scalar no statement of the nest writes (checked above)
			}
			for _, x := range acc.Index[1:] {
				if x.Coef[row] != 0 {
					return nil, fmt.Errorf("%s's index %s is in another subscript of %s than its first", st.Name, row, acc.Array)
				}
			}
			first := acc.Index[0]
			if first.Coef[row] == 0 {
				plain[acc.Array] = true
				continue
			}
			if !isRow(first, row, first.Const) {
				return nil, fmt.Errorf("statement %s reads %s at a row that is not %s plus a constant", st.Name, acc.Array, row)
			}
			windowed[acc.Array] = true
			if c := first.Const; c < 0 {
				o.Before[k] = max(o.Before[k], -c)
				if every {
					o.Every[k] = max(o.Every[k], -c)
				}
			} else {
				o.After[k] = max(o.After[k], c)
			}
		}
	}
	var extent string
	for name := range windowed {
		if plain[name] {
			return nil, fmt.Errorf("%s is read both by row and not", name)
		}
		a := s.Arrays[name]
		if e := a.Extent[0].String(); extent == "" {
			extent, o.Rank = e, len(a.Extent)
		} else if e != extent {
			return nil, fmt.Errorf("the arrays read by row have different first extents")
		}
		if len(a.Extent) != o.Rank {
			o.Rank = 0 // mixed ranks: not a 1-D stencil, whatever the first array says
		}
		o.Windowed = append(o.Windowed, name)
	}
	sort.Strings(o.Windowed)
	iters := map[string]bool{}
	pyast.Inspect(f, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.For); ok && g != f {
			if x, ok := g.Target.(*pyast.Name); ok {
				iters[x.Id] = true
			}
		}
		return true
	})
	for _, sw := range o.Sweeps {
		if err := rowOnlyInSubscripts(sw.Node.Body, sw.Iter, windowed); err != nil {
			return nil, err
		}
		if v := iterOutside(sw.Node, iters); v != "" {
			return nil, fmt.Errorf("the loop variable %s is read outside its loop", v)
		}
	}
	return o, nil
}

// iterOutside returns a name of iters read in the loop f outside a loop over it, or "". The
// bands run each sweep in a function of its own, from its band's first row: another
// sweep's index, or an inner loop's after it ends, would be that band's (found by review:
// A[j] = B[j - 1] + i in a second sweep read the first's last i in the band's rows).
func iterOutside(f *pyast.For, iters map[string]bool) string {
	found := ""
	var walk func(n pyast.Node, bound map[string]bool)
	walk = func(n pyast.Node, bound map[string]bool) {
		if n == nil || found != "" {
			return
		}
		switch n := n.(type) {
		case *pyast.For:
			inner := bound
			if x, ok := n.Target.(*pyast.Name); ok {
				inner = map[string]bool{x.Id: true}
				for k := range bound {
					inner[k] = true
				}
			}
			walk(n.Iter, bound)
			for _, st := range n.Body {
				walk(st, inner)
			}
			return
		case *pyast.Name:
			if iters[n.Id] && !bound[n.Id] {
				found = n.Id
			}
			return
		}
		for _, c := range pyast.Children(n) {
			walk(c, bound)
		}
	}
	walk(f, nil)
	return found
}

// isRow reports whether x is the iterator row plus c.
func isRow(x Affine, row string, c int64) bool {
	return len(x.Coef) == 1 && x.Coef[row] == 1 && x.Const == c
}

// rowOnlyInSubscripts checks that the name row appears in body only in the first subscript
// of a windowed array, and a windowed array only subscripted: the sweep then runs on copies
// of the arrays' bands, its index counting the copies' rows, and nothing reads a copy for
// the array (A.shape[0] in a condition or an inner bound would be the band's length; found
// by review).
func rowOnlyInSubscripts(body []pyast.Stmt, row string, windowed map[string]bool) error {
	var bad string
	var walk func(n pyast.Node) bool
	walk = func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			switch {
			case bad != "":
			case n.Id == row:
				bad = row + " is used outside the first subscript of an array read by row"
			case windowed[n.Id]:
				bad = n.Id + " is used other than subscripted"
			}
		case *pyast.Subscript:
			if x, ok := n.X.(*pyast.Name); ok && windowed[x.Id] {
				idx := []pyast.Expr{n.Index}
				if t, ok := n.Index.(*pyast.Tuple); ok {
					idx = t.Elts
				}
				for k, e := range idx {
					if k > 0 {
						pyast.Inspect(e, walk)
					}
				}
				return false
			}
		}
		return true
	}
	for _, st := range body {
		pyast.Inspect(st, walk)
	}
	if bad != "" {
		return fmt.Errorf("%s", bad)
	}
	return nil
}
