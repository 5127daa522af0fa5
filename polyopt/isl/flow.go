package isl

/*
#include <isl/union_map.h>
#include <isl/schedule.h>
#include <isl/flow.h>
*/
import "C"

import "unsafe"

// AccessInfo collects the input of isl's dataflow analysis
// (isl_union_access_info): the sink accesses, the must and may source
// accesses, kills, and the schedule that orders them. Its setters change
// it in place; after a setter fails the AccessInfo is freed and unusable.
//
// Access relations map statement instances to array elements, such as
// "{ S[i] -> A[i] }". The dependences that ComputeFlow finds relate
// source instances to sink instances.
type AccessInfo struct{ h *handle }

// Flow is the result of dataflow analysis (isl_union_flow).
type Flow struct{ h *handle }

func (a *AccessInfo) c() *C.isl_union_access_info {
	return (*C.isl_union_access_info)(a.h.ptr())
}

func (f *Flow) c() *C.isl_union_flow { return (*C.isl_union_flow)(f.h.ptr()) }

// NewAccessInfo starts a dataflow problem whose sinks are the accesses in
// sink (typically the reads).
func (c *Context) NewAccessInfo(sink *UnionMap) (*AccessInfo, error) {
	c.owns(sink.h)
	p := C.isl_union_access_info_from_sink(sink.take())
	if p == nil {
		return nil, c.lastError("NewAccessInfo")
	}
	a := &AccessInfo{}
	a.h = track(c, a, kindAccessInfo, unsafe.Pointer(p))
	return a, nil
}

// Free releases the access info.
func (a *AccessInfo) Free() { a.h.free() }

// String prints the access info in isl's YAML-like notation.
func (a *AccessInfo) String() string {
	return goString(C.isl_union_access_info_to_str(a.c()))
}

// set applies one isl setter, which consumes the old access info.
func (a *AccessInfo) set(p *C.isl_union_access_info, op string) error {
	a.h.replace(unsafe.Pointer(p))
	if p == nil {
		return a.h.ctx.lastError(op)
	}
	return nil
}

// SetMustSource sets the accesses that certainly write (definite writes).
func (a *AccessInfo) SetMustSource(m *UnionMap) error {
	check(a.h, m.h)
	return a.set(C.isl_union_access_info_set_must_source(a.c(), m.take()), "AccessInfo.SetMustSource")
}

// SetMaySource sets the accesses that may write (or reads, when computing
// read-after-read or input dependences).
func (a *AccessInfo) SetMaySource(m *UnionMap) error {
	check(a.h, m.h)
	return a.set(C.isl_union_access_info_set_may_source(a.c(), m.take()), "AccessInfo.SetMaySource")
}

// SetKill sets accesses that kill earlier writes without being sources.
func (a *AccessInfo) SetKill(m *UnionMap) error {
	check(a.h, m.h)
	return a.set(C.isl_union_access_info_set_kill(a.c(), m.take()), "AccessInfo.SetKill")
}

// SetSchedule sets the order of execution as a schedule tree.
func (a *AccessInfo) SetSchedule(s *Schedule) error {
	check(a.h, s.h)
	return a.set(C.isl_union_access_info_set_schedule(a.c(), s.take()), "AccessInfo.SetSchedule")
}

// SetScheduleMap sets the order of execution as a schedule relation that
// maps each statement instance to a time vector, compared lexicographically.
func (a *AccessInfo) SetScheduleMap(m *UnionMap) error {
	check(a.h, m.h)
	return a.set(C.isl_union_access_info_set_schedule_map(a.c(), m.take()), "AccessInfo.SetScheduleMap")
}

// ComputeFlow runs the dataflow analysis. a stays valid.
func (a *AccessInfo) ComputeFlow() (*Flow, error) {
	c := a.h.ctx
	p := C.isl_union_access_info_compute_flow(C.isl_union_access_info_copy(a.c()))
	if p == nil {
		return nil, c.lastError("AccessInfo.ComputeFlow")
	}
	f := &Flow{}
	f.h = track(c, f, kindFlow, unsafe.Pointer(p))
	return f, nil
}

// Free releases the flow.
func (f *Flow) Free() { f.h.free() }

// String prints the flow in isl's YAML-like notation.
func (f *Flow) String() string { return goString(C.isl_union_flow_to_str(f.c())) }

// MustDependence returns the dependences source -> sink where the source
// is a must source that is certainly the last write before the sink.
func (f *Flow) MustDependence() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_must_dependence(f.c()), "Flow.MustDependence")
}

// MayDependence returns all dependences source -> sink that may exist,
// including the must dependences.
func (f *Flow) MayDependence() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_may_dependence(f.c()), "Flow.MayDependence")
}

// FullMustDependence is MustDependence with the accessed array elements
// kept: [source -> element] -> [sink -> element].
func (f *Flow) FullMustDependence() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_full_must_dependence(f.c()), "Flow.FullMustDependence")
}

// FullMayDependence is MayDependence with the accessed array elements kept.
func (f *Flow) FullMayDependence() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_full_may_dependence(f.c()), "Flow.FullMayDependence")
}

// MustNoSource returns the sink accesses that certainly have no source:
// they read values from before the analysed code (live-in data).
func (f *Flow) MustNoSource() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_must_no_source(f.c()), "Flow.MustNoSource")
}

// MayNoSource returns the sink accesses that may have no source.
func (f *Flow) MayNoSource() (*UnionMap, error) {
	return f.h.ctx.wrapUnionMap(C.isl_union_flow_get_may_no_source(f.c()), "Flow.MayNoSource")
}
