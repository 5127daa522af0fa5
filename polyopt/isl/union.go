package isl

/*
#include <stdlib.h>
#include <isl/set.h>
#include <isl/map.h>
#include <isl/union_set.h>
#include <isl/union_map.h>
*/
import "C"

import "unsafe"

// UnionSet is a union of sets that may live in different spaces, such as
// the iteration domains of all statements: "{ S[i] : 0 <= i < 10; T[i, j] : ... }".
type UnionSet struct{ h *handle }

// UnionMap is a union of relations between possibly different spaces, such
// as all access relations or all dependences of a program.
type UnionMap struct{ h *handle }

func (c *Context) wrapUnionSet(p *C.isl_union_set, op string) (*UnionSet, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	u := &UnionSet{}
	u.h = track(c, u, kindUnionSet, unsafe.Pointer(p))
	return u, nil
}

func (c *Context) wrapUnionMap(p *C.isl_union_map, op string) (*UnionMap, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	u := &UnionMap{}
	u.h = track(c, u, kindUnionMap, unsafe.Pointer(p))
	return u, nil
}

func (u *UnionSet) c() *C.isl_union_set    { return (*C.isl_union_set)(u.h.ptr()) }
func (u *UnionSet) take() *C.isl_union_set { return C.isl_union_set_copy(u.c()) }
func (u *UnionSet) ctx() *Context          { return u.h.ctx }
func (u *UnionSet) with(o *UnionSet) *UnionSet {
	sameCtx(u.h, o.h)
	return u
}

func (u *UnionMap) c() *C.isl_union_map    { return (*C.isl_union_map)(u.h.ptr()) }
func (u *UnionMap) take() *C.isl_union_map { return C.isl_union_map_copy(u.c()) }
func (u *UnionMap) ctx() *Context          { return u.h.ctx }
func (u *UnionMap) with(o *UnionMap) *UnionMap {
	sameCtx(u.h, o.h)
	return u
}

// check panics unless every handle belongs to the context of h.
func check(h *handle, others ...*handle) {
	for _, o := range others {
		sameCtx(h, o)
	}
}

// owns panics unless every handle belongs to c.
func (c *Context) owns(hs ...*handle) {
	for _, h := range hs {
		if h.ctx != c {
			panic("isl: object from a different context")
		}
	}
}

// ---- UnionSet ----

// ParseUnionSet reads a union set in isl notation.
func (c *Context) ParseUnionSet(str string) (*UnionSet, error) {
	cs := cString(str)
	defer C.free(unsafe.Pointer(cs))
	p := C.isl_union_set_read_from_str(c.ptr(), cs)
	if p == nil {
		return nil, c.parseError("ParseUnionSet", func() error {
			again := C.isl_union_set_read_from_str(c.ptr(), cs)
			if again == nil {
				return c.lastError("ParseUnionSet")
			}
			C.isl_union_set_free(again)
			return nil
		})
	}
	return c.wrapUnionSet(p, "ParseUnionSet")
}

// Free releases the union set. Further use panics; a second Free does nothing.
func (u *UnionSet) Free() { u.h.free() }

// Copy returns a second owner of the same union set.
func (u *UnionSet) Copy() *UnionSet {
	r, err := u.ctx().wrapUnionSet(u.take(), "UnionSet.Copy")
	if err != nil {
		panic(err)
	}
	return r
}

// String prints the union set in isl notation.
func (u *UnionSet) String() string { return goString(C.isl_union_set_to_str(u.c())) }

// IsEmpty reports whether the union set has no element.
func (u *UnionSet) IsEmpty() (bool, error) {
	return u.ctx().boolResult(C.isl_union_set_is_empty(u.c()), "UnionSet.IsEmpty")
}

// IsEqual reports whether the two union sets have the same elements.
func (u *UnionSet) IsEqual(o *UnionSet) (bool, error) {
	return u.with(o).ctx().boolResult(C.isl_union_set_is_equal(u.c(), o.c()), "UnionSet.IsEqual")
}

