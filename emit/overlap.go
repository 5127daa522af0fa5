package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// OverlapsEmitted keeps the time loops emit runs as overlapped bands, those of 1-D stencils,
// and adds why the others are not to why. With rows of many elements the driver's model
// picks blocks of one step, and the copies made the variant slower than the others (16
// cores, LARGE: jacobi-2d 649 ms against 119 tiled, heat-3d 941 against 228 inner).
func OverlapsEmitted(found []*polyopt.Overlap, why *[]string) []*polyopt.Overlap {
	var out []*polyopt.Overlap
	for _, o := range found {
		if o.Rank != 1 {
			*why = append(*why, fmt.Sprintf("loop %s: its arrays have more than one dimension (bands are made for 1-D stencils)", o.Loop.Iter))
			continue
		}
		out = append(out, o)
	}
	return out
}

// overlapped is a time loop printed as overlapped bands (see polyopt.Overlap): the driver
// replacing the loop in the Numba helper, and the compiled function it calls per band.
type overlapped struct {
	driver string // at the loop's indentation
	window string // a module-level definition
}

// overlapLoops prints o. The window function is the time loop's own text with the time
// loop's range cut to one block of steps and each sweep's range to the rows of one band's
// copy; its parameters are the names the loop reads, which the driver binds to the band's
// copies for the windowed arrays. prefix names the driver's variables (one per nest of a
// helper); nthreads and region are the helper's parameters holding Numba's thread count and
// _rt.OVERLAP_REGION.
func overlapLoops(o *polyopt.Overlap, src []byte, modules map[string]string, window, prefix, nthreads, region string) (*overlapped, error) {
	f := o.Loop.Node
	at := lineStart(src, int(f.Pos()))
	indent := string(src[at:int(f.Pos())])
	if strings.TrimSpace(indent) != "" || !linesUnder(src, at, lineEnd(src, int(f.End())), indent) {
		return nil, vecErr("the time loop shares its line or mixes its indentation")
	}
	text := func(e pyast.Expr) string { return string(src[int(e.Pos()):int(e.End())]) }
	bounds := func(f *pyast.For) (string, string, *pyast.Call, bool) {
		c, ok := f.Iter.(*pyast.Call)
		if !ok || !isRange(c) || len(c.Args) == 0 || len(c.Args) > 2 {
			return "", "", nil, false
		}
		if len(c.Args) == 1 {
			return "0", text(c.Args[0]), c, true
		}
		return text(c.Args[0]), text(c.Args[1]), c, true
	}
	tlo, thi, tcall, ok := bounds(f)
	if !ok {
		return nil, vecErr("the time loop is not over range(start, stop)")
	}
	v := func(name string) string { return prefix + name }
	var edits []edit
	edits = append(edits, edit{int(tcall.Args[0].Pos()), int(tcall.Args[len(tcall.Args)-1].End()), v("t") + ", " + v("t1")})
	type sweepText struct{ lo, hi string }
	var sweeps []sweepText
	for k, sw := range o.Sweeps {
		g := sw.Node
		lo, hi, call, ok := bounds(g)
		if !ok {
			return nil, vecErr("a sweep is not over range(start, stop)")
		}
		first := g.Body[0]
		bodyAt := lineStart(src, int(first.Pos()))
		if bodyAt <= int(g.Pos()) {
			return nil, vecErr("a sweep's body shares its line")
		}
		sweeps = append(sweeps, sweepText{lo, hi})
		edits = append(edits, edit{int(call.Args[0].Pos()), int(call.Args[len(call.Args)-1].End()), fmt.Sprintf("%s, %s", v(fmt.Sprintf("x%d", k)), v(fmt.Sprintf("y%d", k)))})
		// The sweep's rows in the copy start at or after the rows its reads reach before
		// them where a statement makes those reads at every row: a cut copy starts its
		// sweeps Before rows in; an uncut one at the original start, where such a read is
		// in bounds (a read under a condition or in an inner loop may not run there: found
		// by review). Said to LLVM, A[i - 1] loses its wrap-around and the loop vectorizes.
		if o.Every[k] >= 0 {
			edits = append(edits, edit{bodyAt, bodyAt, fmt.Sprintf("%s_rt.at_least(%s, %d)\n", src[bodyAt:int(first.Pos())], sw.Iter, o.Every[k])})
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	body := spliced(src, at, lineEnd(src, int(f.End())), edits)

	// The window's parameters: what the loop reads but its own iterators.
	iters := map[string]bool{}
	pyast.Inspect(f, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.For); ok {
			if t, ok := g.Target.(*pyast.Name); ok {
				iters[t.Id] = true
			}
		}
		return true
	})
	seen := map[string]bool{}
	var names []string
	pyast.Inspect(f, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Attribute:
			if m, ok := n.X.(*pyast.Name); ok && modules[m.Id] != "" {
				return false
			}
		case *pyast.Name:
			if !iters[n.Id] && !pyBuiltins[n.Id] && modules[n.Id] == "" && !seen[n.Id] {
				seen[n.Id] = true
				names = append(names, n.Id)
			}
		}
		return true
	})
	sort.Strings(names)
	windowed := map[string]bool{}
	for _, a := range o.Windowed {
		windowed[a] = true
	}
	params := append([]string{}, names...)
	args := make([]string, 0, len(names))
	for _, n := range names {
		if windowed[n] {
			args = append(args, v("w"+n))
		} else {
			args = append(args, n)
		}
	}
	params = append(params, v("t"), v("t1"))
	args = append(args, v("t"), v("t1"))
	before, after := o.Reach()
	for k := range o.Sweeps {
		x, y := v(fmt.Sprintf("x%d", k)), v(fmt.Sprintf("y%d", k))
		params = append(params, x, y)
		args = append(args,
			fmt.Sprintf("max(%s, %s + %s * %d) - %s", x, v("L"), v("cl"), o.Before[k], v("L")),
			fmt.Sprintf("min(%s, %s - %s * %d) - %s", y, v("R"), v("cr"), o.After[k], v("L")))
	}
	win := fmt.Sprintf("@_rt.jit\ndef %s(%s):\n%s\n", window, strings.Join(params, ", "), reindent(body, indent, "    "))

	// The driver. Blocks of h steps; per block one parallel region, a band per thread,
	// reading the arrays as they were before the block and writing the rows it owns into
	// the other of two buffers (a band's neighbours still read the rows it would overwrite).
	var d strings.Builder
	line := func(depth int, format string, a ...any) {
		d.WriteString(indent + strings.Repeat("    ", depth) + fmt.Sprintf(format, a...) + "\n")
	}
	first := o.Windowed[0]
	var written []string
	for _, a := range o.Windowed {
		if o.Written[a] {
			written = append(written, a)
		}
	}
	line(0, "%s = %s.shape[0]", v("n0"), first)
	line(0, "%s, %s = %s, %s", v("ta"), v("tb"), tlo, thi)
	for k, sw := range sweeps {
		line(0, "%s, %s = %s, %s", v(fmt.Sprintf("x%d", k)), v(fmt.Sprintf("y%d", k)), sw.lo, sw.hi)
	}
	line(0, "%s = (%s + %s - 1) // %s", v("chunk"), v("n0"), nthreads, nthreads)
	if reach := before + after; reach > 0 {
		// h minimizes the model's time, regions cost region statement instances each and a
		// step of a band of c rows c + h * reach, and keeps a band's copy within three times
		// the rows it owns.
		line(0, "%s = max(1, min(%s - %s, int((%s / (%d * max(1, %s.size // max(1, %s)) * %d)) ** 0.5), (2 * %s) // %d))",
			v("h"), v("tb"), v("ta"), region, len(o.Sweeps), first, v("n0"), reach, v("chunk"), reach)
	} else {
		line(0, "%s = max(1, %s - %s)", v("h"), v("tb"), v("ta"))
	}
	for _, a := range written {
		line(0, "%s = _np.empty_like(%s)", v("d"+a), a)
	}
	line(0, "%s = 0", v("flip"))
	line(0, "for %s in range(%s, %s, %s):", v("t"), v("ta"), v("tb"), v("h"))
	line(1, "%s = min(%s + %s, %s)", v("t1"), v("t"), v("h"), v("tb"))
	line(1, "%s = %s - %s", v("s"), v("t1"), v("t"))
	line(1, "if %s == 0:", v("flip"))
	for _, a := range written {
		line(2, "%s = %s", v("s"+a), a)
		line(2, "%s = %s", v("o"+a), v("d"+a))
	}
	line(1, "else:")
	for _, a := range written {
		line(2, "%s = %s", v("s"+a), v("d"+a))
		line(2, "%s = %s", v("o"+a), a)
	}
	line(1, "for %s in _rt.prange(%s):", v("p"), nthreads)
	line(2, "%s = min(%s, %s * %s)", v("a"), v("n0"), v("p"), v("chunk"))
	line(2, "%s = min(%s, %s + %s)", v("b"), v("n0"), v("a"), v("chunk"))
	line(2, "if %s < %s:", v("a"), v("b"))
	line(3, "%s = max(0, %s - %s * %d)", v("L"), v("a"), v("s"), before)
	line(3, "%s = min(%s, %s + %s * %d)", v("R"), v("n0"), v("b"), v("s"), after)
	line(3, "%s = 0 if %s == 0 else 1", v("cl"), v("L"))
	line(3, "%s = 0 if %s == %s else 1", v("cr"), v("R"), v("n0"))
	for _, a := range o.Windowed {
		if o.Written[a] {
			line(3, "%s = %s[%s:%s].copy()", v("w"+a), v("s"+a), v("L"), v("R"))
		} else {
			line(3, "%s = %s[%s:%s]", v("w"+a), a, v("L"), v("R"))
		}
	}
	line(3, "%s(%s)", window, strings.Join(args, ", "))
	for _, a := range written {
		line(3, "%s[%s:%s] = %s[%s - %s:%s - %s]", v("o"+a), v("a"), v("b"), v("w"+a), v("a"), v("L"), v("b"), v("L"))
	}
	line(1, "%s = 1 - %s", v("flip"), v("flip"))
	line(0, "if %s == 1:", v("flip"))
	for _, a := range written {
		line(1, "%s[:] = %s", a, v("d"+a))
	}
	return &overlapped{driver: strings.TrimRight(d.String(), "\n"), window: win}, nil
}

// iterLeaks reports that the function reads a loop variable of the nest f outside it.
func iterLeaks(body []pyast.Stmt, f *pyast.For) bool {
	leak := false
	pyast.Inspect(f, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.For); ok {
			if t, ok := g.Target.(*pyast.Name); ok && leaks(body, f.Pos(), f.End(), t.Id) {
				leak = true
			}
		}
		return !leak
	})
	return leak
}
