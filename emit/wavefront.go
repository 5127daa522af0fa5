package emit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
)

// WavefrontTiles gives the tile sizes of the outer dimensions of a wavefront's band of depth
// dimensions (the innermost is not tiled), or of both dimensions of a band of two. A tile must
// hold enough work to pay for its share of a parallel region (microseconds), and its footprint
// should stay in the core's cache. Not tuned yet: the tuner does not search tile sizes.
func WavefrontTiles(depth int) []int64 {
	if depth == 2 {
		// 32 steps by 256 points: on 16 cores jacobi-1d's best of six shapes from 16 x 128
		// to 128 x 512 where the tiles won (1000 steps over 4000 points: 0.81 ms, against
		// 0.90-1.75 for the others); the footprint, two arrays of 320 points, stays in L1.
		return []int64{32, 256}
	}
	out := make([]int64, depth-1)
	for i := range out {
		out[i] = 32
	}
	if len(out) > 0 {
		out[0] = 8 // the time loop, in stencils: 8 steps of a tile stay in cache
	}
	return out
}

// wavefrontPrinter prints a wavefront schedule's loops as Python: the loops isl generated,
// with the tiles of one wavefront as prange loops, and at each statement instance the
// assignment of the statement's own iterators before its original text.
type wavefrontPrinter struct {
	w       *polyopt.Wavefront
	s       *polyopt.SCoP
	src     []byte
	b       strings.Builder
	names   map[string]bool // variables the printed code reads, besides its own iterators
	pranges int
	loopsOf map[string]int // per statement, the AST loops whose body is that statement alone
}

var leadingName = regexp.MustCompile(`^[A-Za-z_][A-Za-z_0-9]*`)

// wavefrontLoops returns the Python replacing the nest of w, at indent, and the variables the
// text reads (for the helper's arguments).
func wavefrontLoops(w *polyopt.Wavefront, s *polyopt.SCoP, src []byte, indent string) (string, map[string]bool, int, error) {
	p := &wavefrontPrinter{w: w, s: s, src: src, names: map[string]bool{}, loopsOf: map[string]int{}}
	countLoops(w.AST, p.loopsOf)
	if err := p.node(w.AST, indent); err != nil {
		return "", nil, 0, err
	}
	return strings.TrimRight(p.b.String(), "\n"), p.names, p.pranges, nil
}

func (p *wavefrontPrinter) node(n isl.Node, indent string) error {
	switch n := n.(type) {
	case *isl.Block:
		for _, c := range n.Children {
			if err := p.node(c, indent); err != nil {
				return err
			}
		}
	case *isl.Mark:
		return p.node(n.Node, indent)
	case *isl.If:
		cond, err := p.expr(n.Cond)
		if err != nil {
			return err
		}
		fmt.Fprintf(&p.b, "%sif %s:\n", indent, cond)
		if err := p.node(n.Then, indent+"    "); err != nil {
			return err
		}
		if n.Else != nil {
			fmt.Fprintf(&p.b, "%selse:\n", indent)
			return p.node(n.Else, indent+"    ")
		}
	case *isl.For:
		init, err := p.expr(n.Init)
		if err != nil {
			return err
		}
		if n.Degenerate {
			fmt.Fprintf(&p.b, "%s%s = %s\n", indent, n.Iterator, init)
			return p.node(n.Body, indent)
		}
		c, ok := n.Cond.(*isl.Op)
		if !ok || len(c.Args) != 2 || (c.Kind != isl.OpLe && c.Kind != isl.OpLt) {
			return fmt.Errorf("loop condition %s is not an upper bound", isl.FormatExpr(n.Cond))
		}
		if id, ok := c.Args[0].(*isl.Id); !ok || id.Name != n.Iterator {
			return fmt.Errorf("loop condition %s does not bound %s", isl.FormatExpr(n.Cond), n.Iterator)
		}
		hi, err := p.expr(c.Args[1])
		if err != nil {
			return err
		}
		if c.Kind == isl.OpLe {
			hi += " + 1"
		}
		inc, ok := n.Inc.(*isl.Int)
		if !ok || inc.Value < 1 {
			return fmt.Errorf("loop step %s", isl.FormatExpr(n.Inc))
		}
		rng := "range"
		if n.Iterator == p.w.Parallel && inc.Value == 1 {
			rng = "_rt.prange"
			p.pranges++
		}
		if u, ok := n.Body.(*isl.User); ok && inc.Value == 1 && rng == "range" {
			// The innermost loop of one statement runs over the statement's own iterator
			// (j rather than _c6 with j = _c6 - 2 * _c3): its subscripts are then the
			// loop variable plus constants, as in the original, which LLVM vectorizes.
			if k, shift, ok := p.ownIterator(u, n.Iterator); ok {
				return p.ownLoop(u, n.Iterator, k, init+" + "+shift, hi+" + "+shift, indent)
			}
		}
		if inc.Value == 1 {
			fmt.Fprintf(&p.b, "%sfor %s in %s(%s, %s):\n", indent, n.Iterator, rng, init, hi)
		} else {
			fmt.Fprintf(&p.b, "%sfor %s in %s(%s, %s, %d):\n", indent, n.Iterator, rng, init, hi, inc.Value)
		}
		return p.node(n.Body, indent+"    ")
	case *isl.User:
		return p.user(n, indent)
	default:
		return fmt.Errorf("AST node %T", n)
	}
	return nil
}

