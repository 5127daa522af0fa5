package emit

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

// Outcome says what happened to one function.
type Outcome struct {
	Function  string
	Position  string
	Optimized bool
	Detail    string   // what was vectorized, or why nothing was
	Variants  []string // the variants generated: "numpy", "numba"
	Tuned     bool     // the dispatcher follows a decision of pyparc tune
}

// Module rewrites one module: every function that gets a NumPy variant keeps its original as
// _f__orig and gains _f__numpy, _guard_f and a dispatcher named f; everything else is byte for
// byte the original source.
//
// decisions, from pyparc tune (may be nil), choose the variant per size; without one a
// function's dispatcher uses the default choice (see function).
func Module(ctx *isl.Context, m *typeinfer.Module, decisions map[string]store.Decision) ([]byte, []Outcome, error) {
	src := m.File.Src
	type repl struct {
		from, to int
		text     string
	}
	var repls []repl
	var outcomes []Outcome
	clash, clashAt := moduleRebinds(m.File.Module)
	for _, f := range m.Funcs {
		if strings.Contains(f.QualName, ".") {
			continue // methods and nested functions stay as they are
		}
		if f.Recorded == nil && len(f.Declared) == 0 {
			continue
		}
		out := Outcome{Function: f.QualName, Position: m.File.Position(f.Def.Pos()).String()}
		dec, hasDec := decisions[f.QualName]
		var decp *store.Decision
		if hasDec {
			decp = &dec
		}
		if clash != "" {
			what := "binds " + clash + ", which clashes with a name of the generated code"
			if clash == "*" {
				what = "imports * (from numpy: max, min, abs), which may rebind builtins the generated code calls"
			}
			out.Detail = fmt.Sprintf("%s: the module %s", m.File.Position(clashAt), what)
			outcomes = append(outcomes, out)
			continue
		}
		text, detail, variants, tuned, err := function(ctx, m, f, decp, map[pyast.Pos]bool{})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.QualName, err)
		}
		out.Detail, out.Variants, out.Tuned = detail, variants, tuned
		if text != "" {
			out.Optimized = true
			repls = append(repls, repl{int(f.Def.Pos()), int(f.Def.End()), text})
		}
		outcomes = append(outcomes, out)
	}
	if len(repls) == 0 {
		return src, outcomes, nil
	}
	at := headerPoint(m.File)
	repls = append(repls, repl{at, at, "import numpy as _np\nimport pyparc_rt as _rt\n"})
	sort.SliceStable(repls, func(i, j int) bool { return repls[i].from < repls[j].from })
	var b strings.Builder
	last := 0
	for _, r := range repls {
		b.Write(src[last:r.from])
		b.WriteString(r.text)
		last = r.to
	}
	b.Write(src[last:])
	return []byte(b.String()), outcomes, nil
}

// headerPoint is where the imports of generated code go: after the docstring and any
// __future__ imports, which must come first.
func headerPoint(f *pyast.File) int {
	at := 0
	for i, s := range f.Module.Body {
		switch s := s.(type) {
		case *pyast.ExprStmt:
			if _, ok := s.X.(*pyast.Str); ok && i == 0 {
				at = int(s.End())
				continue
			}
		case *pyast.ImportFrom:
			if s.Module == "__future__" {
				at = int(s.End())
				continue
			}
		}
		break
	}
	for at < len(f.Src) && f.Src[at] != '\n' && at > 0 {
		at++
	}
	if at > 0 && at < len(f.Src) {
		at++
	}
	return at
}

