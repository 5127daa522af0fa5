package polyopt

import (
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// Complex values need one rule the real ones do not: NumPy promotes a real array combined
// with a complex scalar to a complex array, and a complex value stored into a real array is
// an error in a loop but a silent loss of the imaginary part in a whole-array store. So the
// lowering tracks which values may be complex and refuses the stores where the two differ.

// moduleConstants are the attributes of math, cmath and numpy that are plain numbers.
var moduleConstants = map[string]bool{"pi": true, "e": true, "inf": true, "nan": true, "tau": true}

// realOfComplex are the functions that give a real number from a complex one.
var realOfComplex = map[string]bool{"abs": true, "absolute": true, "real": true, "imag": true, "angle": true}

// isComplexDType reports a NumPy complex dtype name.
func isComplexDType(dtype string) bool { return strings.HasPrefix(dtype, "complex") }

// mayBeComplex reports an expression whose value may be a complex number or array.
func (l *lowerer) mayBeComplex(e pyast.Expr) bool {
	return l.complexValue(e, map[string]bool{})
}

func (l *lowerer) complexValue(e pyast.Expr, seen map[string]bool) bool {
	switch e := e.(type) {
	case *pyast.Num:
		return strings.ContainsAny(e.Raw, "jJ")
	case *pyast.Name:
		if a := l.x.arrays[e.Id]; a != nil {
			return a.DType == "" || isComplexDType(a.DType)
		}
		if t := l.fn.Params[e.Id]; t != nil {
			switch t.Kind {
			case typeinfer.Int, typeinfer.Float, typeinfer.Bool:
				return false
			case typeinfer.NPScalar:
				return !strings.HasPrefix(t.DType, "float") && !strings.HasPrefix(t.DType, "int")
			}
			return true
		}
		if _, ok := l.x.ints[e.Id]; ok {
			return false
		}
		return l.complexLocal(e.Id, seen)
	case *pyast.Subscript:
		if arr, ok := e.X.(*pyast.Name); ok {
			if a := l.x.arrays[arr.Id]; a != nil {
				return a.DType == "" || isComplexDType(a.DType)
			}
		}
		if _, why := toAffine(e, lowerEnv{x: l.x}); why == "" {
			return false
		}
		return true
	case *pyast.Attribute:
		if e.Attr == "real" || e.Attr == "imag" {
			return false
		}
		if mod, ok := e.X.(*pyast.Name); ok && l.fn.Modules[mod.Id] != "" {
			// np.pi, or a dtype such as np.float64 or np.complex128.
			return strings.Contains(e.Attr, "complex") || (l.fn.Modules[mod.Id] == "cmath" && !moduleConstants[e.Attr])
		}
		if e.Attr == "T" {
			return l.complexValue(e.X, seen)
		}
		return true
	case *pyast.BinOp:
		return l.complexValue(e.X, seen) || l.complexValue(e.Y, seen)
	case *pyast.UnaryOp:
		return l.complexValue(e.X, seen)
	case *pyast.Str, *pyast.Constant:
		return false
	case *pyast.Tuple:
		for _, x := range e.Elts {
			if l.complexValue(x, seen) {
				return true
			}
		}
		return false
	case *pyast.Call:
		name := ""
		switch f := e.Func.(type) {
		case *pyast.Name:
			name = f.Id
		case *pyast.Attribute:
			name = f.Attr
			if mod, ok := f.X.(*pyast.Name); ok && l.fn.Modules[mod.Id] == "cmath" {
				return true
			}
			if l.fn.Modules[exprText(l.fn.File, f.X)] == "" {
				// A method: x.conj(), x.sum(), x.copy() keep the kind of x.
				if realOfComplex[name] {
					return false
				}
				if l.complexValue(f.X, seen) {
					return true
				}
			}
		}
		if realOfComplex[name] || name == "float" || name == "int" || name == "len" {
			return false
		}
		for _, a := range e.Args {
			if k, ok := a.(*pyast.Keyword); ok {
				// Only a dtype argument changes the kind of the result (axis=, out= do not).
				if k.Name == "dtype" && strings.Contains(exprText(l.fn.File, k.Value), "complex") {
					return true
				}
				continue
			}
			if l.complexValue(a, seen) {
				return true
			}
		}
		return false
	}
	return true
}

// complexLocal reports a local name one of whose bindings may be complex.
func (l *lowerer) complexLocal(name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	found := false
	for _, s := range l.fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Assign:
				if len(n.Targets) == 1 && mentions(n.Targets, name) {
					if _, isName := n.Targets[0].(*pyast.Name); !isName || l.complexValue(n.Value, seen) {
						found = true
					}
				}
			case *pyast.AugAssign:
				if mentions([]pyast.Expr{n.Target}, name) && l.complexValue(n.Value, seen) {
					found = true
				}
			case *pyast.For:
				// A loop target takes the values of what it iterates: numbers of a range,
				// anything otherwise.
				if mentions([]pyast.Expr{n.Target}, name) && !isRangeCall(n.Iter) {
					found = true
				}
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			return !found
		})
	}
	return found
}

