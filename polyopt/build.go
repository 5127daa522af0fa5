package polyopt

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// builder turns statements into SCoP statements; it stops at the first thing it cannot model.
type builder struct {
	x       *extractor
	stmts   []*Stmt
	loops   []*Loop
	count   int                // statements built
	next    int64              // schedule position of the next top-level statement
	cons    map[*Stmt][]string // domain constraints per statement
	condOps map[*Stmt][]Affine // the affine operands of those constraints, for the parameters
	pre     map[*Stmt][]int64  // schedule positions per statement, one per depth plus one
	scalars map[string]bool    // Python locals modelled as rank-0 arrays
	exists  int                // counter for existential variables
	calls   int                // call statements built
	inside  map[string]int     // the names the top-level statement being built binds
}

func (x *extractor) newBuilder() *builder {
	return &builder{x: x, cons: map[*Stmt][]string{}, condOps: map[*Stmt][]Affine{}, pre: map[*Stmt][]int64{},
		scalars: map[string]bool{}}
}

// nest is where a statement sits: its enclosing loops, the constraints of the enclosing ifs,
// and its schedule prefix.
type nest struct {
	loops   []*Loop
	conds   []string
	condOps []Affine // the affine operands of conds
	pre     []int64
	next    *int64
}

// liftedByCall reports the reasons a call statement may lift: the value calls a function or
// uses arrays whole or by rows.
func liftedByCall(k RejectKind) bool {
	return k == RejectCall || k == RejectSlice || k == RejectUnknownArray || k == RejectStatement
}

func (b *builder) reject(kind RejectKind, n pyast.Node, format string, args ...any) *Opaque {
	return &Opaque{Kind: kind, Pos: n.Pos(), Reason: fmt.Sprintf(format, args...)}
}

func (b *builder) stmt(s pyast.Stmt, _ []*Loop, _ []string) *Opaque {
	b.inside = map[string]int{}
	countAssignments([]pyast.Stmt{s}, b.inside, true)
	return b.stmtIn(s, nest{next: &b.next})
}

func (b *builder) stmtIn(s pyast.Stmt, in nest) *Opaque {
	switch s := s.(type) {
	case *pyast.Pass:
		return nil
	case *pyast.ExprStmt:
		if _, ok := s.X.(*pyast.Str); ok {
			return nil
		}
		if c, ok := s.X.(*pyast.Call); ok {
			return b.reject(RejectCall, s, "call %s may have side effects", exprText(b.x.fn.File, c.Func))
		}
		return b.reject(RejectStatement, s, "an expression statement is not modelled")
	case *pyast.For:
		return b.forLoop(s, in)
	case *pyast.If:
		return b.ifStmt(s, in)
	case *pyast.Assign:
		if len(s.Targets) != 1 {
			return b.reject(RejectStatement, s, "chained assignment is not modelled")
		}
		if len(in.loops) == 0 && (b.definesAffineLocals(s) || b.x.allocs[s]) {
			return nil
		}
		op := b.assign(s, s.Targets[0], s.Value, "", in)
		if op != nil && len(in.loops) > 0 && liftedByCall(op.Kind) {
			cop := b.callStmt(s, s.Targets[0], s.Value, in)
			if cop == nil {
				return nil
			}
			if op.Kind == RejectCall {
				return cop // why the call cannot be a call statement says more
			}
		}
		return op
	case *pyast.AugAssign:
		op := ""
		switch s.Op {
		case pyast.Add, pyast.Sub:
			op = "+"
		case pyast.Mul:
			op = "*"
		}
		return b.assign(s, s.Target, s.Value, op, in)
	case *pyast.AnnAssign:
		if s.Value == nil {
			return nil
		}
		return b.assign(s, s.Target, s.Value, "", in)
	case *pyast.While:
		return b.reject(RejectNonRangeLoop, s, "a while loop has no affine trip count")
	case *pyast.Break, *pyast.Continue, *pyast.Return, *pyast.Raise:
		return b.reject(RejectControl, s, "%s leaves the loop nest early", strings.Fields(exprText(b.x.fn.File, s))[0])
	}
	return b.reject(RejectStatement, s, "this kind of statement is not modelled")
}

