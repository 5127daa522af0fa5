package polyopt

// Python ints are exact; every variant computes loop indices, subscripts and the int
// arithmetic of statement bodies in int64 (NumPy's aranges, Numba's and CuPy's integers).
// Where a value leaves int64's range the two part ways without a word: i * i * i for i near
// 3e6 wraps to a negative number, (n + n) // 2 raises OverflowError in NumPy. The guard
// therefore admits int parameters and shapes only within a range small enough that no int the
// statements compute can leave int64's, and intBits finds that range by interval arithmetic
// over the SCoP: magnitudes of loop indices from their bounds, of products from their factors,
// of int sums over loops from the loops' trip counts.

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// MaxIntBits is the widest range the guard admits for an int parameter or a shape:
// |n| <= 2**40. Wider values are no sizes: a loop of 2**40 steps does not end, and an array
// of 2**40 elements does not fit. Leaving room up to int64's 2**63 keeps the loop bounds isl
// writes (tiles, skews, strides: small multiples of the parameters) exact.
const MaxIntBits = 40

// intLimit is the largest magnitude a computed int may have: int64's, less one bit for the
// sums the variants form from it (a tile's bound, an index plus an offset).
const intLimit = float64(1 << 62)

// exactFloat is the largest int float64 holds exactly (2**53): the variants convert ints to
// floats to divide them or compare them with a float, where Python is exact.
const exactFloat = float64(1 << 53)

// intBits returns the largest b <= MaxIntBits such that, when every int parameter and shape
// symbol lies within [-2**b, 2**b] and every float parameter holds a float, no int the
// SCoP's statements compute leaves intLimit; and the largest c <= b such that none does
// either when the float parameters hold ints within [-2**c, 2**c] (the guard admits ints
// there: an int passed for a float makes the variants compute in int64 what the original
// computes with exact ints), or -1 when no c >= 0 does: the guard then admits floats only.
// It returns b = -1 with the position and a reason when no b does (an int product summed or
// multiplied over a loop, a power by a variable, int() of a float).
func (b *builder) intBits(s *SCoP) (bits, floatBits int, pos pyast.Pos, why string) {
	if s.HasCalls() {
		// Only the Ray variant takes a SCoP with call statements, and it runs the statements
		// as they are written, in Python: its ints are Python's.
		return MaxIntBits, MaxIntBits, 0, ""
	}
	for bits := MaxIntBits; bits >= 0; bits-- {
		r := b.newRange(s, math.Ldexp(1, bits), 0)
		if !r.fits() {
			pos, why = r.pos, r.why
			continue
		}
		sizes := r.sizes
		floatBits := -1
		for c := bits; c >= 0; c-- {
			// Usually c = b: a float parameter multiplies no int, or no more than an int
			// parameter would.
			rc := b.newRange(s, math.Ldexp(1, bits), math.Ldexp(1, c))
			if rc.fits() {
				floatBits = c
				for src := range rc.sizes {
					sizes[src] = true
				}
				break
			}
		}
		for src := range sizes {
			s.SizeChecks = append(s.SizeChecks, src)
		}
		sort.Strings(s.SizeChecks)
		return bits, floatBits, 0, ""
	}
	return -1, -1, pos, why
}

// newRange makes the evaluator for a bound on int parameters and shapes and one on ints
// passed for float parameters (0: the float parameters hold floats).
func (b *builder) newRange(s *SCoP, size, floatSize float64) *intRange {
	return &intRange{b: b, s: s, size: size, floatSize: floatSize, iters: map[*Loop]float64{}, sizes: map[string]bool{}}
}

// intRange evaluates the magnitudes of a SCoP's ints for one size bound.
type intRange struct {
	b         *builder
	s         *SCoP
	size      float64            // the bound on every int parameter and shape symbol
	floatSize float64            // the bound on ints passed for float parameters; 0: they hold floats
	iters     map[*Loop]float64  // the magnitude of each loop's index, once computed
	ints      map[string]bool    // the scalar locals the statements write that hold ints
	vars      map[string]float64 // and their magnitudes
	quiet     bool               // deciding which locals are ints: no failures recorded
	liveIn    map[string]bool    // locals whose value on entry the SCoP reads
	floaty    map[string]bool    // int locals the statements may also give a float (s = 0; s += f)
	depth     int                // module constants followed, against cycles
	pos       pyast.Pos          // where the first value out of range is computed
	why       string             // and what it is
	stmt      *Stmt              // the statement being evaluated
	trips     map[*Stmt]float64  // how often each statement runs, at most
	sizes     map[string]bool    // the shapes and lengths taken as sizes, which the guard checks
}

