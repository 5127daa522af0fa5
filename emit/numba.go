package emit

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// compiled is one SCoP moved into a Numba-compiled helper function.
type compiled struct {
	helper string   // the helper's definition, at module level
	call   []string // the lines replacing the SCoP in the variant, at the SCoP's indentation
	prange int      // loops run with prange
	waves  int      // nests run as tiled wavefronts
	sums   int      // summing loops run as jit_sum helpers
	// multiSums counts the summing loops with two or more sums, a helper each.
	multiSums int
	// private counts the loops run in chunks with private partial sums (numba_private.go),
	// fused those of them that read some array for two statements in one pass.
	private, fused int
	// pranged are the loops run with prange: each run of one is a parallel region.
	pranged  []*polyopt.Loop
	overlaps []*polyopt.Overlap // the time loops run as overlapped bands
}

// pyBuiltins are names a region may use that are not variables of the function.
var pyBuiltins = map[string]bool{"range": true, "abs": true, "min": true, "max": true, "float": true,
	"int": true, "len": true, "pow": true, "round": true, "True": true, "False": true, "None": true}

// raisable are the built-in exceptions a check in a Numba region may raise: Numba raises them
// with their constant arguments, as the interpreter does.
var raisable = map[string]bool{"ValueError": true, "RuntimeError": true, "ArithmeticError": true,
	"FloatingPointError": true, "ZeroDivisionError": true, "OverflowError": true, "AssertionError": true,
	"IndexError": true, "KeyError": true, "TypeError": true}

// numbaOptions select the variant a region is compiled for.
type numbaOptions struct {
	// inner keeps prange on parallel loops inside a loop that stays sequential (a time loop):
	// each of its iterations then starts a parallel region, which pays at large sizes and
	// costs at small ones, so this is a variant of its own that tuning picks per size.
	inner bool
	// waves are tiled wavefront schedules of the SCoP's nests: such a nest is replaced by the
	// loops of its schedule.
	waves []*polyopt.Wavefront
	// sums runs innermost summing loops as jit_sum helpers (see numba_sum.go): sums rounded
	// in another order, which an ill-conditioned recurrence (durbin) can amplify past the
	// tolerance, so this is a variant of its own that tuning checks and picks.
	sums bool
	// overlaps are time loops run as overlapped bands (see polyopt.Overlap): such a loop is
	// replaced by its driver.
	overlaps []*polyopt.Overlap
}

