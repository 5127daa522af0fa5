package polyopt

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// expr lowers an expression: an array-valued one to its element renderer, a scalar one to
// its own text. The second result says why it cannot be lowered.
func (l *lowerer) expr(e pyast.Expr, env lowerEnv) (*arrayExpr, string) {
	text := exprText(l.fn.File, e)
	scalar := func() (*arrayExpr, string) {
		return &arrayExpr{elem: func([]string) string { return "(" + text + ")" }}, ""
	}
	switch e := e.(type) {
	case *pyast.Num:
		if strings.ContainsAny(e.Raw, "jJ") {
			// A complex scalar promotes a real array: its dtype makes a mix with one "".
			return &arrayExpr{dtype: "complex128", elem: func([]string) string { return "(" + text + ")" }}, ""
		}
		return scalar()
	case *pyast.Constant:
		return scalar()
	case *pyast.Name:
		if v := l.views[e.Id]; v != nil {
			return l.expr(v.value, env)
		}
		if a := l.x.arrays[e.Id]; a != nil && len(a.Extent) > 0 {
			full := make([]*Affine, len(a.Extent))
			return l.subscript(e.Id, full, nil)
		}
		if _, ok := env.affineName(e.Id); ok {
			return scalar()
		}
		if !l.scalarName(e.Id, map[string]bool{}) {
			return nil, fmt.Sprintf("%s is not known to be a scalar or an array of known shape", e.Id)
		}
		if l.mayBeComplex(e) {
			return &arrayExpr{dtype: "complex128", elem: func([]string) string { return "(" + text + ")" }}, ""
		}
		return scalar()
	case *pyast.Subscript:
		arr, ok := e.X.(*pyast.Name)
		if !ok || l.x.arrays[arr.Id] == nil {
			if _, why := toAffine(e, env); why == "" {
				return scalar() // A.shape[0]
			}
			return nil, fmt.Sprintf("%s is not an array of known shape", exprText(l.fn.File, e.X))
		}
		if name, index, ok := l.gatheredRef(arr.Id, e.Index); ok {
			return l.index(name, index, env)
		}
		return l.index(arr.Id, e.Index, env)
	case *pyast.Attribute:
		if mod, ok := e.X.(*pyast.Name); ok && l.fn.Modules[mod.Id] != "" {
			if moduleConstants[e.Attr] {
				return scalar()
			}
			return nil, "module attribute " + text
		}
		if e.Attr == "real" || e.Attr == "imag" {
			x, why := l.expr(e.X, env)
			if why != "" {
				return nil, why
			}
			attr := e.Attr
			return &arrayExpr{shape: x.shape, dtype: resultDType(attr, x.dtype), pre: x.pre,
				elem: func(its []string) string { return "(" + x.elem(its) + ")." + attr }}, ""
		}
		if e.Attr == "T" {
			x, why := l.expr(e.X, env)
			if why != "" {
				return nil, why
			}
			return permute(x, reversed(len(x.shape))), ""
		}
		return nil, "attribute " + text + " is not lowered"
	case *pyast.UnaryOp:
		if e.Op != pyast.USub && e.Op != pyast.UAdd {
			return nil, "operator " + e.Op.String()
		}
		x, why := l.expr(e.X, env)
		if why != "" {
			return nil, why
		}
		op := e.Op.String()
		return &arrayExpr{shape: x.shape, dtype: x.dtype, pre: x.pre,
			elem: func(its []string) string { return "(" + op + x.elem(its) + ")" }}, ""
	case *pyast.BinOp:
		if e.Op == pyast.MatMul {
			return l.dot(e.X, e.Y, env)
		}
		switch e.Op {
		case pyast.Add, pyast.Sub, pyast.Mul, pyast.Div, pyast.FloorDiv, pyast.Mod, pyast.Pow:
		default:
			return nil, "operator " + e.Op.String() + " is not lowered"
		}
		x, why := l.expr(e.X, env)
		if why != "" {
			return nil, why
		}
		y, why := l.expr(e.Y, env)
		if why != "" {
			return nil, why
		}
		op := e.Op.String()
		return broadcast([]*arrayExpr{x, y}, func(parts []string) string {
			return "(" + parts[0] + " " + op + " " + parts[1] + ")"
		})
	case *pyast.Call:
		return l.call(e, env)
	}
	return nil, "expression " + text + " is not lowered"
}

