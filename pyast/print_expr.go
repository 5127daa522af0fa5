package pyast

import (
	"fmt"
	"strings"
)

// precNever is above every precedence: nodes with it are never wrapped in
// parentheses, because they are not expressions on their own (*a, k=v,
// a:b) or carry their own brackets already.
const precNever = precAtom + 1

// prec returns the precedence of e as the printer will write it.
func prec(e Expr) int {
	switch e := e.(type) {
	case *Tuple:
		if e.Paren || len(e.Elts) == 0 {
			return precAtom
		}
		return precTuple
	case *Attribute, *Subscript, *Call:
		return precPrimary
	case *Await:
		return precAwait
	case *BinOp:
		return e.Op.prec()
	case *UnaryOp:
		if e.Op == Not {
			return precNot
		}
		return precUnary
	case *BoolOp:
		if e.Op == Or {
			return precOr
		}
		return precAnd
	case *Compare:
		return precCompare
	case *IfExp:
		return precIfExp
	case *NamedExpr:
		return precWalrus
	case *Yield:
		return precYield
	case *Starred, *DoubleStarred, *Keyword, *Slice:
		return precNever
	case *OpaqueExpr:
		switch e.Kind {
		case "dictionary_comprehension", "set_comprehension", "parenthesized_list_splat",
			"parenthesized_expression", "string", "concatenated_string", "dictionary",
			"set", "list", "tuple", "generator_expression", "list_comprehension":
			return precAtom
		}
		// lambda, and anything unexpected: parenthesize wherever an
		// operand is needed.
		return precLambda
	}
	return precAtom
}

// expr prints e, in parentheses when its precedence is below min or when
// copied source would break a line outside brackets.
func (p *printer) expr(e Expr, min int) {
	if isNil(e) {
		p.fail("nil expression")
		return
	}
	verbatim := p.unchanged(e)
	paren := prec(e) < min
	if !paren && p.depth == 0 && prec(e) != precNever {
		if verbatim {
			paren = p.breaksLine(int(e.Pos()), int(e.End()))
		} else if o, ok := e.(*OpaqueExpr); ok {
			paren = strings.Contains(o.Text, "\n")
		}
	}
	if paren {
		p.str("(")
		p.depth++
	}
	if verbatim {
		p.str(p.source(e))
	} else {
		p.exprFields(e)
	}
	if paren {
		p.str(")")
		p.depth--
	}
}

// breaksLine reports whether the source in [start, end) has a line break
// that is neither inside a string nor escaped with a backslash. Such text
// was inside brackets where it came from and needs them where it goes.
func (p *printer) breaksLine(start, end int) bool {
	src := p.f.Src
	for i := start; i < end; i++ {
		if src[i] != '\n' {
			continue
		}
		j := i - 1
		if j >= start && src[j] == '\r' {
			j--
		}
		if j >= start && src[j] == '\\' {
			continue
		}
		if !p.f.inString(i) {
			return true
		}
	}
	return false
}

// exprList prints expressions separated by ", ".
func (p *printer) exprList(list []Expr, min int) {
	for i, e := range list {
		if i > 0 {
			p.str(", ")
		}
		p.expr(e, min)
	}
}

// bracketed prints open, list, close with the bracket depth raised.
func (p *printer) bracketed(open string, list []Expr, close string) {
	p.str(open)
	p.depth++
	p.exprList(list, precLambda)
	p.depth--
	p.str(close)
}

