package pyast

import (
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// expr converts an expression node. Kinds the tree does not model become
// OpaqueExpr. A missing node (nil) marks the enclosing statement bad.
func (c *converter) expr(n *tree_sitter.Node) Expr {
	if n == nil {
		c.bad = true
		return nil
	}
	sp := span(n)
	switch n.Kind() {
	case "identifier":
		return &Name{Span: sp, Id: c.ident(n)}
	case "integer", "float":
		return &Num{Span: sp, Raw: c.text(n)}
	case "string":
		return &Str{Span: sp, Parts: []string{c.text(n)}}
	case "concatenated_string":
		s := &Str{Span: sp}
		for _, k := range c.named(n) {
			s.Parts = append(s.Parts, c.text(k))
		}
		return s
	case "none":
		return &Constant{Span: sp, Kind: ConstNone}
	case "true":
		return &Constant{Span: sp, Kind: ConstTrue}
	case "false":
		return &Constant{Span: sp, Kind: ConstFalse}
	case "ellipsis":
		return &Constant{Span: sp, Kind: ConstEllipsis}
	case "attribute":
		attr := n.ChildByFieldName("attribute")
		if attr == nil {
			break
		}
		return &Attribute{Span: sp, X: c.expr(n.ChildByFieldName("object")), Attr: c.ident(attr)}
	case "subscript":
		return c.subscript(n)
	case "slice":
		return c.slice(n)
	case "call":
		call := &Call{Span: sp, Func: c.expr(n.ChildByFieldName("function"))}
		args := n.ChildByFieldName("arguments")
		switch {
		case args == nil:
			c.bad = true
		case args.Kind() == "argument_list":
			call.Args = c.args(args)
		default: // f(x for x in y)
			call.Args = []Expr{c.expr(args)}
		}
		return call
	case "list_splat", "list_splat_pattern":
		if x := c.onlyChild(n); x != nil {
			return &Starred{Span: sp, X: x}
		}
	case "dictionary_splat":
		if x := c.onlyChild(n); x != nil {
			return &DoubleStarred{Span: sp, X: x}
		}
	case "binary_operator":
		op, ok := binaryOpFor(c.fieldText(n, "operator"))
		if !ok {
			break
		}
		return &BinOp{Span: sp, X: c.expr(n.ChildByFieldName("left")), Op: op, Y: c.expr(n.ChildByFieldName("right"))}
	case "unary_operator":
		var op UnaryOperator
		switch c.fieldText(n, "operator") {
		case "+":
			op = UAdd
		case "-":
			op = USub
		case "~":
			op = Invert
		default:
			return c.opaqueExpr(n)
		}
		return &UnaryOp{Span: sp, Op: op, X: c.expr(n.ChildByFieldName("argument"))}
	case "not_operator":
		return &UnaryOp{Span: sp, Op: Not, X: c.expr(n.ChildByFieldName("argument"))}
	case "boolean_operator":
		var op BoolOperator
		switch c.fieldText(n, "operator") {
		case "and":
			op = And
		case "or":
			op = Or
		default:
			return c.opaqueExpr(n)
		}
		return &BoolOp{Span: sp, X: c.expr(n.ChildByFieldName("left")), Op: op, Y: c.expr(n.ChildByFieldName("right"))}
	case "comparison_operator":
		return c.compare(n)
	case "conditional_expression":
		k := c.named(n)
		if len(k) != 3 {
			break
		}
		return &IfExp{Span: sp, Body: c.expr(k[0]), Cond: c.expr(k[1]), Else: c.expr(k[2])}
	case "named_expression":
		name := n.ChildByFieldName("name")
		if name == nil || name.Kind() != "identifier" {
			break
		}
		return &NamedExpr{Span: sp, Target: c.expr(name), Value: c.expr(n.ChildByFieldName("value"))}
	case "parenthesized_expression":
		// Parentheses are not nodes: the printer puts them back where
		// precedence needs them, and unedited source keeps its own.
		k := c.named(n)
		if len(k) != 1 || k[0].Kind() == "list_splat" {
			break
		}
		return c.expr(k[0])
	case "tuple", "tuple_pattern":
		return &Tuple{Span: sp, Elts: c.exprs(c.named(n)), Paren: true}
	case "expression_list", "pattern_list":
		return &Tuple{Span: sp, Elts: c.exprs(c.named(n))}
	case "list", "list_pattern":
		return &List{Span: sp, Elts: c.exprs(c.named(n))}
	case "set":
		return &Set{Span: sp, Elts: c.exprs(c.named(n))}
	case "dictionary":
		return c.dict(n)
	case "list_comprehension", "generator_expression":
		return c.comprehension(n)
	case "yield":
		y := &Yield{Span: sp, From: c.hasToken(n, "from")}
		if k := c.named(n); len(k) == 1 {
			y.Value = c.expr(k[0])
		} else if len(k) > 1 {
			break
		}
		return y
	case "await":
		if x := c.onlyChild(n); x != nil {
			return &Await{Span: sp, X: x}
		}
	case "type", "generic_type", "union_type", "member_type", "splat_type":
		return c.typeExpr(n)
	}
	return c.opaqueExpr(n)
}

func (c *converter) opaqueExpr(n *tree_sitter.Node) *OpaqueExpr {
	return &OpaqueExpr{Span: span(n), Kind: n.Kind(), Text: c.text(n)}
}

// exprs converts a list of nodes.
func (c *converter) exprs(ns []*tree_sitter.Node) []Expr {
	out := make([]Expr, 0, len(ns))
	for _, k := range ns {
		out = append(out, c.expr(k))
	}
	return out
}

// onlyChild converts the single named child of n, or marks the statement bad.
func (c *converter) onlyChild(n *tree_sitter.Node) Expr {
	k := c.named(n)
	if len(k) != 1 {
		c.bad = true
		return nil
	}
	return c.expr(k[0])
}

// fieldText returns the text of n's child in field, or "".
func (c *converter) fieldText(n *tree_sitter.Node, field string) string {
	if k := n.ChildByFieldName(field); k != nil {
		return c.text(k)
	}
	return ""
}

// bareTuple builds the unparenthesized tuple of ns, or returns the single
// expression when there is one and no trailing comma. The tuple spans from
// the first node to the end of the last token, trailing comma included.
func (c *converter) bareTuple(ns []*tree_sitter.Node, last *tree_sitter.Node, comma bool) Expr {
	if len(ns) == 1 && !comma {
		return c.expr(ns[0])
	}
	if len(ns) == 0 {
		c.bad = true
		return nil
	}
	return &Tuple{Span: Span{Pos(ns[0].StartByte()), Pos(last.EndByte())}, Elts: c.exprs(ns)}
}

// subscript converts x[i], x[i, j], x[a:b, ::2] and x[i,].
func (c *converter) subscript(n *tree_sitter.Node) Expr {
	s := &Subscript{Span: span(n), X: c.expr(n.ChildByFieldName("value"))}
	var idx []*tree_sitter.Node
	comma := false
	var last *tree_sitter.Node
	kids := c.kids(n)
	// The kids are value, "[", indices and commas, "]".
	for i := 2; i+1 < len(kids); i++ {
		k := kids[i]
		last = k
		if k.IsNamed() {
			idx = append(idx, k)
		} else if k.Kind() == "," {
			comma = true
		}
	}
	if len(kids) < 4 || kids[1].Kind() != "[" {
		c.bad = true
		return s
	}
	s.Index = c.bareTuple(idx, last, comma)
	return s
}

// slice converts lo:hi:step; the colons tell which parts are present.
func (c *converter) slice(n *tree_sitter.Node) Expr {
	var parts [3]Expr
	i := 0
	for _, k := range c.kids(n) {
		switch {
		case !k.IsNamed() && k.Kind() == ":":
			i++
			if i > 2 {
				return c.opaqueExpr(n)
			}
		case k.IsNamed():
			if parts[i] != nil {
				return c.opaqueExpr(n)
			}
			parts[i] = c.expr(k)
		}
	}
	return &Slice{Span: span(n), Lo: parts[0], Hi: parts[1], Step: parts[2]}
}

// args converts a call's or class's argument list.
func (c *converter) args(n *tree_sitter.Node) []Expr {
	var out []Expr
	for _, k := range c.named(n) {
		if k.Kind() != "keyword_argument" {
			out = append(out, c.expr(k))
			continue
		}
		name := k.ChildByFieldName("name")
		if name == nil || name.Kind() != "identifier" {
			out = append(out, c.opaqueExpr(k))
			continue
		}
		out = append(out, &Keyword{Span: span(k), Name: c.ident(name), Value: c.expr(k.ChildByFieldName("value"))})
	}
	return out
}

// compare converts a chained comparison. Operators are the anonymous
// tokens between operands; "not in" and "is not" may come as two tokens.
func (c *converter) compare(n *tree_sitter.Node) Expr {
	cmp := &Compare{Span: span(n)}
	var words []string
	for _, k := range c.kids(n) {
		if !k.IsNamed() {
			words = append(words, strings.Join(strings.Fields(c.text(k)), " "))
			continue
		}
		x := c.expr(k)
		if cmp.X == nil && len(words) == 0 && len(cmp.Ys) == 0 {
			cmp.X = x
			continue
		}
		op, ok := cmpOpFor(strings.Join(words, " "))
		if !ok {
			return c.opaqueExpr(n)
		}
		words = words[:0]
		cmp.Ops = append(cmp.Ops, op)
		cmp.Ys = append(cmp.Ys, x)
	}
	if cmp.X == nil || len(cmp.Ops) == 0 || len(words) > 0 {
		return c.opaqueExpr(n)
	}
	return cmp
}

func (c *converter) dict(n *tree_sitter.Node) Expr {
	d := &Dict{Span: span(n)}
	for _, k := range c.named(n) {
		switch k.Kind() {
		case "pair":
			d.Keys = append(d.Keys, c.expr(k.ChildByFieldName("key")))
			d.Values = append(d.Values, c.expr(k.ChildByFieldName("value")))
		case "dictionary_splat":
			d.Keys = append(d.Keys, nil)
			d.Values = append(d.Values, c.onlyChild(k))
		default:
			return c.opaqueExpr(n)
		}
	}
	return d
}

// comprehension converts a list comprehension or generator expression.
func (c *converter) comprehension(n *tree_sitter.Node) Expr {
	elt := c.expr(n.ChildByFieldName("body"))
	var gens []*Comprehension
	for _, k := range c.named(n) {
		switch k.Kind() {
		case "for_in_clause":
			var rights []*tree_sitter.Node
			right := k.ChildrenByFieldName("right", c.cursor)
			for i := range right {
				if right[i].IsNamed() {
					rights = append(rights, &right[i])
				}
			}
			if len(right) == 0 {
				return c.opaqueExpr(n)
			}
			last := &right[len(right)-1]
			gens = append(gens, &Comprehension{
				Span:   span(k),
				Async:  c.hasToken(k, "async"),
				Target: c.expr(k.ChildByFieldName("left")),
				Iter:   c.bareTuple(rights, last, len(right) > len(rights)),
			})
		case "if_clause":
			if len(gens) == 0 {
				return c.opaqueExpr(n)
			}
			g := gens[len(gens)-1]
			g.Ifs = append(g.Ifs, c.onlyChild(k))
			g.Stop = Pos(k.EndByte())
		}
	}
	if len(gens) == 0 {
		return c.opaqueExpr(n)
	}
	if n.Kind() == "list_comprehension" {
		return &ListComp{Span: span(n), Elt: elt, Generators: gens}
	}
	return &GeneratorExp{Span: span(n), Elt: elt, Generators: gens}
}

// typeExpr converts an annotation. tree-sitter parses some annotations
// with type-only node kinds (list[int] as generic_type, int | None as
// union_type, np.ndarray as member_type); they become the expressions
// Python evaluates.
func (c *converter) typeExpr(n *tree_sitter.Node) Expr {
	if n == nil {
		c.bad = true
		return nil
	}
	sp := span(n)
	k := c.named(n)
	switch n.Kind() {
	case "type":
		if len(k) == 1 {
			return c.typeExpr(k[0])
		}
	case "generic_type":
		if len(k) != 2 || k[1].Kind() != "type_parameter" {
			break
		}
		var params []*tree_sitter.Node
		var last *tree_sitter.Node
		comma := false
		kids := c.kids(k[1])
		for i := 1; i+1 < len(kids); i++ { // between "[" and "]"
			last = kids[i]
			if kids[i].IsNamed() {
				params = append(params, kids[i])
			} else if kids[i].Kind() == "," {
				comma = true
			}
		}
		if len(params) == 0 {
			break
		}
		idx := c.typeTuple(params, last, comma)
		return &Subscript{Span: sp, X: c.typeExpr(k[0]), Index: idx}
	case "union_type":
		if len(k) != 2 {
			break
		}
		return &BinOp{Span: sp, X: c.typeExpr(k[0]), Op: BitOr, Y: c.typeExpr(k[1])}
	case "member_type":
		if len(k) != 2 || k[1].Kind() != "identifier" {
			break
		}
		return &Attribute{Span: sp, X: c.typeExpr(k[0]), Attr: c.ident(k[1])}
	case "splat_type":
		if len(k) == 1 {
			return &Starred{Span: sp, X: c.typeExpr(k[0])}
		}
	case "constrained_type":
		// T: bound belongs in a type parameter list, which the tree keeps
		// opaque; tree-sitter also accepts it in annotations, Python not.
		at := n.StartByte()
		if len(k) > 0 {
			at = k[0].EndByte()
		}
		c.errorAt(Pos(at), `syntax error: unexpected ":"`)
		return c.opaqueExpr(n)
	default:
		return c.expr(n)
	}
	return c.opaqueExpr(n)
}

// typeTuple is bareTuple for type parameters, whose elements are types.
func (c *converter) typeTuple(ns []*tree_sitter.Node, last *tree_sitter.Node, comma bool) Expr {
	if len(ns) == 1 && !comma {
		return c.typeExpr(ns[0])
	}
	t := &Tuple{Span: Span{Pos(ns[0].StartByte()), Pos(last.EndByte())}}
	for _, p := range ns {
		t.Elts = append(t.Elts, c.typeExpr(p))
	}
	return t
}
