package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// Sum loops: an innermost loop whose whole body is one sum into a cell it does not index by
// its own iterator,
//
//	for j in range(i):
//	    x[i] -= L[i, j] * x[j]
//
// runs in the Numba variants as a call of a helper compiled with reassociation allowed
// (_rt.jit_sum), which keeps the sum in registers, in several partial sums and SIMD lanes:
//
//	x[i] = _f__nb0_sum0(x[i], L, i, x)
//
// Numba compiles the loop as written to one chain of dependent additions through memory
// (x[i] may alias L or x[j] for all it knows): trisolv's inner products ran 5x slower than
// this on one core. polyopt's Loop.Reduction says the loop carries nothing but the sum's own
// accumulation: no other read of the array meets the cell (valueDeps), so holding the cell in
// a register changes no value read; only the order of the additions changes, which the
// correctness rules allow a reduction (as BLAS does). The terms may hold only reads, numbers
// and products, so that reassociation has nothing else to reorder: no cancellation inside a
// term can come out differently.

// sumLoop is one loop rewritten as a call of a jit_sum helper.
type sumLoop struct {
	from, to int    // the loop's lines in the source
	text     string // the call replacing them, at the loop's indentation
	plain    string // text without the rewrites sumLoops was given
	helper   string // the helpers' definitions
	// products counts its sums of products of two or more array elements the loop's
	// iterator indexes (A[i, j] * x[j]): dot products, which the NumPy variant computes
	// with BLAS.
	products int
}

// multiSums counts the loops with two or more dot products, a helper each.
func multiSums(sums []sumLoop) int {
	n := 0
	for _, sl := range sums {
		if sl.products > 1 {
			n++
		}
	}
	return n
}

// dotTerm reports a product of two or more array elements whose subscripts mention iter.
func dotTerm(e pyast.Expr, iter string) bool {
	n := 0
	var walk func(e pyast.Expr)
	walk = func(e pyast.Expr) {
		switch e := e.(type) {
		case *pyast.BinOp:
			if e.Op == pyast.Mul {
				walk(e.X)
				walk(e.Y)
			}
		case *pyast.UnaryOp:
			walk(e.X)
		case *pyast.Subscript:
			if mentions(e, iter) {
				n++
			}
		}
	}
	walk(e)
	return n >= 2
}

// sumLoops finds the sum loops of s and renders them; helpers are named prefix0, prefix1, ....
// The text a call copies from the source (the cell, the range, the other statements of the
// loop) goes through rewrites first: privatised reductions rename their arrays there (see
// numba_private.go).
func sumLoops(s *polyopt.SCoP, src []byte, prefix string, modules map[string]string, rewrites []edit) []sumLoop {
	var out []sumLoop
	helpers := 0
	name := func() string {
		helpers++
		return fmt.Sprintf("%s%d", prefix, helpers-1)
	}
	var visit func(body []pyast.Stmt)
	visit = func(body []pyast.Stmt) {
		for _, st := range body {
			switch st := st.(type) {
			case *pyast.For:
				mark := helpers
				if sl, ok := sumLoopOf(s, st, src, name, modules, rewrites); ok {
					out = append(out, sl)
					continue
				}
				helpers = mark // names given to a loop that is not one are free again
				visit(st.Body)
			case *pyast.If:
				visit(st.Body)
				visit(st.Else)
			}
		}
	}
	visit(s.Body)
	return out
}

// sumUpdate returns the cell, operator and term of a sum statement: c += e, c -= e,
// c = c + e or c = e + c.
func sumUpdate(src []byte, st pyast.Stmt) (target pyast.Expr, op pyast.BinaryOp, term pyast.Expr, ok bool) {
	text := func(n pyast.Node) string { return string(src[n.Pos():n.End()]) }
	switch st := st.(type) {
	case *pyast.AugAssign:
		if st.Op == pyast.Add || st.Op == pyast.Sub {
			return st.Target, st.Op, st.Value, true
		}
	case *pyast.Assign:
		bin, isBin := st.Value.(*pyast.BinOp)
		if len(st.Targets) != 1 || !isBin || bin.Op != pyast.Add {
			return nil, 0, nil, false
		}
		t := text(st.Targets[0])
		switch {
		case text(bin.X) == t:
			return st.Targets[0], pyast.Add, bin.Y, true
		case text(bin.Y) == t:
			return st.Targets[0], pyast.Add, bin.X, true
		}
	}
	return nil, 0, nil, false
}

// summed is one sum statement of a sum loop: its cell, operator and term.
type summed struct {
	st     *polyopt.Stmt
	node   pyast.Stmt
	target pyast.Expr
	op     pyast.BinaryOp
	term   pyast.Expr
}

