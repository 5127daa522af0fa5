package polyopt

import "github.com/pyparc/pyparc/pyast"

// Pure functions are the module-level functions of a file that compute their result from their
// arguments and module constants and change nothing else: they write no argument, no global,
// no attribute of anything they did not create, and call only functions that are pure as well.
// A loop may then call them as opaque statements (call statements, see builder.callStmt): the
// model knows what each call reads (its arguments, whole) and writes (its target), which is
// enough to prove iterations that call them independent, though not to look inside.
//
// The analysis is conservative and syntactic: whatever it cannot see through (closures,
// lambdas, with/try, global statements, calls through local names, unknown methods on
// objects the function did not create) makes the function impure. Exceptions are allowed: a
// variant that runs calls elsewhere (Ray) reruns the loop here when one raises.

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

// numpyMutators write into an argument (or a file, or the random state) though given no out=.
var numpyMutators = map[string]bool{
	"copyto": true, "put": true, "place": true, "putmask": true, "fill_diagonal": true,
	"put_along_axis": true, "save": true, "savez": true, "savez_compressed": true, "savetxt": true,
	"load": true, "loadtxt": true, "genfromtxt": true, "fromfile": true, "seterr": true,
	"set_printoptions": true, "random": true, "frombuffer": true,
}

// numpyViews return a view of (or the very) argument: a local bound to one is not fresh.
var numpyViews = map[string]bool{
	"asarray": true, "asanyarray": true, "ascontiguousarray": true, "asfortranarray": true,
	"ravel": true, "reshape": true, "transpose": true, "squeeze": true, "diagonal": true,
	"atleast_1d": true, "atleast_2d": true, "atleast_3d": true, "broadcast_to": true,
	"swapaxes": true, "moveaxis": true, "rollaxis": true, "expand_dims": true, "flip": true,
	"fliplr": true, "flipud": true, "rot90": true, "split": true, "array_split": true,
	"hsplit": true, "vsplit": true, "dsplit": true, "real": true, "imag": true, "require": true,
	"broadcast_arrays": true, "meshgrid": true, "nditer": true,
}

// readMethods neither mutate their receiver nor return a view of it that callers might write.
var readMethods = map[string]bool{
	"conj": true, "conjugate": true, "copy": true, "sum": true, "prod": true, "mean": true,
	"max": true, "min": true, "dot": true, "astype": true, "item": true, "tolist": true,
	"any": true, "all": true, "argmax": true, "argmin": true, "cumsum": true, "cumprod": true,
	"flatten": true, "trace": true, "round": true, "clip": true, "std": true, "var": true,
	"nonzero": true, "index": true, "count": true, "get": true, "keys": true, "values": true,
	"items": true, "reshape": true, "transpose": true, "ravel": true, "squeeze": true,
	"diagonal": true, "argsort": true, "searchsorted": true,
}

// PureFunctions returns the names of the pure module-level functions of f (modules maps the
// names bound to modules, "np" -> "numpy").
func PureFunctions(f *pyast.File, modules map[string]string) map[string]bool {
	if f == nil || f.Module == nil {
		return nil
	}
	bound := map[string]int{} // module-level bindings per name
	defs := map[string]*pyast.FunctionDef{}
	for _, s := range f.Module.Body {
		switch s := s.(type) {
		case *pyast.FunctionDef:
			bound[s.Name]++
			defs[s.Name] = s
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
			p := purity{modules: modules, pure: pure}
			if !p.function(defs[name]) {
				delete(pure, name)
				changed = true
			}
		}
	}
	return pure
}

