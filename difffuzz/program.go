// Package difffuzz is pyparc's differential fuzzer. It generates random, valid Python programs
// in the space the optimizer claims to handle (affine loop nests over NumPy arrays, with
// guards, recurrences, reductions, temporaries and aliased call sites), profiles each one at
// one size, emits its multi-versioned form, and runs the original and the emitted program on
// the same inputs at two other sizes: every saved array must agree. A failing program is
// shrunk to a small reproducer kept under testdata/regress, which a regression test replays.
//
// The generator works on a small syntax tree of its own (this file), not on pyast: shrinking
// needs to drop and simplify pieces while keeping every subscript in bounds, which is easy to
// reason about on a tree that records why each index is safe.
//
// Every program keeps one invariant: an array dimension tied to size symbol S has extent E(S),
// every loop over S visits only values in [2, E(S)-2), and every subscript of such a dimension
// is v+k with |k| <= 2, E(S)-1-v, or a constant below 4 (extents are at least 4). So the
// original program never indexes out of bounds, whatever size the driver uses.
package difffuzz

// Program is one generated test program: a kernel and the driver that calls it.
type Program struct {
	Syms   []*Sym        // size symbols, in order
	Arrays []*Array      // the kernel's array parameters, in order
	Floats []string      // the kernel's float parameters, after the int ones
	Locals []int         // symbols bound to a local "n = A.shape[d]" at the top of the kernel
	Body   []Stmt        // the kernel's body, before the return
	Return []string      // scalar names returned (empty: no return statement)
	Calls  []*Invocation // the driver's calls of the kernel, in order
	// Unbound: a statement may read a temporary that a branch or a loop left unbound, which
	// raises UnboundLocalError on some calls (the driver keeps it as an output).
	Unbound bool
}

// Sym is one size symbol: a family of array dimensions with the same extent.
type Sym struct {
	Name  string // "n": the driver's variable, and the kernel's int parameter if it has one
	Delta int    // the extent is size + Delta + 4 in the driver
	Mode  SymMode
}

// SymMode says how the kernel learns a symbol's extent.
type SymMode int

const (
	// ModeParam passes the extent as an int parameter: the profile ties it to a shape.
	ModeParam SymMode = iota
	// ModeShape reads it from an array: A.shape[d], inline or through a local.
	ModeShape
	// ModePad passes the extent minus 4: no relation ties it to the arrays, so pyparc cannot
	// prove the accesses in bounds and must leave the kernel alone.
	ModePad
)

// Array is one array parameter of the kernel.
type Array struct {
	Name  string
	DType string // "float64", "float32", "int64", "int32", "int16" or "complex128"
	Dims  []int  // the symbol of each dimension
}

// Int reports an integer array.
func (a *Array) Int() bool { return a.DType == "int64" || a.DType == "int32" || a.DType == "int16" }

// Complex reports a complex array.
func (a *Array) Complex() bool { return a.DType == "complex128" }

// Stmt is a statement of the kernel: *Loop, *If, *Assign or *RaiseIf.
type Stmt interface{ stmt() }

// Loop is "for Var in range(...)" visiting the values of [Lo, Hi) with Step (negative steps
// start at the top).
type Loop struct {
	Var    string
	Sym    int
	Lo, Hi Aff
	Step   int
	Body   []Stmt
}

// If is an affine guard.
type If struct {
	Cond       Cond
	Then, Else []Stmt
}

// Assign is "Target Op Value"; Op is "=", "+=", "-=", "*=", or "=+" for the spelled-out
// update "Target = Target + Value".
type Assign struct {
	Target Expr // *Ref or *Name
	Op     string
	Value  Expr
}

// RaiseIf is "if X Op Limit: raise Exc(Msg)": a test of computed data that stops the kernel, the
// way numerical code refuses a bad value. X is real.
type RaiseIf struct {
	X     Expr
	Op    string // "<" or ">"
	Limit string // a float literal
	Exc   string // "ValueError" or "RuntimeError"
	Msg   string
}

func (*Loop) stmt()    {}
func (*If) stmt()      {}
func (*Assign) stmt()  {}
func (*RaiseIf) stmt() {}

// Aff is an affine value Var + Off, Extent(Sym) + Off (Var empty, Sym >= 0), or the constant
// Off (Var empty, Sym < 0).
type Aff struct {
	Var string
	Sym int
	Off int
}

// Cond is an affine condition: *Cmp, *BoolCond or *NotCond.
type Cond interface{ cond() }

// Cmp compares affine values: X Ops[0] Ys[0] Ops[1] Ys[1] ... (chained like Python).
type Cmp struct {
	X   Aff
	Ops []string
	Ys  []Aff
}

// BoolCond is X and Y, or X or Y.
type BoolCond struct {
	Op   string
	X, Y Cond
}

// NotCond is not X.
type NotCond struct{ X Cond }

func (*Cmp) cond()      {}
func (*BoolCond) cond() {}
func (*NotCond) cond()  {}

