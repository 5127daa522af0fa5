// Package polyopt owns pyparc's polyhedral model of Python functions: static control parts
// (SCoPs) extracted from loop nests over NumPy arrays, their iteration domains and affine
// access relations, the dependences isl computes between their statements, and which loops
// carry them. It produces no Python text: that is emit's job.
//
// One structure, the SCoP, goes through extract -> dependences -> (schedules, codegen), as in
// PPCG and Pluto. Everything a SCoP cannot model is left out of it as an Opaque part with the
// reason, the source position and a message for `pyparc explain`.
package polyopt

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// SCoP is a static control part: a maximal run of statements of one function whose control
// flow is for-range loops and ifs with affine bounds and conditions, and whose array accesses
// are affine.
type SCoP struct {
	Func  string    // the function's qualified name
	Pos   pyast.Pos // start of the first statement
	End   pyast.Pos // end of the last statement
	Body  []pyast.Stmt
	Stmts []*Stmt
	Loops []*Loop // every loop of the SCoP, outer before inner

	// Params are the symbolic parameters: int arguments and shape symbols, sorted.
	Params []string
	// ParamSource says, per parameter, the Python expression that gives its value at run
	// time ("n", "A.shape[0]"): the guard and the generated code read parameters through it.
	ParamSource map[string]string
	// Context constrains the parameters: "[N, M] -> { : N >= 0 and M >= 0 }".
	Context string
	// Arrays are the arrays the statements access, by name.
	Arrays map[string]*Array
	// MaybeComplex names the scalar parameters that may hold a complex number (recorded or
	// declared complex, alone or in a union): code generation must not store their products
	// into real arrays as whole-array code.
	MaybeComplex map[string]bool
	// Modules maps the names the module binds to modules ("m" -> "math" after import math as
	// m), for the code generators to tell math.sqrt from numpy.sqrt.
	Modules map[string]string
	// NonInt names the scalar parameters recorded as other than int (float, bool, complex,
	// NumPy scalars): a value reading one may be no int.
	NonInt map[string]bool
	// OuterIndices names the parameters that are indices of loops around the SCoP that the
	// model does not cover: they change while the function runs.
	OuterIndices map[string]bool
	// IntBits bounds the int parameters and shape symbols the guard admits, |n| <= 2**IntBits,
	// so that every int the statements compute stays within int64, as Python's exact ints
	// would (see intrange.go).
	IntBits int
	// FloatIntBits bounds the ints the guard admits for float parameters (float, complex,
	// NumPy scalar, a union with a number), |x| <= 2**FloatIntBits <= 2**IntBits: a float
	// computes in floats, an int passed there in int64. -1: no bound keeps those ints in
	// range, and the guard admits floats only there.
	FloatIntBits int
	// SizeChecks are the shapes and list lengths ("A.shape[0]", "len(P)") that bound its ints
	// as sizes: the guard checks them against 2**IntBits too, since a broadcast view's shape
	// may exceed any memory.
	SizeChecks []string
	// intPos and intWhy say, when no bound keeps the ints in range, what leaves it.
	intPos pyast.Pos
	intWhy string
}

// Array is a NumPy array (or a scalar variable, with rank 0) accessed in a SCoP.
type Array struct {
	Name   string
	DType  string   // "float64"; empty for a Python scalar
	Extent []Affine // per dimension, in parameters
	Scalar bool     // a Python local variable, modelled as a rank-0 array
}

// Stmt is one statement of a SCoP: an assignment executed once per point of its domain.
type Stmt struct {
	Name   string     // S0, S1, ...: its isl tuple name
	Node   pyast.Stmt // the Python statement
	Iters  []string   // enclosing loop iterators, outer first
	Loops  []*Loop    // the enclosing loops, outer first
	Domain string     // isl set: "[N] -> { S0[i, j] : 0 <= i < N and ... }"
	// Schedule is the original execution order in 2d+1 form: "{ S0[i, j] -> [0, i, 1, j, 0] }",
	// padded with zeros to the SCoP's deepest nest.
	Schedule string
	Reads    []Access
	Writes   []Access
	// Reduction is the operator ("+", "*") when the statement updates one location with an
	// associative operator (x += e, C[i, j] = C[i, j] + e), else "".
	Reduction string
	// Check marks "if cond: raise E(...)" on values the SCoP computes: a statement that
	// reads and writes nothing. Every loop around it stays sequential (see Analyze).
	Check bool
	// Call marks a call statement (build_calls.go): v = f(...) with f a pure function of the
	// module or NumPy's, run as written; only the Ray variant covers SCoPs that have one.
	Call bool
	// Divisors are the affine divisors of its divisions of Python numbers, which raise
	// ZeroDivisionError where the variants do not (divzero.go).
	Divisors []Divisor
}

// Access is one array reference of a statement.
type Access struct {
	Node  pyast.Expr // the subscript or name in the source
	Array string
	Index []Affine
	// Free marks the dimensions a call statement reads whole (A passed to a function, the
	// row S[k]): Index holds 0 there and the relation spans the extent. nil: none.
	Free     []bool
	Relation string // isl map: "[N] -> { S0[i, j] -> A[i, j + 1] }"
}

