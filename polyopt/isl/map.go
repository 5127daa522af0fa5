package isl

/*
#include <stdlib.h>
#include <isl/set.h>
#include <isl/map.h>
#include <isl/union_map.h>
*/
import "C"

import "unsafe"

// Map is a relation between integer tuples of two spaces, possibly
// parametric, such as "[N] -> { S[i] -> A[i + 1] : 0 <= i < N }".
type Map struct{ h *handle }

func (c *Context) wrapMap(p *C.isl_map, op string) (*Map, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	m := &Map{}
	m.h = track(c, m, kindMap, unsafe.Pointer(p))
	return m, nil
}

func (m *Map) c() *C.isl_map       { return (*C.isl_map)(m.h.ptr()) }
func (m *Map) take() *C.isl_map    { return C.isl_map_copy(m.c()) }
func (m *Map) ctx() *Context       { return m.h.ctx }
func (m *Map) with(o *Map) *Map    { sameCtx(m.h, o.h); return m }
func (m *Map) withSet(s *Set) *Map { sameCtx(m.h, s.h); return m }

// ParseMap reads a relation in isl notation.
func (c *Context) ParseMap(str string) (*Map, error) {
	cs := cString(str)
	defer C.free(unsafe.Pointer(cs))
	p := C.isl_map_read_from_str(c.ptr(), cs)
	if p == nil {
		return nil, c.parseError("ParseMap", func() error {
			again := C.isl_map_read_from_str(c.ptr(), cs)
			if again == nil {
				return c.lastError("ParseMap")
			}
			C.isl_map_free(again)
			return nil
		})
	}
	return c.wrapMap(p, "ParseMap")
}

// Free releases the map. Further use panics; a second Free does nothing.
func (m *Map) Free() { m.h.free() }

// Copy returns a second owner of the same map.
func (m *Map) Copy() *Map {
	r, err := m.ctx().wrapMap(m.take(), "Map.Copy")
	if err != nil {
		panic(err) // isl_map_copy only increments a counter
	}
	return r
}

// String prints the map in isl notation, which ParseMap reads back.
func (m *Map) String() string { return goString(C.isl_map_to_str(m.c())) }

// IsEmpty reports whether the relation has no pair for any parameter value.
func (m *Map) IsEmpty() (bool, error) {
	return m.ctx().boolResult(C.isl_map_is_empty(m.c()), "Map.IsEmpty")
}

// IsEqual reports whether the two relations have the same pairs.
func (m *Map) IsEqual(o *Map) (bool, error) {
	return m.with(o).ctx().boolResult(C.isl_map_is_equal(m.c(), o.c()), "Map.IsEqual")
}

// IsSubset reports whether every pair of m is in o.
func (m *Map) IsSubset(o *Map) (bool, error) {
	return m.with(o).ctx().boolResult(C.isl_map_is_subset(m.c(), o.c()), "Map.IsSubset")
}

// Intersect returns m ∩ o.
func (m *Map) Intersect(o *Map) (*Map, error) {
	return m.with(o).ctx().wrapMap(C.isl_map_intersect(m.take(), o.take()), "Map.Intersect")
}

// Union returns m ∪ o; both must live in the same space.
func (m *Map) Union(o *Map) (*Map, error) {
	return m.with(o).ctx().wrapMap(C.isl_map_union(m.take(), o.take()), "Map.Union")
}

// Subtract returns m \ o.
func (m *Map) Subtract(o *Map) (*Map, error) {
	return m.with(o).ctx().wrapMap(C.isl_map_subtract(m.take(), o.take()), "Map.Subtract")
}

// ApplyRange returns the composition o ∘ m: x -> z where x -m-> y -o-> z.
func (m *Map) ApplyRange(o *Map) (*Map, error) {
	return m.with(o).ctx().wrapMap(C.isl_map_apply_range(m.take(), o.take()), "Map.ApplyRange")
}

// ApplyDomain returns y -> z where x -m-> z and x -o-> y, that is, the
// domain of m mapped through o.
func (m *Map) ApplyDomain(o *Map) (*Map, error) {
	return m.with(o).ctx().wrapMap(C.isl_map_apply_domain(m.take(), o.take()), "Map.ApplyDomain")
}

// Reverse returns the inverse relation.
func (m *Map) Reverse() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_reverse(m.take()), "Map.Reverse")
}

// Domain returns the set of inputs that have an image.
func (m *Map) Domain() (*Set, error) {
	return m.ctx().wrapSet(C.isl_map_domain(m.take()), "Map.Domain")
}

