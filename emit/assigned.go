package emit

import (
	"slices"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// unboundRead finds a read, in body, of a name local says is not yet bound when body starts,
// at a point some path reaches with the name still unbound: a forward "definitely assigned"
// analysis. Python raises UnboundLocalError at such a read; Numba reads a value it made up
// instead (found by review: `for i in range(k, n): s = ...` then `B[0] = s` wrote 0.0).
//
// It under-approximates what is bound: a loop may run no iteration (unless its range is of
// literals and not empty, and nothing in it breaks or continues), an if binds what both of
// its branches bind, a walrus, a with or a try binds nothing, and a read in a loop's body of
// a name bound later in that body counts as unbound at the first iteration. A nest it flags
// may still be one Python runs without error; refusing it costs a variant, never an answer.
// It also returns the names body binds on every path through it.
func unboundRead(body []pyast.Stmt, local func(string) bool) (string, pyast.Node, set) {
	a := &assignedAnalysis{local: local}
	end := a.block(body, set{})
	return a.name, a.at, end
}

// unboundInSCoP is unboundRead over the whole function, reporting the reads inside the SCoP:
// a name bound before the nest on some paths only (`if c: s = 2.0`) and read in it. The
// original reads it only where the read runs (not at all over an empty loop); every variant
// reads it as it starts: passing it to the Numba helper or a Ray task, or computing a whole
// array statement (found by review: UnboundLocalError where the original ran).
func unboundInSCoP(def *pyast.FunctionDef, s *polyopt.SCoP) (string, pyast.Node) {
	locals := functionLocals(def)
	a := &assignedAnalysis{
		local: func(v string) bool { return locals[v] },
		from:  s.Pos,
		to:    s.End,
	}
	a.block(def.Body, paramNames(def))
	return a.name, a.at
}

// definitelyBound returns, for each statement of the function by its offset, the names bound
// on every path that reaches it: the parameters, and what the statements before it bind as
// unboundRead counts it.
func definitelyBound(def *pyast.FunctionDef) map[pyast.Pos]set {
	a := &assignedAnalysis{local: func(string) bool { return false }, entry: map[pyast.Pos]set{}}
	a.block(def.Body, paramNames(def))
	return a.entry
}

func paramNames(def *pyast.FunctionDef) set {
	out := set{}
	for _, p := range def.Params {
		if p.Name != "" {
			out[p.Name] = true
		}
	}
	return out
}

// functionLocals lists the names Python makes local to the function: those it binds anywhere,
// less those it declares global or nonlocal.
func functionLocals(def *pyast.FunctionDef) set {
	counts := map[string]int{}
	polyopt.CountBindings(def.Body, counts)
	out := set{}
	for v := range counts {
		out[v] = true
	}
	pyast.Inspect(def, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.FunctionDef:
			if n != def {
				out[n.Name] = true
				return false
			}
		case *pyast.ClassDef:
			out[n.Name] = true
			return false
		case *pyast.Import, *pyast.ImportFrom:
			for v := range imported(n.(pyast.Stmt)) {
				out[v] = true
			}
		case *pyast.Delete:
			for _, t := range n.Targets {
				if id, ok := t.(*pyast.Name); ok {
					out[id.Id] = true
				}
			}
		}
		return true
	})
	pyast.Inspect(def, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Global:
			for _, v := range n.Names {
				delete(out, v)
			}
		case *pyast.Nonlocal:
			for _, v := range n.Names {
				delete(out, v)
			}
		}
		return true
	})
	for v := range paramNames(def) {
		out[v] = true
	}
	return out
}

// imported lists the names an import statement binds: import a.b binds a.
func imported(s pyast.Stmt) set {
	out := set{}
	var names []*pyast.Alias
	switch s := s.(type) {
	case *pyast.Import:
		names = s.Names
	case *pyast.ImportFrom:
		names = s.Names
	}
	for _, al := range names {
		switch {
		case al.AsName != "":
			out[al.AsName] = true
		case al.Name != "*":
			out[strings.Split(al.Name, ".")[0]] = true
		}
	}
	return out
}

type assignedAnalysis struct {
	local    func(string) bool
	from, to pyast.Pos         // where reads are reported; all of body when to is 0
	entry    map[pyast.Pos]set // if not nil: what is bound at each statement's start
	name     string            // the first unbound read found
	at       pyast.Node        // where
}

// block returns the names bound after body, given those bound before it.
func (a *assignedAnalysis) block(body []pyast.Stmt, bound set) set {
	for _, s := range body {
		if a.entry != nil {
			a.entry[s.Pos()] = bound.clone()
		}
		bound = a.stmt(s, bound)
	}
	return bound
}

