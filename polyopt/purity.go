package polyopt

import (
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// Pure functions are the module-level functions of a file that compute their result from their
// arguments and module constants and change nothing else: they write no argument, no global,
// nothing reachable from an argument, and call only functions that are pure as well. A loop
// may then call them as opaque statements (call statements, see builder.callStmt): the model
// knows what each call reads (its arguments, whole) and writes (its target), which is enough to
// prove iterations that call them independent, though not to look inside.
//
// The analysis is conservative and syntactic, and works from lists: NumPy functions and
// methods it knows (with how many positional arguments are inputs, since a further one may be
// out= or copy=), builtins that only read. Whatever it cannot see through (closures, lambdas,
// with/try, global statements, functions of other modules, methods of objects of unknown
// kind, writes through a view) makes the function impure. Exceptions are allowed: a variant
// that runs calls elsewhere (Ray) reruns the loop here when one raises.

// pureBuiltins are builtins that neither mutate their arguments nor have other effects.
var pureBuiltins = map[string]bool{
	"abs": true, "all": true, "any": true, "bool": true, "complex": true, "divmod": true,
	"enumerate": true, "float": true, "int": true, "isinstance": true, "len": true, "list": true,
	"max": true, "min": true, "pow": true, "range": true, "reversed": true, "round": true,
	"sorted": true, "sum": true, "tuple": true, "zip": true,
}

// freshBuiltins return a new object (or a number): a local bound to one may be mutated freely.
var freshBuiltins = map[string]bool{
	"abs": true, "bool": true, "complex": true, "float": true, "int": true, "len": true,
	"list": true, "round": true, "sorted": true, "sum": true, "divmod": true, "pow": true,
}

// impureBuiltins have effects (or reach the interpreter's state) even when only named.
var impureBuiltins = map[string]bool{
	"print": true, "input": true, "open": true, "exec": true, "eval": true, "compile": true,
	"setattr": true, "delattr": true, "globals": true, "locals": true, "vars": true, "next": true,
	"iter": true, "breakpoint": true, "__import__": true, "exit": true, "quit": true, "help": true,
	"getattr": true, "id": true, "hash": true, "memoryview": true, "object": true, "super": true,
}

// npFunc describes a NumPy function a pure function may call: how many positional arguments
// are inputs (-1: any; one more would be out= or copy=) and whether it returns a new array.
type npFunc struct {
	inputs int
	fresh  bool
}

var numpyFuncs = map[string]npFunc{}

func init() {
	add := func(inputs int, fresh bool, names string) {
		for _, n := range strings.Fields(names) {
			numpyFuncs[n] = npFunc{inputs, fresh}
		}
	}
	add(-1, false, `einsum`) // "ii->i" returns a writable view
	add(-1, true, `zeros empty ones full zeros_like empty_like ones_like full_like arange linspace
		logspace eye identity tri cross copy sort argsort unique searchsorted roll tile repeat
		pad interp polyval histogram average count_nonzero allclose isclose array_equal hstack
		vstack column_stack nonzero argwhere flatnonzero cumulative_sum`)
	add(1, true, `abs absolute sqrt exp expm1 log log1p log2 log10 sin cos tan arcsin arccos arctan
		sinh cosh tanh conj conjugate square negative floor ceil trunc rint sign isnan isinf isfinite
		float64 float32 int64 int32 complex128 complex64 bool_ reciprocal cbrt deg2rad rad2deg
		logical_not tril triu`)
	add(2, true, `add subtract multiply divide true_divide floor_divide power maximum minimum fmax
		fmin hypot arctan2 mod remainder fmod matmul greater less equal not_equal greater_equal
		less_equal logical_and logical_or logical_xor copysign dot vdot outer inner kron angle
		concatenate stack round around max min amax amin any all argmax argmin median array
		nanmax nanmin`)
	add(3, true, `sum prod mean std var cumsum cumprod nansum nanmean take where clip tensordot`)
	add(5, true, `trace`)
	add(-1, false, `reshape transpose ravel squeeze swapaxes moveaxis expand_dims flip fliplr flipud
		diagonal diag real imag asarray atleast_1d atleast_2d atleast_3d broadcast_to shape ndim size
		iscomplexobj isrealobj result_type promote_types dtype`)
}

// npMethod describes an ndarray method a pure function may call on a value it did not create.
var npMethods = map[string]npFunc{}

func init() {
	add := func(inputs int, fresh bool, names string) {
		for _, n := range strings.Fields(names) {
			npMethods[n] = npFunc{inputs, fresh}
		}
	}
	add(0, false, "conj conjugate") // the array itself when it is real
	add(0, true, "tolist")
	add(-1, true, "copy argsort searchsorted")
	add(1, true, "max min argmax argmin any all dot round flatten astype")
	add(2, true, "sum prod mean std var cumsum cumprod clip")
	add(4, true, "trace")
	add(-1, false, "item reshape transpose ravel squeeze diagonal nonzero index count get keys values items")
}

// containerMutators change only the object they are called on: allowed on fresh locals.
var containerMutators = map[string]bool{
	"append": true, "extend": true, "insert": true, "pop": true, "remove": true, "sort": true,
	"reverse": true, "clear": true, "update": true, "add": true, "discard": true, "setdefault": true,
	"fill": true, "popitem": true,
}

// PureFunctions returns the names of the pure module-level functions of f (modules maps the
// names bound to modules, "np" -> "numpy").
func PureFunctions(f *pyast.File, modules map[string]string) map[string]bool {
	if f == nil || f.Module == nil {
		return nil
	}
	bound := moduleBindings(f)
	if bound["*"] > 0 || !quietModule(f, modules) {
		// A star import may rebind any name after its def; code the module runs at import
		// would run again in every process that imports it to call its functions.
		return map[string]bool{}
	}
	consts := ConstantGlobals(f, modules)
	defs := map[string]*pyast.FunctionDef{}
	callables := map[string]bool{} // every def and class of the module
	for _, s := range f.Module.Body {
		switch s := s.(type) {
		case *pyast.FunctionDef:
			defs[s.Name] = s
			callables[s.Name] = true
		case *pyast.ClassDef:
			callables[s.Name] = true
		}
	}
	pure := map[string]bool{}
	for name, d := range defs {
		if bound[name] == 1 && plainSignature(d) {
			pure[name] = true
		}
	}
	// Optimistic start, then remove until nothing changes: functions that call each other
	// (or themselves) stay pure together when nothing else spoils them.
	for changed := true; changed; {
		changed = false
		for name := range pure {
			p := purity{modules: modules, pure: pure, module: bound, callables: callables, consts: consts}
			if !p.function(defs[name]) {
				delete(pure, name)
				changed = true
			}
		}
	}
	return pure
}

// moduleBindings counts the bindings of each name at module level (defs, classes, imports,
// assignments; "*" for a star import) plus, once more, every name some function declares
// global (it may rebind it at run time).
func moduleBindings(f *pyast.File) map[string]int {
	bound := map[string]int{}
	if f == nil || f.Module == nil {
		return bound
	}
	for _, s := range f.Module.Body {
		switch s := s.(type) {
		case *pyast.FunctionDef:
			bound[s.Name]++
		case *pyast.ClassDef:
			bound[s.Name]++
		case *pyast.Import:
			for _, a := range s.Names {
				bound[aliasName(a)]++
			}
		case *pyast.ImportFrom:
			for _, a := range s.Names {
				bound[aliasName(a)]++
			}
		default:
			countAssignments([]pyast.Stmt{s}, bound, true)
		}
	}
	pyast.Inspect(f.Module, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.Global); ok {
			for _, name := range g.Names {
				bound[name]++
			}
		}
		return true
	})
	return bound
}