// IsSubset reports whether every element of u is in o.
func (u *UnionSet) IsSubset(o *UnionSet) (bool, error) {
	return u.with(o).ctx().boolResult(C.isl_union_set_is_subset(u.c(), o.c()), "UnionSet.IsSubset")
}

// Intersect returns u ∩ o.
func (u *UnionSet) Intersect(o *UnionSet) (*UnionSet, error) {
	return u.with(o).ctx().wrapUnionSet(C.isl_union_set_intersect(u.take(), o.take()), "UnionSet.Intersect")
}

// Union returns u ∪ o.
func (u *UnionSet) Union(o *UnionSet) (*UnionSet, error) {
	return u.with(o).ctx().wrapUnionSet(C.isl_union_set_union(u.take(), o.take()), "UnionSet.Union")
}

// Subtract returns u \ o.
func (u *UnionSet) Subtract(o *UnionSet) (*UnionSet, error) {
	return u.with(o).ctx().wrapUnionSet(C.isl_union_set_subtract(u.take(), o.take()), "UnionSet.Subtract")
}

// Apply returns the image of u under m.
func (u *UnionSet) Apply(m *UnionMap) (*UnionSet, error) {
	check(u.h, m.h)
	return u.ctx().wrapUnionSet(C.isl_union_set_apply(u.take(), m.take()), "UnionSet.Apply")
}

// IntersectParams restricts the parameters to the parameter set params.
func (u *UnionSet) IntersectParams(params *Set) (*UnionSet, error) {
	check(u.h, params.h)
	return u.ctx().wrapUnionSet(C.isl_union_set_intersect_params(u.take(), params.take()), "UnionSet.IntersectParams")
}

// Gist simplifies u assuming context holds.
func (u *UnionSet) Gist(context *UnionSet) (*UnionSet, error) {
	return u.with(context).ctx().wrapUnionSet(C.isl_union_set_gist(u.take(), context.take()), "UnionSet.Gist")
}

// GistParams simplifies u assuming the parameters lie in context.
func (u *UnionSet) GistParams(context *Set) (*UnionSet, error) {
	check(u.h, context.h)
	return u.ctx().wrapUnionSet(C.isl_union_set_gist_params(u.take(), context.take()), "UnionSet.GistParams")
}

// Lexmin returns the lexicographically smallest element of each space.
func (u *UnionSet) Lexmin() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_lexmin(u.take()), "UnionSet.Lexmin")
}

// Lexmax returns the lexicographically largest element of each space.
func (u *UnionSet) Lexmax() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_lexmax(u.take()), "UnionSet.Lexmax")
}

// Coalesce merges disjuncts where possible.
func (u *UnionSet) Coalesce() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_coalesce(u.take()), "UnionSet.Coalesce")
}

// DetectEqualities makes implicit equalities explicit.
func (u *UnionSet) DetectEqualities() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_detect_equalities(u.take()), "UnionSet.DetectEqualities")
}

// ProjectOutParams removes n parameters starting at first. isl only
// projects parameters out of unions, since the other dimensions differ
// from space to space.
func (u *UnionSet) ProjectOutParams(first, n int) (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_project_out(u.take(), C.isl_dim_param, C.uint(first), C.uint(n)), "UnionSet.ProjectOutParams")
}

// ProjectOutAllParams removes every parameter.
func (u *UnionSet) ProjectOutAllParams() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_project_out_all_params(u.take()), "UnionSet.ProjectOutAllParams")
}

// Params returns the parameter values for which u is not empty.
func (u *UnionSet) Params() (*Set, error) {
	return u.ctx().wrapSet(C.isl_union_set_params(u.take()), "UnionSet.Params")
}

// Universe returns, for each space of u, every tuple of that space.
func (u *UnionSet) Universe() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_set_universe(u.take()), "UnionSet.Universe")
}

