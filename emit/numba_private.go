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
	f       *pyast.For // the loop run in chunks
	loop    *polyopt.Loop
	outer   *pyast.For // a parallel loop around f, interchanged with it; or nil
	pre     *pyast.For // a parallel loop before it over the same range, fused with it; or nil
	k       int        // its number in the region: its names end in k
	arrays  []string   // the arrays summed into, sorted
	renames []edit     // the sum statements' references to those arrays, as to the chunk's copies
	// fused says some array is read by two or more statements of the loop: the chunked
	// loop reads it once for all of them.
	fused bool
}

// privateLoops finds the loops at the top of s (the ones a prange may replace) that qualify.
func privateLoops(s *polyopt.SCoP, def *pyast.FunctionDef, src []byte, outside map[string]bool) []*privateLoop {
	var out []*privateLoop
	var visit func(body []pyast.Stmt)
	visit = func(body []pyast.Stmt) {
		for n, st := range body {
			switch st := st.(type) {
			case *pyast.For:
				l := loopOf(s, st)
				if l == nil || bindsLiveOut(def, st, outside) {
					continue
				}
				var p *privateLoop
				if l.Parallel {
					p = interchangedOf(s, st, l, src, len(out))
				} else {
					p = privateLoopOf(s, st, l, src, len(out))
				}
				if p == nil {
					continue
				}
				if n > 0 && (len(out) == 0 || out[len(out)-1].last() != body[n-1]) {
					if f0, ok := body[n-1].(*pyast.For); ok && !bindsLiveOut(def, f0, outside) && fusable(s, f0, p, src) {
						p.pre = f0
					}
				}
				out = append(out, p)
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
	if !ownLine(src, f.Body[0]) || !indentedUnder(src, f) {
		return nil // the body on the header's line, or indented by other characters
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

// first and last are the statements of the body the rendered loop replaces.
func (p *privateLoop) first() *pyast.For {
	switch {
	case p.pre != nil:
		return p.pre
	case p.outer != nil:
		return p.outer
	}
	return p.f
}

func (p *privateLoop) last() pyast.Stmt {
	if p.outer != nil {
		return p.outer
	}
	return p.f
}

// span is the replaced lines in the source.
func (p *privateLoop) span(src []byte) (int, int) {
	return lineStart(src, int(p.first().Pos())), lineEnd(src, int(p.last().End()))
}

// Loop interchange: a parallel loop around one loop that sums into cells indexed by the
// outer one only reads a matrix down its columns (mvt's x2[i] += A[j, i] * y_2[j]); the sums
// over the inner loop, run as the outer one in chunks with private copies, read it along its
// rows:
//
//	for j in (the chunk's part of the inner range):
//	    for i in range(n):
//	        _pr0_x2[_c0, i] = _pr0_x2[_c0, i] + A[j, i] * y_2[j]
//
// The outer loop carries no dependence (polyopt's Parallel), so every dependence the nest has
// is between iterations of the inner loop with the same outer index, and stays in order after
// the interchange: the loops are a permutable band. The inner loop's bounds must not depend
// on the outer index (a rectangle), and no statement may have something besides the two
// loops around it.
func interchangedOf(s *polyopt.SCoP, f *pyast.For, l *polyopt.Loop, src []byte, k int) *privateLoop {
	if l.Step != 1 || l.SharedScalar || len(f.Else) > 0 || len(f.Body) != 1 {
		return nil
	}
	inner, ok := f.Body[0].(*pyast.For)
	if !ok || !ownLine(src, inner) || !indentedUnder(src, f) {
		return nil
	}
	il := loopOf(s, inner)
	if il == nil || len(il.Stmts) != len(l.Stmts) {
		return nil
	}
	if iter, ok := f.Iter.(*pyast.Call); !ok || !isRange(iter) || len(iter.Args) == 0 || len(iter.Args) > 2 {
		return nil
	}
	if _, ok := f.Target.(*pyast.Name); !ok || mentions(inner.Iter, l.Iter) {
		return nil
	}
	if !columnWise(il.Stmts, l.Iter, il.Iter) {
		return nil
	}
	p := privateLoopOf(s, inner, il, src, k)
	if p == nil {
		return nil
	}
	p.outer = f
	return p
}

// columnWise reports statements that read some matrix with the outer index in its last
// subscript and not the inner one, and none with the inner index alone there: interchanged,
// the inner loop then walks the matrix along its rows.
func columnWise(stmts []*polyopt.Stmt, outer, inner string) bool {
	along := false
	for _, st := range stmts {
		for _, acc := range append(append([]polyopt.Access{}, st.Reads...), st.Writes...) {
			sub, ok := acc.Node.(*pyast.Subscript)
			if !ok {
				continue // a local
			}
			t, ok := sub.Index.(*pyast.Tuple)
			if !ok || len(t.Elts) < 2 {
				continue
			}
			last := t.Elts[len(t.Elts)-1]
			o, i := mentions(last, outer), mentions(last, inner)
			switch {
			case o && !i:
				along = true
			case i && !o:
				return false
			}
		}
	}
	return along
}

// Loop fusion: a parallel loop right before the chunked one, over the same range, whose
// statements share no array or local with the chunked loop's but what both only read, runs in
// the same chunks, each index of it before the chunked loop's (mvt's two products then read
// each row of A once). Nothing orders an iteration of one after one of the other.
func fusable(s *polyopt.SCoP, f0 *pyast.For, p *privateLoop, src []byte) bool {
	l0 := loopOf(s, f0)
	if l0 == nil || !l0.Parallel || l0.Step != 1 || l0.SharedScalar || len(f0.Else) > 0 || len(f0.Body) == 0 || !ownLine(src, f0.Body[0]) || !indentedUnder(src, f0) {
		return false
	}
	if _, ok := f0.Target.(*pyast.Name); !ok {
		return false
	}
	a, ok := f0.Iter.(*pyast.Call)
	b, _ := p.f.Iter.(*pyast.Call)
	if !ok || !isRange(a) || b == nil || len(a.Args) != len(b.Args) {
		return false
	}
	for n := range a.Args {
		if string(src[a.Args[n].Pos():a.Args[n].End()]) != string(src[b.Args[n].Pos():b.Args[n].End()]) {
			return false
		}
	}
	if p.outer != nil && mentions(a, p.outer.Target.(*pyast.Name).Id) {
		return false
	}
	// Without an interchange the two bodies join one block: same indentation.
	indent := string(src[lineStart(src, int(f0.Pos())):int(f0.Pos())])
	if p.outer == nil && bodyIndent(src, f0, indent) != bodyIndent(src, p.f, indent) {
		return false
	}
	// A name one loop binds (its variable, a local, a loop inside) and the other reads
	// without binding it: fused, the reader would see the other's value of the moment, not
	// the one from before both loops (found by review).
	second := []pyast.Stmt{p.f}
	if p.outer != nil {
		second = []pyast.Stmt{p.outer}
	}
	if readsBoundBy([]pyast.Stmt{f0}, second) || readsBoundBy(second, []pyast.Stmt{f0}) {
		return false
	}
	reads, writes := map[string]bool{}, map[string]bool{}
	for _, st := range p.loop.Stmts {
		for _, r := range st.Reads {
			reads[r.Array] = true
		}
		for _, w := range st.Writes {
			writes[w.Array] = true
		}
	}
	for _, st := range l0.Stmts {
		if st.Check || st.Call || len(st.Divisors) > 0 || hasCall(st.Node) {
			return false
		}
		for _, r := range st.Reads {
			if writes[r.Array] {
				return false
			}
		}
		for _, w := range st.Writes {
			if writes[w.Array] || reads[w.Array] {
				return false
			}
		}
	}
	// Reads of the same array by both count as reading it for two statements in one pass.
	for _, st := range l0.Stmts {
		for _, r := range st.Reads {
			if reads[r.Array] && s.Arrays[r.Array] != nil && !s.Arrays[r.Array].Scalar {
				p.fused = true
			}
		}
	}
	return true
}

// render returns the loop's replacement. inner are the edits inside the loop with the
// arrays renamed (sum loops rendered so); plain the same edits without.
func (p *privateLoop) render(s *polyopt.SCoP, src []byte, inner, plain []edit) string {
	from, to := p.span(src)
	indent := string(src[from:int(p.first().Pos())])
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
	chunk := fmt.Sprintf("range(_lo%d + _tr%d * %s // _nt%d, _lo%d + _tr%d * (%s + 1) // _nt%d)", k, k, c, k, k, k, c, k)
	// piece is src[from:to] with the edits inside it applied, the renames but where an edit
	// applied covers them (its text has them), its lines moved from indentation at to to.
	piece := func(from, to int, at, want string) string {
		var edits []edit
		for _, e := range inner {
			if from <= e.from && e.to <= to {
				edits = append(edits, e)
			}
		}
		for _, r := range p.renames {
			covered := false
			for _, e := range edits {
				covered = covered || (e.from <= r.from && r.to <= e.to && e.from < e.to)
			}
			if !covered && from <= r.from && r.to <= to {
				edits = append(edits, r)
			}
		}
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
		return reindent(spliced(src, from, to, edits), at, want) + "\n"
	}
	// The copied lines keep their own indentation, moved right as a whole: the chunk's loop
	// is at indent + 8 spaces, so the lines of a body at indent + w land at indent + 8 + w,
	// whatever w is (a body of 2 spaces or a tab stays valid; found by review).
	shift := indent + strings.Repeat("    ", 2)
	level := indent + strings.Repeat("    ", 3) // the interchanged outer loop's header
	if p.pre != nil {
		// The first loop's body, then the chunked loop, in one block: the block's
		// indentation is the first loop's body's (fusable checked the chunked loop's).
		row := fmt.Sprintf("_r%d", k)
		line(2, "for %s in %s:", row, chunk)
		level = shift + bodyIndent(src, p.pre, indent)
		b.WriteString(level + p.pre.Target.(*pyast.Name).Id + " = " + row + "\n")
		b.WriteString(piece(lineStart(src, int(p.pre.Body[0].Pos())), lineEnd(src, int(p.pre.End())), indent, shift))
		b.WriteString(level + p.loop.Iter + " = " + row + "\n")
	} else {
		line(2, "for %s in %s:", p.loop.Iter, chunk)
	}
	if p.outer != nil {
		// The outer loop's header, then the inner loop's body, in its place.
		b.WriteString(piece(lineStart(src, int(p.outer.Pos())), lineStart(src, int(p.f.Pos())), indent, level))
		inIndent := string(src[lineStart(src, int(p.f.Pos())):int(p.f.Pos())])
		b.WriteString(piece(lineStart(src, int(p.f.Body[0].Pos())), to, inIndent, level))
	} else {
		b.WriteString(piece(lineStart(src, int(p.f.Body[0].Pos())), to, indent, shift))
	}
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

// readsBoundBy reports a name that a reads and does not bind itself while b binds it.
func readsBoundBy(a, b []pyast.Stmt) bool {
	boundA, boundB := map[string]int{}, map[string]int{}
	polyopt.CountBindings(a, boundA)
	polyopt.CountBindings(b, boundB)
	found := false
	for _, st := range a {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if id, ok := n.(*pyast.Name); ok && boundB[id.Id] > 0 && boundA[id.Id] == 0 {
				found = true
			}
			return !found
		})
	}
	return found
}

// indentedUnder reports that every line of f's body past the header (but blank and comment
// lines) starts with the indentation of each loop header it lies in, character for
// character: the copies move lines by replacing that text. Python also takes, say, a tab
// under four spaces and a tab (found by review: the moved lines then mixed tabs and spaces).
func indentedUnder(src []byte, f *pyast.For) bool {
	ok := true
	var walk func(f *pyast.For)
	walk = func(f *pyast.For) {
		indent := string(src[lineStart(src, int(f.Pos())):int(f.Pos())])
		if !linesUnder(src, lineStart(src, int(f.Body[0].Pos())), lineEnd(src, int(f.End())), indent) {
			ok = false
		}
		for _, st := range f.Body {
			pyast.Inspect(st, func(n pyast.Node) bool {
				if g, isFor := n.(*pyast.For); isFor && ok && len(g.Body) > 0 {
					walk(g)
					return false
				}
				return ok
			})
		}
	}
	walk(f)
	return ok
}

// linesUnder reports that every line of src[from:to] but blank and comment lines starts with
// indent.
func linesUnder(src []byte, from, to int, indent string) bool {
	for _, l := range strings.Split(string(src[from:to]), "\n") {
		code := strings.TrimLeft(l, " \t")
		if code != "" && !strings.HasPrefix(code, "#") && !strings.HasPrefix(l, indent) {
			return false
		}
	}
	return true
}

// bodyIndent is the indentation of f's body past indent, the indentation of f itself.
func bodyIndent(src []byte, f *pyast.For, indent string) string {
	return strings.TrimPrefix(string(src[lineStart(src, int(f.Body[0].Pos())):int(f.Body[0].Pos())]), indent)
}

// isRange reports a call of the builtin range (polyopt models no other loop, and a function
// that rebinds range keeps its loops).
func isRange(c *pyast.Call) bool {
	f, ok := c.Func.(*pyast.Name)
	return ok && f.Id == "range"
}