// quietModule reports a module whose top level only imports, defines, binds plain data and
// guards its script part with if __name__ == "__main__".
func quietModule(f *pyast.File, modules map[string]string) bool {
	for _, s := range f.Module.Body {
		switch s := s.(type) {
		case *pyast.Import, *pyast.ImportFrom, *pyast.FunctionDef, *pyast.ClassDef, *pyast.Pass:
		case *pyast.ExprStmt:
			if _, ok := s.X.(*pyast.Str); !ok {
				return false
			}
		case *pyast.Assign:
			if !plainValue(s.Value, modules, nil) {
				return false
			}
		case *pyast.AnnAssign:
			if s.Value != nil && !plainValue(s.Value, modules, nil) {
				return false
			}
		case *pyast.If:
			c, ok := s.Cond.(*pyast.Compare)
			if !ok || !isName(c.X, "__name__") {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// ConstantGlobals returns the module-level names bound once, to plain data (numbers, strings,
// tuples and lists of them, arrays NumPy allocates): what a pure function may read, and what
// workers receive as it is at each call.
func ConstantGlobals(f *pyast.File, modules map[string]string) map[string]bool {
	consts := map[string]bool{}
	if f == nil || f.Module == nil {
		return consts
	}
	bound := moduleBindings(f)
	for _, s := range f.Module.Body {
		t, v := singleBinding(s)
		if n, ok := t.(*pyast.Name); ok && v != nil && bound[n.Id] == 1 && plainValue(v, modules, consts) {
			consts[n.Id] = true
		}
	}
	return consts
}

// plainValue reports an expression that builds plain data from constants (and consts).
func plainValue(e pyast.Expr, modules map[string]string, consts map[string]bool) bool {
	switch e := e.(type) {
	case *pyast.Num, *pyast.Str, *pyast.Constant:
		return true
	case *pyast.Name:
		return consts[e.Id]
	case *pyast.UnaryOp:
		return plainValue(e.X, modules, consts)
	case *pyast.BinOp:
		return plainValue(e.X, modules, consts) && plainValue(e.Y, modules, consts)
	case *pyast.Tuple:
		for _, x := range e.Elts {
			if !plainValue(x, modules, consts) {
				return false
			}
		}
		return true
	case *pyast.List:
		for _, x := range e.Elts {
			if !plainValue(x, modules, consts) {
				return false
			}
		}
		return true
	case *pyast.Attribute:
		mod, ok := e.X.(*pyast.Name)
		return ok && (modules[mod.Id] == "numpy" || (modules[mod.Id] != "" && moduleConstants[e.Attr]))
	case *pyast.Call:
		f, ok := e.Func.(*pyast.Attribute)
		if !ok {
			return false
		}
		fn, ok := numpyFunction(f, modules, nil)
		if !ok || !fn.fresh {
			if mod, isName := f.X.(*pyast.Name); !isName || (modules[mod.Id] != "math" && modules[mod.Id] != "cmath") {
				return false
			}
		}
		for _, a := range e.Args {
			if k, ok := a.(*pyast.Keyword); ok {
				a = k.Value
			}
			if !plainValue(a, modules, consts) {
				return false
			}
		}
		return true
	}
	return false
}

func aliasName(a *pyast.Alias) string {
	if a.AsName != "" {
		return a.AsName
	}
	first, _, _ := strings.Cut(a.Name, ".")
	return first
}

// plainSignature: no decorators (which could replace the function), not async, no *args or
// **kwargs, no default values (a mutable default is state kept between calls).
func plainSignature(d *pyast.FunctionDef) bool {
	if len(d.Decorators) > 0 || d.Async {
		return false
	}
	for _, p := range d.Params {
		if p.Kind == pyast.ParamKwArgs || p.Kind == pyast.ParamVarArgs || p.Default != nil {
			return false
		}
	}
	return true
}

// localBindings counts, besides assignments, the names a function body binds by import or by
// a nested def or class: those shadow the module's functions inside it.
func localBindings(body []pyast.Stmt) map[string]int {
	counts := map[string]int{}
	countAssignments(body, counts, true)
	for _, s := range body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Import:
				for _, a := range n.Names {
					counts[aliasName(a)]++
				}
			case *pyast.ImportFrom:
				for _, a := range n.Names {
					counts[aliasName(a)]++
				}
			case *pyast.FunctionDef:
				counts[n.Name]++
				return false
			case *pyast.ClassDef:
				counts[n.Name]++
				return false
			}
			return true
		})
	}
	return counts
}

