package polyopt

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// Lowering makes the implicit loops of NumPy array statements explicit, so that the rest of
// the model (extraction, dependences, code generation) treats them like loops the user wrote:
//
//	u[1:-1] = u[1:-1] + c * (u[2:] - 2 * u[1:-1] + u[:-2])
//
// becomes a loop over the elements of the target, each operand indexed at its own offset.
// NumPy evaluates the whole right side before it stores anything; where the target is also
// read at other positions, the loop writes into a temporary first and copies it back. A sum of
// a whole array becomes a scalar reduction loop before the statement; a name bound to a new
// array gets a buffer allocated before the function's statement that holds it.
//
// This is a source-to-source step (desugaring), so it produces Python text: the lowered
// definition is parsed again and goes through the same pipeline as the original one.

// Lowered is a function with its array statements rewritten as loops.
type Lowered struct {
	Text    string   // the new definition, starting at its "def" line
	Stmts   int      // array statements rewritten
	Skipped []Opaque // array statements left as they were, with why
	// Spans say where each rewritten statement's code went, as byte offsets into Text.
	Spans []LoweredSpan
}

// LoweredSpan is the code one array statement became (its loops, and any allocation placed
// before its top-level statement).
type LoweredSpan struct {
	Orig     pyast.Pos // the statement in the original file
	From, To int
}

// Lower rewrites the NumPy array statements of a top-level function into loops over their
// elements, except those at the positions in skip. It returns nil when the function has no
// NumPy module to allocate with.
func Lower(fn Func, skip map[pyast.Pos]bool) *Lowered {
	// Views and gathers are tried first; one whose uses were not all rewritten is dropped and
	// the function lowered again without it (each try drops at least one).
	refused := map[string]bool{}
	for {
		low, failed := lowerWith(fn, skip, refused)
		if len(failed) == 0 {
			return low
		}
		for _, name := range failed {
			refused[name] = true
		}
	}
}

func lowerWith(fn Func, skip map[pyast.Pos]bool, refused map[string]bool) (*Lowered, []string) {
	x := newExtractor(fn)
	l := &lowerer{x: x, fn: fn, src: fn.File.Src, base: int(fn.Def.Pos()), skipAt: skip}
	for name, mod := range fn.Modules {
		if mod == "numpy" && (l.np == "" || name < l.np) {
			l.np = name
		}
	}
	if l.np == "" {
		return nil, nil
	}
	l.findViews(refused)
	l.findGathers(refused)
	for _, s := range fn.Def.Body {
		l.top = s
		l.stmt(s, nil, false)
	}
	if failed := l.unfinished(); len(failed) > 0 {
		return nil, failed
	}
	if l.count == 0 {
		return &Lowered{Skipped: l.skipped}, nil
	}
	// An allocation inserted before a statement goes before that statement's own rewrite.
	sort.SliceStable(l.edits, func(i, j int) bool {
		a, b := l.edits[i], l.edits[j]
		if a.from != b.from {
			return a.from < b.from
		}
		return a.to-a.from < b.to-b.from
	})
	var b strings.Builder
	var spans []LoweredSpan
	last := l.base
	for _, e := range l.edits {
		if e.from < last {
			return &Lowered{Skipped: l.skipped}, nil // overlapping rewrites: a bug, never a panic
		}
		b.Write(l.src[last:e.from])
		spans = append(spans, LoweredSpan{Orig: e.orig, From: b.Len(), To: b.Len() + len(e.text)})
		b.WriteString(e.text)
		last = e.to
	}
	b.Write(l.src[last:int(fn.Def.End())])
	return &Lowered{Text: b.String(), Stmts: l.count, Skipped: l.skipped, Spans: spans}, nil
}

