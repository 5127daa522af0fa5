package polyopt

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// A loop nest whose outermost loop carries a dependence (a time loop) has no loop that may
// run in parallel for its whole length, and a stencil swept once per time step streams its
// arrays through memory once per step. isl's scheduler finds an order in which the nest's
// statement instances form a permutable band (every dependence goes forward or stays in every
// band dimension): for seidel-2d's
//
//	for t in range(T):
//	    for i in range(1, n - 1):
//	        for j in range(1, n - 1):
//	            A[i, j] = (A[i - 1, j - 1] + ... + A[i + 1, j + 1]) / 9.0
//
// it is (t, t + i, 2t + i + j); for jacobi-2d's two statements (t, 2t + i, 2t + j) and
// (t, 2t + i + 1, 2t + j + 1). A permutable band may be cut into tiles (which keep data in
// cache across time steps), and the tiles on one anti-diagonal of the tile grid (a wavefront:
// the sum of the tile coordinates) depend only on tiles of earlier wavefronts, so they run in
// parallel. The schedule is
//
//	S[x] -> [w, T1, ..., Td-2, y0, ..., yd-2, p, yd-1, ...]   y = the band, Tk = floor(yk / Bk),
//	                                                          w = sum Tk, p = S's position
//
// followed by the rest of isl's schedule. The innermost band dimension is not tiled, and each
// statement gets its own innermost loop (p), where that is legal: that loop then runs like the
// original innermost loop, which LLVM vectorizes. isl proves that it respects every dependence and
// that T1 carries none within a wavefront, and generates its loops.
//
// A band of two (jacobi-1d: (t, 2t + i) and (t, 2t + i + 1)) is tiled in both dimensions,
//
//	S[x] -> [w, T1, y0, p, y1, ...]
//
// since tiling only the time loop would leave one tile per wavefront.