// purity checks one function body against the pure set as it stands.
type purity struct {
	modules   map[string]string
	pure      map[string]bool
	module    map[string]int  // module-level bindings
	callables map[string]bool // the module's defs and classes
	consts    map[string]bool // the module's globals bound once to plain data
	params    map[string]bool
	locals    map[string]int  // bindings per local name
	fresh     map[string]bool // locals bound only to new objects
}

func (p *purity) function(d *pyast.FunctionDef) bool {
	p.params = map[string]bool{}
	for _, prm := range d.Params {
		if prm.Name != "" {
			p.params[prm.Name] = true
		}
	}
	p.locals = localBindings(d.Body)
	for v := range p.params {
		if p.locals[v] > 0 {
			return false // a rebound parameter: too easy to confuse with the argument
		}
	}
	p.freshLocals(d.Body)
	ok := true
	for _, s := range d.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if !ok {
				return false
			}
			if !p.node(n) {
				ok = false
			}
			return ok
		})
	}
	return ok
}

// freshLocals finds the locals every binding of which makes a new object: a fixpoint, since
// y = x + 1 is fresh when x is.
func (p *purity) freshLocals(body []pyast.Stmt) {
	p.fresh = map[string]bool{}
	for v := range p.locals {
		p.fresh[v] = true
	}
	for changed := true; changed; {
		changed = false
		for _, s := range body {
			pyast.Inspect(s, func(n pyast.Node) bool {
				var targets []pyast.Expr
				var value pyast.Expr
				switch n := n.(type) {
				case *pyast.Assign:
					targets, value = n.Targets, n.Value
				case *pyast.AnnAssign:
					if n.Value != nil {
						targets, value = []pyast.Expr{n.Target}, n.Value
					}
				case *pyast.For:
					targets = []pyast.Expr{n.Target}
					if c, ok := n.Iter.(*pyast.Call); ok && isName(c.Func, "range") {
						value = &pyast.Num{} // range yields ints
					}
				case *pyast.Comprehension:
					targets = []pyast.Expr{n.Target}
					if c, ok := n.Iter.(*pyast.Call); ok && isName(c.Func, "range") {
						value = &pyast.Num{}
					}
				case *pyast.NamedExpr:
					targets, value = []pyast.Expr{n.Target}, n.Value
				}
				for _, t := range targets {
					_, single := t.(*pyast.Name)
					freshValue := single && value != nil && p.freshExpr(value)
					names := map[string]int{}
					BindNames(t, names)
					for v := range names {
						if !freshValue && p.fresh[v] {
							p.fresh[v] = false
							changed = true
						}
					}
				}
				return true
			})
		}
	}
}

