package difffuzz

import (
	"fmt"
	"strings"
)

// Source renders the program as a Python script: the kernel, a function run(size, seed) that
// builds the inputs, calls the kernel and returns every array it saves, and a main that
// saves them to the .npz path on the command line. It fails when shrinking has left the
// program inconsistent (a symbol whose extent nothing gives, an argument of the wrong kind).
func (p *Program) Source() (string, error) {
	var b strings.Builder
	b.WriteString("import sys\nimport math\n\nimport numpy as np\n\n\n")
	if err := p.kernel(&b); err != nil {
		return "", err
	}
	b.WriteString("\n\n")
	if err := p.driver(&b); err != nil {
		return "", err
	}
	b.WriteString("\n\nif __name__ == \"__main__\":\n    np.savez(sys.argv[3], **run(int(sys.argv[1]), int(sys.argv[2])))\n")
	return b.String(), nil
}

func (p *Program) kernel(b *strings.Builder) error {
	var params []string
	for _, a := range p.Arrays {
		params = append(params, a.Name)
	}
	for _, s := range p.Syms {
		if s.Mode != ModeShape {
			params = append(params, s.Name)
		}
	}
	params = append(params, p.Floats...)
	fmt.Fprintf(b, "def kernel(%s):\n", strings.Join(params, ", "))
	for _, si := range p.Locals {
		src, err := p.shapeRef(si)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "    %s = %s\n", p.Syms[si].Name, src)
	}
	pr := printer{p: p, b: b}
	for _, s := range p.Body {
		pr.stmt(s, "    ")
	}
	if pr.err != nil {
		return pr.err
	}
	switch {
	case len(p.Return) > 0:
		fmt.Fprintf(b, "    return %s\n", strings.Join(p.Return, ", "))
	case len(p.Body) == 0 && len(p.Locals) == 0:
		b.WriteString("    pass\n")
	}
	return nil
}

// shapeRef is A.shape[d] for the first array with a dimension of symbol si.
func (p *Program) shapeRef(si int) (string, error) {
	for _, a := range p.Arrays {
		for d, s := range a.Dims {
			if s == si {
				return fmt.Sprintf("%s.shape[%d]", a.Name, d), nil
			}
		}
	}
	return "", fmt.Errorf("no array has a dimension of size %s", p.Syms[si].Name)
}

func (p *Program) isLocal(si int) bool {
	for _, l := range p.Locals {
		if l == si {
			return true
		}
	}
	return false
}

type printer struct {
	p   *Program
	b   *strings.Builder
	err error
}

func (pr *printer) stmt(s Stmt, indent string) {
	switch s := s.(type) {
	case *Loop:
		var lo, hi, step string
		if s.Step > 0 {
			lo, hi = pr.aff(s.Lo), pr.aff(s.Hi)
		} else {
			lo, hi = pr.aff(Aff{s.Hi.Var, s.Hi.Sym, s.Hi.Off - 1}), pr.aff(Aff{s.Lo.Var, s.Lo.Sym, s.Lo.Off - 1})
		}
		if s.Step != 1 {
			step = fmt.Sprintf(", %d", s.Step)
		}
		fmt.Fprintf(pr.b, "%sfor %s in range(%s, %s%s):\n", indent, s.Var, lo, hi, step)
		pr.body(s.Body, indent+"    ")
	case *If:
		fmt.Fprintf(pr.b, "%sif %s:\n", indent, pr.cond(s.Cond, false))
		pr.body(s.Then, indent+"    ")
		if len(s.Else) > 0 {
			fmt.Fprintf(pr.b, "%selse:\n", indent)
			pr.body(s.Else, indent+"    ")
		}
	case *RaiseIf:
		fmt.Fprintf(pr.b, "%sif %s %s %s:\n%s    raise %s(%q)\n", indent, pr.expr(s.X, true), s.Op, s.Limit, indent, s.Exc, s.Msg)
	case *Assign:
		t := pr.expr(s.Target, false)
		switch s.Op {
		case "=+":
			fmt.Fprintf(pr.b, "%s%s = %s + %s\n", indent, t, t, pr.expr(s.Value, true))
		default:
			fmt.Fprintf(pr.b, "%s%s %s %s\n", indent, t, s.Op, pr.expr(s.Value, false))
		}
	}
}

func (pr *printer) body(list []Stmt, indent string) {
	if len(list) == 0 {
		pr.b.WriteString(indent + "pass\n")
		return
	}
	for _, s := range list {
		pr.stmt(s, indent)
	}
}

