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
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// Divisor is the affine int divisor of a division of Python numbers in a statement.
type Divisor struct {
	Node pyast.Expr // the divisor in the source
	Aff  Affine
}

// divisor records e's divisor when both of its operands are Python numbers and the divisor is
// affine.
func (b *builder) divisor(x, y pyast.Expr, env affineEnv, st *Stmt) {
	if !b.pyNumber(x, env) || !b.pyNumber(y, env) {
		return
	}
	a, why := toAffine(y, env)
	if why != "" || (a.IsConst() && a.Const != 0) {
		return
	}
	st.Divisors = append(st.Divisors, Divisor{Node: y, Aff: a})
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
		if b.x.arrays[e.Id] != nil {
			return false
		}
		if t := b.x.fn.Params[e.Id]; t != nil && b.x.assigned[e.Id] == 0 && t.Kind == typeinfer.NPScalar {
			return false
		}
		return true
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
func zeroDivisors(sc *scope, s *SCoP) (what []string, guard []Affine, err error) {
	for _, st := range s.Stmts {
		for _, d := range st.Divisors {
			zero := strings.Replace(st.Domain, "}", "", 1)
			cond := d.Aff.String() + " = 0"
			if strings.Contains(zero, ":") {
				zero = strings.TrimSpace(zero) + " and " + cond + " }"
			} else {
				zero = strings.TrimSpace(zero) + " : " + cond + " }"
			}
			set, err := sc.set(zero)
			if err != nil {
				return nil, nil, fmt.Errorf("divisor %s: %w", d.Aff, err)
			}
			ctxSet, err := sc.set(s.Context)
			if err != nil {
				return nil, nil, err
			}
			if set, err = set.IntersectParams(ctxSet); err != nil {
				return nil, nil, err
			}
			sc.add(set)
			empty, err := set.IsEmpty()
			if err != nil {
				return nil, nil, err
			}
			if empty {
				continue
			}
			indices := false
			for _, v := range d.Aff.Vars() {
				for _, it := range st.Iters {
					indices = indices || v == it
				}
			}
			if indices {
				what = append(what, d.Aff.String())
			} else {
				guard = append(guard, d.Aff)
			}
		}
	}
	return what, guard, nil
}
