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
	helper   string // the helper's definition
}

// sumLoops finds the sum loops of s outside the spans in skip (loops replaced otherwise) and
// renders them; helpers are named prefix0, prefix1, ...
func sumLoops(s *polyopt.SCoP, src []byte, prefix string, modules map[string]string, skip [][2]int) []sumLoop {
	var out []sumLoop
	var visit func(body []pyast.Stmt)
	visit = func(body []pyast.Stmt) {
		for _, st := range body {
			switch st := st.(type) {
			case *pyast.For:
				if sl, ok := sumLoopOf(s, st, src, fmt.Sprintf("%s%d", prefix, len(out)), modules, skip); ok {
					out = append(out, sl)
					continue
				}
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

func sumLoopOf(s *polyopt.SCoP, f *pyast.For, src []byte, name string, modules map[string]string, skip [][2]int) (sumLoop, bool) {
	l := loopOf(s, f)
	if l == nil || !l.Reduction || l.Step != 1 || len(f.Body) != 1 || len(f.Else) > 0 {
		return sumLoop{}, false
	}
	from, to := lineStart(src, int(f.Pos())), lineEnd(src, int(f.End()))
	for _, sp := range skip {
		if from < sp[1] && sp[0] < to {
			return sumLoop{}, false
		}
	}
	upd, ok := f.Body[0].(*pyast.AugAssign)
	if !ok || (upd.Op != pyast.Add && upd.Op != pyast.Sub) {
		return sumLoop{}, false
	}
	st := l.Stmts[0]
	if len(l.Stmts) != 1 || st.Reduction == "" || st.Node != pyast.Stmt(upd) || len(st.Writes) != 1 {
		return sumLoop{}, false
	}
	// The cell is the same at every iteration, and the iterator is not read after the loop
	// (the call binds no value to it).
	if mentions(upd.Target, l.Iter) || iterReadElsewhere(s.Body, f, l.Iter) || !productTerm(upd.Value) {
		return sumLoop{}, false
	}
	// An array cell holds a float64 or complex128 sum, rounded to it at every step in the
	// loop as in the helper: an int cell truncates each partial sum of floats, a float32 one
	// rounds each to float32, which one store at the end would not. (A Python scalar keeps
	// the type its sum takes, in both.)
	if w := st.Writes[0]; s.Arrays[w.Array] == nil || !s.Arrays[w.Array].Scalar || s.Arrays[w.Array].DType != "" {
		if a := s.Arrays[w.Array]; a == nil || (a.DType != "float64" && a.DType != "complex128") {
			return sumLoop{}, false
		}
	}
	iter, ok := f.Iter.(*pyast.Call)
	if !ok || len(iter.Args) == 0 || len(iter.Args) > 3 {
		return sumLoop{}, false
	}
	free := map[string]bool{}
	for _, e := range []pyast.Expr{iter, upd.Value} {
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
	srcOf := func(n pyast.Node) string { return string(src[n.Pos():n.End()]) }
	args := strings.Join(append([]string{acc}, names...), ", ")
	// The term in parentheses: its source may span lines inside parentheses it dropped.
	helper := fmt.Sprintf("@_rt.jit_sum\ndef %s(%s):\n    for %s in %s:\n        %s %s= (%s)\n    return %s\n",
		name, args, l.Iter, srcOf(iter), acc, upd.Op, srcOf(upd.Value), acc)
	indent := string(src[from:int(f.Pos())])
	target := srcOf(upd.Target)
	// Only when the loop runs: the original reads and writes the cell only then, and it may
	// be out of the array's bounds otherwise (c[i + 1] for the last i, whose loop is empty).
	lo, hi := "0", srcOf(iter.Args[0])
	if len(iter.Args) > 1 {
		lo, hi = srcOf(iter.Args[0]), srcOf(iter.Args[1])
	}
	call := fmt.Sprintf("%sif (%s) < (%s):\n%s    %s = %s(%s)", indent, lo, hi, indent, target, name,
		strings.Join(append([]string{target}, names...), ", "))
	return sumLoop{from: from, to: to, text: call, helper: helper}, true
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