// numbaRegion compiles a SCoP's own loops, unchanged in order, with Numba: the statements run
// as machine code instead of bytecode, and the outermost loops that carry no dependence become
// prange loops. It is the variant for loop nests NumPy cannot express as whole-array
// operations: sequential recurrences, wavefronts, stencils that would build temporaries.
//
// The helper receives every variable the SCoP reads that was bound before it and returns every
// variable it binds that the function uses elsewhere. If Numba cannot compile the helper (it
// compiles at the first call, before running anything), the SCoP's original statements run.
func numbaRegion(s *polyopt.SCoP, index int, file *pyast.File, def *pyast.FunctionDef, modules map[string]string, opt numbaOptions) (*compiled, error) {
	src := file.Src
	from := lineStart(src, int(s.Pos))
	to := lineEnd(src, int(s.End))
	indent := string(src[from:int(s.Pos)])

	// The helper's body is the SCoP's lines moved by replacing the text of its indentation:
	// a line that Python indents further with other characters (tabs against spaces) would
	// not move.
	if !linesUnder(src, from, to, indent) {
		return nil, vecErr("the loop nest mixes tabs and spaces in its indentation")
	}
	iters := map[string]bool{}
	for _, l := range s.Loops {
		iters[l.Iter] = true
		if leaks(def.Body, s.Pos, s.End, l.Iter) {
			return nil, vecErr("the loop variable " + l.Iter + " is read after its loop")
		}
	}
	narrowed, err := numbaSemantics(s, file, def, modules)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	assigned := map[string]bool{}
	for _, st := range s.Body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Name:
				used[n.Id] = true
			case *pyast.Attribute:
				if m, ok := n.X.(*pyast.Name); ok && modules[m.Id] != "" {
					return false // np.sqrt: a module attribute, not a variable
				}
			}
			return true
		})
		bound := map[string]int{}
		polyopt.CountBindings([]pyast.Stmt{st}, bound)
		for v := range bound {
			assigned[v] = true
		}
	}
	before := boundBefore(def, s.Pos)
	outside := usedOutside(def, s)
	// A loop variable read after its loop inside the nest is unbound there where the loop ran
	// no iteration, and Python raises UnboundLocalError, or keeps the value it had before,
	// which the helper does not receive (loop variables are not its parameters); compiled
	// code reads a value Numba made up (found by review: B[0] = t after an empty time loop).
	for _, l := range s.Loops {
		if !boundEarlier(s.Body, l.Node.Pos(), l.Iter) && leaks(s.Body, l.Node.Pos(), l.Node.End(), l.Iter) {
			return nil, vecErr("the loop variable " + l.Iter + " is read after its loop, which may run no iteration")
		}
	}
	// The same for a local the nest binds only in a loop or a branch and reads where that
	// may have bound nothing (found by review: s bound in a loop over range(k, n), then
	// B[0] = s; Numba wrote 0.0 where Python raises).
	if v, _ := unboundRead(s.Body, func(v string) bool { return assigned[v] && !before[v] }); v != "" {
		return nil, vecErr("the loop nest reads " + v + " where it may not have bound it yet")
	}
	// A name the function declares global or nonlocal lives outside it: the helper would
	// bind a local of its own (found by review: global t kept the module's t unchanged).
	declared := ""
	pyast.Inspect(def, func(n pyast.Node) bool {
		var names []string
		switch n := n.(type) {
		case *pyast.FunctionDef, *pyast.ClassDef:
			return n == pyast.Node(def) // a nested def's declarations are its own
		case *pyast.Global:
			names = n.Names
		case *pyast.Nonlocal:
			names = n.Names
		}
		for _, v := range names {
			if iters[v] || assigned[v] || used[v] {
				declared = v
			}
		}
		return declared == ""
	})
	if declared != "" {
		return nil, vecErr("the loop nest uses " + declared + ", which the function declares global or nonlocal")
	}
	var ins, outs []string
	for v := range used {
		if iters[v] || pyBuiltins[v] || modules[v] != "" || raisable[v] && !assigned[v] && !before[v] {
			continue
		}
		if before[v] {
			ins = append(ins, v)
		}
		if assigned[v] && outside[v] {
			outs = append(outs, v)
		}
	}
	for v := range used {
		if !before[v] && !assigned[v] && !iters[v] && !pyBuiltins[v] && !raisable[v] && modules[v] == "" {
			return nil, vecErr("the loop nest uses " + v + ", which is neither bound before it nor in it")
		}
	}
	// A local the function reads after the nest, bound only inside its loops or branches:
	// where they bind nothing, Python raises UnboundLocalError at the read, while the helper
	// would return a value Numba made up (found by review: 0.0).
	for _, v := range outs {
		// Only an assignment at the top of the nest, not one in a literal range's loop or
		// in both branches: numpyOuts gives a returned scalar the original's NumPy type
		// from its first top-level value (found by review: an int16 sum came back a
		// Python int).
		if !before[v] && !boundAtTop(s.Body, v) {
			return nil, vecErr("the local " + v + " is read after the loop nest, which may leave it unbound")
		}
	}

	// The body of the helper: the SCoP's text, dedented, with prange on the outermost loops
	// that carry no dependence and bind no variable used after them.
	var edits []edit
	prange := 0
	var pranged []*polyopt.Loop
	waved := map[*pyast.For]bool{}
	for _, w := range opt.waves {
		f := w.Loop.Node
		at := lineStart(src, int(f.Pos()))
		text, names, n, err := wavefrontLoops(w, s, src, string(src[at:int(f.Pos())]))
		unbound := false
		for v := range names {
			unbound = unbound || !before[v]
		}
		if err != nil || unbound {
			continue // the nest runs in its own order
		}
		for v := range names {
			if before[v] && !used[v] {
				used[v] = true
				ins = append(ins, v)
			}
		}
		edits = append(edits, edit{at, lineEnd(src, int(f.End())), text})
		prange += n
		waved[f] = true
	}
	helper := fmt.Sprintf("_%s__nb%d", def.Name, index)
	var windows []string // the overlapped loops' window functions
	var overlapped []*polyopt.Overlap
	if len(opt.overlaps) > 0 {
		helper = fmt.Sprintf("_%s__nbo%d", def.Name, index)
		for k, o := range opt.overlaps {
			f := o.Loop.Node
			if iterLeaks(def.Body, f) {
				// The driver leaves the nest's iterators unbound (found by review: B[0] = t
				// after the loop read -1, the value before it).
				continue
			}
			ov, err := overlapLoops(o, src, modules, fmt.Sprintf("%s_w%d", helper, k), fmt.Sprintf("_o%d_", k), "_nthreads", "_oregion")
			if err != nil {
				continue // the loop runs in its own order
			}
			edits = append(edits, edit{lineStart(src, int(f.Pos())), lineEnd(src, int(f.End())), ov.driver})
			windows = append(windows, ov.window)
			overlapped = append(overlapped, o)
			prange++
			waved[f] = true
		}
	}
	switch {
	case opt.inner:
		helper = fmt.Sprintf("_%s__nbi%d", def.Name, index)
	case len(opt.waves) > 0:
		helper = fmt.Sprintf("_%s__nbt%d", def.Name, index)
	case len(opt.overlaps) > 0:
	case opt.sums:
		helper = fmt.Sprintf("_%s__nbs%d", def.Name, index)
	}
	var sums []sumLoop
	var privates []*privateLoop
	if opt.sums {
		privates = privateLoops(s, def, src, outside)
		var renames []edit
		for _, p := range privates {
			renames = append(renames, p.renames...)
		}
		sort.SliceStable(renames, func(i, j int) bool { return renames[i].from < renames[j].from })
		sums = sumLoops(s, src, helper+"_sum", modules, renames)
		// A loop that is a sum loop itself (s[0] += a[j] * b[j] at the top of the nest)
		// stays one: its sum runs in registers, and its chunks would have no copy to sum
		// into (found by review).
		kept := privates[:0]
		for _, p := range privates {
			// The chunked nest's own lines, without a loop fused before it.
			from, to := lineStart(src, int(p.last().Pos())), lineEnd(src, int(p.last().End()))
			whole := false
			for _, sl := range sums {
				whole = whole || (sl.from <= from && to <= sl.to)
			}
			if !whole {
				kept = append(kept, p)
			}
		}
		privates = kept
	}
	privateAt := map[*pyast.For]*privateLoop{}
	for _, p := range privates {
		from, to := p.span(src)
		var inner, plain []edit
		for _, sl := range sums {
			if from <= sl.from && sl.to <= to {
				inner = append(inner, edit{sl.from, sl.to, sl.text})
				plain = append(plain, edit{sl.from, sl.to, sl.plain})
			}
		}
		edits = append(edits, edit{from, to, p.render(s, src, inner, plain)})
		for _, f := range []*pyast.For{p.pre, p.outer, p.f} {
			if f != nil {
				privateAt[f] = p
			}
		}
	}
	for _, sl := range sums {
		inside := false
		for _, p := range privates {
			from, to := p.span(src)
			inside = inside || (from <= sl.from && sl.to <= to)
		}
		if !inside {
			edits = append(edits, edit{sl.from, sl.to, sl.plain})
		}
	}
	sort.Strings(ins)
	sort.Strings(outs)
	var splits []edit // loops split at a pivot, their copies of the body cast as narrowed says
	var mark func(body []pyast.Stmt, inside bool)
	mark = func(body []pyast.Stmt, inside bool) {
		for _, st := range body {
			f, ok := st.(*pyast.For)
			if waved[f] {
				continue
			}
			if !ok {
				if ifs, ok := st.(*pyast.If); ok {
					mark(ifs.Body, inside)
					mark(ifs.Else, inside)
				}
				continue
			}
			l := loopOf(s, f)
			if p := privateAt[f]; p != nil {
				if pyast.Stmt(f) == p.last() {
					prange += 2
					pranged = append(pranged, l, l) // the chunks and the sums of their copies
				}
				continue
			}
			if opt.inner && !inside && l != nil && !l.Parallel && l.SplitAt != "" && !l.SharedScalar && !bindsLiveOut(def, f, outside) {
				if text, ok := splitLoop(src, f, l.SplitAt, narrowed); ok {
					at := lineStart(src, int(f.Pos()))
					splits = append(splits, edit{at, lineEnd(src, int(f.End())), text})
					prange += 2
					pranged = append(pranged, l, l) // two parallel regions a run
					continue
				}
			}
			if !inside && l != nil && l.Parallel && l.Step == 1 && !l.SharedScalar && !bindsLiveOut(def, f, outside) {
				if c, ok := f.Iter.(*pyast.Call); ok {
					edits = append(edits, edit{int(c.Func.Pos()), int(c.Func.End()), "_rt.prange"})
					prange++
					pranged = append(pranged, l)
					mark(f.Body, true)
					continue
				}
			}
			// Below a loop that stays sequential (a time loop), a prange would start a
			// parallel region at every iteration: microseconds each on an idle machine,
			// milliseconds on a loaded one. Only the top of the nest runs in parallel, unless
			// this is the inner variant.
			mark(f.Body, inside || !opt.inner)
		}
	}
	mark(s.Body, false)
	// The casts go into statements the edits above leave as they are; a nest they rewrite
	// (a wavefront, private copies, a sum's helper) would lose them.
	for _, n := range narrowed {
		for _, e := range edits {
			if e.from < n.to && n.from < e.to {
				return nil, vecErr("narrow NumPy integers in a loop nest this variant rewrites")
			}
		}
		split := false
		for _, e := range splits {
			split = split || e.from <= n.from && n.to <= e.to
		}
		if !split {
			edits = append(edits, n)
		}
	}
	edits = append(edits, splits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	body := reindent(spliced(src, from, to, edits), indent, "    ")
	original := string(src[from:to])

	fused := 0
	for _, p := range privates {
		if p.fused {
			fused++
		}
	}
	var h strings.Builder
	for _, sl := range sums {
		h.WriteString(sl.helper + "\n\n")
	}
	for _, w := range windows {
		h.WriteString(w + "\n")
	}
	deco := "_rt.jit"
	if prange > 0 {
		deco = "_rt.jit_parallel"
	}
	params, args := ins, ins
	if len(privates) > 0 {
		// Numba's thread count, read where the function is called (see pyparc_rt/_reduce.py).
		params = append(append([]string{}, ins...), "_nthreads")
		args = append(append([]string{}, ins...), "_rt.numba_threads()")
	}
	if len(windows) > 0 {
		params = append(append([]string{}, ins...), "_nthreads", "_oregion")
		args = append(append([]string{}, ins...), "_rt.numba_threads()", "_rt.OVERLAP_REGION")
	}
	fmt.Fprintf(&h, "@%s\ndef %s(%s):\n%s\n", deco, helper, strings.Join(params, ", "), body)
	if len(outs) > 0 {
		fmt.Fprintf(&h, "    return %s\n", tupleOf(outs))
	}
	call := helper + "(" + strings.Join(args, ", ") + ")"
	if len(outs) > 0 {
		call = tupleOf(outs) + " = " + call
	}
	lines := []string{indent + "try:", indent + "    " + call}
	for _, l := range numpyOuts(newRegion(s, file, def.Body), outs, before, assigned, src) {
		lines = append(lines, indent+"    "+l)
	}
	lines = append(lines, indent+"except _rt.NumbaError:")
	lines = append(lines, strings.Split(reindent(original, indent, indent+"    "), "\n")...)
	return &compiled{helper: checkedMath(h.String(), modules), call: lines, prange: prange, waves: len(waved), sums: len(sums), multiSums: multiSums(sums), pranged: pranged, private: len(privates), fused: fused, overlaps: overlapped}, nil
}

