package difffuzz

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Shrink looks for a smaller program that fails as first does (same status), trying one edit
// at a time — drop a statement, a loop, a call, an array; simplify an expression, a bound,
// an argument — and keeping the first edit that still fails. Candidates are checked in
// batches (one Python process for many), so a round costs a few seconds. It stops when no
// edit fails any more or after the time limit, and returns the smallest failing program
// found with its result.
func Shrink(ctx context.Context, cfg Config, p *Program, first *Result, limit time.Duration) (*Program, *Result, error) {
	deadline := time.Now().Add(limit)
	best, bestRes := p, first
	round := 0
	for time.Now().Before(deadline) {
		round++
		var cands []*Program
		var cases []*Case
		seen := map[string]bool{}
		for k := 0; ; k++ {
			q, ok := edit(best, k)
			if !ok {
				break
			}
			if q == nil {
				continue
			}
			src, err := q.Source()
			if err != nil || seen[src] {
				continue
			}
			seen[src] = true
			c := *first.Case
			c.Name, c.Source = fmt.Sprintf("s%d_%d", round, len(cases)), src
			cands = append(cands, q)
			cases = append(cases, &c)
		}
		found := false
		// Small chunks, two at a time: the first failing candidate ends the round, and each
		// candidate with a Numba variant costs a compilation.
		const chunk = 8
		for start := 0; start < len(cases) && !found; start += 2 * chunk {
			var res [2][]*Result
			var errs [2]error
			var wg sync.WaitGroup
			for h := 0; h < 2; h++ {
				lo, hi := min(start+h*chunk, len(cases)), min(start+(h+1)*chunk, len(cases))
				if lo == hi {
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					res[h], errs[h] = Check(ctx, cfg, cases[lo:hi])
				}()
			}
			wg.Wait()
			for h := 0; h < 2 && !found; h++ {
				if errs[h] != nil {
					return best, bestRes, errs[h]
				}
				for i, r := range res[h] {
					if r.Status == first.Status {
						best, bestRes, found = cands[start+h*chunk+i], r, true
						break
					}
				}
			}
			if time.Now().After(deadline) {
				break
			}
		}
		cfg.logf("shrink round %d: %d candidates, smaller failing one: %v", round, len(cases), found)
		if !found {
			break
		}
	}
	return best, bestRes, nil
}

// edit returns a copy of p with the k-th edit applied; ok is false past the last edit, and
// the copy is nil when edit k does not apply.
func edit(p *Program, k int) (*Program, bool) {
	q := p.clone()
	e := &editor{target: k, p: q}
	e.program()
	if e.n <= k {
		return nil, false
	}
	if !e.done {
		return nil, true
	}
	return q, true
}

// editor walks a program counting edit sites; at site number target it applies the edit.
type editor struct {
	target, n int
	done      bool
	p         *Program
}

// hit counts one edit site and reports whether it is the one to apply.
func (e *editor) hit() bool {
	e.n++
	if e.n-1 == e.target {
		e.done = true
		return true
	}
	return false
}

func (e *editor) program() {
	p := e.p
	// Large edits first: they shrink the most when they keep the failure.
	for i := range p.Calls {
		if len(p.Calls) > 1 && e.hit() {
			p.Calls = append(p.Calls[:i], p.Calls[i+1:]...)
			return
		}
	}
	e.list(&p.Body)
	if e.done {
		return
	}
	for i := range p.Arrays {
		if !p.refersTo(p.Arrays[i].Name) && len(p.Arrays) > 1 && e.hit() {
			p.dropArray(i)
			return
		}
	}
	for i, f := range p.Floats {
		if !p.refersTo(f) && e.hit() {
			p.Floats = append(p.Floats[:i], p.Floats[i+1:]...)
			for _, c := range p.Calls {
				c.Floats = append(c.Floats[:i], c.Floats[i+1:]...)
			}
			return
		}
	}
	for _, c := range p.Calls {
		for i := range c.Args {
			if c.Args[i].Kind != ArgOwn && e.hit() {
				c.Args[i] = Arg{}
				return
			}
		}
		for i := range c.Floats {
			if c.Floats[i] != "0.5" && e.hit() {
				c.Floats[i] = "0.5"
				return
			}
		}
	}
	for _, s := range p.Syms {
		if s.Mode != ModeParam && e.hit() {
			s.Mode = ModeParam
			p.Locals = nil
			return
		}
	}
	if len(p.Locals) > 0 && e.hit() {
		p.Locals = nil
		return
	}
	for i := range p.Return {
		if e.hit() {
			p.Return = append(p.Return[:i], p.Return[i+1:]...)
			return
		}
	}
	e.details(p.Body)
}