// function returns the replacement text of one definition, or "" and why it is left alone.
//
// NumPy array statements are first lowered to loops, except those in skip; if a SCoP holding
// lowered loops then fails to become a variant, the function is done again with the array
// statements of that SCoP left as they are.
func function(ctx *isl.Context, m *typeinfer.Module, f *typeinfer.Function, dec *store.Decision, skip map[pyast.Pos]bool) (string, string, []string, bool, error) {
	def := f.Def
	paramSet := map[string]bool{} // the names the dispatcher can read at the call
	for _, p := range def.Params {
		paramSet[p.Name] = true
	}
	switch {
	case len(def.Decorators) > 0:
		return "", "decorated functions are left alone", nil, false, nil
	case def.Async:
		return "", "async functions are left alone", nil, false, nil
	case isGenerator(def):
		return "", "generators are left alone", nil, false, nil
	}
	if id, at := reservedUse(def); id != "" {
		return "", fmt.Sprintf("%s: %s clashes with a name of the generated code", m.File.Position(at), id), nil, false, nil
	}
	pf := polyopt.Func{File: m.File, Def: def, QualName: f.QualName, Params: f.Params(),
		Modules: m.Modules(), Relations: f.Relations()}
	fn := polyopt.Extract(pf)
	// The variants are generated from file and vdef: the function as written, or with its
	// NumPy array statements lowered to loops when that puts them into SCoPs.
	file, vdef := m.File, def
	lowered := 0
	var spans []polyopt.LoweredSpan
	if lf, ldef, lfn, n, sp := lowerArrays(pf, skip); lfn != nil {
		file, vdef, fn, lowered, spans = lf, ldef, lfn, n, sp
	}
	// retry leaves the lowered statements of a failed SCoP as they were, and starts again.
	retry := func(s *polyopt.SCoP) bool {
		bad := loweredIn(spans, int(s.Pos), int(s.End))
		for _, p := range bad {
			skip[p] = true
		}
		return len(bad) > 0
	}
	if len(fn.SCoPs) == 0 {
		why := "no loop nest the polyhedral model covers"
		if len(fn.Opaque) > 0 {
			why += fmt.Sprintf(" (%s: %s)", file.Position(fn.Opaque[0].Pos), fn.Opaque[0].Reason)
		}
		if low := polyopt.Lower(pf, nil); low != nil && len(low.Skipped) > 0 {
			// The first array statement that stayed NumPy says more than the slice it holds.
			why += fmt.Sprintf("; array statement not lowered (%s: %s)", m.File.Position(low.Skipped[0].Pos), low.Skipped[0].Reason)
		}
		return "", why, nil, false, nil
	}
	type cut struct {
		from, to int
		lines    []string
	}
	var cuts, nbCuts, nbiCuts, nbtCuts, nbsCuts, nboCuts, rayCuts []cut
	var helpers, innerHelpers, tiledHelpers, sumHelpers, overlapHelpers, rayDefs []string
	overlapNests := 0         // time loops of the overlapped variant run as bands
	var overlapConds []string // per such loop, overlapExpr
	innerPranges, tiledWaves, sumLoopCount := 0, 0, 0
	privateCount, fusedCount := 0, 0 // loops of the summing variant with private partial sums
	multiSumCount := 0               // its loops with two or more sums, each a helper
	var narrowConds []string         // per tiled wavefront of a band of two, narrowTiledExpr
	narrowWaves := false             // some tiled wavefront's band has two dimensions (see polyopt.Wavefront)
	wideWaves := 0                   // tiled wavefronts of bands of three or more
	var innerPranged []*polyopt.Loop // the inner variant's prange loops
	rayCalls := false                // a Ray kernel runs call statements
	var used []*polyopt.SCoP
	var notes []string
	var nonEmpty []string // guard conditions the bounds proofs assumed
	vectorized, pyLoops, pranges, scalarInLoops := 0, 0, 0, 0
	wideProducts, wideElementwise := 0, 0
	numpyFull := true // every SCoP became whole-array code with no Python loop left
	for i, s := range fn.SCoPs {
		a, err := polyopt.Analyze(ctx, s)
		if err != nil {
			if retry(s) {
				return function(ctx, m, f, dec, skip)
			}
			notes = append(notes, fmt.Sprintf("%s: %v", file.Position(s.Pos), err))
			numpyFull = false
			continue
		}
		if len(a.OutOfBounds) > 0 {
			if retry(s) {
				return function(ctx, m, f, dec, skip)
			}
			notes = append(notes, fmt.Sprintf("%s: an access may fall outside its array", file.Position(s.Pos)))
			numpyFull = false
			continue
		}
		if len(a.ZeroDivisors) > 0 {
			if retry(s) {
				return function(ctx, m, f, dec, skip)
			}
			notes = append(notes, fmt.Sprintf("%s: a division by %s may be by 0, where Python raises ZeroDivisionError and the variants do not",
				file.Position(s.Pos), a.ZeroDivisors[0]))
			numpyFull = false
			continue
		}
		if v, at := unboundInSCoP(vdef, s); v != "" {
			notes = append(notes, fmt.Sprintf("%s: %s may be unbound where the loop nest reads it, and every variant would read it sooner", file.Position(at.Pos()), v))
			numpyFull = false
			continue
		}
		for _, d := range a.NonZero {
			nonEmpty = append(nonEmpty, paramAffine(d, s.ParamSource)+" != 0")
		}
		nonEmpty = append(nonEmpty, a.NonZeroText...)
		if a.NonEmpty {
			for _, p := range s.Params {
				if src := s.ParamSource[p]; strings.Contains(src, ".shape[") {
					nonEmpty = append(nonEmpty, src+" >= 1")
				}
			}
		}
		from, to := lineStart(file.Src, int(s.Pos)), lineEnd(file.Src, int(s.End))
		indent := string(file.Src[from:int(s.Pos)])
		if s.HasCalls() {
			// Call statements run as written: only the Ray variant, which runs chunks of the
			// loop's iterations in other processes, has something to offer.
			d, err := rayRegion(s, i, file, vdef, m.Modules())
			if err != nil {
				notes = append(notes, fmt.Sprintf("%s: its loop calls functions, and no Ray variant: %v", file.Position(s.Pos), err))
				continue
			}
			used = append(used, s)
			rayCuts = append(rayCuts, cut{from, to, d.call})
			rayDefs = append(rayDefs, d.defs...)
			rayCalls = true
			numpyFull = false
			continue
		}
		used = append(used, s)
		if nb, err := numbaRegion(s, i, file, vdef, m.Modules(), numbaOptions{}); err == nil {
			nbCuts = append(nbCuts, cut{from, to, nb.call})
			helpers = append(helpers, nb.helper)
			pranges += nb.prange
			if nbi, err := numbaRegion(s, i, file, vdef, m.Modules(), numbaOptions{inner: true}); err == nil {
				nbiCuts = append(nbiCuts, cut{from, to, nbi.call})
				innerHelpers = append(innerHelpers, nbi.helper)
				innerPranges += nbi.prange
				innerPranged = append(innerPranged, nbi.pranged...)
			}
			// The tiled variant: this SCoP's nests as tiled wavefronts where isl finds them,
			// else the same code as the numba variant.
			tiledCut := cut{from, to, nb.call}
			if waves, _ := polyopt.Wavefronts(ctx, s, a, WavefrontTiles); len(waves) > 0 {
				if nbt, err := numbaRegion(s, i, file, vdef, m.Modules(), numbaOptions{waves: waves}); err == nil && nbt.waves > 0 {
					tiledCut = cut{from, to, nbt.call}
					tiledHelpers = append(tiledHelpers, nbt.helper)
					tiledWaves += nbt.waves
					for _, w := range waves {
						if w.InnerTiled {
							narrowWaves = true
							narrowConds = append(narrowConds, narrowTiledExpr(s, w, paramSet))
						} else {
							wideWaves++
						}
					}
				}
			}
			nbtCuts = append(nbtCuts, tiledCut)
			// The overlapped variant: this SCoP's time loops as overlapped bands where they
			// qualify, else the same code as the numba variant.
			overlapCut := cut{from, to, nb.call}
			ovs, why := polyopt.Overlaps(s)
			ovs = OverlapsEmitted(ovs, &why)
			if len(ovs) > 0 {
				if nbo, err := numbaRegion(s, i, file, vdef, m.Modules(), numbaOptions{overlaps: ovs}); err == nil && len(nbo.overlaps) > 0 {
					overlapCut = cut{from, to, nbo.call}
					overlapHelpers = append(overlapHelpers, nbo.helper)
					overlapNests += len(nbo.overlaps)
					for _, o := range nbo.overlaps {
						overlapConds = append(overlapConds, overlapExpr(s, o, paramSet))
					}
				}
			}
			nboCuts = append(nboCuts, overlapCut)
			// The summing variant: the numba one with its summing loops reassociated.
			sumCut := cut{from, to, nb.call}
			if nbs, err := numbaRegion(s, i, file, vdef, m.Modules(), numbaOptions{sums: true}); err == nil && (nbs.sums > 0 || nbs.private > 0) {
				sumCut = cut{from, to, nbs.call}
				sumHelpers = append(sumHelpers, nbs.helper)
				sumLoopCount += nbs.sums
				multiSumCount += nbs.multiSums
				privateCount += nbs.private
				fusedCount += nbs.fused
			}
			nbsCuts = append(nbsCuts, sumCut)
		} else {
			notes = append(notes, fmt.Sprintf("%s: no Numba variant: %v", file.Position(s.Pos), err))
		}
		var fallbackLines []string // this SCoP in the Ray variant when it is not distributed
		if len(nbCuts) > 0 && nbCuts[len(nbCuts)-1].from == from {
			fallbackLines = nbCuts[len(nbCuts)-1].lines
		}
		r := newRegion(s, file, vdef.Body)
		lines := r.generate(indent)
		if r.vector > 0 && (r.pyLoops == 0 || fallbackLines == nil) {
			fallbackLines = lines
		}
		if d, err := rayRegion(s, i, file, vdef, m.Modules()); err == nil {
			rayCuts = append(rayCuts, cut{from, to, d.call})
			rayDefs = append(rayDefs, d.defs...)
		} else if fallbackLines != nil {
			rayCuts = append(rayCuts, cut{from, to, fallbackLines})
		}
		if len(nbCuts) == 0 || nbCuts[len(nbCuts)-1].from != from {
			// Neither variant covers this SCoP: its lowered loops would be interpreted.
			if r.vector == 0 && retry(s) {
				return function(ctx, m, f, dec, skip)
			}
		}
		if r.vector == 0 {
			numpyFull = false
			continue
		}
		vectorized += r.vector
		wideProducts += r.wideProducts
		wideElementwise += r.wideElementwise
		pyLoops += r.pyLoops
		scalarInLoops += r.scalarInLoops
		cuts = append(cuts, cut{from, to, lines})
	}
	if len(cuts) == 0 && len(nbCuts) == 0 && len(rayDefs) == 0 {
		if len(notes) == 0 {
			notes = append(notes, "every loop carries a dependence")
		}
		return "", strings.Join(notes, "; "), nil, false, nil
	}
	numpyFull = numpyFull && len(cuts) > 0 && pyLoops == 0

	src := file.Src
	replaced := func(cs []cut, newName string) string {
		var body strings.Builder
		last := int(vdef.Pos())
		for _, c := range cs {
			body.Write(src[last:c.from])
			body.WriteString(strings.Join(c.lines, "\n"))
			body.WriteString("\n")
			last = c.to
		}
		body.Write(src[last:int(vdef.End())])
		return renameDef(strings.TrimRight(body.String(), "\n"), def.Name, newName)
	}
	orig := renameDef(string(m.File.Src[def.Pos():def.End()]), def.Name, "_"+def.Name+"__orig")

	params, args := paramText(m.File, def)
	guard := guardCode(f, used, args)
	nonEmpty = slices.DeleteFunc(dedupe(nonEmpty), func(c string) bool { return slices.Contains(guard, c) })
	if final := guard[len(guard)-1]; isAliasCheck(final) {
		guard = append(guard[:len(guard)-1], dedupe(nonEmpty)...)
		guard = append(guard, final)
	} else {
		guard = append(guard, dedupe(nonEmpty)...)
	}
	name := def.Name
	var b strings.Builder
	b.WriteString(orig + "\n\n\n")
	fallback := "_" + name + "__orig"
	blasCalls := 0 // in the NumPy variant
	if len(cuts) > 0 {
		numpyText := replaced(cuts, "_"+name+"__numpy")
		blasCalls = countBLASCalls(numpyText)
		b.WriteString(numpyText + "\n\n\n")
		if lowered == 0 || numpyFull {
			// Not a variant with lowered statements left as interpreted loops.
			fallback = "_" + name + "__numpy"
		}
	}
	for _, h := range helpers {
		b.WriteString(h + "\n\n")
	}
	if len(nbCuts) > 0 {
		b.WriteString(replaced(nbCuts, "_"+name+"__numba") + "\n\n\n")
	}
	// The inner-prange variant only where it parallelizes more loops than the numba one.
	hasInner := len(nbiCuts) == len(nbCuts) && innerPranges > pranges
	if hasInner {
		for _, h := range innerHelpers {
			b.WriteString(h + "\n\n")
		}
		b.WriteString(replaced(nbiCuts, "_"+name+"__numba_inner") + "\n\n\n")
	}
	// The tiled variant only where some nest became a tiled wavefront.
	hasTiled := len(nbtCuts) == len(nbCuts) && tiledWaves > 0
	if hasTiled {
		for _, h := range tiledHelpers {
			b.WriteString(h + "\n\n")
		}
		b.WriteString(replaced(nbtCuts, "_"+name+"__numba_tiled") + "\n\n\n")
	}
	// The overlapped variant only where some time loop runs as overlapped bands.
	hasOverlap := len(nboCuts) == len(nbCuts) && overlapNests > 0
	if hasOverlap {
		for _, h := range overlapHelpers {
			b.WriteString(h + "\n\n")
		}
		b.WriteString(replaced(nboCuts, "_"+name+"__numba_overlap") + "\n\n\n")
	}
	// The summing variant only where some loop became a jit_sum helper or runs in chunks
	// with private partial sums.
	hasSums := len(nbsCuts) == len(nbCuts) && (sumLoopCount > 0 || privateCount > 0)
	if hasSums {
		for _, h := range sumHelpers {
			b.WriteString(h + "\n\n")
		}
		b.WriteString(replaced(nbsCuts, "_"+name+"__numba_sum") + "\n\n\n")
	}
	// The CuPy variant is the NumPy one run on the device: only where every loop nest became
	// whole-array code (Python loops may remain around it, but no statement inside them works
	// element by element, which would cross the bus each time).
	hasCupy := len(cuts) > 0 && len(cuts) == len(used) && scalarInLoops == 0 && simpleParams(def)
	if hasCupy {
		b.WriteString(cupyVariant(m, file, vdef, replaced(cuts, "_"+name+"__cupy_body"), used) + "\n\n\n")
	}
	hasRay := len(rayDefs) > 0
	if hasRay {
		b.WriteString(strings.Join(rayDefs, "\n\n") + "\n\n")
		b.WriteString(replaced(rayCuts, "_"+name+"__ray") + "\n\n\n")
	}
	b.WriteString(guardDef(name, params, def, guard) + "\n\n\n")
	usesBLAS := blasCall.MatchString(b.String())
	fmt.Fprintf(&b, "def %s(%s):\n", name, params)
	fmt.Fprintf(&b, "    if _guard_%s(%s):\n", name, args)
	dispatchFrom := b.Len()
	var variants []string
	if len(cuts) > 0 {
		variants = append(variants, "numpy")
	}
	if len(nbCuts) > 0 {
		variants = append(variants, "numba")
	}
	if hasInner {
		variants = append(variants, "numba_inner")
	}
	if hasTiled {
		variants = append(variants, "numba_tiled")
	}
	if hasSums {
		variants = append(variants, "numba_sum")
	}
	if hasOverlap {
		variants = append(variants, "numba_overlap")
	}
	if hasCupy {
		variants = append(variants, "cupy")
	}
	if hasRay {
		variants = append(variants, "ray")
	}
	// PYPARC_VARIANT names a variant to run whenever the guard admits the call: for tests and
	// for measuring one variant alone.
	fmt.Fprintf(&b, "        if _rt.VARIANT:\n")
	for _, v := range append([]string{"orig"}, variants...) {
		cond := fmt.Sprintf("_rt.VARIANT == %q", v)
		switch v {
		case "numba", "numba_inner", "numba_tiled", "numba_sum", "numba_overlap":
			cond += " and _rt.HAVE_NUMBA"
		case "cupy":
			cond += " and _rt.HAVE_CUPY"
		case "ray":
			cond += " and _rt.HAVE_RAY"
		}
		fmt.Fprintf(&b, "            if %s:\n                return _%s__%s(%s)\n", cond, name, v, args)
	}
	tuned := dec != nil && decisionFits(*dec, variants)
	if hasCupy && !tuned {
		// Untuned, a GPU takes calls big enough to pay for the transfers. A tuned decision
		// measured the variants it names on this target and is followed instead (a fixed
		// threshold here sent fdtd-2d at MEDIUM to the GPU at 17 ms where the tuned
		// numba_tiled takes 2.5 ms on 16 cores).
		// A call goes to the GPU when its largest array is big and the statements run many
		// times per element of it: products and time-stepped stencils, not matrix-vector
		// products (atax at LARGE moves 32 MB for 8e6 operations). The product of shape
		// symbols used before sent gemm at MEDIUM there (574 us against 166 us on 16 cores).
		size := f.LargestArrayExpr()
		if trips := tripsExpr(used, paramSet); size != "" && trips != "" {
			fmt.Fprintf(&b, "        if _rt.HAVE_CUPY and %s >= _rt.CUPY_MIN_SIZE and %s >= _rt.CUPY_MIN_INTENSITY * %s:\n", size, trips, size)
		} else {
			work, _ := f.WorkExpr()
			fmt.Fprintf(&b, "        if _rt.HAVE_CUPY and %s >= _rt.CUPY_MIN_WORK:\n", work)
		}
		fmt.Fprintf(&b, "            return _%s__cupy(%s)\n", name, args)
	}
	if hasRay && rayCalls {
		// Ray whenever the user points the program at a cluster: the work of a loop that
		// calls functions is not in its trip counts.
		fmt.Fprintf(&b, "        if _rt.USE_RAY:\n")
		fmt.Fprintf(&b, "            return _%s__ray(%s)\n", name, args)
	} else if hasRay {
		// Ray only when the user points the program at a cluster (RAY_ADDRESS, or
		// PYPARC_RAY=1 for a local one), and only for calls worth shipping data for.
		work, _ := f.WorkExpr()
		fmt.Fprintf(&b, "        if _rt.USE_RAY and %s >= _rt.RAY_MIN_WORK:\n", work)
		fmt.Fprintf(&b, "            return _%s__ray(%s)\n", name, args)
	}
	call := func(indent, variant string) {
		if strings.HasPrefix(variant, "numba") {
			fmt.Fprintf(&b, "%sif _rt.HAVE_NUMBA:\n%s    return _%s__%s(%s)\n", indent, indent, name, variant, args)
			fmt.Fprintf(&b, "%sreturn %s(%s)\n", indent, fallback, args)
			return
		}
		fmt.Fprintf(&b, "%sreturn _%s__%s(%s)\n", indent, name, variant, args)
	}
	chosen := ""
	switch {
	case tuned:
		// pyparc tune measured the variants: choose by the work count of this call.
		fmt.Fprintf(&b, "        _n = %s\n", dec.Work)
		var parts []string
		for _, r := range dec.Ranges {
			if r.Below > 0 {
				fmt.Fprintf(&b, "        if _n < %g:\n", r.Below)
				call("            ", r.Variant)
				parts = append(parts, fmt.Sprintf("%s below %g", r.Variant, r.Below))
			} else {
				call("        ", r.Variant)
				parts = append(parts, r.Variant+" above")
			}
		}
		chosen = "as tuned: " + strings.Join(parts, ", ")
	case len(cuts) == 0 && len(nbCuts) == 0:
		call("        ", "orig")
		chosen = "orig (ray when a cluster is named)"
	case lowered > 0 && !numpyFull && len(nbCuts) == 0:
		call("        ", "orig")
		chosen = "orig (its lowered array statements would run element by element)"
	case numpyFull && len(nbCuts) == len(cuts) && wideProducts == 0 && wideElementwise > 0 && !narrowFloats(used) && f.LargestArrayExpr() != "":
		// Whole-array code without a matrix product but with elementwise work over matrices
		// (gemver): but for small calls, the compiled loops, one pass where NumPy makes one
		// per operation (gemver on 16 cores: numba 6.1 ms against numpy 16.5 at LARGE, 209 us
		// against 580 at MEDIUM; on 2 cores 28 us against 52 at SMALL).
		// Where the summing variant runs some loop in chunks with private sums, that one:
		// gemver's column sums (x[i] += beta * A[j, i] * y[j]) then read A along its rows
		// (at LARGE on 16 cores 0.70 ms against the Numba variant's 1.40). Its sums are
		// reordered, as they are in the NumPy variant, whose BLAS calls compute them.
		compiled := "numba"
		if hasSums && privateCount > 0 {
			compiled = "numba_sum"
		}
		size := f.LargestArrayExpr()
		fmt.Fprintf(&b, "        if %s >= _rt.NUMBA_FUSED_MIN:\n", size)
		call("            ", compiled)
		call("        ", "numpy")
		chosen = fmt.Sprintf("numpy, %s from %s >= NUMBA_FUSED_MIN", compiled, size)
	case numpyFull && hasSums && (fusedCount > 0 || multiSumCount > 0) && blasCalls >= 2 && !narrowFloats(used) && f.LargestArrayExpr() != "" && tripsExpr(used, paramSet) != "" && !deeperThanArrays(used):
		// Matrix-vector products that the NumPy variant runs as BLAS calls each reading the
		// same matrix (bicg: r @ A and A @ p; atax; mvt): the summing variant reads each row
		// once for all of them, its column sums in a private copy per thread
		// (numba_private.go). Where the products read different matrices in one loop over
		// the rows (gesummv's A @ x and B @ x: two dot products a row), it makes one
		// parallel pass over the rows for the BLAS calls and the elementwise statements
		// between them, each row's sums in registers: that saves
		// calls and temporaries but no memory traffic, and from _rt.NUMBA_UNFUSED_MAX
		// elements BLAS streams the matrices faster. It sums in another order, as the BLAS
		// calls do. From _rt.NUMBA_MATVEC_MIN elements (see there). Only for matrix-vector
		// work: with more loop iterations than four per element of the largest array (a
		// matrix product), BLAS is faster than compiled loops.
		size := f.LargestArrayExpr()
		if fusedCount > 0 {
			fmt.Fprintf(&b, "        if %s >= _rt.NUMBA_MATVEC_MIN and %s <= 4 * %s:\n", size, tripsExpr(used, paramSet), size)
			chosen = fmt.Sprintf("numpy, numba_sum from %s >= NUMBA_MATVEC_MIN for matrix-vector work", size)
		} else {
			fmt.Fprintf(&b, "        if _rt.NUMBA_MATVEC_MIN <= %s < _rt.NUMBA_UNFUSED_MAX and %s <= 4 * %s:\n", size, tripsExpr(used, paramSet), size)
			chosen = fmt.Sprintf("numpy, numba_sum from %s >= NUMBA_MATVEC_MIN below NUMBA_UNFUSED_MAX for matrix-vector work", size)
		}
		call("            ", "numba_sum")
		call("        ", "numpy")
	case numpyFull || len(nbCuts) == 0:
		// Without a tuning record, the default: whole-array NumPy code when it covers every
		// loop nest (BLAS for contractions, no interpreter loop left); compiled loops otherwise.
		call("        ", "numpy")
		chosen = "numpy"
	default:
		chosen = "numba"
		// The plain Numba variant runs the loops around its parallel ones (time loops,
		// sweeps) sequentially: at LARGE on 16 cores jacobi-2d, fdtd-2d and heat-3d left
		// 15 cores idle and ran 5-6x slower than with prange inside. Above
		// _rt.NUMBA_WIDE_MIN elements in the largest array, the untuned default is the
		// tiled wavefront variant, or else the inner-prange one; below, a parallel region
		// per time step costs more than it saves (jacobi-2d at MEDIUM: numba_inner 8.5 ms,
		// numba 4.7 ms).
		// Tiles win in two dimensions (jacobi-2d 148 ms against 180, lu 358 ms against 1.8 s
		// for numba_inner); in three, heat-3d's tiled wavefronts ran 600-690 ms and
		// numba_inner 180-250 ms (LARGE, 16 cores, two runs).
		wide := ""
		_, rank := f.LargestArray()
		switch {
		case hasTiled && !(hasInner && rank >= 3):
			wide = "numba_tiled"
		case hasInner:
			wide = "numba_inner"
		}
		// Tiled wavefronts pay off sooner: one parallel region runs many time steps
		// (_rt.NUMBA_TILED_MIN, 2**15 elements, where jacobi-2d, fdtd-2d, seidel-2d and lu at
		// MEDIUM ran 1.1-5x faster tiled on 2 and on 16 cores).
		// The inner variant starts a parallel region per run of a prange loop: it pays where
		// each has _rt.NUMBA_REGION_WORK statement instances or more (at MEDIUM on 16 cores,
		// OpenMP threads spinning between regions: heat-3d 5.4 ms against 8.9 with 5.5e4 a
		// region, adi 9.2 against 93; gramschmidt, 1.6e4, 14.2 against 13.2; the array's size
		// told those apart worse: adi gained at SMALL with 3.6e3 elements, gramschmidt lost at
		// MEDIUM with 5.8e4).
		trips, regions := instancesExpr(used, paramSet), regionsExpr(used, innerPranged, paramSet)
		narrowChosen := ""
		overlapChosen := false
		if hasOverlap && !slices.Contains(overlapConds, "") {
			// A 1-D stencil stepped in time: overlapped bands run many steps a parallel
			// region, where a tiled wavefront starts one per wavefront and the inner variant
			// one per sweep. On 16 cores jacobi-1d at LARGE (500 steps over 2000 points) ran
			// in 0.22 ms against 0.40-0.50 for the numba and numba_tiled variants, 1000 over
			// 4000 in 0.57 against 0.97 tiled and 3.0 numba; at MEDIUM (100 over 400) it lost,
			// 33 us against 18 (the regions' start dominates). _rt.overlap_pays weighs them.
			// Steady state on that machine (bench/peers/dispatch.py): 256 us against 383 for
			// the numba variant and 492 for numba(user) at LARGE.
			cond := overlapConds[0]
			if len(overlapConds) > 1 {
				cond = "(" + strings.Join(overlapConds, ") or (") + ")"
			}
			if size := f.LargestArrayExpr(); size != "" {
				// The size first: overlap_pays costs 2-3 us, a visible part of jacobi-1d's
				// 16 us call at MEDIUM (400 points), where bands never pay.
				cond = size + " >= _rt.OVERLAP_MIN_SIZE and " + cond
			}
			fmt.Fprintf(&b, "        if %s:\n", cond)
			call("            ", "numba_overlap")
			overlapChosen = true
		}
		if hasTiled && narrowWaves {
			// Wavefronts of a band of two (a 1-D stencil, a triangular solve) are chosen by
			// each nest's statement instances and tile grid (narrowTiledExpr), not the
			// largest array: jacobi-1d's arrays stay small while its time steps grow. Many
			// short wavefronts start a parallel region each. On 16 cores jacobi-1d won from
			// 500 steps over 2000 points (0.39 ms against 0.54 for the numba variant), 130
			// over 8000 (1.5x), 1000 over 4000 (2.8-3.2x); it lost with a grid two tiles deep
			// or wide, and with 1000 or fewer points (1000 steps over 1000: 0.84x). trisolv
			// won from n = 2000 (1.4x; 4000, 3.2x) and lost below (n = 1500, 0.82x);
			// gramschmidt's ran 4x slower than its inner-prange variant at LARGE. So the inner
			// variant first, where it qualifies, then the tiled one where a nest's grid is
			// wide. A function with a deeper tiled nest as well keeps that nest's rule (the
			// largest array) after these.
			if wideWaves == 0 && hasInner && trips != "" && regions != "" {
				floor := ""
				if size := f.LargestArrayExpr(); size != "" {
					floor = size + " >= _rt.NUMBA_REGION_MIN_SIZE and "
				}
				fmt.Fprintf(&b, "        if %s%s >= _rt.NUMBA_REGION_WORK * (%s):\n", floor, trips, regions)
				call("            ", "numba_inner")
			}
			if wideWaves == 0 {
				wide = ""
			}
			if !slices.Contains(narrowConds, "") {
				cond := narrowConds[0]
				if len(narrowConds) > 1 {
					cond = "(" + strings.Join(narrowConds, ") or (") + ")"
				}
				fmt.Fprintf(&b, "        if %s:\n", cond)
				call("            ", "numba_tiled")
				narrowChosen = "numba_tiled from NUMBA_TILED_WORK statement instances on a tile grid NUMBA_TILED_DEPTH by NUMBA_TILED_BREADTH"
				chosen = "numba, " + narrowChosen
				if wideWaves == 0 && hasInner && regions != "" {
					chosen = "numba, numba_inner from NUMBA_REGION_WORK statement instances a parallel region, " + narrowChosen
				}
			}
		}
		switch size := f.LargestArrayExpr(); {
		case wide == "numba_inner" && trips != "" && regions != "":
			// The size first: it answers for the small calls, where the trip counts' several
			// max() calls would be a visible part of the call (jacobi-1d at MEDIUM, 15 us).
			floor := ""
			if size != "" {
				floor = size + " >= _rt.NUMBA_REGION_MIN_SIZE and "
			}
			fmt.Fprintf(&b, "        if %s%s >= _rt.NUMBA_REGION_WORK * (%s):\n", floor, trips, regions)
			call("            ", wide)
			chosen = "numba, numba_inner from NUMBA_REGION_WORK statement instances a parallel region"
		case wide != "" && size != "":
			threshold := "NUMBA_WIDE_MIN"
			if wide == "numba_tiled" {
				threshold = "NUMBA_TILED_MIN"
			}
			fmt.Fprintf(&b, "        if %s >= _rt.%s:\n", size, threshold)
			call("            ", wide)
			chosen = fmt.Sprintf("numba, %s from %s >= %s", wide, size, threshold)
		}
		if narrowChosen != "" && !strings.Contains(chosen, narrowChosen) {
			chosen = strings.Replace(chosen, "numba, ", "numba, "+narrowChosen+", ", 1)
		}
		if overlapChosen {
			chosen = strings.Replace(chosen, "numba", "numba, numba_overlap where _rt.overlap_pays", 1)
		}
		call("        ", "numba")
	}
	if work := blasWork(f); usesBLAS && work != "" {
		// Small products run faster on one BLAS thread than on OpenBLAS's many (a 36 x 72
		// complex product: 20 us against 6 ms on a busy 2-core machine; STAP 2.4x on 32
		// cores): below _rt.SMALL_BLAS_WORK (3e4 elements) the NumPy variant and the original
		// run with one. Only they: setting the thread count costs microseconds, which a
		// compiled variant calling no BLAS (trisolv, 60 us) should not pay.
		all := b.String()
		b.Reset()
		b.WriteString(all[:dispatchFrom])
		numpyCall := "return _" + name + "__numpy("
		origCall := "return _" + name + "__orig("
		for _, line := range strings.SplitAfter(all[dispatchFrom:], "\n") {
			code := strings.TrimLeft(line, " ")
			if strings.HasPrefix(code, numpyCall) || strings.HasPrefix(code, origCall) {
				indent := line[:len(line)-len(code)]
				// The test inline: a with block costs a few hundred nanoseconds even where
				// it changes nothing, a visible part of a 17 us call (gesummv, MEDIUM).
				fmt.Fprintf(&b, "%sif %s < _rt.SMALL_BLAS_WORK:\n%s    with _rt.ONE_BLAS:\n%s        %s%s%s", indent, work, indent, indent, code, indent, code)
				continue
			}
			b.WriteString(line)
		}
	}
	fmt.Fprintf(&b, "    return _%s__orig(%s)", name, args)
	var parts []string
	if len(cuts) > 0 {
		parts = append(parts, fmt.Sprintf("numpy: %d statement(s) vectorized in %d of %d loop nest(s)", vectorized, len(cuts), len(fn.SCoPs)))
	}
	if len(nbCuts) > 0 {
		parts = append(parts, fmt.Sprintf("numba: %d loop nest(s) compiled, %d prange loop(s)", len(nbCuts), pranges))
	}
	if hasInner {
		parts = append(parts, fmt.Sprintf("numba_inner: %d prange loop(s), also inside sequential loops", innerPranges))
	}
	if hasTiled {
		parts = append(parts, fmt.Sprintf("numba_tiled: %d nest(s) as tiled wavefronts", tiledWaves))
	}
	if hasOverlap {
		parts = append(parts, fmt.Sprintf("numba_overlap: %d time loop(s) as overlapped bands", overlapNests))
	}
	if hasSums {
		part := fmt.Sprintf("numba_sum: %d summing loop(s) reassociated", sumLoopCount)
		if privateCount > 0 {
			part += fmt.Sprintf(", %d loop(s) in chunks with private partial sums", privateCount)
		}
		parts = append(parts, part)
	}
	if hasCupy {
		parts = append(parts, "cupy: the numpy variant on the GPU, for large sizes")
	}
	if hasRay {
		parts = append(parts, fmt.Sprintf("ray: %d parallel loop(s) as chunked Ray tasks, when a cluster is named", strings.Count(strings.Join(rayDefs, "\n"), "_rt.ray_kernel(")))
	}
	detail := strings.Join(parts, "; ") + "; runs " + chosen
	if lowered > 0 {
		detail = fmt.Sprintf("%d NumPy array statement(s) lowered to loops; ", lowered) + detail
	}
	if len(notes) > 0 {
		detail += "; not: " + strings.Join(notes, "; ")
	}
	return b.String(), detail, variants, tuned, nil
}