// complexIntoReal says why a statement storing value into target must stay as it is: a value
// that may be complex stored into an array that is not.
func (l *lowerer) complexIntoReal(target, value pyast.Expr) string {
	arr := target
	if sub, ok := target.(*pyast.Subscript); ok {
		arr = sub.X
	}
	id, ok := arr.(*pyast.Name)
	if !ok {
		return ""
	}
	a := l.x.arrays[id.Id]
	if a == nil || isComplexDType(a.DType) || !l.mayBeComplex(value) {
		return ""
	}
	return "a value that may be complex stored into " + id.Id + ", whose dtype is " + a.DType
}

// resultDType is the dtype of an elementwise function's result given its operands' dtype, or
// "" where it is not known: abs of a complex array is real, a test such as isnan is bool.
func resultDType(fn, dtype string) string {
	switch {
	case realOfComplex[fn] && dtype == "complex128":
		return "float64"
	case realOfComplex[fn] && dtype == "complex64":
		return "float32"
	case fn == "isnan" || fn == "isinf":
		return "bool"
	case fn == "float64" || fn == "float32" || fn == "int64" || fn == "int32":
		return fn
	}
	return dtype
}

// isModuleConstant reports np.pi, math.e and the like.
func isModuleConstant(fn Func, e *pyast.Attribute) bool {
	mod, ok := e.X.(*pyast.Name)
	return ok && fn.Modules[mod.Id] != "" && moduleConstants[e.Attr]
}

// isRangeCall reports range(...) with one to three positional arguments.
func isRangeCall(e pyast.Expr) bool {
	call, ok := e.(*pyast.Call)
	if !ok || len(call.Args) < 1 || len(call.Args) > 3 {
		return false
	}
	f, ok := call.Func.(*pyast.Name)
	return ok && f.Id == "range"
}

// wholeReduction reports np.sum(x), np.mean(x), x.sum() or x.mean(): no axis, no other
// argument, so the result is one number.
func wholeReduction(e *pyast.Call, modules map[string]string) bool {
	f, ok := e.Func.(*pyast.Attribute)
	if !ok || (f.Attr != "sum" && f.Attr != "mean") {
		return false
	}
	if mod, ok := f.X.(*pyast.Name); ok && modules[mod.Id] == "numpy" {
		if len(e.Args) != 1 {
			return false
		}
		_, kw := e.Args[0].(*pyast.Keyword)
		return !kw
	}
	return len(e.Args) == 0
}

// neverWritten reports a read element that no iteration of the statement's nest writes: in
// some dimension the read's index is the same for every iteration and the write's index minus
// it is at least 1 for every iteration (its iterators run from 0 up). L[j+1+i, j] = ... L[j, j] ... reads row j and writes rows after it.
func neverWritten(write, read []Affine, its []string) bool {
	if len(write) != len(read) {
		return false
	}
	isIter := map[string]bool{}
	for _, it := range its {
		isIter[it] = true
	}
	for d := range write {
		usesIter := false
		for v := range read[d].Coef {
			usesIter = usesIter || isIter[v]
		}
		if usesIter {
			continue // another iteration may read there
		}
		diff := write[d].add(read[d], -1)
		ok := diff.Const >= 1
		for v, c := range diff.Coef {
			// Only the write's own iterators may remain, with a positive coefficient.
			ok = ok && c >= 0 && isIter[v]
		}
		if ok {
			return true
		}
	}
	return false
}

// hasConjMethod reports a call x.conj() or x.conjugate() (no arguments) in e.
func hasConjMethod(e pyast.Expr) bool {
	found := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		if c, ok := n.(*pyast.Call); ok && len(c.Args) == 0 {
			if f, ok := c.Func.(*pyast.Attribute); ok && (f.Attr == "conj" || f.Attr == "conjugate") {
				found = true
			}
		}
		return !found
	})
	return found
}

// complexParams returns the scalar parameters whose type admits a complex number.
func complexParams(fn Func) map[string]bool {
	out := map[string]bool{}
	var admits func(t *typeinfer.Type) bool
	admits = func(t *typeinfer.Type) bool {
		switch t.Kind {
		case typeinfer.Complex:
			return true
		case typeinfer.NPScalar:
			return isComplexDType(t.DType)
		case typeinfer.Union:
			for _, a := range t.Alts {
				if admits(a) {
					return true
				}
			}
		}
		return false
	}
	for name, t := range fn.Params {
		if t != nil && admits(t) {
			out[name] = true
		}
	}
	return out
}