// Expr is a value: *Num, *Name, *Ref, *Bin, *Unary, *Call or *Attr.
type Expr interface{ expr() }

// Num is a literal, written as Text.
type Num struct{ Text string }

// Name is a scalar: a loop index, a temporary, a reduction variable or a float parameter.
type Name struct{ Id string }

// Ref is an array element.
type Ref struct {
	Array string
	Idx   []Idx
}

// Idx is one subscript: Var+Off, E(Sym)-1-Var when Rev, or the constant Off when Var is empty.
type Idx struct {
	Var string
	Off int
	Rev bool
	Sym int // the dimension's symbol, for Rev
}

// Bin is X Op Y with Op one of + - *.
type Bin struct {
	Op   string
	X, Y Expr
}

// Unary is -X.
type Unary struct{ X Expr }

// Call is Fn(Args...): np.sqrt, np.abs, np.conj, math.exp, abs, min, max; or, when Fn starts
// with a dot, the method call Args[0].Fn() (".conj").
type Call struct {
	Fn   string
	Args []Expr
}

// Attr is X.Name: the .real or .imag part of a complex value.
type Attr struct {
	X    Expr
	Name string
}

func (*Num) expr()   {}
func (*Name) expr()  {}
func (*Ref) expr()   {}
func (*Bin) expr()   {}
func (*Unary) expr() {}
func (*Call) expr()  {}
func (*Attr) expr()  {}

// Invocation is one call of the kernel by the driver: what each parameter receives.
type Invocation struct {
	Args   []Arg    // one per array parameter
	Floats []string // the float arguments, as Python literals
}

// Arg is what the driver passes for one array parameter.
type Arg struct {
	Kind ArgKind
	Of   int // for Same: the parameter whose array is passed again
}

// ArgKind is how an argument array is made.
type ArgKind int

const (
	ArgOwn     ArgKind = iota // the parameter's own array
	ArgSame                   // the array of parameter Of, passed twice
	ArgViewLo                 // W[:-1] of a base one longer in dimension 0
	ArgViewHi                 // W[1:] of that same base: overlaps ArgViewLo
	ArgStrided                // W[::2] of a base twice as long in dimension 0
)

// clone returns a deep copy, which shrinking edits freely.
func (p *Program) clone() *Program {
	q := &Program{Floats: append([]string(nil), p.Floats...), Locals: append([]int(nil), p.Locals...),
		Return: append([]string(nil), p.Return...)}
	for _, s := range p.Syms {
		c := *s
		q.Syms = append(q.Syms, &c)
	}
	for _, a := range p.Arrays {
		c := *a
		c.Dims = append([]int(nil), a.Dims...)
		q.Arrays = append(q.Arrays, &c)
	}
	for _, s := range p.Body {
		q.Body = append(q.Body, cloneStmt(s))
	}
	for _, c := range p.Calls {
		q.Calls = append(q.Calls, &Invocation{Args: append([]Arg(nil), c.Args...), Floats: append([]string(nil), c.Floats...)})
	}
	return q
}

func cloneStmts(list []Stmt) []Stmt {
	var out []Stmt
	for _, s := range list {
		out = append(out, cloneStmt(s))
	}
	return out
}

func cloneStmt(s Stmt) Stmt {
	switch s := s.(type) {
	case *Loop:
		c := *s
		c.Body = cloneStmts(s.Body)
		return &c
	case *If:
		return &If{Cond: cloneCond(s.Cond), Then: cloneStmts(s.Then), Else: cloneStmts(s.Else)}
	case *Assign:
		return &Assign{Target: cloneExpr(s.Target), Op: s.Op, Value: cloneExpr(s.Value)}
	case *RaiseIf:
		c := *s
		c.X = cloneExpr(s.X)
		return &c
	}
	return s
}

func cloneCond(c Cond) Cond {
	switch c := c.(type) {
	case *Cmp:
		return &Cmp{X: c.X, Ops: append([]string(nil), c.Ops...), Ys: append([]Aff(nil), c.Ys...)}
	case *BoolCond:
		return &BoolCond{Op: c.Op, X: cloneCond(c.X), Y: cloneCond(c.Y)}
	case *NotCond:
		return &NotCond{X: cloneCond(c.X)}
	}
	return c
}

func cloneExpr(x Expr) Expr {
	switch x := x.(type) {
	case *Num:
		c := *x
		return &c
	case *Name:
		c := *x
		return &c
	case *Ref:
		return &Ref{Array: x.Array, Idx: append([]Idx(nil), x.Idx...)}
	case *Bin:
		return &Bin{Op: x.Op, X: cloneExpr(x.X), Y: cloneExpr(x.Y)}
	case *Unary:
		return &Unary{X: cloneExpr(x.X)}
	case *Call:
		c := &Call{Fn: x.Fn}
		for _, a := range x.Args {
			c.Args = append(c.Args, cloneExpr(a))
		}
		return c
	case *Attr:
		return &Attr{X: cloneExpr(x.X), Name: x.Name}
	}
	return x
}
