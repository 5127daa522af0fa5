package pyast

// BinaryOp is the operator of a BinOp or AugAssign.
type BinaryOp int

const (
	Add      BinaryOp = iota // +
	Sub                      // -
	Mul                      // *
	MatMul                   // @
	Div                      // /
	FloorDiv                 // //
	Mod                      // %
	Pow                      // **
	LShift                   // <<
	RShift                   // >>
	BitOr                    // |
	BitXor                   // ^
	BitAnd                   // &
)

var binaryOpText = [...]string{
	Add: "+", Sub: "-", Mul: "*", MatMul: "@", Div: "/", FloorDiv: "//", Mod: "%",
	Pow: "**", LShift: "<<", RShift: ">>", BitOr: "|", BitXor: "^", BitAnd: "&",
}

// String returns the operator as Python writes it.
func (op BinaryOp) String() string {
	if op < 0 || int(op) >= len(binaryOpText) {
		return "?"
	}
	return binaryOpText[op]
}

// binaryOpFor maps an operator token, without a trailing "=", to its BinaryOp.
func binaryOpFor(tok string) (BinaryOp, bool) {
	for i, s := range binaryOpText {
		if s == tok {
			return BinaryOp(i), true
		}
	}
	return 0, false
}

// UnaryOperator is the operator of a UnaryOp.
type UnaryOperator int

const (
	UAdd   UnaryOperator = iota // +x
	USub                        // -x
	Invert                      // ~x
	Not                         // not x
)

// String returns the operator as Python writes it.
func (op UnaryOperator) String() string {
	switch op {
	case UAdd:
		return "+"
	case USub:
		return "-"
	case Invert:
		return "~"
	case Not:
		return "not"
	}
	return "?"
}

// BoolOperator is the operator of a BoolOp.
type BoolOperator int

const (
	And BoolOperator = iota
	Or
)

// String returns "and" or "or".
func (op BoolOperator) String() string {
	if op == Or {
		return "or"
	}
	return "and"
}

// CmpOp is one operator of a Compare.
type CmpOp int

const (
	Eq    CmpOp = iota // ==
	NotEq              // !=
	Lt                 // <
	LtE                // <=
	Gt                 // >
	GtE                // >=
	Is                 // is
	IsNot              // is not
	In                 // in
	NotIn              // not in
)

var cmpOpText = [...]string{
	Eq: "==", NotEq: "!=", Lt: "<", LtE: "<=", Gt: ">", GtE: ">=",
	Is: "is", IsNot: "is not", In: "in", NotIn: "not in",
}

// String returns the operator as Python writes it.
func (op CmpOp) String() string {
	if op < 0 || int(op) >= len(cmpOpText) {
		return "?"
	}
	return cmpOpText[op]
}

// cmpOpFor maps an operator, with its words joined by one space, to its CmpOp.
// "<>" is Python 2 only but tree-sitter accepts it; it means !=.
func cmpOpFor(tok string) (CmpOp, bool) {
	if tok == "<>" {
		return NotEq, true
	}
	for i, s := range cmpOpText {
		if s == tok {
			return CmpOp(i), true
		}
	}
	return 0, false
}

// Operator precedence, lowest first, after the Python reference's table.
// The printer parenthesizes an operand whose precedence is below what its
// position requires. The three lowest levels are forms that Python accepts
// bare only in a few places: a walrus nearly nowhere, yield only as a
// statement or right-hand side, a tuple without parentheses only as a whole
// statement, target, return value, loop iterable or subscript.
const (
	precWalrus  = -3
	precYield   = -2
	precTuple   = -1
	precLambda  = 0
	precIfExp   = 1
	precOr      = 2
	precAnd     = 3
	precNot     = 4
	precCompare = 5
	precBitOr   = 6
	precBitXor  = 7
	precBitAnd  = 8
	precShift   = 9
	precArith   = 10 // + -
	precTerm    = 11 // * @ / // %
	precUnary   = 12 // +x -x ~x
	precPow     = 13
	precAwait   = 14
	precPrimary = 15 // x.a x[i] f(x)
	precAtom    = 16
)

// prec returns the precedence of a binary operator.
func (op BinaryOp) prec() int {
	switch op {
	case Add, Sub:
		return precArith
	case Mul, MatMul, Div, FloorDiv, Mod:
		return precTerm
	case Pow:
		return precPow
	case LShift, RShift:
		return precShift
	case BitOr:
		return precBitOr
	case BitXor:
		return precBitXor
	case BitAnd:
		return precBitAnd
	}
	return precAtom
}