// fits evaluates every loop bound and statement; false with pos and why set when a value may
// leave intLimit.
func (r *intRange) fits() bool {
	for _, l := range r.s.Loops {
		if !r.check(r.affine(l.Lo), l.Node, "a loop bound") || !r.check(r.affine(l.Hi), l.Node, "a loop bound") {
			return false
		}
	}
	r.trips = map[*Stmt]float64{}
	for _, st := range r.s.Stmts {
		n := 1.0
		for _, l := range st.Loops {
			n *= r.affine(l.Hi) + r.affine(l.Lo)
		}
		r.trips[st] = n
		for _, c := range r.b.condOps[st] {
			if !r.check(r.affine(c), st.Node, "a condition") {
				return false
			}
		}
	}
	r.intLocals()
	// The int locals' magnitudes: each value written, and for a sum over loops its terms times
	// the statement's trip count. Rounds until nothing grows; a local still growing after as
	// many rounds as there are statements (two locals feeding each other) has no bound.
	r.vars = map[string]float64{}
	for name := range r.liveIn {
		r.vars[name] = math.Inf(1)
	}
	var computed map[string]float64 // what the statements write, without the entry values
	for round := 0; ; round++ {
		next := map[string]float64{}
		bitwise := map[string]float64{} // the largest e of a bitwise-only local's updates
		for _, st := range r.s.Stmts {
			if name := r.local(st); r.ints[name] {
				next[name] += r.added(st, name, bitwise)
			}
		}
		if r.why != "" {
			return false
		}
		for name, m := range bitwise {
			// s = v, then s |= e, s &= e', ...: within the width of the largest v or e.
			next[name] = bitCeil(math.Max(next[name], m))
		}
		computed = next
		grew := ""
		for name, m := range next {
			if m > r.vars[name] {
				r.vars[name] = m
				grew = name
			}
		}
		if grew == "" {
			break
		}
		if round > len(r.s.Stmts)+1 {
			r.pos, r.why = r.s.Pos, fmt.Sprintf("the int %s, which grows with every iteration", grew)
			return false
		}
	}
	for name, m := range r.vars {
		// A sum the variants compute. A local only assigned is checked where it is computed
		// (binary) or used; one read on entry is the caller's exact int, not computed here.
		if m > intLimit && r.summed(name) {
			r.pos, r.why = r.s.Pos, fmt.Sprintf("the int %s, summed over loops", name)
			return false
		}
		// A local that holds floats too is a float64 in the variants (NumPy's whole-array
		// code, and Numba unifying its type): the ints the SCoP computes into it must be
		// exact there (an int read on entry is the caller's: its reads are checked where
		// they meet ints, in binary).
		if computed[name] > exactFloat && r.floaty[name] {
			r.pos, r.why = r.s.Pos, fmt.Sprintf("the int %s, which also holds floats", name)
			return false
		}
	}
	for name := range r.floaty {
		// The variants hand it back as a float64 where Python may have an int (3.0, not 3).
		// An accumulator started at a literal (s = 0; s += x[i]) is let through: it ends
		// an int only when its loop runs no iteration, as 0 where the variants give 0.0.
		if r.readAfter(name) && !r.literalInts(name) {
			r.pos, r.why = r.s.Pos, fmt.Sprintf("the int %s, which also holds floats, read after the loops", name)
			return false
		}
	}
	for _, st := range r.s.Stmts {
		r.stmt = st
		r.node(st.Node)
		if r.why != "" {
			return false
		}
	}
	return true
}

// summed reports a local that a statement updates from its own value (s += e, s = s - e,
// s |= e, s = s * e).
func (r *intRange) summed(name string) bool {
	for _, st := range r.s.Stmts {
		if r.local(st) != name {
			continue
		}
		if _, _, self := r.selfUpdate(st, name); self || st.Reduction != "" {
			return true
		}
	}
	return false
}

// selfUpdate reads a statement that updates the local it writes from its own value: s op= e,
// or s = s op e (s = e op s for + and the bitwise ops) where e does not read s, for the ops
// added bounds (+, -, //, %, >>, &, |, ^). It returns the op and e.
func (r *intRange) selfUpdate(st *Stmt, name string) (pyast.BinaryOp, pyast.Expr, bool) {
	switch n := st.Node.(type) {
	case *pyast.AugAssign:
		return n.Op, n.Value, true
	case *pyast.Assign:
		bin, ok := n.Value.(*pyast.BinOp)
		if !ok || len(n.Targets) != 1 || !isName(n.Targets[0], name) {
			return 0, nil, false
		}
		switch bin.Op {
		case pyast.Add, pyast.BitAnd, pyast.BitOr, pyast.BitXor:
			if isName(bin.Y, name) && !mentionsAnywhere(bin.X, name) {
				return bin.Op, bin.X, true
			}
			fallthrough
		case pyast.Sub, pyast.FloorDiv, pyast.Mod, pyast.RShift:
			if isName(bin.X, name) && !mentionsAnywhere(bin.Y, name) {
				return bin.Op, bin.Y, true
			}
		}
	}
	return 0, nil, false
}

// local is the scalar local a statement writes, or "".
func (r *intRange) local(st *Stmt) string {
	if len(st.Writes) != 1 || len(st.Writes[0].Index) != 0 {
		return ""
	}
	if a := r.s.Arrays[st.Writes[0].Array]; a == nil || !a.Scalar {
		return ""
	}
	return st.Writes[0].Array
}

// intLocals decides which scalar locals the statements write may hold ints: those with an
// int write, and those whose value on entry the SCoP reads (bound outside it, or by an
// earlier run of a loop around it), which may be any int: their magnitude starts unbounded.
func (r *intRange) intLocals() {
	r.ints = map[string]bool{}
	r.quiet = true
	defer func() { r.quiet = false }()
	for changed := true; changed; {
		changed = false
		for _, st := range r.s.Stmts {
			name := r.local(st)
			if name == "" || r.ints[name] {
				continue
			}
			r.stmt = st
			isInt := false
			if _, _, self := r.selfUpdate(st, name); self {
				// s += e, s = s - e keep s's kind: a float stays one, whatever e is.
				continue
			}
			switch n := st.Node.(type) {
			case *pyast.Assign:
				_, isInt = r.expr(n.Value)
			case *pyast.AnnAssign:
				if n.Value != nil {
					_, isInt = r.expr(n.Value)
				}
			}
			if isInt {
				r.ints[name] = true
				changed = true
			}
		}
	}
	// A local the SCoP reads on entry and adds ints to (s += i with s bound before it) may
	// be an int of any size; one it only adds floats to stays what it was.
	r.liveIn = map[string]bool{}
	for _, st := range r.s.Stmts {
		name := r.local(st)
		if name == "" || r.killed(name) {
			continue
		}
		r.stmt = st
		intWrite := r.ints[name]
		if op, e, self := r.selfUpdate(st, name); self {
			_, isInt := r.expr(e)
			intWrite = intWrite || (isInt && op != pyast.Div)
		}
		if intWrite {
			r.liveIn[name] = true
			r.ints[name] = true
		}
	}
	// An int local may hold a float too where some write gives it one: int(s) is then an
	// int of a float, and the variants compute s in float64 throughout (Numba unifies its
	// type), so its ints must be exact there.
	r.floaty = map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, st := range r.s.Stmts {
			name := r.local(st)
			if name == "" || !r.ints[name] || r.floaty[name] {
				continue
			}
			r.stmt = st
			var v pyast.Expr
			if _, e, self := r.selfUpdate(st, name); self {
				v = e
			} else if n, ok := st.Node.(*pyast.Assign); ok {
				v = n.Value
			} else if n, ok := st.Node.(*pyast.AnnAssign); ok {
				v = n.Value
			} else if n, ok := st.Node.(*pyast.AugAssign); ok {
				v = n.Value // an op selfUpdate does not bound (s *= e)
			}
			if v == nil {
				continue
			}
			if _, isInt := r.expr(v); !isInt || r.maybeFloat(v) {
				r.floaty[name] = true
				changed = true
			}
		}
	}
	// One read on entry comes in as what the code before bound it to.
	for name := range r.liveIn {
		if r.floatBound(name) {
			r.floaty[name] = true
		}
	}
}

