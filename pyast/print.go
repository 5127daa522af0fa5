package pyast

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Fprint writes node to w as Python source. file is the File the node was
// parsed from, whose source the printer copies for every node that is
// still as parsed; it may be nil for a tree built in Go. A statement is
// printed at indentation zero and ends with a newline; an expression is
// printed without parentheses around it and without a newline.
func Fprint(w io.Writer, file *File, node Node) error {
	p := newPrinter(file)
	p.top(node)
	if p.err != nil {
		return p.err
	}
	_, err := w.Write(p.b.Bytes())
	return err
}

// Sprint is Fprint to a string; a tree with a nil where an expression is
// required prints with that expression left out.
func Sprint(file *File, node Node) string {
	p := newPrinter(file)
	p.top(node)
	return p.b.String()
}

// Format returns the source of f's module as it now stands: f.Src itself
// when nothing was edited.
func (f *File) Format() ([]byte, error) {
	var b bytes.Buffer
	if err := Fprint(&b, f, f.Module); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// indentUnit indents the blocks the printer lays out itself.
const indentUnit = "    "

type printer struct {
	f      *File
	b      bytes.Buffer
	indent string // indentation of the statement being printed
	// depth counts the brackets open around the output position; inside
	// one, line breaks are free, so copied text may span lines.
	depth int
	memo  map[Node]bool // results of unchanged
	// reprint prints every node from its fields, ignoring the source;
	// tests use it to check the field printer on real code.
	reprint bool
	err     error
}

func newPrinter(f *File) *printer {
	return &printer{f: f, memo: make(map[Node]bool)}
}

// unchanged reports whether n prints as its source text: it was parsed
// from p.f and neither it nor anything below it was edited since.
func (p *printer) unchanged(n Node) bool {
	if p.f == nil || p.reprint || p.f.orig == nil {
		return false
	}
	if v, ok := p.memo[n]; ok {
		return v
	}
	ok := p.f.sameFields(n)
	if ok {
		for _, c := range Children(n) {
			if !p.unchanged(c) {
				ok = false
				break
			}
		}
	}
	p.memo[n] = ok
	return ok
}

// source returns the source text of a parsed node.
func (p *printer) source(n Node) string {
	return string(p.f.Src[n.Pos():n.End()])
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) top(node Node) {
	switch n := node.(type) {
	case *Module:
		p.module(n)
	case Stmt:
		p.stmt(n)
		p.str("\n")
	case Expr:
		p.expr(n, precWalrus)
	case *Param:
		p.param(n)
	case *Alias:
		p.alias(n)
	case *Comprehension:
		p.comprehension(n)
	default:
		p.err = fmt.Errorf("pyast: cannot print %T", node)
	}
}

func (p *printer) module(m *Module) {
	if m == nil {
		return
	}
	if p.unchanged(m) && m == p.f.Module {
		p.b.Write(p.f.Src)
		return
	}
	if len(m.Body) == 0 {
		return
	}
	first, last := m.Body[0], m.Body[len(m.Body)-1]
	fromFile := p.f != nil && !p.reprint && m == p.f.Module
	if fromFile && first == p.f.first && p.f.inRange(first.Pos()) {
		// Keep a shebang, encoding line, comments and blank lines at the top.
		p.b.Write(p.f.Src[:first.Pos()])
	}
	p.stmts(m.Body)
	if fromFile && last == p.f.last && p.f.inRange(last.End()) {
		p.b.Write(p.f.Src[last.End():])
		return
	}
	p.str("\n")
}

// stmts prints a statement list; the first statement goes at the current
// output position, which the caller has indented.
func (p *printer) stmts(list []Stmt) {
	for i, s := range list {
		if isNil(s) {
			p.fail("nil statement")
			continue
		}
		if i > 0 {
			p.between(list[i-1], s)
		}
		p.stmt(s)
	}
}

// between separates two statements: with the source between them when they
// were neighbours in the source (comments and blank lines survive edits
// around them), else with a newline, blank lines around definitions.
func (p *printer) between(a, b Stmt) {
	if p.f != nil && !p.reprint && !isNil(a) && p.f.next[a] == b &&
		p.f.inRange(a.End()) && p.f.inRange(b.Pos()) && a.End() <= b.Pos() {
		gap := string(p.f.Src[a.End():b.Pos()])
		p.writeIndented(gap, p.f.lineIndent(b.Pos()), func(int) bool { return false })
		return
	}
	p.str("\n")
	if isDef(a) || isDef(b) {
		p.str("\n")
		if p.indent == "" {
			p.str("\n")
		}
	}
	p.str(p.indent)
}

func isDef(s Stmt) bool {
	switch s.(type) {
	case *FunctionDef, *ClassDef:
		return true
	}
	return false
}

// writeIndented writes text, whose lines after the first are indented
// with from in its source, re-indented to p.indent. Lines for which
// verbatim(offset in text) is true lie inside string literals and stay.
func (p *printer) writeIndented(text, from string, verbatim func(int) bool) {
	if from == p.indent {
		p.str(text)
		return
	}
	off := 0
	for {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			p.str(text[off:])
			return
		}
		p.str(text[off : off+i+1])
		off += i + 1
		rest := text[off:]
		if verbatim(off) || rest == "" || rest[0] == '\n' || rest[0] == '\r' || !strings.HasPrefix(rest, from) {
			continue
		}
		p.str(p.indent)
		off += len(from)
	}
}

