package isl

/*
#include <stdlib.h>
#include <isl/set.h>
#include <isl/map.h>
#include <isl/union_set.h>
#include <isl/point.h>
#include <isl/space.h>
#include <isl/val.h>
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// DimType selects a kind of dimension of a Set or Map.
type DimType int

const (
	DimParam DimType = C.isl_dim_param // symbolic constants
	DimIn    DimType = C.isl_dim_in    // input (domain) dimensions of a Map
	DimOut   DimType = C.isl_dim_out   // output (range) dimensions of a Map
	DimSet   DimType = C.isl_dim_set   // dimensions of a Set; isl equates it with DimOut
)

func (t DimType) c() C.enum_isl_dim_type { return C.enum_isl_dim_type(t) }

// Set is a set of integer tuples in one space, possibly parametric, such as
// "[N] -> { S[i, j] : 0 <= i < N and 0 <= j <= i }".
type Set struct{ h *handle }

func (c *Context) wrapSet(p *C.isl_set, op string) (*Set, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	s := &Set{}
	s.h = track(c, s, kindSet, unsafe.Pointer(p))
	return s, nil
}

func (s *Set) c() *C.isl_set       { return (*C.isl_set)(s.h.ptr()) }
func (s *Set) take() *C.isl_set    { return C.isl_set_copy(s.c()) }
func (s *Set) ctx() *Context       { return s.h.ctx }
func (s *Set) with(o *Set) *Set    { sameCtx(s.h, o.h); return s }
func (s *Set) withMap(m *Map) *Set { sameCtx(s.h, m.h); return s }

// ParseSet reads a set in isl notation.
func (c *Context) ParseSet(str string) (*Set, error) {
	cs := cString(str)
	defer C.free(unsafe.Pointer(cs))
	p := C.isl_set_read_from_str(c.ptr(), cs)
	if p == nil {
		return nil, c.parseError("ParseSet", func() error {
			again := C.isl_set_read_from_str(c.ptr(), cs)
			if again == nil {
				return c.lastError("ParseSet")
			}
			C.isl_set_free(again)
			return nil
		})
	}
	return c.wrapSet(p, "ParseSet")
}

// Free releases the set. Further use panics; a second Free does nothing.
func (s *Set) Free() { s.h.free() }

// Copy returns a second owner of the same set.
func (s *Set) Copy() *Set {
	r, err := s.ctx().wrapSet(s.take(), "Set.Copy")
	if err != nil {
		panic(err) // isl_set_copy only increments a counter
	}
	return r
}

// String prints the set in isl notation, which ParseSet reads back.
func (s *Set) String() string { return goString(C.isl_set_to_str(s.c())) }

// IsEmpty reports whether the set has no element for any parameter value.
func (s *Set) IsEmpty() (bool, error) {
	return s.ctx().boolResult(C.isl_set_is_empty(s.c()), "Set.IsEmpty")
}

// IsEqual reports whether the two sets have the same elements.
func (s *Set) IsEqual(o *Set) (bool, error) {
	return s.with(o).ctx().boolResult(C.isl_set_is_equal(s.c(), o.c()), "Set.IsEqual")
}

// IsSubset reports whether every element of s is in o.
func (s *Set) IsSubset(o *Set) (bool, error) {
	return s.with(o).ctx().boolResult(C.isl_set_is_subset(s.c(), o.c()), "Set.IsSubset")
}

// Intersect returns s ∩ o.
func (s *Set) Intersect(o *Set) (*Set, error) {
	return s.with(o).ctx().wrapSet(C.isl_set_intersect(s.take(), o.take()), "Set.Intersect")
}

// Union returns s ∪ o; both must live in the same space.
func (s *Set) Union(o *Set) (*Set, error) {
	return s.with(o).ctx().wrapSet(C.isl_set_union(s.take(), o.take()), "Set.Union")
}

// Subtract returns s \ o.
func (s *Set) Subtract(o *Set) (*Set, error) {
	return s.with(o).ctx().wrapSet(C.isl_set_subtract(s.take(), o.take()), "Set.Subtract")
}

// Apply returns the image of s under m.
func (s *Set) Apply(m *Map) (*Set, error) {
	return s.withMap(m).ctx().wrapSet(C.isl_set_apply(s.take(), m.take()), "Set.Apply")
}

// IntersectParams restricts the parameters to the parameter set params.
func (s *Set) IntersectParams(params *Set) (*Set, error) {
	return s.with(params).ctx().wrapSet(C.isl_set_intersect_params(s.take(), params.take()), "Set.IntersectParams")
}

// Gist simplifies s assuming context holds: the result equals s inside
// context and has as few constraints as isl can manage.
func (s *Set) Gist(context *Set) (*Set, error) {
	return s.with(context).ctx().wrapSet(C.isl_set_gist(s.take(), context.take()), "Set.Gist")
}

// GistParams is Gist with a context on the parameters only.
func (s *Set) GistParams(context *Set) (*Set, error) {
	return s.with(context).ctx().wrapSet(C.isl_set_gist_params(s.take(), context.take()), "Set.GistParams")
}

// Lexmin returns the lexicographically smallest element, per parameter value.
func (s *Set) Lexmin() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_lexmin(s.take()), "Set.Lexmin")
}

// Lexmax returns the lexicographically largest element, per parameter value.
func (s *Set) Lexmax() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_lexmax(s.take()), "Set.Lexmax")
}

// Coalesce merges the disjuncts of s where possible.
func (s *Set) Coalesce() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_coalesce(s.take()), "Set.Coalesce")
}

// DetectEqualities makes implicit equalities explicit.
func (s *Set) DetectEqualities() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_detect_equalities(s.take()), "Set.DetectEqualities")
}

// ProjectOut removes n dimensions of type t starting at first, keeping
// their existential effect on the others.
func (s *Set) ProjectOut(t DimType, first, n int) (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_project_out(s.take(), t.c(), C.uint(first), C.uint(n)), "Set.ProjectOut")
}

// Params returns the parameter values for which s is not empty.
func (s *Set) Params() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_params(s.take()), "Set.Params")
}

// Sample returns a set holding one element of s, or an empty set if s is
// empty. Parameters are fixed to the values of that element.
func (s *Set) Sample() (*Set, error) {
	return s.ctx().wrapSet(C.isl_set_from_point(C.isl_set_sample_point(s.take())), "Set.Sample")
}

// SamplePoint returns one element of s with its parameter values; ok is
// false if s is empty.
func (s *Set) SamplePoint() (p Point, ok bool, err error) {
	return s.ctx().point(C.isl_set_sample_point(s.take()), "Set.SamplePoint")
}

// ToUnion returns s as a UnionSet.
func (s *Set) ToUnion() (*UnionSet, error) {
	return s.ctx().wrapUnionSet(C.isl_union_set_from_set(s.take()), "Set.ToUnion")
}

// NumParams returns the number of parameters.
func (s *Set) NumParams() int { return int(C.isl_set_dim(s.c(), C.isl_dim_param)) }

// NumDims returns the number of set dimensions.
func (s *Set) NumDims() int { return int(C.isl_set_dim(s.c(), C.isl_dim_set)) }

// DimName returns the name of dimension pos of type t, or "" if unnamed.
func (s *Set) DimName(t DimType, pos int) string {
	if pos < 0 || pos >= int(C.isl_set_dim(s.c(), t.c())) {
		return "" // out of range: do not let isl record an error
	}
	return keptString(C.isl_set_get_dim_name(s.c(), t.c(), C.uint(pos)))
}

// TupleName returns the name of the tuple, such as "S" in { S[i] }.
func (s *Set) TupleName() string { return keptString(C.isl_set_get_tuple_name(s.c())) }

// keptString copies a string that isl keeps ownership of.
func keptString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// Point is one element of a set together with the parameter values for
// which it was found, copied out of isl.
type Point struct {
	Tuple      string   // tuple name, "" if anonymous
	ParamNames []string // parameter names, in order
	Params     []int64  // parameter values
	Coords     []int64  // set coordinates
}

// point converts an isl_point (which it consumes) to a Point.
func (c *Context) point(p *C.isl_point, op string) (Point, bool, error) {
	if p == nil {
		return Point{}, false, c.lastError(op)
	}
	defer C.isl_point_free(p)
	void, err := c.boolResult(C.isl_point_is_void(p), op)
	if err != nil || void {
		return Point{}, false, err
	}
	sp := C.isl_point_get_space(p)
	defer C.isl_space_free(sp)
	var pt Point
	pt.Tuple = keptString(C.isl_space_get_tuple_name(sp, C.isl_dim_set))
	np := int(C.isl_space_dim(sp, C.isl_dim_param))
	nd := int(C.isl_space_dim(sp, C.isl_dim_set))
	for i := 0; i < np; i++ {
		pt.ParamNames = append(pt.ParamNames, keptString(C.isl_space_get_dim_name(sp, C.isl_dim_param, C.uint(i))))
		v, err := c.valInt(C.isl_point_get_coordinate_val(p, C.isl_dim_param, C.int(i)), op)
		if err != nil {
			return Point{}, false, err
		}
		pt.Params = append(pt.Params, v)
	}
	for i := 0; i < nd; i++ {
		v, err := c.valInt(C.isl_point_get_coordinate_val(p, C.isl_dim_set, C.int(i)), op)
		if err != nil {
			return Point{}, false, err
		}
		pt.Coords = append(pt.Coords, v)
	}
	return pt, true, nil
}

// valInt converts an isl_val (which it consumes) holding an integer to
// int64. isl values are unbounded, so large ones are an error rather than
// silently truncated.
func (c *Context) valInt(v *C.isl_val, op string) (int64, error) {
	if v == nil {
		return 0, c.lastError(op)
	}
	defer C.isl_val_free(v)
	if C.isl_val_is_int(v) != C.isl_bool_true {
		return 0, &Error{Op: op, Code: ErrInvalid, Msg: "value is not an integer"}
	}
	str := goString(C.isl_val_to_str(v))
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil {
		return 0, &Error{Op: op, Code: ErrUnsupported, Msg: "integer " + str + " does not fit in int64"}
	}
	return n, nil
}
