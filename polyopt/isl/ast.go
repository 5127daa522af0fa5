package isl

/*
#include <stdlib.h>
#include <isl/id.h>
#include <isl/val.h>
#include <isl/set.h>
#include <isl/union_map.h>
#include <isl/schedule.h>
#include <isl/ast.h>
#include <isl/ast_build.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ASTBuild generates loop ASTs from schedules (isl_ast_build). The result
// is translated into the plain Go values below at once, so callers never
// hold isl AST pointers. Its options are those of its Context at the time
// of generation (SetASTBuild...).
type ASTBuild struct{ h *handle }

func (b *ASTBuild) c() *C.isl_ast_build { return (*C.isl_ast_build)(b.h.ptr()) }

// NewASTBuild starts AST generation under the parameter constraints of
// params, such as "[N] -> { : N >= 1 }"; the AST omits tests they imply.
// A nil params means no constraints.
func (c *Context) NewASTBuild(params *Set) (*ASTBuild, error) {
	var p *C.isl_ast_build
	if params == nil {
		p = C.isl_ast_build_alloc(c.ptr())
	} else {
		c.owns(params.h)
		p = C.isl_ast_build_from_context(params.take())
	}
	if p == nil {
		return nil, c.lastError("NewASTBuild")
	}
	b := &ASTBuild{}
	b.h = track(c, b, kindASTBuild, unsafe.Pointer(p))
	return b, nil
}

// Free releases the build.
func (b *ASTBuild) Free() { b.h.free() }

// SetIterators names the generated loop iterators, outermost first;
// deeper loops keep isl's default names (c0, c1, ... by depth). Like the
// other builder setters, a failure frees the build.
func (b *ASTBuild) SetIterators(names []string) error {
	const op = "ASTBuild.SetIterators"
	c := b.h.ctx
	list := C.isl_id_list_alloc(c.p, C.int(len(names)))
	for _, name := range names {
		cs := cString(name)
		id := C.isl_id_alloc(c.p, cs, nil)
		C.free(unsafe.Pointer(cs))
		list = C.isl_id_list_add(list, id)
	}
	if list == nil {
		return c.lastError(op)
	}
	p := C.isl_ast_build_set_iterators(b.c(), list)
	b.h.replace(unsafe.Pointer(p))
	if p == nil {
		return c.lastError(op)
	}
	return nil
}

// NodeFromSchedule generates the AST of a schedule tree.
func (b *ASTBuild) NodeFromSchedule(s *Schedule) (Node, error) {
	const op = "ASTBuild.NodeFromSchedule"
	check(b.h, s.h)
	return b.h.ctx.astNodeGiven(C.isl_ast_build_node_from_schedule(b.c(), s.take()), op)
}

// NodeFromScheduleMap generates the AST of a schedule given as a relation
// from statement instances to time vectors.
func (b *ASTBuild) NodeFromScheduleMap(m *UnionMap) (Node, error) {
	const op = "ASTBuild.NodeFromScheduleMap"
	check(b.h, m.h)
	return b.h.ctx.astNodeGiven(C.isl_ast_build_node_from_schedule_map(b.c(), m.take()), op)
}

// Node is a statement of a generated AST: *For, *If, *Block, *Mark or *User.
type Node interface{ isNode() }

// Expr is an expression of a generated AST: *Op, *Id or *Int.
type Expr interface{ isExpr() }

// For is the loop: for (Iterator = Init; Cond; Iterator += Inc) Body.
type For struct {
	Iterator   string
	Init       Expr
	Cond       Expr // refers to Iterator
	Inc        Expr // a positive constant in practice
	Body       Node
	Degenerate bool // the loop runs exactly once, with Iterator = Init
}

// If is the conditional: if (Cond) Then else Else. Else is nil if absent.
type If struct {
	Cond Expr
	Then Node
	Else Node
}

// Block runs its children in order.
type Block struct {
	Children []Node
}

// Mark carries a mark node of the schedule tree around the Node it marks.
type Mark struct {
	Name string
	Node Node
}

// User is one execution of a statement. Expr is usually a call
// S(e0, e1, ...) of the statement name with the values of its domain
// dimensions expressed in the loop iterators.
type User struct {
	Expr Expr
}

// Op applies an operator to its arguments.
type Op struct {
	Kind OpKind
	Args []Expr
}

// Id is a loop iterator, parameter, or statement name.
type Id struct {
	Name string
}

// Int is an integer constant.
type Int struct {
	Value int64
}

func (*For) isNode()   {}
func (*If) isNode()    {}
func (*Block) isNode() {}
func (*Mark) isNode()  {}
func (*User) isNode()  {}
func (*Op) isExpr()    {}
func (*Id) isExpr()    {}
func (*Int) isExpr()   {}

// OpKind is an AST operator (enum isl_ast_expr_op_type).
type OpKind int

const (
	OpAnd       OpKind = C.isl_ast_expr_op_and      // a && b, both evaluated
	OpAndThen   OpKind = C.isl_ast_expr_op_and_then // a && b, short circuit
	OpOr        OpKind = C.isl_ast_expr_op_or
	OpOrElse    OpKind = C.isl_ast_expr_op_or_else
	OpMax       OpKind = C.isl_ast_expr_op_max // of two or more arguments
	OpMin       OpKind = C.isl_ast_expr_op_min
	OpMinus     OpKind = C.isl_ast_expr_op_minus // unary negation
	OpAdd       OpKind = C.isl_ast_expr_op_add
	OpSub       OpKind = C.isl_ast_expr_op_sub
	OpMul       OpKind = C.isl_ast_expr_op_mul
	OpDiv       OpKind = C.isl_ast_expr_op_div    // exact division
	OpFdivQ     OpKind = C.isl_ast_expr_op_fdiv_q // quotient rounded towards -infinity
	OpPdivQ     OpKind = C.isl_ast_expr_op_pdiv_q // quotient, dividend known non-negative
	OpPdivR     OpKind = C.isl_ast_expr_op_pdiv_r // remainder, dividend known non-negative
	OpZdivR     OpKind = C.isl_ast_expr_op_zdiv_r // remainder, only compared with zero
	OpCond      OpKind = C.isl_ast_expr_op_cond   // a ? b : c
	OpSelect    OpKind = C.isl_ast_expr_op_select // a ? b : c, both evaluated
	OpEq        OpKind = C.isl_ast_expr_op_eq
	OpLe        OpKind = C.isl_ast_expr_op_le
	OpLt        OpKind = C.isl_ast_expr_op_lt
	OpGe        OpKind = C.isl_ast_expr_op_ge
	OpGt        OpKind = C.isl_ast_expr_op_gt
	OpCall      OpKind = C.isl_ast_expr_op_call   // Args[0] is the callee
	OpAccess    OpKind = C.isl_ast_expr_op_access // Args[0] is the array
	OpMember    OpKind = C.isl_ast_expr_op_member
	OpAddressOf OpKind = C.isl_ast_expr_op_address_of
)

// String returns isl's name of the operator, such as "fdiv_q".
func (k OpKind) String() string {
	switch k {
	case OpAnd:
		return "and"
	case OpAndThen:
		return "and_then"
	case OpOr:
		return "or"
	case OpOrElse:
		return "or_else"
	case OpMax:
		return "max"
	case OpMin:
		return "min"
	case OpMinus:
		return "minus"
	case OpAdd:
		return "add"
	case OpSub:
		return "sub"
	case OpMul:
		return "mul"
	case OpDiv:
		return "div"
	case OpFdivQ:
		return "fdiv_q"
	case OpPdivQ:
		return "pdiv_q"
	case OpPdivR:
		return "pdiv_r"
	case OpZdivR:
		return "zdiv_r"
	case OpCond:
		return "cond"
	case OpSelect:
		return "select"
	case OpEq:
		return "eq"
	case OpLe:
		return "le"
	case OpLt:
		return "lt"
	case OpGe:
		return "ge"
	case OpGt:
		return "gt"
	case OpCall:
		return "call"
	case OpAccess:
		return "access"
	case OpMember:
		return "member"
	case OpAddressOf:
		return "address_of"
	}
	return fmt.Sprintf("OpKind(%d)", int(k))
}

// valid reports whether k is an operator this package knows.
func (k OpKind) valid() bool { return k >= OpAnd && k <= OpAddressOf }

// astNodeGiven translates and frees an AST given by isl.
func (c *Context) astNodeGiven(p *C.isl_ast_node, op string) (Node, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	defer C.isl_ast_node_free(p)
	return c.astNode(p, op)
}

// astExprGiven translates and frees an expression given by isl.
func (c *Context) astExprGiven(p *C.isl_ast_expr, op string) (Expr, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	defer C.isl_ast_expr_free(p)
	return c.astExpr(p, op)
}

// astNode translates a node isl keeps ownership of.
func (c *Context) astNode(p *C.isl_ast_node, op string) (Node, error) {
	switch C.isl_ast_node_get_type(p) {
	case C.isl_ast_node_for:
		return c.astFor(p, op)
	case C.isl_ast_node_if:
		return c.astIf(p, op)
	case C.isl_ast_node_block:
		list := C.isl_ast_node_block_get_children(p)
		if list == nil {
			return nil, c.lastError(op)
		}
		defer C.isl_ast_node_list_free(list)
		n := int(C.isl_ast_node_list_size(list))
		b := &Block{Children: make([]Node, 0, n)}
		for i := 0; i < n; i++ {
			child, err := c.astNodeGiven(C.isl_ast_node_list_get_at(list, C.int(i)), op)
			if err != nil {
				return nil, err
			}
			b.Children = append(b.Children, child)
		}
		return b, nil
	case C.isl_ast_node_mark:
		id := C.isl_ast_node_mark_get_id(p)
		if id == nil {
			return nil, c.lastError(op)
		}
		name := keptString(C.isl_id_get_name(id))
		C.isl_id_free(id)
		body, err := c.astNodeGiven(C.isl_ast_node_mark_get_node(p), op)
		if err != nil {
			return nil, err
		}
		return &Mark{Name: name, Node: body}, nil
	case C.isl_ast_node_user:
		e, err := c.astExprGiven(C.isl_ast_node_user_get_expr(p), op)
		if err != nil {
			return nil, err
		}
		return &User{Expr: e}, nil
	}
	return nil, c.lastError(op)
}

func (c *Context) astFor(p *C.isl_ast_node, op string) (Node, error) {
	it, err := c.astExprGiven(C.isl_ast_node_for_get_iterator(p), op)
	if err != nil {
		return nil, err
	}
	id, ok := it.(*Id)
	if !ok {
		return nil, &Error{Op: op, Code: ErrInternal, Msg: "loop iterator is not an identifier"}
	}
	f := &For{Iterator: id.Name}
	if f.Init, err = c.astExprGiven(C.isl_ast_node_for_get_init(p), op); err != nil {
		return nil, err
	}
	if f.Degenerate, err = c.boolResult(C.isl_ast_node_for_is_degenerate(p), op); err != nil {
		return nil, err
	}
	// For a degenerate loop isl synthesises Cond (Iterator <= Init) and
	// Inc (1), so callers can treat every loop alike.
	if f.Cond, err = c.astExprGiven(C.isl_ast_node_for_get_cond(p), op); err != nil {
		return nil, err
	}
	if f.Inc, err = c.astExprGiven(C.isl_ast_node_for_get_inc(p), op); err != nil {
		return nil, err
	}
	if f.Body, err = c.astNodeGiven(C.isl_ast_node_for_get_body(p), op); err != nil {
		return nil, err
	}
	return f, nil
}

func (c *Context) astIf(p *C.isl_ast_node, op string) (Node, error) {
	var n If
	var err error
	if n.Cond, err = c.astExprGiven(C.isl_ast_node_if_get_cond(p), op); err != nil {
		return nil, err
	}
	if n.Then, err = c.astNodeGiven(C.isl_ast_node_if_get_then_node(p), op); err != nil {
		return nil, err
	}
	hasElse, err := c.boolResult(C.isl_ast_node_if_has_else_node(p), op)
	if err != nil {
		return nil, err
	}
	if hasElse {
		if n.Else, err = c.astNodeGiven(C.isl_ast_node_if_get_else_node(p), op); err != nil {
			return nil, err
		}
	}
	return &n, nil
}

// astExpr translates an expression isl keeps ownership of.
func (c *Context) astExpr(p *C.isl_ast_expr, op string) (Expr, error) {
	switch C.isl_ast_expr_get_type(p) {
	case C.isl_ast_expr_id:
		id := C.isl_ast_expr_id_get_id(p)
		if id == nil {
			return nil, c.lastError(op)
		}
		defer C.isl_id_free(id)
		return &Id{Name: keptString(C.isl_id_get_name(id))}, nil
	case C.isl_ast_expr_int:
		v, err := c.valInt(C.isl_ast_expr_int_get_val(p), op)
		if err != nil {
			return nil, err
		}
		return &Int{Value: v}, nil
	case C.isl_ast_expr_op:
		kind := OpKind(C.isl_ast_expr_op_get_type(p))
		if !kind.valid() {
			return nil, &Error{Op: op, Code: ErrUnsupported, Msg: fmt.Sprintf("unknown AST operator %d", int(kind))}
		}
		n := int(C.isl_ast_expr_op_get_n_arg(p))
		e := &Op{Kind: kind, Args: make([]Expr, 0, n)}
		for i := 0; i < n; i++ {
			arg, err := c.astExprGiven(C.isl_ast_expr_op_get_arg(p, C.int(i)), op)
			if err != nil {
				return nil, err
			}
			e.Args = append(e.Args, arg)
		}
		return e, nil
	}
	return nil, c.lastError(op)
}