// floatBound reports a local some binding in the function gives a value that may be a float,
// or a parameter that may hold one: bound so before the SCoP, it enters it as a float.
func (r *intRange) floatBound(id string) bool {
	if r.isParam(id) {
		t := r.b.x.fn.Params[id]
		if t == nil || t.Kind == typeinfer.Unknown || r.b.x.floats[id] && t.Kind != typeinfer.Bool ||
			t.Kind == typeinfer.Union && !typeinfer.IntLike(t) {
			return true
		}
	}
	if r.depth >= 8 {
		return true
	}
	found := false
	r.bindings(id, func(v pyast.Expr) bool {
		_, isInt := r.expr(v)
		found = !isInt || r.maybeFloat(v)
		return !found
	})
	return found
}

// bindings evaluates, quietly and outside any statement, each value the function's plain
// assignments bind id to, while visit returns true; it returns how many it visited.
func (r *intRange) bindings(id string, visit func(v pyast.Expr) bool) int {
	count, more := 0, true
	r.depth++
	saved, quiet := r.stmt, r.quiet
	r.stmt, r.quiet = nil, true
	for _, st := range r.b.x.fn.Def.Body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			switch n.(type) {
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			t, v := singleBinding(n)
			if name, isName := t.(*pyast.Name); isName && name.Id == id && v != nil && more {
				count++
				more = visit(v)
			}
			return more
		})
	}
	r.stmt, r.quiet = saved, quiet
	r.depth--
	return count
}

// literalInts reports a local whose only int writes in the SCoP are int literals.
func (r *intRange) literalInts(name string) bool {
	for _, st := range r.s.Stmts {
		if r.local(st) != name {
			continue
		}
		if _, _, self := r.selfUpdate(st, name); self {
			continue
		}
		n, ok := st.Node.(*pyast.Assign)
		if !ok {
			return false
		}
		r.stmt = st
		if _, isInt := r.expr(n.Value); !isInt {
			continue
		}
		v := n.Value
		if u, ok := v.(*pyast.UnaryOp); ok && u.Op == pyast.USub {
			v = u.X
		}
		if num, ok := v.(*pyast.Num); !ok || !isIntLiteral(num.Raw) {
			return false
		}
	}
	return true
}

func isIntLiteral(raw string) bool {
	_, isInt := intLiteral(raw)
	return isInt
}

// readAfter reports a name the function mentions after the SCoP.
func (r *intRange) readAfter(id string) bool {
	found := false
	for _, st := range r.b.x.fn.Def.Body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if name, ok := n.(*pyast.Name); ok && name.Id == id && name.Pos() >= r.s.End {
				found = true
			}
			return !found
		})
	}
	return found
}

// killed reports a local the SCoP never reads on entry: its first mention is a plain
// assignment, under no condition, that does not read it, and every later read sits inside
// the loops around that assignment (t = 0.0 at the top of a loop body, read below it). A
// read after those loops may find the entry value, when they ran no iteration.
func (r *intRange) killed(name string) bool {
	var first *Stmt
	for _, st := range r.s.Stmts {
		reads := false
		for _, a := range st.Reads {
			reads = reads || a.Array == name
		}
		if first == nil {
			if r.local(st) == name {
				_, plain := st.Node.(*pyast.Assign)
				if !plain || reads || len(r.b.cons[st]) != 0 {
					return false
				}
				first = st
			} else if reads {
				return false
			}
			continue
		}
		if reads && !inside(st, first) {
			return false
		}
	}
	return first != nil
}

// inside reports a statement within every loop around another.
func inside(st, other *Stmt) bool {
	if len(st.Loops) < len(other.Loops) {
		return false
	}
	for k, l := range other.Loops {
		if st.Loops[k] != l {
			return false
		}
	}
	return true
}

// added is the magnitude a statement gives the int local it writes: the value, or for a sum
// over loops (s += e, s = s - e) e's times the statement's trip count. A local that only
// bitwise updates change (s |= e) is bounded in fits, from the largest e recorded in bitwise.
func (r *intRange) added(st *Stmt, name string, bitwise map[string]float64) float64 {
	r.stmt = st
	if op, e, self := r.selfUpdate(st, name); self {
		m, _ := r.expr(e)
		switch op {
		case pyast.Add, pyast.Sub:
			return m * r.trips[st]
		case pyast.RShift:
			if _, ok := smallLiteral(e); !ok {
				// Python shifts by any count (and raises for a negative one); the
				// variants' shift by 64 or more is undefined (x86 masks the count).
				r.fail(st.Node, fmt.Sprintf("the int %s, shifted by a variable", name))
				return math.Inf(1)
			}
			return 0 // no larger than the local's other values
		case pyast.FloorDiv:
			return 0 // no larger than the local's other values
		case pyast.Mod:
			return m
		case pyast.BitAnd, pyast.BitOr, pyast.BitXor:
			if r.onlyBitwise(name) {
				bitwise[name] = math.Max(bitwise[name], m)
				return 0
			}
			// Among other updates: x & y, x | y and x ^ y change only the bits of x below
			// y's width, or replace those above it with all ones or zeros, or flip them
			// (~x is -x - 1): each step adds at most bitCeil(|y|) to |x|.
			return bitCeil(m) * r.trips[st]
		}
		r.fail(st.Node, fmt.Sprintf("the int %s, updated with %s in a loop", name, op))
		return math.Inf(1)
	}
	switch n := st.Node.(type) {
	case *pyast.Assign:
		m, _ := r.expr(n.Value)
		return m
	case *pyast.AnnAssign:
		m, _ := r.expr(n.Value)
		return m
	}
	return 0
}

