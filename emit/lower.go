package emit

import (
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// lowerArrays lowers the function's NumPy array statements to loops (polyopt.Lower), parses
// the module again with the lowered definition in place, and extracts its SCoPs. It returns a
// nil Function when lowering changed nothing or left a lowered loop outside every SCoP: such
// a loop would run element by element in the interpreter, far slower than the NumPy statement
// it came from.
//
// skip names array statements (by position in the original) to leave as they are; the last
// result maps each rewritten statement to where its code went in the new file.
func lowerArrays(pf polyopt.Func, skip map[pyast.Pos]bool) (*pyast.File, *pyast.FunctionDef, *polyopt.Function, int, []polyopt.LoweredSpan) {
	low := polyopt.Lower(pf, skip)
	if low == nil || low.Stmts == 0 {
		return nil, nil, nil, 0, nil
	}
	src := pf.File.Src
	text := string(src[:pf.Def.Pos()]) + low.Text + string(src[pf.Def.End():])
	file, err := pyast.ParseFile(pf.File.Name, []byte(text))
	if err != nil {
		return nil, nil, nil, 0, nil // a lowering bug must not stop emit: the original is used
	}
	var def *pyast.FunctionDef
	for _, s := range file.Module.Body {
		if d, ok := s.(*pyast.FunctionDef); ok && d.Pos() == pf.Def.Pos() && d.Name == pf.Def.Name {
			def = d
		}
	}
	if def == nil {
		return nil, nil, nil, 0, nil
	}
	lpf := pf
	lpf.File, lpf.Def = file, def
	fn := polyopt.Extract(lpf)
	covered := func(p pyast.Pos) bool {
		for _, s := range fn.SCoPs {
			if s.Pos <= p && p < s.End {
				return true
			}
		}
		return false
	}
	ok := len(fn.SCoPs) > 0
	for _, s := range def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if f, isFor := n.(*pyast.For); isFor {
				if v, isName := f.Target.(*pyast.Name); isName && strings.HasPrefix(v.Id, "_pp_") && !covered(f.Pos()) {
					ok = false
				}
			}
			return ok
		})
	}
	if !ok {
		return nil, nil, nil, 0, nil
	}
	spans := make([]polyopt.LoweredSpan, len(low.Spans))
	for i, sp := range low.Spans {
		base := int(pf.Def.Pos())
		spans[i] = polyopt.LoweredSpan{Orig: sp.Orig, From: base + sp.From, To: base + sp.To}
	}
	return file, def, fn, low.Stmts, spans
}

// loweredIn returns the original positions of the lowered statements whose code lies in
// [from, to) of the lowered file.
func loweredIn(spans []polyopt.LoweredSpan, from, to int) []pyast.Pos {
	var out []pyast.Pos
	for _, sp := range spans {
		if sp.From < to && from < sp.To {
			out = append(out, sp.Orig)
		}
	}
	return out
}

// LowerArrays is the function with its NumPy array statements lowered to loops, as emit
// optimizes it: the lowered definition's text and its SCoPs, or "" and nil when lowering
// changes nothing or leaves a lowered loop outside every SCoP. The lowered file is named
// "FILE[lowered]", so positions in it are not taken for positions in FILE.
func LowerArrays(pf polyopt.Func) (string, *polyopt.Function) {
	file, def, fn, _, _ := lowerArrays(pf, nil)
	if fn == nil {
		return "", nil
	}
	file.Name = pf.File.Name + "[lowered]"
	return string(file.Src[def.Pos():def.End()]), fn
}
