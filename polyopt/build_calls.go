package polyopt

import (
	"fmt"

	"github.com/pyparc/pyparc/pyast"
)

// Call statements: `v = expr` (or `A[i, j] = expr`) inside a loop where expr calls a pure function of the module
// (see PureFunctions) or a NumPy function on whole arrays, rows or values such statements
// made. The model does not look inside: the statement reads every array it passes whole (or
// the rows it names: S[k] reads S[k, :]) and every local it mentions, and writes v, a local
// modelled like a scalar. That is enough for isl to prove that iterations calling such
// functions are independent, and so for the Ray variant to run chunks of them as tasks; the
// other variants cannot run such statements and leave their loop nests alone.
//
// v must never be written through (v[i] = ..., v += ...): it may be a view of an argument.

// callStmt builds `target = value` as a call statement; nil when it cannot.
func (b *builder) callStmt(s pyast.Stmt, target, value pyast.Expr, in nest) *Opaque {
	if b.x.noCalls {
		return b.reject(RejectCall, s, "call statements are off")
	}
	if len(in.loops) == 0 {
		return b.reject(RejectCall, s, "a call statement outside every loop has nothing to parallelize")
	}
	if sub, ok := target.(*pyast.Subscript); ok {
		// out[k, cut] = f(...): one element of an array, at affine subscripts.
		w, op := b.access(sub, b.envFor(in), true)
		if op != nil {
			return op
		}
		st := &Stmt{Node: s, Loops: in.loops, Call: true, Writes: []Access{w}}
		for _, l := range in.loops {
			st.Iters = append(st.Iters, l.Iter)
		}
		if op := b.callReads(value, b.envFor(in), st); op != nil {
			return op
		}
		b.record(st, in)
		b.calls++
		return nil
	}
	name, ok := target.(*pyast.Name)
	if !ok {
		return b.reject(RejectCall, s, "the result of a call is stored into %s, not a plain local", exprText(b.x.fn.File, target))
	}
	if b.x.arrays[name.Id] != nil {
		return b.reject(RejectCall, s, "the call's result replaces the array %s", name.Id)
	}
	if b.x.globalNames[name.Id] {
		return b.reject(RejectCall, s, "%s is declared global: the loop writes a module variable", name.Id)
	}
	if _, ok := b.envFor(in).affineName(name.Id); ok {
		return b.reject(RejectShadowedIter, s, "%s is a loop index or parameter and is assigned", name.Id)
	}
	if b.x.assigned[name.Id] > b.x.rebound[name.Id] {
		// v += ... on what may be a view of an argument would write the argument.
		return b.reject(RejectCall, s, "%s holds a call's result and is updated in place", name.Id)
	}
	st := &Stmt{Node: s, Loops: in.loops, Call: true}
	for _, l := range in.loops {
		st.Iters = append(st.Iters, l.Iter)
	}
	if op := b.callReads(value, b.envFor(in), st); op != nil {
		return op
	}
	b.scalars[name.Id] = true
	st.Writes = []Access{{Node: name, Array: name.Id}}
	b.record(st, in)
	b.calls++
	return nil
}

