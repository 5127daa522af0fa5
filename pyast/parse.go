package pyast

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
	tree_sitter_python "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// ParseFile parses src, the contents of the Python 3 module filename, into
// a File. A source that tree-sitter cannot parse cleanly (its tree has an
// ERROR or MISSING node) is rejected with an ErrorList whose messages read
// "file:line:col: syntax error: ...". Constructs the tree does not model
// become OpaqueStmt and OpaqueExpr nodes, so every valid module parses.
func ParseFile(filename string, src []byte) (*File, error) {
	f := newFile(filename, src)
	// CPython refuses NUL bytes, and tree-sitter's scanner would read one
	// as the end of input.
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return nil, ErrorList{{Pos: f.Position(Pos(i)), Msg: "source contains a NUL byte"}}
	}

	parser := tree_sitter.NewParser()
	defer parser.Close()
	lang := tree_sitter.NewLanguage(tree_sitter_python.Language())
	if err := parser.SetLanguage(lang); err != nil {
		return nil, fmt.Errorf("pyast: loading the tree-sitter Python grammar: %w", err)
	}
	// A UTF-8 byte order mark is legal at the start of a Python file but
	// not in the grammar; parse only what follows it. Offsets stay those
	// of the whole source.
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		err := parser.SetIncludedRanges([]tree_sitter.Range{{
			StartByte:  3,
			EndByte:    uint(len(src)),
			StartPoint: tree_sitter.Point{Row: 0, Column: 3},
			EndPoint:   tree_sitter.Point{Row: ^uint(0), Column: ^uint(0)},
		}})
		if err != nil {
			return nil, fmt.Errorf("pyast: %s: skipping the byte order mark: %w", filename, err)
		}
	}
	tree := parser.Parse(src, nil)
	if tree == nil {
		return nil, fmt.Errorf("pyast: %s: tree-sitter returned no tree", filename)
	}
	defer tree.Close()

	root := tree.RootNode()
	if root.HasError() {
		return nil, syntaxErrors(f, root)
	}
	c := &converter{
		f:      f,
		src:    src,
		cursor: root.Walk(),
		strID:  lang.IdForNodeKind("string", true),
	}
	defer c.cursor.Close()
	f.next = make(map[Stmt]Stmt)
	c.collectStrings(root)
	f.Module = c.module(root)
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	f.snapshot()
	return f, nil
}

// converter turns a tree-sitter tree into pyast nodes.
type converter struct {
	f      *File
	src    []byte
	cursor *tree_sitter.TreeCursor // reused for listing children
	strID  uint16                  // kind id of "string" nodes
	// bad is set when the statement being converted has a part the tree
	// cannot model; the whole statement then becomes an OpaqueStmt.
	bad bool
	// errs holds what Python rejects but tree-sitter accepts: empty blocks
	// and inconsistent indentation.
	errs ErrorList
}

// kids returns n's children without comments and line continuations,
// which tree-sitter lets appear anywhere.
func (c *converter) kids(n *tree_sitter.Node) []*tree_sitter.Node {
	all := n.Children(c.cursor)
	out := make([]*tree_sitter.Node, 0, len(all))
	for i := range all {
		if !all[i].IsExtra() {
			out = append(out, &all[i])
		}
	}
	return out
}

// named returns n's named children, without extras.
func (c *converter) named(n *tree_sitter.Node) []*tree_sitter.Node {
	var out []*tree_sitter.Node
	for _, k := range c.kids(n) {
		if k.IsNamed() {
			out = append(out, k)
		}
	}
	return out
}

// hasToken reports whether n has an anonymous child token tok.
func (c *converter) hasToken(n *tree_sitter.Node, tok string) bool {
	for _, k := range c.kids(n) {
		if !k.IsNamed() && k.Kind() == tok {
			return true
		}
	}
	return false
}

func (c *converter) text(n *tree_sitter.Node) string {
	return string(c.src[n.StartByte():n.EndByte()])
}

func span(n *tree_sitter.Node) Span {
	return Span{Pos(n.StartByte()), Pos(n.EndByte())}
}

// collectStrings records the spans of string literals that contain a
// newline, walking the whole tree once with a cursor.
func (c *converter) collectStrings(root *tree_sitter.Node) {
	cur := root.Walk()
	defer cur.Close()
	for {
		n := cur.Node()
		isString := n.KindId() == c.strID
		if isString {
			s, e := n.StartByte(), n.EndByte()
			if bytes.IndexByte(c.src[s:e], '\n') >= 0 {
				c.f.strings = append(c.f.strings, Span{Pos(s), Pos(e)})
			}
		}
		if !isString && cur.GotoFirstChild() {
			continue
		}
		for !cur.GotoNextSibling() {
			if !cur.GotoParent() {
				return
			}
		}
	}
}

