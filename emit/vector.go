package emit

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// region generates the NumPy code of one SCoP, keeping its original loop order (the schedule
// isl proves legal by construction) and turning every subtree whose loops carry no dependence,
// or only reductions, into whole-array statements.
type region struct {
	scop    *polyopt.SCoP
	file    *pyast.File
	loopOf  map[*pyast.For]*polyopt.Loop
	stmtOf  map[pyast.Node]*polyopt.Stmt
	names   *names
	outside map[string]bool // names the function uses outside the subtree being vectorized
	fnBody  []pyast.Stmt
	// spans, where set, are the ranges boxes of triangular loops use for a loop instead of its
	// bounds: a Ray chunk runs [_lo, _hi) of a loop whose whole range is known.
	spans    map[string][2]polyopt.Affine
	masks    map[string]string // mask expression -> the variable holding it
	maskDefs []string          // their definitions, placed before the region
	lines    []string
	// updates describes the lines that assign a whole-array value to a slice of an array, by
	// their index in lines (see fuseZeroInit).
	updates map[int]update
	vector  int // statements turned into whole-array code
	pyLoops int // loops left as Python loops
	// symmetric counts nests computed over the square instead of a triangle and its mirror
	// (see symmetric.go).
	symmetric int
	// wideProducts counts statements that sum into a target of two or more dimensions
	// (matrix products: BLAS's, NumPy's best case), wideElementwise those that compute one
	// elementwise from other arrays (gemver's A + u1 v1^T + u2 v2^T: a pass over memory
	// and a temporary per operation, where compiled loops make one pass).
	wideProducts, wideElementwise int
	depth                         int // Python loops around the statement being generated
	// scalarInLoops counts statements left element by element inside Python loops: on a GPU
	// each would cross the bus.
	scalarInLoops int
	// expand holds, while a subtree is vectorized, the arrays it gives one copy per iteration
	// of some of its loops (see planExpansion), by the array's name.
	expand map[string]*expansion
	// fancy holds the targets written through index arrays (see diagonal): NumPy assigns into
	// such an expression, but np.copyto into it would write into a copy.
	fancy map[string]bool
	// finite lists the values (code) a masked matrix product of the subtree being vectorized
	// multiplies by the zeros outside its mask: they must hold no inf or nan, as 0 * inf is
	// nan where the loops never computed that product. The subtree's whole-array code then
	// runs under a check of them, its loops otherwise (see block).
	finite []string
	// writtenSub names the arrays the statements of the subtree written so far assign to.
	writtenSub map[string]bool
	// tempNames are the scalars vectorized into temporaries, and subtrees the lines [start,
	// end) of each nest turned into whole-array code, where they live (see forwardTemps).
	tempNames map[string]bool
	// tempAxes are the loops each temporary was computed over, with their bounds: a sibling
	// loop that reuses an iterator's name with other bounds reads it along another axis.
	tempAxes map[string][]axis
	// complexTemps are the temporaries whose first value is complex.
	complexTemps map[string]bool
	subtrees     [][2]int
	// noMasked refuses masked products: while generating the code that runs when the values
	// of finite are not all finite.
	noMasked bool
	// mathUnchecked is set while rendering a value computed at points the loops never reach
	// (a triangle's box, the untaken branch of x if c else y): math functions there stay
	// NumPy's, which give nan or inf instead of raising (see mathRaises).
	mathUnchecked bool
	// checkedCall is set while rendering a statement that calls a function raising for some
	// values (math.sqrt, a float stored into an int), which the loops call only if all of
	// the statement's loops run (see whenNotEmpty).
	checkedCall bool
	// slabs, products and diags record, by their code, the plain slices, masked products and
	// diagonals the region's lines read and write, for mergeMirrored.
	slabs    map[string]*slab
	products map[string]*maskedProduct
	diags    map[string]diagonalRead
	// narrow follows the SCoP's narrow integers (see narrowMeetsIndex), once narrowDone.
	narrow     *narrowRW
	narrowErr  error
	narrowDone bool
	// sumInto is the dtype of the array a reduction is added into (for a scalar, the narrow
	// type it holds, "wide", or ""): a product of narrow ints is summed as the loops add each
	// term to it (narrowProduct).
	sumInto string
}

// vecErr is why a subtree stays a Python loop.
type vecErr string

func (e vecErr) Error() string { return string(e) }

func newRegion(s *polyopt.SCoP, file *pyast.File, fnBody []pyast.Stmt) *region {
	r := &region{scop: s, file: file, loopOf: map[*pyast.For]*polyopt.Loop{},
		stmtOf: map[pyast.Node]*polyopt.Stmt{}, names: &names{params: map[string]string{}}, fnBody: fnBody}
	for _, l := range s.Loops {
		r.loopOf[l.Node] = l
	}
	for _, st := range s.Stmts {
		r.stmtOf[st.Node] = st
	}
	for _, p := range s.Params {
		r.names.params[p] = "_p_" + p
	}
	return r
}