// Wavefront is a tiled wavefront schedule of a loop nest at the top level of a SCoP.
type Wavefront struct {
	Loop *Loop // the nest's outermost loop: its statement is what the schedule replaces
	// Band is isl's permutable band, statement instances to band coordinates (isl notation).
	Band string
	Tile []int64 // the tile size of each band dimension but the innermost (of both, in a band of two)
	// InnerTiled says that the innermost band dimension is tiled too (a band of two): its
	// loops then run over one tile's width, not over the statement's whole range.
	InnerTiled bool
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

// Wavefronts finds, for each loop nest at the top level of s whose outermost loop is not
// parallel, a permutable band of at least two dimensions with isl's scheduler, and returns its
// tiled wavefront schedule with the loops isl generates for it. tile gives the tile sizes of
// the outer d-1 dimensions of a band of d > 2, or of both dimensions of a band of two. Nests it
// cannot schedule are left out, with why.
func Wavefronts(ctx *isl.Context, s *SCoP, a *Analysis, tile func(depth int) []int64) ([]*Wavefront, []string) {
	var out []*Wavefront
	var why []string
	// A parallel outer loop runs with prange as written.
	for _, l := range s.sequentialNests() {
		deep := false
		for _, st := range l.Stmts {
			deep = deep || len(st.Iters) >= 2
		}
		if !deep {
			continue
		}
		if hasCheck(l.Stmts) {
			why = append(why, fmt.Sprintf("loop %s: it raises (a check), so it keeps its order", l.Iter))
			continue
		}
		ctx.ResetOperations()
		ctx.SetMaxOperations(AnalyzeOps)
		w, err := wavefront(ctx, s, a, l, tile)
		ctx.SetMaxOperations(0)
		if err != nil {
			why = append(why, fmt.Sprintf("loop %s: %v", l.Iter, err))
			continue
		}
		out = append(out, w)
	}
	return out, why
}

func wavefront(ctx *isl.Context, s *SCoP, a *Analysis, l *Loop, tileOf func(int) []int64) (*Wavefront, error) {
	in := map[string]bool{}
	for _, st := range l.Stmts {
		in[st.Name] = true
	}
	var deps, domains []string
	for _, dep := range a.Deps {
		// A dependence between the nest and the rest of the SCoP keeps its order: the nest
		// still runs as one statement, between the same neighbours.
		if in[dep.From] && in[dep.To] {
			deps = append(deps, dep.Relation)
		}
	}
	for _, st := range l.Stmts {
		domains = append(domains, st.Domain)
	}
	w := &Wavefront{Loop: l}
	err := withScope(ctx, func(sc *scope) error {
		dep, err := sc.unionMap(deps)
		if err != nil {
			return err
		}
		domain, err := sc.unionSet(domains)
		if err != nil {
			return err
		}
		params, err := sc.set(s.Context)
		if err != nil {
			return err
		}
		band, err := permutableBand(sc, domain, dep, params)
		if err != nil {
			return err
		}
		d, err := band.BandNumMembers()
		if err != nil {
			return err
		}
		partial, err := sc.keepUM(band.BandPartialSchedule())
		if err != nil {
			return err
		}
		w.Band = partial.String()
		// The innermost band dimension is not tiled where the band has three or more: its
		// loop then runs over the whole range of the statement's innermost loop, which
		// compiles as well as the original. A band of two (a 1-D stencil's time and space)
		// is tiled in both, or no wavefront would have two tiles to run at once: its
		// innermost loop then runs over one tile's width, still long enough to vectorize.
		nTiled := d - 1
		if d == 2 {
			// Only where the band holds every loop of the nest: below a band of two, each
			// tile would run whole inner loops (gramschmidt's over the rows) and its
			// wavefronts ran 4x slower than a prange over those loops.
			for _, st := range l.Stmts {
				if len(st.Iters) > 2 {
					return fmt.Errorf("isl's band has 2 dimensions and the nest is deeper; a wavefront of tiles needs 3")
				}
			}
			nTiled = 2
		}
		w.Tile = tileOf(d)
		if len(w.Tile) != nTiled {
			return fmt.Errorf("%d tile sizes for a band of %d", len(w.Tile), d)
		}
		// Tile loops count tiles, and point loops keep the band's own coordinates.
		if err := ctx.SetTileScaleTileLoops(false); err != nil {
			return err
		}
		if err := ctx.SetTileShiftPointLoops(false); err != nil {
			return err
		}
		w.InnerTiled = nTiled == d
		outer := band
		if nTiled < d {
			if outer, err = band.BandSplit(nTiled); err != nil {
				return err
			}
			sc.add(outer)
		}
		tiled, err := outer.BandTile(w.Tile)
		if err != nil {
			return err
		}
		sc.add(tiled)
		tiledSched, err := tiled.Schedule()
		if err != nil {
			return err
		}
		sc.add(tiledSched)
		flat, err := sc.keepUM(tiledSched.Map())
		if err != nil {
			return err
		}
		n, err := uniformOut(sc, flat)
		if err != nil {
			return err
		}
		// Two orders to try, the first that isl proves legal wins: with each statement's
		// innermost band dimension in a loop of its own (the loop then has no condition in
		// its body, and compiles to vector code), else all statements under one loop.
		var sched *isl.UnionMap
		var last error
		dims := n
		for _, split := range []bool{true, false} {
			dims = n
			if split {
				dims++
			}
			cand, err := wavefrontMap(sc, l.Stmts, flat, nTiled, nTiled+d-1, n, split)
			if err != nil {
				return err
			}
			if cand, err = sc.keepUM(cand.IntersectDomain(domain)); err != nil {
				return err
			}
			if last = checkWavefront(sc, dep, cand, dims); last == nil {
				sched = cand
				break
			}
		}
		if sched == nil {
			return last
		}
		w.Schedule = sched.String()
		n = dims
		build, err := ctx.NewASTBuild(params.Copy())
		if err != nil {
			return err
		}
		defer build.Free()
		iters := wavefrontIters(n)
		if err := build.SetIterators(iters); err != nil {
			return err
		}
		if w.AST, err = build.NodeFromScheduleMap(sched.Copy()); err != nil {
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

// wavefrontMap turns the tiled schedule flat (nt tile dimensions, then point dimensions, n
// in all) into the wavefront order: the sum of the tile coordinates first. With split, the
// statement's position among stmts comes before dimension inner (the innermost band
// dimension), so that each statement gets its own innermost loop.
func wavefrontMap(sc *scope, stmts []*Stmt, flat *isl.UnionMap, nt, inner, n int, split bool) (*isl.UnionMap, error) {
	x := make([]string, n)
	for i := range x {
		x[i] = fmt.Sprintf("x%d", i)
	}
	head := append([]string{strings.Join(x[:nt], " + ")}, x[1:inner]...)
	if !split {
		wave, err := sc.umap(fmt.Sprintf("{ [%s] -> [%s] }", strings.Join(x, ", "),
			strings.Join(append(head, x[inner:]...), ", ")))
		if err != nil {
			return nil, err
		}
		return sc.keepUM(flat.ApplyRange(wave))
	}
	out, err := sc.unionMap(nil)
	if err != nil {
		return nil, err
	}
	for p, st := range stmts {
		dom, err := sc.unionSet([]string{st.Domain})
		if err != nil {
			return nil, err
		}
		one, err := sc.keepUM(flat.IntersectDomain(dom))
		if err != nil {
			return nil, err
		}
		ys := append(append(append([]string(nil), head...), fmt.Sprint(p)), x[inner:]...)
		wave, err := sc.umap(fmt.Sprintf("{ [%s] -> [%s] }", strings.Join(x, ", "), strings.Join(ys, ", ")))
		if err != nil {
			return nil, err
		}
		if one, err = sc.keepUM(one.ApplyRange(wave)); err != nil {
			return nil, err
		}
		if out, err = sc.keepUM(out.Union(one)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// permutableBand runs isl's scheduler on the nest and returns the outermost band of its
// schedule when that band is permutable and has at least two members.
func permutableBand(sc *scope, domain *isl.UnionSet, dep *isl.UnionMap, params *isl.Set) (*isl.ScheduleNode, error) {
	cons, err := sc.ctx.NewScheduleConstraints(domain.Copy())
	if err != nil {
		return nil, err
	}
	sc.add(cons)
	if err := cons.SetContext(params.Copy()); err != nil {
		return nil, err
	}
	for _, set := range []func(*isl.UnionMap) error{cons.SetValidity, cons.SetProximity, cons.SetCoincidence} {
		if err := set(dep.Copy()); err != nil {
			return nil, err
		}
	}
	sched, err := cons.ComputeSchedule()
	if err != nil {
		return nil, err
	}
	sc.add(sched)
	root, err := sched.Root()
	if err != nil {
		return nil, err
	}
	sc.add(root)
	node := root
	for node.Type() != isl.NodeBand {
		if node.NumChildren() != 1 {
			return nil, fmt.Errorf("isl's schedule splits the nest before any band")
		}
		if node, err = node.Child(0); err != nil {
			return nil, err
		}
		sc.add(node)
	}
	members, err := node.BandNumMembers()
	if err != nil {
		return nil, err
	}
	permutable, err := node.BandPermutable()
	if err != nil {
		return nil, err
	}
	if !permutable || members < 2 {
		return nil, fmt.Errorf("isl's scheduler found no permutable band of two loops or more")
	}
	// With a parallel outer dimension, tiles need no wavefront: prange runs that loop.
	if coincident, err := node.BandMemberCoincident(0); err != nil || coincident {
		if err == nil {
			err = fmt.Errorf("the outer dimension of isl's band is parallel: prange needs no wavefront")
		}
		return nil, err
	}
	return node, nil
}

// uniformOut returns the number of time dimensions of a schedule map, which must be the same
// for every statement.
func uniformOut(sc *scope, m *isl.UnionMap) (int, error) {
	maps, err := m.Maps()
	if err != nil {
		return 0, err
	}
	n := -1
	for _, one := range maps {
		sc.add(one)
		if n >= 0 && one.NumOut() != n {
			return 0, fmt.Errorf("statements with schedules of %d and %d dimensions", n, one.NumOut())
		}
		n = one.NumOut()
	}
	if n < 2 {
		return 0, fmt.Errorf("a schedule of %d dimensions", n)
	}
	return n, nil
}

// checkWavefront proves that sched runs every dependence's source before its sink, and that
// within one wavefront (dimension 0) no dependence joins two tiles (dimension 1).
func checkWavefront(sc *scope, dep, sched *isl.UnionMap, n int) error {
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
	times, err := inTime(sc, dep, sched)
	if err != nil {
		return err
	}
	x, y := make([]string, n), make([]string, n)
	for i := range x {
		x[i], y[i] = fmt.Sprintf("x%d", i), fmt.Sprintf("y%d", i)
	}
	across, err := sc.umap(fmt.Sprintf("{ [%s] -> [%s] : y0 = x0 and y1 != x1 }",
		strings.Join(x, ", "), strings.Join(y, ", ")))
	if err != nil {
		return err
	}
	if times, err = sc.keepUM(times.Intersect(across)); err != nil {
		return err
	}
	if empty, err := times.IsEmpty(); err != nil || !empty {
		if err == nil {
			err = fmt.Errorf("tiles of one wavefront would depend on each other")
		}
		return err
	}
	return nil
}