// callReads collects what a call statement's value reads.
func (b *builder) callReads(e pyast.Expr, env affineEnv, st *Stmt) *Opaque {
	var op *Opaque
	var walk func(e pyast.Expr)
	walk = func(e pyast.Expr) {
		if op != nil || e == nil {
			return
		}
		switch e := e.(type) {
		case *pyast.Num:
			if infiniteLiteral(e.Raw) {
				op = b.reject(RejectStatement, e, "the literal %s is an infinite float: variants take constant factors out of sums", e.Raw)
			}
		case *pyast.Str, *pyast.Constant:
		case *pyast.Name:
			switch {
			case b.x.arrays[e.Id] != nil:
				st.Reads = append(st.Reads, b.wholeAccess(e, e.Id, nil, env))
			case isAffineName(env, e.Id), b.x.floats[e.Id]:
			case b.x.globalNames[e.Id]:
				op = b.reject(RejectCall, e, "%s is declared global", e.Id)
			case b.x.assigned[e.Id] > 0 && b.x.assigned[e.Id] == b.inside[e.Id]:
				// Bound only inside this nest (by a call statement or a scalar one): the
				// model follows it.
				b.scalars[e.Id] = true
				st.Reads = append(st.Reads, Access{Node: e, Array: e.Id})
			case b.x.assigned[e.Id] > 0 || isParam(b.x.fn.Def, e.Id) || b.x.localDefs[e.Id] > 0:
				// A list of views, an iterator, an object: what it holds and what reading it
				// changes are unknown.
				op = b.reject(RejectCall, e, "a call reads %s, which is neither an array nor a number", e.Id)
			case b.pure()[e.Id]:
			case b.x.moduleBound()[e.Id] > 0 && b.x.moduleCallables()[e.Id]:
				op = b.reject(RejectCall, e, "%s is passed as a value and is not a pure function", e.Id)
			case b.x.moduleBound()[e.Id] > 0 && b.x.fn.Modules[e.Id] == "" && !b.x.constGlobals()[e.Id]:
				op = b.reject(RejectCall, e, "a call reads the global %s, which is not plain data bound once", e.Id)
			case impureBuiltins[e.Id]:
				op = b.reject(RejectCall, e, "%s is passed as a value", e.Id)
			}
		case *pyast.Subscript:
			root, ok := e.X.(*pyast.Name)
			if !ok || b.x.arrays[root.Id] == nil {
				walk(e.X)
				walk(e.Index)
				return
			}
			if acc, o := b.access(e, env, false); o == nil {
				st.Reads = append(st.Reads, acc)
				return
			}
			idx := []pyast.Expr{e.Index}
			if t, ok := e.Index.(*pyast.Tuple); ok {
				idx = t.Elts
			}
			if len(idx) > len(b.x.arrays[root.Id].Extent) {
				op = b.reject(RejectSlice, e, "%s has fewer dimensions than subscripts", root.Id)
				return
			}
			for _, ix := range idx {
				walkSliceParts(ix, walk)
			}
			if !positionalIndex(idx, env) {
				idx = nil // ..., None or an index array: which dimension is which is unknown
			}
			st.Reads = append(st.Reads, b.wholeAccess(e, root.Id, idx, env))
		case *pyast.Slice:
			walk(e.Lo)
			walk(e.Hi)
			walk(e.Step)
		case *pyast.Tuple:
			for _, x := range e.Elts {
				walk(x)
			}
		case *pyast.List:
			for _, x := range e.Elts {
				walk(x)
			}
		case *pyast.Attribute:
			switch {
			case isModuleConstant(b.x.fn, e):
			case e.Attr == "real" || e.Attr == "imag" || e.Attr == "T" || e.Attr == "shape" ||
				e.Attr == "size" || e.Attr == "ndim" || e.Attr == "dtype":
				walk(e.X)
			default:
				op = b.reject(RejectStatement, e, "expression %s is not modelled", exprText(b.x.fn.File, e))
			}
		case *pyast.Call:
			if why := b.callable(e); why != "" {
				op = b.reject(RejectCall, e, "call %s %s", exprText(b.x.fn.File, e.Func), why)
				return
			}
			if m, ok := e.Func.(*pyast.Attribute); ok && !b.moduleFunc(m) {
				walk(m.X) // a method's receiver
			}
			walkArgs(e, walk)
		default:
			if !walkOperands(e, walk) {
				op = b.reject(RejectStatement, e, "expression %s is not modelled", exprText(b.x.fn.File, e))
			}
		}
	}
	walk(e)
	return op
}

// positionalIndex reports subscripts that each select along the dimension at their position:
// affine expressions and slices.
func positionalIndex(idx []pyast.Expr, env affineEnv) bool {
	for _, ix := range idx {
		if _, ok := ix.(*pyast.Slice); ok {
			continue
		}
		if _, why := toAffine(ix, env); why != "" {
			return false
		}
	}
	return true
}

