package polyopt

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// DepKind is flow (read after write), anti (write after read) or output (write after write).
type DepKind string

const (
	Flow   DepKind = "flow"
	Anti   DepKind = "anti"
	Output DepKind = "output"
)

// Dependence is a set of pairs of statement instances that must keep their order: isl's
// dataflow answer for one array and one pair of statements.
type Dependence struct {
	Kind     DepKind
	Array    string
	From, To string // statement names
	Relation string // isl map from source instances to sink instances
	// Reduction marks the dependences of a reduction statement on itself through its target:
	// they order only the association of an associative update.
	Reduction bool
	// Value is, for such a dependence, the part of Relation that goes through another read of
	// the target array (A[i] = A[i - 2] + A[i]): it orders values, as any other dependence
	// does. Empty when there is none.
	Value string
}

func (d Dependence) String() string {
	return fmt.Sprintf("%s %s %s -> %s", d.Kind, d.Array, d.From, d.To)
}

// Analysis is what Analyze found out about a SCoP.
type Analysis struct {
	Deps []Dependence
	// OutOfBounds lists accesses not proven inside their array for every parameter value the
	// context admits; Python would wrap a negative index around, so they are not optimized.
	OutOfBounds []string
	// NonEmpty says the accesses are in bounds only when every array extent is at least 1:
	// the guard must check that.
	NonEmpty bool
	// ZeroDivisors lists divisors with loop indices that may be 0 inside their statement's
	// domain, where Python raises and the variants do not: the SCoP is not optimized.
	ZeroDivisors []string
	// NonZero are divisors of parameters only that may be 0: the guard checks they are not.
	NonZero []Affine
	// NonZeroText are the guard's conditions that other divisors are not 0, in Python.
	NonZeroText []string
	// ExposedReads names, per array, the statements with a read whose value may come from
	// before the SCoP (no write inside it reaches the read).
	ExposedReads map[string]map[string]bool
}

// AnalyzeOps bounds the isl operations of one Analyze call. The PolyBench kernels need far
// fewer.
var AnalyzeOps uint64 = 10_000_000