// generate returns the code replacing the SCoP, at the given indentation.
func (r *region) generate(indent string) []string {
	var params []string
	for _, p := range r.scop.Params {
		params = append(params, fmt.Sprintf("%s%s = %s", indent, r.names.params[p], r.scop.ParamSource[p]))
	}
	r.lines = append(r.lines, params...)
	r.block(r.scop.Body, indent)
	r.forwardTemps()
	r.mergeMirrored()
	r.assignProducts()
	r.fuseZeroInit()
	r.addProductsInto()
	r.gemmInto()
	// A mask made for code that was then given up (a term of a sum that could not be masked
	// alone) is not computed.
	body := namesIn(strings.Join(r.lines[len(params):], "\n"))
	var defs []string
	for _, d := range r.maskDefs {
		if name, _, _ := strings.Cut(d, " = "); body[name] {
			defs = append(defs, d)
		}
	}
	r.maskDefs = defs
	// A parameter the code no longer reads (a whole-array slice needs no bound) is not set.
	used := namesIn(strings.Join(append(append([]string(nil), r.lines[len(params):]...), r.maskDefs...), "\n"))
	var kept []string
	for i, p := range r.scop.Params {
		if used[r.names.params[p]] {
			kept = append(kept, params[i])
		}
	}
	r.lines = append(kept, r.lines[len(params):]...)
	params = kept
	if len(r.maskDefs) > 0 {
		// Masks that depend on parameters alone are computed once, before the region.
		var defs []string
		for _, d := range r.maskDefs {
			defs = append(defs, indent+d)
		}
		r.lines = append(append(append([]string(nil), r.lines[:len(params)]...), defs...), r.lines[len(params):]...)
	}
	return r.lines
}

// fuseZeroInit turns T = 0 followed, at the same level, by T += e into one copy of e into T
// (the sum's first term was the zero): a pass over T and a temporary less. The lines between
// the two must not name T's array (arrays of other names never share memory: the guard
// checks it for arguments, and locals are allocated by the function), so the zero was still
// there when e was added, and e does not read T. np.copyto with casting="same_kind" casts as
// += does, raising where it raises; 0 + x is x for every x but -0.0, which compares equal.
func (r *region) fuseZeroInit() {
	if len(r.updates) == 0 {
		return
	}
	drop := map[int]bool{}
	for at, u := range r.updates {
		if u.op != "=" || u.temp || (u.value != "0.0" && u.value != "0") {
			continue
		}
		for k := at + 1; k < len(r.lines); k++ {
			v, isUpdate := r.updates[k]
			if isUpdate && v.target == u.target && v.indent == u.indent && v.op == "+=" && v.mask == u.mask && !namesIn(v.value)[u.array] {
				if u.mask != "" {
					// Over a triangle: one where() that takes the sum inside it, the
					// array's own values outside (what the zero and the add left there).
					r.lines[k] = v.indent + maskedCopy(v.target, v.value, v.mask)
					delete(r.updates, k)
					drop[at] = true
					break
				}
				dst := v.target
				if wholeTarget.MatchString(dst) {
					dst = u.array // copyto writes into the array: no view needed
				}
				r.lines[k] = v.indent + copyInto(dst, v.value, v.indent)
				delete(r.updates, k)
				drop[at] = true
				break
			}
			line := r.lines[k]
			if !strings.HasPrefix(line, u.indent) || len(line) > len(u.indent) && (line[len(u.indent)] == ' ' || line[len(u.indent)] == '\t') ||
				strings.Contains(line, "\n") || strings.HasSuffix(line, ":") || namesIn(line)[u.array] {
				break // another block, a compound statement, or a use of T's array
			}
		}
	}
	r.dropLines(drop)
}