type lowerer struct {
	x       *extractor
	fn      Func
	src     []byte
	base    int
	np      string     // the module's name for numpy
	top     pyast.Stmt // the top-level statement being lowered
	edits   []edit
	count   int
	temps   int // fresh names handed out
	skipped []Opaque
	reads   []elemRead // element reads recorded while rendering an expression
	skipAt  map[pyast.Pos]bool
	// views are names bound once to a slice of a read-only array, rendered as that slice
	// wherever a lowered statement reads them (lower_views.go); gathers are loops over the
	// ints of a list, by the loop's original target.
	views    map[string]*view
	gathers  map[string]*gather
	gathered map[string]*gather // by list: the first gather loop already rewritten
	// hoist holds what the statement being lowered needs before its top-level statement:
	// buffers for reductions, locals bound to extents; locals says which local holds the
	// Python expression of an extent ("A.shape[0]").
	hoist  []string
	locals map[string]string
}

// begin forgets what an earlier attempt at a statement hoisted.
func (l *lowerer) begin() {
	l.hoist, l.locals = nil, nil
}

type edit struct {
	from, to int
	text     string
	orig     pyast.Pos
}

// elemRead is one array element an expression reads, as rendered.
type elemRead struct {
	array, index string
	aff          []Affine // the index per dimension, in the statement's iterators
}

// arrayExpr is an array-valued expression: its extents, and how to render one element of it
// given one iterator per dimension (outer first). A scalar has no extents.
type arrayExpr struct {
	shape []Affine
	// bound is, per dimension, the extent of the array the dimension slices (an upper bound of
	// shape that depends on no loop index), or nil where unknown.
	bound []Affine
	dtype string // the dtype of its array operands when they agree, else ""
	elem  func(its []string) string
	pre   []string // statements (text) that must run before the element is rendered
}

// stmt lowers one statement, or searches its bodies.
func (l *lowerer) stmt(s pyast.Stmt, iters []string, inLoop bool) {
	switch s := s.(type) {
	case *pyast.For:
		inner := iters
		if v, ok := s.Target.(*pyast.Name); ok {
			it := v.Id
			if g := l.gathers[v.Id]; g != nil && g.loop == s {
				it = g.index
				l.rewriteGatherLoop(g)
			}
			inner = append(append([]string(nil), iters...), it)
		}
		for _, c := range s.Body {
			l.stmt(c, inner, true)
		}
	case *pyast.If:
		for _, c := range s.Body {
			l.stmt(c, iters, inLoop)
		}
		for _, c := range s.Else {
			l.stmt(c, iters, inLoop)
		}
	case *pyast.While:
		for _, c := range s.Body {
			l.stmt(c, iters, true)
		}
	case *pyast.Assign:
		if len(s.Targets) == 1 {
			l.assign(s, s.Targets[0], s.Value, "", iters, inLoop)
		}
	case *pyast.AugAssign:
		op := map[pyast.BinaryOp]string{pyast.Add: "+=", pyast.Sub: "-=", pyast.Mul: "*=", pyast.Div: "/="}[s.Op]
		if op != "" {
			l.assign(s, s.Target, s.Value, op, iters, inLoop)
		}
	}
}