// list tries to drop each statement, then to replace a loop or an if by its body.
func (e *editor) list(l *[]Stmt) {
	for i := range *l {
		if e.hit() {
			*l = append((*l)[:i], (*l)[i+1:]...)
			return
		}
	}
	for i, s := range *l {
		var repl []Stmt
		switch s := s.(type) {
		case *Loop:
			if !e.hit() {
				e.list(&s.Body)
				if e.done {
					return
				}
				continue
			}
			// The loop runs once, at index 2: in bounds for every extent the driver uses.
			repl = substStmts(s.Body, s.Var)
		case *If:
			if e.hit() {
				repl = s.Then
			} else if len(s.Else) > 0 && e.hit() {
				repl = s.Else
			} else {
				e.list(&s.Then)
				if !e.done {
					e.list(&s.Else)
				}
				if e.done {
					return
				}
				continue
			}
		default:
			continue
		}
		out := append(append(append([]Stmt(nil), (*l)[:i]...), repl...), (*l)[i+1:]...)
		*l = out
		return
	}
}

// details tries the small edits: bounds, steps, conditions, operators, expressions.
func (e *editor) details(list []Stmt) {
	for _, s := range list {
		if e.done {
			return
		}
		switch s := s.(type) {
		case *Loop:
			if s.Step != 1 && e.hit() {
				s.Step = 1
				return
			}
			if (s.Lo.Var != "" || s.Lo.Off != 2) && e.hit() {
				s.Lo = Aff{Sym: -1, Off: 2}
				return
			}
			if (s.Hi.Var != "" || s.Hi.Off != -2) && e.hit() {
				s.Hi = Aff{Sym: s.Sym, Off: -2}
				return
			}
			e.details(s.Body)
		case *If:
			if _, ok := s.Cond.(*Cmp); !ok {
				if bc, ok := s.Cond.(*BoolCond); ok {
					if e.hit() {
						s.Cond = bc.X
						return
					}
					if e.hit() {
						s.Cond = bc.Y
						return
					}
				}
				if nc, ok := s.Cond.(*NotCond); ok && e.hit() {
					s.Cond = nc.X
					return
				}
			}
			if len(s.Else) > 0 && e.hit() {
				s.Else = nil
				return
			}
			e.details(s.Then)
			e.details(s.Else)
		case *Assign:
			if s.Op != "=" && e.hit() {
				s.Op = "="
				return
			}
			if r, ok := s.Target.(*Ref); ok {
				e.index(r)
			}
			e.expr(&s.Value)
		case *RaiseIf:
			e.expr(&s.X)
		}
	}
}

func (e *editor) index(r *Ref) {
	for i := range r.Idx {
		ix := &r.Idx[i]
		if ix.Rev && e.hit() {
			ix.Rev = false
			return
		}
		if ix.Off != 0 && e.hit() {
			ix.Off = 0
			return
		}
	}
}

// expr tries to replace each node of an expression by one of its operands, or by a constant.
func (e *editor) expr(x *Expr) {
	if e.done {
		return
	}
	switch v := (*x).(type) {
	case *Bin:
		if e.hit() {
			*x = v.X
			return
		}
		if e.hit() {
			*x = v.Y
			return
		}
		e.expr(&v.X)
		e.expr(&v.Y)
	case *Unary:
		if e.hit() {
			*x = v.X
			return
		}
		e.expr(&v.X)
	case *Call:
		for i := range v.Args {
			if e.hit() {
				*x = v.Args[i]
				return
			}
		}
		for i := range v.Args {
			e.expr(&v.Args[i])
		}
	case *Attr:
		if e.hit() {
			*x = v.X
			return
		}
		e.expr(&v.X)
	case *Ref:
		if e.hit() {
			*x = &Num{"1"}
			return
		}
		e.index(v)
	case *Name:
		if e.hit() {
			*x = &Num{"1"}
			return
		}
	}
}