// extent renders E(si) + off.
func (pr *printer) extent(si, off int) string {
	if si >= len(pr.p.Syms) {
		pr.err = fmt.Errorf("symbol %d out of range", si)
		return "0"
	}
	s := pr.p.Syms[si]
	base := s.Name
	switch {
	case s.Mode == ModePad:
		off += 4
	case s.Mode == ModeShape && !pr.p.isLocal(si):
		ref, err := pr.p.shapeRef(si)
		if err != nil {
			pr.err = err
		}
		base = ref
	}
	return plus(base, off)
}

func plus(base string, off int) string {
	switch {
	case off > 0:
		return fmt.Sprintf("%s + %d", base, off)
	case off < 0:
		return fmt.Sprintf("%s - %d", base, -off)
	}
	return base
}

func (pr *printer) aff(a Aff) string {
	switch {
	case a.Var != "":
		return plus(a.Var, a.Off)
	case a.Sym >= 0:
		return pr.extent(a.Sym, a.Off)
	}
	return fmt.Sprint(a.Off)
}

func (pr *printer) cond(c Cond, nested bool) string {
	switch c := c.(type) {
	case *Cmp:
		s := pr.aff(c.X)
		for i, op := range c.Ops {
			s += " " + op + " " + pr.aff(c.Ys[i])
		}
		return s
	case *BoolCond:
		s := pr.cond(c.X, true) + " " + c.Op + " " + pr.cond(c.Y, true)
		if nested {
			return "(" + s + ")"
		}
		return s
	case *NotCond:
		return "not (" + pr.cond(c.X, false) + ")"
	}
	return "True"
}

// expr renders e; paren asks for parentheses around anything but an atom.
func (pr *printer) expr(e Expr, paren bool) string {
	wrap := func(s string) string {
		if paren {
			return "(" + s + ")"
		}
		return s
	}
	switch e := e.(type) {
	case *Num:
		if strings.HasPrefix(e.Text, "-") {
			return wrap(e.Text)
		}
		return e.Text
	case *Name:
		return e.Id
	case *Ref:
		var idx []string
		for _, ix := range e.Idx {
			switch {
			case ix.Rev:
				idx = append(idx, pr.extent(ix.Sym, -1)+" - "+ix.Var)
			case ix.Var != "":
				idx = append(idx, plus(ix.Var, ix.Off))
			default:
				idx = append(idx, fmt.Sprint(ix.Off))
			}
		}
		return e.Array + "[" + strings.Join(idx, ", ") + "]"
	case *Bin:
		return wrap(pr.expr(e.X, true) + " " + e.Op + " " + pr.expr(e.Y, true))
	case *Unary:
		return wrap("-" + pr.expr(e.X, true))
	case *Call:
		if strings.HasPrefix(e.Fn, ".") {
			if len(e.Args) != 1 {
				pr.err = fmt.Errorf("method %s has %d receivers", e.Fn, len(e.Args))
				return "0"
			}
			return pr.expr(e.Args[0], true) + e.Fn + "()"
		}
		var args []string
		for _, a := range e.Args {
			args = append(args, pr.expr(a, false))
		}
		return e.Fn + "(" + strings.Join(args, ", ") + ")"
	case *Attr:
		if n, ok := e.X.(*Num); ok {
			return "(" + n.Text + ")." + e.Name // 2.real would not parse
		}
		return pr.expr(e.X, true) + "." + e.Name
	}
	pr.err = fmt.Errorf("unknown expression %T", e)
	return "0"
}