func isName(e pyast.Expr, id string) bool {
	n, ok := e.(*pyast.Name)
	return ok && n.Id == id
}

// freshExpr reports an expression whose value is a new object or a number.
func (p *purity) freshExpr(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Num, *pyast.Str, *pyast.Constant, *pyast.BinOp, *pyast.UnaryOp, *pyast.Compare,
		*pyast.List, *pyast.ListComp, *pyast.Dict, *pyast.Set:
		return true
	case *pyast.Name:
		return p.fresh[e.Id] && p.locals[e.Id] > 0
	case *pyast.IfExp:
		return p.freshExpr(e.Body) && p.freshExpr(e.Else)
	case *pyast.Call:
		switch f := e.Func.(type) {
		case *pyast.Name:
			if p.locals[f.Id] > 0 || p.params[f.Id] || p.module[f.Id] > 0 {
				return false
			}
			if f.Id == "min" || f.Id == "max" {
				for _, a := range e.Args {
					if !p.freshExpr(a) {
						return false
					}
				}
				return true
			}
			return freshBuiltins[f.Id]
		case *pyast.Attribute:
			if fn, ok := numpyFunction(f, p.modules, p.locals); ok {
				return fn.fresh && !hasKeyword(e, "copy")
			}
			if m, ok := npMethods[f.Attr]; ok && !p.moduleRooted(f.X) {
				return m.fresh && !hasKeyword(e, "copy")
			}
		}
	}
	return false
}