// copyStmt writes a parsed statement's source, re-indented to p.indent.
func (p *printer) copyStmt(s Stmt) {
	start := int(s.Pos())
	p.writeIndented(p.source(s), p.f.lineIndent(s.Pos()), func(i int) bool {
		return p.f.inString(start + i)
	})
}

func (p *printer) fail(what string) {
	if p.err == nil {
		p.err = fmt.Errorf("pyast: cannot print a tree with a %s", what)
	}
}

// block prints ":" and an indented statement list.
func (p *printer) block(owner Stmt, body []Stmt) {
	p.str(":")
	saved := p.indent
	p.indent += p.unit(owner, body)
	p.str("\n" + p.indent)
	if len(body) == 0 {
		p.str("pass")
	} else {
		p.stmts(body)
	}
	p.indent = saved
}

// unit returns the indentation step of a block: the one the source used
// when the block's first statement comes from it, so copied statements
// keep their layout, else four spaces.
func (p *printer) unit(owner Stmt, body []Stmt) string {
	if p.f == nil || p.reprint || len(body) == 0 || !p.f.sameFieldsKnown(owner) || !p.f.sameFieldsKnown(body[0]) {
		return indentUnit
	}
	if !p.f.inRange(owner.Pos()) || !p.f.inRange(body[0].Pos()) {
		return indentUnit // a span an editor changed
	}
	oi, bi := p.f.lineIndent(owner.Pos()), p.f.lineIndent(body[0].Pos())
	lineStart := int(body[0].Pos()) - len(bi)
	if lineStart < 0 || string(p.f.Src[lineStart:body[0].Pos()]) != bi {
		return indentUnit // the body started on the header's line
	}
	if len(bi) > len(oi) && strings.HasPrefix(bi, oi) {
		return bi[len(oi):]
	}
	return indentUnit
}

// sameFieldsKnown reports whether n was parsed from f, edited or not.
func (f *File) sameFieldsKnown(n Node) bool {
	_, ok := f.orig[n]
	return ok
}