// call lowers x.copy(), sums and means (whole, or over axes), transposes, np.outer, and
// elementwise NumPy functions.
func (l *lowerer) call(e *pyast.Call, env lowerEnv) (*arrayExpr, string) {
	text := exprText(l.fn.File, e)
	if r, why, ok := l.reduceCall(e, env); ok {
		if why != "" {
			return nil, why
		}
		return l.reduce(r, env)
	}
	if x, why, ok := l.transposeCall(e, env); ok {
		return x, why
	}
	for _, a := range e.Args {
		if _, ok := a.(*pyast.Keyword); ok {
			return nil, "a keyword argument in " + text
		}
	}
	switch f := e.Func.(type) {
	case *pyast.Attribute:
		if mod, ok := f.X.(*pyast.Name); ok && l.fn.Modules[mod.Id] != "" {
			switch l.fn.Modules[mod.Id] {
			case "numpy":
				if (f.Attr == "dot" || f.Attr == "matmul") && len(e.Args) == 2 {
					return l.dot(e.Args[0], e.Args[1], env)
				}
				if f.Attr == "outer" && len(e.Args) == 2 {
					return l.outer(mod.Id, e.Args[0], e.Args[1], env)
				}
				if !pureModuleFuncs[f.Attr] || strings.HasPrefix(f.Attr, "float") || strings.HasPrefix(f.Attr, "int") {
					return nil, "call " + text + " is not an elementwise function pyparc knows"
				}
			case "math":
				if !pureModuleFuncs[f.Attr] {
					return nil, "call " + text + " is not a pure function pyparc knows"
				}
			default:
				return nil, "call " + text
			}
			var args []*arrayExpr
			for _, a := range e.Args {
				x, why := l.expr(a, env)
				if why != "" {
					return nil, why
				}
				if l.fn.Modules[mod.Id] == "math" && len(x.shape) > 0 {
					return nil, "a math function of an array"
				}
				args = append(args, x)
			}
			fn := mod.Id + "." + f.Attr
			x, why := broadcast(args, func(parts []string) string {
				return fn + "(" + strings.Join(parts, ", ") + ")"
			})
			if x != nil {
				x.dtype = resultDType(f.Attr, x.dtype)
			}
			return x, why
		}
		if len(e.Args) == 0 && (f.Attr == "conj" || f.Attr == "conjugate") {
			x, why := l.expr(f.X, env)
			if why != "" {
				return nil, why
			}
			// The function form, so that the whole-array code and Numba read it alike.
			np := l.np
			return &arrayExpr{shape: x.shape, dtype: x.dtype, pre: x.pre,
				elem: func(its []string) string { return np + ".conj(" + x.elem(its) + ")" }}, ""
		}
		if len(e.Args) == 0 && f.Attr == "copy" {
			x, why := l.expr(f.X, env)
			if why != "" {
				return nil, why
			}
			if len(x.shape) == 0 {
				return nil, ".copy() of a scalar"
			}
			return x, ""
		}
	case *pyast.Name:
		if l.x.assigned[f.Id] == 0 && f.Id == "len" && len(e.Args) == 1 {
			if arg, ok := e.Args[0].(*pyast.Name); ok {
				if g := l.gathered[arg.Id]; g != nil {
					// The extent of a copy gathered earlier in the function, bound to a
					// local: compiled code then never receives the list itself (Numba would
					// convert it at every call).
					ga := g.arrays[gatheredNames(g.arrays)[0]]
					text = l.pyLocal(l.x.arrays[ga.name].Extent[ga.dim])
				}
				return &arrayExpr{elem: func([]string) string { return "(" + text + ")" }}, ""
			}
		}
		if l.x.assigned[f.Id] == 0 && (f.Id == "abs" || f.Id == "float" || f.Id == "int") && len(e.Args) == 1 {
			x, why := l.expr(e.Args[0], env)
			if why != "" {
				return nil, why
			}
			if len(x.shape) > 0 && f.Id != "abs" {
				return nil, f.Id + "() of an array"
			}
			return &arrayExpr{shape: x.shape, dtype: resultDType(f.Id, x.dtype), pre: x.pre,
				elem: func(its []string) string { return f.Id + "(" + x.elem(its) + ")" }}, ""
		}
		if l.x.assigned[f.Id] == 0 && (f.Id == "min" || f.Id == "max") && len(e.Args) == 2 {
			var args []*arrayExpr
			for _, a := range e.Args {
				x, why := l.expr(a, env)
				if why != "" {
					return nil, why
				}
				if len(x.shape) > 0 {
					return nil, f.Id + "() of an array"
				}
				args = append(args, x)
			}
			return broadcast(args, func(parts []string) string { return f.Id + "(" + strings.Join(parts, ", ") + ")" })
		}
	}
	return nil, "call " + text + " is not lowered"
}