// Identity returns { x -> x : x in u }.
func (u *UnionSet) Identity() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_set_identity(u.take()), "UnionSet.Identity")
}

// Sample returns a set holding one element of u. It is an error if u is
// empty, since an empty result would have no space to live in.
func (u *UnionSet) Sample() (*Set, error) {
	const op = "UnionSet.Sample"
	if empty, err := u.IsEmpty(); err != nil || empty {
		return nil, emptyUnion(op, err)
	}
	return u.ctx().wrapSet(C.isl_set_from_point(C.isl_union_set_sample_point(u.take())), op)
}

// emptyUnion is the error of sampling an empty union, or err if the
// emptiness test itself failed.
func emptyUnion(op string, err error) error {
	if err != nil {
		return err
	}
	return &Error{Op: op, Code: ErrInvalid, Msg: "empty union has no sample"}
}

// SamplePoint returns one element of u; ok is false if u is empty.
func (u *UnionSet) SamplePoint() (p Point, ok bool, err error) {
	return u.ctx().point(C.isl_union_set_sample_point(u.take()), "UnionSet.SamplePoint")
}

// NumSets returns the number of spaces in u.
func (u *UnionSet) NumSets() int { return int(C.isl_union_set_n_set(u.c())) }

// Sets returns the part of u in each space, in isl's order.
func (u *UnionSet) Sets() ([]*Set, error) {
	c := u.ctx()
	list := C.isl_union_set_get_set_list(u.c())
	if list == nil {
		return nil, c.lastError("UnionSet.Sets")
	}
	defer C.isl_set_list_free(list)
	n := int(C.isl_set_list_size(list))
	out := make([]*Set, 0, n)
	for i := 0; i < n; i++ {
		s, err := c.wrapSet(C.isl_set_list_get_at(list, C.int(i)), "UnionSet.Sets")
		if err != nil {
			freeAll(out)
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// AsSet returns u as a Set; u must live in a single space.
func (u *UnionSet) AsSet() (*Set, error) {
	return u.ctx().wrapSet(C.isl_set_from_union_set(u.take()), "UnionSet.AsSet")
}

// freeAll frees a slice of wrappers, used to undo partial results.
func freeAll[T interface{ Free() }](xs []T) {
	for _, x := range xs {
		x.Free()
	}
}

// ---- UnionMap ----

// ParseUnionMap reads a union map in isl notation.
func (c *Context) ParseUnionMap(str string) (*UnionMap, error) {
	cs := cString(str)
	defer C.free(unsafe.Pointer(cs))
	p := C.isl_union_map_read_from_str(c.ptr(), cs)
	if p == nil {
		return nil, c.parseError("ParseUnionMap", func() error {
			again := C.isl_union_map_read_from_str(c.ptr(), cs)
			if again == nil {
				return c.lastError("ParseUnionMap")
			}
			C.isl_union_map_free(again)
			return nil
		})
	}
	return c.wrapUnionMap(p, "ParseUnionMap")
}

// UnionMapFromDomainAndRange returns the product relation dom -> ran.
func (c *Context) UnionMapFromDomainAndRange(dom, ran *UnionSet) (*UnionMap, error) {
	c.owns(dom.h, ran.h)
	return c.wrapUnionMap(C.isl_union_map_from_domain_and_range(dom.take(), ran.take()), "UnionMapFromDomainAndRange")
}

// Free releases the union map. Further use panics; a second Free does nothing.
func (u *UnionMap) Free() { u.h.free() }

// Copy returns a second owner of the same union map.
func (u *UnionMap) Copy() *UnionMap {
	r, err := u.ctx().wrapUnionMap(u.take(), "UnionMap.Copy")
	if err != nil {
		panic(err)
	}
	return r
}

// String prints the union map in isl notation.
func (u *UnionMap) String() string { return goString(C.isl_union_map_to_str(u.c())) }

// IsEmpty reports whether the union map has no pair.
func (u *UnionMap) IsEmpty() (bool, error) {
	return u.ctx().boolResult(C.isl_union_map_is_empty(u.c()), "UnionMap.IsEmpty")
}

// IsEqual reports whether the two union maps have the same pairs.
func (u *UnionMap) IsEqual(o *UnionMap) (bool, error) {
	return u.with(o).ctx().boolResult(C.isl_union_map_is_equal(u.c(), o.c()), "UnionMap.IsEqual")
}

// IsSubset reports whether every pair of u is in o.
func (u *UnionMap) IsSubset(o *UnionMap) (bool, error) {
	return u.with(o).ctx().boolResult(C.isl_union_map_is_subset(u.c(), o.c()), "UnionMap.IsSubset")
}

// Intersect returns u ∩ o.
func (u *UnionMap) Intersect(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_intersect(u.take(), o.take()), "UnionMap.Intersect")
}

// Union returns u ∪ o.
func (u *UnionMap) Union(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_union(u.take(), o.take()), "UnionMap.Union")
}

// Subtract returns u \ o.
func (u *UnionMap) Subtract(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_subtract(u.take(), o.take()), "UnionMap.Subtract")
}

