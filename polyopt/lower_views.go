package polyopt

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// Two desugarings let NumPy code written around loop-local views and lists of indices reach
// the model:
//
//	for g in cells:              _pp_g0 = np.take(X, cells, axis=1)
//	    x = X[:, g]        =>    for _pp_k1 in range(_pp_g0.shape[1]):
//	    R += np.outer(x, x)          pass
//	                                 (R += outer of _pp_g0[:, _pp_k1], as loops)
//
// A view (x = X[:, g], X never written) is read through its slice wherever a lowered statement
// uses it, and its binding becomes pass. A loop over the ints of a list parameter whose
// target only selects along one dimension of read-only arrays becomes a loop over a gathered
// copy of those arrays (np.take: one pass, and negative or out-of-range ints behave as in the
// subscript). Either is used only when every statement that mentions the name was rewritten;
// otherwise the function is lowered again without it.

// view is a name bound once to a slice of an array the function never writes.
type view struct {
	name    string
	binding *pyast.Assign
	value   *pyast.Subscript
	uses    []pyast.Stmt // the simple statements after the binding that mention the name
	dropped bool
}

// gather is a loop over the ints of a list parameter.
type gather struct {
	loop   *pyast.For
	list   string // the list parameter
	iter   string // the loop's own target
	index  string // the new loop's index
	arrays map[string]gatheredArray
	uses   []pyast.Stmt // the simple statements in the body that mention iter
}

// gatheredArray is the copy np.take makes of one array along one dimension.
type gatheredArray struct {
	name string
	dim  int
}

// findViews records the views of the function.
func (l *lowerer) findViews(refused map[string]bool) {
	l.views = map[string]*view{}
	var walk func(body []pyast.Stmt, loopVars map[string]bool)
	walk = func(body []pyast.Stmt, loopVars map[string]bool) {
		for i, s := range body {
			switch s := s.(type) {
			case *pyast.For:
				inner := copySet(loopVars)
				if v, ok := s.Target.(*pyast.Name); ok {
					inner[v.Id] = true
				}
				walk(s.Body, inner)
			case *pyast.If:
				walk(s.Body, loopVars)
				walk(s.Else, loopVars)
			case *pyast.Assign:
				if v := l.viewOf(s, body[i+1:], loopVars, refused); v != nil {
					l.views[v.name] = v
				}
			}
		}
	}
	walk(l.fn.Def.Body, map[string]bool{})
}

func (l *lowerer) viewOf(s *pyast.Assign, after []pyast.Stmt, loopVars map[string]bool, refused map[string]bool) *view {
	if len(s.Targets) != 1 {
		return nil
	}
	name, ok := s.Targets[0].(*pyast.Name)
	if !ok || refused[name.Id] || l.x.assigned[name.Id] != 1 || l.fn.Params[name.Id] != nil || l.inFString(name.Id) {
		return nil
	}
	sub, ok := s.Value.(*pyast.Subscript)
	if !ok {
		return nil
	}
	arr, ok := sub.X.(*pyast.Name)
	if !ok || l.x.arrays[arr.Id] == nil || l.writes(arr.Id) {
		return nil
	}
	hasSlice := false
	for _, e := range indexElems(sub.Index) {
		if _, ok := e.(*pyast.Slice); ok {
			hasSlice = true
			continue
		}
		// The subscript must mean the same at every use: loop indices of enclosing loops
		// and names never rebound.
		ok := true
		pyast.Inspect(e, func(n pyast.Node) bool {
			if id, isName := n.(*pyast.Name); isName && !loopVars[id.Id] && l.x.assigned[id.Id] != 0 {
				ok = false
			}
			return ok
		})
		if !ok {
			return nil
		}
	}
	if !hasSlice {
		return nil // one element: a number, which the model reads as it is
	}
	v := &view{name: name.Id, binding: s, value: sub}
	// Every mention after the binding reads it in a simple statement of this block.
	uses := 0
	for _, a := range after {
		stmts, ok := simpleStmtsMentioning(a, name.Id)
		if !ok {
			return nil
		}
		v.uses = append(v.uses, stmts...)
		uses += countMentions(a, name.Id)
	}
	total := 0
	for _, b := range l.fn.Def.Body {
		total += countMentions(b, name.Id)
	}
	if uses+1 != total {
		return nil // mentioned before its binding or outside its block
	}
	for _, u := range v.uses {
		if storesInto(u, name.Id) {
			return nil // a write through the view would write the array
		}
	}
	return v
}