// index lowers A[...]: integers fix a dimension, slices keep it; missing trailing subscripts
// are whole slices.
func (l *lowerer) index(name string, index pyast.Expr, env lowerEnv) (*arrayExpr, string) {
	a := l.x.arrays[name]
	subs := []pyast.Expr{index}
	if t, ok := index.(*pyast.Tuple); ok {
		subs = t.Elts
	}
	if len(subs) > len(a.Extent) {
		return nil, fmt.Sprintf("%s has %d dimensions but %d subscripts", name, len(a.Extent), len(subs))
	}
	fixed := make([]*Affine, len(a.Extent))
	var slices []slice
	bound := func(e pyast.Expr, d int, def Affine) (Affine, string) {
		if e == nil {
			return def, ""
		}
		v, why := toAffine(e, env)
		if why != "" {
			return v, "slice bound " + exprText(l.fn.File, e) + ": " + why
		}
		if v.IsConst() && v.Const < 0 {
			v = a.Extent[d].add(v, 1) // counted from the end
		}
		return v, ""
	}
	for d, s := range subs {
		if sl, ok := s.(*pyast.Slice); ok {
			if sl.Step != nil {
				if n, ok := sl.Step.(*pyast.Num); !ok || n.Raw != "1" {
					return nil, "a slice with a step"
				}
			}
			lo, why := bound(sl.Lo, d, constAff(0))
			if why != "" {
				return nil, why
			}
			hi, why := bound(sl.Hi, d, a.Extent[d])
			if why != "" {
				return nil, why
			}
			slices = append(slices, slice{d, lo, hi.add(lo, -1)})
			continue
		}
		v, why := toAffine(s, env)
		if why != "" {
			return nil, "subscript " + exprText(l.fn.File, s) + ": " + why
		}
		if v.IsConst() && v.Const < 0 {
			v = a.Extent[d].add(v, 1)
		}
		fixed[d] = &v
	}
	for d := len(subs); d < len(a.Extent); d++ {
		slices = append(slices, slice{d, constAff(0), a.Extent[d]})
	}
	return l.subscript(name, fixed, slices)
}

// slice is one sliced dimension of an array: its first index and its length.
type slice struct {
	dim   int
	lo, n Affine
}

// subscript renders A with fixed dimensions and slices; fixed entries nil and no slices
// given means the whole array.
func (l *lowerer) subscript(name string, fixed []*Affine, slices []slice) (*arrayExpr, string) {
	a := l.x.arrays[name]
	if slices == nil {
		allNil := true
		for _, f := range fixed {
			allNil = allNil && f == nil
		}
		if allNil {
			for d := range a.Extent {
				slices = append(slices, slice{d, constAff(0), a.Extent[d]})
			}
		}
	}
	shape := make([]Affine, len(slices))
	for i, s := range slices {
		shape[i] = s.n
	}
	bound := make([]Affine, len(slices))
	for i, s := range slices {
		bound[i] = a.Extent[s.dim]
	}
	return &arrayExpr{shape: shape, bound: bound, dtype: a.DType, elem: func(its []string) string {
		idx := make([]string, len(a.Extent))
		for d, f := range fixed {
			if f != nil {
				idx[d] = l.py(*f)
			}
		}
		for i, s := range slices {
			idx[s.dim] = l.py(s.lo.add(varAff(its[i]), 1))
		}
		aff := make([]Affine, len(a.Extent))
		for d, f := range fixed {
			if f != nil {
				aff[d] = *f
			}
		}
		for i, s := range slices {
			aff[s.dim] = s.lo.add(varAff(its[i]), 1)
		}
		index := strings.Join(idx, ", ")
		l.reads = append(l.reads, elemRead{name, index, aff})
		return name + "[" + index + "]"
	}}, ""
}

// broadcast combines operands elementwise: their extents, aligned from the last, must be
// provably equal where both have the dimension (a scalar has none).
func broadcast(xs []*arrayExpr, combine func([]string) string) (*arrayExpr, string) {
	rank := 0
	for _, x := range xs {
		rank = max(rank, len(x.shape))
	}
	shape := make([]Affine, rank)
	have := make([]bool, rank)
	dtype := ""
	var pre []string
	for _, x := range xs {
		pre = append(pre, x.pre...)
		off := rank - len(x.shape)
		for i, d := range x.shape {
			if have[off+i] && !equalAff(shape[off+i], d) {
				return nil, fmt.Sprintf("operand extents %s and %s are not provably equal", shape[off+i], d)
			}
			shape[off+i], have[off+i] = d, true
		}
		switch {
		case x.dtype == "" && len(x.shape) == 0:
		case dtype == "":
			dtype = x.dtype
		case dtype != x.dtype:
			dtype = "mixed"
		}
	}
	if dtype == "mixed" {
		dtype = ""
	}
	return &arrayExpr{shape: shape, dtype: dtype, pre: pre, elem: func(its []string) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = x.elem(its[len(its)-len(x.shape):])
		}
		return combine(parts)
	}}, ""
}

