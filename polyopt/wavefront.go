package polyopt

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
)

// A loop nest in which every loop carries a dependence, like seidel-2d's
//
//	for t in range(T):
//	    for i in range(1, n - 1):
//	        for j in range(1, n - 1):
//	            A[i, j] = (A[i - 1, j - 1] + ... + A[i + 1, j + 1]) / 9.0
//
// has no loop that may run in parallel as written. Skewed, its iterations form a fully
// permutable band (every dependence goes forward or stays in every dimension): here
// (t, t + i, 2t + i + j). A permutable band may be cut into tiles, and tiles on one
// anti-diagonal of the tile grid (a wavefront: the sum of the tile coordinates) depend only on
// tiles of earlier wavefronts, so they run in parallel. The schedule is
//
//	S[x] -> [w, T1, ..., Td-1, y0, ..., yd-1, p]   y = Skew x, Tk = floor(yk / Bk), w = sum Tk
//
// with p the statement's position in the innermost body. isl proves it respects every
// dependence and that T1 carries none within a wavefront, and generates its loops.

// Wavefront is a tiled wavefront schedule of a perfect loop nest at the top level of a SCoP.
type Wavefront struct {
	Loop *Loop // the nest's outermost loop: its statement is what the schedule replaces
	// Skew gives each band dimension as integer multiples of the nest's iterators, outer first.
	Skew [][]int64
	Tile []int64 // the tile size of each band dimension
	// Schedule is the isl map from the nest's statement instances to their time vectors.
	Schedule string
	// AST runs the nest's statements in the order of Schedule. Its user nodes are calls
	// S(e0, e1, ...) giving the values of the statement's iterators; its identifiers other
	// than iterators are the SCoP's parameters.
	AST isl.Node
	// Parallel is the iterator of the AST's loops that carry no dependence: the tiles of one
	// wavefront.
	Parallel string
}

// wavefrontIters names the AST's iterators; the leading underscore keeps them apart from the
// user's names.
func wavefrontIters(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("_c%d", i)
	}
	return out
}

// Wavefronts finds, for each perfect loop nest at the top level of s in which no loop is
// parallel, the smallest skew that makes it a permutable band, and returns its tiled wavefront
// schedule with the loops isl generates for it. tile gives the tile size of each band
// dimension by nest depth (tile(3) for a three-loop nest). Nests it cannot schedule are left
// out, with why.
func Wavefronts(ctx *isl.Context, s *SCoP, a *Analysis, tile func(depth int) []int64) ([]*Wavefront, []string) {
	var out []*Wavefront
	var why []string
	for _, st := range s.Body {
		f, ok := st.(*pyast.For)
		if !ok {
			continue
		}
		nest, stmts, reason := perfectNest(s, f)
		if nest == nil {
			if reason != "" {
				why = append(why, reason)
			}
			continue
		}
		ctx.ResetOperations()
		ctx.SetMaxOperations(AnalyzeOps)
		w, err := wavefront(ctx, s, a, nest, stmts, tile(len(nest)))
		ctx.SetMaxOperations(0)
		if err != nil {
			why = append(why, fmt.Sprintf("loop %s: %v", nest[0].Iter, err))
			continue
		}
		out = append(out, w)
	}
	return out, why
}

// perfectNest returns the loops of the nest that starts at f and the statements of its
// innermost body, or why it is not a nest the wavefront applies to.
func perfectNest(s *SCoP, f *pyast.For) ([]*Loop, []*Stmt, string) {
	var nest []*Loop
	body := []pyast.Stmt{f}
	for len(body) == 1 {
		inner, ok := body[0].(*pyast.For)
		if !ok {
			break
		}
		var l *Loop
		for _, cand := range s.Loops {
			if cand.Node == inner {
				l = cand
			}
		}
		if l == nil || l.Unanalyzed {
			return nil, nil, "loop not analyzed"
		}
		if l.Parallel {
			return nil, nil, "" // the other variants run it in parallel as written
		}
		if l.Step != 1 {
			return nil, nil, fmt.Sprintf("loop %s: a step other than 1", l.Iter)
		}
		nest = append(nest, l)
		body = inner.Body
	}
	if len(nest) < 2 {
		return nil, nil, ""
	}
	if len(nest) > 4 {
		return nil, nil, fmt.Sprintf("loop %s: more than 4 nested loops", nest[0].Iter)
	}
	inner := nest[len(nest)-1]
	var stmts []*Stmt
	for _, b := range body {
		var found *Stmt
		for _, st := range inner.Stmts {
			if st.Node == b && len(st.Loops) == len(nest) {
				found = st
			}
		}
		if found == nil {
			return nil, nil, fmt.Sprintf("loop %s: its innermost body is not only statements of the nest", nest[0].Iter)
		}
		stmts = append(stmts, found)
	}
	if len(stmts) != len(inner.Stmts) {
		return nil, nil, fmt.Sprintf("loop %s: statements under conditions", nest[0].Iter)
	}
	return nest, stmts, ""
}

