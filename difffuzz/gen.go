package difffuzz

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Generate returns the program of one seed; the same seed always gives the same program.
func Generate(seed uint64) *Program {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	return g.program()
}

type gen struct {
	r    *rand.Rand
	p    *Program
	tmps int // temporaries made so far, for fresh names
}

func (g *gen) intn(n int) int            { return g.r.IntN(n) }
func (g *gen) chance(pct int) bool       { return g.r.IntN(100) < pct }
func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// scope is what a statement can see: the loops around it and the scalars bound so far.
type scope struct {
	loops []*Loop
	tmps  map[string]bool // temporary name -> holds an int
	reds  map[string]bool // reduction variables in reach -> holds an int
}

func (s scope) with(l *Loop) scope {
	c := s
	c.loops = append(append([]*Loop(nil), s.loops...), l)
	c.tmps = copyMap(s.tmps)
	return c
}

func copyMap(m map[string]bool) map[string]bool {
	c := map[string]bool{}
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (g *gen) program() *Program {
	p := &Program{}
	g.p = p
	// Symbols get distinct deltas, so that no two are equal at the profiled size and the
	// hints keep them apart.
	deltas := g.r.Perm(4)
	nsyms := 1 + g.intn(3)
	for i := 0; i < nsyms; i++ {
		mode := ModeParam
		switch x := g.intn(100); {
		case x < 30:
			mode = ModeShape
		case x < 33:
			mode = ModePad
		}
		p.Syms = append(p.Syms, &Sym{Name: []string{"n", "m", "p"}[i], Delta: deltas[i], Mode: mode})
	}
	narrays := 1 + g.intn(4)
	for i := 0; i < narrays; i++ {
		a := &Array{Name: string(rune('A' + i)), DType: "float64"}
		switch x := g.intn(100); {
		case x < 20:
			a.DType = "int64"
		case x < 35:
			a.DType = "float32"
		}
		if i > 0 && g.chance(35) {
			// The same kind as an earlier array: call sites can then alias the two.
			o := p.Arrays[g.intn(i)]
			a.DType, a.Dims = o.DType, append([]int(nil), o.Dims...)
			p.Arrays = append(p.Arrays, a)
			continue
		}
		rank := 1 + g.intn(3)
		if rank == 3 && g.chance(50) {
			rank = 2
		}
		for d := 0; d < rank; d++ {
			a.Dims = append(a.Dims, g.intn(nsyms))
		}
		p.Arrays = append(p.Arrays, a)
	}
	// Every symbol must be some array's dimension: the kernel reads its extent from one.
	for si := range p.Syms {
		if !g.usesSym(si) {
			name := string(rune('A' + len(p.Arrays)))
			p.Arrays = append(p.Arrays, &Array{Name: name, DType: "float64", Dims: []int{si}})
		}
	}
	for si, s := range p.Syms {
		if s.Mode == ModeShape && g.chance(40) {
			p.Locals = append(p.Locals, si)
		}
	}
	if g.chance(70) {
		p.Floats = append(p.Floats, "alpha")
		if g.chance(40) {
			p.Floats = append(p.Floats, "beta")
		}
	}
	// The body: one to three loop nests, some with a scalar reduction around them.
	reds := map[string]bool{}
	nnests := 1 + g.intn(3)
	for k := 0; k < nnests; k++ {
		sc := scope{tmps: map[string]bool{}, reds: copyMap(reds)}
		if g.chance(30) && len(reds) < 2 {
			name := fmt.Sprintf("s%d", len(reds))
			isInt := g.chance(20)
			init := "0.0"
			switch {
			case isInt:
				init = "0"
			case g.chance(20):
				init = "1.0"
			}
			p.Body = append(p.Body, &Assign{Target: &Name{name}, Op: "=", Value: &Num{init}})
			reds[name] = isInt
			sc.reds[name] = isInt
			p.Return = append(p.Return, name)
		}
		maxDepth := 1 + g.intn(3)
		if g.chance(10) {
			maxDepth = 4
		}
		// A perfect nest of unit-step loops around plain statements: an in-place sweep
		// like seidel-2d, which the wavefront schedules reorder when no loop is parallel.
		perfect := g.chance(15)
		if perfect && maxDepth < 2 {
			maxDepth = 2
		}
		p.Body = append(p.Body, g.loop(sc, maxDepth, perfect))
	}
	if len(p.Return) > 0 && g.chance(30) {
		// Store a reduction into an array instead of returning it.
		a := p.Arrays[g.intn(len(p.Arrays))]
		if !a.Int() {
			ref := &Ref{Array: a.Name}
			for range a.Dims {
				ref.Idx = append(ref.Idx, Idx{Off: g.intn(2)})
			}
			p.Body = append(p.Body, &Assign{Target: ref, Op: "=", Value: &Name{p.Return[0]}})
			p.Return = p.Return[1:]
		}
	}
	g.calls()
	return p
}

func (g *gen) usesSym(si int) bool {
	for _, a := range g.p.Arrays {
		for _, s := range a.Dims {
			if s == si {
				return true
			}
		}
	}
	return false
}

// loop makes a loop over a random symbol, inside the loops of sc.
// A perfect loop has one loop as its body down to maxDepth, then only assignments.
func (g *gen) loop(sc scope, maxDepth int, perfect bool) *Loop {
	var l *Loop
	// A triangular loop runs up to or from an enclosing index of the same symbol.
	outer := sc.loops
	name := []string{"i", "j", "k", "l"}[len(sc.loops)]
	if len(outer) > 0 && g.chance(35) {
		o := outer[g.intn(len(outer))]
		l = &Loop{Var: name, Sym: o.Sym}
		if g.chance(50) {
			l.Lo, l.Hi = Aff{Sym: -1, Off: 2 + g.intn(2)}, Aff{Var: o.Var, Off: g.intn(2)}
		} else {
			l.Lo, l.Hi = Aff{Var: o.Var, Off: g.intn(2)}, Aff{Sym: o.Sym, Off: -2 - g.intn(2)}
		}
	} else {
		s := g.intn(len(g.p.Syms))
		l = &Loop{Var: name, Sym: s, Lo: Aff{Sym: -1, Off: 2 + g.intn(2)}, Hi: Aff{Sym: s, Off: -2 - g.intn(3)}}
		if g.chance(20) {
			l.Lo.Off = 2
			l.Hi.Off = -2
		}
	}
	l.Step = 1
	switch x := g.intn(100); {
	case x < 15:
		l.Step = -1
	case x < 20:
		l.Step = 2
	case x < 23:
		l.Step = -2
	}
	in := sc.with(l)
	if perfect {
		l.Step = 1
		if len(in.loops) < maxDepth {
			l.Body = append(l.Body, g.loop(in, maxDepth, true))
			return l
		}
		for k := 1 + g.intn(2); k > 0; k-- {
			l.Body = append(l.Body, g.assign(in))
		}
		return l
	}
	n := 1 + g.intn(3)
	for k := 0; k < n; k++ {
		switch x := g.intn(100); {
		case x < 40 && len(in.loops) < maxDepth:
			l.Body = append(l.Body, g.loop(in, maxDepth, false))
		case x < 55:
			l.Body = append(l.Body, g.ifStmt(in))
		default:
			l.Body = append(l.Body, g.assign(in))
		}
	}
	if !hasAssign(l.Body) {
		l.Body = append(l.Body, g.assign(in))
	}
	return l
}

func hasAssign(list []Stmt) bool {
	for _, s := range list {
		if _, ok := s.(*Assign); ok {
			return true
		}
	}
	return false
}

func (g *gen) ifStmt(sc scope) *If {
	s := &If{Cond: g.cond(sc, 0)}
	inner := sc
	inner.tmps = copyMap(sc.tmps) // a temporary bound under an if may be unbound after it
	s.Then = []Stmt{g.assign(inner)}
	if g.chance(40) {
		s.Then = append(s.Then, g.assign(inner))
	}
	if g.chance(35) {
		els := sc
		els.tmps = copyMap(sc.tmps)
		s.Else = []Stmt{g.assign(els)}
	}
	return s
}

var cmpOps = []string{"<", "<=", ">", ">=", "==", "!="}

func (g *gen) cond(sc scope, depth int) Cond {
	if depth < 2 && g.chance(30) {
		op := "and"
		if g.chance(50) {
			op = "or"
		}
		return &BoolCond{Op: op, X: g.cond(sc, depth+1), Y: g.cond(sc, depth+1)}
	}
	if depth < 2 && g.chance(8) {
		return &NotCond{X: g.cond(sc, depth+1)}
	}
	l := sc.loops[g.intn(len(sc.loops))]
	x := Aff{Var: l.Var, Off: g.intn(3) - 1}
	c := &Cmp{X: x}
	n := 1
	if g.chance(10) {
		n = 2
	}
	for k := 0; k < n; k++ {
		c.Ops = append(c.Ops, g.pick(cmpOps))
		var y Aff
		switch z := g.intn(3); {
		case z == 0:
			o := sc.loops[g.intn(len(sc.loops))]
			y = Aff{Var: o.Var, Off: g.intn(3) - 1}
		case z == 1:
			y = Aff{Sym: l.Sym, Off: -3 - g.intn(3)}
		default:
			y = Aff{Sym: -1, Off: 2 + g.intn(4)}
		}
		c.Ys = append(c.Ys, y)
	}
	return c
}

// assign makes one statement inside the loops of sc: an array update, a temporary or a
// reduction step.
func (g *gen) assign(sc scope) *Assign {
	x := g.intn(100)
	switch {
	case x < 12 && len(sc.reds) > 0:
		var names []string
		for n := range sc.reds {
			names = append(names, n)
		}
		slices.Sort(names)
		name := g.pick(names)
		isInt := sc.reds[name]
		op := g.pick([]string{"+=", "+=", "-=", "=+", "*="})
		if op == "*=" {
			if isInt {
				op = "+="
			} else {
				return &Assign{Target: &Name{name}, Op: op, Value: g.nearOne(sc)}
			}
		}
		return &Assign{Target: &Name{name}, Op: op, Value: g.expr(sc, isInt, 2, "")}
	case x < 25:
		name := fmt.Sprintf("t%d", g.tmps)
		g.tmps++
		isInt := g.chance(25)
		a := &Assign{Target: &Name{name}, Op: "=", Value: g.expr(sc, isInt, 2, "")}
		sc.tmps[name] = isInt
		return a
	}
	arr := g.p.Arrays[g.intn(len(g.p.Arrays))]
	ref := g.ref(sc, arr, true)
	op := "="
	switch y := g.intn(100); {
	case y < 25:
		op = "+="
	case y < 33:
		op = "-="
	case y < 40:
		op = "=+"
	case y < 45 && !arr.Int():
		return &Assign{Target: ref, Op: "*=", Value: g.nearOne(sc)}
	}
	return &Assign{Target: ref, Op: op, Value: g.expr(sc, arr.Int(), 3, arr.Name)}
}

// nearOne is a factor close to 1, so that products over many iterations stay finite.
func (g *gen) nearOne(sc scope) Expr {
	return &Bin{Op: "+", X: &Num{"1.0"}, Y: &Bin{Op: "*", X: &Num{"0.01"}, Y: g.leaf(sc, false, "")}}
}

// ref makes a subscript of arr that stays in bounds: each dimension takes an index of its
// symbol (offset by at most 2, or reversed), or a small constant when no loop runs over it.
// A written reference sometimes leaves an enclosing loop out: an array reduction.
func (g *gen) ref(sc scope, arr *Array, write bool) *Ref {
	r := &Ref{Array: arr.Name}
	for _, s := range arr.Dims {
		var cands []*Loop
		for _, l := range sc.loops {
			if l.Sym == s {
				cands = append(cands, l)
			}
		}
		if len(cands) == 0 || g.chance(8) {
			off := 0
			if g.chance(4) {
				// In bounds for the driver's extents (at least 4), but pyparc cannot prove it.
				off = 1 + g.intn(3)
			}
			r.Idx = append(r.Idx, Idx{Off: off})
			continue
		}
		l := cands[g.intn(len(cands))]
		if write && g.chance(50) {
			l = cands[len(cands)-1] // prefer the innermost, so that most writes vary with it
		}
		switch y := g.intn(100); {
		case y < 10:
			r.Idx = append(r.Idx, Idx{Var: l.Var, Rev: true, Sym: s})
		case y < 60 || write && y < 80:
			r.Idx = append(r.Idx, Idx{Var: l.Var})
		default:
			r.Idx = append(r.Idx, Idx{Var: l.Var, Off: g.intn(5) - 2})
		}
	}
	return r
}

// expr makes a value; isInt keeps it within int arithmetic (+, -, * and int operands).
// target is the array being written: a product of two of its elements could grow without
// bound along a recurrence, so products take a bounded factor then.
func (g *gen) expr(sc scope, isInt bool, depth int, target string) Expr {
	if depth == 0 || g.chance(30) {
		return g.leaf(sc, isInt, target)
	}
	switch x := g.intn(100); {
	case x < 55:
		op := g.pick([]string{"+", "+", "-", "*"})
		left := g.expr(sc, isInt, depth-1, target)
		var right Expr
		if op == "*" {
			right = g.factor(sc, isInt)
		} else {
			right = g.expr(sc, isInt, depth-1, target)
		}
		return &Bin{Op: op, X: left, Y: right}
	case x < 62:
		return &Unary{X: g.expr(sc, isInt, depth-1, target)}
	case x < 72:
		fn := g.pick([]string{"min", "max"})
		return &Call{Fn: fn, Args: []Expr{g.expr(sc, isInt, depth-1, target), g.expr(sc, isInt, depth-1, target)}}
	case x < 78:
		return &Call{Fn: "abs", Args: []Expr{g.expr(sc, isInt, depth-1, target)}}
	}
	if isInt {
		return g.leaf(sc, isInt, target)
	}
	arg := g.expr(sc, false, depth-1, target)
	if g.chance(60) {
		return &Call{Fn: "np.sqrt", Args: []Expr{&Call{Fn: "np.abs", Args: []Expr{arg}}}}
	}
	return &Call{Fn: "math.exp", Args: []Expr{&Unary{X: &Call{Fn: "abs", Args: []Expr{arg}}}}}
}

// factor is a bounded multiplier: a constant, a float parameter, or an element of an array
// that is never written (its values stay as the driver made them).
func (g *gen) factor(sc scope, isInt bool) Expr {
	if isInt {
		return &Num{g.pick([]string{"2", "3", "-1"})}
	}
	if len(g.p.Floats) > 0 && g.chance(50) {
		return &Name{g.pick(g.p.Floats)}
	}
	if g.chance(40) {
		return &Call{Fn: "math.exp", Args: []Expr{&Unary{X: &Call{Fn: "abs", Args: []Expr{g.leaf(sc, false, "")}}}}}
	}
	return &Num{g.pick([]string{"0.5", "1.5", "2.0", "-0.25"})}
}

// leaf makes an operand: an array element, a loop index, a temporary, a parameter or a
// constant. Writes to target are read back often, which makes loop-carried dependences.
func (g *gen) leaf(sc scope, isInt bool, target string) Expr {
	x := g.intn(100)
	switch {
	case x < 55:
		var cands []*Array
		for _, a := range g.p.Arrays {
			if !isInt || a.Int() {
				cands = append(cands, a)
			}
		}
		if target != "" && g.chance(40) {
			for _, a := range g.p.Arrays {
				if a.Name == target {
					cands = []*Array{a}
				}
			}
		}
		if len(cands) > 0 {
			return g.ref(sc, cands[g.intn(len(cands))], false)
		}
	case x < 65:
		return &Name{sc.loops[g.intn(len(sc.loops))].Var}
	case x < 78:
		var names []string
		for n, tInt := range sc.tmps {
			if !isInt || tInt {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			slices.Sort(names)
			return &Name{g.pick(names)}
		}
	case x < 88 && !isInt && len(g.p.Floats) > 0:
		return &Name{g.pick(g.p.Floats)}
	}
	if isInt {
		return &Num{g.pick([]string{"1", "2", "3", "-2"})}
	}
	return &Num{g.pick([]string{"0.5", "1.0", "2.0", "0.125", "-1.5"})}
}

// calls makes the driver's calls: each passes every array, sometimes aliased.
func (g *gen) calls() {
	p := g.p
	n := 1 + g.intn(3)
	for k := 0; k < n; k++ {
		c := &Invocation{Args: make([]Arg, len(p.Arrays))}
		for range p.Floats {
			c.Floats = append(c.Floats, g.pick([]string{"0.5", "1.25", "-0.75", "0.1", "np.float32(0.5)"}))
		}
		// The first call never aliases: the profile then sees plain arrays, and later
		// calls check that the guard turns aliasing away.
		if k > 0 && g.chance(60) {
			g.alias(c)
		}
		p.Calls = append(p.Calls, c)
	}
}

// alias makes one pair of array arguments share memory, if two parameters have the same
// dtype and dimensions (or one array is passed as a strided view).
func (g *gen) alias(c *Invocation) {
	p := g.p
	var pairs [][2]int
	for i := range p.Arrays {
		for j := range p.Arrays {
			if i != j && sameKind(p.Arrays[i], p.Arrays[j]) {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	if len(pairs) == 0 || g.chance(15) {
		i := g.intn(len(p.Arrays))
		c.Args[i] = Arg{Kind: ArgStrided}
		return
	}
	pr := pairs[g.intn(len(pairs))]
	if g.chance(50) {
		c.Args[pr[0]] = Arg{Kind: ArgSame, Of: pr[1]}
		return
	}
	c.Args[pr[0]] = Arg{Kind: ArgViewLo, Of: pr[0]}
	c.Args[pr[1]] = Arg{Kind: ArgViewHi, Of: pr[0]}
}
