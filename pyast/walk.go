package pyast

import "reflect"

// Inspect traverses the tree rooted at node in source order, like
// go/ast.Inspect: it calls f(node); if that returns true it visits each
// non-nil child, then calls f(nil).
func Inspect(node Node, f func(Node) bool) {
	if isNil(node) || !f(node) {
		return
	}
	for _, c := range Children(node) {
		Inspect(c, f)
	}
	f(nil)
}

// Children returns the direct children of node in source order, leaving
// out nil ones.
func Children(node Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, n := range ns {
			if !isNil(n) {
				out = append(out, n)
			}
		}
	}
	addExprs := func(es []Expr) {
		for _, e := range es {
			add(e)
		}
	}
	addStmts := func(ss []Stmt) {
		for _, s := range ss {
			add(s)
		}
	}
	switch n := node.(type) {
	case *Module:
		addStmts(n.Body)
	case *Import:
		for _, a := range n.Names {
			add(a)
		}
	case *ImportFrom:
		for _, a := range n.Names {
			add(a)
		}
	case *FunctionDef:
		addExprs(n.Decorators)
		for _, p := range n.Params {
			add(p)
		}
		add(n.Returns)
		addStmts(n.Body)
	case *Param:
		add(n.Annotation, n.Default)
	case *ClassDef:
		addExprs(n.Decorators)
		addExprs(n.Args)
		addStmts(n.Body)
	case *Return:
		add(n.Value)
	case *Assign:
		addExprs(n.Targets)
		add(n.Value)
	case *AugAssign:
		add(n.Target, n.Value)
	case *AnnAssign:
		add(n.Target, n.Annotation, n.Value)
	case *For:
		add(n.Target, n.Iter)
		addStmts(n.Body)
		addStmts(n.Else)
	case *While:
		add(n.Cond)
		addStmts(n.Body)
		addStmts(n.Else)
	case *If:
		add(n.Cond)
		addStmts(n.Body)
		addStmts(n.Else)
	case *ExprStmt:
		add(n.X)
	case *Delete:
		addExprs(n.Targets)
	case *Assert:
		add(n.Test, n.Msg)
	case *Raise:
		add(n.Exc, n.Cause)
	case *Attribute:
		add(n.X)
	case *Subscript:
		add(n.X, n.Index)
	case *Slice:
		add(n.Lo, n.Hi, n.Step)
	case *Call:
		add(n.Func)
		addExprs(n.Args)
	case *Keyword:
		add(n.Value)
	case *Starred:
		add(n.X)
	case *DoubleStarred:
		add(n.X)
	case *BinOp:
		add(n.X, n.Y)
	case *UnaryOp:
		add(n.X)
	case *BoolOp:
		add(n.X, n.Y)
	case *Compare:
		add(n.X)
		addExprs(n.Ys)
	case *IfExp:
		add(n.Body, n.Cond, n.Else)
	case *NamedExpr:
		add(n.Target, n.Value)
	case *Tuple:
		addExprs(n.Elts)
	case *List:
		addExprs(n.Elts)
	case *Set:
		addExprs(n.Elts)
	case *Dict:
		for i, v := range n.Values {
			if i < len(n.Keys) {
				add(n.Keys[i])
			}
			add(v)
		}
	case *ListComp:
		add(n.Elt)
		for _, g := range n.Generators {
			add(g)
		}
	case *GeneratorExp:
		add(n.Elt)
		for _, g := range n.Generators {
			add(g)
		}
	case *Comprehension:
		add(n.Target, n.Iter)
		addExprs(n.Ifs)
	case *Yield:
		add(n.Value)
	case *Await:
		add(n.X)
	}
	// Alias, Pass, Break, Continue, Global, Nonlocal, Name, Num, Str,
	// Constant, OpaqueStmt and OpaqueExpr have no children.
	return out
}

// isNil reports whether n is nil or a typed nil pointer, as a nil *Name
// stored in an Expr field would be.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