func (c *converter) module(n *tree_sitter.Node) *Module {
	m := &Module{Span: span(n), Body: c.stmts(n)}
	if len(m.Body) > 0 {
		c.f.first, c.f.last = m.Body[0], m.Body[len(m.Body)-1]
	}
	return m
}

// stmts converts the statements directly under a module or block.
func (c *converter) stmts(n *tree_sitter.Node) []Stmt {
	var list []Stmt
	indent, prevKind := "", ""
	for i, k := range c.named(n) {
		s := c.stmt(k)
		if c.startsLine(s.Pos()) {
			in := c.f.lineIndent(s.Pos())
			// A form feed resets the indentation count, as in CPython.
			in = in[strings.LastIndexByte(in, '\f')+1:]
			switch {
			case i == 0 && n.Kind() == "block":
				indent = in
			case in == indent:
			case len(in) > len(indent) && strings.HasPrefix(in, indent) && !isCompound(prevKind):
				c.errorAt(s.Pos(), "unexpected indent")
			default:
				c.errorAt(s.Pos(), "unindent does not match any outer indentation level")
			}
		}
		prevKind = k.Kind()
		list = append(list, s)
	}
	for i := 0; i+1 < len(list); i++ {
		c.f.next[list[i]] = list[i+1]
	}
	return list
}

// block converts the block in field name of n.
func (c *converter) block(n *tree_sitter.Node, name string) []Stmt {
	b := n.ChildByFieldName(name)
	if b == nil || b.Kind() != "block" {
		c.bad = true
		return nil
	}
	list := c.stmts(b)
	if len(list) == 0 {
		// tree-sitter accepts "if x:" followed by an unindented line.
		p := int(b.EndByte())
		for p < len(c.src) && (c.src[p] == ' ' || c.src[p] == '\t' || c.src[p] == '\r' || c.src[p] == '\n') {
			p++
		}
		c.errorAt(Pos(p), "expected an indented block")
		c.bad = true
	}
	return list
}

// isCompound reports whether a tree-sitter statement kind ends in a block.
func isCompound(kind string) bool {
	switch kind {
	case "if_statement", "for_statement", "while_statement", "with_statement", "try_statement",
		"match_statement", "function_definition", "class_definition", "decorated_definition":
		return true
	}
	return false
}

// ident returns the text of an identifier node. tree-sitter lets a keyword
// stand as an identifier in places (a block "def", say); Python does not.
func (c *converter) ident(n *tree_sitter.Node) string {
	s := c.text(n)
	if isKeyword(s) {
		c.errorAt(Pos(n.StartByte()), "syntax error: unexpected "+strconv.Quote(s))
	}
	return s
}

// IsKeyword reports whether s is one of Python 3's hard keywords.
func IsKeyword(s string) bool { return isKeyword(s) }

func isKeyword(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await", "break",
		"class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
		"from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
		"pass", "raise", "return", "try", "while", "with", "yield":
		return true
	}
	return false
}

// startsLine reports whether p starts a logical line: only blanks precede
// it on its line, and the line before does not end in a backslash.
func (c *converter) startsLine(p Pos) bool {
	i := int(p)
	for i > 0 && (c.src[i-1] == ' ' || c.src[i-1] == '\t' || c.src[i-1] == '\f') {
		i--
	}
	if i == 0 {
		return true
	}
	if c.src[i-1] != '\n' && c.src[i-1] != '\r' {
		return false
	}
	j := i - 1
	if c.src[j] == '\n' && j > 0 && c.src[j-1] == '\r' {
		j--
	}
	return j == 0 || c.src[j-1] != '\\'
}

func (c *converter) errorAt(p Pos, msg string) {
	if len(c.errs) < maxErrors {
		c.errs.Add(c.f.Position(p), msg)
	}
}

// stmt converts one statement, falling back to an OpaqueStmt when any part
// of it is outside the model.
func (c *converter) stmt(n *tree_sitter.Node) Stmt {
	saved := c.bad
	c.bad = false
	s := c.stmtKind(n)
	if c.bad || s == nil {
		s = c.opaqueStmt(n)
	}
	c.bad = saved
	return s
}

