package emit

import (
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// Symmetric completion: a nest that computes the upper triangle of a matrix and mirrors it,
//
//	for i in range(a, b):
//	    for j in range(i, b):
//	        T[i, j] = ...               # statements that write only T[i, j]
//	        T[j, i] = T[i, j]
//
// is, for the whole-array variants, the same statements over the square [a, b)^2 without the
// mirror (covariance, Gram and kernel matrices): one product over the whole square instead of
// a masked one plus a masked transposed copy (covariance at MEDIUM: 1.2x behind hand NumPy).
//
// Exact, not only within rounding, when every statement is symmetric in i and j: with i and j
// swapped its value is the same expression up to the order of the operands of + and *, which
// IEEE arithmetic on reals does not see (on complex numbers NumPy's product may use fused
// multiply-adds, whose rounding depends on the order: the two points then agree within
// rounding only). Then the point (p, q) below the diagonal
// computes, operation for operation, what the original computed at (q, p) and copied there.
// The statements write nothing but T[i, j] and read T only there, so no point reads another
// point's cells, and the lower triangle, which nothing in the nest reads, only gets its final
// value earlier. Inner loops must not depend on i or j, which would make the swapped
// point's loop run over other values.

// A strict triangle (j in range(i + 1, b), the diagonal set apart or not at all, as in
// correlation) completes the same way over the square, diagonal included, with the diagonal
// saved before and put back after: the nest never touches it, and the square's statements at
// (p, p) read nothing but their own cell and other arrays. Only where every subscript of
// another array that mentions i or j is i or j alone: by symmetry each such position is read
// with both, so from a - hence a point (p, p) reads only cells the triangle read - when the
// triangle is not empty, which the square's code checks before it runs.

// completion is a nest symmetricMirror found: the square is [outer.lo, hi) in both iterators.
type completion struct {
	mirror pyast.Stmt
	hi     polyopt.Affine
	strict bool
}

// symmetricMirror returns the completion of loop s (iterator j, polyopt loop l) run directly
// inside the vectorized loop outer (iterator i), when the nest is one; nil otherwise. before
// are the statements of i's loop ahead of s: a name they assign holds its value for this i
// only (s = x[i] * 2.0), so s's statements reading it are not symmetric.
func symmetricMirror(sc *polyopt.SCoP, s *pyast.For, l *polyopt.Loop, outer axis, before []pyast.Stmt) *completion {
	if l == nil || l.Step != 1 || outer.tri || len(s.Else) > 0 || len(s.Body) < 2 {
		return nil
	}
	i, j := outer.iter, l.Iter
	c := &completion{hi: outer.hi}
	lo := subAff(l.Lo, polyopt.Affine{Coef: map[string]int64{i: 1}})
	switch {
	case zeroAff(lo) && zeroAff(subAff(l.Hi, outer.hi)):
	case zeroAff(subAff(lo, polyopt.Affine{Const: 1})):
		c.strict = true
		switch d := subAff(l.Hi, outer.hi); {
		case zeroAff(d):
		case zeroAff(subAff(d, polyopt.Affine{Const: 1})):
			c.hi = l.Hi // i stops one short: its last value has an empty j loop
		default:
			return nil
		}
	default:
		return nil
	}
	mirror, ok := s.Body[len(s.Body)-1].(*pyast.Assign)
	if !ok || len(mirror.Targets) != 1 {
		return nil
	}
	t, ok := matrixCell(mirror.Targets[0], j, i)
	if !ok {
		return nil
	}
	if src, ok := matrixCell(mirror.Value, i, j); !ok || src != t {
		return nil
	}
	sym := &symmetry{s: sc, t: t, i: i, j: j}
	perI := map[string]int{}
	polyopt.CountBindings(before, perI)
	for _, st := range s.Body[:len(s.Body)-1] {
		if !sym.stmt(st, true) || c.strict && !(bareIndices(st, t, i, j) && safeOnDiagonal(st)) {
			return nil
		}
		for name := range stmtNames(st) {
			if perI[name] > 0 {
				return nil
			}
		}
	}
	c.mirror = mirror
	return c
}

// stmtNames lists the names a statement mentions.
func stmtNames(s pyast.Stmt) map[string]bool {
	out := map[string]bool{}
	pyast.Inspect(s, func(n pyast.Node) bool {
		if id, ok := n.(*pyast.Name); ok {
			out[id.Id] = true
		}
		return true
	})
	return out
}

// safeOnDiagonal reports statements a strict completion may also run on the diagonal, which
// the original never evaluates there: sums, differences and products of reads and numbers
// only, and powers with a non-negative integer literal exponent. A quotient may divide by
// zero there, a call fail on its domain, and 2 ** (i - j) - on ints - raise ValueError, where
// the original raised nothing.
func safeOnDiagonal(s pyast.Stmt) bool {
	if f, isFor := s.(*pyast.For); isFor {
		// Its range was checked already (symmetry.stmt): it reads neither i nor j.
		for _, b := range f.Body {
			if !safeOnDiagonal(b) {
				return false
			}
		}
		return true
	}
	ok := true
	pyast.Inspect(s, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Call, *pyast.Compare, *pyast.BoolOp, *pyast.IfExp:
			ok = false
		case *pyast.BinOp:
			switch n.Op {
			case pyast.Add, pyast.Sub, pyast.Mul:
			case pyast.Pow:
				num, isNum := n.Y.(*pyast.Num)
				if !isNum || strings.ContainsAny(num.Raw, ".eEjJ-") {
					ok = false
				}
			default:
				ok = false
			}
		}
		return ok
	})
	return ok
}