// definesAffineLocals reports the assignments that bound affine locals (n = A.shape[0]).
func (b *builder) definesAffineLocals(s *pyast.Assign) bool {
	var names []pyast.Expr
	switch t := s.Targets[0].(type) {
	case *pyast.Name:
		names = []pyast.Expr{t}
	case *pyast.Tuple:
		names = t.Elts
	default:
		return false
	}
	for _, n := range names {
		nm, ok := n.(*pyast.Name)
		if !ok {
			return false
		}
		if _, ok := b.x.ints[nm.Id]; !ok {
			return false
		}
	}
	return true
}

func (b *builder) forLoop(s *pyast.For, in nest) *Opaque {
	target, ok := s.Target.(*pyast.Name)
	if !ok {
		return b.reject(RejectNonRangeLoop, s, "the loop target is not a single name")
	}
	call, ok := s.Iter.(*pyast.Call)
	var fname *pyast.Name
	if ok {
		fname, _ = call.Func.(*pyast.Name)
	}
	if fname == nil || fname.Id != "range" || len(call.Args) < 1 || len(call.Args) > 3 ||
		b.x.assigned["range"] > 0 || b.x.localDefs["range"] > 0 || b.x.moduleBound()["range"] > 0 {
		return b.reject(RejectNonRangeLoop, s.Iter, "the loop is not over range(...)")
	}
	if len(s.Else) > 0 {
		return b.reject(RejectStatement, s, "a for loop with an else clause is not modelled")
	}
	for _, l := range in.loops {
		if l.Iter == target.Id {
			return b.reject(RejectShadowedIter, s.Target, "the loop reuses the iterator %s of an enclosing loop", target.Id)
		}
	}
	if _, isParam := b.x.ints[target.Id]; isParam || b.x.arrays[target.Id] != nil {
		return b.reject(RejectShadowedIter, s.Target, "the loop variable %s shadows a parameter", target.Id)
	}
	inner := map[string]int{}
	countAssignments(s.Body, inner, true)
	if inner[target.Id] > 0 {
		return b.reject(RejectShadowedIter, s.Target, "the iterator %s is assigned inside its loop", target.Id)
	}
	env := b.envFor(in)
	args := make([]Affine, len(call.Args))
	for i, a := range call.Args {
		if _, ok := a.(*pyast.Keyword); ok {
			return b.reject(RejectNonRangeLoop, a, "range() with keyword arguments")
		}
		aff, why := toAffine(a, env)
		if why != "" {
			return b.reject(RejectNonAffineBound, a, "loop bound %s: %s", exprText(b.x.fn.File, a), why)
		}
		args[i] = aff
	}
	loop := &Loop{Iter: target.Id, Node: s, Depth: len(in.loops), Step: 1, Lo: constAff(0)}
	switch len(args) {
	case 1:
		loop.Hi = args[0]
	default:
		loop.Lo, loop.Hi = args[0], args[1]
		if len(args) == 3 {
			if !args[2].IsConst() || args[2].Const == 0 {
				return b.reject(RejectNonConstStep, call.Args[2], "the range step is not a nonzero constant")
			}
			loop.Step = args[2].Const
		}
	}
	pos := *in.next
	*in.next++
	loop.SchedPre = append(append([]int64(nil), in.pre...), pos)
	loop.SchedDim = 2*loop.Depth + 1
	var next int64
	body := nest{loops: append(append([]*Loop(nil), in.loops...), loop), conds: in.conds,
		condOps: in.condOps, pre: loop.SchedPre, next: &next}
	b.loops = append(b.loops, loop)
	for _, st := range s.Body {
		if op := b.stmtIn(st, body); op != nil {
			return op
		}
	}
	return nil
}

// loopConstraints are the domain constraints of one loop on its iterator.
func (b *builder) loopConstraints(l *Loop) []string {
	i := l.Iter
	var cons []string
	if l.Step > 0 {
		cons = append(cons, fmt.Sprintf("%s <= %s", l.Lo, i), fmt.Sprintf("%s <= %s", i, l.Hi.add(constAff(1), -1)))
	} else {
		cons = append(cons, fmt.Sprintf("%s <= %s", l.Hi.add(constAff(1), 1), i), fmt.Sprintf("%s <= %s", i, l.Lo))
	}
	if l.Step != 1 && l.Step != -1 {
		e := fmt.Sprintf("e%d", b.exists)
		b.exists++
		cons = append(cons, fmt.Sprintf("exists (%s : %s = %s + %d*%s)", e, i, l.Lo, l.Step, e))
	}
	return cons
}