// ApplyRange returns the composition o ∘ u: x -> z where x -u-> y -o-> z.
func (u *UnionMap) ApplyRange(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_apply_range(u.take(), o.take()), "UnionMap.ApplyRange")
}

// ApplyDomain returns y -> z where x -u-> z and x -o-> y.
func (u *UnionMap) ApplyDomain(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_apply_domain(u.take(), o.take()), "UnionMap.ApplyDomain")
}

// Reverse returns the inverse relation.
func (u *UnionMap) Reverse() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_reverse(u.take()), "UnionMap.Reverse")
}

// Domain returns the inputs that have an image.
func (u *UnionMap) Domain() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_map_domain(u.take()), "UnionMap.Domain")
}

// Range returns the images.
func (u *UnionMap) Range() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_map_range(u.take()), "UnionMap.Range")
}

// IntersectDomain restricts the inputs to s.
func (u *UnionMap) IntersectDomain(s *UnionSet) (*UnionMap, error) {
	check(u.h, s.h)
	return u.ctx().wrapUnionMap(C.isl_union_map_intersect_domain(u.take(), s.take()), "UnionMap.IntersectDomain")
}

// IntersectRange restricts the outputs to s.
func (u *UnionMap) IntersectRange(s *UnionSet) (*UnionMap, error) {
	check(u.h, s.h)
	return u.ctx().wrapUnionMap(C.isl_union_map_intersect_range(u.take(), s.take()), "UnionMap.IntersectRange")
}

// IntersectParams restricts the parameters to the parameter set params.
func (u *UnionMap) IntersectParams(params *Set) (*UnionMap, error) {
	check(u.h, params.h)
	return u.ctx().wrapUnionMap(C.isl_union_map_intersect_params(u.take(), params.take()), "UnionMap.IntersectParams")
}

// Gist simplifies u assuming context holds.
func (u *UnionMap) Gist(context *UnionMap) (*UnionMap, error) {
	return u.with(context).ctx().wrapUnionMap(C.isl_union_map_gist(u.take(), context.take()), "UnionMap.Gist")
}

// GistDomain simplifies u assuming its inputs lie in context.
func (u *UnionMap) GistDomain(context *UnionSet) (*UnionMap, error) {
	check(u.h, context.h)
	return u.ctx().wrapUnionMap(C.isl_union_map_gist_domain(u.take(), context.take()), "UnionMap.GistDomain")
}

// GistParams simplifies u assuming the parameters lie in context.
func (u *UnionMap) GistParams(context *Set) (*UnionMap, error) {
	check(u.h, context.h)
	return u.ctx().wrapUnionMap(C.isl_union_map_gist_params(u.take(), context.take()), "UnionMap.GistParams")
}