// arrayStatement reports a statement whose value or target is array-valued: a slice, a whole
// array, a method of one.
func (l *lowerer) arrayStatement(target, value pyast.Expr) bool {
	found := false
	for _, e := range []pyast.Expr{target, value} {
		pyast.Inspect(e, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Slice:
				found = true
			case *pyast.Attribute:
				if n.Attr == "shape" {
					return false // extents are numbers
				}
			case *pyast.Name:
				if a := l.x.arrays[n.Id]; a != nil && len(a.Extent) > 0 {
					found = true
				}
				if l.views[n.Id] != nil {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func (l *lowerer) skip(n pyast.Node, format string, args ...any) {
	l.skipped = append(l.skipped, Opaque{Kind: RejectSlice, Pos: n.Pos(), Reason: fmt.Sprintf(format, args...)})
}

// assign lowers target (op)= value when it is an array statement.
func (l *lowerer) assign(s pyast.Stmt, target, value pyast.Expr, op string, iters []string, inLoop bool) {
	if l.skipAt[s.Pos()] || l.x.allocs[s] {
		return
	}
	if v := l.viewBinding(s); v != nil {
		l.dropBinding(s, v)
		return
	}
	// x.conj() of a number is rewritten too: Numba knows np.conj(x), not the method.
	conj := hasConjMethod(value)
	if !l.arrayStatement(target, value) && !conj {
		return
	}
	if why := l.complexIntoReal(target, value); why != "" {
		l.skip(s, "%s", why)
		return
	}
	if !l.ownLines(s) {
		l.skip(s, "the array statement shares its line with other code")
		return
	}
	env := lowerEnv{l.x, iters}
	l.begin()
	if x, y, ok := l.matmulOperands(value); ok {
		if done := l.matmulStmt(s, target, x, y, op, iters, inLoop, env); done {
			return
		}
	}
	if call, ok := value.(*pyast.Call); ok {
		l.begin()
		if done := l.reduceStmt(s, target, call, op, iters, inLoop, env); done {
			return
		}
	}
	l.begin()
	l.reads = nil
	rhs, why := l.expr(value, env)
	if why != "" {
		l.skip(value, "%s", why)
		return
	}
	if len(rhs.shape) == 0 && l.scalarTarget(target, env) {
		if len(rhs.pre) == 0 && !conj {
			return // a scalar statement: extraction models it as it is
		}
		// A scalar statement that sums arrays: the sums run first.
		if op == "" {
			op = "="
		}
		lines := append(append([]string(nil), rhs.pre...),
			fmt.Sprintf("%s %s %s", exprText(l.fn.File, target), op, rhs.elem(nil)))
		l.replace(s, lines, l.hoist)
		return
	}
	var lhs *arrayExpr
	var alloc string // a buffer for a name bound to a new array
	if n, ok := target.(*pyast.Name); ok && l.x.arrays[n.Id] == nil {
		if op != "" {
			l.skip(s, "an augmented assignment to a name holding an array")
			return
		}
		if why := l.viewCopyUnsafe(n.Id, value); why != "" {
			l.skip(s, "%s", why)
			return
		}
		a, why := l.bindNew(n.Id, rhs.shape, rhs.dtype, iters, inLoop, env)
		if why != "" {
			l.skip(s, "%s", why)
			return
		}
		alloc, lhs = a, l.declare(n.Id, rhs.shape, rhs.dtype)
	} else {
		t, why := l.expr(target, env)
		if why != "" {
			l.skip(target, "%s", why)
			return
		}
		if len(t.shape) == 0 {
			l.skip(target, "the target is one element but the value is an array")
			return
		}
		lhs = t
	}
	if len(rhs.shape) > len(lhs.shape) {
		l.skip(s, "the value has more dimensions than the target")
		return
	}
	off := len(lhs.shape) - len(rhs.shape)
	for i, d := range rhs.shape {
		if !equalAff(d, lhs.shape[off+i]) {
			l.skip(s, "the extents of target and value are not provably equal (%s and %s)", lhs.shape[off+i], d)
			return
		}
	}
	its := make([]string, len(lhs.shape))
	for i := range its {
		its[i] = fmt.Sprintf("_pp_i%d", l.temps)
		l.temps++
	}
	l.reads = nil
	valueText := rhs.elem(its[off:])
	reads := l.reads
	l.reads = nil
	targetElem := lhs.elem(its)
	var written *elemRead
	if n := len(l.reads); n > 0 {
		written = &l.reads[n-1]
	}
	l.reads = nil
	tArray, tIndex := splitElem(targetElem)
	conflict := false
	for _, r := range reads {
		if r.array == tArray && r.index != tIndex && !(written != nil && neverWritten(written.aff, r.aff, its)) {
			conflict = true
		}
	}
	var lines []string
	lines = append(lines, rhs.pre...)
	nest := func(body string) {
		for i, it := range its {
			lines = append(lines, strings.Repeat("    ", i)+fmt.Sprintf("for %s in range(%s):", it, l.py(lhs.shape[i])))
		}
		lines = append(lines, strings.Repeat("    ", len(its))+body)
	}
	var hoist []string
	if alloc != "" {
		hoist = append(hoist, alloc)
	}
	hoist = append(hoist, l.hoist...)
	switch {
	case conflict:
		// NumPy computes the whole value before it stores: keep that order with a temporary.
		tmp := fmt.Sprintf("_pp_t%d", l.temps)
		l.temps++
		for _, d := range lhs.shape {
			for _, v := range d.Vars() {
				if contains(iters, v) {
					l.skip(s, "the statement reads what it writes and its extent depends on the loop index %s", v)
					return
				}
			}
		}
		dims := make([]string, len(lhs.shape))
		for i, d := range lhs.shape {
			dims[i] = l.py(d)
		}
		dtype := l.x.arrays[tArray].DType
		if dtype == "" {
			l.skip(s, "the dtype of %s is unknown", tArray)
			return
		}
		hoist = append(hoist, fmt.Sprintf("%s = %s.empty((%s,), dtype=%s.%s)", tmp, l.np, strings.Join(dims, ", "), l.np, dtype))
		tmpElem := tmp + "[" + strings.Join(its, ", ") + "]"
		if op != "" {
			nest(fmt.Sprintf("%s = %s %s (%s)", tmpElem, targetElem, op[:1], valueText))
		} else {
			nest(fmt.Sprintf("%s = %s", tmpElem, valueText))
		}
		nest(fmt.Sprintf("%s = %s", targetElem, tmpElem))
	case op != "":
		nest(fmt.Sprintf("%s %s %s", targetElem, op, valueText))
	default:
		nest(fmt.Sprintf("%s = %s", targetElem, valueText))
	}
	l.replace(s, lines, hoist)
}

// replace puts lines, at the statement's indentation, in place of s, and hoist before its
// top-level statement.
func (l *lowerer) replace(s pyast.Stmt, lines, hoist []string) {
	from, to := lineStart(l.src, int(s.Pos())), lineEnd(l.src, int(s.End()))
	l.edits = append(l.edits, edit{from, to, indentLines(lines, l.indentOf(s)), s.Pos()})
	if len(hoist) > 0 {
		at := lineStart(l.src, int(l.top.Pos()))
		l.edits = append(l.edits, edit{at, at, indentLines(hoist, l.indentOf(l.top)) + "\n", s.Pos()})
	}
	l.count++
}

// bindNew says why name may not be bound to a new array of the given extents and dtype, or
// returns the statement that allocates it before the top-level statement.
func (l *lowerer) bindNew(name string, shape []Affine, dtype string, iters []string, inLoop bool, env lowerEnv) (string, string) {
	if why := l.newArrayOK(name, &arrayExpr{shape: shape, dtype: dtype}, inLoop, env); why != "" {
		return "", why
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		for _, v := range d.Vars() {
			if contains(iters, v) {
				return "", fmt.Sprintf("the new array's extent depends on the loop index %s", v)
			}
		}
		dims[i] = l.py(d)
	}
	return fmt.Sprintf("%s = %s.empty((%s,), dtype=%s.%s)", name, l.np, strings.Join(dims, ", "), l.np, dtype), ""
}

// declare records name as the new array the statement binds, and returns it whole.
func (l *lowerer) declare(name string, shape []Affine, dtype string) *arrayExpr {
	l.x.arrays[name] = &Array{Name: name, DType: dtype, Extent: shape}
	x, _ := l.subscript(name, make([]*Affine, len(shape)), nil)
	return x
}

// scalarTarget reports a target that names one value: a name not bound to an array, or an
// element of an array.
func (l *lowerer) scalarTarget(target pyast.Expr, env lowerEnv) bool {
	switch t := target.(type) {
	case *pyast.Name:
		return l.x.arrays[t.Id] == nil
	case *pyast.Subscript:
		x, why := l.expr(t, env)
		return why == "" && len(x.shape) == 0
	}
	return false
}

// newArrayOK says why a name may not be bound to a buffer holding a new array, or "".
func (l *lowerer) newArrayOK(name string, rhs *arrayExpr, inLoop bool, env lowerEnv) string {
	if l.x.rebound[name] != 1 {
		return fmt.Sprintf("%s is bound more than once", name)
	}
	if rhs.dtype != "float64" && rhs.dtype != "complex128" {
		return "the new array's dtype is not known to be float64 or complex128"
	}
	if inLoop && l.escapes(name) {
		// A fresh array per iteration may be kept by whoever receives it; a reused buffer
		// would then change under them.
		return fmt.Sprintf("%s is rebound in a loop and used whole elsewhere", name)
	}
	return ""
}

// viewCopyUnsafe says why name = value may not become a new array ("" when it may): the value
// may be a view (V = out[:, :], out.T, np.transpose(out)), and a write through the name or to
// the array it views would then reach the other, which a copy would not.
func (l *lowerer) viewCopyUnsafe(name string, value pyast.Expr) string {
	if !mayBeView(value, l.fn.Modules) {
		return ""
	}
	root := viewRoot(value, l.fn.Modules)
	if root == "" {
		return fmt.Sprintf("%s may be a view of an array the lowering cannot name", name)
	}
	if l.writtenThrough(name) || l.escapes(name) {
		return fmt.Sprintf("%s may be a view of %s, and %s is written", name, root, name)
	}
	if l.writtenThrough(root) || l.passedToUnknown(root) {
		return fmt.Sprintf("%s may be a view of %s, and %s is written", name, root, root)
	}
	return ""
}

// passedToUnknown reports a name given to a call that may write it: not a NumPy function on
// the purity lists, a builtin that only reads, or a method on those lists.
func (l *lowerer) passedToUnknown(name string) bool {
	found := false
	for _, s := range l.fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			c, ok := n.(*pyast.Call)
			if !ok || found {
				return !found
			}
			known := false
			switch f := c.Func.(type) {
			case *pyast.Name:
				known = pureBuiltins[f.Id]
			case *pyast.Attribute:
				if _, ok := numpyFunction(f, l.fn.Modules, nil); ok {
					known = !hasKeyword(c, "out")
				} else if _, ok := npMethods[f.Attr]; ok && rootName(f.X) == name {
					known = true
				}
			}
			if !known {
				for _, a := range c.Args {
					if mentions([]pyast.Expr{a}, name) {
						found = true
					}
				}
				if f, ok := c.Func.(*pyast.Attribute); ok && rootName(f.X) == name {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// mayBeView reports a value that may share memory with an array: a subscript, an attribute
// (.T, .real), a name, or a call that is not one of NumPy's allocating functions or a copy.
func mayBeView(e pyast.Expr, modules map[string]string) bool {
	switch e := e.(type) {
	case *pyast.BinOp, *pyast.UnaryOp, *pyast.Compare, *pyast.Num, *pyast.Constant:
		return false
	case *pyast.Call:
		if f, ok := e.Func.(*pyast.Attribute); ok {
			if fn, ok := numpyFunction(f, modules, nil); ok {
				return !fn.fresh || hasKeyword(e, "copy")
			}
			switch f.Attr {
			case "copy", "flatten", "tolist":
				return false
			}
		}
	}
	return true
}

// viewRoot is the array a possible view comes from: A of A[...], A.T, np.transpose(A), A.reshape(...).
func viewRoot(e pyast.Expr, modules map[string]string) string {
	c, ok := e.(*pyast.Call)
	if !ok {
		return rootName(e)
	}
	if f, ok := c.Func.(*pyast.Attribute); ok {
		if r := rootName(f.X); r != "" && modules[r] == "" {
			return r // a method: A.reshape(...)
		}
	}
	if len(c.Args) > 0 {
		return rootName(c.Args[0]) // a function: np.transpose(A)
	}
	return ""
}

// writtenThrough reports a name some statement of the function stores into (name[...] =,
// name.x =, name += ...) or passes as out=.
func (l *lowerer) writtenThrough(name string) bool {
	found := false
	for _, s := range l.fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Assign:
				for _, t := range n.Targets {
					if _, plain := t.(*pyast.Name); !plain && rootName(t) == name {
						found = true
					}
					if tu, ok := t.(*pyast.Tuple); ok {
						for _, e := range tu.Elts {
							if _, plain := e.(*pyast.Name); !plain && rootName(e) == name {
								found = true
							}
						}
					}
				}
			case *pyast.AugAssign:
				found = found || rootName(n.Target) == name
			case *pyast.Keyword:
				found = found || (n.Name == "out" && rootName(n.Value) == name)
			}
			return !found
		})
	}
	return found
}

// escapes reports a name used other than through subscripts or methods that copy.
func (l *lowerer) escapes(name string) bool {
	escaped := false
	var walk func(n pyast.Node)
	walk = func(n pyast.Node) {
		if n == nil || escaped {
			return
		}
		pyast.Inspect(n, func(c pyast.Node) bool {
			switch c := c.(type) {
			case *pyast.Subscript:
				if id, ok := c.X.(*pyast.Name); ok && id.Id == name {
					walk(c.Index)
					return false
				}
			case *pyast.Attribute:
				if id, ok := c.X.(*pyast.Name); ok && id.Id == name {
					switch c.Attr {
					case "sum", "mean", "copy", "shape", "T":
						return false
					}
					escaped = true
					return false
				}
			case *pyast.BinOp:
				for _, y := range []pyast.Expr{c.X, c.Y} {
					if id, ok := y.(*pyast.Name); ok && id.Id == name {
						continue
					}
					walk(y)
				}
				return false
			case *pyast.Assign:
				if id, ok := c.Targets[0].(*pyast.Name); ok && id.Id == name && len(c.Targets) == 1 {
					walk(c.Value)
					return false
				}
			case *pyast.Name:
				if c.Id == name {
					escaped = true
				}
			}
			return !escaped
		})
	}
	for _, s := range l.fn.Def.Body {
		walk(s)
	}
	return escaped
}

// ownLines reports a statement alone on its lines, so that its lines can be replaced.
func (l *lowerer) ownLines(s pyast.Stmt) bool {
	from, to := lineStart(l.src, int(s.Pos())), lineEnd(l.src, int(s.End()))
	if strings.TrimSpace(string(l.src[from:int(s.Pos())])) != "" {
		return false
	}
	rest := strings.TrimSpace(string(l.src[int(s.End()):to]))
	return rest == "" || strings.HasPrefix(rest, "#")
}

func (l *lowerer) indentOf(s pyast.Stmt) string {
	return string(l.src[lineStart(l.src, int(s.Pos())):int(s.Pos())])
}

func indentLines(lines []string, indent string) string {
	out := make([]string, len(lines))
	for i, ln := range lines {
		out[i] = indent + ln
	}
	return strings.Join(out, "\n")
}

func lineStart(src []byte, p int) int { return pyast.LineStart(src, p) }

func lineEnd(src []byte, p int) int { return pyast.LineEnd(src, p) }

// splitElem splits "A[i, j + 1]" into "A" and "i, j + 1".
func splitElem(e string) (string, string) {
	name, rest, ok := strings.Cut(e, "[")
	if !ok {
		return e, ""
	}
	return name, strings.TrimSuffix(rest, "]")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func equalAff(a, b Affine) bool {
	d := a.add(b, -1)
	return d.IsConst() && d.Const == 0
}

// py renders an affine expression as Python over the function's own names: parameters by the
// expression that gives them ("A.shape[0]"), iterators by name.
func (l *lowerer) py(a Affine) string {
	return l.pyWith(a, func(v string) string {
		if src, ok := l.x.source[v]; ok {
			return src
		}
		return v
	})
}

// pyLocal renders an affine expression for a statement's body, where the builder reads names
// but not "A.shape[0]": a parameter given by an array's shape is bound to a local before the
// top-level statement (hoist).
func (l *lowerer) pyLocal(a Affine) string {
	return l.pyWith(a, func(v string) string {
		src, ok := l.x.source[v]
		if !ok || src == v {
			return v
		}
		if name, ok := l.locals[src]; ok {
			return name
		}
		name := fmt.Sprintf("_pp_n%d", l.temps)
		l.temps++
		if l.locals == nil {
			l.locals = map[string]string{}
		}
		l.locals[src] = name
		l.hoist = append(l.hoist, name+" = "+src)
		return name
	})
}

func (l *lowerer) pyWith(a Affine, nameOf func(string) string) string {
	var terms []string
	for _, v := range a.Vars() {
		name := nameOf(v)
		switch c := a.Coef[v]; c {
		case 1:
			terms = append(terms, "+ "+name)
		case -1:
			terms = append(terms, "- "+name)
		default:
			if c < 0 {
				terms = append(terms, fmt.Sprintf("- %d * %s", -c, name))
			} else {
				terms = append(terms, fmt.Sprintf("+ %d * %s", c, name))
			}
		}
	}
	switch {
	case len(terms) == 0:
		return fmt.Sprint(a.Const)
	case a.Const > 0:
		terms = append(terms, fmt.Sprintf("+ %d", a.Const))
	case a.Const < 0:
		terms = append(terms, fmt.Sprintf("- %d", -a.Const))
	}
	s := strings.Join(terms, " ")
	if strings.HasPrefix(s, "+ ") {
		return s[2:]
	}
	return "-" + s[2:]
}

// lowerEnv is the affine environment of a statement: parameters, affine locals, and the
// iterators of its enclosing loops.
type lowerEnv struct {
	x     *extractor
	iters []string
}

func (e lowerEnv) affineName(name string) (Affine, bool) {
	if contains(e.iters, name) {
		return varAff(name), true
	}
	return e.x.affineName(name)
}

func (e lowerEnv) shapeDim(array string, dim int) (Affine, bool) { return e.x.shapeDim(array, dim) }

// matmulStmt lowers T (op)= X @ Y with a vector or matrix result: a nest over T's elements,
// each the sum of its products. It reports whether it handled the statement (lowered or
// skipped with a reason); false leaves a scalar product to the general path.
func (l *lowerer) matmulStmt(s pyast.Stmt, target, xe, ye pyast.Expr, op string, iters []string, inLoop bool, env lowerEnv) bool {
	l.reads = nil
	p, why := l.product(xe, ye, env)
	if why != "" {
		l.skip(s, "%s", why)
		return true
	}
	if len(p.shape) == 0 {
		return false
	}
	if op != "" && op != "+=" && op != "-=" {
		l.skip(s, "a matrix product with %s", op)
		return true
	}
	var lhs *arrayExpr
	var hoist []string
	if n, ok := target.(*pyast.Name); ok && l.x.arrays[n.Id] == nil {
		if op != "" {
			l.skip(s, "an augmented assignment to a name holding an array")
			return true
		}
		alloc, why := l.bindNew(n.Id, p.shape, p.dtype, iters, inLoop, env)
		if why != "" {
			l.skip(s, "%s", why)
			return true
		}
		hoist = append(hoist, alloc)
		lhs = l.declare(n.Id, p.shape, p.dtype)
	} else {
		t, why := l.expr(target, env)
		if why != "" {
			l.skip(target, "%s", why)
			return true
		}
		lhs = t
	}
	if len(lhs.shape) != len(p.shape) {
		l.skip(s, "the product's rank differs from the target's")
		return true
	}
	for i := range p.shape {
		if !equalAff(p.shape[i], lhs.shape[i]) {
			l.skip(s, "the extents of target and product are not provably equal (%s and %s)", lhs.shape[i], p.shape[i])
			return true
		}
	}
	its := make([]string, len(p.shape))
	for i := range its {
		its[i] = fmt.Sprintf("_pp_i%d", l.temps)
		l.temps++
	}
	k := fmt.Sprintf("_pp_i%d", l.temps)
	l.temps++
	l.reads = nil
	term := p.term(its, k)
	reads := l.reads
	l.reads = nil
	targetElem := lhs.elem(its)
	tArray, _ := splitElem(targetElem)
	for _, r := range reads {
		if r.array == tArray {
			l.skip(s, "the product reads the array it writes")
			return true
		}
	}
	lines := append([]string(nil), p.pre...)
	for i, it := range its {
		lines = append(lines, strings.Repeat("    ", i)+fmt.Sprintf("for %s in range(%s):", it, l.py(lhs.shape[i])))
	}
	in := strings.Repeat("    ", len(its))
	acc := "+="
	if op == "" {
		lines = append(lines, in+targetElem+" = 0.0")
	} else {
		acc = op
	}
	lines = append(lines, in+fmt.Sprintf("for %s in range(%s):", k, l.py(p.k)), in+"    "+targetElem+" "+acc+" "+term)
	l.replace(s, lines, append(hoist, l.hoist...))
	return true
}

// reduceStmt lowers T (op)= x.sum(axis=k) (or a mean) whose result is an array straight into
// T: T's elements are set to zero, every element of x is added to the one it reduces into,
// and a mean divides at the end. It reports whether it handled the statement (lowered or
// skipped with a reason); false leaves it to the general path, which computes the reduction
// into a buffer first: a value that is one number, a target that is also an operand or has
// another rank or dtype, *= and /=, an update by a mean.
func (l *lowerer) reduceStmt(s pyast.Stmt, target pyast.Expr, call *pyast.Call, op string, iters []string, inLoop bool, env lowerEnv) bool {
	temps := l.temps
	general := func() bool {
		l.temps = temps
		l.begin()
		return false
	}
	r, why, ok := l.reduceCall(call, env)
	if !ok {
		return false
	}
	if why != "" {
		l.skip(s, "%s", why)
		return true
	}
	shape := r.kept()
	if len(shape) == 0 || !(op == "" || !r.mean && (op == "+=" || op == "-=")) {
		return general()
	}
	zero, dtype, why := reduceType(r)
	if why != "" {
		l.skip(s, "%s", why)
		return true
	}
	var lhs *arrayExpr
	var hoist []string
	if n, ok := target.(*pyast.Name); ok && l.x.arrays[n.Id] == nil {
		if op != "" {
			l.skip(s, "an augmented assignment to a name holding an array")
			return true
		}
		alloc, why := l.bindNew(n.Id, shape, dtype, iters, inLoop, env)
		if why != "" {
			l.skip(s, "%s", why)
			return true
		}
		hoist = append(hoist, alloc)
		lhs = l.declare(n.Id, shape, dtype)
	} else {
		t, why := l.expr(target, env)
		if why != "" {
			l.skip(target, "%s", why)
			return true
		}
		if len(t.shape) != len(shape) || t.dtype != dtype {
			return general()
		}
		for i := range shape {
			if !equalAff(shape[i], t.shape[i]) {
				return general()
			}
		}
		lhs = t
	}
	div := ""
	if r.mean {
		div = l.meanCount(r)
	}
	lines, reads := l.reduceInto(r, lhs.elem, op, zero, div)
	tArray, _ := splitElem(lhs.elem(make([]string, len(shape))))
	l.reads = nil
	for _, rd := range reads {
		if rd.array == tArray {
			return general() // NumPy sums before it stores
		}
	}
	lines = append(append([]string(nil), r.x.pre...), lines...)
	l.replace(s, lines, append(hoist, l.hoist...))
	return true
}