// boundAtTop reports an assignment to name among the statements of body themselves, outside
// any loop or branch: it runs whenever body does.
func boundAtTop(body []pyast.Stmt, name string) bool {
	for _, st := range body {
		var targets []pyast.Expr
		switch st := st.(type) {
		case *pyast.Assign:
			targets = st.Targets
		case *pyast.AnnAssign:
			if st.Value != nil {
				targets = []pyast.Expr{st.Target}
			}
		}
		names := map[string]int{}
		for _, t := range targets {
			polyopt.BindNames(t, names)
		}
		if names[name] > 0 {
			return true
		}
	}
	return false
}

// numbaMathRaises are the functions of mathRaises that Numba compiles (not math.fmod).
var numbaMathRaises = regexp.MustCompile(`^(sqrt|exp|log|log2|log10|sin|cos|tan|asin|acos|sinh|cosh|pow|floor|ceil)$`)

// checkedMath makes the compiled code call pyparc_rt's math functions (pyparc_rt/_mathnb.py)
// where it called those of math that raise in Python and return nan or inf in Numba:
// math.sqrt(x) becomes _rt.math_sqrt(x).
func checkedMath(code string, modules map[string]string) string {
	for alias, real := range modules {
		if real != "math" {
			continue
		}
		call := regexp.MustCompile(`(^|[^.\w])` + regexp.QuoteMeta(alias) + `\s*\.\s*(\w+)(\s*\()`)
		var b strings.Builder
		last := 0
		for _, at := range call.FindAllStringSubmatchIndex(code, -1) {
			name := code[at[4]:at[5]]
			if !numbaMathRaises.MatchString(name) || (name == "log" && topLevelComma(code[at[7]:])) {
				continue // math.log(x, base): _rt.math_log takes one argument
			}
			b.WriteString(code[last:at[2]])
			b.WriteString(code[at[2]:at[3]] + "_rt.math_" + name + code[at[6]:at[7]])
			last = at[7]
		}
		b.WriteString(code[last:])
		code = b.String()
	}
	return code
}

