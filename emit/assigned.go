package emit

import (
	"regexp"
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
// its branches that go on bind (one that raises, returns, breaks or continues does not), a
// walrus, a with or a try binds nothing, and a read in a loop's body of a name bound later in
// that body counts as unbound at the first iteration. A nest it flags
// may still be one Python runs without error; refusing it costs a variant, never an answer.
func unboundRead(body []pyast.Stmt, local func(string) bool) (string, pyast.Node) {
	a := &assignedAnalysis{local: local}
	a.block(body, set{})
	return a.name, a.at
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

// boundAt returns the names bound on every path that reaches the statement at offset p of the
// function: the parameters, and what the statements before it bind as unboundRead counts it.
// ok is false where no reachable statement starts at p.
func boundAt(def *pyast.FunctionDef, p pyast.Pos) (set, bool) {
	a := &assignedAnalysis{local: func(string) bool { return false }, want: p}
	a.block(def.Body, paramNames(def))
	return a.got, a.got != nil
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
		case *pyast.OpaqueStmt:
			for v := range opaqueBindings(n.Text) {
				out[v] = true
			}
		case *pyast.AnnAssign:
			// x: float alone binds nothing, but makes x a local (found by review).
			names := map[string]int{}
			polyopt.BindNames(n.Target, names)
			for v := range names {
				out[v] = true
			}
		}
		return true
	})
	pyast.Inspect(def, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.FunctionDef, *pyast.ClassDef:
			return n == pyast.Node(def) // a nested def's global is its own
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

// opaqueBindings lists the names that code pyast keeps as text (with, try) may bind: the
// targets of assignments, of as clauses, for loops, walruses, defs, classes, imports and dels.
// It reads the text with patterns, not a parser, and may list a name that is not bound (a
// keyword argument's name at the start of a continued line): a local too many costs a
// variant, a local missed made Ray read the module's value (found by review).
func opaqueBindings(text string) set {
	out := set{}
	for _, re := range opaqueBinders {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			for _, id := range identifier.FindAllString(m[1], -1) {
				if !pyast.IsKeyword(id) {
					out[id] = true
				}
			}
		}
	}
	for v := range opaqueDeletes(text) {
		out[v] = true
	}
	return out
}

var opaqueBinders = []*regexp.Regexp{
	// x = ..., a, b = ..., [a, *b] = ..., x += ..., also after a clause's colon
	// on its line (except E: x = 1) and in a chain (t = w = 7.0): targets of names only
	// (A[i] = ... and o.a = ... bind none).
	regexp.MustCompile(`(?m)(?:^|[;:=])\s*[(\[]?\s*(\*?[A-Za-z_]\w*(?:\s*,\s*\*?[A-Za-z_]\w*)*)\s*,?\s*[)\]]?\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=[^=]`),
	regexp.MustCompile(`(?m)(?:^|;)\s*([A-Za-z_]\w*)\s*:[^=\n]*=[^=]`), // x: float = 3.0
	regexp.MustCompile(`=\s*([A-Za-z_]\w*)\s*=[^=]`),                   // the w of t = w = 7.0
	regexp.MustCompile(`\bas\s+\(?([A-Za-z_][\w\s,]*)`),
	regexp.MustCompile(`\bfor\s+([^:]*?)\s+in\b`),
	regexp.MustCompile(`([A-Za-z_]\w*)\s*:=`),
	regexp.MustCompile(`\b(?:def|class)\s+([A-Za-z_]\w*)`),
	regexp.MustCompile(`(?m)(?:^|;)\s*import\s+([^;#\n]*)`),
	regexp.MustCompile(`(?m)(?:^|;)\s*from\s+\S+\s+import\s+\(?([^;#\n)]*)`),
	regexp.MustCompile(`(?m)^\s*case\s+(.*):`),                  // a match statement's captures
	regexp.MustCompile(`(?m)^\s*([A-Za-z_]\w*)\s*:\s*[^=\n]+$`), // x: float, a bare annotation
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
	from, to pyast.Pos  // where reads are reported; all of body when to is 0
	want     pyast.Pos  // where got is taken (boundAt), if not 0
	got      set        // what is bound where the statement at want starts
	name     string     // the first unbound read found
	at       pyast.Node // where
}