// stmt prints a statement without its indentation and final newline.
func (p *printer) stmt(s Stmt) {
	if p.unchanged(s) && !isElif(s) {
		p.copyStmt(s)
		return
	}
	switch s := s.(type) {
	case *ExprStmt:
		p.expr(s.X, precYield)
	case *Assign:
		for _, t := range s.Targets {
			p.expr(t, precTuple)
			p.str(" = ")
		}
		p.expr(s.Value, precYield)
	case *AugAssign:
		p.expr(s.Target, precLambda)
		p.str(" " + s.Op.String() + "= ")
		p.expr(s.Value, precYield)
	case *AnnAssign:
		p.expr(s.Target, precLambda)
		p.str(": ")
		p.expr(s.Annotation, precLambda)
		if !isNil(s.Value) {
			p.str(" = ")
			p.expr(s.Value, precYield)
		}
	case *Return:
		p.str("return")
		if !isNil(s.Value) {
			p.str(" ")
			p.expr(s.Value, precTuple)
		}
	case *Pass:
		p.str("pass")
	case *Break:
		p.str("break")
	case *Continue:
		p.str("continue")
	case *If:
		p.ifStmt(s, "if")
	case *For:
		if s.Async {
			p.str("async ")
		}
		p.str("for ")
		p.expr(s.Target, precTuple)
		p.str(" in ")
		p.expr(s.Iter, precTuple)
		p.block(s, s.Body)
		p.elseBlock(s, s.Else)
	case *While:
		p.str("while ")
		p.expr(s.Cond, precLambda)
		p.block(s, s.Body)
		p.elseBlock(s, s.Else)
	case *FunctionDef:
		p.funcDef(s)
	case *ClassDef:
		p.decorators(s.Decorators)
		p.str("class " + s.Name)
		if len(s.Args) > 0 {
			p.str("(")
			p.exprList(s.Args, precLambda)
			p.str(")")
		}
		p.block(s, s.Body)
	case *Import:
		p.str("import ")
		p.aliases(s.Names)
	case *ImportFrom:
		p.str("from " + strings.Repeat(".", s.Level) + s.Module + " import ")
		p.aliases(s.Names)
	case *Global:
		p.str("global " + strings.Join(s.Names, ", "))
	case *Nonlocal:
		p.str("nonlocal " + strings.Join(s.Names, ", "))
	case *Delete:
		p.str("del ")
		p.exprList(s.Targets, precLambda)
	case *Assert:
		p.str("assert ")
		p.expr(s.Test, precLambda)
		if !isNil(s.Msg) {
			p.str(", ")
			p.expr(s.Msg, precLambda)
		}
	case *Raise:
		p.str("raise")
		if !isNil(s.Exc) {
			p.str(" ")
			p.expr(s.Exc, precLambda)
			if !isNil(s.Cause) {
				p.str(" from ")
				p.expr(s.Cause, precLambda)
			}
		}
	case *OpaqueStmt:
		verbatim := func(i int) bool {
			for _, v := range s.Verbatim {
				if v == i {
					return true
				}
			}
			return false
		}
		p.writeIndented(s.Text, s.Indent, verbatim)
	default:
		p.fail(fmt.Sprintf("statement of type %T", s))
	}
}

func isElif(s Stmt) bool {
	i, ok := s.(*If)
	return ok && i.Elif
}

// ifStmt prints an if or elif statement and its elif and else clauses.
func (p *printer) ifStmt(s *If, keyword string) {
	p.str(keyword + " ")
	p.expr(s.Cond, precLambda)
	p.block(s, s.Body)
	if len(s.Else) == 1 {
		if e, ok := s.Else[0].(*If); ok && e.Elif {
			p.str("\n" + p.indent)
			if p.unchanged(e) {
				p.copyStmt(e)
			} else {
				p.ifStmt(e, "elif")
			}
			return
		}
	}
	p.elseBlock(s, s.Else)
}

func (p *printer) elseBlock(owner Stmt, body []Stmt) {
	if len(body) == 0 {
		return
	}
	p.str("\n" + p.indent + "else")
	p.block(owner, body)
}

func (p *printer) decorators(decos []Expr) {
	for _, d := range decos {
		p.str("@")
		p.expr(d, precLambda)
		p.str("\n" + p.indent)
	}
}

func (p *printer) funcDef(s *FunctionDef) {
	p.decorators(s.Decorators)
	if s.Async {
		p.str("async ")
	}
	p.str("def " + s.Name + "(")
	p.depth++
	for i, prm := range s.Params {
		if i > 0 {
			p.str(", ")
		}
		p.param(prm)
	}
	p.depth--
	p.str(")")
	if !isNil(s.Returns) {
		p.str(" -> ")
		p.expr(s.Returns, precLambda)
	}
	p.block(s, s.Body)
}

func (p *printer) param(prm *Param) {
	if isNil(prm) {
		p.fail("nil parameter")
		return
	}
	if p.unchanged(prm) {
		p.str(p.source(prm))
		return
	}
	switch prm.Kind {
	case ParamKwOnly:
		p.str("*")
		return
	case ParamPosOnly:
		p.str("/")
		return
	case ParamVarArgs:
		p.str("*")
	case ParamKwArgs:
		p.str("**")
	}
	p.str(prm.Name)
	if !isNil(prm.Annotation) {
		p.str(": ")
		p.expr(prm.Annotation, precLambda)
	}
	if !isNil(prm.Default) {
		if isNil(prm.Annotation) {
			p.str("=")
		} else {
			p.str(" = ")
		}
		p.expr(prm.Default, precLambda)
	}
}

func (p *printer) aliases(list []*Alias) {
	for i, a := range list {
		if i > 0 {
			p.str(", ")
		}
		p.alias(a)
	}
}

func (p *printer) alias(a *Alias) {
	if isNil(a) {
		p.fail("nil import name")
		return
	}
	if p.unchanged(a) {
		p.str(p.source(a))
		return
	}
	p.str(a.Name)
	if a.AsName != "" {
		p.str(" as " + a.AsName)
	}
}