// node checks one node of the body.
func (p *purity) node(n pyast.Node) bool {
	switch n := n.(type) {
	case *pyast.Global, *pyast.Nonlocal, *pyast.FunctionDef, *pyast.ClassDef, *pyast.OpaqueStmt,
		*pyast.Yield, *pyast.Await, *pyast.OpaqueExpr, *pyast.Import, *pyast.ImportFrom,
		*pyast.Starred, *pyast.DoubleStarred:
		return false
	case *pyast.Name:
		// Named anywhere (called or passed as a value, key=f): a function of the module must be
		// pure, a builtin with effects is refused.
		if p.locals[n.Id] > 0 || p.params[n.Id] {
			return true
		}
		if impureBuiltins[n.Id] && p.module[n.Id] == 0 {
			return false
		}
		if p.callables[n.Id] && !p.pure[n.Id] {
			return false
		}
		if p.module[n.Id] > 0 && !p.callables[n.Id] && p.modules[n.Id] == "" && !p.consts[n.Id] {
			return false // a global object: reading it may do anything, and workers see their own
		}
	case *pyast.Attribute:
		// Another module's variables (helpers.SCALE) change where the workers cannot see.
		if x, ok := n.X.(*pyast.Name); ok && p.locals[x.Id] == 0 && !p.params[x.Id] {
			switch p.modules[x.Id] {
			case "", "numpy", "math", "cmath":
			default:
				return false
			}
		}
	case *pyast.Delete:
		for _, t := range n.Targets {
			if _, ok := t.(*pyast.Name); !ok && !p.ownedTarget(t) {
				return false
			}
		}
	case *pyast.Assign:
		for _, t := range n.Targets {
			if !p.target(t) {
				return false
			}
		}
	case *pyast.AnnAssign:
		if n.Value != nil && !p.target(n.Target) {
			return false
		}
	case *pyast.AugAssign:
		// x += y changes the object x names when it is mutable: only a fresh one may be.
		if nm, ok := n.Target.(*pyast.Name); ok {
			return p.fresh[nm.Id] && !p.params[nm.Id]
		}
		return p.target(n.Target)
	case *pyast.For:
		return p.target(n.Target)
	case *pyast.Comprehension:
		return p.target(n.Target)
	case *pyast.NamedExpr:
		return p.target(n.Target)
	case *pyast.Call:
		return p.call(n)
	}
	return true
}

// target: names bind locals; a subscript writes an object, which must be a fresh local named
// directly (x[i] = v, not x[0][i] = v: the elements of a fresh list may be views).
func (p *purity) target(t pyast.Expr) bool {
	switch t := t.(type) {
	case *pyast.Name:
		return true
	case *pyast.Tuple:
		for _, e := range t.Elts {
			if !p.target(e) {
				return false
			}
		}
		return true
	case *pyast.List:
		for _, e := range t.Elts {
			if !p.target(e) {
				return false
			}
		}
		return true
	case *pyast.Subscript:
		return p.ownedTarget(t)
	}
	return false
}