// wholeTarget matches a whole-array target, x[:] or A[:, :].
var wholeTarget = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\[:(, :)*\]$`)

// copyInto renders the copy of value into dst that fuseZeroInit makes of T = 0; T += value.
// A matrix product, possibly scaled (s * (X @ Y), as contract renders it), is computed into
// dst itself: np.matmul(X, Y, out=dst), then dst *= s, without the temporary of dst's size
// and the pass that copied it (3mm's E = A @ B; fresh pages for the temporary cost more than
// the copy on large arrays). matmul's out= casts as copyto with casting="same_kind" does, and
// s * P is P * s bit for bit. value reads nothing of dst's array (fuseZeroInit checks it), so
// s is read unchanged after the product.
func copyInto(dst, value, indent string) string {
	if scale, x, y, ok := splitMatmul(value); ok {
		line := fmt.Sprintf("_np.matmul(%s, %s, out=%s)", x, y, dst)
		if scale != "" {
			line += fmt.Sprintf("\n%s%s *= %s", indent, dst, scale)
		}
		return line
	}
	return fmt.Sprintf("_np.copyto(%s, %s, casting=\"same_kind\")", dst, value)
}

// splitMatmul parses code of the form (X @ Y) or s * (X @ Y), as contract renders a product,
// into its scale (empty when none) and operands.
func splitMatmul(code string) (scale, x, y string, ok bool) {
	if !strings.HasSuffix(code, ")") {
		return "", "", "", false
	}
	depth, open := 0, -1
	for i := len(code) - 1; i >= 0; i-- {
		switch code[i] {
		case ')', ']':
			depth++
		case '(', '[':
			depth--
		}
		if depth == 0 {
			open = i
			break
		}
	}
	if open < 0 || code[open] != '(' {
		return "", "", "", false
	}
	if open > 0 {
		if !strings.HasSuffix(code[:open], " * ") || open == len(" * ") {
			return "", "", "", false
		}
		scale = code[:open-len(" * ")]
		if strings.Contains(scale, "@") {
			return "", "", "", false
		}
	}
	inner := code[open+1 : len(code)-1]
	at, depth := -1, 0
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '@':
			if depth == 0 {
				if at >= 0 {
					return "", "", "", false
				}
				at = i
			}
		}
	}
	if at < 1 || at+2 > len(inner) || inner[at-1] != ' ' || inner[at+1] != ' ' {
		return "", "", "", false
	}
	return scale, inner[:at-1], inner[at+2:], true
}

// namesIn returns the identifiers of generated code.
func namesIn(code string) map[string]bool {
	out := map[string]bool{}
	for _, id := range identifier.FindAllString(code, -1) {
		out[id] = true
	}
	return out
}

// identifier matches the names in generated code.
var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// sharedMask returns a variable holding mask when the mask reads nothing but parameters
// (statements of a triangular nest share it, and it need not be rebuilt per statement), else
// the mask itself.
func (r *region) sharedMask(mask string) string {
	for _, id := range identifier.FindAllString(mask, -1) {
		if id != "_np" && id != "arange" && id != "None" && !strings.HasPrefix(id, "_p_") {
			return mask
		}
	}
	if name, ok := r.masks[mask]; ok {
		return name
	}
	if r.masks == nil {
		r.masks = map[string]string{}
	}
	name := fmt.Sprintf("_mask%d", len(r.masks))
	r.masks[mask] = name
	// Built once per extent and kept by the runtime: on a GPU the few small kernels that
	// build a mask cost more than the where() that uses it (130 us for covariance's at
	// LARGE on an H100). _np.ndarray in the key keeps NumPy's and CuPy's masks apart.
	var params []string
	seen := map[string]bool{}
	for _, id := range identifier.FindAllString(mask, -1) {
		if strings.HasPrefix(id, "_p_") && !seen[id] {
			seen[id] = true
			params = append(params, id)
		}
	}
	key := append([]string{"_np.ndarray", strconv.Quote(mask)}, params...)
	r.maskDefs = append(r.maskDefs, fmt.Sprintf("%s = _rt.cached_mask((%s,), lambda: %s)", name, strings.Join(key, ", "), mask))
	return name
}

func (r *region) emit(indent, s string) { r.lines = append(r.lines, indent+s) }

func (r *region) source(n pyast.Node) string {
	return string(r.file.Src[n.Pos():n.End()])
}

func (r *region) block(body []pyast.Stmt, indent string) {
	for _, s := range body {
		f, ok := s.(*pyast.For)
		if !ok || r.loopOf[f] == nil {
			r.emit(indent, r.source(s))
			if r.depth > 0 {
				r.scalarInLoops++
			}
			continue
		}
		l := r.loopOf[f]
		if l.Parallel || l.Reduction || l.Anti || len(l.Expand) > 0 || len(l.Order) > 0 {
			saved := len(r.lines)
			savedVec, savedLoops, savedSym := r.vector, r.pyLoops, r.symmetric
			undo := func() {
				r.lines, r.vector, r.pyLoops, r.symmetric = r.lines[:saved], savedVec, savedLoops, savedSym
				for at := range r.updates {
					if at >= saved {
						delete(r.updates, at)
					}
				}
				kept := r.subtrees[:0]
				for _, sp := range r.subtrees {
					if sp[0] < saved {
						kept = append(kept, sp)
					}
				}
				r.subtrees = kept
			}
			err := r.vectorizeSubtree(f, l, indent)
			if err == nil && len(r.finite) == 0 {
				continue
			}
			if err == nil {
				err = r.checkedSubtree(f, l, indent, undo)
				if err == nil {
					continue
				}
			}
			undo()
		}
		r.loop(f, indent)
	}
}

// loop emits f as a Python loop, its body generated again.
func (r *region) loop(f *pyast.For, indent string) {
	r.emit(indent, "for "+r.source(f.Target)+" in "+r.source(f.Iter)+":")
	r.pyLoops++
	r.depth++
	r.block(f.Body, indent+"    ")
	r.depth--
}

// finiteChecks are the distinct values of a finiteness check, less the parts of arrays the
// check reads whole (symm's B[0:M - 1, :] beside B): every element of X[...] is one of X's.
func finiteChecks(list []string) []string {
	list = dedupe(list)
	whole := map[string]bool{}
	for _, c := range list {
		if identifier.FindString(c) == c {
			whole[c] = true
		}
	}
	var out []string
	for _, c := range list {
		if name, rest, ok := strings.Cut(c, "["); ok && whole[name] && identifier.FindString(name) == name &&
			strings.HasSuffix(rest, "]") && len(splitArgs(rest[:len(rest)-1])) > 0 && !strings.Contains(rest[:len(rest)-1], "]") {
			continue
		}
		out = append(out, c)
	}
	return out
}

// checkedSubtree emits the whole-array code of a subtree that has masked matrix products under
// a check that the values they multiply by the mask's zeros are finite, and the loops as
// block would emit them without masked products otherwise. undo drops the code of the first
// attempt, which said what to check. The counts describe the whole-array branch: the other
// one runs only for inputs holding inf or nan.
func (r *region) checkedSubtree(f *pyast.For, top *polyopt.Loop, indent string, undo func()) error {
	undo()
	if r.depth > 0 {
		r.scalarInLoops++ // the check reads values on a GPU too
	}
	r.emit(indent, "if _rt.finite("+strings.Join(finiteChecks(r.finite), ", ")+"):")
	if err := r.vectorizeSubtree(f, top, indent+"    "); err != nil {
		return err
	}
	vector, pyLoops, scalar := r.vector, r.pyLoops, r.scalarInLoops
	r.emit(indent, "else:")
	r.noMasked = true
	r.loop(f, indent+"    ")
	r.noMasked = false
	r.vector, r.pyLoops, r.scalarInLoops = vector, pyLoops, scalar
	return nil
}

// axis is one vectorized loop: its iterator and ascending [lo, hi) bounds. A triangular axis
// (bounds that depend on an outer vectorized loop) runs over the bounding box of its bounds,
// lo and hi, and keeps its own bounds, tlo and thi, for the mask that selects the points of
// the domain.
type axis struct {
	iter     string
	lo, hi   polyopt.Affine
	tri      bool
	tlo, thi polyopt.Affine
}

// vectorizeSubtree turns the loop nest rooted at f into whole-array statements, in statement
// order. Every loop in it carries nothing but reductions, so running each statement for all
// its points before the next one keeps every dependence (loop distribution is legal). The
// lines it adds are recorded in r.subtrees.
func (r *region) vectorizeSubtree(f *pyast.For, top *polyopt.Loop, indent string) error {
	start := len(r.lines)
	if err := r.vectorizeNest(f, top, indent); err != nil {
		return err
	}
	r.subtrees = append(r.subtrees, [2]int{start, len(r.lines)})
	return nil
}

// vectorizeNest does the work of vectorizeSubtree.
func (r *region) vectorizeNest(f *pyast.For, top *polyopt.Loop, indent string) error {
	r.outside = namesOutside(r.fnBody, f)
	r.finite, r.writtenSub = nil, map[string]bool{}
	var iters []string
	pyast.Inspect(f, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.For); ok {
			if id, ok := g.Target.(*pyast.Name); ok {
				iters = append(iters, id.Id)
			}
		}
		return true
	})
	for _, it := range iters {
		// Whole-array code binds no loop variable: one read later would see none.
		if leaks(r.fnBody, f.Pos(), f.End(), it) {
			return vecErr("the loop variable " + it + " is read after its loop")
		}
	}
	if err := r.planExpansion(f, top); err != nil {
		return err
	}
	defer func() { r.expand = nil }()
	for _, name := range sortedExpansions(r.expand) {
		r.emit(indent, r.expand[name].alloc())
	}
	tmps := map[string][]string{} // vectorized scalar temporaries -> their axes
	// A loop sequential in its source order whose statements isl proved may run in another
	// order (polyopt's Loop.Order) is distributed in that order: the walk collects the
	// statements with their axes, and they are generated once it is done.
	reordered := !(top.Parallel || top.Reduction || top.Anti) && len(top.Order) > 0
	type pendingStmt struct {
		st   *polyopt.Stmt
		axes []axis
	}
	var pending []pendingStmt
	gen := func(st *polyopt.Stmt, axes []axis, indent string) error {
		ups, err := r.statement(st, axes, tmps)
		if err != nil {
			return err
		}
		ups = r.whenNotEmpty(st, axes, ups)
		for _, w := range st.Writes {
			r.writtenSub[w.Array] = true
		}
		for _, u := range ups {
			if u.op != "" {
				if r.updates == nil {
					r.updates = map[int]update{}
				}
				u.indent = indent
				r.updates[len(r.lines)] = u
			}
			r.emit(indent, u.code)
		}
		r.vector++
		return nil
	}
	var walk func(body []pyast.Stmt, axes []axis, parallel, direct bool, indent string) error
	// parallel says every vectorized loop so far is parallel: then an inner loop that carries
	// a dependence can stay a Python loop inside, which moves the parallel loops innermost.
	// That interchange is legal because they carry no dependence at all. direct says body is
	// the whole body of the innermost vectorized loop.
	walk = func(body []pyast.Stmt, axes []axis, parallel, direct bool, indent string) error {
		for _, s := range body {
			switch s := s.(type) {
			case *pyast.For:
				l := r.loopOf[s]
				if l == nil {
					return vecErr("a loop inside is not modelled")
				}
				if !(l.Parallel || l.Reduction || l.Anti) && !r.expanded(l) {
					if !parallel || dependsOn(l, axes) || len(tmps) > 0 || len(r.expand) > 0 {
						return vecErr("a loop inside carries a dependence")
					}
					r.emit(indent, "for "+r.source(s.Target)+" in "+r.source(s.Iter)+":")
					r.pyLoops++
					if err := walk(s.Body, axes, parallel, false, indent+"    "); err != nil {
						return err
					}
					continue
				}
				outer := axes[len(axes)-1]
				var before []pyast.Stmt
				for _, b := range body {
					if b == pyast.Stmt(s) {
						break
					}
					before = append(before, b)
				}
				if c := symmetricMirror(r.scop, s, l, outer, before); c != nil && (!c.strict || !reordered) {
					// The square instead of the triangle and its mirror: see symmetric.go.
					// A full one only as the whole body of i's loop; a strict one may follow
					// statements on the diagonal (they ran for every i before it, and the
					// square puts the diagonal back).
					if !c.strict && direct && len(body) == 1 {
						ax := axis{iter: l.Iter, lo: outer.lo, hi: outer.hi}
						r.symmetric++
						if err := walk(withoutStmt(s.Body, c.mirror), append(append([]axis(nil), axes...), ax), parallel && l.Parallel, true, indent); err != nil {
							return err
						}
						continue
					}
					if c.strict && direct && s == body[len(body)-1] {
						square := append(append([]axis(nil), axes[:len(axes)-1]...),
							axis{iter: outer.iter, lo: outer.lo, hi: c.hi}, axis{iter: l.Iter, lo: outer.lo, hi: c.hi})
						t := c.mirror.(*pyast.Assign).Value.(*pyast.Subscript).X.(*pyast.Name).Id
						lo, n := r.names.aff(outer.lo), r.names.aff(subAff(c.hi, outer.lo))
						diag := fmt.Sprintf("_rt.diag_view(%s, (%s, %s,), %s)", t, lo, lo, n)
						saved := fmt.Sprintf("_diag%d", r.symmetric)
						r.symmetric++
						r.emit(indent, fmt.Sprintf("if %s >= 2:", n))
						r.emit(indent+"    ", saved+" = "+diag+".copy()")
						if err := walk(withoutStmt(s.Body, c.mirror), square, parallel && l.Parallel, true, indent+"    "); err != nil {
							return err
						}
						r.emit(indent+"    ", diag+"[...] = "+saved)
						continue
					}
				}
				ax, err := r.axisOf(l, axes)
				if err != nil {
					return err
				}
				if err := walk(s.Body, append(append([]axis(nil), axes...), ax), parallel && l.Parallel, true, indent); err != nil {
					return err
				}
			case *pyast.Pass:
			default:
				st := r.stmtOf[s]
				if st == nil {
					return vecErr("a statement inside is not modelled")
				}
				if reordered {
					pending = append(pending, pendingStmt{st, axes})
					continue
				}
				if err := gen(st, axes, indent); err != nil {
					return err
				}
			}
		}
		return nil
	}
	ax, err := r.axisOf(top, nil)
	if err != nil {
		return err
	}
	if err := walk(f.Body, []axis{ax}, top.Parallel, true, indent); err != nil {
		return err
	}
	if reordered {
		if len(r.expand) > 0 {
			return vecErr("a loop whose statements run in another order, around an expanded array")
		}
		pos := map[string]int{}
		for i, name := range top.Order {
			pos[name] = i
		}
		if len(pending) != len(top.Order) {
			return vecErr("the statements of a reordered loop are not all modelled")
		}
		for _, p := range pending {
			if _, ok := pos[p.st.Name]; !ok {
				return vecErr("statement " + p.st.Name + " has no place in the loop's new order")
			}
		}
		sort.SliceStable(pending, func(i, j int) bool { return pos[pending[i].st.Name] < pos[pending[j].st.Name] })
		for _, p := range pending {
			if err := gen(p.st, p.axes, indent); err != nil {
				return err
			}
		}
	}
	for _, name := range sortedExpansions(r.expand) {
		r.lines = append(r.lines, r.expand[name].writeBack(indent)...)
	}
	return nil
}

// dependsOn reports a loop whose bounds use a vectorized iterator.
func dependsOn(l *polyopt.Loop, axes []axis) bool {
	for _, a := range axes {
		if _, ok := l.Lo.Coef[a.iter]; ok {
			return true
		}
		if _, ok := l.Hi.Coef[a.iter]; ok {
			return true
		}
	}
	return false
}

// axisOf checks that a loop's bounds do not depend on the vectorized loops around it (the
// iteration space must be a box) and returns its ascending bounds.
func (r *region) axisOf(l *polyopt.Loop, outer []axis) (axis, error) {
	for _, a := range outer {
		_, inLo := l.Lo.Coef[a.iter]
		_, inHi := l.Hi.Coef[a.iter]
		if inLo || inHi {
			return triAxis(l, outer, r.spans)
		}
	}
	switch l.Step {
	case 1:
		return axis{iter: l.Iter, lo: l.Lo, hi: l.Hi}, nil
	case -1:
		one := polyopt.Affine{Const: 1}
		return axis{iter: l.Iter, lo: addAff(l.Hi, one), hi: addAff(l.Lo, one)}, nil
	}
	return axis{}, vecErr("a loop step other than 1 or -1")
}

func addAff(a, b polyopt.Affine) polyopt.Affine {
	out := polyopt.Affine{Const: a.Const + b.Const, Coef: map[string]int64{}}
	for v, c := range a.Coef {
		out.Coef[v] += c
	}
	for v, c := range b.Coef {
		out.Coef[v] += c
		if out.Coef[v] == 0 {
			delete(out.Coef, v)
		}
	}
	return out
}

func subAff(a, b polyopt.Affine) polyopt.Affine {
	neg := polyopt.Affine{Const: -b.Const, Coef: map[string]int64{}}
	for v, c := range b.Coef {
		neg.Coef[v] = -c
	}
	return addAff(a, neg)
}

// namesOutside collects the names read or written anywhere in the function except inside f.
func namesOutside(body []pyast.Stmt, f *pyast.For) map[string]bool {
	out := map[string]bool{}
	for _, s := range body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if n == pyast.Node(f) {
				return false
			}
			if id, ok := n.(*pyast.Name); ok {
				out[id.Id] = true
			}
			return true
		})
	}
	return out
}

// operand is a piece of a vectorized expression: Python code whose array axes are the given
// vectorized iterators, in this order.
type operand struct {
	code string
	axes []string
}

// update is one line of whole-array code. Where it assigns (op "=") or adds ("+=") value to
// target, a slice of array over at least one vectorized loop, and mask is "", op says so.
type update struct {
	code                     string
	target, array, op, value string
	mask                     string   // the points it updates, "" for all
	indent                   string   // set once emitted
	axes                     []string // the target's vectorized iterators, in its dimensions' order
	// temp marks the lines of a vectorized scalar temporary (see forwardTemps): its zeros
	// (op "=", value "0.0") and a sum into all of it (op "+=").
	temp bool
}

// statement renders one statement over all points of its vectorized loops: one line, or
// several where one line would build more temporaries (see inPlace).
func (r *region) statement(st *polyopt.Stmt, axes []axis, tmps map[string][]string) ([]update, error) {
	byIter := map[string]axis{}
	var order []string
	for _, a := range axes {
		byIter[a.iter] = a
		order = append(order, a.iter)
	}
	lhs, value, op, err := splitUpdate(st)
	if err != nil {
		return nil, err
	}
	w := r.expandedAccess(st.Writes[0])
	if err := r.sameArithmetic(st, value); err != nil {
		return nil, err
	}
	if r.widerIntStore(st) {
		return nil, vecErr("values of a wider int type stored into a narrow int array: NumPy raises OverflowError past its range where whole-array code wraps around")
	}
	if r.narrowMeetsIndex(lhs, value, op, st.Iters) {
		return nil, vecErr("narrow NumPy integers with a loop index or Python int: whole-array code would compute them in another type")
	}
	defer func(was bool) { r.mathUnchecked = was }(r.mathUnchecked)
	r.mathUnchecked = underIf(r.scop.Body, st.Node)
	r.checkedCall = false
	for _, a := range axes {
		r.mathUnchecked = r.mathUnchecked || a.tri
	}
	// An int target updated with a value that may not be an int truncates at every step
	// in the original, and += of float values into it does not even run in NumPy.
	intUnsafe := isIntDType(r.dtype(w.Array)) && !r.intValued(value)
	if intUnsafe && op != "" {
		return nil, vecErr("an int array updated with values that may not be ints")
	}
	var tgt operand
	scalar := r.array(w.Array) != nil && r.array(w.Array).Scalar
	switch {
	case scalar && tmps[w.Array] != nil:
		// The temporary's dtype was fixed by its first value; the loop's scalar turns complex
		// when a complex value is added to it, where NumPy refuses (+=) or drops the
		// imaginary part (=).
		if !r.complexTemps[w.Array] && r.maybeComplex(value, true) {
			return nil, vecErr("a value that may be complex updates the real temporary " + w.Array)
		}
		tgt = operand{w.Array, tmps[w.Array]}
	case scalar:
		if op == "" {
			// t = expr inside vectorized loops: t becomes an array over them, private to
			// each point. Only safe if nothing outside the nest reads it.
			if r.outside[w.Array] {
				return nil, vecErr("scalar " + w.Array + " is used outside the loop nest")
			}
			// The array is float (inexact): a t holding an int16 would no longer wrap
			// around in t * t (found by review), nor a Python int meet one as one.
			if _, err := r.narrowInfo(); err != nil || r.narrow != nil && r.scalarKind(w.Array) != "wide" {
				return nil, vecErr("a temporary " + w.Array + " where narrow NumPy integers are computed")
			}
			for _, a := range axes {
				if a.tri {
					// Its value would be computed over the whole box, where accesses
					// may leave their arrays, and later statements would read the
					// points outside the domain as if they were in it.
					return nil, vecErr("a temporary assigned inside triangular bounds")
				}
			}
			e, err := r.expr(value, byIter, tmps, order)
			if err != nil {
				return nil, err
			}
			tmps[w.Array] = order
			if r.tempAxes == nil {
				r.tempAxes = map[string][]axis{}
			}
			r.tempAxes[w.Array] = axes
			if r.tempNames == nil {
				r.tempNames = map[string]bool{}
			}
			r.tempNames[w.Array] = true
			if r.maybeComplex(value, false) {
				if r.complexTemps == nil {
					r.complexTemps = map[string]bool{}
				}
				r.complexTemps[w.Array] = true
			}
			if zeroLiteral(value) {
				// float64 zeros, as inexact makes of 0 and 0.0, without a pass writing them
				// (fresh pages are zero); described for forwardTemps.
				return []update{{code: fmt.Sprintf("%s = _np.zeros((%s))", w.Array, r.shapeOf(axes)),
					target: w.Array, array: w.Array, op: "=", value: "0.0", temp: true}}, nil
			}
			// asarray first: CuPy's broadcast_to takes arrays only, not Python scalars.
			// inexact: float, or complex where the values are.
			return []update{{code: fmt.Sprintf("%s = _np.array(_np.broadcast_to(_rt.inexact(_np.asarray(%s)), (%s)))", w.Array, e.code, r.shapeOf(axes))}}, nil
		}
		if r.outside[w.Array] && len(axes) > 0 && !isReductionTarget(st, axes) {
			return nil, vecErr("scalar " + w.Array + " is updated in a parallel loop")
		}
		tgt = operand{w.Array, nil}
	default:
		var err error
		tgt, err = r.target(w, byIter)
		if err != nil {
			return nil, err
		}
	}
	inTarget := map[string]bool{}
	for _, a := range tgt.axes {
		inTarget[a] = true
	}
	mask, fm, err := r.triMask(st, axes, byIter, tmps, tgt, inTarget, scalar)
	if err != nil {
		return nil, err
	}
	var red []string
	for _, it := range order {
		if !inTarget[it] {
			red = append(red, it)
		}
	}
	// What kind of whole-array work this is, for the untuned choice between the NumPy and
	// Numba variants (see wideProducts).
	wide := !scalar && len(tgt.axes) >= 2
	counted := func(ups []update, err error) ([]update, error) {
		if err == nil && wide {
			if len(red) > 0 {
				r.wideProducts++
			} else if readsArray(value) {
				r.wideElementwise++
			}
		}
		return ups, err
	}
	if len(red) > 0 {
		if op != "+=" && op != "-=" && op != "*=" {
			return nil, vecErr("a statement writes the same element at several points of a vectorized loop")
		}
		if err := r.float32SumStays(w.Array); err != nil {
			return nil, err
		}
		var reduced operand
		var err error
		if op == "*=" {
			if fm != nil {
				return nil, vecErr("a product over triangular bounds")
			}
			reduced, err = r.sumLike("_np.prod", value, byIter, tmps, axes, red, nil)
		} else {
			r.sumInto = r.dtype(w.Array)
			if scalar {
				r.sumInto = r.scalarKind(w.Array)
			}
			reduced, err = r.contract(value, byIter, tmps, axes, red, tgt.axes, fm)
		}
		if err != nil {
			return nil, err
		}
		if scalar && tmps[w.Array] == nil {
			if reduced.code, err = r.narrowSum(w.Array, reduced.code); err != nil {
				return nil, err
			}
		}
		if kind := pythonNumber(value, st.Iters); scalar && tmps[w.Array] == nil && kind != "" {
			// The original adds Python numbers (t += 1, s += 0.5 * i): a t that is a Python
			// number keeps its type, an int (json takes it, np.int64 it refuses) or a float;
			// NumPy's sum is a NumPy scalar, which would turn it into one. A t that is a
			// NumPy scalar gets the sum as before (an int16 t would raise on a Python int
			// past its range where the original wraps: found by review).
			reduced.code = "_rt." + kind + "_for(" + w.Array + ", " + reduced.code + ")"
		}
		u := r.line(w.Array, tgt, op, align(reduced, tgt.axes), mask, scalar)
		if scalar && tmps[w.Array] != nil && op == "+=" && mask == "" {
			u.target, u.array, u.op, u.value, u.temp = w.Array, w.Array, op, align(reduced, tgt.axes), true
		}
		if len(tgt.axes) == 0 && (!scalar || tmps[w.Array] == nil) {
			// One cell, updated only when the sum has terms: the loops never touch it
			// otherwise, and it may lie outside the array then (c[i + 1] for the last i).
			// A scalar likewise keeps its value and type: s = 0.0 stays a Python float (an
			// empty NumPy sum is np.float64(0.0)), s = -0.0 stays -0.0.
			var conds []string
			for _, it := range red {
				if a := byIter[it]; !(a.lo.IsConst() && a.hi.IsConst() && a.lo.Const < a.hi.Const) {
					conds = append(conds, fmt.Sprintf("(%s) < (%s)", r.names.aff(a.lo), r.names.aff(a.hi)))
				}
			}
			if len(conds) > 0 {
				u = update{code: "if " + strings.Join(conds, " and ") + ": " + u.code}
			}
		}
		return counted([]update{u}, nil)
	}
	if op == "" && mask == "" && !scalar && len(tgt.axes) > 0 && !intUnsafe {
		if ups, ok, err := r.inPlace(lhs, value, w.Array, tgt, byIter, tmps); ok || err != nil {
			return counted(ups, err)
		}
	}
	e, err := r.expr(value, byIter, tmps, tgt.axes)
	if err != nil {
		return nil, err
	}
	if intUnsafe && strings.HasPrefix(r.dtype(w.Array), "int") {
		// The loop stores one float at a time and raises on nan, inf or a value out of the
		// target's range; a whole-array store casts them to garbage.
		if mask != "" {
			return nil, vecErr("values that may not be ints stored into an int array over triangular bounds")
		}
		e.code = fmt.Sprintf("_rt.int_values(%s, %q)", e.code, r.dtype(w.Array))
		r.checkedCall = true
	}
	return counted([]update{r.line(w.Array, tgt, op, e.code, mask, scalar)}, nil)
}

// whenNotEmpty puts a statement's lines under a check that its vectorized loops run at all,
// when it calls a checked function (see below), or when it indexes some array with an index
// those loops do not move (T[:, 0] for T[i, 0]):
// the bounds proofs hold for the points the loops run, and NumPy checks an integer index even
// where the slices beside it are empty (T[:, 0] of a 0 x 0 array raises IndexError, where
// the loop over i in range(0) never read T).
func (r *region) whenNotEmpty(st *polyopt.Stmt, axes []axis, ups []update) []update {
	temp := ""
	if arr := r.array(st.Writes[0].Array); arr != nil && arr.Scalar {
		if _, _, op, err := splitUpdate(st); err != nil || op == "" {
			// A temporary: later statements read it whether or not this one ran, so it
			// gets its value or an array of zeros of its (empty) shape.
			temp = st.Writes[0].Array
			if len(ups) != 1 || !strings.HasPrefix(ups[0].code, temp+" = ") {
				return ups
			}
		}
	}
	param := map[string]bool{}
	for _, p := range r.scop.Params {
		param[p] = true
	}
	fixed := false
	for _, acc := range append(append([]polyopt.Access(nil), st.Reads...), st.Writes...) {
		if arr := r.array(acc.Array); arr == nil || arr.Scalar {
			continue
		}
		for _, idx := range acc.Index {
			// An index no loop moves: a constant, or parameters only. One an enclosing
			// Python loop moves is in bounds whenever that loop runs.
			free := true
			for name := range idx.Coef {
				if !param[name] {
					free = false
				}
			}
			fixed = fixed || free
		}
	}
	// A checked function (math.sqrt that raises, a float stored into an int) computed over
	// the arrays its operands span raises for values no iteration reaches when another loop
	// of the statement runs zero times: B[i, j] = math.sqrt(A[i]) with no j.
	if !fixed && !r.checkedCall {
		return ups
	}
	var conds []string
	for _, a := range axes {
		if !(a.lo.IsConst() && a.hi.IsConst() && a.lo.Const < a.hi.Const) {
			conds = append(conds, fmt.Sprintf("(%s) < (%s)", r.names.aff(a.lo), r.names.aff(a.hi)))
		}
	}
	conds = dedupe(conds)
	if len(conds) == 0 {
		return ups
	}
	for _, u := range ups {
		if strings.Contains(u.code, "\n") || strings.HasPrefix(u.code, "if ") {
			return ups // a block, or already checked (a sum into one cell)
		}
	}
	if temp != "" {
		value := strings.TrimPrefix(ups[0].code, temp+" = ")
		return []update{{code: fmt.Sprintf("%s = %s if %s else _np.zeros((%s))", temp, value, strings.Join(conds, " and "), r.shapeOf(axes))}}
	}
	out := make([]update, len(ups))
	for i, u := range ups {
		out[i] = update{code: "if " + strings.Join(conds, " and ") + ": " + u.code}
	}
	return out
}

// line renders target op= value (see masked), described for fuseZeroInit where it assigns or
// adds to a slice of an array.
func (r *region) line(array string, tgt operand, op, value, mask string, scalar bool) update {
	u := update{code: masked(tgt.code, op, value, mask)}
	if mask != "" && (op == "" || op == "=") {
		u.code = maskedCopy(tgt.code, value, mask)
	}
	if !scalar && !r.fancy[tgt.code] && len(tgt.axes) > 0 && (op == "" || op == "+=") {
		u.target, u.array, u.op, u.value, u.mask, u.axes = tgt.code, array, op, value, mask, tgt.axes
		if op == "" {
			u.op = "="
		}
	}
	return u
}

// inPlace renders T = T + e1 - e2 ... (T a float64 array slice, the same on both sides, no e
// reading T's array) as T += e1; T -= e2; ...: NumPy then adds each term into the array
// instead of building the sums as temporaries of the slice's size (two of those alive at once
// cost more than the arithmetic on large arrays). The operations and their order are the
// original's, so every element is rounded as before; a complex term raises TypeError as the
// original's element assignment does. ok is false where the statement has another form.
//
// T may come scaled, s * T, T * s or T / s (s not reading T's array): T *= s (or /=) comes
// first, and a product is the same either way round. It may also be the second term of the
// sum, e0 + T ...: a + b is b + a bit for bit, so T's term moves first (symm's and gesummv's
// beta * C[i, j] after the other term). beta * C + e is then C *= beta; C += e.
func (r *region) inPlace(lhs, value pyast.Expr, array string, tgt operand, byIter map[string]axis, tmps map[string][]string) ([]update, bool, error) {
	if arr := r.scop.Arrays[array]; arr == nil || arr.DType != "float64" {
		return nil, false, nil // an expanded copy too: its terms would be checked for the wrong name
	}
	type term struct {
		op string
		e  pyast.Expr
	}
	var terms []term
	e := value
	for {
		b, ok := e.(*pyast.BinOp)
		if !ok || (b.Op != pyast.Add && b.Op != pyast.Sub) {
			break
		}
		terms = append([]term{{b.Op.String() + "=", b.Y}}, terms...)
		e = b.X
	}
	scale, factor, ok := scaledTarget(e, lhs, array)
	if !ok && len(terms) > 0 && terms[0].op == "+=" {
		if scale, factor, ok = scaledTarget(terms[0].e, lhs, array); ok {
			terms[0].e = e
		}
	}
	if !ok || len(terms) == 0 && factor == nil {
		return nil, false, nil
	}
	if factor != nil {
		terms = append([]term{{scale, factor}}, terms...)
	}
	for _, t := range terms {
		if mentions(t.e, array) {
			return nil, false, nil
		}
	}
	var ups []update
	for _, t := range terms {
		x, err := r.expr(t.e, byIter, tmps, tgt.axes)
		if err != nil {
			return nil, true, err
		}
		ups = append(ups, r.line(array, tgt, t.op, x.code, "", false))
	}
	return ups, true, nil
}

// scaledTarget reports e as the statement's own target lhs, alone (factor nil) or scaled by a
// factor that does not read the target's array: s * T and T * s give *= s, T / s gives /= s.
func scaledTarget(e, lhs pyast.Expr, array string) (op string, factor pyast.Expr, ok bool) {
	if sameExpr(e, lhs) {
		return "", nil, true
	}
	b, isBin := e.(*pyast.BinOp)
	if !isBin {
		return "", nil, false
	}
	switch {
	case b.Op == pyast.Mul && sameExpr(b.Y, lhs) && !mentions(b.X, array):
		return "*=", b.X, true
	case (b.Op == pyast.Mul || b.Op == pyast.Div) && sameExpr(b.X, lhs) && !mentions(b.Y, array):
		return b.Op.String() + "=", b.Y, true
	}
	return "", nil, false
}

// mentions reports whether an expression uses a name.
func mentions(e pyast.Expr, name string) bool {
	found := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		if id, ok := n.(*pyast.Name); ok && id.Id == name {
			found = true
		}
		return !found
	})
	return found
}

// maskedUfunc names the NumPy ufunc of an augmented assignment that masked applies in place.
var maskedUfunc = map[string]string{"+=": "add", "-=": "subtract", "*=": "multiply", "/=": "true_divide"}