func (c *converter) opaqueStmt(n *tree_sitter.Node) *OpaqueStmt {
	start, end := int(n.StartByte()), int(n.EndByte())
	s := &OpaqueStmt{
		Span:   span(n),
		Kind:   n.Kind(),
		Text:   string(c.src[start:end]),
		Indent: c.f.lineIndent(Pos(start)),
	}
	for i := start; i < end; i++ {
		if c.src[i] == '\n' && c.f.inString(i+1) {
			s.Verbatim = append(s.Verbatim, i+1-start)
		}
	}
	return s
}

func (c *converter) stmtKind(n *tree_sitter.Node) Stmt {
	sp := span(n)
	switch n.Kind() {
	case "expression_statement":
		return c.exprStmt(n)
	case "return_statement":
		s := &Return{Span: sp}
		if k := c.named(n); len(k) == 1 {
			s.Value = c.expr(k[0])
		}
		return s
	case "pass_statement":
		return &Pass{Span: sp}
	case "break_statement":
		return &Break{Span: sp}
	case "continue_statement":
		return &Continue{Span: sp}
	case "if_statement":
		return c.ifStmt(n)
	case "for_statement":
		s := &For{
			Span:   sp,
			Async:  c.hasToken(n, "async"),
			Target: c.expr(n.ChildByFieldName("left")),
			Iter:   c.expr(n.ChildByFieldName("right")),
			Body:   c.block(n, "body"),
		}
		s.Else = c.elseClause(n.ChildByFieldName("alternative"))
		return s
	case "while_statement":
		s := &While{
			Span: sp,
			Cond: c.expr(n.ChildByFieldName("condition")),
			Body: c.block(n, "body"),
		}
		s.Else = c.elseClause(n.ChildByFieldName("alternative"))
		return s
	case "function_definition":
		return c.funcDef(n, sp, nil)
	case "class_definition":
		return c.classDef(n, sp, nil)
	case "decorated_definition":
		var decos []Expr
		for _, k := range c.named(n) {
			if k.Kind() == "decorator" {
				decos = append(decos, c.onlyChild(k))
			}
		}
		def := n.ChildByFieldName("definition")
		switch {
		case def == nil:
			return nil
		case def.Kind() == "function_definition":
			return c.funcDef(def, sp, decos)
		case def.Kind() == "class_definition":
			return c.classDef(def, sp, decos)
		}
		return nil
	case "import_statement":
		return &Import{Span: sp, Names: c.aliases(n, "name")}
	case "import_from_statement":
		return c.importFrom(n)
	case "future_import_statement":
		return &ImportFrom{Span: sp, Module: "__future__", Names: c.aliases(n, "name")}
	case "global_statement", "nonlocal_statement":
		var names []string
		for _, k := range c.named(n) {
			names = append(names, c.ident(k))
		}
		if n.Kind() == "global_statement" {
			return &Global{Span: sp, Names: names}
		}
		return &Nonlocal{Span: sp, Names: names}
	case "delete_statement":
		s := &Delete{Span: sp}
		for _, k := range c.named(n) {
			if k.Kind() == "expression_list" {
				for _, e := range c.named(k) {
					s.Targets = append(s.Targets, c.expr(e))
				}
			} else {
				s.Targets = append(s.Targets, c.expr(k))
			}
		}
		return s
	case "assert_statement":
		k := c.named(n)
		if len(k) == 0 || len(k) > 2 {
			return nil
		}
		s := &Assert{Span: sp, Test: c.expr(k[0])}
		if len(k) == 2 {
			s.Msg = c.expr(k[1])
		}
		return s
	case "raise_statement":
		s := &Raise{Span: sp}
		cause := n.ChildByFieldName("cause")
		for _, k := range c.named(n) {
			if cause != nil && k.Equals(*cause) {
				continue
			}
			if s.Exc != nil {
				return nil
			}
			s.Exc = c.expr(k)
		}
		if cause != nil {
			s.Cause = c.expr(cause)
		}
		return s
	case "print_statement", "exec_statement":
		// Python 2 statements. "print >>f, x" is still a valid Python 3
		// expression (a tuple); the rest is not.
		word := "print"
		if n.Kind() == "exec_statement" {
			word = "exec"
		}
		chevron := false
		for _, k := range c.named(n) {
			chevron = chevron || k.Kind() == "chevron"
		}
		if !chevron {
			c.errorAt(sp.Start, "syntax error: missing parentheses in call to '"+word+"'")
		}
	}
	// with, try, match, type aliases, ...
	return nil
}