// Loop is one for-range loop of a SCoP.
type Loop struct {
	Iter      string
	Node      *pyast.For
	Depth     int    // 0 for an outermost loop of the SCoP
	Lo, Hi    Affine // range(Lo, Hi, Step)
	Step      int64
	Stmts     []*Stmt // every statement inside, at any depth
	SchedDim  int     // its dimension in the statements' 2d+1 schedules
	SchedPre  []int64 // the constant schedule positions before it, which identify it
	Parallel  bool    // set by Analyze: it carries no dependence
	Reduction bool    // set by Analyze: it carries only dependences of reductions
	// Summed, set by Analyze on a Reduction loop, names the statements whose reductions it
	// carries (the cells they update are the same in several of its iterations).
	Summed []string
	// Anti is set by Analyze when the loop carries, besides dependences of reductions and of
	// scalars private to each iteration, only anti dependences on arrays from a statement to
	// itself or to a statement after it in the source. Whole-array code that runs the
	// statements one after another, each reading all it reads before it writes (NumPy's order),
	// keeps those: every read of an earlier iteration still comes before the later write.
	// Parallel and Reduction are false then.
	Anti      bool
	CarriedBy []string
	// Expand, set by Analyze, lists the arrays whose anti and output dependences are all that
	// keeps a sequential loop from being parallel, where one copy of each array per iteration
	// of the loop (array expansion) removes them: see expandable. Parallel stays false, as
	// only the NumPy variant expands.
	Expand []Expansion
	// Order, set by Analyze on a loop that is otherwise sequential, names its statements in an
	// order in which whole-array code may run them, each for all of its points, where the
	// source order would reverse a dependence it carries (see reorderLoops): isl proved that
	// this order keeps every dependence. Parallel stays false, as only the NumPy variant
	// distributes the loop.
	Order []string
	// SplitAt, set by Analyze on a sequential loop of step 1, names an enclosing loop's index
	// k such that the loop run in three pieces in order, indices below k, at k and above k,
	// has no dependence between two iterations of one piece (index-set splitting, see
	// split.go): the first and the last piece may run in parallel.
	SplitAt string
	// SharedScalar, set by Analyze, says some scalar the loop's statements write carries a
	// value into an iteration from another iteration or from before the loop (see
	// markSharedScalars): prange, which gives each iteration its own copy, cannot run it.
	SharedScalar bool
	Unanalyzed   bool // Analyze was not run or failed
}

// Opaque is a part of a function that no SCoP covers, with why.
type Opaque struct {
	Kind   RejectKind
	Pos    pyast.Pos
	Reason string
}

// RejectKind is one reason a region is not optimized; each has its own message and counter.
type RejectKind int

const (
	RejectNonAffineBound RejectKind = iota // a loop bound is not affine
	RejectNonRangeLoop                     // a for loop not over range(), or a while loop
	RejectNonAffineIndex                   // an array subscript is not affine
	RejectNonAffineCond                    // an if condition is not affine
	RejectCall                             // a call pyparc cannot prove free of side effects
	RejectUnknownArray                     // a subscripted name that is not a known array
	RejectControl                          // break, continue, return or raise inside a loop
	RejectStatement                        // a statement kind the model does not cover
	RejectNonConstStep                     // a range step that is not a nonzero constant
	RejectShadowedIter                     // an iterator assigned in its loop, or reused
	RejectSlice                            // a NumPy slice or whole-array expression
	RejectIntRange                         // an int may leave int64 where Python's is exact
	numRejectKinds
)

var rejectNames = [numRejectKinds]string{
	"non-affine-bound", "non-range-loop", "non-affine-index", "non-affine-condition", "call",
	"unknown-array", "control-flow", "statement", "non-constant-step", "iterator-assigned", "slice", "int-range",
}

func (k RejectKind) String() string {
	if k >= 0 && k < numRejectKinds {
		return rejectNames[k]
	}
	return fmt.Sprintf("RejectKind(%d)", int(k))
}

// paramPrefix is the isl parameter list "[N, M] -> ".
func (s *SCoP) paramPrefix() string {
	return "[" + strings.Join(s.Params, ", ") + "] -> "
}

// HasCalls reports a SCoP with a call statement.
func (s *SCoP) HasCalls() bool {
	for _, st := range s.Stmts {
		if st.Call {
			return true
		}
	}
	return false
}

// sequentialNests returns the loops at the top level of s that Analyze marked as carrying a
// dependence: the nests a reordered schedule may speed up.
func (s *SCoP) sequentialNests() []*Loop {
	var out []*Loop
	for _, st := range s.Body {
		if f, ok := st.(*pyast.For); ok {
			if l := s.loopOf(f); l != nil && !l.Unanalyzed && !l.Parallel {
				out = append(out, l)
			}
		}
	}
	return out
}

// loopOf is the loop of the for statement f, nil if f is not one of s's loops.
func (s *SCoP) loopOf(f *pyast.For) *Loop {
	for _, l := range s.Loops {
		if l.Node == f {
			return l
		}
	}
	return nil
}

// StmtByName returns the statement with the given isl name.
func (s *SCoP) StmtByName(name string) *Stmt {
	for _, st := range s.Stmts {
		if st.Name == name {
			return st
		}
	}
	return nil
}