// scalarName reports a name that holds a number: a scalar parameter, or a local whose every
// binding computes one from numbers, scalars and array elements.
func (l *lowerer) scalarName(name string, seen map[string]bool) bool {
	if t := l.fn.Params[name]; t != nil {
		switch t.Kind {
		case typeinfer.Int, typeinfer.Float, typeinfer.Bool, typeinfer.NPScalar:
			return true
		}
		return false
	}
	if seen[name] {
		return true
	}
	seen[name] = true
	bound := 0
	ok := true
	for _, s := range l.fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Assign:
				if id, isName := n.Targets[0].(*pyast.Name); isName && id.Id == name && len(n.Targets) == 1 {
					bound++
					ok = ok && l.scalarValue(n.Value, seen)
				} else if mentions(n.Targets, name) {
					ok = false
				}
			case *pyast.AugAssign:
				if id, isName := n.Target.(*pyast.Name); isName && id.Id == name {
					bound++
					ok = ok && l.scalarValue(n.Value, seen)
				}
			case *pyast.For:
				if id, isName := n.Target.(*pyast.Name); isName && id.Id == name && isRangeCall(n.Iter) {
					bound++ // a loop index: an int
				} else if mentions([]pyast.Expr{n.Target}, name) {
					ok = false
				}
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			return ok
		})
	}
	return ok && bound > 0
}

func mentions(es []pyast.Expr, name string) bool {
	found := false
	for _, e := range es {
		pyast.Inspect(e, func(n pyast.Node) bool {
			if id, ok := n.(*pyast.Name); ok && id.Id == name {
				found = true
			}
			return !found
		})
	}
	return found
}

