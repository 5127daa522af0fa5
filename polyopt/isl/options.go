package isl

/*
#include <isl/ctx.h>
#include <isl/options.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>
#include <isl/ast.h>
#include <isl/ast_build.h>
*/
import "C"

// isl keeps its options in the isl_ctx, so they are Context methods and
// apply to every later operation of that Context. Each setter mirrors the
// isl option of the same name; isl's documentation gives the details.

func cbool(v bool) C.int {
	if v {
		return 1
	}
	return 0
}

// SetScheduleOuterCoincidence makes the scheduler try to make the outer
// member of each band coincident, splitting bands where needed.
func (c *Context) SetScheduleOuterCoincidence(v bool) error {
	return c.statResult(C.isl_options_set_schedule_outer_coincidence(c.ptr(), cbool(v)), "SetScheduleOuterCoincidence")
}

// SetScheduleMaximizeBandDepth makes the scheduler prefer deep permutable
// bands over splitting early.
func (c *Context) SetScheduleMaximizeBandDepth(v bool) error {
	return c.statResult(C.isl_options_set_schedule_maximize_band_depth(c.ptr(), cbool(v)), "SetScheduleMaximizeBandDepth")
}

// SetScheduleMaximizeCoincidence makes the scheduler maximise the number
// of coincident band members.
func (c *Context) SetScheduleMaximizeCoincidence(v bool) error {
	return c.statResult(C.isl_options_set_schedule_maximize_coincidence(c.ptr(), cbool(v)), "SetScheduleMaximizeCoincidence")
}

// SetScheduleSerializeSCCs makes the scheduler put strongly connected
// components of the dependence graph in sequence, which disables fusion.
func (c *Context) SetScheduleSerializeSCCs(v bool) error {
	return c.statResult(C.isl_options_set_schedule_serialize_sccs(c.ptr(), cbool(v)), "SetScheduleSerializeSCCs")
}

// SetScheduleWholeComponent makes the scheduler schedule a whole weakly
// connected component at once instead of SCC by SCC.
func (c *Context) SetScheduleWholeComponent(v bool) error {
	return c.statResult(C.isl_options_set_schedule_whole_component(c.ptr(), cbool(v)), "SetScheduleWholeComponent")
}

// SetScheduleSeparateComponents makes the scheduler put independent
// components in a set node (any order) rather than fusing them.
func (c *Context) SetScheduleSeparateComponents(v bool) error {
	return c.statResult(C.isl_options_set_schedule_separate_components(c.ptr(), cbool(v)), "SetScheduleSeparateComponents")
}

// SetScheduleTreatCoalescing makes the scheduler avoid schedules that
// break memory coalescing of innermost accesses.
func (c *Context) SetScheduleTreatCoalescing(v bool) error {
	return c.statResult(C.isl_options_set_schedule_treat_coalescing(c.ptr(), cbool(v)), "SetScheduleTreatCoalescing")
}

// SetScheduleCarrySelfFirst makes the scheduler carry self dependences
// before others when it has to carry some.
func (c *Context) SetScheduleCarrySelfFirst(v bool) error {
	return c.statResult(C.isl_options_set_schedule_carry_self_first(c.ptr(), cbool(v)), "SetScheduleCarrySelfFirst")
}

// SetScheduleSplitScaled makes the scheduler split off common constant
// factors of schedule rows.
func (c *Context) SetScheduleSplitScaled(v bool) error {
	return c.statResult(C.isl_options_set_schedule_split_scaled(c.ptr(), cbool(v)), "SetScheduleSplitScaled")
}

// SetScheduleMaxCoefficient bounds the schedule coefficients; -1 means no
// bound. Small bounds keep the ILP fast and the schedules simple.
func (c *Context) SetScheduleMaxCoefficient(v int) error {
	return c.statResult(C.isl_options_set_schedule_max_coefficient(c.ptr(), C.int(v)), "SetScheduleMaxCoefficient")
}