func (b *builder) ifStmt(s *pyast.If, in nest) *Opaque {
	env := b.envFor(in)
	cond, why := b.condition(s.Cond, env, false)
	if why != "" && isCheck(s) {
		return b.check(s, in)
	}
	if why != "" {
		return b.reject(RejectNonAffineCond, s.Cond, "if condition %s: %s", exprText(b.x.fn.File, s.Cond), why)
	}
	neg, _ := b.condition(s.Cond, env, true)
	ops := append(append([]Affine(nil), in.condOps...), condOperands(s.Cond, env)...)
	then := in
	then.conds = append(append([]string(nil), in.conds...), cond)
	then.condOps = ops
	for _, st := range s.Body {
		if op := b.stmtIn(st, then); op != nil {
			return op
		}
	}
	els := in
	els.conds = append(append([]string(nil), in.conds...), neg)
	els.condOps = ops
	for _, st := range s.Else {
		if op := b.stmtIn(st, els); op != nil {
			return op
		}
	}
	return nil
}

// condOperands are the affine operands of the comparisons in an if's condition. Their
// variables become parameters of the SCoP like those of subscripts and loop bounds: the
// index of a loop around the SCoP may appear in a condition and nowhere else.
func condOperands(e pyast.Expr, env affineEnv) []Affine {
	var out []Affine
	pyast.Inspect(e, func(n pyast.Node) bool {
		c, ok := n.(*pyast.Compare)
		if !ok {
			return true
		}
		for _, o := range append([]pyast.Expr{c.X}, c.Ys...) {
			if a, why := toAffine(o, env); why == "" {
				out = append(out, a)
			}
		}
		return false
	})
	return out
}

// condition renders an affine condition (or its negation) as an isl constraint.
func (b *builder) condition(e pyast.Expr, env affineEnv, negate bool) (string, string) {
	switch e := e.(type) {
	case *pyast.BoolOp:
		x, why := b.condition(e.X, env, negate)
		if why != "" {
			return "", why
		}
		y, why := b.condition(e.Y, env, negate)
		if why != "" {
			return "", why
		}
		and := e.Op == pyast.And
		if negate {
			and = !and
		}
		if and {
			return "(" + x + " and " + y + ")", ""
		}
		return "(" + x + " or " + y + ")", ""
	case *pyast.UnaryOp:
		if e.Op == pyast.Not {
			return b.condition(e.X, env, !negate)
		}
	case *pyast.Compare:
		operands := append([]pyast.Expr{e.X}, e.Ys...)
		affs := make([]Affine, len(operands))
		for i, o := range operands {
			a, why := toAffine(o, env)
			if why != "" {
				return "", why
			}
			affs[i] = a
		}
		var parts []string
		for i, op := range e.Ops {
			c, ok := comparison(affs[i], op, affs[i+1], negate)
			if !ok {
				return "", "comparison " + op.String() + " is not affine"
			}
			parts = append(parts, c)
		}
		joiner := " and "
		if negate {
			joiner = " or "
		}
		return "(" + strings.Join(parts, joiner) + ")", ""
	}
	return "", "it is not a comparison of affine expressions"
}

func comparison(x Affine, op pyast.CmpOp, y Affine, negate bool) (string, bool) {
	sym := map[pyast.CmpOp][2]string{
		pyast.Lt: {"<", ">="}, pyast.LtE: {"<=", ">"}, pyast.Gt: {">", "<="},
		pyast.GtE: {">=", "<"}, pyast.Eq: {"=", "!="}, pyast.NotEq: {"!=", "="},
	}
	s, ok := sym[op]
	if !ok {
		return "", false
	}
	rel := s[0]
	if negate {
		rel = s[1]
	}
	if rel == "!=" {
		return fmt.Sprintf("(%s < %s or %s > %s)", x, y, x, y), true
	}
	return fmt.Sprintf("%s %s %s", x, rel, y), true
}

