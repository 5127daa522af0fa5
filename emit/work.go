package emit

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
)

// tripsExpr is a Python expression, over a function's parameters, of how many statement
// instances its SCoPs run: per statement the product of its loops' extents, summed. A loop
// whose bounds use outer iterators counts its widest extent (a triangle counts as its box).
// The dispatcher compares it with the largest array to tell products and stencils (many
// operations per element moved to a GPU) from matrix-vector products (one or two), which the
// product of shape symbols could not: gemm and atax both counted N * M. "" when a parameter
// is not readable at the call (a local's length) or a statement has no loop.
func tripsExpr(scops []*polyopt.SCoP, params map[string]bool) string {
	return trips(scops, params, false, nil)
}

// instancesExpr is tripsExpr with every statement counted: two statements of the same loops
// are twice the work (tripsExpr counts their loops once).
func instancesExpr(scops []*polyopt.SCoP, params map[string]bool) string {
	return trips(scops, params, true, nil)
}

// trips counts the statements keep admits (all for nil).
func trips(scops []*polyopt.SCoP, params map[string]bool, every bool, keep func(*polyopt.Stmt) bool) string {
	seen := map[string]int{}
	var terms []string
	for _, s := range scops {
		nm, ok := callNames(s, params)
		if !ok {
			return ""
		}
		for _, st := range s.Stmts {
			if len(st.Loops) == 0 || keep != nil && !keep(st) {
				continue
			}
			var factors []string
			for n, l := range st.Loops {
				ext, ok := widestExtent(st.Loops[:n], l)
				if !ok {
					return ""
				}
				if ext.IsConst() {
					if ext.Const > 1 {
						factors = append(factors, nm.aff(ext))
					}
					continue
				}
				factors = append(factors, "max(0, "+nm.aff(ext)+")")
			}
			term := "1"
			if len(factors) > 0 {
				term = strings.Join(factors, " * ")
			}
			if seen[term] == 0 {
				terms = append(terms, term)
			}
			seen[term]++
		}
	}
	if len(terms) == 0 {
		return ""
	}
	sort.Strings(terms)
	if every {
		for i, t := range terms {
			if k := seen[t]; k > 1 {
				terms[i] = fmt.Sprintf("%d * %s", k, t)
			}
		}
	}
	return strings.Join(terms, " + ")
}

// regionsExpr is a Python expression, over a function's parameters, of how many parallel
// regions a Numba variant starts: for each loop of pranged, the product of the extents of the
// loops around it (a prange inside a time loop starts one per time step). With tripsExpr it
// tells whether a region has work enough to pay for starting its threads. "" where tripsExpr
// would be, or a loop of pranged is in none of scops.
func regionsExpr(scops []*polyopt.SCoP, pranged []*polyopt.Loop, params map[string]bool) string {
	var terms []string
	for _, l := range pranged {
		term := ""
		for _, s := range scops {
			nm, ok := callNames(s, params)
			if !ok {
				return ""
			}
			for _, st := range s.Stmts {
				at := -1
				for n, sl := range st.Loops {
					if sl == l {
						at = n
					}
				}
				if at < 0 {
					continue
				}
				factors := []string{"1"}
				for n, o := range st.Loops[:at] {
					ext, ok := widestExtent(st.Loops[:n], o)
					if !ok {
						return ""
					}
					if ext.IsConst() {
						factors = append(factors, nm.aff(ext))
					} else {
						factors = append(factors, "max(0, "+nm.aff(ext)+")")
					}
				}
				term = strings.Join(factors, " * ")
				break
			}
			if term != "" {
				break
			}
		}
		if term == "" {
			return ""
		}
		terms = append(terms, strings.TrimPrefix(term, "1 * "))
	}
	if len(terms) == 0 {
		return ""
	}
	return strings.Join(terms, " + ")
}

// narrowTiledExpr is a Python condition, over a function's parameters, that the tiled
// wavefront of a band of two (polyopt.Wavefront.InnerTiled) over nest w of s pays: the nest
// runs _rt.NUMBA_TILED_WORK statement instances or more, on a grid of tiles
// _rt.NUMBA_TILED_DEPTH deep (the outer loop) and _rt.NUMBA_TILED_BREADTH wide (a statement's
// inner loop), at their widest. A wavefront of such tiles runs at most as many at once as
// the smaller of the two counts, and ends where the shorter dimension does: jacobi-1d's 2000
// steps over 500 points (two tiles wide) ran 2.9x slower tiled than the plain Numba variant
// on 16 cores, 50 steps over 20000 points (two tiles deep) 1.6x; 130 steps over 8000 points
// ran 1.5x faster. The grid comes first: a few comparisons that answer for the short calls
// (jacobi-1d at MEDIUM, 20 us), where the instance count's max() calls cost more. The
// band's first dimension is taken to be the outer loop's, as isl keeps it for the stencils
// and solves it finds. "" when an extent is not readable at the call or a loop is strided.
func narrowTiledExpr(s *polyopt.SCoP, w *polyopt.Wavefront, params map[string]bool) string {
	if len(w.Tile) != 2 {
		return ""
	}
	nm, ok := callNames(s, params)
	if !ok {
		return ""
	}
	extent := func(outer []*polyopt.Loop, l *polyopt.Loop) (string, bool) {
		ext, ok := widestExtent(outer, l)
		if !ok {
			return "", false
		}
		return nm.aff(ext), true
	}
	depth, ok := extent(nil, w.Loop)
	if !ok {
		return ""
	}
	seen := map[string]bool{}
	var widths []string
	for _, st := range s.Stmts {
		if len(st.Loops) != 2 || st.Loops[0] != w.Loop {
			continue
		}
		e, ok := extent(st.Loops[:1], st.Loops[1])
		if !ok {
			return ""
		}
		if !seen[e] {
			seen[e] = true
			widths = append(widths, e)
		}
	}
	if len(widths) == 0 {
		return ""
	}
	width := widths[0]
	if len(widths) > 1 {
		width = "max(" + strings.Join(widths, ", ") + ")"
	}
	inNest := func(st *polyopt.Stmt) bool { return st.Loops[0] == w.Loop }
	work := trips([]*polyopt.SCoP{s}, params, true, inNest)
	if work == "" {
		return ""
	}
	return fmt.Sprintf("%s >= %d * _rt.NUMBA_TILED_DEPTH and %s >= %d * _rt.NUMBA_TILED_BREADTH and %s >= _rt.NUMBA_TILED_WORK",
		depth, w.Tile[0], width, w.Tile[1], work)
}