// onlyBitwise reports a local whose every update from its own value is bitwise (s |= e, s =
// s & e) and whose other writes do not read it: its values then stay within the two's
// complement width of the largest value written or combined with it.
func (r *intRange) onlyBitwise(name string) bool {
	for _, st := range r.s.Stmts {
		if r.local(st) != name {
			continue
		}
		if op, _, self := r.selfUpdate(st, name); self {
			if op != pyast.BitAnd && op != pyast.BitOr && op != pyast.BitXor {
				return false
			}
			continue
		}
		for _, a := range st.Reads {
			if a.Array == name {
				return false
			}
		}
	}
	return true
}

// bitCeil is the magnitude bound of x & y, x | y and x ^ y for ints with |x|, |y| <= m: the
// power of two above m, 2**k. Both lie in [-2**k, 2**k - 1], the ints of k + 1 bits in two's
// complement, and so do the results, whose magnitude is then at most 2**k.
func bitCeil(m float64) float64 {
	if m == 0 || math.IsInf(m, 1) {
		return m
	}
	_, exp := math.Frexp(m) // m < 2**exp
	return math.Ldexp(1, exp)
}

// node evaluates every expression of a statement.
func (r *intRange) node(n pyast.Node) {
	switch n := n.(type) {
	case *pyast.Assign:
		if name := r.local(r.stmt); r.ints[name] {
			if _, e, self := r.selfUpdate(r.stmt, name); self {
				// s = s - e computes the int s -= e does: a value of s, which fits checks.
				r.expr(e)
				return
			}
		}
		for _, t := range n.Targets {
			r.expr(t)
		}
		m, isInt := r.expr(n.Value)
		for _, t := range n.Targets {
			r.store(t, n.Value, m, isInt)
		}
	case *pyast.AugAssign:
		r.expr(n.Target)
		m, isInt := r.expr(n.Value)
		r.store(n.Target, n.Value, m, isInt)
	case *pyast.AnnAssign:
		r.expr(n.Target)
		if n.Value != nil {
			r.expr(n.Value)
		}
	case *pyast.ExprStmt:
		r.expr(n.X)
	case *pyast.If:
		r.expr(n.Cond)
	}
}

// narrowInts are the int dtypes narrower than int64 and the unsigned ones, by their largest
// value: NumPy raises OverflowError storing a Python int they cannot hold (or combining one
// with their elements), where the variants' int64 values wrap around.
var narrowInts = map[string]float64{"int8": 127, "int16": 32767, "int32": 2147483647,
	"uint8": 255, "uint16": 65535, "uint32": 4294967295, "uint64": 1 << 63}

// store checks a Python int written into (or combined with) an element of a narrow or
// unsigned int array: its magnitude must fit, and for an unsigned array it must be a literal
// (the analysis knows no signs: -1 does not fit).
func (r *intRange) store(target, value pyast.Expr, m float64, isInt bool) {
	sub, ok := target.(*pyast.Subscript)
	if !ok || !isInt {
		return
	}
	n, ok := sub.X.(*pyast.Name)
	if !ok || r.b.x.arrays[n.Id] == nil {
		return
	}
	dt := r.b.x.arrays[n.Id].DType
	largest, narrow := narrowInts[dt]
	if !narrow {
		return
	}
	_, literal := value.(*pyast.Num)
	if m > largest || (strings.HasPrefix(dt, "u") && !literal) {
		r.fail(value, fmt.Sprintf("%s, an int stored into a %s array", exprText(r.b.x.fn.File, value), dt))
	}
}

// check records a value out of range.
func (r *intRange) check(m float64, n pyast.Node, what string) bool {
	if m <= intLimit {
		return true
	}
	r.fail(n, what)
	return false
}

func (r *intRange) fail(n pyast.Node, what string) {
	if r.why == "" && !r.quiet {
		r.pos, r.why = n.Pos(), what
	}
}

// affine is the largest magnitude of an affine expression of parameters and loop indices.
func (r *intRange) affine(a Affine) float64 {
	m := math.Abs(float64(a.Const))
	for v, c := range a.Coef {
		m += math.Abs(float64(c)) * r.variable(v)
	}
	return m
}

// variable is the magnitude of a parameter or a loop index.
func (r *intRange) variable(v string) float64 {
	for _, l := range r.s.Loops {
		if l.Iter == v {
			return r.index(l)
		}
	}
	src, ok := r.b.x.source[v]
	if !ok {
		return math.Inf(1)
	}
	if src == v && !r.isParam(v) {
		// The index of a loop around the SCoP that the model does not cover: as large as the
		// bounds of its range() when those are affine, else any value.
		b, ok := r.b.x.outerRange[v]
		if !ok {
			return math.Inf(1)
		}
		return math.Max(r.affine(b[0]), r.affine(b[1]))
	}
	if strings.Contains(src, ".shape[") || strings.HasPrefix(src, "len(") {
		r.sizes[src] = true // the guard checks it: a broadcast view's shape may be any size
	}
	return r.size // an int parameter, a shape, a list's length
}