// exprStmt converts an expression_statement: an expression, an
// assignment of any kind, or a bare tuple such as "a, b".
func (c *converter) exprStmt(n *tree_sitter.Node) Stmt {
	sp := span(n)
	k := c.named(n)
	if len(k) == 1 && !c.hasToken(n, ",") {
		switch k[0].Kind() {
		case "assignment":
			return c.assignment(k[0], sp)
		case "augmented_assignment":
			op, ok := binaryOpFor(trimEq(c.fieldText(k[0], "operator")))
			if !ok {
				return nil
			}
			return &AugAssign{
				Span:   sp,
				Target: c.expr(k[0].ChildByFieldName("left")),
				Op:     op,
				Value:  c.rhs(k[0].ChildByFieldName("right")),
			}
		}
		return &ExprStmt{Span: sp, X: c.expr(k[0])}
	}
	t := &Tuple{Span: sp}
	for _, e := range k {
		t.Elts = append(t.Elts, c.expr(e))
	}
	return &ExprStmt{Span: sp, X: t}
}

// trimEq drops the "=" of an augmented assignment operator; a nil node
// gives "" and so no operator.
func trimEq(s string) string {
	if len(s) > 1 && s[len(s)-1] == '=' {
		return s[:len(s)-1]
	}
	return ""
}

// assignment converts "a = b = c", "x: T" and "x: T = v". tree-sitter nests
// chained assignments to the right; they are flattened into Targets.
func (c *converter) assignment(n *tree_sitter.Node, sp Span) Stmt {
	if typ := n.ChildByFieldName("type"); typ != nil {
		s := &AnnAssign{
			Span:       sp,
			Target:     c.expr(n.ChildByFieldName("left")),
			Annotation: c.typeExpr(typ),
		}
		if r := n.ChildByFieldName("right"); r != nil {
			if r.Kind() == "assignment" || r.Kind() == "augmented_assignment" {
				return nil
			}
			s.Value = c.rhs(r)
		}
		return s
	}
	s := &Assign{Span: sp}
	for {
		s.Targets = append(s.Targets, c.expr(n.ChildByFieldName("left")))
		r := n.ChildByFieldName("right")
		if r == nil || r.Kind() == "augmented_assignment" {
			return nil
		}
		if r.Kind() != "assignment" {
			s.Value = c.rhs(r)
			return s
		}
		if r.ChildByFieldName("type") != nil {
			return nil
		}
		n = r
	}
}

// rhs converts the right-hand side of an assignment, where a bare tuple
// and yield may stand.
func (c *converter) rhs(n *tree_sitter.Node) Expr {
	if n != nil && (n.Kind() == "assignment" || n.Kind() == "augmented_assignment") {
		c.bad = true
		return nil
	}
	return c.expr(n)
}

// ifStmt converts an if statement; each elif becomes an If with Elif set in
// the Else of the one before, spanning to the end of the whole statement.
func (c *converter) ifStmt(n *tree_sitter.Node) Stmt {
	top := &If{
		Span: span(n),
		Cond: c.expr(n.ChildByFieldName("condition")),
		Body: c.block(n, "consequence"),
	}
	cur := top
	for _, alt := range n.ChildrenByFieldName("alternative", c.cursor) {
		switch alt.Kind() {
		case "elif_clause":
			elif := &If{
				Span: Span{Pos(alt.StartByte()), top.Stop},
				Elif: true,
				Cond: c.expr(alt.ChildByFieldName("condition")),
				Body: c.block(&alt, "consequence"),
			}
			cur.Else = []Stmt{elif}
			cur = elif
		case "else_clause":
			cur.Else = c.elseClause(&alt)
		}
	}
	return top
}

// elseClause converts an else_clause, or returns nil for a nil node.
func (c *converter) elseClause(n *tree_sitter.Node) []Stmt {
	if n == nil {
		return nil
	}
	return c.block(n, "body")
}

func (c *converter) funcDef(n *tree_sitter.Node, sp Span, decos []Expr) Stmt {
	if n.ChildByFieldName("type_parameters") != nil {
		return nil // def f[T](): the tree has no type parameters
	}
	name := n.ChildByFieldName("name")
	params := n.ChildByFieldName("parameters")
	if name == nil || params == nil {
		return nil
	}
	s := &FunctionDef{
		Span:       sp,
		Decorators: decos,
		Async:      c.hasToken(n, "async"),
		Name:       c.ident(name),
	}
	for _, p := range c.named(params) {
		s.Params = append(s.Params, c.param(p))
	}
	if r := n.ChildByFieldName("return_type"); r != nil {
		s.Returns = c.typeExpr(r)
	}
	s.Body = c.block(n, "body")
	return s
}