func walkSliceParts(ix pyast.Expr, walk func(pyast.Expr)) {
	if sl, ok := ix.(*pyast.Slice); ok {
		walk(sl.Lo)
		walk(sl.Hi)
		walk(sl.Step)
		return
	}
	walk(ix)
}

func isAffineName(env affineEnv, name string) bool {
	_, ok := env.affineName(name)
	return ok
}

// callable says why a call statement may not make this call ("" when it may): a pure
// function of the module, a builtin that writes nothing, a NumPy function on the list (no
// out=, no extra positional argument that would be one), or an ndarray method on the list
// called on an array or a value of this nest.
func (b *builder) callable(c *pyast.Call) string {
	if hasKeyword(c, "out") {
		return "writes its out= argument"
	}
	switch f := c.Func.(type) {
	case *pyast.Name:
		if b.x.assigned[f.Id] > 0 || b.x.localDefs[f.Id] > 0 || isParam(b.x.fn.Def, f.Id) {
			return "calls a local name"
		}
		if b.x.moduleBound()[f.Id] > 0 {
			if b.pure()[f.Id] {
				return ""
			}
			return "may have side effects (not a pure function of this module)"
		}
		if pureBuiltins[f.Id] {
			return ""
		}
		return "may have side effects"
	case *pyast.Attribute:
		if fn, ok := numpyFunction(f, b.x.fn.Modules, b.x.localDefs); ok && b.x.assigned[rootName(f)] == 0 {
			if fn.inputs >= 0 && positional(c) > fn.inputs {
				return "has more positional arguments than inputs (one may be out=)"
			}
			return ""
		}
		if b.moduleFunc(f) {
			switch b.x.fn.Modules[rootName(f)] {
			case "math", "cmath":
				return ""
			}
			return "may have side effects"
		}
		root := rootName(f.X)
		if root == "" || (b.x.arrays[root] == nil && !(b.x.assigned[root] > 0 && b.x.assigned[root] == b.inside[root])) {
			return "is a method of an object the model does not follow"
		}
		if m, ok := npMethods[f.Attr]; ok {
			if m.inputs >= 0 && positional(c) > m.inputs {
				return "has more positional arguments than inputs (one may be out=)"
			}
			return ""
		}
		return "may change the object it is called on"
	}
	return "is not a call of a named function"
}

// moduleFunc reports np.f, math.f, np.linalg.f: a function reached through a module.
func (b *builder) moduleFunc(f *pyast.Attribute) bool {
	root := rootName(f.X)
	return root != "" && b.x.assigned[root] == 0 && b.x.fn.Modules[root] != ""
}

func isParam(d *pyast.FunctionDef, name string) bool {
	if d == nil {
		return false
	}
	for _, p := range d.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// pure is the module's pure functions, computed once per extractor.
func (b *builder) pure() map[string]bool {
	if b.x.pure == nil {
		b.x.pure = PureFunctions(b.x.fn.File, b.x.fn.Modules)
		if b.x.pure == nil {
			b.x.pure = map[string]bool{}
		}
	}
	return b.x.pure
}

// wholeAccess is a read of array name at the subscripts idx (nil: none): a dimension with an
// affine subscript is that element; a slice, a missing subscript or one that is not affine
// covers the whole dimension.
func (b *builder) wholeAccess(n pyast.Expr, name string, idx []pyast.Expr, env affineEnv) Access {
	arr := b.x.arrays[name]
	acc := Access{Node: n, Array: name, Index: make([]Affine, len(arr.Extent)), Free: make([]bool, len(arr.Extent))}
	for d := range arr.Extent {
		acc.Free[d] = true
		acc.Index[d] = constAff(0)
		if d < len(idx) {
			if _, isSlice := idx[d].(*pyast.Slice); !isSlice {
				if a, why := toAffine(idx[d], env); why == "" {
					acc.Index[d], acc.Free[d] = a, false
				}
			}
		}
	}
	return acc
}

// freeRange is the isl constraint that output dimension d of a whole access spans its extent.
func freeRange(v string, ext Affine) string {
	return fmt.Sprintf("0 <= %s < %s", v, ext)
}