// SetScheduleMaxConstantTerm bounds the constant terms of the schedule;
// -1 means no bound.
func (c *Context) SetScheduleMaxConstantTerm(v int) error {
	return c.statResult(C.isl_options_set_schedule_max_constant_term(c.ptr(), C.int(v)), "SetScheduleMaxConstantTerm")
}

// ScheduleAlgorithm selects the isl scheduler's algorithm.
type ScheduleAlgorithm int

const (
	ScheduleISL       ScheduleAlgorithm = C.ISL_SCHEDULE_ALGORITHM_ISL       // Pluto-like
	ScheduleFeautrier ScheduleAlgorithm = C.ISL_SCHEDULE_ALGORITHM_FEAUTRIER // Feautrier's
)

// SetScheduleAlgorithm selects the scheduling algorithm.
func (c *Context) SetScheduleAlgorithm(a ScheduleAlgorithm) error {
	return c.statResult(C.isl_options_set_schedule_algorithm(c.ptr(), C.int(a)), "SetScheduleAlgorithm")
}

// SetTileScaleTileLoops makes BandTile scale the tile loops by the tile
// sizes (tile loop steps by the size) instead of counting tiles.
func (c *Context) SetTileScaleTileLoops(v bool) error {
	return c.statResult(C.isl_options_set_tile_scale_tile_loops(c.ptr(), cbool(v)), "SetTileScaleTileLoops")
}

// SetTileShiftPointLoops makes BandTile shift point loops to start at 0
// within each tile.
func (c *Context) SetTileShiftPointLoops(v bool) error {
	return c.statResult(C.isl_options_set_tile_shift_point_loops(c.ptr(), cbool(v)), "SetTileShiftPointLoops")
}

// SetASTBuildAtomicUpperBound makes generated loops use a single upper
// bound (a min) rather than separate conditions.
func (c *Context) SetASTBuildAtomicUpperBound(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_atomic_upper_bound(c.ptr(), cbool(v)), "SetASTBuildAtomicUpperBound")
}

// SetASTBuildDetectMinMax makes the AST generator emit min and max
// expressions where it recognises them.
func (c *Context) SetASTBuildDetectMinMax(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_detect_min_max(c.ptr(), cbool(v)), "SetASTBuildDetectMinMax")
}

// SetASTBuildExploitNestedBounds makes the AST generator drop bounds
// implied by inner loops.
func (c *Context) SetASTBuildExploitNestedBounds(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_exploit_nested_bounds(c.ptr(), cbool(v)), "SetASTBuildExploitNestedBounds")
}

// SetASTBuildGroupCoscheduled makes the AST generator group statements
// scheduled at the same time into one loop nest.
func (c *Context) SetASTBuildGroupCoscheduled(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_group_coscheduled(c.ptr(), cbool(v)), "SetASTBuildGroupCoscheduled")
}

// SetASTBuildScaleStrides makes the AST generator divide strided loops by
// their stride.
func (c *Context) SetASTBuildScaleStrides(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_scale_strides(c.ptr(), cbool(v)), "SetASTBuildScaleStrides")
}

// SetASTBuildAllowElse lets the AST generator emit if-else.
func (c *Context) SetASTBuildAllowElse(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_allow_else(c.ptr(), cbool(v)), "SetASTBuildAllowElse")
}

// SetASTBuildAllowOr lets the AST generator emit disjunctions in
// conditions.
func (c *Context) SetASTBuildAllowOr(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_allow_or(c.ptr(), cbool(v)), "SetASTBuildAllowOr")
}

// SetASTBuildPreferPdiv makes the AST generator use pdiv_q and pdiv_r,
// which assume non-negative dividends, where it can prove them valid.
func (c *Context) SetASTBuildPreferPdiv(v bool) error {
	return c.statResult(C.isl_options_set_ast_build_prefer_pdiv(c.ptr(), cbool(v)), "SetASTBuildPreferPdiv")
}
