package isl

/*
#include <stdlib.h>
#include <isl/aff.h>
#include <isl/val.h>
#include <isl/space.h>
#include <isl/union_set.h>
#include <isl/union_map.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Schedule is an isl schedule tree: the order in which statement instances
// run. It is immutable; transformations go through ScheduleNode and give a
// new Schedule.
type Schedule struct{ h *handle }

// ScheduleConstraints is the input of the isl scheduler: the instances to
// schedule and the dependences to respect or optimise. Its setters change
// it in place; after a setter fails it is freed and unusable.
type ScheduleConstraints struct{ h *handle }

// ScheduleNode is a position in a schedule tree. Navigating or changing it
// returns new nodes; the node and its tree stay as they were.
type ScheduleNode struct{ h *handle }

func (c *Context) wrapSchedule(p *C.isl_schedule, op string) (*Schedule, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	s := &Schedule{}
	s.h = track(c, s, kindSchedule, unsafe.Pointer(p))
	return s, nil
}

func (c *Context) wrapScheduleNode(p *C.isl_schedule_node, op string) (*ScheduleNode, error) {
	if p == nil {
		return nil, c.lastError(op)
	}
	n := &ScheduleNode{}
	n.h = track(c, n, kindScheduleNode, unsafe.Pointer(p))
	return n, nil
}

func (s *Schedule) c() *C.isl_schedule    { return (*C.isl_schedule)(s.h.ptr()) }
func (s *Schedule) take() *C.isl_schedule { return C.isl_schedule_copy(s.c()) }

func (sc *ScheduleConstraints) c() *C.isl_schedule_constraints {
	return (*C.isl_schedule_constraints)(sc.h.ptr())
}

func (n *ScheduleNode) c() *C.isl_schedule_node    { return (*C.isl_schedule_node)(n.h.ptr()) }
func (n *ScheduleNode) take() *C.isl_schedule_node { return C.isl_schedule_node_copy(n.c()) }

// ---- Schedule ----

// ParseSchedule reads a schedule tree in isl's YAML notation, as printed
// by Schedule.String.
func (c *Context) ParseSchedule(str string) (*Schedule, error) {
	cs := cString(str)
	defer C.free(unsafe.Pointer(cs))
	return c.wrapSchedule(C.isl_schedule_read_from_str(c.ptr(), cs), "ParseSchedule")
}

// ScheduleFromDomain returns the trivial schedule of dom: a domain node
// with a leaf, which leaves the instances unordered.
func (c *Context) ScheduleFromDomain(dom *UnionSet) (*Schedule, error) {
	c.owns(dom.h)
	return c.wrapSchedule(C.isl_schedule_from_domain(dom.take()), "ScheduleFromDomain")
}

// Free releases the schedule.
func (s *Schedule) Free() { s.h.free() }

// Copy returns a second owner of the same schedule.
func (s *Schedule) Copy() *Schedule {
	r, err := s.h.ctx.wrapSchedule(s.take(), "Schedule.Copy")
	if err != nil {
		panic(err)
	}
	return r
}

// String prints the schedule tree in isl's YAML notation.
func (s *Schedule) String() string { return goString(C.isl_schedule_to_str(s.c())) }

// Map returns the schedule as one relation from statement instances to
// time vectors, flattening the tree (isl_schedule_get_map).
func (s *Schedule) Map() (*UnionMap, error) {
	return s.h.ctx.wrapUnionMap(C.isl_schedule_get_map(s.c()), "Schedule.Map")
}

// Domain returns the statement instances the schedule orders.
func (s *Schedule) Domain() (*UnionSet, error) {
	return s.h.ctx.wrapUnionSet(C.isl_schedule_get_domain(s.c()), "Schedule.Domain")
}

// Root returns the root node of the tree (a domain node).
func (s *Schedule) Root() (*ScheduleNode, error) {
	return s.h.ctx.wrapScheduleNode(C.isl_schedule_get_root(s.c()), "Schedule.Root")
}

// ---- ScheduleConstraints ----

// NewScheduleConstraints starts a scheduling problem over the instances of
// dom, with no dependences yet.
func (c *Context) NewScheduleConstraints(dom *UnionSet) (*ScheduleConstraints, error) {
	c.owns(dom.h)
	p := C.isl_schedule_constraints_on_domain(dom.take())
	if p == nil {
		return nil, c.lastError("NewScheduleConstraints")
	}
	sc := &ScheduleConstraints{}
	sc.h = track(c, sc, kindScheduleConstraints, unsafe.Pointer(p))
	return sc, nil
}

// Free releases the constraints.
func (sc *ScheduleConstraints) Free() { sc.h.free() }

// String prints the constraints in isl's YAML notation.
func (sc *ScheduleConstraints) String() string {
	return goString(C.isl_schedule_constraints_to_str(sc.c()))
}

func (sc *ScheduleConstraints) set(p *C.isl_schedule_constraints, op string) error {
	sc.h.replace(unsafe.Pointer(p))
	if p == nil {
		return sc.h.ctx.lastError(op)
	}
	return nil
}

// SetContext sets the parameter values the schedule may assume.
func (sc *ScheduleConstraints) SetContext(params *Set) error {
	check(sc.h, params.h)
	return sc.set(C.isl_schedule_constraints_set_context(sc.c(), params.take()), "ScheduleConstraints.SetContext")
}

// SetValidity sets the dependences the schedule must respect: for each
// pair source -> sink, the sink runs after the source.
func (sc *ScheduleConstraints) SetValidity(deps *UnionMap) error {
	check(sc.h, deps.h)
	return sc.set(C.isl_schedule_constraints_set_validity(sc.c(), deps.take()), "ScheduleConstraints.SetValidity")
}

// SetProximity sets the dependences whose distance the scheduler minimises
// (for locality).
func (sc *ScheduleConstraints) SetProximity(deps *UnionMap) error {
	check(sc.h, deps.h)
	return sc.set(C.isl_schedule_constraints_set_proximity(sc.c(), deps.take()), "ScheduleConstraints.SetProximity")
}

// SetCoincidence sets the dependences that should have distance zero in a
// band member for it to be marked coincident (parallel).
func (sc *ScheduleConstraints) SetCoincidence(deps *UnionMap) error {
	check(sc.h, deps.h)
	return sc.set(C.isl_schedule_constraints_set_coincidence(sc.c(), deps.take()), "ScheduleConstraints.SetCoincidence")
}

// SetConditionalValidity sets validity constraints that only need to hold
// where the condition dependences are local (used for live-range
// reordering of scalars).
func (sc *ScheduleConstraints) SetConditionalValidity(condition, validity *UnionMap) error {
	check(sc.h, condition.h, validity.h)
	return sc.set(C.isl_schedule_constraints_set_conditional_validity(sc.c(), condition.take(), validity.take()),
		"ScheduleConstraints.SetConditionalValidity")
}

// ComputeSchedule runs the isl scheduler with the Context's options.
// sc stays valid.
func (sc *ScheduleConstraints) ComputeSchedule() (*Schedule, error) {
	p := C.isl_schedule_constraints_compute_schedule(C.isl_schedule_constraints_copy(sc.c()))
	return sc.h.ctx.wrapSchedule(p, "ScheduleConstraints.ComputeSchedule")
}

// ---- ScheduleNode ----

// NodeType is the type of a schedule tree node.
type NodeType int

const (
	NodeBand      NodeType = C.isl_schedule_node_band      // affine partial schedule
	NodeContext   NodeType = C.isl_schedule_node_context   // parameter constraints
	NodeDomain    NodeType = C.isl_schedule_node_domain    // root: the instances
	NodeExpansion NodeType = C.isl_schedule_node_expansion // instance expansion
	NodeExtension NodeType = C.isl_schedule_node_extension // extra instances
	NodeFilter    NodeType = C.isl_schedule_node_filter    // child of sequence/set
	NodeLeaf      NodeType = C.isl_schedule_node_leaf
	NodeGuard     NodeType = C.isl_schedule_node_guard
	NodeMark      NodeType = C.isl_schedule_node_mark
	NodeSequence  NodeType = C.isl_schedule_node_sequence // children run in order
	NodeSet       NodeType = C.isl_schedule_node_set      // children in any order
)

func (t NodeType) String() string {
	switch t {
	case NodeBand:
		return "band"
	case NodeContext:
		return "context"
	case NodeDomain:
		return "domain"
	case NodeExpansion:
		return "expansion"
	case NodeExtension:
		return "extension"
	case NodeFilter:
		return "filter"
	case NodeLeaf:
		return "leaf"
	case NodeGuard:
		return "guard"
	case NodeMark:
		return "mark"
	case NodeSequence:
		return "sequence"
	case NodeSet:
		return "set"
	}
	return fmt.Sprintf("NodeType(%d)", int(t))
}

// Free releases the node (and its reference to the tree).
func (n *ScheduleNode) Free() { n.h.free() }

// String prints the subtree at n in isl's YAML notation.
func (n *ScheduleNode) String() string { return goString(C.isl_schedule_node_to_str(n.c())) }

// Type returns the node type.
func (n *ScheduleNode) Type() NodeType { return NodeType(C.isl_schedule_node_get_type(n.c())) }

// NumChildren returns the number of children.
func (n *ScheduleNode) NumChildren() int { return int(C.isl_schedule_node_n_children(n.c())) }

// Child returns child i.
func (n *ScheduleNode) Child(i int) (*ScheduleNode, error) {
	if i < 0 || i >= n.NumChildren() {
		return nil, &Error{Op: "ScheduleNode.Child", Code: ErrInvalid, Msg: fmt.Sprintf("no child %d", i)}
	}
	return n.h.ctx.wrapScheduleNode(C.isl_schedule_node_get_child(n.c(), C.int(i)), "ScheduleNode.Child")
}

// HasParent reports whether n is not the root.
func (n *ScheduleNode) HasParent() bool {
	return C.isl_schedule_node_has_parent(n.c()) == C.isl_bool_true
}

// Parent returns the parent of n.
func (n *ScheduleNode) Parent() (*ScheduleNode, error) {
	if !n.HasParent() {
		return nil, &Error{Op: "ScheduleNode.Parent", Code: ErrInvalid, Msg: "node is the root"}
	}
	return n.h.ctx.wrapScheduleNode(C.isl_schedule_node_parent(n.take()), "ScheduleNode.Parent")
}

// Root returns the root of n's tree.
func (n *ScheduleNode) Root() (*ScheduleNode, error) {
	return n.h.ctx.wrapScheduleNode(C.isl_schedule_node_root(n.take()), "ScheduleNode.Root")
}

// Schedule returns the whole tree n belongs to, including any change made
// through the node (such as BandTile).
func (n *ScheduleNode) Schedule() (*Schedule, error) {
	return n.h.ctx.wrapSchedule(C.isl_schedule_node_get_schedule(n.c()), "ScheduleNode.Schedule")
}

// Domain returns the statement instances that reach n.
func (n *ScheduleNode) Domain() (*UnionSet, error) {
	return n.h.ctx.wrapUnionSet(C.isl_schedule_node_get_domain(n.c()), "ScheduleNode.Domain")
}

// Filter returns the filter of a filter node.
func (n *ScheduleNode) Filter() (*UnionSet, error) {
	return n.h.ctx.wrapUnionSet(C.isl_schedule_node_filter_get_filter(n.c()), "ScheduleNode.Filter")
}

// PrefixSchedule returns the schedule of the band nodes above n, as a
// relation from instances to the outer time dimensions. Like a band's
// partial schedule it is not restricted to the instances that reach n;
// intersect its domain with Domain for that.
func (n *ScheduleNode) PrefixSchedule() (*UnionMap, error) {
	return n.h.ctx.wrapUnionMap(C.isl_schedule_node_get_prefix_schedule_union_map(n.c()), "ScheduleNode.PrefixSchedule")
}

// ScheduleDepth returns the number of schedule dimensions above n.
func (n *ScheduleNode) ScheduleDepth() int {
	return int(C.isl_schedule_node_get_schedule_depth(n.c()))
}

// ---- band nodes ----

// bandOp checks that n is a band node before a band-only call, so a misuse
// is an error rather than an isl complaint about a NULL.
func (n *ScheduleNode) bandOp(op string) error {
	if n.Type() != NodeBand {
		return &Error{Op: op, Code: ErrInvalid, Msg: "not a band node (" + n.Type().String() + ")"}
	}
	return nil
}

// BandNumMembers returns the number of schedule dimensions of a band.
func (n *ScheduleNode) BandNumMembers() (int, error) {
	return n.bandMembers("ScheduleNode.BandNumMembers")
}

func (n *ScheduleNode) bandMembers(op string) (int, error) {
	if err := n.bandOp(op); err != nil {
		return 0, err
	}
	return int(C.isl_schedule_node_band_n_member(n.c())), nil
}

// BandPartialSchedule returns the band's schedule as a relation from
// statement instances to its members.
func (n *ScheduleNode) BandPartialSchedule() (*UnionMap, error) {
	if err := n.bandOp("ScheduleNode.BandPartialSchedule"); err != nil {
		return nil, err
	}
	return n.h.ctx.wrapUnionMap(C.isl_schedule_node_band_get_partial_schedule_union_map(n.c()),
		"ScheduleNode.BandPartialSchedule")
}

// BandMember returns member pos of the band as a relation from statement
// instances to one time dimension.
func (n *ScheduleNode) BandMember(pos int) (*UnionMap, error) {
	const op = "ScheduleNode.BandMember"
	if err := n.bandMemberOp(op, pos); err != nil {
		return nil, err
	}
	c := n.h.ctx
	mupa := C.isl_schedule_node_band_get_partial_schedule(n.c())
	if mupa == nil {
		return nil, c.lastError(op)
	}
	upa := C.isl_multi_union_pw_aff_get_at(mupa, C.int(pos))
	C.isl_multi_union_pw_aff_free(mupa)
	if upa == nil {
		return nil, c.lastError(op)
	}
	return c.wrapUnionMap(C.isl_union_map_from_union_pw_aff(upa), op)
}

func (n *ScheduleNode) bandMemberOp(op string, pos int) error {
	m, err := n.bandMembers(op)
	if err != nil {
		return err
	}
	if pos < 0 || pos >= m {
		return &Error{Op: op, Code: ErrInvalid, Msg: fmt.Sprintf("band has no member %d", pos)}
	}
	return nil
}

// BandMemberCoincident reports whether member pos of the band is marked
// coincident: no coincidence dependence crosses its iterations, so it can
// run in parallel.
func (n *ScheduleNode) BandMemberCoincident(pos int) (bool, error) {
	const op = "ScheduleNode.BandMemberCoincident"
	if err := n.bandMemberOp(op, pos); err != nil {
		return false, err
	}
	return n.h.ctx.boolResult(C.isl_schedule_node_band_member_get_coincident(n.c(), C.int(pos)), op)
}

// BandPermutable reports whether the members of the band can be freely
// permuted (and hence tiled).
func (n *ScheduleNode) BandPermutable() (bool, error) {
	const op = "ScheduleNode.BandPermutable"
	if err := n.bandOp(op); err != nil {
		return false, err
	}
	return n.h.ctx.boolResult(C.isl_schedule_node_band_get_permutable(n.c()), op)
}

// BandTile tiles the band with the given tile size per member. It returns
// the new tile band, whose only child is the point band; call Schedule on
// the result to get the whole tiled tree. The tile options of the Context
// (SetTileScaleTileLoops, SetTileShiftPointLoops) apply.
func (n *ScheduleNode) BandTile(sizes []int64) (*ScheduleNode, error) {
	const op = "ScheduleNode.BandTile"
	m, err := n.bandMembers(op)
	if err != nil {
		return nil, err
	}
	if len(sizes) != m {
		return nil, &Error{Op: op, Code: ErrInvalid, Msg: fmt.Sprintf("%d sizes for a band of %d members", len(sizes), m)}
	}
	c := n.h.ctx
	mv, err := c.multiVal(C.isl_schedule_node_band_get_space(n.c()), sizes, op)
	if err != nil {
		return nil, err
	}
	return c.wrapScheduleNode(C.isl_schedule_node_band_tile(n.take(), mv), op)
}

// BandSplit splits the band after its first pos members into an outer band
// and an inner band; it returns the outer one.
func (n *ScheduleNode) BandSplit(pos int) (*ScheduleNode, error) {
	const op = "ScheduleNode.BandSplit"
	m, err := n.bandMembers(op)
	if err != nil {
		return nil, err
	}
	if pos <= 0 || pos >= m {
		return nil, &Error{Op: op, Code: ErrInvalid, Msg: fmt.Sprintf("cannot split a band of %d members at %d", m, pos)}
	}
	return n.h.ctx.wrapScheduleNode(C.isl_schedule_node_band_split(n.take(), C.int(pos)), op)
}

// multiVal builds an isl_multi_val in space (which it consumes) from vals.
func (c *Context) multiVal(space *C.isl_space, vals []int64, op string) (*C.isl_multi_val, error) {
	if space == nil {
		return nil, c.lastError(op)
	}
	mv := C.isl_multi_val_zero(space)
	for i, v := range vals {
		if mv == nil {
			break
		}
		mv = C.isl_multi_val_set_at(mv, C.int(i), C.isl_val_int_from_si(c.p, C.long(v)))
	}
	if mv == nil {
		return nil, c.lastError(op)
	}
	return mv, nil
}