func (r *intRange) isParam(name string) bool {
	for _, p := range r.b.x.fn.Def.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// index is the magnitude of a loop's index: that of its bounds.
func (r *intRange) index(l *Loop) float64 {
	if m, ok := r.iters[l]; ok {
		return m
	}
	r.iters[l] = math.Inf(1) // against a bound that names its own loop
	m := math.Max(r.affine(l.Lo), r.affine(l.Hi))
	r.iters[l] = m
	return m
}

// expr returns the magnitude of an expression's value and whether it is a Python int (or a
// bool), checking every int it computes on the way. A value that is no Python int (a float,
// an array element, a NumPy scalar: the original computes those as the variants do) has
// magnitude 0.
func (r *intRange) expr(e pyast.Expr) (float64, bool) {
	switch e := e.(type) {
	case *pyast.Num:
		return intLiteral(e.Raw)
	case *pyast.Constant:
		return 1, e.Kind == pyast.ConstTrue || e.Kind == pyast.ConstFalse
	case *pyast.Name:
		return r.name(e.Id)
	case *pyast.Attribute:
		if n, ok := e.X.(*pyast.Name); ok {
			if _, isModule := r.b.x.fn.Modules[n.Id]; isModule {
				return 0, false // np.pi, math.inf
			}
			if r.b.x.arrays[n.Id] != nil {
				if e.Attr == "ndim" {
					return 64, true
				}
				if e.Attr == "size" || e.Attr == "nbytes" {
					return math.Inf(1), true // a broadcast view's may exceed any bound
				}
				return 0, false
			}
		}
		mx, isInt := r.expr(e.X)
		switch {
		case isInt && (e.Attr == "real" || e.Attr == "numerator" || e.Attr == "denominator"):
			return mx, true
		case e.Attr == "real" || e.Attr == "imag":
			return 0, isInt
		}
		return math.Inf(1), true // an attribute of something else: it may be any int
	case *pyast.Subscript:
		r.expr(e.Index)
		if at, ok := e.X.(*pyast.Attribute); ok && at.Attr == "shape" {
			if n, ok := at.X.(*pyast.Name); ok && r.b.x.arrays[n.Id] != nil {
				if d, ok := smallLiteral(e.Index); ok && int(d) < len(r.b.x.arrays[n.Id].Extent) {
					return r.affine(r.b.x.arrays[n.Id].Extent[d]), true
				}
				return math.Inf(1), true
			}
		}
		if _, ok := e.X.(*pyast.Name); !ok {
			r.expr(e.X)
		}
		return 0, false // an element: NumPy's int64 in the original too
	case *pyast.Tuple:
		for _, x := range e.Elts {
			r.expr(x)
		}
		return 0, false
	case *pyast.Slice:
		for _, x := range []pyast.Expr{e.Lo, e.Hi, e.Step} {
			if x != nil {
				r.expr(x)
			}
		}
		return 0, false
	case *pyast.UnaryOp:
		m, isInt := r.expr(e.X)
		switch e.Op {
		case pyast.Not:
			return 1, true
		case pyast.Invert:
			m++
		}
		return m, isInt
	case *pyast.BinOp:
		return r.binary(e)
	case *pyast.BoolOp:
		mx, ix := r.expr(e.X)
		my, iy := r.expr(e.Y)
		if !r.exactMix([]pyast.Expr{e.X, e.Y}, []float64{mx, my}, []bool{ix, iy}) {
			return math.Inf(1), true
		}
		return math.Max(mx, my), ix || iy
	case *pyast.Compare:
		// Python compares an int with a float exactly; the variants convert the int to
		// float64 first, which is exact below 2**53 only.
		operands := append([]pyast.Expr{e.X}, e.Ys...)
		ms := make([]float64, len(operands))
		ints := make([]bool, len(operands))
		for k, x := range operands {
			ms[k], ints[k] = r.expr(x)
		}
		for k := 1; k < len(operands); k++ {
			for _, j := range []int{k - 1, k} {
				other := operands[2*k-1-j]
				if ints[j] && ms[j] > exactFloat && (!ints[2*k-1-j] || r.maybeFloat(other)) {
					r.fail(operands[j], exprText(r.b.x.fn.File, operands[j])+", compared with a float")
					return 1, true
				}
			}
		}
		return 1, true
	case *pyast.IfExp:
		r.expr(e.Cond)
		mx, ix := r.expr(e.Body)
		my, iy := r.expr(e.Else)
		if !r.exactMix([]pyast.Expr{e.Body, e.Else}, []float64{mx, my}, []bool{ix, iy}) {
			return math.Inf(1), true
		}
		return math.Max(mx, my), ix || iy
	case *pyast.Call:
		return r.call(e)
	}
	return 0, false
}

// name is the magnitude of a name's value.
func (r *intRange) name(id string) (float64, bool) {
	if r.stmt != nil {
		for _, l := range r.stmt.Loops {
			if l.Iter == id {
				return r.index(l), true
			}
		}
	}
	if a, ok := r.b.x.ints[id]; ok {
		return r.affine(a), true
	}
	if r.b.x.arrays[id] != nil {
		return 0, false
	}
	if r.b.x.floats[id] {
		// A bool is 0 or 1; a float, complex or NumPy scalar parameter may be passed an int
		// too, which the guard bounds by floatSize.
		if t := r.b.x.fn.Params[id]; t != nil && t.Kind == typeinfer.Bool {
			return 1, true
		}
		return r.floatParam()
	}
	if r.ints[id] {
		return r.vars[id], true
	}
	if r.writtenInSCoP(id) {
		return 0, false // a local written only with values that are no ints
	}
	if r.isParam(id) && r.b.x.assigned[id] == 0 {
		t := r.b.x.fn.Params[id]
		switch {
		case t == nil || t.Kind == typeinfer.Unknown:
			return math.Inf(1), true // the guard checks nothing: any int
		case t.Kind == typeinfer.Union && numberUnion(t):
			return r.floatParam() // int | float: is_real bounds the int by floatSize
		case t.Kind == typeinfer.Union && mayBeInt(t):
			return math.Inf(1), true // the guard checks no number there: any int
		}
		return 0, false // a list, None
	}
	if a := r.s.Arrays[id]; a != nil && a.Scalar {
		if r.depth < 8 && r.floatLocal(id) {
			return 0, false // fn = float(n) before the SCoP
		}
		return math.Inf(1), true // a local bound outside the SCoP: it may be any int
	}
	if r.b.x.constGlobals()[id] && r.depth < 8 {
		if v := moduleValue(r.b.x.fn.File, id); v != nil {
			r.depth++
			defer func() { r.depth-- }()
			saved := r.stmt
			r.stmt = nil
			defer func() { r.stmt = saved }()
			return r.expr(v)
		}
	}
	if _, isModule := r.b.x.fn.Modules[id]; isModule {
		return 0, false
	}
	if r.b.x.assigned[id] > 0 && r.depth < 8 && r.floatLocal(id) {
		return 0, false // fn = float(n) before the SCoP
	}
	// A global bound elsewhere, a builtin, a local that may be an int: any int.
	return math.Inf(1), true
}

// floatLocal reports a local of the function every binding of which is a plain assignment
// of a value that is no int.
func (r *intRange) floatLocal(id string) bool {
	ok := true
	found := r.bindings(id, func(v pyast.Expr) bool {
		_, isInt := r.expr(v)
		ok = ok && !isInt
		return true
	})
	return ok && found == r.b.x.assigned[id]
}

// maybeFloat reports an expression whose value may be a float though its magnitude may be
// tracked as an int's: a float literal, a true division, an element of a float array, a float
// function's result, a float parameter (in the evaluation where those hold floats, or in
// either where the function has several: the guard admits an int for one and a float for
// another), a parameter of no known type, a local that holds floats (always or sometimes:
// floaty). A comparison is a bool, and a conditional expression's test no part of its value.
func (r *intRange) maybeFloat(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Num:
		_, isInt := intLiteral(e.Raw)
		return !isInt
	case *pyast.Name:
		t := r.b.x.fn.Params[e.Id]
		if r.isParam(e.Id) && r.b.x.assigned[e.Id] == 0 {
			switch {
			case t == nil || t.Kind == typeinfer.Unknown:
				return true
			case t.Kind == typeinfer.Bool:
				return false
			case r.b.x.floats[e.Id] || t.Kind == typeinfer.Union && !typeinfer.IntLike(t):
				return r.floatSize == 0 || r.floatParams() > 1
			}
			return false
		}
		if r.floaty[e.Id] {
			return true
		}
		if r.b.x.constGlobals()[e.Id] && r.depth < 8 {
			if v := moduleValue(r.b.x.fn.File, e.Id); v != nil {
				r.depth++
				defer func() { r.depth-- }()
				return r.maybeFloat(v) // SCALE = 0.5 at the top of the module
			}
		}
		if _, affine := r.b.x.ints[e.Id]; affine {
			return false
		}
		if a := r.s.Arrays[e.Id]; a != nil && a.Scalar {
			if r.writtenInSCoP(e.Id) {
				return !r.ints[e.Id] // no write gives it an int
			}
			return r.depth < 8 && r.floatLocal(e.Id) // fn = float(n) before the SCoP
		}
		return false
	case *pyast.Subscript:
		if at, ok := e.X.(*pyast.Attribute); ok && at.Attr == "shape" {
			return false
		}
		if n, ok := e.X.(*pyast.Name); ok {
			if a := r.s.Arrays[n.Id]; a != nil && a.DType != "" {
				_, narrow := narrowInts[a.DType]
				return !(narrow || a.DType == "int64" || a.DType == "bool")
			}
		}
		return true
	case *pyast.BinOp:
		return e.Op == pyast.Div || r.maybeFloat(e.X) || r.maybeFloat(e.Y)
	case *pyast.UnaryOp:
		return e.Op != pyast.Not && r.maybeFloat(e.X)
	case *pyast.BoolOp:
		return r.maybeFloat(e.X) || r.maybeFloat(e.Y)
	case *pyast.IfExp:
		return r.maybeFloat(e.Body) || r.maybeFloat(e.Else)
	case *pyast.Compare:
		return false
	case *pyast.Attribute:
		if mod, ok := e.X.(*pyast.Name); ok && r.b.x.fn.Modules[mod.Id] != "" {
			return true // math.pi, np.inf
		}
		return (e.Attr == "real" || e.Attr == "imag") && r.maybeFloat(e.X)
	case *pyast.Call:
		name, module := r.callName(e)
		if _, method := e.Func.(*pyast.Attribute); method && module != "math" {
			return true // NumPy's functions give floats (or NumPy scalars) too, as may methods
		}
		switch name {
		case "int", "len", "round", "math.floor", "math.ceil", "math.trunc", "bool":
			return name == "round" && len(e.Args) == 2
		case "abs", "min", "max", "pow":
			for _, a := range e.Args {
				if kw, ok := a.(*pyast.Keyword); ok {
					a = kw.Value
				}
				if r.maybeFloat(a) {
					return true
				}
			}
			return false
		case "float", "complex":
			return true
		}
		return strings.HasPrefix(name, "math.")
	}
	return false
}