// envFor is the affine environment inside a nest: parameters plus its iterators.
func (b *builder) envFor(in nest) affineEnv {
	return nestEnv{b.x, in.loops}
}

type nestEnv struct {
	x     *extractor
	loops []*Loop
}

func (e nestEnv) affineName(name string) (Affine, bool) {
	for _, l := range e.loops {
		if l.Iter == name {
			return varAff(name), true
		}
	}
	return e.x.affineName(name)
}

func (e nestEnv) shapeDim(array string, dim int) (Affine, bool) { return e.x.shapeDim(array, dim) }

// assign builds one statement: target (op)= value.
func (b *builder) assign(s pyast.Stmt, target, value pyast.Expr, augOp string, in nest) *Opaque {
	env := b.envFor(in)
	st := &Stmt{Node: s}
	for _, l := range in.loops {
		st.Iters = append(st.Iters, l.Iter)
	}
	st.Loops = in.loops
	w, op := b.access(target, env, true)
	if op != nil {
		return op
	}
	st.Writes = []Access{w}
	if isAug(s) {
		st.Reads = append(st.Reads, w)
	}
	if op := b.reads(value, env, st); op != nil {
		return op
	}
	if aug, ok := s.(*pyast.AugAssign); ok && (aug.Op == pyast.Div || aug.Op == pyast.FloorDiv || aug.Op == pyast.Mod) {
		b.divisor(target, value, env, st) // s /= k on a Python number
	}
	st.Reduction = augOp
	if augOp == "" {
		st.Reduction = b.selfUpdate(target, value)
	}
	if st.Reduction != "" && readsOtherwise(st, w) {
		st.Reduction = "" // the update also reads its target elsewhere: not a plain reduction
	}
	b.record(st, in)
	return nil
}

// record gives a built statement its place: the next position in its nest's schedule, the
// conditions around it, its isl name, and membership of every loop around it.
func (b *builder) record(st *Stmt, in nest) {
	pos := *in.next
	*in.next++
	b.pre[st] = append(append([]int64(nil), in.pre...), pos)
	b.cons[st] = append([]string(nil), in.conds...)
	b.condOps[st] = in.condOps
	st.Name = fmt.Sprintf("S%d", len(b.stmts))
	b.stmts = append(b.stmts, st)
	for _, l := range in.loops {
		l.Stmts = append(l.Stmts, st)
	}
	b.count++
}

func isAug(s pyast.Stmt) bool {
	_, ok := s.(*pyast.AugAssign)
	return ok
}

// selfUpdate recognizes target = target + e (and *), the spelled-out form of +=.
func (b *builder) selfUpdate(target, value pyast.Expr) string {
	bin, ok := value.(*pyast.BinOp)
	if !ok || (bin.Op != pyast.Add && bin.Op != pyast.Mul) {
		return ""
	}
	t := exprText(b.x.fn.File, target)
	if exprText(b.x.fn.File, bin.X) == t || exprText(b.x.fn.File, bin.Y) == t {
		if bin.Op == pyast.Add {
			return "+"
		}
		return "*"
	}
	return ""
}

// readsOtherwise reports a statement that reads its target location more than the one time
// an update does.
func readsOtherwise(st *Stmt, w Access) bool {
	n := 0
	for _, r := range st.Reads {
		if r.Array == w.Array && sameIndex(r.Index, w.Index) {
			n++
		}
	}
	return n > 1
}

func sameIndex(a, b []Affine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].String() != b[i].String() {
			return false
		}
	}
	return true
}