func tupleOf(names []string) string {
	if len(names) == 1 {
		return names[0] + ","
	}
	return strings.Join(names, ", ")
}

// reindent replaces the leading indentation from with to on every line of text that has it.
func reindent(text, from, to string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, from) {
			lines[i] = to + l[len(from):]
		}
	}
	return strings.Join(lines, "\n")
}

func loopOf(s *polyopt.SCoP, f *pyast.For) *polyopt.Loop {
	for _, l := range s.Loops {
		if l.Node == f {
			return l
		}
	}
	return nil
}

// bindsLiveOut reports a loop that assigns a variable used outside the SCoP, or read after
// the loop before it is bound again: prange keeps no last value, so such a loop stays a
// range loop.
func bindsLiveOut(def *pyast.FunctionDef, f *pyast.For, outside map[string]bool) bool {
	bound := map[string]int{}
	polyopt.CountBindings(f.Body, bound)
	polyopt.BindNames(f.Target, bound)
	live := liveAfter(def, f)
	for v := range bound {
		if live[v] || outside[v] && !isTarget(f, v) {
			return true
		}
	}
	return false
}

// isTarget reports whether v is the loop's own variable, bound only by the loop: a name
// reused as another loop's variable elsewhere is in usedOutside, and liveAfter decides it.
func isTarget(f *pyast.For, v string) bool {
	id, ok := f.Target.(*pyast.Name)
	return ok && id.Id == v
}