// Lexmin maps each input to its lexicographically smallest image.
func (u *UnionMap) Lexmin() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_lexmin(u.take()), "UnionMap.Lexmin")
}

// Lexmax maps each input to its lexicographically largest image.
func (u *UnionMap) Lexmax() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_lexmax(u.take()), "UnionMap.Lexmax")
}

// Coalesce merges disjuncts where possible.
func (u *UnionMap) Coalesce() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_coalesce(u.take()), "UnionMap.Coalesce")
}

// DetectEqualities makes implicit equalities explicit.
func (u *UnionMap) DetectEqualities() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_detect_equalities(u.take()), "UnionMap.DetectEqualities")
}

// ProjectOutParams removes n parameters starting at first.
func (u *UnionMap) ProjectOutParams(first, n int) (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_project_out(u.take(), C.isl_dim_param, C.uint(first), C.uint(n)), "UnionMap.ProjectOutParams")
}

// ProjectOutAllParams removes every parameter.
func (u *UnionMap) ProjectOutAllParams() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_project_out_all_params(u.take()), "UnionMap.ProjectOutAllParams")
}

// Params returns the parameter values for which u is not empty.
func (u *UnionMap) Params() (*Set, error) {
	return u.ctx().wrapSet(C.isl_union_map_params(u.take()), "UnionMap.Params")
}

// Universe returns, for each pair of spaces of u, every pair of tuples.
func (u *UnionMap) Universe() (*UnionMap, error) {
	return u.ctx().wrapUnionMap(C.isl_union_map_universe(u.take()), "UnionMap.Universe")
}

// Deltas returns y - x for the pairs x -> y whose two spaces have the same
// shape; pairs between differently shaped spaces are dropped.
func (u *UnionMap) Deltas() (*UnionSet, error) {
	return u.ctx().wrapUnionSet(C.isl_union_map_deltas(u.take()), "UnionMap.Deltas")
}

// LexLt returns the pairs x -> y of domain elements of u and o such that
// u(x) is lexicographically smaller than o(y). With u = o = a schedule, it
// is the "happens before" relation of that schedule.
func (u *UnionMap) LexLt(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_lex_lt_union_map(u.take(), o.take()), "UnionMap.LexLt")
}

// LexLe is LexLt with "smaller or equal".
func (u *UnionMap) LexLe(o *UnionMap) (*UnionMap, error) {
	return u.with(o).ctx().wrapUnionMap(C.isl_union_map_lex_le_union_map(u.take(), o.take()), "UnionMap.LexLe")
}

// Sample returns a relation holding one pair of u. It is an error if u is
// empty, since an empty result would have no space to live in.
func (u *UnionMap) Sample() (*Map, error) {
	const op = "UnionMap.Sample"
	if empty, err := u.IsEmpty(); err != nil || empty {
		return nil, emptyUnion(op, err)
	}
	return u.ctx().wrapMap(C.isl_map_from_basic_map(C.isl_union_map_sample(u.take())), op)
}

// NumMaps returns the number of space pairs in u.
func (u *UnionMap) NumMaps() int { return int(C.isl_union_map_n_map(u.c())) }

// Maps returns the part of u in each pair of spaces, in isl's order.
func (u *UnionMap) Maps() ([]*Map, error) {
	c := u.ctx()
	list := C.isl_union_map_get_map_list(u.c())
	if list == nil {
		return nil, c.lastError("UnionMap.Maps")
	}
	defer C.isl_map_list_free(list)
	n := int(C.isl_map_list_size(list))
	out := make([]*Map, 0, n)
	for i := 0; i < n; i++ {
		m, err := c.wrapMap(C.isl_map_list_get_at(list, C.int(i)), "UnionMap.Maps")
		if err != nil {
			freeAll(out)
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// AsMap returns u as a Map; u must live in a single pair of spaces.
func (u *UnionMap) AsMap() (*Map, error) {
	return u.ctx().wrapMap(C.isl_map_from_union_map(u.take()), "UnionMap.AsMap")
}