// mixed reports an expression the variants may compute as a float where Python holds an
// int: a value that meets a possible float in min, max, abs, x if c else y or x or y (Numba
// and NumPy unify their types), a local that holds floats too, and arithmetic on either. A
// float parameter alone is no such value: where it holds a float, Python computes in floats
// too, and where it holds an int, the variants are compiled for an int.
func (r *intRange) mixed(e pyast.Expr) bool {
	switch e := e.(type) {
	case *pyast.Name:
		return r.floaty[e.Id]
	case *pyast.BinOp:
		return e.Op != pyast.Div && (r.mixed(e.X) || r.mixed(e.Y))
	case *pyast.UnaryOp:
		return e.Op != pyast.Not && r.mixed(e.X)
	case *pyast.BoolOp:
		return r.maybeFloat(e) || r.mixed(e.X) || r.mixed(e.Y)
	case *pyast.IfExp:
		return r.maybeFloat(e) || r.mixed(e.Body) || r.mixed(e.Else)
	case *pyast.Attribute:
		return r.mixed(e.X) // max(i, f).real
	case *pyast.Call:
		if f, ok := e.Func.(*pyast.Name); ok && (f.Id == "min" || f.Id == "max" || f.Id == "abs" || f.Id == "pow") {
			for _, a := range e.Args {
				if kw, ok := a.(*pyast.Keyword); ok {
					a = kw.Value
				}
				if r.maybeFloat(a) || r.mixed(a) {
					return true
				}
			}
		}
	}
	return false
}