// ownLoop prints the innermost loop of one statement over the statement's own iterator k,
// from lo to hi: the other iterators first, then the loop.
func (p *wavefrontPrinter) ownLoop(u *isl.User, iter string, k int, lo, hi, indent string) error {
	call := u.Expr.(*isl.Op)
	st := p.s.StmtByName(call.Args[0].(*isl.Id).Name)
	if err := p.assignIters(st, call, iter, indent); err != nil {
		return err
	}
	if l := st.Loops[k]; !p.w.InnerTiled && k == len(st.Iters)-1 && p.loopsOf[st.Name] == 1 && directlyIn(l.Node, st.Node) {
		// The statement's only loop at this depth, over its innermost iterator, which its
		// band dimension (untiled) has with coefficient 1: for given values of the outer
		// iterators, it runs over every value the statement's domain has, that is, the
		// original loop's whole range. The original header says so in a form LLVM
		// understands (a computed lower bound hides that the subscripts are never
		// negative, and the loop then does not vectorize).
		fmt.Fprintf(&p.b, "%sfor %s in %s:\n", indent, st.Iters[k], p.text(l.Node.Iter))
		return p.stmtText(st, indent+"    ")
	}
	fmt.Fprintf(&p.b, "%sfor %s in range(%s, %s):\n", indent, st.Iters[k], lo, hi)
	if l := st.Loops[k]; l.Step > 0 && l.Lo.IsConst() {
		// The loop runs over statement instances only, so the index never goes below the
		// original loop's start; said to LLVM, which cannot see it in the computed bound,
		// it drops the wrap-around of subscripts like A[i - 1] and vectorizes the loop.
		fmt.Fprintf(&p.b, "%s    _rt.at_least(%s, %d)\n", indent, st.Iters[k], l.Lo.Const)
	}
	return p.stmtText(st, indent+"    ")
}

// user prints one statement instance: its iterators' values, then its text.
func (p *wavefrontPrinter) user(n *isl.User, indent string) error {
	call, ok := n.Expr.(*isl.Op)
	if !ok || call.Kind != isl.OpCall || len(call.Args) == 0 {
		return fmt.Errorf("statement %s", isl.FormatExpr(n.Expr))
	}
	name, ok := call.Args[0].(*isl.Id)
	if !ok {
		return fmt.Errorf("statement %s", isl.FormatExpr(n.Expr))
	}
	st := p.s.StmtByName(name.Name)
	if st == nil || len(call.Args)-1 != len(st.Iters) {
		return fmt.Errorf("statement %s", isl.FormatExpr(n.Expr))
	}
	if err := p.assignIters(st, call, "", indent); err != nil {
		return err
	}
	return p.stmtText(st, indent)
}