func aliasName(a *pyast.Alias) string {
	if a.AsName != "" {
		return a.AsName
	}
	if i := indexByte(a.Name, '.'); i >= 0 {
		return a.Name[:i]
	}
	return a.Name
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// plainSignature: no decorators (which could replace the function), not async, no **kwargs.
func plainSignature(d *pyast.FunctionDef) bool {
	if len(d.Decorators) > 0 || d.Async {
		return false
	}
	for _, p := range d.Params {
		if p.Kind == pyast.ParamKwArgs || p.Kind == pyast.ParamVarArgs {
			return false
		}
	}
	return true
}

// purity checks one function body against the pure set as it stands.
type purity struct {
	modules map[string]string
	pure    map[string]bool
	params  map[string]bool
	locals  map[string]int  // bindings per local name
	fresh   map[string]bool // locals bound only to new objects
}

func (p *purity) function(d *pyast.FunctionDef) bool {
	p.params = map[string]bool{}
	for _, prm := range d.Params {
		if prm.Name != "" {
			p.params[prm.Name] = true
		}
	}
	p.locals = map[string]int{}
	countAssignments(d.Body, p.locals, true)
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
				case *pyast.NamedExpr:
					targets, value = []pyast.Expr{n.Target}, n.Value
				}
				for _, t := range targets {
					_, single := t.(*pyast.Name)
					freshValue := single && value != nil && p.freshExpr(value)
					names := map[string]int{}
					bindNames(t, names)
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
			if p.locals[f.Id] > 0 || p.params[f.Id] {
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
			if mod, ok := f.X.(*pyast.Name); ok && p.locals[mod.Id] == 0 && !p.params[mod.Id] {
				switch p.modules[mod.Id] {
				case "numpy":
					return !numpyViews[f.Attr] && !numpyMutators[f.Attr]
				case "math", "cmath":
					return true
				}
			}
			return f.Attr == "copy" || f.Attr == "astype" || f.Attr == "tolist"
		}
	}
	return false
}

// node checks one node of the body.
func (p *purity) node(n pyast.Node) bool {
	switch n := n.(type) {
	case *pyast.Global, *pyast.Nonlocal, *pyast.FunctionDef, *pyast.ClassDef, *pyast.OpaqueStmt,
		*pyast.Yield, *pyast.Await, *pyast.OpaqueExpr, *pyast.Import, *pyast.ImportFrom:
		return false
	case *pyast.Delete:
		for _, t := range n.Targets {
			if _, ok := t.(*pyast.Name); !ok && !p.freshRoot(t) {
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

// target: names bind locals; subscripts and attributes write an object, which must be fresh.
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
	case *pyast.Starred:
		return p.target(t.X)
	case *pyast.Subscript, *pyast.Attribute:
		return p.freshRoot(t)
	}
	return false
}

// freshRoot reports x[...] or x.a[...] where x is a fresh local.
func (p *purity) freshRoot(e pyast.Expr) bool {
	r := rootName(e)
	return r != "" && p.fresh[r] && p.locals[r] > 0 && !p.params[r]
}

// call checks a call: a pure function, a NumPy function that writes nothing, a method that
// only reads, or any method of a fresh local.
func (p *purity) call(c *pyast.Call) bool {
	for _, a := range c.Args {
		if k, ok := a.(*pyast.Keyword); ok && k.Name == "out" {
			return false
		}
	}
	switch f := c.Func.(type) {
	case *pyast.Name:
		if p.locals[f.Id] > 0 || p.params[f.Id] {
			return false
		}
		return pureBuiltins[f.Id] || p.pure[f.Id]
	case *pyast.Attribute:
		if mod, ok := f.X.(*pyast.Name); ok && p.locals[mod.Id] == 0 && !p.params[mod.Id] {
			switch p.modules[mod.Id] {
			case "numpy":
				return !numpyMutators[f.Attr]
			case "math", "cmath":
				return true
			}
		}
		// np.linalg.solve, np.fft.fft: the read-only submodules.
		if sub, ok := f.X.(*pyast.Attribute); ok {
			if mod, ok := sub.X.(*pyast.Name); ok && p.locals[mod.Id] == 0 && p.modules[mod.Id] == "numpy" {
				return sub.Attr == "linalg" || sub.Attr == "fft"
			}
		}
		if readMethods[f.Attr] {
			return true
		}
		return p.freshRoot(f.X)
	}
	return false
}

// numpyReadOnly reports np.f (or np.linalg.f, np.fft.f) that writes none of its arguments,
// given no out=: what a call statement may call besides pure functions.
func numpyReadOnly(f pyast.Expr, modules map[string]string, assigned map[string]int) bool {
	a, ok := f.(*pyast.Attribute)
	if !ok {
		return false
	}
	switch x := a.X.(type) {
	case *pyast.Name:
		if assigned[x.Id] > 0 {
			return false
		}
		switch modules[x.Id] {
		case "numpy":
			return !numpyMutators[a.Attr]
		case "math", "cmath":
			return true
		}
	case *pyast.Attribute:
		if mod, ok := x.X.(*pyast.Name); ok && assigned[mod.Id] == 0 && modules[mod.Id] == "numpy" {
			return x.Attr == "linalg" || x.Attr == "fft"
		}
	}
	return false
}