// intElement reports an element of an int or bool array, which NumPy and Numba compute with
// as ints.
func (r *intRange) intElement(e pyast.Expr) bool {
	sub, ok := e.(*pyast.Subscript)
	if !ok {
		return false
	}
	n, ok := sub.X.(*pyast.Name)
	if !ok {
		return false
	}
	a := r.s.Arrays[n.Id]
	if a == nil || a.DType == "" {
		return false
	}
	_, narrow := narrowInts[a.DType]
	return narrow || a.DType == "int64" || a.DType == "bool"
}

// floatParams counts the parameters the guard admits as floats or ints (is_real, is_number).
func (r *intRange) floatParams() int {
	n := 0
	for _, p := range r.b.x.fn.Def.Params {
		t := r.b.x.fn.Params[p.Name]
		if t != nil && t.Kind == typeinfer.Bool {
			continue // True or False: no float for the guard to admit beside an int
		}
		if r.b.x.floats[p.Name] || t != nil && t.Kind == typeinfer.Union && numberUnion(t) && !typeinfer.IntLike(t) {
			n++
		}
	}
	return n
}

// exactMix reports whether values that meet in one result (min, max, abs, x if c else y,
// x or y) keep their ints exact: where one of them may be a float the variants compute the
// result in float64, exact for ints up to 2**53 only, while Python returns the int itself.
func (r *intRange) exactMix(xs []pyast.Expr, ms []float64, ints []bool) bool {
	mixed := false
	for k, x := range xs {
		mixed = mixed || r.maybeFloat(x) || !ints[k] && !r.intElement(x)
	}
	if !mixed {
		return true
	}
	for k, x := range xs {
		if ints[k] && ms[k] > exactFloat {
			r.fail(x, exprText(r.b.x.fn.File, x)+", mixed with a float")
			return false
		}
	}
	return true
}

// floatParam is the magnitude of a parameter the guard checks with is_real or is_number:
// no int while the analysis takes such parameters as floats, else an int within floatSize.
func (r *intRange) floatParam() (float64, bool) {
	if r.floatSize == 0 {
		return 0, false
	}
	return r.floatSize, true
}

// numberUnion reports a union with a number among its alternatives: the guard checks it with
// is_real or is_number, bounding its ints as a float parameter's (emit's guardCode and
// anyNumber).
func numberUnion(t *typeinfer.Type) bool {
	for _, a := range t.Alts {
		switch a.Kind {
		case typeinfer.Int, typeinfer.Float, typeinfer.Complex, typeinfer.NPScalar:
			return true
		}
	}
	return false
}

// mayBeInt reports a type whose values may be Python ints.
func mayBeInt(t *typeinfer.Type) bool {
	if t.Kind == typeinfer.Union {
		for _, a := range t.Alts {
			if mayBeInt(a) {
				return true
			}
		}
		return false
	}
	return t.Kind == typeinfer.Int || t.Kind == typeinfer.Unknown
}

func (r *intRange) writtenInSCoP(id string) bool {
	for _, st := range r.s.Stmts {
		for _, w := range st.Writes {
			if w.Array == id {
				return true
			}
		}
	}
	return false
}

// binary is the magnitude of x op y; an int result out of range fails.
func (r *intRange) binary(e *pyast.BinOp) (float64, bool) {
	mx, ix := r.expr(e.X)
	my, iy := r.expr(e.Y)
	if !ix || !iy {
		return 0, false // a float, an array or a NumPy scalar computes as the variants do
	}
	var m float64
	switch e.Op {
	case pyast.Add, pyast.Sub:
		m = mx + my
	case pyast.Mul:
		m = mx * my
	case pyast.FloorDiv:
		m = mx // |x // y| <= |x| for an int y != 0
	case pyast.Mod:
		m = my // |x % y| < |y| (-1 % n is n - 1)
	case pyast.Div:
		// Python divides exact ints with one rounding; the variants round both to float64
		// first, which is exact below 2**53 only.
		for _, o := range []struct {
			m float64
			e pyast.Expr
		}{{mx, e.X}, {my, e.Y}} {
			if o.m > exactFloat {
				r.fail(o.e, exprText(r.b.x.fn.File, o.e)+", divided as a float")
				return math.Inf(1), true
			}
		}
		return 0, false
	case pyast.Pow, pyast.LShift, pyast.RShift:
		// Python's powers and shifts take any count (and raise for a negative shift); the
		// variants' overflow, or shift by 64 or more, which is undefined: a literal only.
		k, ok := smallLiteral(e.Y)
		if !ok {
			what := "shifted"
			if e.Op == pyast.Pow {
				what = "power"
			}
			r.fail(e, fmt.Sprintf("%s, an int %s by a variable", exprText(r.b.x.fn.File, e), what))
			return math.Inf(1), true
		}
		switch e.Op {
		case pyast.Pow:
			m = math.Pow(mx, float64(k))
		case pyast.LShift:
			m = math.Ldexp(mx, int(k))
		default:
			m = mx
		}
	case pyast.BitAnd, pyast.BitOr, pyast.BitXor:
		m = bitCeil(math.Max(mx, my))
	default:
		return 0, false
	}
	if !r.check(m, e, exprText(r.b.x.fn.File, e)) {
		return math.Inf(1), true
	}
	if math.Max(m, math.Max(mx, my)) > exactFloat && (r.mixed(e.X) || r.mixed(e.Y)) {
		// An operand that the variants type as a float where Python may hold an int
		// (max(i, f), a local that holds floats too) makes them compute in float64, where
		// Python computes the int exactly: every int there, operand or result, must be
		// exact in float64.
		r.fail(e, exprText(r.b.x.fn.File, e)+", an int that may be computed as a float")
		return math.Inf(1), true
	}
	return m, true
}