// exprFields prints e from its fields; its children may still be copied.
func (p *printer) exprFields(e Expr) {
	switch e := e.(type) {
	case *Name:
		p.str(e.Id)
	case *Num:
		p.str(e.Raw)
	case *Str:
		p.str(strings.Join(e.Parts, " "))
	case *Constant:
		p.str(e.Kind.String())
	case *Attribute:
		if _, ok := e.X.(*Num); ok {
			// 1.real would lex as the float "1." then a name.
			p.str("(")
			p.expr(e.X, precWalrus)
			p.str(")")
		} else {
			p.expr(e.X, precPrimary)
		}
		p.str("." + e.Attr)
	case *Subscript:
		p.expr(e.X, precPrimary)
		p.str("[")
		p.depth++
		p.expr(e.Index, precTuple)
		p.depth--
		p.str("]")
	case *Slice:
		p.optExpr(e.Lo, precIfExp)
		p.str(":")
		p.optExpr(e.Hi, precIfExp)
		if !isNil(e.Step) {
			p.str(":")
			p.expr(e.Step, precIfExp)
		}
	case *Call:
		p.expr(e.Func, precPrimary)
		if len(e.Args) == 1 {
			if g, ok := e.Args[0].(*GeneratorExp); ok {
				p.expr(g, precAtom) // f(x for x in y): the genexp brings its parentheses
				return
			}
		}
		p.bracketed("(", e.Args, ")")
	case *Keyword:
		p.str(e.Name + "=")
		p.expr(e.Value, precLambda)
	case *Starred:
		p.star("*", e.X)
	case *DoubleStarred:
		p.star("**", e.X)
	case *BinOp:
		left, right := e.Op.prec(), e.Op.prec()+1
		if e.Op == Pow {
			// ** binds to the right, and tighter than a unary operator on
			// its left: -x**2 is -(x**2), 2**-1 is fine.
			left, right = precAwait, precUnary
		}
		p.expr(e.X, left)
		p.str(" " + e.Op.String() + " ")
		p.expr(e.Y, right)
	case *UnaryOp:
		if e.Op == Not {
			p.str("not ")
			p.expr(e.X, precNot)
			return
		}
		p.str(e.Op.String())
		p.expr(e.X, precUnary)
	case *BoolOp:
		pr := prec(e)
		p.expr(e.X, pr)
		p.str(" " + e.Op.String() + " ")
		p.expr(e.Y, pr+1)
	case *Compare:
		p.expr(e.X, precCompare+1)
		for i, op := range e.Ops {
			p.str(" " + op.String() + " ")
			if i < len(e.Ys) {
				p.expr(e.Ys[i], precCompare+1)
			}
		}
		if len(e.Ops) != len(e.Ys) {
			p.fail("comparison with unequal operators and operands")
		}
	case *IfExp:
		p.expr(e.Body, precOr)
		p.str(" if ")
		p.expr(e.Cond, precOr)
		p.str(" else ")
		p.expr(e.Else, precLambda)
	case *NamedExpr:
		p.expr(e.Target, precAtom)
		p.str(" := ")
		p.expr(e.Value, precLambda)
	case *Tuple:
		paren := e.Paren || len(e.Elts) == 0
		if paren {
			p.str("(")
			p.depth++
		}
		p.exprList(e.Elts, precLambda)
		if len(e.Elts) == 1 {
			p.str(",")
		}
		if paren {
			p.depth--
			p.str(")")
		}
	case *List:
		p.bracketed("[", e.Elts, "]")
	case *Set:
		if len(e.Elts) == 0 {
			p.str("{*()}") // {} would be a dict
			return
		}
		p.bracketed("{", e.Elts, "}")
	case *Dict:
		p.dict(e)
	case *ListComp:
		p.str("[")
		p.depth++
		p.expr(e.Elt, precLambda)
		p.generators(e.Generators)
		p.depth--
		p.str("]")
	case *GeneratorExp:
		p.str("(")
		p.depth++
		p.expr(e.Elt, precLambda)
		p.generators(e.Generators)
		p.depth--
		p.str(")")
	case *Yield:
		p.str("yield")
		if e.From {
			p.str(" from")
		}
		if !isNil(e.Value) {
			p.str(" ")
			if e.From {
				p.expr(e.Value, precLambda)
			} else {
				p.expr(e.Value, precTuple)
			}
		}
	case *Await:
		p.str("await ")
		p.expr(e.X, precPrimary)
	case *OpaqueExpr:
		p.str(e.Text)
	default:
		p.fail(fmt.Sprintf("expression of type %T", e))
	}
}

// star prints *x or **x. tree-sitter accepts "* *a" and "* *a % b",
// which must not print as "**a": a space goes in when x starts with a star.
func (p *printer) star(stars string, x Expr) {
	p.str(stars)
	mark := p.b.Len()
	p.expr(x, precBitOr)
	if b := p.b.Bytes(); len(b) > mark && b[mark] == '*' {
		tail := append([]byte{' '}, b[mark:]...)
		p.b.Truncate(mark)
		p.b.Write(tail)
	}
}

func (p *printer) optExpr(e Expr, min int) {
	if !isNil(e) {
		p.expr(e, min)
	}
}

func (p *printer) dict(d *Dict) {
	p.str("{")
	p.depth++
	for i, v := range d.Values {
		if i > 0 {
			p.str(", ")
		}
		if i >= len(d.Keys) || isNil(d.Keys[i]) {
			p.star("**", v)
			continue
		}
		p.expr(d.Keys[i], precIfExp)
		p.str(": ")
		p.expr(v, precLambda)
	}
	p.depth--
	p.str("}")
}

func (p *printer) generators(gens []*Comprehension) {
	for _, g := range gens {
		p.str(" ")
		p.comprehension(g)
	}
}

// comprehension prints one "for ... in ... if ..." clause.
func (p *printer) comprehension(g *Comprehension) {
	if isNil(g) {
		p.fail("nil comprehension")
		return
	}
	if p.unchanged(g) {
		p.str(p.source(g))
		return
	}
	if g.Async {
		p.str("async ")
	}
	p.str("for ")
	p.expr(g.Target, precTuple)
	p.str(" in ")
	p.expr(g.Iter, precOr)
	for _, c := range g.Ifs {
		p.str(" if ")
		p.expr(c, precOr)
	}
}