// narrowFloats reports SCoPs with float32, float16 or complex64 arrays: NumPy computes
// A[i, j] * 1.1 in float32 for them, Numba in float64 rounded at the store, so a default
// that switches from the NumPy variant to the Numba one by size would change results by an
// ulp between sizes (found by review).
func narrowFloats(scops []*polyopt.SCoP) bool {
	for _, s := range scops {
		for _, a := range s.Arrays {
			switch a.DType {
			case "float32", "float16", "complex64":
				return true
			}
		}
	}
	return false
}

// blasWork is the dispatcher's measure of how big its BLAS calls are: the element count of
// the largest array argument, or the work count where no argument is an array of known
// rank; "" when there is neither.
func blasWork(f *typeinfer.Function) string {
	if e := f.LargestArrayExpr(); e != "" {
		return e
	}
	if work, _ := f.WorkExpr(); work != "1" {
		return work
	}
	return ""
}

// deeperThanArrays reports a statement in more loops than any array it reads or writes has
// dimensions: a matrix product, not matrix-vector work.
func deeperThanArrays(scops []*polyopt.SCoP) bool {
	for _, s := range scops {
		for _, st := range s.Stmts {
			rank := 0
			for _, a := range append(append([]polyopt.Access(nil), st.Reads...), st.Writes...) {
				if arr := s.Arrays[a.Array]; arr != nil && !arr.Scalar {
					rank = max(rank, len(arr.Extent))
				}
			}
			if len(st.Loops) > rank {
				return true
			}
		}
	}
	return false
}