// boundBefore lists the names bound on every path to the statement at offset p: the
// parameters, and what the statements before it bind (boundAt). A name bound on some
// paths only (`if c: s = 2.0` before the nest) is not: passed to a variant as it starts, it
// raised UnboundLocalError where the original, reading it in a loop that ran no iteration,
// did not (found by review).
func boundBefore(def *pyast.FunctionDef, p pyast.Pos) map[string]bool {
	if at, ok := boundAt(def, p); ok {
		return at
	}
	return paramNames(def)
}

// usedOutside lists the names the function mentions outside the SCoP.
func usedOutside(def *pyast.FunctionDef, s *polyopt.SCoP) map[string]bool {
	out := map[string]bool{}
	for _, st := range def.Body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if n == nil {
				return false
			}
			if n.Pos() >= s.Pos && n.End() <= s.End {
				return false
			}
			switch n := n.(type) {
			case *pyast.Name:
				out[n.Id] = true
			case *pyast.Str:
				for _, id := range fstringNames(n) {
					out[id] = true
				}
			case *pyast.OpaqueStmt:
				for _, id := range identifier.FindAllString(n.Text, -1) {
					out[id] = true
				}
			case *pyast.OpaqueExpr:
				for _, id := range identifier.FindAllString(n.Text, -1) {
					out[id] = true
				}
			}
			return true
		})
	}
	return out
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// boundEarlier reports whether a statement of body that ends before at binds name (outside
// any loop or branch of its own: t = -1 before the time loop).
func boundEarlier(body []pyast.Stmt, at pyast.Pos, name string) bool {
	for _, st := range body {
		if st.End() > at {
			break
		}
		if _, loop := st.(*pyast.For); loop {
			continue
		}
		if _, branch := st.(*pyast.If); branch {
			continue
		}
		bound := map[string]int{}
		polyopt.CountBindings([]pyast.Stmt{st}, bound)
		if bound[name] > 0 {
			return true
		}
	}
	return false
}