// widestExtent is the largest trip count of loop l over the values its outer loops give
// their iterators, as an affine expression in the parameters: each outer iterator is replaced
// by its largest value where it adds to the extent and by its smallest where it takes away.
func widestExtent(outer []*polyopt.Loop, l *polyopt.Loop) (polyopt.Affine, bool) {
	hi, lo := l.Hi, l.Lo
	if l.Step < 0 {
		hi, lo = l.Lo, l.Hi
	} else if l.Step != 1 {
		return polyopt.Affine{}, false // strided: count it as its span over the step? rare
	}
	return bound(subAff(hi, lo), outer, true)
}

// bound replaces the iterators of outer in a (innermost first) by their largest values where
// up says the coefficient should grow a, by their smallest otherwise.
func bound(a polyopt.Affine, outer []*polyopt.Loop, up bool) (polyopt.Affine, bool) {
	for n := len(outer) - 1; n >= 0; n-- {
		o := outer[n]
		c := a.Coef[o.Iter]
		if c == 0 {
			continue
		}
		lo, hi := o.Lo, subAff(o.Hi, polyopt.Affine{Const: 1})
		if o.Step < 0 {
			lo, hi = addAff(o.Hi, polyopt.Affine{Const: 1}), o.Lo
		} else if o.Step != 1 {
			return polyopt.Affine{}, false
		}
		pick := hi
		if (c > 0) != up {
			pick = lo
		}
		rest := polyopt.Affine{Const: a.Const, Coef: map[string]int64{}}
		for v, k := range a.Coef {
			if v != o.Iter {
				rest.Coef[v] = k
			}
		}
		scaled := polyopt.Affine{Const: c * pick.Const, Coef: map[string]int64{}}
		for v, k := range pick.Coef {
			scaled.Coef[v] = c * k
		}
		a = addAff(rest, scaled)
	}
	for v := range a.Coef {
		if a.Coef[v] == 0 {
			delete(a.Coef, v)
		}
	}
	return a, true
}

var identifierRE = regexp.MustCompile(`\.?[A-Za-z_][A-Za-z_0-9]*`)

// readableAtCall reports a parameter source that reads only the function's parameters (and
// attributes of them, and len).
func readableAtCall(src string, params map[string]bool) bool {
	for _, id := range identifierRE.FindAllString(src, -1) {
		if strings.HasPrefix(id, ".") || id == "len" {
			continue
		}
		if !params[id] {
			return false
		}
	}
	return true
}

// callNames renders the SCoP's parameters as Python the dispatcher can evaluate from the
// function's parameters; false when one is not readable at the call (a local's length).
func callNames(s *polyopt.SCoP, params map[string]bool) (*names, bool) {
	nm := &names{params: map[string]string{}}
	for p, src := range s.ParamSource {
		if !readableAtCall(src, params) {
			return nil, false
		}
		nm.params[p] = callValue(src)
	}
	return nm, true
}

// callValue is a parameter's source as a Python int at the call: a shape or a len() is one
// already; a parameter may be a NumPy int64 (the guard admits it), whose arithmetic wraps
// around and warns where a Python int's grows, so it goes through int().
func callValue(src string) string {
	if strings.Contains(src, ".shape") || strings.HasPrefix(src, "len(") {
		return "(" + src + ")"
	}
	return "int(" + src + ")"
}

// overlapExpr is the dispatcher's test that a time loop run as overlapped bands pays
// (_rt.overlap_pays, whose model also picks the bands' depth in steps): the loop's steps,
// the rows of its windowed arrays and the elements of a row, at the call. "" when one is
// not readable at the call.
func overlapExpr(s *polyopt.SCoP, o *polyopt.Overlap, params map[string]bool) string {
	nm, ok := callNames(s, params)
	if !ok {
		return ""
	}
	steps, ok := widestExtent(nil, o.Loop)
	if !ok {
		return ""
	}
	a := s.Arrays[o.Windowed[0]]
	row := "1"
	if len(a.Extent) > 1 {
		var dims []string
		for _, e := range a.Extent[1:] {
			dims = append(dims, nm.aff(e))
		}
		row = strings.Join(dims, " * ")
	}
	before, after := o.Reach()
	return fmt.Sprintf("_rt.overlap_pays(%s, %s, %s, %d, %d)", nm.aff(steps), nm.aff(a.Extent[0]), row, len(o.Sweeps), before+after)
}