// param converts one entry of a parameter list.
func (c *converter) param(n *tree_sitter.Node) *Param {
	p := &Param{Span: span(n)}
	switch n.Kind() {
	case "identifier":
		p.Name = c.ident(n)
	case "keyword_separator":
		p.Kind = ParamKwOnly
	case "positional_separator":
		p.Kind = ParamPosOnly
	case "list_splat_pattern", "dictionary_splat_pattern":
		p.Kind, p.Name = c.splatParam(n)
	case "default_parameter", "typed_default_parameter":
		name := n.ChildByFieldName("name")
		if name == nil || name.Kind() != "identifier" {
			c.bad = true // Python 2 tuple parameter
			return p
		}
		p.Name = c.ident(name)
		if t := n.ChildByFieldName("type"); t != nil {
			p.Annotation = c.typeExpr(t)
		}
		p.Default = c.expr(n.ChildByFieldName("value"))
	case "typed_parameter":
		var inner *tree_sitter.Node
		for _, k := range c.named(n) {
			if k.Kind() != "type" {
				inner = k
			}
		}
		switch {
		case inner == nil:
			c.bad = true
		case inner.Kind() == "identifier":
			p.Name = c.ident(inner)
		default:
			p.Kind, p.Name = c.splatParam(inner)
		}
		p.Annotation = c.typeExpr(n.ChildByFieldName("type"))
	default:
		c.bad = true
	}
	return p
}

// splatParam converts *name or **name in a parameter list.
func (c *converter) splatParam(n *tree_sitter.Node) (ParamKind, string) {
	k := c.named(n)
	if len(k) != 1 || k[0].Kind() != "identifier" {
		c.bad = true
		return ParamNormal, ""
	}
	if n.Kind() == "dictionary_splat_pattern" {
		return ParamKwArgs, c.ident(k[0])
	}
	if n.Kind() != "list_splat_pattern" {
		c.bad = true
	}
	return ParamVarArgs, c.ident(k[0])
}

func (c *converter) classDef(n *tree_sitter.Node, sp Span, decos []Expr) Stmt {
	name := n.ChildByFieldName("name")
	if name == nil || n.ChildByFieldName("type_parameters") != nil {
		return nil
	}
	s := &ClassDef{Span: sp, Decorators: decos, Name: c.ident(name)}
	if sup := n.ChildByFieldName("superclasses"); sup != nil {
		s.Args = c.args(sup)
	}
	s.Body = c.block(n, "body")
	return s
}

// aliases converts the names in field of an import statement.
func (c *converter) aliases(n *tree_sitter.Node, field string) []*Alias {
	var out []*Alias
	for _, k := range n.ChildrenByFieldName(field, c.cursor) {
		a := &Alias{Span: span(&k)}
		switch k.Kind() {
		case "dotted_name":
			a.Name = c.dotted(&k)
		case "aliased_import":
			a.Name = c.dotted(k.ChildByFieldName("name"))
			if as := k.ChildByFieldName("alias"); as != nil {
				a.AsName = c.ident(as)
			} else {
				c.bad = true
			}
		default:
			c.bad = true
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		c.bad = true
	}
	return out
}

// dotted joins the identifiers of a dotted_name with dots, dropping any
// spaces or comments the source had between them.
func (c *converter) dotted(n *tree_sitter.Node) string {
	if n == nil {
		c.bad = true
		return ""
	}
	var b []byte
	for i, k := range c.named(n) {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, c.ident(k)...)
	}
	return string(b)
}

func (c *converter) importFrom(n *tree_sitter.Node) Stmt {
	s := &ImportFrom{Span: span(n)}
	mod := n.ChildByFieldName("module_name")
	switch {
	case mod == nil:
		return nil
	case mod.Kind() == "dotted_name":
		s.Module = c.dotted(mod)
	case mod.Kind() == "relative_import":
		for _, k := range c.named(mod) {
			switch k.Kind() {
			case "import_prefix":
				s.Level = strings.Count(c.text(k), ".")
			case "dotted_name":
				s.Module = c.dotted(k)
			}
		}
	default:
		return nil
	}
	for _, k := range c.named(n) {
		if k.Kind() == "wildcard_import" {
			s.Names = []*Alias{{Span: span(k), Name: "*"}}
			return s
		}
	}
	s.Names = c.aliases(n, "name")
	return s
}