// writes reports an array the function may write: a store into it, a method call on it, or
// a call that receives it, other than NumPy's and the builtins' pure functions.
func (l *lowerer) writes(name string) bool {
	found := false
	for _, s := range l.fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Assign:
				for _, t := range n.Targets {
					found = found || rootName(t) == name
				}
			case *pyast.AugAssign:
				found = found || rootName(n.Target) == name
			case *pyast.For:
				found = found || mentions([]pyast.Expr{n.Target}, name)
			case *pyast.Call:
				if f, ok := n.Func.(*pyast.Attribute); ok && rootName(f.X) == name {
					switch f.Attr {
					case "copy", "sum", "mean", "conj", "conjugate", "transpose", "dot":
					default:
						found = true
					}
				}
				for _, a := range n.Args {
					if k, ok := a.(*pyast.Keyword); ok {
						a = k.Value
					}
					if rootName(a) == name && !l.pureCallee(n.Func) {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// pureCallee reports NumPy's functions (none writes an argument unless given out=, which
// the lowering never admits) and len, abs, min, max.
func (l *lowerer) pureCallee(f pyast.Expr) bool {
	switch f := f.(type) {
	case *pyast.Name:
		return l.x.assigned[f.Id] == 0 && (f.Id == "len" || pureFuncs[f.Id])
	case *pyast.Attribute:
		mod, ok := f.X.(*pyast.Name)
		return ok && (l.fn.Modules[mod.Id] == "numpy" || l.fn.Modules[mod.Id] == "math")
	}
	return false
}

// rootName is A of A, A[...], A.x[...], or "".
func rootName(e pyast.Expr) string {
	for {
		switch x := e.(type) {
		case *pyast.Name:
			return x.Id
		case *pyast.Subscript:
			e = x.X
		case *pyast.Attribute:
			e = x.X
		default:
			return ""
		}
	}
}

// storesInto reports a statement that stores through name (name[...] = , name += ).
func storesInto(s pyast.Stmt, name string) bool {
	switch s := s.(type) {
	case *pyast.Assign:
		for _, t := range s.Targets {
			if rootName(t) == name {
				return true
			}
		}
	case *pyast.AugAssign:
		return rootName(s.Target) == name
	}
	return false
}

// simpleStmtsMentioning returns the assignments within s that mention name; ok is false when
// a loop header, a condition or another statement kind mentions it.
func simpleStmtsMentioning(s pyast.Stmt, name string) ([]pyast.Stmt, bool) {
	switch s := s.(type) {
	case *pyast.For:
		if mentions([]pyast.Expr{s.Target, s.Iter}, name) {
			return nil, false
		}
		var out []pyast.Stmt
		for _, c := range s.Body {
			cs, ok := simpleStmtsMentioning(c, name)
			if !ok {
				return nil, false
			}
			out = append(out, cs...)
		}
		return out, true
	case *pyast.Assign, *pyast.AugAssign:
		if countMentions(s, name) > 0 {
			return []pyast.Stmt{s}, true
		}
		return nil, true
	}
	return nil, countMentions(s, name) == 0
}

func countMentions(n pyast.Node, name string) int {
	count := 0
	pyast.Inspect(n, func(c pyast.Node) bool {
		switch c := c.(type) {
		case *pyast.Name:
			if c.Id == name {
				count++
			}
		case *pyast.FunctionDef, *pyast.ClassDef:
			if count == 0 && mentionsAnywhere(c, name) {
				count += 1000 // a closure over it: never a view
			}
			return false
		}
		return true
	})
	return count
}

func mentionsAnywhere(n pyast.Node, name string) bool {
	found := false
	pyast.Inspect(n, func(c pyast.Node) bool {
		if id, ok := c.(*pyast.Name); ok && id.Id == name {
			found = true
		}
		return !found
	})
	return found
}

func indexElems(index pyast.Expr) []pyast.Expr {
	if t, ok := index.(*pyast.Tuple); ok {
		return t.Elts
	}
	return []pyast.Expr{index}
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// viewBinding returns the view s binds, or nil.
func (l *lowerer) viewBinding(s pyast.Stmt) *view {
	for _, v := range l.views {
		if pyast.Stmt(v.binding) == s {
			return v
		}
	}
	return nil
}

// dropBinding replaces a view's binding with pass: its uses read the slice itself.
func (l *lowerer) dropBinding(s pyast.Stmt, v *view) {
	if !l.ownLines(s) {
		return
	}
	l.replace(s, []string{"pass"}, nil)
	v.dropped = true
}

// findGathers records the top-level loops over the ints of a list parameter whose target
// only selects along one dimension of arrays the function never writes.
func (l *lowerer) findGathers(refused map[string]bool) {
	l.gathers = map[string]*gather{}
	for _, s := range l.fn.Def.Body {
		f, ok := s.(*pyast.For)
		if !ok || len(f.Else) > 0 {
			continue
		}
		target, ok := f.Target.(*pyast.Name)
		if !ok || refused[target.Id] || l.x.assigned[target.Id] != 1 || l.inFString(target.Id) {
			continue
		}
		// The gather runs before the loop: a raise in the body, or an argument the body
		// updates in place, would show that an out-of-range index now fails first.
		if raises(f.Body) || l.writesParams(f.Body) {
			continue
		}
		list, ok := f.Iter.(*pyast.Name)
		if !ok || l.x.assigned[list.Id] != 0 {
			continue
		}
		t := l.fn.Params[list.Id]
		if t == nil || t.Kind != typeinfer.List || t.Elem == nil || t.Elem.Kind != typeinfer.Int {
			continue
		}
		if g := l.gatherOf(f, target.Id, list.Id); g != nil {
			l.gathers[target.Id] = g
		}
	}
}

func (l *lowerer) gatherOf(f *pyast.For, iter, list string) *gather {
	g := &gather{loop: f, list: list, iter: iter, arrays: map[string]gatheredArray{}}
	dims := map[string]int{}
	selected := 0
	for _, s := range f.Body {
		stmts, ok := simpleStmtsMentioning(s, iter)
		if !ok {
			return nil
		}
		g.uses = append(g.uses, stmts...)
		pyast.Inspect(s, func(n pyast.Node) bool {
			sub, ok := n.(*pyast.Subscript)
			if !ok {
				return true
			}
			arr, ok := sub.X.(*pyast.Name)
			if !ok || l.x.arrays[arr.Id] == nil {
				return true
			}
			for d, e := range indexElems(sub.Index) {
				if id, ok := e.(*pyast.Name); ok && id.Id == iter {
					if prev, seen := dims[arr.Id]; seen && prev != d {
						dims[arr.Id] = -1
					} else if !seen {
						dims[arr.Id] = d
					}
					selected++
				}
			}
			return true
		})
	}
	// The views bound in the body mention the target too.
	for _, v := range l.views {
		if f.Pos() <= v.binding.Pos() && v.binding.End() <= f.End() && countMentions(v.binding, iter) > 0 {
			g.uses = append(g.uses, v.binding)
		}
	}
	// Every mention in the function is the loop's own target or a selecting subscript in
	// its body: after the rewrite the name is bound nowhere.
	total := 0
	for _, s := range l.fn.Def.Body {
		total += countMentions(s, iter)
	}
	if selected == 0 || selected+1 != total {
		return nil // the target is used as a number somewhere, or outside the loop
	}
	for arr, d := range dims {
		if d < 0 || l.writes(arr) {
			return nil
		}
		a := l.x.arrays[arr]
		name := fmt.Sprintf("_pp_g%d", l.temps)
		l.temps++
		n := name + "_n"
		ext := append([]Affine(nil), a.Extent...)
		ext[d] = varAff(n)
		l.x.ints[n] = varAff(n)
		l.x.source[n] = fmt.Sprintf("%s.shape[%d]", name, d)
		l.x.arrays[name] = &Array{Name: name, DType: a.DType, Extent: ext}
		g.arrays[arr] = gatheredArray{name: name, dim: d}
	}
	g.index = fmt.Sprintf("_pp_k%d", l.temps)
	l.temps++
	return g
}

// rewriteGatherLoop puts the gathers before the loop and makes it count over them.
func (l *lowerer) rewriteGatherLoop(g *gather) {
	f := g.loop
	at := lineStart(l.src, int(f.Pos()))
	headerEnd := lineEnd(l.src, int(f.Pos()))
	if len(f.Body) == 0 || int(f.Body[0].Pos()) <= headerEnd {
		return // the body shares the header's line: left alone, and unfinished says so
	}
	indent := l.indentOf(f)
	var hoist strings.Builder
	var first gatheredArray
	for _, arr := range gatheredNames(g.arrays) {
		ga := g.arrays[arr]
		fmt.Fprintf(&hoist, "%s%s = %s.take(%s, %s, axis=%d)\n", indent, ga.name, l.np, arr, g.list, ga.dim)
		if first.name == "" {
			first = ga
		}
	}
	l.edits = append(l.edits, edit{at, at, hoist.String(), f.Pos()},
		edit{at, headerEnd, fmt.Sprintf("%sfor %s in range(%s.shape[%d]):", indent, g.index, first.name, first.dim), f.Pos()})
	l.count++
	if l.gathered == nil {
		l.gathered = map[string]*gather{}
	}
	if l.gathered[g.list] == nil {
		l.gathered[g.list] = g // len(list) may read this copy's extent from here on
	}
}

func gatheredNames(m map[string]gatheredArray) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// gathered renders A[..., g, ...] of a gather loop's target as the gathered copy indexed by
// the new loop's index.
func (l *lowerer) gatheredRef(array string, index pyast.Expr) (string, pyast.Expr, bool) {
	for _, g := range l.gathers {
		ga, ok := g.arrays[array]
		if !ok {
			continue
		}
		elems := indexElems(index)
		if ga.dim >= len(elems) {
			continue
		}
		id, ok := elems[ga.dim].(*pyast.Name)
		if !ok || id.Id != g.iter {
			continue
		}
		out := append([]pyast.Expr(nil), elems...)
		out[ga.dim] = &pyast.Name{Span: id.Span, Id: g.index}
		if len(out) == 1 {
			return ga.name, out[0], true
		}
		return ga.name, &pyast.Tuple{Elts: out}, true
	}
	return "", nil, false
}

// unfinished names the views and gathers some of whose uses were not rewritten.
func (l *lowerer) unfinished() []string {
	done := map[pyast.Pos]bool{}
	for _, e := range l.edits {
		done[e.orig] = true
	}
	var failed []string
	for name, v := range l.views {
		ok := v.dropped
		for _, u := range v.uses {
			ok = ok && done[u.Pos()]
		}
		if !ok {
			failed = append(failed, name)
		}
	}
	for name, g := range l.gathers {
		ok := done[g.loop.Pos()]
		for _, u := range g.uses {
			ok = ok && done[u.Pos()]
		}
		if !ok {
			failed = append(failed, name)
		}
	}
	return failed
}

// inFString reports a name an f-string of the function may read: the parser keeps f-strings
// as text, so countMentions does not see the names in them.
func (l *lowerer) inFString(name string) bool {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	found := false
	pyast.Inspect(l.fn.Def, func(n pyast.Node) bool {
		if str, ok := n.(*pyast.Str); ok {
			for _, part := range str.Parts {
				if isFString(part) && re.MatchString(part) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isFString reports a string literal part with an f prefix (f"...", rf'...').
func isFString(part string) bool {
	prefix := strings.ToLower(part[:strings.IndexAny(part+"'", "'\"")])
	return strings.Contains(prefix, "f")
}

// writesParams reports a store into an array parameter in stmts (the in-place effects a
// raise part-way through would leave).
func (l *lowerer) writesParams(stmts []pyast.Stmt) bool {
	isParam := map[string]bool{}
	for _, p := range l.fn.Def.Params {
		isParam[p.Name] = true
	}
	found := false
	for _, s := range stmts {
		pyast.Inspect(s, func(n pyast.Node) bool {
			var targets []pyast.Expr
			switch n := n.(type) {
			case *pyast.Assign:
				targets = n.Targets
			case *pyast.AugAssign:
				targets = []pyast.Expr{n.Target}
			}
			for _, t := range targets {
				if root := rootName(t); isParam[root] {
					if _, isName := t.(*pyast.Name); !isName || l.x.arrays[root] != nil {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// raises reports a raise statement in stmts.
func raises(stmts []pyast.Stmt) bool {
	found := false
	for _, s := range stmts {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if _, ok := n.(*pyast.Raise); ok {
				found = true
			}
			return !found
		})
	}
	return found
}