// scalarValue reports an expression that computes a number.
func (l *lowerer) scalarValue(e pyast.Expr, seen map[string]bool) bool {
	switch e := e.(type) {
	case *pyast.Num:
		return true
	case *pyast.Attribute:
		if e.Attr == "real" || e.Attr == "imag" {
			return l.scalarValue(e.X, seen)
		}
		mod, ok := e.X.(*pyast.Name)
		return ok && l.fn.Modules[mod.Id] != "" && moduleConstants[e.Attr]
	case *pyast.Name:
		if a := l.x.arrays[e.Id]; a != nil {
			return len(a.Extent) == 0
		}
		if _, ok := l.x.ints[e.Id]; ok {
			return true
		}
		return l.scalarName(e.Id, seen)
	case *pyast.BinOp:
		return e.Op != pyast.MatMul && l.scalarValue(e.X, seen) && l.scalarValue(e.Y, seen)
	case *pyast.UnaryOp:
		return l.scalarValue(e.X, seen)
	case *pyast.Subscript:
		if arr, ok := e.X.(*pyast.Name); ok {
			if a := l.x.arrays[arr.Id]; a != nil {
				subs := []pyast.Expr{e.Index}
				if t, ok := e.Index.(*pyast.Tuple); ok {
					subs = t.Elts
				}
				if len(subs) != len(a.Extent) {
					return false
				}
				for _, s := range subs {
					if _, isSlice := s.(*pyast.Slice); isSlice {
						return false
					}
				}
				return true
			}
		}
		_, why := toAffine(e, lowerEnv{x: l.x})
		return why == ""
	case *pyast.Call:
		if wholeReduction(e, l.fn.Modules) {
			return true // np.sum(x) and x.sum() of any array: one number
		}
		switch f := e.Func.(type) {
		case *pyast.Name:
			if !(l.x.assigned[f.Id] == 0 && (f.Id == "float" || f.Id == "int" || f.Id == "abs" || f.Id == "len")) {
				return false
			}
		case *pyast.Attribute:
			mod, ok := f.X.(*pyast.Name)
			if !ok {
				return false
			}
			switch l.fn.Modules[mod.Id] {
			case "math", "cmath":
			case "numpy":
				// An elementwise NumPy function of scalars gives a NumPy scalar.
				if !pureModuleFuncs[f.Attr] {
					return false
				}
			default:
				return false
			}
		default:
			return false
		}
		for _, a := range e.Args {
			if _, kw := a.(*pyast.Keyword); kw {
				return false
			}
			if !l.scalarValue(a, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// product is X @ Y lowered: the extents of the result, the extent of the contracted dimension,
// and one term of the sum that gives an element.
type product struct {
	shape []Affine
	bound []Affine // per dimension, the extent of the array it is a slice of, or nil
	k     Affine
	dtype string
	pre   []string
	term  func(its []string, k string) string
}

// matmulOperands returns X and Y of X @ Y, np.dot(X, Y) or np.matmul(X, Y).
func (l *lowerer) matmulOperands(e pyast.Expr) (pyast.Expr, pyast.Expr, bool) {
	switch e := e.(type) {
	case *pyast.BinOp:
		if e.Op == pyast.MatMul {
			return e.X, e.Y, true
		}
	case *pyast.Call:
		if f, ok := e.Func.(*pyast.Attribute); ok && len(e.Args) == 2 && (f.Attr == "dot" || f.Attr == "matmul") {
			if mod, ok := f.X.(*pyast.Name); ok && l.fn.Modules[mod.Id] == "numpy" {
				_, kw0 := e.Args[0].(*pyast.Keyword)
				_, kw1 := e.Args[1].(*pyast.Keyword)
				if !kw0 && !kw1 {
					return e.Args[0], e.Args[1], true
				}
			}
		}
	}
	return nil, nil, false
}

// product lowers the operands of a matrix product of vectors and matrices.
func (l *lowerer) product(xe, ye pyast.Expr, env lowerEnv) (*product, string) {
	x, why := l.expr(xe, env)
	if why != "" {
		return nil, why
	}
	y, why := l.expr(ye, env)
	if why != "" {
		return nil, why
	}
	rx, ry := len(x.shape), len(y.shape)
	if rx < 1 || rx > 2 || ry < 1 || ry > 2 {
		return nil, "a matrix product of other than vectors and matrices"
	}
	kx, ky := x.shape[rx-1], y.shape[0]
	if !equalAff(kx, ky) {
		return nil, fmt.Sprintf("the contracted extents %s and %s are not provably equal", kx, ky)
	}
	p := &product{k: kx, pre: append(append([]string(nil), x.pre...), y.pre...)}
	if x.dtype == y.dtype {
		p.dtype = x.dtype
	}
	bounded := true
	if rx == 2 {
		p.shape = append(p.shape, x.shape[0])
		if bounded = x.bound != nil; bounded {
			p.bound = append(p.bound, x.bound[0])
		}
	}
	if ry == 2 {
		p.shape = append(p.shape, y.shape[1])
		if bounded = bounded && y.bound != nil; bounded {
			p.bound = append(p.bound, y.bound[1])
		}
	}
	if !bounded {
		p.bound = nil
	}
	p.term = func(its []string, k string) string {
		xi, yi := []string{k}, []string{k}
		if rx == 2 {
			xi = []string{its[0], k}
			its = its[1:]
		}
		if ry == 2 {
			yi = []string{k, its[0]}
		}
		return "(" + x.elem(xi) + " * " + y.elem(yi) + ")"
	}
	return p, ""
}

// dot lowers a product inside an expression. One of two vectors, a number, accumulates into a
// scalar before the statement; one with an array result is computed into a buffer allocated
// before the function's statement, which the expression then reads. (A product that is a
// whole statement's value goes straight into its target: see matmulStmt.)
func (l *lowerer) dot(xe, ye pyast.Expr, env lowerEnv) (*arrayExpr, string) {
	p, why := l.product(xe, ye, env)
	if why != "" {
		return nil, why
	}
	var zero string
	switch p.dtype {
	case "float64":
		zero = "0.0"
	case "int64":
		zero = "0"
	case "complex128":
		zero = "0j"
	default:
		return nil, "a dot product of arrays whose dtype is not float64, complex128 or int64"
	}
	if len(p.shape) > 0 {
		return l.productBuffer(p, zero, env)
	}
	acc := fmt.Sprintf("_pp_s%d", l.temps)
	k := fmt.Sprintf("_pp_i%d", l.temps+1)
	l.temps += 2
	pre := append(p.pre, acc+" = "+zero,
		fmt.Sprintf("for %s in range(%s):", k, l.py(p.k)),
		"    "+acc+" += "+p.term(nil, k))
	return &arrayExpr{pre: pre, elem: func([]string) string { return acc }}, ""
}

// productBuffer computes a matrix product with an array result into a buffer before the
// statement: each element set to zero, then the sum of its products.
func (l *lowerer) productBuffer(p *product, zero string, env lowerEnv) (*arrayExpr, string) {
	dims := make([]string, len(p.shape))
	for i, d := range p.shape {
		for _, v := range d.Vars() {
			if !contains(env.iters, v) {
				continue
			}
			// The buffer is allocated once, before the loops: big enough for every
			// iteration, the extent of the array the rows or columns come from.
			if p.bound == nil {
				return nil, fmt.Sprintf("the product's extent depends on the loop index %s", v)
			}
			d = p.bound[i]
		}
		dims[i] = l.py(d)
	}
	buf := fmt.Sprintf("_pp_r%d", l.temps)
	l.temps++
	l.hoist = append(l.hoist, fmt.Sprintf("%s = %s.empty((%s,), dtype=%s.%s)", buf, l.np, strings.Join(dims, ", "), l.np, p.dtype))
	at := func(its []string) string { return buf + "[" + strings.Join(its, ", ") + "]" }
	its := make([]string, len(p.shape))
	for i := range its {
		its[i] = fmt.Sprintf("_pp_i%d", l.temps)
		l.temps++
	}
	k := fmt.Sprintf("_pp_i%d", l.temps)
	l.temps++
	pre := append([]string(nil), p.pre...)
	for i, it := range its {
		pre = append(pre, strings.Repeat("    ", i)+fmt.Sprintf("for %s in range(%s):", it, l.py(p.shape[i])))
	}
	in := strings.Repeat("    ", len(its))
	pre = append(pre, in+at(its)+" = "+zero,
		in+fmt.Sprintf("for %s in range(%s):", k, l.py(p.k)),
		in+"    "+at(its)+" += "+p.term(its, k))
	return &arrayExpr{shape: p.shape, dtype: p.dtype, pre: pre, elem: at}, ""
}

// reduceOp is a sum or a mean of an array expression over some of its dimensions.
type reduceOp struct {
	x    *arrayExpr
	red  []bool // per dimension of x: summed over
	mean bool
}

// kept are the extents of the result: those of the dimensions not summed over.
func (r *reduceOp) kept() []Affine {
	var shape []Affine
	for d, red := range r.red {
		if !red {
			shape = append(shape, r.x.shape[d])
		}
	}
	return shape
}

// reduceCall reads np.sum(x[, axis]), x.sum([axis]) and the same of mean, the axis given by
// position or keyword: None, a constant or a tuple of constants. The last result says whether
// e is such a call at all, the second why it is not lowered.
func (l *lowerer) reduceCall(e *pyast.Call, env lowerEnv) (*reduceOp, string, bool) {
	f, ok := e.Func.(*pyast.Attribute)
	if !ok || (f.Attr != "sum" && f.Attr != "mean") {
		return nil, "", false
	}
	name := "." + f.Attr + "()"
	mod, isMod := f.X.(*pyast.Name)
	isMod = isMod && l.fn.Modules[mod.Id] != ""
	if isMod {
		if l.fn.Modules[mod.Id] != "numpy" {
			return nil, "", false
		}
		name = mod.Id + "." + f.Attr
	}
	pos, kw, why := callArgs(e, name, "axis")
	if why != "" {
		return nil, why, true
	}
	operand := f.X
	if isMod {
		if len(pos) == 0 {
			return nil, name + " without an array", true
		}
		operand, pos = pos[0], pos[1:]
	}
	axis := kw["axis"]
	switch {
	case len(pos) > 1:
		return nil, name + " with arguments other than the axis", true
	case len(pos) == 1 && axis != nil:
		return nil, name + " with the axis given twice", true
	case len(pos) == 1:
		axis = pos[0]
	}
	x, why := l.expr(operand, env)
	if why != "" {
		return nil, why, true
	}
	if len(x.shape) == 0 {
		return nil, name + " of a scalar", true
	}
	red := make([]bool, len(x.shape))
	if axis == nil || isNone(axis) {
		for d := range red {
			red[d] = true
		}
		return &reduceOp{x: x, red: red, mean: f.Attr == "mean"}, "", true
	}
	axes := []pyast.Expr{axis}
	if t, ok := axis.(*pyast.Tuple); ok {
		axes = t.Elts
	}
	if len(axes) == 0 {
		return nil, name + " over no axis", true
	}
	for _, a := range axes {
		d, why := l.axis(a, len(x.shape), env)
		if why != "" {
			return nil, why, true
		}
		if red[d] {
			return nil, fmt.Sprintf("axis %s is repeated", exprText(l.fn.File, a)), true
		}
		red[d] = true
	}
	return &reduceOp{x: x, red: red, mean: f.Attr == "mean"}, "", true
}

// callArgs splits a call's arguments into positional ones and the keywords named in allowed,
// or says why the call is not lowered (another keyword, an unpacked argument).
func callArgs(e *pyast.Call, name string, allowed ...string) ([]pyast.Expr, map[string]pyast.Expr, string) {
	var pos []pyast.Expr
	kw := map[string]pyast.Expr{}
	for _, a := range e.Args {
		switch a := a.(type) {
		case *pyast.Keyword:
			if !contains(allowed, a.Name) || kw[a.Name] != nil {
				return nil, nil, fmt.Sprintf("the argument %s of %s is not lowered", a.Name, name)
			}
			kw[a.Name] = a.Value
		case *pyast.Starred, *pyast.DoubleStarred:
			return nil, nil, "an unpacked argument of " + name
		default:
			pos = append(pos, a)
		}
	}
	return pos, kw, ""
}

func isNone(e pyast.Expr) bool {
	c, ok := e.(*pyast.Constant)
	return ok && c.Kind == pyast.ConstNone
}

// axis reads a constant axis of an array of the given rank, counted from the end when negative.
func (l *lowerer) axis(e pyast.Expr, rank int, env lowerEnv) (int, string) {
	a, why := toAffine(e, env)
	if why != "" || !a.IsConst() {
		return 0, fmt.Sprintf("axis %s is not a constant", exprText(l.fn.File, e))
	}
	k := a.Const
	if k < -int64(rank) || k >= int64(rank) {
		return 0, fmt.Sprintf("axis %d is out of range for %d dimensions", k, rank)
	}
	if k < 0 {
		k += int64(rank)
	}
	return int(k), ""
}

// reduceType is the zero a reduction starts from and the dtype of its result: NumPy sums
// float64 and int64 in their own type, and means in float64.
func reduceType(r *reduceOp) (zero, dtype, why string) {
	switch {
	case r.x.dtype == "float64":
		return "0.0", "float64", ""
	case r.x.dtype == "int64" && r.mean:
		return "0.0", "float64", ""
	case r.x.dtype == "int64":
		return "0", "int64", ""
	}
	if r.mean {
		return "", "", "a mean of an array whose dtype is not float64 or int64"
	}
	return "", "", "a sum over an array whose dtype is not float64 or int64"
}

// reduce lowers a sum or mean inside an expression. Over every dimension it accumulates into
// a scalar before the statement; one that keeps dimensions is computed into a buffer
// allocated before the function's statement, which the expression then reads.
func (l *lowerer) reduce(r *reduceOp, env lowerEnv) (*arrayExpr, string) {
	zero, dtype, why := reduceType(r)
	if why != "" {
		return nil, why
	}
	shape := r.kept()
	var out func([]string) string
	var buf string
	if len(shape) == 0 {
		buf = fmt.Sprintf("_pp_s%d", l.temps)
		out = func([]string) string { return buf }
	} else {
		dims := make([]string, len(shape))
		for i, d := range shape {
			for _, v := range d.Vars() {
				if contains(env.iters, v) {
					return nil, fmt.Sprintf("the reduction's extent depends on the loop index %s", v)
				}
			}
			dims[i] = l.py(d)
		}
		buf = fmt.Sprintf("_pp_r%d", l.temps)
		l.hoist = append(l.hoist, fmt.Sprintf("%s = %s.empty((%s,), dtype=%s.%s)", buf, l.np, strings.Join(dims, ", "), l.np, dtype))
		out = func(its []string) string { return buf + "[" + strings.Join(its, ", ") + "]" }
	}
	l.temps++
	div := ""
	if r.mean {
		div = l.meanCount(r)
	}
	lines, _ := l.reduceInto(r, out, "", zero, div)
	pre := append(append([]string(nil), r.x.pre...), lines...)
	return &arrayExpr{shape: shape, dtype: dtype, pre: pre, elem: out}, ""
}

// reduceInto renders the loops that compute a reduction into out (one element per index of
// the kept dimensions): out set to zero unless op updates it, then each element of x added
// into (op "-=": subtracted from) the one it reduces into, in x's own loop order so that x is
// read in memory order, then a mean's division. It returns the lines and the array elements
// that x's term reads.
func (l *lowerer) reduceInto(r *reduceOp, out func([]string) string, op, zero, div string) ([]string, []elemRead) {
	its := make([]string, len(r.x.shape))
	var kept []string
	for d := range its {
		its[d] = fmt.Sprintf("_pp_i%d", l.temps)
		l.temps++
		if !r.red[d] {
			kept = append(kept, its[d])
		}
	}
	l.reads = nil
	term := r.x.elem(its)
	reads := l.reads
	l.reads = nil
	target := out(kept)
	l.reads = nil
	keptShape := r.kept()
	var lines []string
	nest := func(its []string, shape []Affine, body string) {
		for i, it := range its {
			lines = append(lines, strings.Repeat("    ", i)+fmt.Sprintf("for %s in range(%s):", it, l.py(shape[i])))
		}
		lines = append(lines, strings.Repeat("    ", len(its))+body)
	}
	if op == "" {
		nest(kept, keptShape, target+" = "+zero)
	}
	acc := "+="
	if op == "-=" {
		acc = "-="
	}
	nest(its, r.x.shape, target+" "+acc+" "+term)
	if div != "" {
		nest(kept, keptShape, target+" = "+target+" / "+div)
	}
	return lines, reads
}

// meanCount renders the number of elements a mean divides by: the product of the summed extents.
func (l *lowerer) meanCount(r *reduceOp) string {
	var factors []string
	for d, red := range r.red {
		if red {
			f := l.pyLocal(r.x.shape[d])
			if strings.Contains(f, " ") {
				f = "(" + f + ")"
			}
			factors = append(factors, f)
		}
	}
	if len(factors) == 1 {
		return factors[0]
	}
	return "(" + strings.Join(factors, " * ") + ")"
}

// transposeCall reads np.transpose(x[, axes]) and x.transpose([axes]), axes a constant
// permutation (a tuple or list, or the method's separate arguments) or None. The last result
// says whether e is such a call at all.
func (l *lowerer) transposeCall(e *pyast.Call, env lowerEnv) (*arrayExpr, string, bool) {
	f, ok := e.Func.(*pyast.Attribute)
	if !ok || f.Attr != "transpose" {
		return nil, "", false
	}
	name := ".transpose()"
	var allowed []string
	mod, isMod := f.X.(*pyast.Name)
	isMod = isMod && l.fn.Modules[mod.Id] != ""
	if isMod {
		if l.fn.Modules[mod.Id] != "numpy" {
			return nil, "", false
		}
		name, allowed = mod.Id+".transpose", []string{"axes"}
	}
	pos, kw, why := callArgs(e, name, allowed...)
	if why != "" {
		return nil, why, true
	}
	operand := f.X
	var axes []pyast.Expr
	if isMod {
		if len(pos) == 0 || len(pos) > 2 || len(pos) == 2 && kw["axes"] != nil {
			return nil, name + " with other arguments than an array and its axes", true
		}
		operand = pos[0]
		if a := kw["axes"]; a != nil {
			pos = append(pos, a)
		}
		pos = pos[1:]
	}
	switch {
	case len(pos) == 0, len(pos) == 1 && isNone(pos[0]):
	case len(pos) == 1:
		switch a := pos[0].(type) {
		case *pyast.Tuple:
			axes = a.Elts
		case *pyast.List:
			axes = a.Elts
		default:
			axes = pos
		}
	default:
		axes = pos
	}
	x, why := l.expr(operand, env)
	if why != "" {
		return nil, why, true
	}
	if len(x.shape) == 0 {
		return nil, name + " of a scalar", true
	}
	if axes == nil {
		return permute(x, reversed(len(x.shape))), "", true
	}
	if len(axes) != len(x.shape) {
		return nil, fmt.Sprintf("%d axes for an array of %d dimensions", len(axes), len(x.shape)), true
	}
	perm := make([]int, len(axes))
	seen := make([]bool, len(axes))
	for i, a := range axes {
		d, why := l.axis(a, len(x.shape), env)
		if why != "" {
			return nil, why, true
		}
		if seen[d] {
			return nil, fmt.Sprintf("axis %s is repeated", exprText(l.fn.File, a)), true
		}
		perm[i], seen[d] = d, true
	}
	return permute(x, perm), "", true
}

// permute reorders x's dimensions: dimension i of the result is dimension perm[i] of x.
func permute(x *arrayExpr, perm []int) *arrayExpr {
	shape := make([]Affine, len(perm))
	var bound []Affine
	if x.bound != nil {
		bound = make([]Affine, len(perm))
	}
	for i, d := range perm {
		shape[i] = x.shape[d]
		if bound != nil {
			bound[i] = x.bound[d]
		}
	}
	return &arrayExpr{shape: shape, bound: bound, dtype: x.dtype, pre: x.pre, elem: func(its []string) string {
		idx := make([]string, len(perm))
		for i, d := range perm {
			idx[d] = its[i]
		}
		return x.elem(idx)
	}}
}

// reversed is the permutation of a transpose without axes: the dimensions in reverse order.
func reversed(n int) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = n - 1 - i
	}
	return perm
}

// outer lowers np.outer(a, b) of two vectors: element (i, j) is a[i] * b[j].
func (l *lowerer) outer(np string, ae, be pyast.Expr, env lowerEnv) (*arrayExpr, string) {
	a, why := l.expr(ae, env)
	if why != "" {
		return nil, why
	}
	b, why := l.expr(be, env)
	if why != "" {
		return nil, why
	}
	if len(a.shape) != 1 || len(b.shape) != 1 {
		return nil, np + ".outer of other than two vectors"
	}
	dtype := ""
	if a.dtype == b.dtype {
		dtype = a.dtype
	}
	return &arrayExpr{shape: []Affine{a.shape[0], b.shape[0]}, dtype: dtype, pre: append(append([]string(nil), a.pre...), b.pre...),
		elem: func(its []string) string { return "(" + a.elem(its[:1]) + " * " + b.elem(its[1:]) + ")" }}, ""
}
