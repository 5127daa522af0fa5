package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// Private partial sums: a loop whose iterations share nothing but sums into the same cells of
// an array (bicg's rows each add r[i] * A[i, j] into every s[j]; atax's add A[i, j] * tmp[i]
// into every y[j]) runs in the summing Numba variant as one chunk of its iterations per
// thread, each chunk adding into a copy of the array of its own; the copies are then added
// into the array, chunk after chunk for each cell:
//
//	_lo0 = (0)
//	_tr0 = max(0, (n) - _lo0)
//	_nt0 = _rt.reduction_chunks(_tr0, s.size, _nthreads)
//	if _nt0 > 1:
//	    _pr0_s = _np.full((_nt0,) + s.shape, -0.0, s.dtype)
//	    for _c0 in _rt.prange(_nt0):
//	        for i in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):
//	            q[i] = 0.0
//	            for j in range(m):
//	                _pr0_s[_c0, j] = _pr0_s[_c0, j] + r[i] * A[i, j]
//	            ...
//	    for _c0_0 in _rt.prange(s.shape[0]):
//	        for _c0 in range(_nt0):
//	            s[_c0_0] += _pr0_s[_c0, _c0_0]
//	else:
//	    for i in range(n):
//	        ... (as written)
//
// polyopt's Loop.Summed names the statements whose sums the loop carries and Loop.Reduction
// says it carries nothing else. Each such array is touched in the loop by its one sum
// statement only, so no statement reads a partial sum. The copies start at -0.0, the identity
// of IEEE addition (x + -0.0 is x, for x = -0.0 too), so a cell no iteration updates keeps its
// value bit for bit; the cells updated get their terms added in another order, as BLAS's
// products, which the NumPy variant calls for the same loops, add them. With the sum loops
// (numba_sum.go) split out of the rows, one pass over a row of A serves both of bicg's
// products, where the NumPy variant reads A twice.

// privateLoop is a loop run in chunks with private partial sums.
type privateLoop struct {
	f       *pyast.For
	loop    *polyopt.Loop
	k       int      // its number in the region: its names end in k
	arrays  []string // the arrays summed into, sorted
	renames []edit   // the sum statements' references to those arrays, as to the chunk's copies
	// fused says some array is read by two or more statements of the loop: the chunked
	// loop reads it once for all of them.
	fused bool
}

// privateLoops finds the loops at the top of s (the ones a prange may replace) that qualify.
func privateLoops(s *polyopt.SCoP, def *pyast.FunctionDef, src []byte, outside map[string]bool) []*privateLoop {
	var out []*privateLoop
	var visit func(body []pyast.Stmt)
	visit = func(body []pyast.Stmt) {
		for _, st := range body {
			switch st := st.(type) {
			case *pyast.For:
				l := loopOf(s, st)
				if l == nil || l.Parallel || bindsLiveOut(def, st, outside) {
					continue
				}
				if p := privateLoopOf(s, st, l, src, len(out)); p != nil {
					out = append(out, p)
				}
			case *pyast.If:
				visit(st.Body)
				visit(st.Else)
			}
		}
	}
	visit(s.Body)
	return out
}

func privateLoopOf(s *polyopt.SCoP, f *pyast.For, l *polyopt.Loop, src []byte, k int) *privateLoop {
	if !l.Reduction || len(l.Summed) == 0 || l.Step != 1 || l.SharedScalar || len(f.Else) > 0 || len(f.Body) == 0 {
		return nil
	}
	if _, ok := f.Target.(*pyast.Name); !ok {
		return nil
	}
	if iter, ok := f.Iter.(*pyast.Call); !ok || len(iter.Args) == 0 || len(iter.Args) > 2 || !isRange(iter) {
		return nil
	}
	if !ownLine(src, f.Body[0]) {
		return nil // the body on the header's line
	}
	// Nothing in the loop may raise: the chunks run in any order, and an exception raised
	// in one would leave the others' sums unadded.
	for _, st := range l.Stmts {
		if st.Check || st.Call || len(st.Divisors) > 0 || hasCall(st.Node) {
			return nil
		}
	}
	p := &privateLoop{f: f, loop: l, k: k}
	summed := map[string]*polyopt.Stmt{}
	for _, name := range l.Summed {
		st := s.StmtByName(name)
		if st == nil || st.Reduction != "+" || len(st.Writes) != 1 || stmtOf(l, st.Node) == nil {
			return nil
		}
		w := st.Writes[0]
		a := s.Arrays[w.Array]
		if a == nil || a.Scalar || (a.DType != "float64" && a.DType != "float32") || summed[w.Array] != nil {
			return nil
		}
		if _, _, _, ok := sumUpdate(src, st.Node); !ok {
			return nil
		}
		summed[w.Array] = st
		p.arrays = append(p.arrays, w.Array)
	}
	sort.Strings(p.arrays)
	readers := map[string]int{}
	for _, st := range l.Stmts {
		seen := map[string]bool{}
		for _, r := range st.Reads {
			if !seen[r.Array] && s.Arrays[r.Array] != nil && !s.Arrays[r.Array].Scalar {
				seen[r.Array] = true
				readers[r.Array]++
			}
		}
		for arr, sum := range summed {
			if st == sum {
				continue
			}
			for _, acc := range append(append([]polyopt.Access{}, st.Reads...), st.Writes...) {
				if acc.Array == arr {
					return nil // another statement sees the array
				}
			}
		}
	}
	for arr, n := range readers {
		if n >= 2 && summed[arr] == nil {
			p.fused = true
		}
	}
	// The sum statements' references to their arrays, each the cell the statement updates.
	for _, arr := range p.arrays {
		st := summed[arr]
		w := st.Writes[0]
		want := string(src[w.Node.Pos():w.Node.End()])
		done := map[pyast.Expr]bool{}
		for _, acc := range append([]polyopt.Access{w}, st.Reads...) {
			if acc.Array != arr || done[acc.Node] {
				continue
			}
			done[acc.Node] = true
			sub, ok := acc.Node.(*pyast.Subscript)
			if !ok || string(src[sub.Pos():sub.End()]) != want {
				return nil
			}
			x, ok := sub.X.(*pyast.Name)
			if !ok || x.Id != arr {
				return nil
			}
			if t, ok := sub.Index.(*pyast.Tuple); ok && t.Paren {
				return nil
			}
			p.renames = append(p.renames,
				edit{int(x.Pos()), int(x.End()), p.copyName(arr)},
				edit{int(sub.Index.Pos()), int(sub.Index.Pos()), p.chunk() + ", "})
		}
	}
	sort.SliceStable(p.renames, func(i, j int) bool { return p.renames[i].from < p.renames[j].from })
	return p
}