// countBLASCalls counts the matrix products (@, matmul, dot, einsum, ...) and linalg calls in
// the code of a variant's text, not in its comments or strings; 0 if it does not parse.
func countBLASCalls(text string) int {
	f, err := pyast.ParseFile("variant.py", []byte(text))
	if err != nil {
		return 0
	}
	n := 0
	for _, st := range f.Module.Body {
		pyast.Inspect(st, func(node pyast.Node) bool {
			switch e := node.(type) {
			case *pyast.BinOp:
				if e.Op == pyast.MatMul {
					n++
				}
			case *pyast.AugAssign:
				if e.Op == pyast.MatMul {
					n++
				}
			case *pyast.Call:
				if blasFunc(e.Func) {
					n++
				}
			}
			return true
		})
	}
	return n
}

// blasFunc reports a function that may call BLAS: a product by name, or one of linalg's.
func blasFunc(fn pyast.Expr) bool {
	switch fn := fn.(type) {
	case *pyast.Name:
		return blasNames[fn.Id]
	case *pyast.Attribute:
		if blasNames[fn.Attr] {
			return true
		}
		for x := fn.X; ; {
			a, ok := x.(*pyast.Attribute)
			if !ok {
				n, ok := x.(*pyast.Name)
				return ok && n.Id == "linalg"
			}
			if a.Attr == "linalg" {
				return true
			}
			x = a.X
		}
	}
	return false
}