// sumOf returns b as a statement a jit_sum helper can run: a "+" reduction of l into one
// float cell that l's iterator does not index, whose term is a product.
func sumOf(s *polyopt.SCoP, l *polyopt.Loop, src []byte, b pyast.Stmt, st *polyopt.Stmt) (summed, bool) {
	t, o, e, ok := sumUpdate(src, b)
	if !ok || st.Reduction != "+" || mentions(t, l.Iter) || len(st.Writes) != 1 || !productTerm(e) {
		return summed{}, false
	}
	// An array cell holds a float64 or complex128 sum, rounded to it at every step in the
	// loop as in the helper: an int cell truncates each partial sum of floats, a float32 one
	// rounds each to float32, which one store at the end would not. (A Python scalar keeps
	// the type its sum takes, in both.)
	if w := st.Writes[0]; s.Arrays[w.Array] == nil || !s.Arrays[w.Array].Scalar || s.Arrays[w.Array].DType != "" {
		if a := s.Arrays[w.Array]; a == nil || (a.DType != "float64" && a.DType != "complex128") {
			return summed{}, false
		}
	}
	return summed{st: st, node: b, target: t, op: o, term: e}, true
}

// sumLoopOf renders f as a sum loop. A loop with other statements beside its sums is split
// (loop distribution): the others in the loop as written, then one call for each sum, in
// the order written (gesummv's two products of a row: two calls, each summing in
// registers). That keeps every value only where no two parts share an array but what both
// only read: a sum reads nothing another statement writes and no other statement touches
// its cell's array (the guard proved the arrays apart).
func sumLoopOf(s *polyopt.SCoP, f *pyast.For, src []byte, name func() string, modules map[string]string, rewrites []edit) (sumLoop, bool) {
	l := loopOf(s, f)
	if l == nil || !l.Reduction || l.Step != 1 || len(f.Else) > 0 || len(l.Stmts) != len(f.Body) {
		return sumLoop{}, false
	}
	from, to := lineStart(src, int(f.Pos())), lineEnd(src, int(f.End()))
	var sums []summed
	var others []*polyopt.Stmt
	for _, b := range f.Body {
		st := stmtOf(l, b)
		if st == nil {
			return sumLoop{}, false
		}
		if sm, ok := sumOf(s, l, src, b, st); ok {
			sums = append(sums, sm)
			continue
		}
		others = append(others, st)
	}
	if len(sums) == 0 || len(f.Body) > 1 && !distributable(src, f, sums, others) {
		return sumLoop{}, false
	}
	// The cell is the same at every iteration, and the iterator is not read after the loop
	// (the call binds no value to it).
	if iterReadElsewhere(s.Body, f, l.Iter) {
		return sumLoop{}, false
	}
	iter, ok := f.Iter.(*pyast.Call)
	if !ok || len(iter.Args) == 0 || len(iter.Args) > 3 {
		return sumLoop{}, false
	}
	indent := string(src[from:int(f.Pos())])
	type call struct {
		sum   summed
		name  string
		names []string // the helper's arguments after the accumulator
	}
	var calls []call
	var helpers []string
	products := 0
	for _, sm := range sums {
		if dotTerm(sm.term, l.Iter) {
			products++
		}
		free := map[string]bool{}
		for _, e := range []pyast.Expr{iter, sm.term} {
			for n := range exprNames(e) {
				if n != l.Iter && !pyBuiltins[n] && modules[n] == "" {
					free[n] = true
				}
			}
		}
		names := make([]string, 0, len(free))
		for n := range free {
			names = append(names, n)
		}
		sort.Strings(names)
		// The accumulator's name: none the loop uses.
		acc := "_acc"
		for free[acc] || acc == l.Iter {
			acc += "_"
		}
		c := call{sum: sm, name: name(), names: names}
		// The term in parentheses: its source may span lines inside parentheses it dropped.
		helpers = append(helpers, fmt.Sprintf("@_rt.jit_sum\ndef %s(%s):\n    for %s in %s:\n        %s %s= (%s)\n    return %s\n",
			c.name, strings.Join(append([]string{acc}, names...), ", "), l.Iter, string(src[iter.Pos():iter.End()]),
			acc, sm.op, string(src[sm.term.Pos():sm.term.End()]), acc))
		calls = append(calls, c)
	}
	isSum := map[pyast.Stmt]bool{}
	for _, sm := range sums {
		isSum[sm.node] = true
	}
	render := func(rewrites []edit) string {
		srcOf := func(n pyast.Node) string { return spliced(src, int(n.Pos()), int(n.End()), rewrites) }
		// Only when the loop runs: the original reads and writes the cell only then, and it
		// may be out of the array's bounds otherwise (c[i + 1] for the last i, whose loop is
		// empty).
		lo, hi := "0", srcOf(iter.Args[0])
		if len(iter.Args) > 1 {
			lo, hi = srcOf(iter.Args[0]), srcOf(iter.Args[1])
		}
		var text strings.Builder
		if len(others) > 0 {
			// The loop's header, then its other statements, each on lines of its own.
			text.WriteString(spliced(src, from, lineStart(src, int(f.Body[0].Pos())), rewrites))
			for _, b := range f.Body {
				if !isSum[b] {
					text.WriteString(spliced(src, lineStart(src, int(b.Pos())), lineEnd(src, int(b.End())), rewrites) + "\n")
				}
			}
		}
		fmt.Fprintf(&text, "%sif (%s) < (%s):", indent, lo, hi)
		for _, c := range calls {
			cell := srcOf(c.sum.target)
			fmt.Fprintf(&text, "\n%s    %s = %s(%s)", indent, cell, c.name, strings.Join(append([]string{cell}, c.names...), ", "))
		}
		return text.String()
	}
	return sumLoop{from: from, to: to, text: render(rewrites), plain: render(nil), helper: strings.Join(helpers, "\n\n"), products: products}, true
}