// Analyze computes the dependences of a SCoP with isl and marks, for each loop, whether it is
// parallel, a reduction, or carries dependences (and which).
func Analyze(ctx *isl.Context, s *SCoP) (*Analysis, error) {
	a := &Analysis{ExposedReads: map[string]map[string]bool{}}
	// Dataflow over many statements with disjunctive guards and strided loops can run isl
	// for hours (difffuzz found one); past the bound the SCoP is left alone with the error.
	ctx.ResetOperations()
	ctx.SetMaxOperations(AnalyzeOps)
	defer ctx.SetMaxOperations(0)
	err := withScope(ctx, func(sc *scope) error {
		sched, err := sc.unionMap(stmtStrings(s, func(st *Stmt) []string { return []string{st.Schedule} }))
		if err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		domain, err := sc.unionSet(stmtStrings(s, func(st *Stmt) []string { return []string{st.Domain} }))
		if err != nil {
			return fmt.Errorf("domain: %w", err)
		}
		ctxSet, err := sc.set(s.Context)
		if err != nil {
			return fmt.Errorf("context: %w", err)
		}
		if a.OutOfBounds, err = checkBounds(sc, s, domain, ctxSet); err != nil {
			return err
		}
		if len(a.OutOfBounds) > 0 {
			// Code like y[0] = x[0] is in bounds for every non-empty array: assume that,
			// and let the guard check it.
			nonEmpty, err := sc.set(nonEmptyContext(s))
			if err != nil {
				return fmt.Errorf("context: %w", err)
			}
			oob, err := checkBounds(sc, s, domain, nonEmpty)
			if err != nil {
				return err
			}
			if len(oob) == 0 {
				a.OutOfBounds, a.NonEmpty = nil, true
			}
		}
		if a.ZeroDivisors, a.NonZero, a.NonZeroText, err = zeroDivisors(sc, s); err != nil {
			return err
		}
		for _, arr := range sortedArrays(s) {
			if err := dependencesOn(sc, s, arr, sched, domain, ctxSet, a); err != nil {
				return fmt.Errorf("dependences on %s: %w", arr, err)
			}
		}
		if err := markLoops(sc, s, a, sched); err != nil {
			return err
		}
		sequentialAroundChecks(s)
		dims := 0
		for _, st := range s.Stmts {
			dims = max(dims, 2*len(st.Iters)+1)
		}
		if err := reorderLoops(sc, s, a, sched, dims); err != nil {
			return err
		}
		// What only the Numba variants' prange loops need comes last, with a bound of its
		// own: where isl runs out of it, no split and no prange where a scalar is written,
		// never the SCoP's other variants.
		ctx.ResetOperations()
		_ = markSharedScalars(sc, s, a, sched, dims)
		if err := splitLoops(sc, s, a, sched, dims); err != nil {
			for _, l := range s.Loops {
				l.SplitAt = ""
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Func, err)
	}
	return a, nil
}

func sortedArrays(s *SCoP) []string {
	var names []string
	for n := range s.Arrays {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func stmtStrings(s *SCoP, f func(*Stmt) []string) []string {
	var out []string
	for _, st := range s.Stmts {
		out = append(out, f(st)...)
	}
	return out
}

// accessesOf returns the read or write relations of every statement on one array.
func accessesOf(s *SCoP, array string, writes bool) []string {
	return stmtStrings(s, func(st *Stmt) []string {
		list := st.Reads
		if writes {
			list = st.Writes
		}
		var out []string
		for _, acc := range list {
			if acc.Array == array {
				out = append(out, acc.Relation)
			}
		}
		return out
	})
}

func dependencesOn(sc *scope, s *SCoP, array string, sched *isl.UnionMap, domain *isl.UnionSet, ctxSet *isl.Set, a *Analysis) error {
	reads, err := sc.unionMap(accessesOf(s, array, false))
	if err != nil {
		return err
	}
	writes, err := sc.unionMap(accessesOf(s, array, true))
	if err != nil {
		return err
	}
	if reads, err = sc.keepUM(reads.IntersectDomain(domain)); err != nil {
		return err
	}
	if writes, err = sc.keepUM(writes.IntersectDomain(domain)); err != nil {
		return err
	}
	kinds := []struct {
		kind         DepKind
		sink, source *isl.UnionMap
		must         bool
	}{
		{Flow, reads, writes, true},
		{Anti, writes, reads, false},
		{Output, writes, writes, true},
	}
	for _, k := range kinds {
		info, err := sc.ctx.NewAccessInfo(k.sink)
		if err != nil {
			return err
		}
		if k.must {
			err = info.SetMustSource(k.source)
		} else {
			err = info.SetMaySource(k.source)
		}
		if err == nil {
			err = info.SetScheduleMap(sched)
		}
		if err != nil {
			info.Free()
			return err
		}
		flow, err := info.ComputeFlow()
		info.Free()
		if err != nil {
			return err
		}
		if k.kind == Flow {
			if err := recordExposed(sc, flow, array, a); err != nil {
				flow.Free()
				return err
			}
		}
		var deps *isl.UnionMap
		if k.must {
			deps, err = sc.keepUM(flow.MustDependence())
			if err == nil {
				var may *isl.UnionMap
				if may, err = flow.MayDependence(); err == nil {
					deps, err = sc.keepUM(deps.Union(may))
					may.Free()
				}
			}
		} else {
			deps, err = flow.MayDependence()
		}
		flow.Free()
		if err != nil {
			return err
		}
		if !k.must {
			sc.add(deps)
		}
		if deps, err = sc.keepUM(deps.IntersectParams(ctxSet)); err != nil {
			return err
		}
		if deps, err = sc.keepUM(deps.Coalesce()); err != nil {
			return err
		}
		maps, err := deps.Maps()
		if err != nil {
			return err
		}
		for _, m := range maps {
			sc.add(m)
			empty, err := m.IsEmpty()
			if err != nil {
				return err
			}
			if empty {
				continue
			}
			d := Dependence{Kind: k.kind, Array: array, From: m.TupleName(isl.DimIn),
				To: m.TupleName(isl.DimOut), Relation: m.String()}
			if d.From == d.To {
				if st := s.StmtByName(d.From); st != nil && st.Reduction != "" && st.Writes[0].Array == array {
					d.Reduction = true
					if d.Value, err = valueDeps(sc, st, domain); err != nil {
						return err
					}
				}
			}
			a.Deps = append(a.Deps, d)
		}
	}
	return nil
}

// markLoops decides for every loop whether a dependence is carried by it: two instances
// ordered by the dependence that are in the same iteration of every enclosing loop and in
// different iterations of this one.
func markLoops(sc *scope, s *SCoP, a *Analysis, sched *isl.UnionMap) error {
	dims := 0
	for _, st := range s.Stmts {
		dims = max(dims, 2*len(st.Iters)+1)
	}
	for _, l := range s.Loops {
		inside := map[string]bool{}
		for _, st := range l.Stmts {
			inside[st.Name] = true
		}
		carried, err := sc.umap(carriedAt(s, l, dims))
		if err != nil {
			return err
		}
		l.Parallel, l.Reduction, l.Anti, l.CarriedBy, l.Summed = true, false, false, nil, nil
		reduction, anti, other := false, false, false
		var summed []string // the reduction statements of the dependences carried
		// Arrays whose carried dependences are all anti or output are candidates for
		// expansion; fallback says how each of their dependences counts where they are not.
		expand := map[string]bool{}
		var fallback []func()
		isCarried := func(relation string) (bool, error) {
			dep, err := sc.unionMap([]string{relation})
			if err != nil {
				return false, err
			}
			times, err := inTime(sc, dep, sched)
			if err != nil {
				return false, err
			}
			if times, err = sc.keepUM(times.Intersect(carried)); err != nil {
				return false, err
			}
			empty, err := times.IsEmpty()
			return !empty, err
		}
		for _, d := range a.Deps {
			if !inside[d.From] || !inside[d.To] {
				continue
			}
			if c, err := isCarried(d.Relation); err != nil || !c {
				if err != nil {
					return err
				}
				continue
			}
			valueCarried := false
			if d.Reduction && d.Value != "" {
				if valueCarried, err = isCarried(d.Value); err != nil {
					return err
				}
			}
			switch {
			case privatizable(s, a, d, l):
				l.CarriedBy = append(l.CarriedBy, d.String()+" (private to each iteration)")
			case expansionCandidate(s, d):
				l.CarriedBy = append(l.CarriedBy, d.String())
				expand[d.Array] = true
				isReduction := d.Reduction && !valueCarried
				isAnti := forwardAnti(s, d)
				fallback = append(fallback, func() {
					if expand[d.Array] {
						return
					}
					switch {
					case isReduction:
						reduction = true
						summed = appendNew(summed, d.From)
					case isAnti:
						anti = true
					default:
						other = true
					}
				})
			case d.Reduction && !valueCarried:
				l.CarriedBy = append(l.CarriedBy, d.String())
				reduction = true
				summed = appendNew(summed, d.From)
			case forwardAnti(s, d):
				l.CarriedBy = append(l.CarriedBy, d.String())
				anti = true
			default:
				l.CarriedBy = append(l.CarriedBy, d.String())
				other = true
			}
		}
		// A flow dependence on a candidate carried by l rules it out (it is in CarriedBy:
		// dependencesOn lists each array's flow dependences first).
		for _, d := range a.Deps {
			if expand[d.Array] && d.Kind == Flow && carries(l.CarriedBy, d) {
				delete(expand, d.Array)
			}
		}
		// Expansion is tried only where it would leave a parallel loop.
		l.Expand = nil
		var found []Expansion
		for _, arr := range sortedKeys(expand) {
			if reduction || anti || other {
				break
			}
			over, err := expandable(sc, s, a, l, arr, sched, dims)
			if err != nil {
				return fmt.Errorf("expanding %s for loop %s: %w", arr, l.Iter, err)
			}
			if over == nil {
				delete(expand, arr)
				continue
			}
			found = append(found, Expansion{Array: arr, Over: over})
		}
		if len(expand) > 0 && !reduction && !anti && !other {
			for _, f := range fallback {
				f() // the arrays not expandable count as they did
			}
			if !reduction && !anti && !other {
				l.Expand = found
			}
		} else {
			clear(expand)
			for _, f := range fallback {
				f()
			}
		}
		l.Parallel = !reduction && !anti && !other && len(l.Expand) == 0
		l.Reduction = reduction && !anti && !other && len(l.Expand) == 0
		if l.Reduction {
			l.Summed = summed
		}
		l.Anti = anti && !other && len(l.Expand) == 0
	}
	return nil
}

// appendNew appends s to list unless list holds it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// forwardAnti reports an anti dependence on an array whose reads are in the same statement
// as its writes or in one before it in the source: statements are numbered in source order.
// A scalar is left out: whole-array code turns it into an array per point or a reduction
// target, and neither keeps the value a later iteration overwrote.
func forwardAnti(s *SCoP, d Dependence) bool {
	if d.Kind != Anti {
		return false
	}
	if arr := s.Arrays[d.Array]; arr == nil || arr.Scalar {
		return false
	}
	from, to := -1, -1
	for i, st := range s.Stmts {
		if st.Name == d.From {
			from = i
		}
		if st.Name == d.To {
			to = i
		}
	}
	return from >= 0 && to >= 0 && from <= to
}

// privatizable reports an anti or output dependence on a scalar that each iteration of l
// writes before it reads: no flow dependence on it crosses iterations of l, and no read of it
// inside l sees a value from before the SCoP. Each iteration can then have its own copy.
func privatizable(s *SCoP, a *Analysis, d Dependence, l *Loop) bool {
	arr := s.Arrays[d.Array]
	if arr == nil || !arr.Scalar || d.Kind == Flow {
		return false
	}
	// Flow dependences come first in a.Deps for each array, so any carried by l are in
	// l.CarriedBy already.
	for _, other := range a.Deps {
		if other.Array == d.Array && other.Kind == Flow && carries(l.CarriedBy, other) {
			return false
		}
	}
	for _, st := range l.Stmts {
		if a.ExposedReads[d.Array][st.Name] {
			return false
		}
	}
	return true
}

func carries(list []string, d Dependence) bool {
	// An entry is the dependence itself, or it followed by a note in parentheses: a bare
	// prefix test would take "S1 -> S12" for "S1 -> S1".
	want := d.String()
	for _, s := range list {
		if s == want || strings.HasPrefix(s, want+" (") {
			return true
		}
	}
	return false
}

// recordExposed notes the statements whose reads of array have no source in the SCoP.
func recordExposed(sc *scope, flow *isl.Flow, array string, a *Analysis) error {
	for _, get := range []func() (*isl.UnionMap, error){flow.MustNoSource, flow.MayNoSource} {
		u, err := sc.keepUM(get())
		if err != nil {
			return err
		}
		maps, err := u.Maps()
		if err != nil {
			return err
		}
		for _, m := range maps {
			sc.add(m)
			if empty, err := m.IsEmpty(); err != nil || empty {
				continue
			}
			if a.ExposedReads[array] == nil {
				a.ExposedReads[array] = map[string]bool{}
			}
			a.ExposedReads[array][m.TupleName(isl.DimIn)] = true
		}
	}
	return nil
}

// carriedAt is the relation between schedule points in the same iteration of every loop
// enclosing l, at l's position, and in an earlier iteration of l.
func carriedAt(s *SCoP, l *Loop, dims int) string {
	in := make([]string, dims)
	out := make([]string, dims)
	for i := range in {
		in[i], out[i] = fmt.Sprintf("t%d", i), fmt.Sprintf("u%d", i)
	}
	var cons []string
	for i := 0; i < l.SchedDim; i++ {
		if i%2 == 0 {
			p := l.SchedPre[i/2]
			cons = append(cons, fmt.Sprintf("t%d = %d", i, p), fmt.Sprintf("u%d = %d", i, p))
		} else {
			cons = append(cons, fmt.Sprintf("t%d = u%d", i, i))
		}
	}
	cons = append(cons, fmt.Sprintf("t%d < u%d", l.SchedDim, l.SchedDim))
	return s.paramPrefix() + "{ [" + strings.Join(in, ", ") + "] -> [" + strings.Join(out, ", ") +
		"] : " + strings.Join(cons, " and ") + " }"
}

// checkBounds lists the accesses that may fall outside their array.
func checkBounds(sc *scope, s *SCoP, domain *isl.UnionSet, ctxSet *isl.Set) ([]string, error) {
	var out []string
	for _, st := range s.Stmts {
		for _, acc := range append(append([]Access(nil), st.Reads...), st.Writes...) {
			arr := s.Arrays[acc.Array]
			if arr == nil || arr.Scalar {
				continue
			}
			idx := make([]string, len(arr.Extent))
			var cons []string
			for d, ext := range arr.Extent {
				idx[d] = fmt.Sprintf("x%d", d)
				cons = append(cons, fmt.Sprintf("0 <= x%d < %s", d, ext))
			}
			bounds := s.paramPrefix() + "{ " + acc.Array + "[" + strings.Join(idx, ", ") + "]"
			if len(cons) > 0 {
				bounds += " : " + strings.Join(cons, " and ")
			}
			bounds += " }"
			rel, err := sc.unionMap([]string{acc.Relation})
			if err != nil {
				return nil, err
			}
			if rel, err = sc.keepUM(rel.IntersectDomain(domain)); err != nil {
				return nil, err
			}
			if rel, err = sc.keepUM(rel.IntersectParams(ctxSet)); err != nil {
				return nil, err
			}
			touched, err := sc.keepUS(rel.Range())
			if err != nil {
				return nil, err
			}
			inside, err := sc.unionSet([]string{bounds})
			if err != nil {
				return nil, err
			}
			ok, err := touched.IsSubset(inside)
			if err != nil {
				return nil, err
			}
			if !ok {
				out = append(out, fmt.Sprintf("%s: %s", st.Name, acc.Relation))
			}
		}
	}
	return out, nil
}

// nonEmptyContext is the SCoP's context with every array extent at least 1.
func nonEmptyContext(s *SCoP) string {
	var cons []string
	for _, p := range s.Params {
		if strings.Contains(s.ParamSource[p], ".shape[") {
			cons = append(cons, p+" >= 1")
		}
	}
	if len(cons) == 0 {
		return s.Context
	}
	return s.paramPrefix() + "{ : " + strings.Join(cons, " and ") + " }"
}

// valueDeps returns the pairs of instances of an update statement ordered through another
// read of its target array, or "" when there are none: those order values, not the
// association of a reduction. A[i] = A[i - 2] + A[i] (difffuzz's mismatch_p1155) reads what
// an earlier instance wrote; A[2] = A[2] + A[j - 2] (mismatch_p3189) reads, at j = 4, the
// very element it accumulates into. B[i, j] += A[k, i] * B[k, j] (trmm) has pairs too, but
// only across iterations of i, which its k loop does not carry. The pairs are memory-based
// (any write and read of one element, in schedule order): a superset of the dataflow.
func valueDeps(sc *scope, st *Stmt, domain *isl.UnionSet) (string, error) {
	w0 := st.Writes[0]
	var others []string
	for _, r := range st.Reads {
		if r.Array == w0.Array && !sameIndex(r.Index, w0.Index) {
			others = append(others, r.Relation)
		}
	}
	if len(others) == 0 {
		return "", nil
	}
	w, err := sc.unionMap([]string{w0.Relation})
	if err != nil {
		return "", err
	}
	if w, err = sc.keepUM(w.IntersectDomain(domain)); err != nil {
		return "", err
	}
	r, err := sc.unionMap(others)
	if err != nil {
		return "", err
	}
	if r, err = sc.keepUM(r.IntersectDomain(domain)); err != nil {
		return "", err
	}
	rBack, err := sc.keepUM(r.Reverse())
	if err != nil {
		return "", err
	}
	wBack, err := sc.keepUM(w.Reverse())
	if err != nil {
		return "", err
	}
	flow, err := sc.keepUM(w.ApplyRange(rBack)) // x writes what y reads
	if err != nil {
		return "", err
	}
	anti, err := sc.keepUM(r.ApplyRange(wBack)) // x reads what y writes
	if err != nil {
		return "", err
	}
	pairs, err := sc.keepUM(flow.Union(anti))
	if err != nil {
		return "", err
	}
	own, err := sc.unionMap([]string{st.Schedule}) // the statement's own instances suffice
	if err != nil {
		return "", err
	}
	before, err := sc.keepUM(own.LexLt(own))
	if err != nil {
		return "", err
	}
	if pairs, err = sc.keepUM(pairs.Intersect(before)); err != nil {
		return "", err
	}
	if empty, err := pairs.IsEmpty(); err != nil || empty {
		return "", err
	}
	return pairs.String(), nil
}

// inTime maps a dependence's instance pairs to pairs of schedule times.
func inTime(sc *scope, dep, sched *isl.UnionMap) (*isl.UnionMap, error) {
	t, err := sc.keepUM(dep.ApplyDomain(sched))
	if err != nil {
		return nil, err
	}
	return sc.keepUM(t.ApplyRange(sched))
}
