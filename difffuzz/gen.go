package difffuzz

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Generate returns the program of one seed; the same seed always gives the same program.
func Generate(seed uint64) *Program {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		aside: rand.New(rand.NewPCG(seed^0x5bd1e995, seed+0xc0ffee))}
	return g.program()
}

type gen struct {
	r *rand.Rand
	// aside decides the features added after the first campaigns (complex data, checks), so
	// that a seed without them still gives the program it gave before, and the seeds named
	// in notes and reproducers keep their meaning.
	aside  *rand.Rand
	p      *Program
	tmps   int             // temporaries made so far, for fresh names
	kinds  map[string]kind // each temporary's kind
	accs   int             // accumulators made so far (see accumulator)
	cplx   bool            // some arrays are complex128
	checks bool            // loops may hold "if ...: raise" checks
}

// kind is the type of a generated value.
type kind int

const (
	kFloat kind = iota
	kInt
	kComplex
)

// kindOf is the kind of an array's elements.
func kindOf(a *Array) kind {
	switch {
	case a.Int():
		return kInt
	case a.Complex():
		return kComplex
	}
	return kFloat
}

// fits reports whether a value of kind v can stand where kind k is wanted without changing
// its type: ints in floats, both in complex.
func fits(v, k kind) bool {
	switch k {
	case kInt:
		return v == kInt
	case kFloat:
		return v != kComplex
	}
	return true
}

// withAside runs f drawing from the aside stream.
func (g *gen) withAside(f func()) {
	g.r, g.aside = g.aside, g.r
	defer func() { g.r, g.aside = g.aside, g.r }()
	f()
}

func (g *gen) intn(n int) int            { return g.r.IntN(n) }
func (g *gen) chance(pct int) bool       { return g.r.IntN(100) < pct }
func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// scope is what a statement can see: the loops around it and the scalars bound so far.
type scope struct {
	loops []*Loop
	tmps  map[string]kind // temporary name -> the kind it holds
	reds  map[string]kind // reduction variables in reach -> the kind they hold
}

func (s scope) with(l *Loop) scope {
	c := s
	c.loops = append(append([]*Loop(nil), s.loops...), l)
	c.tmps = copyMap(s.tmps)
	return c
}