// block returns the names bound after body, given those bound before it, or nil where no
// path goes on past body (it raises, returns, breaks or continues). block owns bound: it may
// change it and return it.
func (a *assignedAnalysis) block(body []pyast.Stmt, bound set) set {
	for _, s := range body {
		if bound == nil {
			return nil // what follows is reached by no path
		}
		if a.got != nil {
			return bound // boundAt has its answer
		}
		if a.want != 0 && s.Pos() == a.want {
			a.got = bound.clone()
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
		bindInto(bound, s.Targets...)
		return bound
	case *pyast.AnnAssign:
		if s.Value == nil {
			return bound
		}
		a.use(s.Value, bound)
		a.useTarget(s.Target, bound)
		bindInto(bound, s.Target)
		return bound
	case *pyast.AugAssign:
		a.use(s.Target, bound) // x += 1 reads x, and binds it if that did not raise
		a.use(s.Value, bound)
		bindInto(bound, s.Target)
		return bound
	case *pyast.If:
		a.use(s.Cond, bound)
		then := a.block(s.Body, bound.clone())
		return meet(then, a.block(s.Else, bound))
	case *pyast.For:
		a.use(s.Iter, bound)
		// At the loop's head, a name some pass of the body deletes is unbound for the next.
		head := without(bound, deletedIn(s.Body))
		once := runsOnce(s)
		after := head
		if once || a.within(s) {
			body := head.clone()
			bindInto(body, s.Target)
			end := a.block(s.Body, body)
			if once {
				after = end
			}
		}
		return a.loopElse(s.Body, s.Else, after)
	case *pyast.While:
		head := without(bound, deletedIn(s.Body))
		a.use(s.Cond, head)
		if a.within(s) {
			a.block(s.Body, head.clone())
		}
		return a.loopElse(s.Body, s.Else, head)
	case *pyast.Return, *pyast.Raise, *pyast.Break, *pyast.Continue:
		a.use(s, bound)
		return nil
	case *pyast.OpaqueStmt:
		// with, try: read every name in it, bind none, and unbind any it may delete.
		for _, id := range identifier.FindAllString(s.Text, -1) {
			a.read(id, s, bound)
		}
		for v := range opaqueDeletes(s.Text) {
			delete(bound, v)
		}
		return bound
	case *pyast.FunctionDef:
		for _, d := range s.Decorators {
			a.use(d, bound)
		}
		for _, p := range s.Params {
			a.use(p.Default, bound)
		}
		bound[s.Name] = true
		return bound
	case *pyast.ClassDef:
		bound[s.Name] = true
		return bound
	case *pyast.Import, *pyast.ImportFrom:
		for v := range imported(s) {
			bound[v] = true
		}
		return bound
	case *pyast.Delete:
		a.use(s, bound)
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

// within reports whether n holds what the analysis looks for: the statement boundAt wants, or
// reads unboundInSCoP reports. A loop body outside it changes nothing after the loop (it may
// run no iteration) and need not be walked.
func (a *assignedAnalysis) within(n pyast.Node) bool {
	switch {
	case a.want != 0:
		return n.Pos() <= a.want && a.want < n.End()
	case a.to != 0:
		return n.Pos() < a.to && a.from < n.End()
	}
	return true
}

// meet is what is bound where two paths join: nil, a path that does not go on, binds all.
func meet(x, y set) set {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	return intersect(x, y)
}

// use checks every name n reads.
func (a *assignedAnalysis) use(n pyast.Node, bound set) {
	// boundAt reports no read, and unboundInSCoP none outside the SCoP: skip the walk
	// (a function of a hundred nests took twice as long to emit).
	if n == nil || a.want != 0 || a.to != 0 && (n.End() <= a.from || n.Pos() >= a.to) {
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

// bindInto adds the names the targets bind to bound.
func bindInto(bound set, targets ...pyast.Expr) {
	names := map[string]int{}
	for _, t := range targets {
		polyopt.BindNames(t, names)
	}
	for v := range names {
		bound[v] = true
	}
}

// loopElse returns what is bound after a loop whose exit from its head binds after: its else
// runs then, unless a break left the loop, which skips the else.
func (a *assignedAnalysis) loopElse(body, orelse []pyast.Stmt, after set) set {
	if after == nil || len(orelse) == 0 {
		return after
	}
	end := a.block(orelse, after.clone())
	if brk, _ := loopJumps(body); brk {
		return meet(after, end)
	}
	return end
}

func intersect(x, y set) set {
	out := set{}
	for v := range x {
		if y[v] {
			out[v] = true
		}
	}
	return out
}

// without returns bound less names: bound itself where names is empty.
func without(bound, names set) set {
	if len(names) == 0 {
		return bound
	}
	out := bound.clone()
	for v := range names {
		delete(out, v)
	}
	return out
}

// deletedIn lists the names a del statement anywhere in body may unbind.
func deletedIn(body []pyast.Stmt) set {
	out := set{}
	for _, st := range body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Delete:
				for _, t := range n.Targets {
					bound := map[string]int{}
					polyopt.BindNames(t, bound)
					for v := range bound {
						out[v] = true
					}
				}
			case *pyast.OpaqueStmt:
				for v := range opaqueDeletes(n.Text) {
					out[v] = true
				}
			}
			return true
		})
	}
	return out
}

// opaqueDeletes lists the names that code pyast keeps as text may unbind: those of its del
// statements and except clauses.
func opaqueDeletes(text string) set {
	out := set{}
	for _, re := range []*regexp.Regexp{delStatement, exceptAs} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			for _, id := range identifier.FindAllString(m[1], -1) {
				out[id] = true
			}
		}
	}
	return out
}

var (
	// del at a line's start, after a ; or after a clause's colon (except E: del s).
	delStatement = regexp.MustCompile(`(?m)(?:^|[;:])\s*del\s+([^;#\n]*)`)
	// except E as e unbinds e where the handler ends, E over one line or several (found by
	// review).
	exceptAs = regexp.MustCompile(`\bexcept\b\*?[^:]*\bas\s+([A-Za-z_]\w*)`)
)

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
	brk, cont := loopJumps(f.Body)
	return !brk && !cont
}

// loopJumps reports a break, and a continue, in body that belongs to the loop around body.
func loopJumps(body []pyast.Stmt) (brk, cont bool) {
	var walk func(body []pyast.Stmt)
	walk = func(body []pyast.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *pyast.Break:
				brk = true
			case *pyast.Continue:
				cont = true
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
				brk = brk || slices.Contains(words, "break")
				cont = cont || slices.Contains(words, "continue")
			}
		}
	}
	walk(body)
	return brk, cont
}
