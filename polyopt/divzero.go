package polyopt

// Python raises ZeroDivisionError dividing one Python number by a zero int or float; NumPy
// gives inf, nan or 0 with a warning, and so do the variants (their Numba code uses NumPy's
// error model). A division of Python numbers by an affine int, such as 1.0 / (i - k), is
// therefore checked with isl: where the divisor may be 0 inside the statement's domain, the
// guard refuses the parameters that make it so (a divisor of parameters only, (n - 3)), or
// the SCoP stays as it is (a divisor with loop indices). A NumPy number on either side (an
// array element) divides as the variants do, and needs nothing.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// Divisor is the divisor of a division of Python numbers in a statement: an affine int
// (Aff), or another expression, which the guard can test where it reads only parameters
// (Guard: the Python condition that it is not 0, locals bound to expressions of parameters
// written out).
type Divisor struct {
	Node   pyast.Expr // the divisor in the source
	Affine bool
	Aff    Affine
	Guard  string
}

// divisor records e's divisor when both of its operands are Python numbers and the divisor is
// affine.
func (b *builder) divisor(x, y pyast.Expr, env affineEnv, st *Stmt) {
	if !b.pyNumber(x, env) || !b.pyNumber(y, env) {
		return
	}
	a, why := toAffine(y, env)
	if why == "" {
		if !a.IsConst() || a.Const == 0 {
			st.Divisors = append(st.Divisors, Divisor{Node: y, Affine: true, Aff: a})
		}
		return
	}
	if n, ok := y.(*pyast.Num); ok {
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.Raw, "_", ""), 64); err == nil && v != 0 {
			return // 2.0
		}
	}
	var pre []string
	if text := b.paramText(y, 0, &pre, y.Pos()); text != "" {
		var conds []string
		for _, c := range append(pre, text+" != 0") {
			if !slices.Contains(conds, c) {
				conds = append(conds, c)
			}
		}
		st.Divisors = append(st.Divisors, Divisor{Node: y, Guard: strings.Join(conds, " and ")})
		return
	}
	st.Divisors = append(st.Divisors, Divisor{Node: y})
}

// paramText writes e, an expression of scalar parameters, module constants and locals bound
// once, at the top of the function, to such expressions, with those locals written out: the
// guard can compute it (fn = float(n): float(n)). Only operators and calls that cannot
// raise for the numbers the guard admits are taken (+, -, *, float(), int(), abs()), and
// divisions, whose divisors pre lists as conditions to test first (DX = 1.0 / n: n != 0).
// "" when e is not such an expression.
func (b *builder) paramText(e pyast.Expr, depth int, pre *[]string, before pyast.Pos) string {
	if depth > 8 {
		return ""
	}
	switch e := e.(type) {
	case *pyast.Num:
		return e.Raw
	case *pyast.Name:
		param := false
		for _, p := range b.x.fn.Def.Params {
			param = param || p.Name == e.Id
		}
		if param {
			if t := b.x.fn.Params[e.Id]; t != nil && b.x.assigned[e.Id] == 0 && checkedNumber(t) && !b.x.globalNames[e.Id] && !rebindsNested(b.x.fn.Def, e.Id) {
				return e.Id
			}
			return ""
		}
		if a, ok := b.x.ints[e.Id]; ok && b.x.assigned[e.Id] == 1 {
			// m = y.shape[0], m = n - 1: its affine value, each symbol as the guard reads it.
			if text, ok := b.affineText(a); ok {
				return "(" + text + ")"
			}
			return ""
		}
		if b.x.assigned[e.Id] == 0 && b.x.localDefs[e.Id] == 0 && b.x.moduleBound()[e.Id] == 1 {
			// SCALE = 2.0 at the module's top, bound once: its literal.
			if v, ok := moduleValue(b.x.fn.File, e.Id).(*pyast.Num); ok {
				return v.Raw
			}
			return ""
		}
		// A local bound once, at the function's top, before the division, to such an
		// expression; not one a global, nonlocal or nested function may rebind.
		if b.x.assigned[e.Id] != 1 || b.x.globalNames[e.Id] || rebindsNested(b.x.fn.Def, e.Id) {
			return ""
		}
		for _, st := range b.x.fn.Def.Body {
			if st.End() > before {
				break
			}
			t, v := singleBinding(st)
			if n, ok := t.(*pyast.Name); ok && n.Id == e.Id && v != nil {
				if _, plain := st.(*pyast.Assign); plain {
					if text := b.paramText(v, depth+1, pre, st.Pos()); text != "" {
						return "(" + text + ")"
					}
				}
			}
		}
		return ""
	case *pyast.UnaryOp:
		if x := b.paramText(e.X, depth+1, pre, before); x != "" && (e.Op == pyast.USub || e.Op == pyast.UAdd) {
			return e.Op.String() + "(" + x + ")"
		}
	case *pyast.BinOp:
		if e.Op != pyast.Add && e.Op != pyast.Sub && e.Op != pyast.Mul && e.Op != pyast.Div {
			return ""
		}
		x, y := b.paramText(e.X, depth+1, pre, before), b.paramText(e.Y, depth+1, pre, before)
		if x == "" || y == "" {
			return ""
		}
		if e.Op == pyast.Div {
			*pre = append(*pre, y+" != 0")
		}
		return "(" + x + " " + e.Op.String() + " " + y + ")"
	case *pyast.Call:
		f, ok := e.Func.(*pyast.Name)
		if !ok || len(e.Args) != 1 || (f.Id != "float" && f.Id != "int" && f.Id != "abs") ||
			b.x.assigned[f.Id] > 0 || b.x.moduleBound()[f.Id] > 0 {
			return ""
		}
		if x := b.paramText(e.Args[0], depth+1, pre, before); x != "" {
			return f.Id + "(" + x + ")"
		}
	}
	return ""
}