func (a *assignedAnalysis) stmt(s pyast.Stmt, bound set) set {
	switch s := s.(type) {
	case *pyast.Assign:
		a.use(s.Value, bound)
		for _, t := range s.Targets {
			a.useTarget(t, bound)
		}
		return bind(bound, s.Targets...)
	case *pyast.AnnAssign:
		if s.Value == nil {
			return bound
		}
		a.use(s.Value, bound)
		a.useTarget(s.Target, bound)
		return bind(bound, s.Target)
	case *pyast.AugAssign:
		a.use(s.Target, bound) // x += 1 reads x
		a.use(s.Value, bound)
		return bound
	case *pyast.If:
		a.use(s.Cond, bound)
		then := a.block(s.Body, bound.clone())
		other := a.block(s.Else, bound.clone())
		both := set{}
		for v := range then {
			if other[v] {
				both[v] = true
			}
		}
		return both
	case *pyast.For:
		a.use(s.Iter, bound)
		after := a.block(s.Body, bind(bound.clone(), s.Target))
		if !runsOnce(s) {
			after = bound
		}
		return a.block(s.Else, after.clone())
	case *pyast.While:
		a.use(s.Cond, bound)
		a.block(s.Body, bound.clone())
		return a.block(s.Else, bound.clone())
	case *pyast.OpaqueStmt:
		for _, id := range identifier.FindAllString(s.Text, -1) {
			a.read(id, s, bound)
		}
		return bound
	case *pyast.FunctionDef:
		for _, d := range s.Decorators {
			a.use(d, bound)
		}
		for _, p := range s.Params {
			a.use(p.Default, bound)
		}
		bound = bound.clone()
		bound[s.Name] = true
		return bound
	case *pyast.ClassDef:
		bound = bound.clone()
		bound[s.Name] = true
		return bound
	case *pyast.Import, *pyast.ImportFrom:
		return bound.union(imported(s))
	case *pyast.Delete:
		a.use(s, bound)
		bound = bound.clone()
		for _, t := range s.Targets {
			if id, ok := t.(*pyast.Name); ok {
				delete(bound, id.Id)
			}
		}
		return bound
	case *pyast.Global, *pyast.Nonlocal:
		return bound
	}
	a.use(s, bound)
	return bound
}

// use checks every name n reads.
func (a *assignedAnalysis) use(n pyast.Node, bound set) {
	if n == nil {
		return
	}
	pyast.Inspect(n, func(c pyast.Node) bool {
		if c == nil {
			return false
		}
		switch c := c.(type) {
		case *pyast.Name:
			a.read(c.Id, c, bound)
		case *pyast.Str:
			for _, id := range fstringNames(c) {
				a.read(id, c, bound)
			}
		case *pyast.OpaqueExpr:
			for _, id := range identifier.FindAllString(c.Text, -1) {
				a.read(id, c, bound)
			}
		}
		return true
	})
}

// useTarget checks what an assignment target reads: the array and index of A[i] = ....
func (a *assignedAnalysis) useTarget(t pyast.Expr, bound set) {
	switch t := t.(type) {
	case *pyast.Name:
	case *pyast.Tuple:
		for _, e := range t.Elts {
			a.useTarget(e, bound)
		}
	case *pyast.List:
		for _, e := range t.Elts {
			a.useTarget(e, bound)
		}
	case *pyast.Starred:
		a.useTarget(t.X, bound)
	default:
		a.use(t, bound)
	}
}

func (a *assignedAnalysis) read(name string, at pyast.Node, bound set) {
	if a.to != 0 && (at.Pos() < a.from || at.Pos() >= a.to) {
		return
	}
	if a.name == "" && a.local(name) && !bound[name] {
		a.name, a.at = name, at
	}
}

// bind adds the names the targets bind to bound, and returns it.
func bind(bound set, targets ...pyast.Expr) set {
	bound = bound.clone()
	names := map[string]int{}
	for _, t := range targets {
		polyopt.BindNames(t, names)
	}
	for v := range names {
		bound[v] = true
	}
	return bound
}

// runsOnce reports a loop over range() of int literals that is not empty, whose body runs to
// its end at least once: no break or continue in it (outside loops of its own) cuts it short.
func runsOnce(f *pyast.For) bool {
	c, ok := f.Iter.(*pyast.Call)
	if !ok {
		return false
	}
	if fn, ok := c.Func.(*pyast.Name); !ok || fn.Id != "range" || len(c.Args) == 0 || len(c.Args) > 3 {
		return false
	}
	var v [3]int64
	for i, arg := range c.Args {
		lo, hi, ok := intLiterals(arg)
		if !ok || lo != hi {
			return false
		}
		v[i] = lo
	}
	start, stop, step := int64(0), v[0], int64(1)
	if len(c.Args) >= 2 {
		start, stop = v[0], v[1]
	}
	if len(c.Args) == 3 {
		step = v[2]
	}
	if step > 0 && start >= stop || step < 0 && start <= stop || step == 0 {
		return false
	}
	return !jumps(f.Body)
}

// jumps reports a break or continue in body that belongs to the loop around body.
func jumps(body []pyast.Stmt) bool {
	found := false
	var walk func(body []pyast.Stmt)
	walk = func(body []pyast.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *pyast.Break, *pyast.Continue:
				found = true
			case *pyast.If:
				walk(s.Body)
				walk(s.Else)
			case *pyast.For:
				walk(s.Else) // its body's jumps are its own; its else's are ours
			case *pyast.While:
				walk(s.Else)
			case *pyast.OpaqueStmt:
				// try or with: pyast keeps it as text.
				words := identifier.FindAllString(s.Text, -1)
				found = found || slices.Contains(words, "break") || slices.Contains(words, "continue")
			}
		}
	}
	walk(body)
	return found
}