func (p *privateLoop) copyName(arr string) string { return fmt.Sprintf("_pr%d_%s", p.k, arr) }
func (p *privateLoop) chunk() string              { return fmt.Sprintf("_c%d", p.k) }

// span is the loop's lines in the source.
func (p *privateLoop) span(src []byte) (int, int) {
	return lineStart(src, int(p.f.Pos())), lineEnd(src, int(p.f.End()))
}

// render returns the loop's replacement. inner are the edits inside the loop with the
// arrays renamed (sum loops rendered so); plain the same edits without.
func (p *privateLoop) render(s *polyopt.SCoP, src []byte, inner, plain []edit) string {
	from, to := p.span(src)
	indent := string(src[from:int(p.f.Pos())])
	iter := p.f.Iter.(*pyast.Call)
	lo, hi := "0", string(src[iter.Args[0].Pos():iter.Args[0].End()])
	if len(iter.Args) == 2 {
		lo, hi = string(src[iter.Args[0].Pos():iter.Args[0].End()]), string(src[iter.Args[1].Pos():iter.Args[1].End()])
	}
	k, c := p.k, p.chunk()
	var sizes []string
	for _, arr := range p.arrays {
		sizes = append(sizes, arr+".size")
	}
	var b strings.Builder
	line := func(depth int, format string, args ...any) {
		b.WriteString(indent + strings.Repeat("    ", depth) + fmt.Sprintf(format, args...) + "\n")
	}
	line(0, "_lo%d = (%s)", k, lo) // parenthesized: the expression may span lines
	line(0, "_tr%d = max(0, (%s) - _lo%d)", k, hi, k)
	line(0, "_nt%d = _rt.reduction_chunks(_tr%d, %s, _nthreads)", k, k, strings.Join(sizes, " + "))
	line(0, "if _nt%d > 1:", k)
	for _, arr := range p.arrays {
		line(1, "%s = _np.full((_nt%d,) + %s.shape, -0.0, %s.dtype)", p.copyName(arr), k, arr, arr)
	}
	line(1, "for %s in _rt.prange(_nt%d):", c, k)
	line(2, "for %s in range(_lo%d + _tr%d * %s // _nt%d, _lo%d + _tr%d * (%s + 1) // _nt%d):",
		p.loop.Iter, k, k, c, k, k, k, c, k)
	// The body's edits: the sum loops (rendered with the renames) and the renames outside them.
	edits := append([]edit{}, inner...)
	for _, r := range p.renames {
		covered := false
		for _, e := range inner {
			covered = covered || (e.from <= r.from && r.to <= e.to && e.from < e.to)
		}
		if !covered {
			edits = append(edits, r)
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	bodyFrom := lineStart(src, int(p.f.Body[0].Pos()))
	b.WriteString(reindent(spliced(src, bodyFrom, to, edits), indent, indent+"        ") + "\n")
	for _, arr := range p.arrays {
		rank := len(s.Arrays[arr].Extent)
		var cells []string
		for d := 0; d < rank; d++ {
			cell := fmt.Sprintf("%s_%d", c, d)
			loop := "range"
			if d == 0 {
				loop = "_rt.prange"
			}
			line(1+d, "for %s in %s(%s.shape[%d]):", cell, loop, arr, d)
			cells = append(cells, cell)
		}
		line(1+rank, "for %s in range(_nt%d):", c, k)
		at := strings.Join(cells, ", ")
		line(2+rank, "%s[%s] += %s[%s, %s]", arr, at, p.copyName(arr), c, at)
	}
	line(0, "else:")
	b.WriteString(reindent(spliced(src, from, to, plain), indent, indent+"    "))
	return b.String()
}

// isRange reports a call of the builtin range (polyopt models no other loop, and a function
// that rebinds range keeps its loops).
func isRange(c *pyast.Call) bool {
	f, ok := c.Func.(*pyast.Name)
	return ok && f.Id == "range"
}
