package polyopt

import (
	"fmt"

	"github.com/pyparc/pyparc/pyast"
)

// A check is "if cond: raise E(...)" on values the function computes, the way numerical code
// refuses bad input (a Cholesky factorization of a matrix that is not positive definite). It
// is modelled as a statement that reads cond's operands and writes nothing, so the statements
// it reads from stay before it. What the original guarantees beyond that, that the first
// failing check raises and nothing after it ran, the model keeps by ordering: every loop
// around a check stays sequential, and no reordered schedule is built for its nest.

// isCheck reports an if with no else whose body raises an exception built from constants.
func isCheck(s *pyast.If) bool {
	if len(s.Else) != 0 || len(s.Body) != 1 {
		return false
	}
	r, ok := s.Body[0].(*pyast.Raise)
	if !ok || r.Exc == nil || r.Cause != nil {
		return false
	}
	exc := r.Exc
	if call, ok := exc.(*pyast.Call); ok {
		for _, a := range call.Args {
			switch a := a.(type) {
			case *pyast.Str:
				for _, part := range a.Parts {
					if isFString(part) {
						return false // it formats values, as Numba would not
					}
				}
			case *pyast.Num, *pyast.Constant:
			default:
				return false // an argument computed from data would need its value kept too
			}
		}
		exc = call.Func
	}
	for {
		switch e := exc.(type) {
		case *pyast.Name:
			return true
		case *pyast.Attribute:
			exc = e.X
		default:
			return false
		}
	}
}

// check builds the statement of a check.
func (b *builder) check(s *pyast.If, in nest) *Opaque {
	env := b.envFor(in)
	st := &Stmt{Node: s, Check: true, Loops: in.loops}
	for _, l := range in.loops {
		st.Iters = append(st.Iters, l.Iter)
	}
	if op := b.reads(s.Cond, env, st); op != nil {
		return op
	}
	b.record(st, in)
	return nil
}

// sequentialAroundChecks marks every loop around a check sequential, with the reason: not
// parallel, not a reduction, and none of the forms whole-array code may still vectorize
// (only anti dependences, array expansion, a statement order).
func sequentialAroundChecks(s *SCoP) {
	for _, st := range s.Stmts {
		if !st.Check {
			continue
		}
		for _, l := range st.Loops {
			l.Parallel, l.Reduction, l.Anti, l.Expand, l.Order = false, false, false, nil, nil
			l.CarriedBy = appendOnce(l.CarriedBy, fmt.Sprintf("the order of the check %s (it raises)", st.Name))
		}
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// hasCheck reports a check among the statements.
func hasCheck(stmts []*Stmt) bool {
	for _, st := range stmts {
		if st.Check {
			return true
		}
	}
	return false
}