// assignIters prints the assignments of the statement's iterators from the call's arguments,
// except the argument that uses the loop iterator skip.
func (p *wavefrontPrinter) assignIters(st *polyopt.Stmt, call *isl.Op, skip, indent string) error {
	for k, it := range st.Iters {
		if skip != "" && mentionsID(call.Args[k+1], skip) {
			continue // the loop runs over it
		}
		v, err := p.expr(call.Args[k+1])
		if err != nil {
			return err
		}
		fmt.Fprintf(&p.b, "%s%s = %s\n", indent, it, v)
	}
	return nil
}

// stmtText prints the statement's source text at indent.
func (p *wavefrontPrinter) stmtText(st *polyopt.Stmt, indent string) error {
	from := lineStart(p.src, int(st.Node.Pos()))
	if strings.TrimSpace(string(p.src[from:int(st.Node.Pos())])) != "" {
		return fmt.Errorf("statement %s shares its line", st.Name)
	}
	to := lineEnd(p.src, int(st.Node.End()))
	own := string(p.src[from:int(st.Node.Pos())])
	p.b.WriteString(reindent(string(p.src[from:to]), own, indent))
	p.b.WriteString("\n")
	return nil
}

// expr prints an AST expression in Python, every compound term in parentheses. isl's
// divisions are floor divisions (or exact), which // computes for any sign.
func (p *wavefrontPrinter) expr(e isl.Expr) (string, error) {
	switch e := e.(type) {
	case *isl.Int:
		return strconv.FormatInt(e.Value, 10), nil
	case *isl.Id:
		if strings.HasPrefix(e.Name, "_c") {
			return e.Name, nil
		}
		src, ok := p.s.ParamSource[e.Name]
		if !ok {
			return "", fmt.Errorf("unknown name %s in the schedule's loops", e.Name)
		}
		if m := leadingName.FindString(src); m != "" {
			p.names[m] = true
		}
		return src, nil
	case *isl.Op:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			s, err := p.expr(a)
			if err != nil {
				return "", err
			}
			args[i] = s
		}
		infix := map[isl.OpKind]string{isl.OpAdd: "+", isl.OpSub: "-", isl.OpMul: "*",
			isl.OpDiv: "//", isl.OpFdivQ: "//", isl.OpPdivQ: "//", isl.OpPdivR: "%", isl.OpZdivR: "%",
			isl.OpEq: "==", isl.OpLe: "<=", isl.OpLt: "<", isl.OpGe: ">=", isl.OpGt: ">",
			isl.OpAnd: "and", isl.OpAndThen: "and", isl.OpOr: "or", isl.OpOrElse: "or"}
		switch {
		case infix[e.Kind] != "" && len(args) == 2:
			return "(" + args[0] + " " + infix[e.Kind] + " " + args[1] + ")", nil
		case e.Kind == isl.OpMinus && len(args) == 1:
			return "(-" + args[0] + ")", nil
		case (e.Kind == isl.OpMin || e.Kind == isl.OpMax) && len(args) >= 1:
			if len(args) == 1 {
				return args[0], nil
			}
			fn := "min"
			if e.Kind == isl.OpMax {
				fn = "max"
			}
			return fn + "(" + strings.Join(args, ", ") + ")", nil
		case (e.Kind == isl.OpCond || e.Kind == isl.OpSelect) && len(args) == 3:
			return "(" + args[1] + " if " + args[0] + " else " + args[2] + ")", nil
		}
		return "", fmt.Errorf("operator %s in the schedule's loops", e.Kind)
	}
	return "", fmt.Errorf("expression %T in the schedule's loops", e)
}