// substStmts copies a loop body with its index replaced by the constant 2.
func substStmts(list []Stmt, v string) []Stmt {
	var out []Stmt
	for _, s := range list {
		out = append(out, substStmt(cloneStmt(s), v))
	}
	return out
}

func substStmt(s Stmt, v string) Stmt {
	switch s := s.(type) {
	case *Loop:
		s.Lo, s.Hi = substAff(s.Lo, v), substAff(s.Hi, v)
		for i := range s.Body {
			s.Body[i] = substStmt(s.Body[i], v)
		}
	case *If:
		s.Cond = substCond(s.Cond, v)
		for i := range s.Then {
			s.Then[i] = substStmt(s.Then[i], v)
		}
		for i := range s.Else {
			s.Else[i] = substStmt(s.Else[i], v)
		}
	case *Assign:
		s.Target = substExpr(s.Target, v)
		s.Value = substExpr(s.Value, v)
	case *RaiseIf:
		s.X = substExpr(s.X, v)
	}
	return s
}

func substAff(a Aff, v string) Aff {
	if a.Var == v {
		return Aff{Sym: -1, Off: 2 + a.Off}
	}
	return a
}

func substCond(c Cond, v string) Cond {
	switch c := c.(type) {
	case *Cmp:
		c.X = substAff(c.X, v)
		for i := range c.Ys {
			c.Ys[i] = substAff(c.Ys[i], v)
		}
	case *BoolCond:
		c.X, c.Y = substCond(c.X, v), substCond(c.Y, v)
	case *NotCond:
		c.X = substCond(c.X, v)
	}
	return c
}

func substExpr(x Expr, v string) Expr {
	switch x := x.(type) {
	case *Name:
		if x.Id == v {
			return &Num{"2"}
		}
	case *Ref:
		for i := range x.Idx {
			ix := &x.Idx[i]
			if ix.Var != v {
				continue
			}
			if ix.Rev {
				// E-1-2 is not a constant; keep it in bounds as the constant 1 instead.
				*ix = Idx{Off: 1}
			} else {
				*ix = Idx{Off: 2 + ix.Off}
			}
		}
	case *Bin:
		x.X, x.Y = substExpr(x.X, v), substExpr(x.Y, v)
	case *Unary:
		x.X = substExpr(x.X, v)
	case *Call:
		for i := range x.Args {
			x.Args[i] = substExpr(x.Args[i], v)
		}
	case *Attr:
		x.X = substExpr(x.X, v)
	}
	return x
}

// refersTo reports whether the kernel body mentions a name (an array or a scalar).
func (p *Program) refersTo(name string) bool {
	found := false
	var expr func(x Expr)
	expr = func(x Expr) {
		switch x := x.(type) {
		case *Name:
			found = found || x.Id == name
		case *Ref:
			found = found || x.Array == name
		case *Bin:
			expr(x.X)
			expr(x.Y)
		case *Unary:
			expr(x.X)
		case *Call:
			for _, a := range x.Args {
				expr(a)
			}
		case *Attr:
			expr(x.X)
		}
	}
	var stmts func(list []Stmt)
	stmts = func(list []Stmt) {
		for _, s := range list {
			switch s := s.(type) {
			case *Loop:
				stmts(s.Body)
			case *If:
				stmts(s.Then)
				stmts(s.Else)
			case *Assign:
				expr(s.Target)
				expr(s.Value)
			case *RaiseIf:
				expr(s.X)
			}
		}
	}
	stmts(p.Body)
	for _, r := range p.Return {
		found = found || r == name
	}
	return found
}

// dropArray removes array parameter i and every argument that referred to it.
func (p *Program) dropArray(i int) {
	p.Arrays = append(p.Arrays[:i], p.Arrays[i+1:]...)
	for _, c := range p.Calls {
		c.Args = append(c.Args[:i], c.Args[i+1:]...)
		for j := range c.Args {
			a := &c.Args[j]
			switch {
			case a.Kind == ArgOwn || a.Kind == ArgStrided:
			case a.Of == i:
				*a = Arg{}
			case a.Of > i:
				a.Of--
			}
		}
	}
}