// checkedNumber reports a parameter type the guard checks to be a number before it tests
// divisors (is_int, is_real, is_number, a bool's type): the test cannot raise a TypeError.
// Complex numbers are left out: float() of one raises TypeError.
func checkedNumber(t *typeinfer.Type) bool {
	switch t.Kind {
	case typeinfer.Int, typeinfer.Float, typeinfer.Bool:
		return true
	case typeinfer.NPScalar:
		return !strings.HasPrefix(t.DType, "complex")
	case typeinfer.Union:
		for _, a := range t.Alts {
			if a.Kind != typeinfer.Int && a.Kind != typeinfer.Float && a.Kind != typeinfer.NPScalar {
				return false
			}
		}
		return len(t.Alts) > 0 // is_real admits only numbers then (emit's allReal)
	}
	return false
}

// rebindsNested reports a function nested in def that declares name nonlocal: calling it may
// rebind def's local.
func rebindsNested(def *pyast.FunctionDef, name string) bool {
	found := false
	for _, st := range def.Body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if nl, ok := n.(*pyast.Nonlocal); ok && slices.Contains(nl.Names, name) {
				found = true
			}
			return !found
		})
	}
	return found
}

// affineText writes an affine expression of parameters as the guard reads them (x.source):
// "y.shape[0] - 1". false where a variable has no source (a loop index).
func (b *builder) affineText(a Affine) (string, bool) {
	var terms []string
	for _, v := range a.Vars() {
		src, ok := b.x.source[v]
		if !ok || b.x.outerIndex[v] {
			return "", false
		}
		terms = append(terms, fmt.Sprintf("%d * %s", a.Coef[v], src))
	}
	terms = append(terms, fmt.Sprint(a.Const))
	return strings.Join(terms, " + "), true
}

// pyNumber reports an expression that may be a Python number rather than a NumPy one: no
// array element or NumPy scalar reaches it. Names it does not know count as Python numbers,
// which checks more divisions than needed, never fewer.
func (b *builder) pyNumber(e pyast.Expr, env affineEnv) bool {
	switch e := e.(type) {
	case *pyast.Subscript:
		return false // an array element: NumPy's
	case *pyast.Name:
		if _, ok := env.affineName(e.Id); ok {
			return true
		}
		// A parameter recorded as a NumPy scalar counts too: the guard admits a Python float
		// there.
		return b.x.arrays[e.Id] == nil
	case *pyast.BinOp:
		return b.pyNumber(e.X, env) && b.pyNumber(e.Y, env)
	case *pyast.UnaryOp:
		return b.pyNumber(e.X, env)
	case *pyast.Call:
		if f, ok := e.Func.(*pyast.Attribute); ok {
			if mod, ok := f.X.(*pyast.Name); ok && b.x.fn.Modules[mod.Id] == "numpy" {
				return false
			}
		}
	}
	return true
}

// zeroDivisors checks every recorded divisor: those that may be 0 inside their statement's
// domain, for some parameters the context admits, with loop indices (what) or without them
// (guard, the parameter-only divisors the guard must check).
func zeroDivisors(sc *scope, s *SCoP) (what []string, guard []Affine, guardText []string, err error) {
	for _, st := range s.Stmts {
		for _, d := range st.Divisors {
			if !d.Affine {
				if d.Guard == "" {
					what = append(what, exprText(nil, d.Node))
				} else {
					guardText = append(guardText, d.Guard)
				}
				continue
			}
			zero := strings.Replace(st.Domain, "}", "", 1)
			cond := d.Aff.String() + " = 0"
			if strings.Contains(zero, ":") {
				zero = strings.TrimSpace(zero) + " and " + cond + " }"
			} else {
				zero = strings.TrimSpace(zero) + " : " + cond + " }"
			}
			set, err := sc.set(zero)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("divisor %s: %w", d.Aff, err)
			}
			ctxSet, err := sc.set(s.Context)
			if err != nil {
				return nil, nil, nil, err
			}
			if set, err = set.IntersectParams(ctxSet); err != nil {
				return nil, nil, nil, err
			}
			sc.add(set)
			empty, err := set.IsEmpty()
			if err != nil {
				return nil, nil, nil, err
			}
			if empty {
				continue
			}
			// The guard runs at the function's entry: a divisor reading a loop index, of the
			// SCoP or of a loop around it, is not known there.
			indices := false
			for _, v := range d.Aff.Vars() {
				for _, it := range st.Iters {
					indices = indices || v == it
				}
				indices = indices || s.OuterIndices[v]
			}
			if indices {
				what = append(what, d.Aff.String())
			} else {
				guard = append(guard, d.Aff)
			}
		}
	}
	return what, guard, guardText, nil
}