// ownIterator finds the statement iterator that is loop iterator it plus an expression free
// of it, where it appears in no other argument, and returns the iterator's position and that
// expression (in Python).
func (p *wavefrontPrinter) ownIterator(u *isl.User, it string) (int, string, bool) {
	call, ok := u.Expr.(*isl.Op)
	if !ok || call.Kind != isl.OpCall || len(call.Args) == 0 {
		return 0, "", false
	}
	name, ok := call.Args[0].(*isl.Id)
	if !ok {
		return 0, "", false
	}
	st := p.s.StmtByName(name.Name)
	if st == nil || len(call.Args)-1 != len(st.Iters) {
		return 0, "", false
	}
	found, shift := -1, ""
	for k, arg := range call.Args[1:] {
		if !mentionsID(arg, it) {
			continue
		}
		coef, rest, ok := linearIn(arg, it)
		if !ok || coef != 1 || found >= 0 {
			return 0, "", false
		}
		text := "0"
		if rest != nil {
			var err error
			if text, err = p.expr(rest); err != nil {
				return 0, "", false
			}
		}
		found, shift = k, text
	}
	return found, shift, found >= 0
}

// linearIn splits e into coef * it + rest, with rest free of it (nil for zero), when e is a
// sum of such terms.
func linearIn(e isl.Expr, it string) (int64, isl.Expr, bool) {
	if !mentionsID(e, it) {
		return 0, e, true
	}
	switch e := e.(type) {
	case *isl.Id:
		return 1, nil, true
	case *isl.Op:
		switch {
		case (e.Kind == isl.OpAdd || e.Kind == isl.OpSub) && len(e.Args) == 2:
			c0, r0, ok0 := linearIn(e.Args[0], it)
			c1, r1, ok1 := linearIn(e.Args[1], it)
			if !ok0 || !ok1 {
				return 0, nil, false
			}
			if e.Kind == isl.OpSub {
				c1 = -c1
				if r1 != nil {
					r1 = &isl.Op{Kind: isl.OpMinus, Args: []isl.Expr{r1}}
				}
			}
			switch {
			case r0 == nil:
				return c0 + c1, r1, true
			case r1 == nil:
				return c0 + c1, r0, true
			}
			return c0 + c1, &isl.Op{Kind: isl.OpAdd, Args: []isl.Expr{r0, r1}}, true
		case e.Kind == isl.OpMul && len(e.Args) == 2:
			if k, ok := e.Args[0].(*isl.Int); ok {
				c, r, ok := linearIn(e.Args[1], it)
				if ok && r == nil {
					return k.Value * c, nil, true
				}
			}
		}
	}
	return 0, nil, false
}

// mentionsID reports whether e uses the identifier name.
func mentionsID(e isl.Expr, name string) bool {
	switch e := e.(type) {
	case *isl.Id:
		return e.Name == name
	case *isl.Op:
		for _, a := range e.Args {
			if mentionsID(a, name) {
				return true
			}
		}
	}
	return false
}

// countLoops counts, per statement, the loops whose body is that statement alone.
func countLoops(n isl.Node, count map[string]int) {
	switch n := n.(type) {
	case *isl.Block:
		for _, c := range n.Children {
			countLoops(c, count)
		}
	case *isl.Mark:
		countLoops(n.Node, count)
	case *isl.If:
		countLoops(n.Then, count)
		if n.Else != nil {
			countLoops(n.Else, count)
		}
	case *isl.For:
		if u, ok := n.Body.(*isl.User); ok {
			if call, ok := u.Expr.(*isl.Op); ok && call.Kind == isl.OpCall && len(call.Args) > 0 {
				if id, ok := call.Args[0].(*isl.Id); ok {
					count[id.Name]++
				}
			}
		}
		countLoops(n.Body, count)
	}
}

// directlyIn reports whether st is a statement of f's own body, not under an if.
func directlyIn(f *pyast.For, st pyast.Stmt) bool {
	for _, b := range f.Body {
		if b == st {
			return true
		}
	}
	return false
}

func (p *wavefrontPrinter) text(e pyast.Expr) string {
	return string(p.src[int(e.Pos()):int(e.End())])
}