// access builds the access of a subscript or a scalar name.
func (b *builder) access(e pyast.Expr, env affineEnv, write bool) (Access, *Opaque) {
	switch e := e.(type) {
	case *pyast.Name:
		if b.x.arrays[e.Id] != nil {
			return Access{}, b.reject(RejectSlice, e, "whole-array use of %s is not modelled yet", e.Id)
		}
		if write && b.x.globalNames[e.Id] {
			return Access{}, b.reject(RejectStatement, e, "%s is declared global: the loop writes a module variable", e.Id)
		}
		if _, ok := env.affineName(e.Id); ok {
			return Access{}, b.reject(RejectShadowedIter, e, "%s is a loop index or parameter and is assigned", e.Id)
		}
		b.scalars[e.Id] = true
		return Access{Node: e, Array: e.Id}, nil
	case *pyast.Subscript:
		arr, ok := e.X.(*pyast.Name)
		if !ok || b.x.arrays[arr.Id] == nil {
			return Access{}, b.reject(RejectUnknownArray, e, "%s is not an array parameter with a known shape", exprText(b.x.fn.File, e.X))
		}
		a := b.x.arrays[arr.Id]
		idx := []pyast.Expr{e.Index}
		if t, ok := e.Index.(*pyast.Tuple); ok {
			idx = t.Elts
		}
		if len(idx) != len(a.Extent) {
			return Access{}, b.reject(RejectSlice, e, "%s has %d dimensions but %d subscripts (a row or slice is not modelled yet)",
				arr.Id, len(a.Extent), len(idx))
		}
		acc := Access{Node: e, Array: arr.Id}
		for _, ix := range idx {
			if _, ok := ix.(*pyast.Slice); ok {
				return Access{}, b.reject(RejectSlice, ix, "slices are not modelled yet")
			}
			aff, why := toAffine(ix, env)
			if why != "" {
				return Access{}, b.reject(RejectNonAffineIndex, ix, "subscript %s: %s", exprText(b.x.fn.File, ix), why)
			}
			acc.Index = append(acc.Index, aff)
		}
		return acc, nil
	}
	return Access{}, b.reject(RejectStatement, e, "assignment to %s is not modelled", exprText(b.x.fn.File, e))
}

// pureFuncs are callables known to compute a value from their arguments and nothing else.
var pureFuncs = map[string]bool{
	"abs": true, "min": true, "max": true, "float": true, "int": true, "pow": true, "round": true,
	"len": true,
}

var pureModuleFuncs = map[string]bool{
	"sqrt": true, "exp": true, "log": true, "log2": true, "log10": true, "sin": true, "cos": true,
	"tan": true, "arcsin": true, "arccos": true, "arctan": true, "asin": true, "acos": true,
	"atan": true, "atan2": true, "arctan2": true, "sinh": true, "cosh": true, "tanh": true,
	"fabs": true, "abs": true, "absolute": true, "floor": true, "ceil": true, "pow": true,
	"power": true, "hypot": true, "minimum": true, "maximum": true, "fmin": true, "fmax": true,
	"square": true, "isnan": true, "isinf": true, "copysign": true, "fmod": true, "float64": true,
	"float32": true, "int64": true, "int32": true, "real": true, "imag": true, "conj": true,
}

// reads collects the accesses an expression reads, rejecting what is not a pure scalar
// computation over array elements, scalars and parameters.
func (b *builder) reads(e pyast.Expr, env affineEnv, st *Stmt) *Opaque {
	var op *Opaque
	var walk func(e pyast.Expr)
	walk = func(e pyast.Expr) {
		if op != nil || e == nil {
			return
		}
		switch e := e.(type) {
		case *pyast.Num:
			if infiniteLiteral(e.Raw) {
				op = b.reject(RejectStatement, e, "the literal %s is an infinite float: variants take constant factors out of sums, and inf * 0 is nan where the loops had no such product", e.Raw)
			}
		case *pyast.Str, *pyast.Constant:
		case *pyast.Name:
			if _, ok := env.affineName(e.Id); ok {
				return
			}
			if b.x.arrays[e.Id] != nil {
				op = b.reject(RejectSlice, e, "whole-array use of %s is not modelled yet", e.Id)
				return
			}
			if b.x.assigned[e.Id] > 0 {
				b.scalars[e.Id] = true
				st.Reads = append(st.Reads, Access{Node: e, Array: e.Id})
			}
			// Otherwise a read-only scalar parameter, a global or a builtin: no dependence.
		case *pyast.Subscript:
			acc, o := b.access(e, env, false)
			if o != nil {
				op = o
				return
			}
			st.Reads = append(st.Reads, acc)
		case *pyast.BinOp:
			if e.Op == pyast.MatMul {
				op = b.reject(RejectSlice, e, "the @ operator is not modelled yet")
				return
			}
			if e.Op == pyast.Div || e.Op == pyast.FloorDiv || e.Op == pyast.Mod {
				b.divisor(e.X, e.Y, env, st)
			}
			if _, literal := e.Y.(*pyast.Num); e.Op == pyast.Pow && !literal {
				// 0 ** -1.0 raises ZeroDivisionError too: a power by anything but a literal
				// (never negative: -1.0 is a unary minus) divides by its base.
				b.divisor(e.Y, e.X, env, st)
			}
			walkOperands(e, walk)
		case *pyast.Attribute:
			switch {
			case e.Attr == "real" || e.Attr == "imag":
				walk(e.X)
			case isModuleConstant(b.x.fn, e):
			default:
				op = b.reject(RejectStatement, e, "expression %s is not modelled", exprText(b.x.fn.File, e))
			}
		case *pyast.Call:
			if !b.pureCall(e.Func) {
				op = b.reject(RejectCall, e, "call %s may have side effects", exprText(b.x.fn.File, e.Func))
				return
			}
			walkArgs(e, walk)
		default:
			if !walkOperands(e, walk) {
				op = b.reject(RejectStatement, e, "expression %s is not modelled", exprText(b.x.fn.File, e))
			}
		}
	}
	walk(e)
	return op
}