// call is the magnitude of a call's value: abs, min and max of ints are ints; int(), round()
// and math.floor of a float are ints of any size.
func (r *intRange) call(c *pyast.Call) (float64, bool) {
	var ms []float64
	var args []pyast.Expr
	var ints []bool
	anyInt, allInt := false, true
	for _, a := range c.Args {
		if kw, ok := a.(*pyast.Keyword); ok {
			a = kw.Value
		}
		m, isInt := r.expr(a)
		ms = append(ms, m)
		args = append(args, a)
		ints = append(ints, isInt)
		anyInt = anyInt || isInt
		allInt = allInt && isInt
	}
	name, module := r.callName(c)
	if module != "" && module != "math" {
		return 0, false // NumPy's functions compute as the variants do
	}
	largest := 0.0
	for _, m := range ms {
		largest = math.Max(largest, m)
	}
	switch name {
	case "abs", "min", "max":
		if !r.exactMix(args, ms, ints) {
			return math.Inf(1), true
		}
		return largest, anyInt
	case "len":
		if len(c.Args) == 1 {
			if n, ok := c.Args[0].(*pyast.Name); ok {
				if a := r.b.x.arrays[n.Id]; a != nil && len(a.Extent) > 0 {
					return r.affine(a.Extent[0]), true
				}
				if t := r.b.x.fn.Params[n.Id]; t != nil && t.Kind == typeinfer.List && r.isParam(n.Id) {
					r.sizes["len("+n.Id+")"] = true
					return r.size, true
				}
			}
		}
		return math.Inf(1), true
	case "pow":
		if len(c.Args) == 2 && allInt {
			k, ok := smallLiteral(c.Args[1])
			m := math.Pow(ms[0], float64(k))
			if ok && m > exactFloat && (r.maybeFloat(args[0]) || r.mixed(args[0])) {
				r.fail(c, exprText(r.b.x.fn.File, c)+", an int that may be computed as a float")
				return math.Inf(1), true
			}
			if ok && r.check(m, c, exprText(r.b.x.fn.File, c)) {
				return m, true
			}
			r.fail(c, fmt.Sprintf("%s, an int power by a variable", exprText(r.b.x.fn.File, c)))
			return math.Inf(1), true
		}
		return 0, false
	case "float", "complex", "bool", "math.sqrt", "math.exp", "math.log", "math.log2", "math.log10",
		"math.sin", "math.cos", "math.tan", "math.asin", "math.acos", "math.atan", "math.atan2",
		"math.sinh", "math.cosh", "math.tanh", "math.pow", "math.fabs", "math.hypot", "math.fmod",
		"math.copysign", "math.erf", "math.erfc", "math.gamma", "math.lgamma", "math.expm1", "math.log1p":
		return 0, false
	case "int", "round", "math.floor", "math.ceil", "math.trunc":
		if len(c.Args) == 1 && allInt && !r.maybeFloat(args[0]) {
			return largest, true
		}
		if name == "round" && len(c.Args) == 2 {
			return 0, false // round(x, n) of a float is a float
		}
		r.fail(c, fmt.Sprintf("%s, an int of a float", exprText(r.b.x.fn.File, c)))
		return math.Inf(1), true
	}
	return math.Inf(1), true // a function of the module, a builtin: it may return any int
}

// callName names a call's function: a builtin's name, "math.f" for the math module's f, ""
// for others; module is the module an attribute call's object names ("" for none).
func (r *intRange) callName(c *pyast.Call) (name, module string) {
	switch f := c.Func.(type) {
	case *pyast.Name:
		return f.Id, ""
	case *pyast.Attribute:
		if mod, ok := f.X.(*pyast.Name); ok {
			module = r.b.x.fn.Modules[mod.Id]
			if module == "math" {
				return "math." + f.Attr, module
			}
		}
	}
	return "", module
}

// intLiteral is an int literal's magnitude; false for a float or complex literal.
func intLiteral(raw string) (float64, bool) {
	raw = strings.ReplaceAll(raw, "_", "")
	lower := strings.ToLower(raw)
	if strings.HasSuffix(lower, "j") || (!strings.HasPrefix(lower, "0x") && strings.ContainsAny(lower, ".e")) {
		return 0, false
	}
	if v, err := strconv.ParseInt(raw, 0, 64); err == nil {
		return math.Abs(float64(v)), true
	}
	return math.Inf(1), true // beyond int64: Python keeps it exact, the variants cannot
}

// smallLiteral reads a non-negative int literal below 64 (a power or a shift).
func smallLiteral(e pyast.Expr) (int64, bool) {
	n, ok := e.(*pyast.Num)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Raw, "_", ""), 0, 64)
	return v, err == nil && v >= 0 && v < 64
}

// moduleValue is the value a module-level name is bound to, once.
func moduleValue(f *pyast.File, name string) pyast.Expr {
	if f == nil || f.Module == nil {
		return nil
	}
	for _, s := range f.Module.Body {
		if t, v := singleBinding(s); v != nil {
			if n, ok := t.(*pyast.Name); ok && n.Id == name {
				return v
			}
		}
	}
	return nil
}