func copyMap(m map[string]kind) map[string]kind {
	c := map[string]kind{}
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (g *gen) program() *Program {
	p := &Program{}
	g.p = p
	g.withAside(func() {
		g.cplx = g.chance(20)
		g.checks = g.chance(15)
	})
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
	g.withAside(func() {
		// Narrow ints: NumPy computes with an int16 element in int16, wrapping around, where
		// compiled code would widen it; every int array of the program takes the one type, so
		// that arrays of a kind still alias.
		if g.chance(30) {
			narrow := g.pick([]string{"int16", "int32"})
			for _, a := range p.Arrays {
				if a.DType == "int64" {
					a.DType = narrow
				}
			}
		}
	})
	// Every symbol must be some array's dimension: the kernel reads its extent from one.
	for si := range p.Syms {
		if !g.usesSym(si) {
			name := string(rune('A' + len(p.Arrays)))
			p.Arrays = append(p.Arrays, &Array{Name: name, DType: "float64", Dims: []int{si}})
		}
	}
	if g.cplx {
		g.withAside(g.complexArrays)
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
	reds := map[string]kind{}
	nnests := 1 + g.intn(3)
	for k := 0; k < nnests; k++ {
		sc := scope{tmps: map[string]kind{}, reds: copyMap(reds)}
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
			k := kFloat
			switch {
			case isInt:
				k = kInt
			case g.cplx && g.chance(40):
				// A complex sum such as a dot product with a conjugate.
				k, init = kComplex, init+"+0j"
			}
			p.Body = append(p.Body, &Assign{Target: &Name{name}, Op: "=", Value: &Num{init}})
			reds[name] = k
			sc.reds[name] = k
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
	g.withAside(func() {
		if g.chance(30) {
			p.Body = append(p.Body, g.sharedSums()...)
		}
		if g.chance(30) {
			p.Body = append(p.Body, g.rowSums()...)
		}
		if g.chance(20) {
			p.Body = append(p.Body, g.products()...)
		}
		if g.chance(25) {
			// Alone, most times: a nest elsewhere in the kernel that may index outside its
			// array keeps the whole kernel as it is.
			if st := g.stencil(); g.chance(60) {
				p.Body, p.Return = st, nil
			} else {
				p.Body = append(p.Body, st...)
			}
		}
	})
	if len(p.Return) > 0 && g.chance(30) {
		// Store a reduction into an array instead of returning it.
		a := p.Arrays[g.intn(len(p.Arrays))]
		if !a.Int() && fits(reds[p.Return[0]], kindOf(a)) {
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

// complexArrays turns some real arrays complex128, at least one. float32 arrays become
// float64 first: the precision rules of float32 are another matter, tested elsewhere.
func (g *gen) complexArrays() {
	n := 0
	for _, a := range g.p.Arrays {
		if a.DType == "float32" {
			a.DType = "float64"
		}
		if !a.Int() && g.chance(50) {
			a.DType = "complex128"
			n++
		}
	}
	if n == 0 {
		g.p.Arrays[0].DType = "complex128"
	}
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
	if len(in.loops) < maxDepth {
		g.withAside(func() {
			if g.chance(20) {
				l.Body = append(l.Body, g.accumulator(in, maxDepth)...)
			}
		})
	}
	g.withAside(func() {
		if g.chance(15) {
			if st := g.unboundRead(in, l.Body); st != nil {
				l.Body = append(l.Body, st)
				g.p.Unbound = true
			}
		}
	})
	if g.checks {
		g.withAside(func() {
			if g.chance(35) {
				at := g.intn(len(l.Body) + 1)
				l.Body = slices.Insert(l.Body, at, Stmt(g.check(in)))
			}
		})
	}
	return l
}

// unboundRead makes a statement reading a temporary that an if or an inner loop of body binds
// and the scope does not: Python raises UnboundLocalError where the branch was not taken or
// the loop ran no iteration before the read, and reads a stale value at a later iteration.
// Every variant must do the same, or keep the original. Nil when body binds no such
// temporary of a kind some array takes.
func (g *gen) unboundRead(sc scope, body []Stmt) Stmt {
	var names []string
	for _, s := range body {
		var inner []Stmt
		switch s := s.(type) {
		case *If:
			inner = append(append(inner, s.Then...), s.Else...)
		case *Loop:
			inner = s.Body
		}
		for _, t := range inner {
			if a, ok := t.(*Assign); ok && a.Op == "=" {
				if n, ok := a.Target.(*Name); ok {
					if _, bound := sc.tmps[n.Id]; !bound {
						if _, ok := g.kinds[n.Id]; ok {
							names = append(names, n.Id)
						}
					}
				}
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	name := names[g.intn(len(names))]
	var targets []*Array
	for _, a := range g.p.Arrays {
		if fits(g.kinds[name], kindOf(a)) {
			targets = append(targets, a)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	arr := targets[g.intn(len(targets))]
	return &Assign{Target: g.ref(sc, arr, true), Op: "=", Value: &Bin{Op: "+", X: &Name{name}, Y: g.leaf(sc, kindOf(arr), arr.Name)}}
}

// sharedSums makes a nest whose rows all add into the same cells of a vector, as bicg's
// s[j] += r[i] * A[i, j], or one that sums down a matrix's columns, as mvt's x2[i] += A[j, i] *
// y_2[j], sometimes after a loop over the same range: the forms emit's summing variant runs
// in chunks with private sums, interchanged and fused (numba_private.go). Nil when no vector
// matches a dimension of a matrix.
func (g *gen) sharedSums() []Stmt {
	type pair struct{ m, v *Array }
	var pairs []pair
	for _, m := range g.p.Arrays {
		if len(m.Dims) != 2 || m.Complex() {
			continue
		}
		for _, v := range g.p.Arrays {
			if len(v.Dims) == 1 && !v.Int() && !v.Complex() && v.Dims[0] == m.Dims[1] && v != m {
				pairs = append(pairs, pair{m, v})
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	pr := pairs[g.intn(len(pairs))]
	loopOver := func(v string, sym int) *Loop {
		l := &Loop{Var: v, Sym: sym, Lo: Aff{Sym: -1, Off: 2}, Hi: Aff{Sym: sym, Off: -2}, Step: 1}
		if g.chance(30) {
			l.Lo.Off, l.Hi.Off = 3, -3
		}
		return l
	}
	rows, cols := pr.m.Dims[0], pr.m.Dims[1]
	columns := g.chance(50)
	var outer, inner *Loop
	var cell, elem *Ref
	if columns {
		// for i over the vector: for j over the rows: v[i] += M[j, i] * f
		outer, inner = loopOver("i", cols), loopOver("j", rows)
		cell = &Ref{Array: pr.v.Name, Idx: []Idx{{Var: "i"}}}
		elem = &Ref{Array: pr.m.Name, Idx: []Idx{{Var: "j"}, {Var: "i"}}}
	} else {
		// for i over the rows: for j over the vector: v[j] += M[i, j] * f
		outer, inner = loopOver("i", rows), loopOver("j", cols)
		cell = &Ref{Array: pr.v.Name, Idx: []Idx{{Var: "j"}}}
		elem = &Ref{Array: pr.m.Name, Idx: []Idx{{Var: "i"}, {Var: "j"}}}
	}
	sc := scope{tmps: map[string]kind{}, reds: map[string]kind{}}.with(outer).with(inner)
	var value Expr = &Bin{Op: "*", X: elem, Y: g.leaf(sc, kFloat, "")}
	op := g.pick([]string{"+=", "-=", "=+"})
	inner.Body = []Stmt{&Assign{Target: cell, Op: op, Value: value}}
	outer.Body = []Stmt{inner}
	var out []Stmt
	if g.chance(50) {
		// A loop over the range the chunks take, writing some other vector of its length.
		chunked := outer
		if columns {
			chunked = inner
		}
		for _, w := range g.p.Arrays {
			if len(w.Dims) == 1 && w.Dims[0] == chunked.Sym && w != pr.v && !w.Complex() {
				pre := &Loop{Var: "k", Sym: chunked.Sym, Lo: chunked.Lo, Hi: chunked.Hi, Step: 1}
				psc := scope{tmps: map[string]kind{}, reds: map[string]kind{}}.with(pre)
				pre.Body = []Stmt{&Assign{Target: &Ref{Array: w.Name, Idx: []Idx{{Var: "k"}}}, Op: "=",
					Value: g.expr(psc, kindOf(w), 2, w.Name)}}
				out = append(out, pre)
				break
			}
		}
	}
	return append(out, outer)
}

// rowSums makes gesummv's rows: two or three sums a row, each into a vector's cell the row
// loop indexes, of a matrix element times a leaf, sometimes with a plain statement between
// them. The summing variant gives each sum a helper of its own where none reads or writes
// what another statement writes; the leaves and a repeated cell vector make some that it
// must not split.
func (g *gen) rowSums() []Stmt {
	var mats []*Array
	for _, m := range g.p.Arrays {
		if len(m.Dims) == 2 && !m.Int() && !m.Complex() {
			mats = append(mats, m)
		}
	}
	if len(mats) == 0 {
		return nil
	}
	m := mats[g.intn(len(mats))]
	rows, cols := m.Dims[0], m.Dims[1]
	var cells, alike []*Array
	for _, a := range g.p.Arrays {
		if len(a.Dims) == 1 && a.Dims[0] == rows && !a.Int() && !a.Complex() {
			cells = append(cells, a)
		}
		if len(a.Dims) == 2 && a.Dims[0] == rows && a.Dims[1] == cols && !a.Int() && !a.Complex() {
			alike = append(alike, a)
		}
	}
	if len(cells) == 0 || g.chance(40) {
		// A vector of the rows' length of its own (an argument like the others).
		v := &Array{Name: string(rune('A' + len(g.p.Arrays))), DType: "float64", Dims: []int{rows}}
		g.p.Arrays = append(g.p.Arrays, v)
		cells = append(cells, v)
	}
	// Two to three elements off each end, as every generated loop: subscripts offset by up
	// to two stay inside their arrays.
	outer := &Loop{Var: "i", Sym: rows, Lo: Aff{Sym: -1, Off: 2 + g.intn(2)}, Hi: Aff{Sym: rows, Off: -2 - g.intn(2)}, Step: 1}
	inner := &Loop{Var: "j", Sym: cols, Lo: Aff{Sym: -1, Off: 2 + g.intn(2)}, Hi: Aff{Sym: cols, Off: -2 - g.intn(2)}, Step: 1}
	sc := scope{tmps: map[string]kind{}, reds: map[string]kind{}}.with(outer).with(inner)
	for k := 2 + g.intn(2); k > 0; k-- {
		cell := &Ref{Array: cells[g.intn(len(cells))].Name, Idx: []Idx{{Var: "i"}}}
		elem := &Ref{Array: alike[g.intn(len(alike))].Name, Idx: []Idx{{Var: "i"}, {Var: "j"}}}
		inner.Body = append(inner.Body, &Assign{Target: cell, Op: g.pick([]string{"+=", "-=", "=+"}),
			Value: &Bin{Op: "*", X: elem, Y: g.leaf(sc, kFloat, "")}})
		if g.chance(20) {
			inner.Body = append(inner.Body, g.assign(sc))
		}
	}
	outer.Body = []Stmt{inner}
	return []Stmt{outer}
}

// stencil makes jacobi-1d's shape: a time loop whose body is one to three sweeps over the rows
// of 1-D float64 arrays of one extent, each writing one array at its row from reads of the
// arrays at the row plus -2 to 2: the time loops emit runs as overlapped bands
// (emit/overlap.go). A sweep now and then reads its own target at another row, and then
// carries a dependence and is not overlapped.
func (g *gen) stencil() []Stmt {
	rows := g.intn(len(g.p.Syms))
	var vecs []*Array
	for _, a := range g.p.Arrays {
		if len(a.Dims) == 1 && a.Dims[0] == rows && a.DType == "float64" {
			vecs = append(vecs, a)
		}
	}
	for len(vecs) < 2 || len(vecs) < 3 && g.chance(50) {
		v := &Array{Name: string(rune('A' + len(g.p.Arrays))), DType: "float64", Dims: []int{rows}}
		g.p.Arrays = append(g.p.Arrays, v)
		vecs = append(vecs, v)
	}
	steps := g.intn(len(g.p.Syms))
	time := &Loop{Var: "t", Sym: steps, Lo: Aff{Sym: -1, Off: g.intn(2)}, Hi: Aff{Sym: steps, Off: -g.intn(3)}, Step: 1}
	coefs := []string{"0.25", "0.5", "-0.25", "0.125", "0.3"}
	for k := 1 + g.intn(3); k > 0; k-- {
		sweep := &Loop{Var: "i", Sym: rows, Lo: Aff{Sym: -1, Off: 2 + g.intn(2)}, Hi: Aff{Sym: rows, Off: -2 - g.intn(2)}, Step: 1}
		target := vecs[g.intn(len(vecs))]
		var value Expr
		for terms := 1 + g.intn(3); terms > 0; terms-- {
			src := vecs[g.intn(len(vecs))]
			off := g.intn(5) - 2
			if src == target && off != 0 && !g.chance(15) {
				off = 0
			}
			term := &Bin{Op: "*", X: &Num{g.pick(coefs)}, Y: &Ref{Array: src.Name, Idx: []Idx{{Var: "i", Off: off}}}}
			if value == nil {
				value = term
			} else {
				value = &Bin{Op: g.pick([]string{"+", "-"}), X: value, Y: term}
			}
		}
		sweep.Body = []Stmt{&Assign{Target: &Ref{Array: target.Name, Idx: []Idx{{Var: "i"}}}, Op: "=", Value: value}}
		time.Body = append(time.Body, sweep)
	}
	return []Stmt{time}
}

// products makes gemm's nest over three float64 matrices of its own, every loop over a whole
// extent: C[i, j] scaled or zeroed or neither, then C[i, j] += s * (A[i, k] * B[k, j]), B
// read transposed at times. The NumPy variant runs it as one BLAS call (_rt.gemm,
// _rt.matmul_scaled) where the arrays allow, and NumPy's operations where they do not
// (the same array passed twice, views).
func (g *gen) products() []Stmt {
	n := len(g.p.Syms)
	si, sj, sk := g.intn(n), g.intn(n), g.intn(n)
	add := func(dims ...int) *Array {
		a := &Array{Name: string(rune('A' + len(g.p.Arrays))), DType: "float64", Dims: dims}
		g.p.Arrays = append(g.p.Arrays, a)
		return a
	}
	c, a := add(si, sj), add(si, sk)
	trans := g.chance(30)
	b := add(sk, sj)
	bIdx := []Idx{{Var: "k"}, {Var: "j"}}
	if trans {
		b.Dims = []int{sj, sk}
		bIdx = []Idx{{Var: "j"}, {Var: "k"}}
	}
	scalar := func(name string) Expr {
		for _, f := range g.p.Floats {
			if f == name && g.chance(70) {
				return &Name{name}
			}
		}
		return &Num{g.pick([]string{"1.5", "0.5", "-2.0"})}
	}
	whole := func(v string, s int) *Loop {
		return &Loop{Var: v, Sym: s, Lo: Aff{Sym: -1}, Hi: Aff{Sym: s}, Step: 1}
	}
	li, lj, lk := whole("i", si), whole("j", sj), whole("k", sk)
	cell := func() *Ref { return &Ref{Array: c.Name, Idx: []Idx{{Var: "i"}, {Var: "j"}}} }
	prod := &Bin{Op: "*", X: &Ref{Array: a.Name, Idx: []Idx{{Var: "i"}, {Var: "k"}}}, Y: &Ref{Array: b.Name, Idx: bIdx}}
	lk.Body = []Stmt{&Assign{Target: cell(), Op: "+=", Value: &Bin{Op: "*", X: scalar("alpha"), Y: prod}}}
	switch g.intn(3) {
	case 0:
		lj.Body = []Stmt{&Assign{Target: cell(), Op: "*=", Value: scalar("beta")}, lk}
	case 1:
		lj.Body = []Stmt{&Assign{Target: cell(), Op: "=", Value: &Num{"0.0"}}, lk}
	default:
		lj.Body = []Stmt{lk}
	}
	li.Body = []Stmt{lj}
	return []Stmt{li}
}

// accumulator makes a private sum carried to one statement, as users write dot products
// and symm its temp2: a = 0.0, a loop adding into a, then an array element set or updated
// from a. The sum's terms may be complex where the arrays are, into the float zero.
func (g *gen) accumulator(sc scope, maxDepth int) []Stmt {
	var targets []*Array
	for _, a := range g.p.Arrays {
		if !a.Int() {
			targets = append(targets, a)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	target := targets[g.intn(len(targets))]
	name := fmt.Sprintf("a%d", g.accs)
	g.accs++
	inner := g.loop(sc, maxDepth, false)
	k := kFloat
	if target.Complex() && g.chance(50) {
		k = kComplex
	}
	inner.Body = append(inner.Body, &Assign{Target: &Name{name}, Op: "+=", Value: g.expr(sc.with(inner), k, 2, "")})
	use := &Assign{Target: g.ref(sc, target, true), Op: g.pick([]string{"=", "=", "+="}),
		Value: &Bin{Op: "*", X: &Name{name}, Y: g.leaf(sc, kindOf(target), target.Name)}}
	return []Stmt{&Assign{Target: &Name{name}, Op: "=", Value: &Num{"0.0"}}, inner, use}
}

// check makes "if X < limit: raise ...": X an element of some array (its real part or
// modulus if complex). Some limits are beyond what the data reaches, others are crossed by
// a few of the driver's random elements, so that some calls raise part way through a loop.
func (g *gen) check(sc scope) *RaiseIf {
	arr := g.p.Arrays[g.intn(len(g.p.Arrays))]
	var x Expr = g.ref(sc, arr, false)
	if arr.Complex() {
		x = g.realOf(x)
	}
	c := &RaiseIf{X: x, Exc: "ValueError", Msg: "neg"}
	switch g.intn(4) {
	case 0:
		c.Op, c.Limit = "<", "-5.0"
	case 1:
		c.Op, c.Limit, c.Exc, c.Msg = ">", "50.0", "RuntimeError", "big"
	case 2:
		c.Op, c.Limit, c.Exc, c.Msg = ">", "1.45", "RuntimeError", "big"
	default:
		c.Op, c.Limit = "<", "0.52"
	}
	return c
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
		k := sc.reds[name]
		op := g.pick([]string{"+=", "+=", "-=", "=+", "*="})
		if op == "*=" {
			if k == kInt {
				op = "+="
			} else {
				return &Assign{Target: &Name{name}, Op: op, Value: g.nearOne(sc)}
			}
		}
		if k == kComplex && g.chance(50) {
			return &Assign{Target: &Name{name}, Op: op, Value: g.dotTerm(sc, "")}
		}
		return &Assign{Target: &Name{name}, Op: op, Value: g.expr(sc, k, 2, "")}
	case x < 25:
		name := fmt.Sprintf("t%d", g.tmps)
		g.tmps++
		k := kFloat
		if g.chance(25) {
			k = kInt
		} else if g.cplx && g.chance(40) {
			k = kComplex
		}
		a := &Assign{Target: &Name{name}, Op: "=", Value: g.expr(sc, k, 2, "")}
		sc.tmps[name] = k
		if g.kinds == nil {
			g.kinds = map[string]kind{}
		}
		g.kinds[name] = k
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
	k := kindOf(arr)
	if k == kComplex && (op == "+=" || op == "-=") && g.chance(40) {
		return &Assign{Target: ref, Op: op, Value: g.dotTerm(sc, arr.Name)}
	}
	if g.cplx && k == kFloat && g.chance(4) {
		// A complex value into a float64 array: the loop raises TypeError, and pyparc must
		// not turn it into a whole-array store, which would drop the imaginary part.
		k = kComplex
	}
	return &Assign{Target: ref, Op: op, Value: g.expr(sc, k, 3, arr.Name)}
}

// nearOne is a factor close to 1, so that products over many iterations stay finite.
func (g *gen) nearOne(sc scope) Expr {
	return &Bin{Op: "+", X: &Num{"1.0"}, Y: &Bin{Op: "*", X: &Num{"0.01"}, Y: g.leaf(sc, kFloat, "")}}
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

// expr makes a value of kind k; kInt keeps it within int arithmetic (+, -, * and int
// operands). target is the array being written: a product of two of its elements could grow
// without bound along a recurrence, so products take a bounded factor then.
func (g *gen) expr(sc scope, k kind, depth int, target string) Expr {
	if depth == 0 || g.chance(30) {
		return g.leaf(sc, k, target)
	}
	if k == kComplex {
		return g.complexExpr(sc, depth, target)
	}
	if k == kFloat && g.cplx && g.chance(20) {
		return g.realOf(g.expr(sc, kComplex, depth-1, target))
	}
	switch x := g.intn(100); {
	case x < 55:
		op := g.pick([]string{"+", "+", "-", "*"})
		left := g.expr(sc, k, depth-1, target)
		var right Expr
		if op == "*" {
			right = g.factor(sc, k)
		} else {
			right = g.expr(sc, k, depth-1, target)
		}
		return &Bin{Op: op, X: left, Y: right}
	case x < 62:
		return &Unary{X: g.expr(sc, k, depth-1, target)}
	case x < 72:
		fn := g.pick([]string{"min", "max"})
		return &Call{Fn: fn, Args: []Expr{g.expr(sc, k, depth-1, target), g.expr(sc, k, depth-1, target)}}
	case x < 78:
		return &Call{Fn: "abs", Args: []Expr{g.expr(sc, k, depth-1, target)}}
	}
	if k == kInt {
		return g.leaf(sc, k, target)
	}
	arg := g.expr(sc, kFloat, depth-1, target)
	if g.chance(60) {
		return &Call{Fn: "np.sqrt", Args: []Expr{&Call{Fn: "np.abs", Args: []Expr{arg}}}}
	}
	return &Call{Fn: "math.exp", Args: []Expr{&Unary{X: &Call{Fn: "abs", Args: []Expr{arg}}}}}
}

// complexExpr makes a complex value: sums and products, negation, conjugates (np.conj, and
// the method on elements), and multiples of 1j. Min, max and math.* have no complex form; they stay out.
func (g *gen) complexExpr(sc scope, depth int, target string) Expr {
	switch x := g.intn(100); {
	case x < 50:
		op := g.pick([]string{"+", "+", "-", "*"})
		left := g.expr(sc, kComplex, depth-1, target)
		var right Expr
		switch {
		case op == "*":
			right = g.factor(sc, kComplex)
		case g.chance(30):
			right = g.expr(sc, kFloat, depth-1, target)
		default:
			right = g.expr(sc, kComplex, depth-1, target)
		}
		return &Bin{Op: op, X: left, Y: right}
	case x < 60:
		return &Unary{X: g.expr(sc, kComplex, depth-1, target)}
	case x < 75:
		return &Call{Fn: "np.conj", Args: []Expr{g.expr(sc, kComplex, depth-1, target)}}
	case x < 85:
		// The method only on an element: Python's own complex and float have no conj().
		var cands []*Array
		for _, a := range g.p.Arrays {
			if a.Complex() {
				cands = append(cands, a)
			}
		}
		if len(cands) > 0 {
			return &Call{Fn: ".conj", Args: []Expr{g.ref(sc, cands[g.intn(len(cands))], false)}}
		}
	}
	return &Bin{Op: "*", X: &Num{g.pick([]string{"1j", "-1j", "0.5j"})}, Y: g.expr(sc, kComplex, depth-1, target)}
}

// dotTerm makes x * conj(y) (or conj(x) * y) of two elements, neither of the array target
// being written (their products stay bounded): summed over a loop, a complex dot product or
// matrix product with a conjugated operand, which NumPy computes with vdot, @ or einsum.
func (g *gen) dotTerm(sc scope, target string) Expr {
	var cands []*Array
	for _, a := range g.p.Arrays {
		if !a.Int() && a.Name != target {
			cands = append(cands, a)
		}
	}
	if len(cands) == 0 {
		return g.expr(sc, kComplex, 2, target)
	}
	x := g.ref(sc, cands[g.intn(len(cands))], false)
	y := g.ref(sc, cands[g.intn(len(cands))], false)
	conj := &Call{Fn: "np.conj", Args: []Expr{y}}
	if g.chance(50) {
		return &Bin{Op: "*", X: conj, Y: x}
	}
	return &Bin{Op: "*", X: x, Y: conj}
}

// realOf makes a real value of a complex one: its modulus, real or imaginary part.
func (g *gen) realOf(e Expr) Expr {
	switch g.intn(4) {
	case 0:
		return &Call{Fn: "abs", Args: []Expr{e}}
	case 1:
		return &Call{Fn: "np.abs", Args: []Expr{e}}
	case 2:
		return &Attr{X: e, Name: "real"}
	}
	return &Attr{X: e, Name: "imag"}
}

// factor is a bounded multiplier: a constant, a float parameter, or an element of an array
// that is never written (its values stay as the driver made them). Complex factors have
// modulus one.
func (g *gen) factor(sc scope, k kind) Expr {
	if k == kInt {
		return &Num{g.pick([]string{"2", "3", "-1"})}
	}
	if k == kComplex && g.chance(50) {
		return &Num{g.pick([]string{"1j", "-1j", "(0.6+0.8j)", "(0.8-0.6j)"})}
	}
	if len(g.p.Floats) > 0 && g.chance(50) {
		return &Name{g.pick(g.p.Floats)}
	}
	if g.chance(40) {
		return &Call{Fn: "math.exp", Args: []Expr{&Unary{X: &Call{Fn: "abs", Args: []Expr{g.leaf(sc, kFloat, "")}}}}}
	}
	return &Num{g.pick([]string{"0.5", "1.5", "2.0", "-0.25"})}
}

// leaf makes an operand: an array element, a loop index, a temporary, a parameter or a
// constant. Writes to target are read back often, which makes loop-carried dependences.
// Complex elements in a real context come through realOf.
func (g *gen) leaf(sc scope, k kind, target string) Expr {
	isInt := k == kInt
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
			a := cands[g.intn(len(cands))]
			ref := g.ref(sc, a, false)
			switch {
			case a.Complex() && k != kComplex:
				return g.realOf(ref)
			case a.Complex() && g.chance(20):
				return &Call{Fn: "np.conj", Args: []Expr{ref}}
			}
			return ref
		}
	case x < 65:
		return &Name{sc.loops[g.intn(len(sc.loops))].Var}
	case x < 78:
		var names []string
		for n, tk := range sc.tmps {
			if fits(tk, k) {
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
	if k == kComplex && g.chance(40) {
		return &Num{g.pick([]string{"1j", "2j", "(1+2j)", "(0.5-1j)"})}
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