// walkOperands walks the operands of an operator expression (arithmetic, not, and/or,
// comparisons, x if c else y); false for any other expression.
func walkOperands(e pyast.Expr, walk func(pyast.Expr)) bool {
	switch e := e.(type) {
	case *pyast.BinOp:
		walk(e.X)
		walk(e.Y)
	case *pyast.UnaryOp:
		walk(e.X)
	case *pyast.BoolOp:
		walk(e.X)
		walk(e.Y)
	case *pyast.Compare:
		walk(e.X)
		for _, y := range e.Ys {
			walk(y)
		}
	case *pyast.IfExp:
		walk(e.Body)
		walk(e.Cond)
		walk(e.Else)
	default:
		return false
	}
	return true
}

// walkArgs walks a call's arguments, keyword values included.
func walkArgs(c *pyast.Call, walk func(pyast.Expr)) {
	for _, a := range c.Args {
		if k, ok := a.(*pyast.Keyword); ok {
			walk(k.Value)
			continue
		}
		walk(a)
	}
}

func (b *builder) pureCall(f pyast.Expr) bool {
	switch f := f.(type) {
	case *pyast.Name:
		// Not when the module (or the function) binds the name: def abs(x) is no builtin.
		return pureFuncs[f.Id] && b.x.assigned[f.Id] == 0 && b.x.localDefs[f.Id] == 0 && b.x.moduleBound()[f.Id] == 0
	case *pyast.Attribute:
		mod, ok := f.X.(*pyast.Name)
		if !ok {
			return false
		}
		switch b.x.fn.Modules[mod.Id] {
		case "math", "numpy", "cmath":
			return pureModuleFuncs[f.Attr]
		}
	}
	return false
}