// leaks reports whether the function reads name outside [from, to) other than inside a for
// loop (outside that span) that binds name itself: a loop variable whose last value is used.
func leaks(body []pyast.Stmt, from, to pyast.Pos, name string) bool {
	leak := false
	var walk func(n pyast.Node, shadowed bool)
	walk = func(n pyast.Node, shadowed bool) {
		if n == nil || leak {
			return
		}
		if n.Pos() >= from && n.End() <= to {
			return
		}
		switch n := n.(type) {
		case *pyast.For:
			binds := false
			if id, ok := n.Target.(*pyast.Name); ok && id.Id == name {
				binds = true
			}
			walk(n.Iter, shadowed)
			for _, s := range n.Body {
				walk(s, shadowed || binds)
			}
			// else runs after an empty loop too, reading what name held before it (found
			// by review).
			for _, s := range n.Else {
				walk(s, shadowed)
			}
			return
		case *pyast.Name:
			if n.Id == name && !shadowed {
				leak = true
			}
			return
		case *pyast.Str:
			// An f-string's fields (found by review: print(f"{t}") after the loop).
			leak = !shadowed && slices.Contains(fstringNames(n), name)
			return
		case *pyast.OpaqueStmt:
			// try, with, a lambda: code pyast keeps as text; any mention counts.
			leak = !shadowed && slices.Contains(identifier.FindAllString(n.Text, -1), name)
			return
		case *pyast.OpaqueExpr:
			leak = !shadowed && slices.Contains(identifier.FindAllString(n.Text, -1), name)
			return
		}
		for _, c := range pyast.Children(n) {
			walk(c, shadowed)
		}
	}
	for _, s := range body {
		walk(s, false)
	}
	return leak
}