// ownedTarget reports x[...] with x a fresh local.
func (p *purity) ownedTarget(e pyast.Expr) bool {
	s, ok := e.(*pyast.Subscript)
	if !ok {
		return false
	}
	x, ok := s.X.(*pyast.Name)
	return ok && p.fresh[x.Id] && p.locals[x.Id] > 0 && !p.params[x.Id]
}

// moduleRooted reports an expression rooted at a name bound at module level and not shadowed:
// a module, or a global object whose methods may do anything.
func (p *purity) moduleRooted(e pyast.Expr) bool {
	r := rootName(e)
	return r == "" || (p.locals[r] == 0 && !p.params[r])
}

// call checks a call: a pure function of the module, a builtin that only reads, a NumPy
// function it knows, a method it knows on a local or an argument, or any method of a fresh local.
func (p *purity) call(c *pyast.Call) bool {
	if hasKeyword(c, "out") {
		return false
	}
	switch f := c.Func.(type) {
	case *pyast.Name:
		if p.locals[f.Id] > 0 || p.params[f.Id] {
			return false
		}
		if p.module[f.Id] > 0 {
			return p.pure[f.Id]
		}
		return pureBuiltins[f.Id]
	case *pyast.Attribute:
		if fn, ok := numpyFunction(f, p.modules, p.locals); ok {
			return fn.inputs < 0 || positional(c) <= fn.inputs
		}
		if root := rootName(f.X); root != "" && p.modules[root] != "" && p.locals[root] == 0 {
			switch p.modules[root] {
			case "math", "cmath":
				return true
			}
			return false // another module's function, or NumPy's that the list lacks
		}
		if p.moduleRooted(f.X) {
			return false // a method of a global object
		}
		if x, ok := f.X.(*pyast.Name); ok && p.fresh[x.Id] && p.locals[x.Id] > 0 && containerMutators[f.Attr] {
			return true // a fresh local's own update (found.append, R.fill)
		}
		if m, ok := npMethods[f.Attr]; ok {
			return m.inputs < 0 || positional(c) <= m.inputs
		}
	}
	return false
}

func hasKeyword(c *pyast.Call, name string) bool {
	for _, a := range c.Args {
		if k, ok := a.(*pyast.Keyword); ok && k.Name == name {
			return true
		}
	}
	return false
}

// positional counts a call's positional arguments; a *args or **kwargs counts as many.
func positional(c *pyast.Call) int {
	n := 0
	for _, a := range c.Args {
		switch a.(type) {
		case *pyast.Keyword:
		case *pyast.Starred, *pyast.DoubleStarred:
			return 1 << 20
		default:
			n++
		}
	}
	return n
}

// numpyFunction finds np.f, np.linalg.f and np.fft.f (the module not shadowed by a local):
// the listed functions, and every function of linalg and fft, which write no argument.
func numpyFunction(f *pyast.Attribute, modules map[string]string, locals map[string]int) (npFunc, bool) {
	switch x := f.X.(type) {
	case *pyast.Name:
		if locals[x.Id] > 0 || modules[x.Id] != "numpy" {
			return npFunc{}, false
		}
		fn, ok := numpyFuncs[f.Attr]
		return fn, ok
	case *pyast.Attribute:
		if mod, ok := x.X.(*pyast.Name); ok && locals[mod.Id] == 0 && modules[mod.Id] == "numpy" {
			switch x.Attr {
			case "linalg":
				return npFunc{-1, false}, true // matrix_transpose is a view
			case "fft":
				return npFunc{4, true}, true // fft(a, n, axis, norm, out)
			}
		}
	}
	return npFunc{}, false
}

// singleBinding returns the target and value of an assignment to one target (x = v, x: T = v);
// nil for any other node, and a nil value for an annotation without one.
func singleBinding(n pyast.Node) (target, value pyast.Expr) {
	switch n := n.(type) {
	case *pyast.Assign:
		if len(n.Targets) == 1 {
			return n.Targets[0], n.Value
		}
	case *pyast.AnnAssign:
		return n.Target, n.Value
	}
	return nil, nil
}
