package pyast

// Node is any node of the syntax tree. Pos and End give the node's source
// span [Pos, End) as byte offsets into File.Src; they mean something only
// for nodes the parser produced (see File.Original). Nodes built in Go have
// a zero span.
type Node interface {
	Pos() Pos
	End() Pos
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Span is the half-open byte range [Start, Stop) a parsed node covers.
// It is embedded in every node type.
type Span struct {
	Start, Stop Pos
}

// Pos returns the offset of the node's first byte.
func (s Span) Pos() Pos { return s.Start }

// End returns the offset just past the node's last byte.
func (s Span) End() Pos { return s.Stop }

// Module is a whole source file.
type Module struct {
	Span
	Body []Stmt
}

// ---- Statements ----

// Import is "import a.b as c, d".
type Import struct {
	Span
	Names []*Alias
}

// ImportFrom is "from ..a.b import c as d, e" or "from a import *".
type ImportFrom struct {
	Span
	Level  int      // number of leading dots of a relative import
	Module string   // dotted module name after the dots; may be empty when Level > 0
	Names  []*Alias // a single Alias named "*" for a wildcard import
}

// Alias is one imported name: Name, or Name as AsName.
type Alias struct {
	Span
	Name   string // dotted name
	AsName string // empty without "as"
}

// FunctionDef is a function definition, with its decorators.
type FunctionDef struct {
	Span
	Decorators []Expr
	Async      bool
	Name       string
	Params     []*Param
	Returns    Expr // return annotation, or nil
	Body       []Stmt
}

// ParamKind tells what a Param is in a parameter list.
type ParamKind int

const (
	ParamNormal  ParamKind = iota // name, name=default
	ParamVarArgs                  // *name
	ParamKwArgs                   // **name
	ParamKwOnly                   // bare "*": the parameters after it are keyword-only
	ParamPosOnly                  // "/": the parameters before it are positional-only
)

// Param is one entry of a function's parameter list, markers included so
// that the list prints back in its order.
type Param struct {
	Span
	Kind       ParamKind
	Name       string // empty for ParamKwOnly and ParamPosOnly
	Annotation Expr   // or nil
	Default    Expr   // or nil
}

// ClassDef is a class definition, with its decorators.
type ClassDef struct {
	Span
	Decorators []Expr
	Name       string
	Args       []Expr // bases and keywords (*Keyword), in source order
	Body       []Stmt
}

// Return is "return" or "return Value".
type Return struct {
	Span
	Value Expr // or nil
}

// Assign is "t1 = t2 = ... = Value"; chained targets are in source order.
type Assign struct {
	Span
	Targets []Expr
	Value   Expr
}

// AugAssign is "Target op= Value".
type AugAssign struct {
	Span
	Target Expr
	Op     BinaryOp
	Value  Expr
}

// AnnAssign is "Target: Annotation" or "Target: Annotation = Value".
type AnnAssign struct {
	Span
	Target     Expr
	Annotation Expr
	Value      Expr // or nil
}

// For is a for loop.
type For struct {
	Span
	Async  bool
	Target Expr
	Iter   Expr
	Body   []Stmt
	Else   []Stmt // or nil
}

// While is a while loop.
type While struct {
	Span
	Cond Expr
	Body []Stmt
	Else []Stmt // or nil
}

// If is an if statement. An elif clause is an If with Elif set, alone in the
// Else list of the If before it, as in Python's own ast plus the flag that
// lets it print back as "elif".
type If struct {
	Span
	Elif bool
	Cond Expr
	Body []Stmt
	Else []Stmt // or nil
}

// ExprStmt is an expression used as a statement, such as a call.
type ExprStmt struct {
	Span
	X Expr
}

// Pass is "pass".
type Pass struct{ Span }

// Break is "break".
type Break struct{ Span }

// Continue is "continue".
type Continue struct{ Span }

// Delete is "del t1, t2".
type Delete struct {
	Span
	Targets []Expr
}

// Global is "global a, b".
type Global struct {
	Span
	Names []string
}

// Nonlocal is "nonlocal a, b".
type Nonlocal struct {
	Span
	Names []string
}

// Assert is "assert Test" or "assert Test, Msg".
type Assert struct {
	Span
	Test Expr
	Msg  Expr // or nil
}

// Raise is "raise", "raise Exc" or "raise Exc from Cause".
type Raise struct {
	Span
	Exc   Expr // or nil
	Cause Expr // or nil
}

// OpaqueStmt is a statement the tree does not model (with, try, match,
// type alias, ...). It keeps its source text so it prints back unchanged.
// Code generators may also build one from text.
type OpaqueStmt struct {
	Span
	Kind string // the tree-sitter node kind, such as "with_statement"
	Text string // source text, from its first byte to its last
	// Indent is the indentation of the line Text starts on. The printer
	// replaces it by the current indentation on every later line of Text,
	// except the lines listed in Verbatim.
	Indent string
	// Verbatim holds the offsets in Text of line starts that lie inside a
	// string literal, whose content must not be re-indented.
	Verbatim []int
}

// ---- Expressions ----

// Name is an identifier.
type Name struct {
	Span
	Id string
}

// Num is an integer, float or imaginary literal, kept as written.
type Num struct {
	Span
	Raw string // such as "1_000", "0x1f", "1e-3", "2j"
}

// Str is a string literal, or several adjacent ones (implicit
// concatenation). Each part is kept as written, with prefix and quotes, so
// f-strings and bytes print back unchanged.
type Str struct {
	Span
	Parts []string
}

// ConstKind tells which keyword constant a Constant is.
type ConstKind int

const (
	ConstNone ConstKind = iota
	ConstTrue
	ConstFalse
	ConstEllipsis
)

// Constant is None, True, False or "...".
type Constant struct {
	Span
	Kind ConstKind
}

// Attribute is "X.Attr".
type Attribute struct {
	Span
	X    Expr
	Attr string
}

// Subscript is "X[Index]". Several indices, as in A[i, j], are a Tuple
// without parentheses; slices are Slice nodes.
type Subscript struct {
	Span
	X     Expr
	Index Expr
}

// Slice is "Lo:Hi:Step" inside a subscript; each part may be nil.
type Slice struct {
	Span
	Lo, Hi, Step Expr
}

// Call is "Func(Args)". Args holds positional arguments, *Starred for *a,
// *Keyword for name=value and *DoubleStarred for **k, in source order.
type Call struct {
	Span
	Func Expr
	Args []Expr
}

// Keyword is a "Name=Value" argument of a call or class definition.
type Keyword struct {
	Span
	Name  string
	Value Expr
}

// Starred is "*X" in a call, a display or an assignment target.
type Starred struct {
	Span
	X Expr
}

// DoubleStarred is "**X" in a call.
type DoubleStarred struct {
	Span
	X Expr
}

// BinOp is "X Op Y".
type BinOp struct {
	Span
	X  Expr
	Op BinaryOp
	Y  Expr
}

// UnaryOp is "Op X": -x, +x, ~x or not x.
type UnaryOp struct {
	Span
	Op UnaryOperator
	X  Expr
}

// BoolOp is "X and Y" or "X or Y".
type BoolOp struct {
	Span
	X  Expr
	Op BoolOperator
	Y  Expr
}

// Compare is a possibly chained comparison "X Ops[0] Ys[0] Ops[1] Ys[1] ...".
type Compare struct {
	Span
	X   Expr
	Ops []CmpOp
	Ys  []Expr
}

// IfExp is the conditional expression "Body if Cond else Else".
type IfExp struct {
	Span
	Body, Cond, Else Expr
}

// NamedExpr is the assignment expression "Target := Value".
type NamedExpr struct {
	Span
	Target Expr // a *Name
	Value  Expr
}

// Tuple is a tuple display or target list. Paren records whether the
// source wrote it in parentheses; the printer adds them where needed.
type Tuple struct {
	Span
	Elts  []Expr
	Paren bool
}

// List is "[Elts]".
type List struct {
	Span
	Elts []Expr
}

// Set is "{Elts}" with at least one element.
type Set struct {
	Span
	Elts []Expr
}

// Dict is "{k: v, **d}". Keys[i] is nil where Values[i] is unpacked with **.
type Dict struct {
	Span
	Keys   []Expr
	Values []Expr
}

// ListComp is "[Elt for ... in ... if ...]".
type ListComp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// GeneratorExp is "(Elt for ... in ... if ...)".
type GeneratorExp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// Comprehension is one "for Target in Iter if Ifs..." clause.
type Comprehension struct {
	Span
	Async  bool
	Target Expr
	Iter   Expr
	Ifs    []Expr
}

// Yield is "yield", "yield Value" or "yield from Value".
type Yield struct {
	Span
	From  bool
	Value Expr // or nil
}

// Await is "await X".
type Await struct {
	Span
	X Expr
}

// OpaqueExpr is an expression the tree does not model (lambda, dict and
// set comprehensions, ...). It keeps its source text.
type OpaqueExpr struct {
	Span
	Kind string // the tree-sitter node kind, such as "lambda"
	Text string
}

func (*Import) stmtNode()      {}
func (*ImportFrom) stmtNode()  {}
func (*FunctionDef) stmtNode() {}
func (*ClassDef) stmtNode()    {}
func (*Return) stmtNode()      {}
func (*Assign) stmtNode()      {}
func (*AugAssign) stmtNode()   {}
func (*AnnAssign) stmtNode()   {}
func (*For) stmtNode()         {}
func (*While) stmtNode()       {}
func (*If) stmtNode()          {}
func (*ExprStmt) stmtNode()    {}
func (*Pass) stmtNode()        {}
func (*Break) stmtNode()       {}
func (*Continue) stmtNode()    {}
func (*Delete) stmtNode()      {}
func (*Global) stmtNode()      {}
func (*Nonlocal) stmtNode()    {}
func (*Assert) stmtNode()      {}
func (*Raise) stmtNode()       {}
func (*OpaqueStmt) stmtNode()  {}

func (*Name) exprNode()          {}
func (*Num) exprNode()           {}
func (*Str) exprNode()           {}
func (*Constant) exprNode()      {}
func (*Attribute) exprNode()     {}
func (*Subscript) exprNode()     {}
func (*Slice) exprNode()         {}
func (*Call) exprNode()          {}
func (*Keyword) exprNode()       {}
func (*Starred) exprNode()       {}
func (*DoubleStarred) exprNode() {}
func (*BinOp) exprNode()         {}
func (*UnaryOp) exprNode()       {}
func (*BoolOp) exprNode()        {}
func (*Compare) exprNode()       {}
func (*IfExp) exprNode()         {}
func (*NamedExpr) exprNode()     {}
func (*Tuple) exprNode()         {}
func (*List) exprNode()          {}
func (*Set) exprNode()           {}
func (*Dict) exprNode()          {}
func (*ListComp) exprNode()      {}
func (*GeneratorExp) exprNode()  {}
func (*Yield) exprNode()         {}
func (*Await) exprNode()         {}
func (*OpaqueExpr) exprNode()    {}