// hasDType reports a SCoP that accesses an array of the given dtype.
func hasDType(s *polyopt.SCoP, dtype string) bool {
	for _, a := range s.Arrays {
		if a.DType == dtype {
			return true
		}
	}
	return false
}

// callsInto reports a call of a function of the given module (by its real name: "math").
func callsInto(body []pyast.Stmt, modules map[string]string, module string) bool {
	found := false
	for _, st := range body {
		pyast.Inspect(st, func(n pyast.Node) bool {
			if c, ok := n.(*pyast.Call); ok {
				if a, ok := c.Func.(*pyast.Attribute); ok {
					if m, ok := a.X.(*pyast.Name); ok && modules[m.Id] == module {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// intPower reports a statement of the SCoP that raises an int to an int power other than a
// non-negative literal.
func intPower(r *region) bool {
	found := false
	for _, st := range r.scop.Stmts {
		pyast.Inspect(st.Node, func(n pyast.Node) bool {
			if b, ok := n.(*pyast.BinOp); ok && b.Op == pyast.Pow && r.intValued(b.X) && r.intValued(b.Y) {
				if num, ok := b.Y.(*pyast.Num); !ok || strings.ContainsAny(num.Raw, ".eEjJ-") {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// numbaSemantics returns the edits that make Numba compute the SCoP's loops as Python and
// NumPy do (narrowEdits' casts), or why no edits can: where Numba computes at another
// precision, casts where Python raises, or wraps around where NumPy raises. The Ray
// kernels that compile a loop as written with Numba take it only where it needs no edits.
func numbaSemantics(s *polyopt.SCoP, file *pyast.File, def *pyast.FunctionDef, modules map[string]string) ([]edit, error) {
	// Numba and NumPy 2 disagree on float32 precision: 0.5 + x of a float32 x is float64 under
	// Numba and float32 in NumPy (a Python float is a "weak" scalar), math.exp(x) float32 under
	// Numba and a double in Python. A float64 array or a math call in the same SCoP would then
	// hold results that differ beyond float64's tolerance.
	if hasDType(s, "float32") && (hasDType(s, "float64") || callsInto(s.Body, modules, "math")) {
		return nil, vecErr("float32 values would be computed at another precision under Numba")
	}
	// A float stored into a signed int array raises in Python where it is nan, infinite or out
	// of range; Numba casts it.
	if storesFloatIntoInt(newRegion(s, file, def.Body)) {
		return nil, vecErr("float values stored into an int array: Numba casts where Python raises")
	}
	// An int64 element stored into an int16 array raises OverflowError past int16's range;
	// Numba's store wraps it around.
	if wr := newRegion(s, file, def.Body); slices.ContainsFunc(s.Stmts, wr.widerIntStore) {
		return nil, vecErr("values of a wider int type stored into a narrow int array: NumPy raises OverflowError past its range where Numba wraps around")
	}
	// NumPy computes with an int16 in int16, wrapping around; Numba in int64 unless cast.
	narrowed, err := narrowEdits(newRegion(s, file, def.Body), file.Src, boundBefore(def, s.Pos))
	if err != nil {
		return nil, err
	}
	// An int to an int power: Python gives a float for a negative exponent (2 ** -3 is
	// 0.125), NumPy's int64 raises ValueError, Numba's int power gives an int.
	if intPower(newRegion(s, file, def.Body)) {
		return nil, vecErr("an int to an int power that may be negative: Python gives a float, NumPy raises, Numba gives an int")
	}
	return narrowed, nil
}

// storesFloatIntoInt reports a statement of the SCoP that stores a value that may be a float
// into a signed int array: one with a float literal, a float array's element, a true
// division, a power, a call other than min, max and abs, or a scalar the SCoP assigns such a
// value.
func storesFloatIntoInt(r *region) bool {
	floats := map[string]bool{}
	floatValued := func(e pyast.Expr) bool {
		found := false
		pyast.Inspect(e, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Num:
				raw := strings.ToLower(n.Raw)
				found = found || strings.ContainsAny(raw, ".j") || (strings.Contains(raw, "e") && !strings.HasPrefix(raw, "0x"))
			case *pyast.BinOp:
				found = found || n.Op == pyast.Div || (n.Op == pyast.Pow && !natural(n.Y))
			case *pyast.Call:
				if f, ok := n.Func.(*pyast.Name); !ok || (f.Id != "min" && f.Id != "max" && f.Id != "abs") {
					found = true
				}
			case *pyast.Attribute:
				found = true
			case *pyast.Subscript:
				if id, ok := n.X.(*pyast.Name); ok && !isIntDType(r.dtype(id.Id)) {
					found = true
				}
			case *pyast.Name:
				if a := r.scop.Arrays[n.Id]; a != nil && a.Scalar && a.DType != "" && !isIntDType(a.DType) {
					found = true
				}
				found = found || floats[n.Id] || r.scop.NonInt[n.Id]
			}
			return !found
		})
		return found
	}
	for changed := true; changed; {
		changed = false
		for _, st := range r.scop.Stmts {
			if len(st.Writes) == 0 {
				continue
			}
			_, value, _, err := splitUpdate(st)
			w := st.Writes[0].Array
			if a := r.array(w); a != nil && a.Scalar && !floats[w] && (err != nil || floatValued(value)) {
				floats[w], changed = true, true
			}
		}
	}
	for _, st := range r.scop.Stmts {
		if len(st.Writes) == 0 || !strings.HasPrefix(r.dtype(st.Writes[0].Array), "int") {
			continue
		}
		if _, value, _, err := splitUpdate(st); err != nil || floatValued(value) {
			return true
		}
	}
	return false
}

// natural reports a non-negative int literal: an int to that power stays an int.
func natural(e pyast.Expr) bool {
	n, ok := e.(*pyast.Num)
	return ok && !strings.ContainsAny(strings.ToLower(n.Raw), ".ej")
}

// topLevelComma reports a comma between the start of args (just past an opening parenthesis)
// and its closing one, outside any nested brackets: a call of two or more arguments.
func topLevelComma(args string) bool {
	depth := 0
	for _, c := range args {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return false
			}
			depth--
		case ',':
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// splitLoop writes "for i in range(lo, hi):" and its body as three loops over the indices
// below k, at k and above k (polyopt's SplitAt: no dependence joins two iterations of one
// piece), the first and the last with prange. false where the loop's text is not that plain.
func splitLoop(src []byte, f *pyast.For, k string, rewrites []edit) (string, bool) {
	c, ok := f.Iter.(*pyast.Call)
	v, isName := f.Target.(*pyast.Name)
	if !ok || !isName || len(c.Args) < 1 || len(c.Args) > 2 || len(f.Body) == 0 {
		return "", false
	}
	text := func(e pyast.Expr) string { return string(src[e.Pos():e.End()]) }
	lo, hi := "0", text(c.Args[0])
	if len(c.Args) == 2 {
		lo, hi = text(c.Args[0]), text(c.Args[1])
	}
	at := lineStart(src, int(f.Pos()))
	indent := string(src[at:int(f.Pos())])
	bodyAt := lineStart(src, int(f.Body[0].Pos()))
	if bodyAt <= at || strings.TrimSpace(indent) != "" {
		return "", false // the body on the header's line
	}
	body := spliced(src, bodyAt, lineEnd(src, int(f.End())), rewrites)
	var b strings.Builder
	fmt.Fprintf(&b, "%sfor %s in _rt.prange(%s, min(%s, %s)):\n%s\n", indent, v.Id, lo, k, hi, body)
	fmt.Fprintf(&b, "%sfor %s in range(max(%s, %s), min(%s + 1, %s)):\n%s\n", indent, v.Id, lo, k, k, hi, body)
	fmt.Fprintf(&b, "%sfor %s in _rt.prange(max(%s, %s + 1), %s):\n%s", indent, v.Id, lo, k, hi, body)
	return b.String(), true
}