// skews lists the lower-triangular unimodular skews of a depth-d nest with small coefficients,
// fewest and smallest first, so the first permutable one changes the nest least.
func skews(d int) [][][]int64 {
	var slots [][2]int
	for k := 1; k < d; k++ {
		for m := 0; m < k; m++ {
			slots = append(slots, [2]int{k, m})
		}
	}
	maxCoef := int64(2)
	if d > 3 {
		maxCoef = 1 // 64 candidates at depth 4 rather than 729
	}
	var out [][][]int64
	coef := make([]int64, len(slots))
	for {
		m := make([][]int64, d)
		for k := range m {
			m[k] = make([]int64, d)
			m[k][k] = 1
		}
		for i, sl := range slots {
			m[sl[0]][sl[1]] = coef[i]
		}
		out = append(out, m)
		i := 0
		for ; i < len(coef); i++ {
			if coef[i] < maxCoef {
				coef[i]++
				break
			}
			coef[i] = 0
		}
		if i == len(coef) {
			break
		}
	}
	// Stable by the sum of the coefficients: the identity first, then one unit of skew...
	sum := func(m [][]int64) int64 {
		var t int64
		for k := range m {
			for j := 0; j < k; j++ {
				t += m[k][j]
			}
		}
		return t
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && sum(out[j]) < sum(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// combination prints sum_m coef[m] * iters[m].
func combination(coef []int64, iters []string) string {
	var terms []string
	for m, c := range coef {
		switch {
		case c == 0:
		case c == 1:
			terms = append(terms, iters[m])
		default:
			terms = append(terms, fmt.Sprintf("%d%s", c, iters[m]))
		}
	}
	if len(terms) == 0 {
		return "0"
	}
	return strings.Join(terms, " + ")
}

func wavefront(ctx *isl.Context, s *SCoP, a *Analysis, nest []*Loop, stmts []*Stmt, tile []int64) (*Wavefront, error) {
	d := len(nest)
	if len(tile) != d {
		return nil, fmt.Errorf("%d tile sizes for %d loops", len(tile), d)
	}
	in := map[string]bool{}
	for _, st := range stmts {
		in[st.Name] = true
	}
	var deps, domains []string
	for _, dep := range a.Deps {
		if in[dep.From] && in[dep.To] {
			deps = append(deps, dep.Relation)
		}
		// A dependence between the nest and the rest of the SCoP keeps its order: the nest
		// still runs as one statement, between the same neighbours.
	}
	for _, st := range stmts {
		domains = append(domains, st.Domain)
	}
	w := &Wavefront{Loop: nest[0], Tile: tile}
	err := withScope(ctx, func(sc *scope) error {
		dep, err := sc.unionMap(deps)
		if err != nil {
			return err
		}
		domain, err := sc.unionSet(domains)
		if err != nil {
			return err
		}
		var skew [][]int64
		for _, cand := range skews(d) {
			ok, err := permutable(sc, s, stmts, dep, cand)
			if err != nil {
				return err
			}
			if ok {
				skew = cand
				break
			}
		}
		if skew == nil {
			return fmt.Errorf("no skew with coefficients up to 2 makes the nest permutable")
		}
		w.Skew = skew
		w.Schedule = wavefrontSchedule(s, stmts, skew, tile)
		sched, err := sc.umap(w.Schedule)
		if err != nil {
			return err
		}
		if sched, err = sc.keepUM(sched.IntersectDomain(domain)); err != nil {
			return err
		}
		// The order: every dependence goes from an earlier time to a later one.
		before, err := sc.keepUM(sched.LexLt(sched))
		if err != nil {
			return err
		}
		if ok, err := dep.IsSubset(before); err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("the tiled schedule would reverse a dependence")
			}
			return err
		}
		// The parallelism: within one wavefront, no dependence joins different tiles.
		inTime, err := sc.keepUM(dep.ApplyDomain(sched))
		if err != nil {
			return err
		}
		if inTime, err = sc.keepUM(inTime.ApplyRange(sched)); err != nil {
			return err
		}
		n := 2*d + 1
		x, y := make([]string, n), make([]string, n)
		for i := range x {
			x[i], y[i] = fmt.Sprintf("x%d", i), fmt.Sprintf("y%d", i)
		}
		across, err := sc.umap(fmt.Sprintf("{ [%s] -> [%s] : y0 = x0 and y1 != x1 }",
			strings.Join(x, ", "), strings.Join(y, ", ")))
		if err != nil {
			return err
		}
		if inTime, err = sc.keepUM(inTime.Intersect(across)); err != nil {
			return err
		}
		if empty, err := inTime.IsEmpty(); err != nil || !empty {
			if err == nil {
				err = fmt.Errorf("tiles of one wavefront would depend on each other")
			}
			return err
		}
		params, err := sc.set(s.Context)
		if err != nil {
			return err
		}
		build, err := ctx.NewASTBuild(params.Copy())
		if err != nil {
			return err
		}
		defer build.Free()
		iters := wavefrontIters(n)
		if err := build.SetIterators(iters); err != nil {
			return err
		}
		if w.AST, err = build.NodeFromScheduleMap(sched); err != nil {
			return err
		}
		w.Parallel = iters[1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// permutable reports whether, under skew, every dependence of the nest goes forward or stays
// in every band dimension: then any tiling of the band keeps them.
func permutable(sc *scope, s *SCoP, stmts []*Stmt, dep *isl.UnionMap, skew [][]int64) (bool, error) {
	var parts []string
	for _, st := range stmts {
		ys := make([]string, len(skew))
		for k, row := range skew {
			ys[k] = combination(row, st.Iters)
		}
		parts = append(parts, fmt.Sprintf("%s[%s] -> [%s]", st.Name, strings.Join(st.Iters, ", "), strings.Join(ys, ", ")))
	}
	m, err := sc.umap(s.paramPrefix() + "{ " + strings.Join(parts, "; ") + " }")
	if err != nil {
		return false, err
	}
	moved, err := sc.keepUM(dep.ApplyDomain(m))
	if err != nil {
		return false, err
	}
	if moved, err = sc.keepUM(moved.ApplyRange(m)); err != nil {
		return false, err
	}
	deltas, err := sc.keepUS(moved.Deltas())
	if err != nil {
		return false, err
	}
	var dims, cons []string
	for k := range skew {
		dims = append(dims, fmt.Sprintf("y%d", k))
		cons = append(cons, fmt.Sprintf("y%d >= 0", k))
	}
	forward, err := sc.unionSet([]string{"{ [" + strings.Join(dims, ", ") + "] : " + strings.Join(cons, " and ") + " }"})
	if err != nil {
		return false, err
	}
	return deltas.IsSubset(forward)
}

// wavefrontSchedule writes the schedule map described at the top of this file.
func wavefrontSchedule(s *SCoP, stmts []*Stmt, skew [][]int64, tile []int64) string {
	var parts []string
	for p, st := range stmts {
		ys := make([]string, len(skew))
		tiles := make([]string, len(skew))
		for k, row := range skew {
			ys[k] = combination(row, st.Iters)
			tiles[k] = fmt.Sprintf("floor((%s)/%d)", ys[k], tile[k])
		}
		out := []string{strings.Join(tiles, " + ")}
		out = append(out, tiles[1:]...)
		out = append(out, ys...)
		out = append(out, fmt.Sprint(p))
		parts = append(parts, fmt.Sprintf("%s[%s] -> [%s]", st.Name, strings.Join(st.Iters, ", "), strings.Join(out, ", ")))
	}
	return s.paramPrefix() + "{ " + strings.Join(parts, "; ") + " }"
}
