package isl

import (
	"fmt"
	"strconv"
	"strings"
)

// Format prints an AST in C-like pseudo code, two spaces per level. It is
// for diagnostics and tests; package emit prints real Python.
func Format(n Node) string {
	var b strings.Builder
	formatNode(&b, n, 0)
	return b.String()
}

func formatNode(b *strings.Builder, n Node, depth int) {
	indent := strings.Repeat("  ", depth)
	switch n := n.(type) {
	case *For:
		if n.Degenerate {
			fmt.Fprintf(b, "%s%s = %s;\n", indent, n.Iterator, FormatExpr(n.Init))
			formatNode(b, n.Body, depth)
			return
		}
		fmt.Fprintf(b, "%sfor (%s = %s; %s; %s += %s)\n", indent,
			n.Iterator, FormatExpr(n.Init), FormatExpr(n.Cond), n.Iterator, FormatExpr(n.Inc))
		formatNode(b, n.Body, depth+1)
	case *If:
		fmt.Fprintf(b, "%sif (%s)\n", indent, FormatExpr(n.Cond))
		formatNode(b, n.Then, depth+1)
		if n.Else != nil {
			fmt.Fprintf(b, "%selse\n", indent)
			formatNode(b, n.Else, depth+1)
		}
	case *Block:
		fmt.Fprintf(b, "%s{\n", indent)
		for _, c := range n.Children {
			formatNode(b, c, depth+1)
		}
		fmt.Fprintf(b, "%s}\n", indent)
	case *Mark:
		fmt.Fprintf(b, "%s// mark: %s\n", indent, n.Name)
		formatNode(b, n.Node, depth)
	case *User:
		fmt.Fprintf(b, "%s%s;\n", indent, FormatExpr(n.Expr))
	case nil:
		fmt.Fprintf(b, "%s<nil>\n", indent)
	default:
		fmt.Fprintf(b, "%s<unknown node %T>\n", indent, n)
	}
}

// FormatExpr prints an expression in C-like syntax. Nested operators are
// parenthesised unless they bind tighter, so the text is unambiguous.
func FormatExpr(e Expr) string {
	var b strings.Builder
	formatExpr(&b, e, 0)
	return b.String()
}

func (e *Op) String() string  { return FormatExpr(e) }
func (e *Id) String() string  { return e.Name }
func (e *Int) String() string { return strconv.FormatInt(e.Value, 10) }

// precedence of infix operators, higher binds tighter; 0 means the
// operator prints as a function call or is otherwise self-delimiting.
func precedence(k OpKind) int {
	switch k {
	case OpCond, OpSelect:
		return 1
	case OpOr, OpOrElse:
		return 2
	case OpAnd, OpAndThen:
		return 3
	case OpEq:
		return 4
	case OpLe, OpLt, OpGe, OpGt:
		return 5
	case OpAdd, OpSub:
		return 6
	case OpMul, OpDiv, OpPdivQ, OpPdivR, OpZdivR:
		return 7
	case OpMinus, OpAddressOf:
		return 8
	}
	return 0
}

func infixSymbol(k OpKind) string {
	switch k {
	case OpOr, OpOrElse:
		return "||"
	case OpAnd, OpAndThen:
		return "&&"
	case OpEq:
		return "=="
	case OpLe:
		return "<="
	case OpLt:
		return "<"
	case OpGe:
		return ">="
	case OpGt:
		return ">"
	case OpAdd:
		return "+"
	case OpSub:
		return "-"
	case OpMul:
		return "*"
	case OpDiv, OpPdivQ:
		return "/"
	case OpPdivR, OpZdivR:
		return "%"
	}
	return ""
}

// formatExpr prints e; outer is the precedence of the enclosing operator.
func formatExpr(b *strings.Builder, e Expr, outer int) {
	switch e := e.(type) {
	case *Id:
		b.WriteString(e.Name)
	case *Int:
		b.WriteString(strconv.FormatInt(e.Value, 10))
	case *Op:
		formatOp(b, e, outer)
	case nil:
		b.WriteString("<nil>")
	default:
		fmt.Fprintf(b, "<unknown expr %T>", e)
	}
}

func formatOp(b *strings.Builder, e *Op, outer int) {
	p := precedence(e.Kind)
	paren := p != 0 && p <= outer
	if paren {
		b.WriteByte('(')
	}
	switch {
	case e.Kind == OpMinus && len(e.Args) == 1:
		b.WriteByte('-')
		formatExpr(b, e.Args[0], p)
	case e.Kind == OpAddressOf && len(e.Args) == 1:
		b.WriteByte('&')
		formatExpr(b, e.Args[0], p)
	case (e.Kind == OpCond || e.Kind == OpSelect) && len(e.Args) == 3:
		formatExpr(b, e.Args[0], p)
		b.WriteString(" ? ")
		formatExpr(b, e.Args[1], p)
		b.WriteString(" : ")
		formatExpr(b, e.Args[2], p)
	case infixSymbol(e.Kind) != "" && len(e.Args) == 2:
		formatExpr(b, e.Args[0], p-1) // left associative
		b.WriteString(" " + infixSymbol(e.Kind) + " ")
		formatExpr(b, e.Args[1], p)
	case e.Kind == OpAccess && len(e.Args) >= 1:
		formatExpr(b, e.Args[0], 0)
		for _, a := range e.Args[1:] {
			b.WriteByte('[')
			formatExpr(b, a, 0)
			b.WriteByte(']')
		}
	case e.Kind == OpMember && len(e.Args) == 2:
		formatExpr(b, e.Args[0], 0)
		b.WriteByte('.')
		formatExpr(b, e.Args[1], 0)
	case e.Kind == OpCall && len(e.Args) >= 1:
		formatExpr(b, e.Args[0], 0)
		formatArgs(b, e.Args[1:])
	default:
		// min, max and fdiv_q, or an operator with an unusual arity.
		name := e.Kind.String()
		if e.Kind == OpFdivQ {
			name = "floord"
		}
		b.WriteString(name)
		formatArgs(b, e.Args)
	}
	if paren {
		b.WriteByte(')')
	}
}

func formatArgs(b *strings.Builder, args []Expr) {
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		formatExpr(b, a, 0)
	}
	b.WriteByte(')')
}