// Range returns the set of images.
func (m *Map) Range() (*Set, error) {
	return m.ctx().wrapSet(C.isl_map_range(m.take()), "Map.Range")
}

// IntersectDomain restricts the inputs to s.
func (m *Map) IntersectDomain(s *Set) (*Map, error) {
	return m.withSet(s).ctx().wrapMap(C.isl_map_intersect_domain(m.take(), s.take()), "Map.IntersectDomain")
}

// IntersectRange restricts the outputs to s.
func (m *Map) IntersectRange(s *Set) (*Map, error) {
	return m.withSet(s).ctx().wrapMap(C.isl_map_intersect_range(m.take(), s.take()), "Map.IntersectRange")
}

// IntersectParams restricts the parameters to the parameter set params.
func (m *Map) IntersectParams(params *Set) (*Map, error) {
	return m.withSet(params).ctx().wrapMap(C.isl_map_intersect_params(m.take(), params.take()), "Map.IntersectParams")
}

// Gist simplifies m assuming context holds.
func (m *Map) Gist(context *Map) (*Map, error) {
	return m.with(context).ctx().wrapMap(C.isl_map_gist(m.take(), context.take()), "Map.Gist")
}

// GistDomain simplifies m assuming its inputs lie in context.
func (m *Map) GistDomain(context *Set) (*Map, error) {
	return m.withSet(context).ctx().wrapMap(C.isl_map_gist_domain(m.take(), context.take()), "Map.GistDomain")
}

// GistParams simplifies m assuming the parameters lie in context.
func (m *Map) GistParams(context *Set) (*Map, error) {
	return m.withSet(context).ctx().wrapMap(C.isl_map_gist_params(m.take(), context.take()), "Map.GistParams")
}

// Lexmin maps each input to its lexicographically smallest image.
func (m *Map) Lexmin() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_lexmin(m.take()), "Map.Lexmin")
}

// Lexmax maps each input to its lexicographically largest image.
func (m *Map) Lexmax() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_lexmax(m.take()), "Map.Lexmax")
}

// Coalesce merges the disjuncts of m where possible.
func (m *Map) Coalesce() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_coalesce(m.take()), "Map.Coalesce")
}

// DetectEqualities makes implicit equalities explicit.
func (m *Map) DetectEqualities() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_detect_equalities(m.take()), "Map.DetectEqualities")
}

// ProjectOut removes n dimensions of type t starting at first.
func (m *Map) ProjectOut(t DimType, first, n int) (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_project_out(m.take(), t.c(), C.uint(first), C.uint(n)), "Map.ProjectOut")
}

// Params returns the parameter values for which m is not empty.
func (m *Map) Params() (*Set, error) {
	return m.ctx().wrapSet(C.isl_map_params(m.take()), "Map.Params")
}

// Deltas returns the set of differences y - x for the pairs x -> y of m;
// domain and range must have the same shape. Applied to a dependence
// relation in schedule space, it gives the dependence distances.
func (m *Map) Deltas() (*Set, error) {
	return m.ctx().wrapSet(C.isl_map_deltas(m.take()), "Map.Deltas")
}

// Sample returns a relation holding one pair of m, or an empty relation.
func (m *Map) Sample() (*Map, error) {
	return m.ctx().wrapMap(C.isl_map_from_basic_map(C.isl_map_sample(m.take())), "Map.Sample")
}

// ToUnion returns m as a UnionMap.
func (m *Map) ToUnion() (*UnionMap, error) {
	return m.ctx().wrapUnionMap(C.isl_union_map_from_map(m.take()), "Map.ToUnion")
}

// NumParams returns the number of parameters.
func (m *Map) NumParams() int { return int(C.isl_map_dim(m.c(), C.isl_dim_param)) }

// NumIn returns the number of input dimensions.
func (m *Map) NumIn() int { return int(C.isl_map_dim(m.c(), C.isl_dim_in)) }

// NumOut returns the number of output dimensions.
func (m *Map) NumOut() int { return int(C.isl_map_dim(m.c(), C.isl_dim_out)) }

// DimName returns the name of dimension pos of type t, or "" if unnamed.
func (m *Map) DimName(t DimType, pos int) string {
	if pos < 0 || pos >= int(C.isl_map_dim(m.c(), t.c())) {
		return "" // out of range: do not let isl record an error
	}
	return keptString(C.isl_map_get_dim_name(m.c(), t.c(), C.uint(pos)))
}

// TupleName returns the name of the input (DimIn) or output (DimOut) tuple.
func (m *Map) TupleName(t DimType) string {
	if t != DimIn && t != DimOut {
		return ""
	}
	return keptString(C.isl_map_get_tuple_name(m.c(), t.c()))
}