// bareIndices reports that every subscript in s of an array other than t indexes with i or j
// only as the whole index of a position.
func bareIndices(s pyast.Stmt, t, i, j string) bool {
	ok := true
	pyast.Inspect(s, func(n pyast.Node) bool {
		sub, isSub := n.(*pyast.Subscript)
		if !isSub || !ok {
			return ok
		}
		if x, isName := sub.X.(*pyast.Name); isName && x.Id == t {
			return true
		}
		idx := []pyast.Expr{sub.Index}
		if tup, isTup := sub.Index.(*pyast.Tuple); isTup {
			idx = tup.Elts
		}
		for _, e := range idx {
			names := exprNames(e)
			if !names[i] && !names[j] {
				continue
			}
			if id, isName := e.(*pyast.Name); !isName || (id.Id != i && id.Id != j) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func zeroAff(a polyopt.Affine) bool { return a.Const == 0 && len(a.Coef) == 0 }

// matrixCell reports e as name[r, c] with r and c the given iterators, and the name.
func matrixCell(e pyast.Expr, r, c string) (string, bool) {
	sub, ok := e.(*pyast.Subscript)
	if !ok {
		return "", false
	}
	name, ok := sub.X.(*pyast.Name)
	if !ok {
		return "", false
	}
	idx, ok := sub.Index.(*pyast.Tuple)
	if !ok || len(idx.Elts) != 2 {
		return "", false
	}
	x, ok1 := idx.Elts[0].(*pyast.Name)
	y, ok2 := idx.Elts[1].(*pyast.Name)
	if !ok1 || !ok2 || x.Id != r || y.Id != c {
		return "", false
	}
	return name.Id, true
}

// symmetry checks statements of a completion of matrix t over iterators i and j. assigned
// says a plain assignment of t[i, j] has run in this iteration, at the j loop's own level
// (one inside a loop may run zero times): before it, t[i, j] holds what the input had there,
// which differs between the two points, so reading it (x += e, or e reading t[i, j]) is
// refused.
type symmetry struct {
	s        *polyopt.SCoP
	t, i, j  string
	assigned bool
}

func (m *symmetry) stmt(s pyast.Stmt, top bool) bool {
	switch s := s.(type) {
	case *pyast.Pass:
		return true
	case *pyast.Assign:
		if len(s.Targets) != 1 || !m.self(s.Targets[0]) || !m.symmetric(s.Value) {
			return false
		}
		if top {
			m.assigned = true
		}
		return true
	case *pyast.AugAssign:
		return m.assigned && m.self(s.Target) && m.symmetric(s.Value)
	case *pyast.For:
		k, ok := s.Target.(*pyast.Name)
		if !ok || k.Id == m.i || k.Id == m.j || k.Id == m.t || len(s.Else) > 0 {
			return false
		}
		// The bounds read neither iterator (nor t): both points run the same inner loop.
		for name := range exprNames(s.Iter) {
			if name == m.i || name == m.j || name == m.t {
				return false
			}
		}
		if _, ok := m.key(s.Iter, false); !ok {
			return false
		}
		for _, b := range s.Body {
			if !m.stmt(b, false) {
				return false
			}
		}
		return true
	}
	return false
}

func (m *symmetry) self(e pyast.Expr) bool {
	name, ok := matrixCell(e, m.i, m.j)
	return ok && name == m.t
}

// symmetric reports an expression equal to itself with i and j swapped, up to the order of
// the operands of + and *.
func (m *symmetry) symmetric(e pyast.Expr) bool {
	a, ok1 := m.key(e, false)
	b, ok2 := m.key(e, true)
	return ok1 && ok2 && a == b
}

// key renders e canonically: i and j exchanged when swap is set, the operands of + and * in
// sorted order, t[i, j] as the statement's own cell (the same cell at the swapped point). Any
// other use of t, or a node it does not know, fails.
func (m *symmetry) key(e pyast.Expr, swap bool) (string, bool) {
	switch e := e.(type) {
	case *pyast.Name:
		if e.Id == m.t {
			return "", false
		}
		if a := m.s.Arrays[e.Id]; a != nil && !numericDType(a.DType) && !(a.Scalar && a.DType == "") {
			return "", false // object or string elements: + concatenates, in order
		}
		id := e.Id
		if swap && id == m.i {
			id = m.j
		} else if swap && id == m.j {
			id = m.i
		}
		return "n:" + id, true
	case *pyast.Num:
		return "c:" + e.Raw, true
	case *pyast.Subscript:
		if x, ok := e.X.(*pyast.Name); ok && x.Id == m.t {
			if m.self(e) && m.assigned {
				return "self", true
			}
			return "", false
		}
		if x, ok := e.X.(*pyast.Name); ok && (m.s.Arrays[x.Id] == nil || !numericDType(m.s.Arrays[x.Id].DType)) {
			return "", false // an array the model does not know, or of objects or strings
		}
		x, ok1 := m.key(e.X, swap)
		idx, ok2 := m.key(e.Index, swap)
		return x + "[" + idx + "]", ok1 && ok2
	case *pyast.Tuple:
		parts, ok := m.keys(e.Elts, swap)
		return "(" + strings.Join(parts, ",") + ")", ok
	case *pyast.Attribute:
		x, ok := m.key(e.X, swap)
		return x + "." + e.Attr, ok
	case *pyast.UnaryOp:
		x, ok := m.key(e.X, swap)
		return "u" + e.Op.String() + x, ok
	case *pyast.BinOp:
		x, ok1 := m.key(e.X, swap)
		y, ok2 := m.key(e.Y, swap)
		if (e.Op == pyast.Add || e.Op == pyast.Mul) && y < x {
			x, y = y, x
		}
		return "(" + x + e.Op.String() + y + ")", ok1 && ok2
	case *pyast.Call:
		f, ok := m.key(e.Func, swap)
		args, ok2 := m.keys(e.Args, swap)
		return f + "(" + strings.Join(args, ",") + ")", ok && ok2
	case *pyast.Keyword:
		v, ok := m.key(e.Value, swap)
		return e.Name + "=" + v, ok
	}
	return "", false
}

func (m *symmetry) keys(es []pyast.Expr, swap bool) ([]string, bool) {
	out := make([]string, len(es))
	for n, e := range es {
		k, ok := m.key(e, swap)
		if !ok {
			return nil, false
		}
		out[n] = k
	}
	return out, true
}

// numericDType reports the NumPy dtypes whose + and * commute: numbers and booleans.
func numericDType(d string) bool {
	for _, p := range []string{"float", "int", "uint", "complex", "bool"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

// exprNames lists the names an expression reads.
func exprNames(e pyast.Expr) map[string]bool {
	out := map[string]bool{}
	pyast.Inspect(e, func(n pyast.Node) bool {
		if id, ok := n.(*pyast.Name); ok {
			out[id.Id] = true
		}
		return true
	})
	return out
}

// withoutStmt returns body without s.
func withoutStmt(body []pyast.Stmt, s pyast.Stmt) []pyast.Stmt {
	var out []pyast.Stmt
	for _, b := range body {
		if b != s {
			out = append(out, b)
		}
	}
	return out
}
