package emit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
)

// WavefrontTiles gives the tile sizes of a wavefront's band, by nest depth. A tile must hold
// enough work to pay for its share of a parallel region (microseconds), and its footprint
// should stay in the core's cache. Measured on seidel-2d at MEDIUM (2 cores): 8 x 32 x 32
// tiles of (t, t + i, 2t + i + j) ran in 85 ms, 16 x 32 x 64 in 103 ms, 32 x 32 x 64 in
// 102 ms, 16 x 64 x 64 in 106 ms; the sequential nest takes 137 ms. The other depths are
// not measured yet; the tuner does not search tile sizes.
func WavefrontTiles(depth int) []int64 {
	switch depth {
	case 2:
		return []int64{32, 32}
	case 3:
		return []int64{8, 32, 32}
	}
	out := make([]int64, depth)
	for i := range out {
		out[i] = 16
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
}

var leadingName = regexp.MustCompile(`^[A-Za-z_][A-Za-z_0-9]*`)

// wavefrontLoops returns the Python replacing the nest of w, at indent, and the variables the
// text reads (for the helper's arguments).
func wavefrontLoops(w *polyopt.Wavefront, s *polyopt.SCoP, src []byte, indent string) (string, map[string]bool, int, error) {
	p := &wavefrontPrinter{w: w, s: s, src: src, names: map[string]bool{}}
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
	for k, it := range st.Iters {
		v, err := p.expr(call.Args[k+1])
		if err != nil {
			return err
		}
		fmt.Fprintf(&p.b, "%s%s = %s\n", indent, it, v)
	}
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