var blasNames = map[string]bool{"matmul": true, "einsum": true, "dot": true, "vdot": true, "outer": true,
	"inner": true, "tensordot": true}

// blasCall finds code that may call BLAS: a binary @, matmul, einsum, dot products, linalg.
var blasCall = regexp.MustCompile(`[\w)\]][ \t]*@[ \t]*[\w(\[]|\b(matmul|einsum|dot|vdot|outer|inner|tensordot|linalg)\b`)

// decisionFits reports whether every variant a decision names was generated this time (the
// source may have changed since pyparc tune ran).
func decisionFits(d store.Decision, variants []string) bool {
	if len(d.Ranges) == 0 || d.Work == "" {
		return false
	}
	for _, r := range d.Ranges {
		if r.Variant != "orig" && !contains(variants, r.Variant) {
			return false
		}
	}
	return true
}

func isGenerator(def *pyast.FunctionDef) bool {
	gen := false
	for _, s := range def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n.(type) {
			case *pyast.Yield:
				gen = true
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			return !gen
		})
	}
	return gen
}

func lineStart(src []byte, p int) int { return pyast.LineStart(src, p) }

func lineEnd(src []byte, p int) int { return pyast.LineEnd(src, p) }

// renameDef renames the function a definition's text starts with.
func renameDef(text, from, to string) string {
	return strings.Replace(text, "def "+from+"(", "def "+to+"(", 1)
}

// paramText returns a definition's parameter list as written and the argument list that
// passes each parameter on.
func paramText(f *pyast.File, def *pyast.FunctionDef) (string, string) {
	var params, args []string
	kwOnly := false
	for _, p := range def.Params {
		params = append(params, string(f.Src[p.Pos():p.End()]))
		switch p.Kind {
		case pyast.ParamKwOnly:
			kwOnly = true
		case pyast.ParamVarArgs:
			args = append(args, "*"+p.Name)
			kwOnly = true
		case pyast.ParamKwArgs:
			args = append(args, "**"+p.Name)
		case pyast.ParamNormal:
			if kwOnly {
				args = append(args, p.Name+"="+p.Name)
			} else {
				args = append(args, p.Name)
			}
		}
	}
	return strings.Join(params, ", "), strings.Join(args, ", ")
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