// stmtOf returns the statement of l whose node is b, or nil.
func stmtOf(l *polyopt.Loop, b pyast.Stmt) *polyopt.Stmt {
	for _, st := range l.Stmts {
		if st.Node == b {
			return st
		}
	}
	return nil
}

// distributable reports that the statements of f other than its sums may run in a loop of
// their own before the sums, and each sum on its own: every statement on lines of its own, the
// others plain assignments raising nothing the sums' reordering could move past, and no two
// statements sharing an array but what both only read (a sum's cell's array is touched by no
// other statement; a sum reads nothing another statement writes).
func distributable(src []byte, f *pyast.For, sums []summed, others []*polyopt.Stmt) bool {
	for i, b := range f.Body {
		// On a line of its own: not on the header's line, not after another statement, and
		// with no other statement after it on its last line.
		if !ownLine(src, b) || i+1 < len(f.Body) && lineEnd(src, int(b.End())) >= int(f.Body[i+1].Pos()) {
			return false
		}
	}
	for _, st := range others {
		if st.Check || st.Call || len(st.Divisors) > 0 || hasCall(st.Node) {
			return false
		}
	}
	all := append([]*polyopt.Stmt(nil), others...)
	for _, sm := range sums {
		all = append(all, sm.st)
	}
	for _, sm := range sums {
		reads := map[string]bool{}
		for _, r := range sm.st.Reads {
			reads[r.Array] = true
		}
		cell := sm.st.Writes[0].Array
		for _, st := range all {
			if st == sm.st {
				continue
			}
			for _, r := range st.Reads {
				if r.Array == cell {
					return false
				}
			}
			for _, w := range st.Writes {
				if w.Array == cell || reads[w.Array] {
					return false
				}
			}
		}
	}
	return true
}

// ownLine reports a statement that starts its line: nothing but indentation before it.
func ownLine(src []byte, st pyast.Stmt) bool {
	return strings.TrimLeft(string(src[lineStart(src, int(st.Pos())):int(st.Pos())]), " \t") == ""
}

// hasCall reports a call anywhere in n.
func hasCall(n pyast.Node) bool {
	found := false
	pyast.Inspect(n, func(m pyast.Node) bool {
		if _, ok := m.(*pyast.Call); ok {
			found = true
		}
		return !found
	})
	return found
}

// spliced returns src[from:to] with the edits that lie inside it applied (edits sorted by
// position, none overlapping another).
func spliced(src []byte, from, to int, edits []edit) string {
	var b strings.Builder
	last := from
	for _, e := range edits {
		if e.from < from || e.to > to || e.from < last {
			continue
		}
		b.Write(src[last:e.from])
		b.WriteString(e.text)
		last = e.to
	}
	b.Write(src[last:to])
	return b.String()
}

// productTerm reports a term made of reads, names, numbers, unary minus and products only.
func productTerm(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Name, *pyast.Num:
		return true
	case *pyast.Subscript:
		_, ok := e.X.(*pyast.Name)
		return ok
	case *pyast.UnaryOp:
		return e.Op == pyast.USub && productTerm(e.X)
	case *pyast.BinOp:
		return e.Op == pyast.Mul && productTerm(e.X) && productTerm(e.Y)
	}
	return false
}

// iterReadElsewhere reports name read in body outside loop f, other than by a loop that binds
// it again.
func iterReadElsewhere(body []pyast.Stmt, f *pyast.For, name string) bool {
	found := false
	for _, st := range body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if found || n == pyast.Node(f) {
				return false
			}
			if g, ok := n.(*pyast.For); ok {
				if t, ok := g.Target.(*pyast.Name); ok && t.Id == name {
					return false // rebinds it: its reads are its own
				}
			}
			if id, ok := n.(*pyast.Name); ok && id.Id == name {
				found = true
			}
			return !found
		})
	}
	return found
}