// finish assembles the SCoP: parameters, domains, schedules and access relations in isl form.
func (b *builder) finish(run []pyast.Stmt) *SCoP {
	s := &SCoP{Func: b.x.fn.QualName, Pos: run[0].Pos(), End: run[len(run)-1].End(), Body: run,
		Stmts: b.stmts, Loops: b.loops, Arrays: map[string]*Array{}, ParamSource: map[string]string{},
		MaybeComplex: complexParams(b.x.fn), Modules: b.x.fn.Modules, NonInt: b.x.floats}
	defer func() { s.IntBits, s.FloatIntBits, s.intPos, s.intWhy = b.intBits(s) }()
	params := map[string]bool{}
	use := func(a Affine) {
		for _, v := range a.Vars() {
			if _, isSrc := b.x.source[v]; isSrc {
				params[v] = true
			}
		}
	}
	depth := 0
	for _, st := range b.stmts {
		depth = max(depth, len(st.Iters))
		for _, acc := range append(append([]Access(nil), st.Reads...), st.Writes...) {
			for _, ix := range acc.Index {
				use(ix)
			}
			if a := b.x.arrays[acc.Array]; a != nil {
				s.Arrays[acc.Array] = a
				for _, ext := range a.Extent {
					use(ext)
				}
			} else {
				s.Arrays[acc.Array] = &Array{Name: acc.Array, Scalar: true}
			}
		}
	}
	for _, l := range b.loops {
		use(l.Lo)
		use(l.Hi)
	}
	for _, st := range b.stmts {
		for _, d := range st.Divisors {
			use(d.Aff)
		}
	}
	for _, st := range b.stmts {
		for _, a := range b.condOps[st] {
			use(a)
		}
	}
	s.OuterIndices = map[string]bool{}
	for p := range params {
		s.Params = append(s.Params, p)
		s.ParamSource[p] = b.x.source[p]
		if b.x.outerIndex[p] {
			s.OuterIndices[p] = true
		}
	}
	sort.Strings(s.Params)
	prefix := s.paramPrefix()
	var ctx []string
	for _, p := range s.Params {
		if strings.Contains(b.x.source[p], ".shape[") {
			ctx = append(ctx, p+" >= 0")
		}
	}
	s.Context = prefix + "{ : " + strings.Join(ctx, " and ") + " }"
	if len(ctx) == 0 {
		s.Context = prefix + "{ : }"
	}
	for _, st := range b.stmts {
		tuple := st.Name + "[" + strings.Join(st.Iters, ", ") + "]"
		var cons []string
		for _, l := range st.Loops {
			cons = append(cons, b.loopConstraints(l)...)
		}
		cons = append(cons, b.cons[st]...)
		st.Domain = prefix + "{ " + tuple
		if len(cons) > 0 {
			st.Domain += " : " + strings.Join(cons, " and ")
		}
		st.Domain += " }"
		sched := make([]string, 0, 2*depth+1)
		pre := b.pre[st]
		for d := 0; d <= depth; d++ {
			if d < len(pre) {
				sched = append(sched, fmt.Sprint(pre[d]))
			} else {
				sched = append(sched, "0")
			}
			if d < depth {
				switch {
				case d >= len(st.Loops):
					sched = append(sched, "0")
				case st.Loops[d].Step < 0:
					sched = append(sched, "-"+st.Iters[d])
				default:
					sched = append(sched, st.Iters[d])
				}
			}
		}
		st.Schedule = prefix + "{ " + tuple + " -> [" + strings.Join(sched, ", ") + "] }"
		for i := range st.Reads {
			st.Reads[i].Relation = relation(prefix, tuple, st.Reads[i], s.Arrays[st.Reads[i].Array])
		}
		for i := range st.Writes {
			st.Writes[i].Relation = relation(prefix, tuple, st.Writes[i], s.Arrays[st.Writes[i].Array])
		}
	}
	return s
}

func relation(prefix, tuple string, a Access, arr *Array) string {
	idx := make([]string, len(a.Index))
	var cons []string
	for i, ix := range a.Index {
		idx[i] = ix.String()
		if i < len(a.Free) && a.Free[i] && arr != nil && i < len(arr.Extent) {
			idx[i] = fmt.Sprintf("w%d", i)
			cons = append(cons, freeRange(idx[i], arr.Extent[i]))
		}
	}
	rel := prefix + "{ " + tuple + " -> " + a.Array + "[" + strings.Join(idx, ", ") + "]"
	if len(cons) > 0 {
		rel += " : " + strings.Join(cons, " and ")
	}
	return rel + " }"
}

// exprText is the source text of a node, or its printed form for a node built in Go.
func exprText(f *pyast.File, n pyast.Node) string {
	if f != nil && f.Original(n) && int(n.End()) <= len(f.Src) {
		return string(f.Src[n.Pos():n.End()])
	}
	return pyast.Sprint(f, n)
}

// infiniteLiteral reports a float literal too large for a float64 (1e400): Python reads it
// as inf. The guard refuses infinite scalar arguments (pyparc_rt.is_real); such a literal
// is refused here for the same reason.
func infiniteLiteral(raw string) bool {
	raw = strings.TrimRight(strings.ReplaceAll(raw, "_", ""), "jJ") // 1e400j is inf too
	if strings.ContainsAny(raw, "xXoObB") || !strings.ContainsAny(raw, ".eE") {
		return false // an int, in any base
	}
	v, err := strconv.ParseFloat(raw, 64)
	return err != nil && math.IsInf(v, 0)
}