// driver writes run(size, seed).
func (p *Program) driver(b *strings.Builder) error {
	b.WriteString("def run(size, seed):\n    rng = np.random.default_rng(seed)\n")
	for _, s := range p.Syms {
		fmt.Fprintf(b, "    %s = size + %d\n", s.Name, s.Delta+4)
	}
	shape := func(a *Array, first string) string {
		var d []string
		for i, s := range a.Dims {
			if i == 0 && first != "" {
				d = append(d, first)
				continue
			}
			d = append(d, p.Syms[s].Name)
		}
		return "(" + strings.Join(d, ", ") + ",)"
	}
	init := func(a *Array, shp string) string {
		switch a.DType {
		case "int64":
			return fmt.Sprintf("rng.integers(-3, 4, size=%s)", shp)
		case "int16", "int32":
			// Elements large enough that sums and products wrap around.
			hi := map[string]int{"int16": 20000, "int32": 1500000000}[a.DType]
			return fmt.Sprintf("rng.integers(-%d, %d, size=%s).astype(np.%s)", hi, hi, shp, a.DType)
		case "float32":
			return fmt.Sprintf("(rng.random(%s) + 0.5).astype(np.float32)", shp)
		case "complex128":
			return fmt.Sprintf("rng.random(%s) + 0.5 + 1j * (rng.random(%s) - 0.5)", shp, shp)
		}
		return fmt.Sprintf("rng.random(%s) + 0.5", shp)
	}
	var saved []string
	for _, a := range p.Arrays {
		if len(a.Dims) == 0 {
			return fmt.Errorf("array %s has no dimension", a.Name)
		}
		fmt.Fprintf(b, "    %s = %s\n", a.Name, init(a, shape(a, "")))
		saved = append(saved, a.Name)
	}
	// Bases of views, made once per program so that every call sees the same memory.
	made := map[string]bool{}
	for _, c := range p.Calls {
		if len(c.Args) != len(p.Arrays) || len(c.Floats) != len(p.Floats) {
			return fmt.Errorf("a call passes %d arrays and %d floats", len(c.Args), len(c.Floats))
		}
		for i, arg := range c.Args {
			a := p.Arrays[i]
			var name, shp string
			switch arg.Kind {
			case ArgViewLo, ArgViewHi:
				owner := p.Arrays[arg.Of]
				name, shp = "V"+owner.Name, shape(owner, p.Syms[owner.Dims[0]].Name+" + 1")
			case ArgStrided:
				name, shp = "S"+a.Name, shape(a, "2 * "+p.Syms[a.Dims[0]].Name)
			default:
				continue
			}
			if !made[name] {
				made[name] = true
				fmt.Fprintf(b, "    %s = %s\n", name, init(a, shp))
				saved = append(saved, name)
			}
		}
	}
	b.WriteString("    out = {}\n")
	raises := p.mayRaise()
	for k, c := range p.Calls {
		var args []string
		for i, arg := range c.Args {
			a := p.Arrays[i]
			switch arg.Kind {
			case ArgOwn:
				args = append(args, a.Name)
			case ArgSame:
				if arg.Of >= len(p.Arrays) || !sameKind(p.Arrays[arg.Of], a) {
					return fmt.Errorf("argument %d cannot alias %d", i, arg.Of)
				}
				args = append(args, p.Arrays[arg.Of].Name)
			case ArgViewLo, ArgViewHi:
				if arg.Of >= len(p.Arrays) || !sameKind(p.Arrays[arg.Of], a) {
					return fmt.Errorf("argument %d cannot view %d", i, arg.Of)
				}
				sl := "[:-1]"
				if arg.Kind == ArgViewHi {
					sl = "[1:]"
				}
				args = append(args, "V"+p.Arrays[arg.Of].Name+sl)
			case ArgStrided:
				args = append(args, "S"+a.Name+"[::2]")
			}
		}
		for _, s := range p.Syms {
			switch s.Mode {
			case ModeParam:
				args = append(args, s.Name)
			case ModePad:
				args = append(args, s.Name+" - 4")
			}
		}
		args = append(args, c.Floats...)
		call := fmt.Sprintf("kernel(%s)", strings.Join(args, ", "))
		// A kernel that may raise on purpose runs under try: the exception's type is an
		// output like the arrays, and the arrays as the kernel left them are compared too.
		indent := "    "
		if raises {
			b.WriteString("    try:\n")
			indent = "        "
		}
		switch len(p.Return) {
		case 0:
			fmt.Fprintf(b, "%s%s\n", indent, call)
		case 1:
			fmt.Fprintf(b, "%sout[\"r%d\"] = np.asarray(%s)\n", indent, k, call)
		default:
			fmt.Fprintf(b, "%sr = %s\n", indent, call)
			for i := range p.Return {
				fmt.Fprintf(b, "%sout[\"r%d_%d\"] = np.asarray(r[%d])\n", indent, k, i, i)
			}
		}
		if raises {
			fmt.Fprintf(b, "    except (TypeError, ValueError, RuntimeError, UnboundLocalError) as e:\n        out[\"e%d\"] = np.asarray(type(e).__name__)\n", k)
		}
	}
	for _, n := range saved {
		fmt.Fprintf(b, "    out[%q] = %s\n", n, n)
	}
	b.WriteString("    return out\n")
	return nil
}

// sameKind reports arrays that can stand for each other: same dtype and dimensions.
func sameKind(a, b *Array) bool {
	if a.DType != b.DType || len(a.Dims) != len(b.Dims) {
		return false
	}
	for i := range a.Dims {
		if a.Dims[i] != b.Dims[i] {
			return false
		}
	}
	return true
}

// mayRaise reports a kernel that may raise on purpose: it has a check, complex values that a
// store into a real array refuses with TypeError, or a read of a temporary it may leave
// unbound.
func (p *Program) mayRaise() bool {
	if p.Unbound {
		return true
	}
	for _, a := range p.Arrays {
		if a.Complex() {
			return true
		}
	}
	found := false
	var walk func(list []Stmt)
	walk = func(list []Stmt) {
		for _, s := range list {
			switch s := s.(type) {
			case *RaiseIf:
				found = true
			case *Loop:
				walk(s.Body)
			case *If:
				walk(s.Then)
				walk(s.Else)
			}
		}
	}
	walk(p.Body)
	return found
}
