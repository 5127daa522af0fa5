package emit

import (
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// liveAfter returns the names whose value at the exit of loop f may still be read: a
// backward liveness analysis over the function's statements. A prange loop (or a Ray chunk)
// keeps no last value of what its body binds, so a loop that binds a live name must stay
// sequential. A name live after the whole SCoP is caught by usedOutside; this also sees
// reads in the same SCoP (`for i: s = ...` then `C[0] = s`), and reads at the next
// iteration of an enclosing loop.
//
// It over-approximates: a statement the tree does not model (with, try) reads every
// identifier in its text and binds nothing, a loop may run zero times, break and continue
// jump where Python sends them, and a name declared global or nonlocal is always live.
func liveAfter(def *pyast.FunctionDef, f *pyast.For) map[string]bool {
	a := &liveness{target: f, at: set{}, always: set{}}
	pyast.Inspect(def, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Global:
			a.always.add(n.Names...)
		case *pyast.Nonlocal:
			a.always.add(n.Names...)
		}
		return true
	})
	a.block(def.Body, a.always.clone())
	for v := range a.always {
		a.at[v] = true
	}
	return a.at
}

type set map[string]bool

func (s set) add(names ...string) {
	for _, n := range names {
		s[n] = true
	}
}

func (s set) clone() set {
	c := make(set, len(s))
	for k := range s {
		c[k] = true
	}
	return c
}

func (s set) union(o set) set {
	c := s.clone()
	for k := range o {
		c[k] = true
	}
	return c
}

// loopExits are where break and continue go: the live sets after the loop and at its head.
type loopExits struct{ exit, head set }

type liveness struct {
	target *pyast.For
	at     set // live at the target's exit, over every visit
	always set // global and nonlocal names
	loops  []loopExits
}

// block returns the names live before body, given those live after it.
func (a *liveness) block(body []pyast.Stmt, out set) set {
	live := out
	for i := len(body) - 1; i >= 0; i-- {
		live = a.stmt(body[i], live)
	}
	return live
}

func (a *liveness) stmt(s pyast.Stmt, out set) set {
	switch s := s.(type) {
	case *pyast.Assign:
		live := out.clone()
		for _, t := range s.Targets {
			a.kill(t, live)
		}
		for _, t := range s.Targets {
			targetReads(t, live)
		}
		reads(s.Value, live)
		return live
	case *pyast.AnnAssign:
		live := out.clone()
		if s.Value != nil {
			a.kill(s.Target, live)
			targetReads(s.Target, live)
			reads(s.Value, live)
		}
		return live
	case *pyast.AugAssign:
		live := out.clone()
		reads(s.Target, live)
		reads(s.Value, live)
		return live
	case *pyast.If:
		live := a.block(s.Body, out).union(a.block(s.Else, out))
		reads(s.Cond, live)
		return live
	case *pyast.For:
		exit := out.union(a.block(s.Else, out))
		if s == a.target {
			for v := range out {
				a.at[v] = true
			}
		}
		head := a.loop(s.Body, exit, func(in set) set {
			in = in.clone()
			a.kill(s.Target, in)
			targetReads(s.Target, in)
			return in
		})
		live := head.clone()
		reads(s.Iter, live)
		return live
	case *pyast.While:
		exit := out.union(a.block(s.Else, out))
		head := a.loop(s.Body, exit, func(in set) set {
			in = in.clone()
			reads(s.Cond, in)
			return in
		})
		live := head.clone()
		reads(s.Cond, live)
		return live
	case *pyast.Break:
		if len(a.loops) > 0 {
			return a.loops[len(a.loops)-1].exit.clone()
		}
	case *pyast.Continue:
		if len(a.loops) > 0 {
			return a.loops[len(a.loops)-1].head.clone()
		}
	case *pyast.Return:
		live := a.always.clone()
		if s.Value != nil {
			reads(s.Value, live)
		}
		return live
	case *pyast.OpaqueStmt:
		live := out.clone()
		live.add(identifier.FindAllString(s.Text, -1)...)
		return live
	}
	// Anything else (expression statements, assert, raise, del, nested definitions) reads
	// every name in it and binds none that matters here.
	live := out.clone()
	reads(s, live)
	return live
}

// loop returns the names live at a loop's head: the fixpoint of head = exit ∪ step(body
// entry), where step adds what the loop's own test or target reads and binds.
func (a *liveness) loop(body []pyast.Stmt, exit set, step func(set) set) set {
	head := exit.clone()
	for {
		a.loops = append(a.loops, loopExits{exit: exit, head: head})
		in := a.block(body, head)
		a.loops = a.loops[:len(a.loops)-1]
		next := exit.union(step(in))
		if len(next) == len(head) {
			return head // sets only grow: same size, same set
		}
		head = next
	}
}

// kill removes the names an assignment target binds directly.
func (a *liveness) kill(t pyast.Expr, live set) {
	bound := map[string]int{}
	polyopt.BindNames(t, bound)
	for v := range bound {
		if !a.always[v] {
			delete(live, v)
		}
	}
}

// targetReads adds the names a target reads: the array and the index of A[i] = ..., the
// object of x.a = ....
func targetReads(t pyast.Expr, live set) {
	switch t := t.(type) {
	case *pyast.Name:
	case *pyast.Tuple:
		for _, e := range t.Elts {
			targetReads(e, live)
		}
	case *pyast.List:
		for _, e := range t.Elts {
			targetReads(e, live)
		}
	case *pyast.Starred:
		targetReads(t.X, live)
	default:
		reads(t, live)
	}
}

// reads adds every name mentioned in n.
func reads(n pyast.Node, live set) {
	pyast.Inspect(n, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			live[n.Id] = true
		case *pyast.OpaqueStmt:
			live.add(identifier.FindAllString(n.Text, -1)...)
		case *pyast.Str:
			live.add(fstringNames(n)...)
		}
		return true
	})
}

// fstringNames are the identifiers in the f-string parts of s, which the tree keeps as text:
// f"{s:.6f}" reads s. Every word of such a part counts (a superset).
func fstringNames(s *pyast.Str) []string {
	var out []string
	for _, p := range s.Parts {
		prefix := strings.ToLower(p[:strings.IndexAny(p+"'", "'\"")])
		if strings.Contains(prefix, "f") {
			out = append(out, identifier.FindAllString(p[len(prefix):], -1)...)
		}
	}
	return out
}
