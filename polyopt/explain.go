package polyopt

import (
	"fmt"
	"io"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// Report is the explanation of one function, as `pyparc explain` prints it (and as JSON).
type Report struct {
	Function string         `json:"function"`
	Position string         `json:"position"` // file:line:col of the def
	SCoPs    []SCoPReport   `json:"scops"`
	Opaque   []OpaqueReport `json:"opaque"`
	Errors   []string       `json:"errors,omitempty"`
	// Lowered is the function with its NumPy array statements lowered to loops, when the
	// SCoPs are those of that text (their positions then refer to it).
	Lowered string `json:"lowered,omitempty"`
}

// SCoPReport describes one SCoP.
type SCoPReport struct {
	Position    string            `json:"position"`
	Params      []string          `json:"params"`
	ParamSource map[string]string `json:"param_source"`
	Context     string            `json:"context"`
	Statements  []StmtReport      `json:"statements"`
	Loops       []LoopReport      `json:"loops"`
	Deps        []DepReport       `json:"dependences"`
	OutOfBounds []string          `json:"out_of_bounds,omitempty"`
	NonEmpty    bool              `json:"assumes_non_empty,omitempty"`
	// Schedules are the reordered schedules found besides the original order, and NoSchedule
	// says why a nest got none.
	Schedules  []ScheduleReport `json:"schedules,omitempty"`
	NoSchedule []string         `json:"no_schedule,omitempty"`
}

// ScheduleReport describes one schedule other than the original order.
type ScheduleReport struct {
	Kind     string  `json:"kind"`     // "tiled wavefront" or "overlapped bands"
	Loop     string  `json:"loop"`     // the iterator of the nest's outermost loop
	Position string  `json:"position"` // of that loop
	Band     string  `json:"band"`     // isl's permutable band: instances -> band coordinates
	Tiles    []int64 `json:"tiles"`
	Map      string  `json:"map"` // isl: statement instances -> time vectors
	// Overlapped bands: the arrays each band copies, and the rows a step's values reach
	// beyond the band before and after it.
	Windowed []string `json:"windowed,omitempty"`
	Before   int64    `json:"before,omitempty"`
	After    int64    `json:"after,omitempty"`
}

// AddWavefronts records the wavefront schedules of the SCoP, and why nests got none.
func (r *SCoPReport) AddWavefronts(file *pyast.File, ws []*Wavefront, why []string) {
	for _, w := range ws {
		r.Schedules = append(r.Schedules, ScheduleReport{Kind: "tiled wavefront", Loop: w.Loop.Iter,
			Position: file.Position(w.Loop.Node.Pos()).String(), Band: w.Band, Tiles: w.Tile, Map: w.Schedule})
	}
	r.NoSchedule = append(r.NoSchedule, why...)
}

// AddOverlaps records the time loops that may run as overlapped bands, and why others may not.
func (r *SCoPReport) AddOverlaps(file *pyast.File, found []*Overlap, why []string) {
	for _, o := range found {
		before, after := o.Reach()
		r.Schedules = append(r.Schedules, ScheduleReport{Kind: "overlapped bands", Loop: o.Loop.Iter,
			Position: file.Position(o.Loop.Node.Pos()).String(), Windowed: o.Windowed, Before: before, After: after})
	}
	for _, w := range why {
		r.NoSchedule = append(r.NoSchedule, "no overlapped bands: "+w)
	}
}

// StmtReport describes one statement.
type StmtReport struct {
	Name      string   `json:"name"`
	Position  string   `json:"position"`
	Source    string   `json:"source"`
	Domain    string   `json:"domain"`
	Schedule  string   `json:"schedule"`
	Reads     []string `json:"reads"`
	Writes    []string `json:"writes"`
	Reduction string   `json:"reduction,omitempty"`
}

// LoopReport describes one loop.
type LoopReport struct {
	Iter     string `json:"iter"`
	Position string `json:"position"`
	Depth    int    `json:"depth"`
	Verdict  string `json:"verdict"` // "parallel", "reduction" or "sequential"
	// Anti says a sequential loop carries only anti dependences whole-array code keeps
	// (Loop.Anti).
	Anti      bool     `json:"anti,omitempty"`
	CarriedBy []string `json:"carried_by,omitempty"`
	// Expand lists the arrays that, given one copy per iteration of the loops named, make a
	// sequential loop parallel: "sum_ per (r, q)".
	Expand []string `json:"expand,omitempty"`
	// Order names the statements in the order whole-array code runs them (Loop.Order).
	Order []string `json:"order,omitempty"`
	// SplitAt names the enclosing index around which the loop splits into parallel pieces
	// (Loop.SplitAt).
	SplitAt string `json:"split_at,omitempty"`
}

// DepReport describes one dependence.
type DepReport struct {
	Kind      DepKind `json:"kind"`
	Array     string  `json:"array"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Relation  string  `json:"relation"`
	Reduction bool    `json:"reduction,omitempty"`
}

// OpaqueReport is a part of the function left as it is, with why.
type OpaqueReport struct {
	Kind     string `json:"kind"`
	Position string `json:"position"`
	Reason   string `json:"reason"`
}

// Explain builds the report of a function whose SCoPs were analyzed (analyses[i] belongs to
// fn.SCoPs[i]; a nil entry failed with errs[i]).
func Explain(fn *Function, def string, analyses []*Analysis, errs []error) Report {
	r := Report{Function: fn.Name, Position: def}
	for i, s := range fn.SCoPs {
		sr := SCoPReport{Position: fn.File.Position(s.Pos).String(), Params: s.Params,
			ParamSource: s.ParamSource, Context: s.Context}
		for _, st := range s.Stmts {
			rep := StmtReport{Name: st.Name, Position: fn.File.Position(st.Node.Pos()).String(),
				Source: exprText(fn.File, st.Node), Domain: st.Domain, Schedule: st.Schedule,
				Reduction: st.Reduction}
			for _, a := range st.Reads {
				rep.Reads = append(rep.Reads, a.Relation)
			}
			for _, a := range st.Writes {
				rep.Writes = append(rep.Writes, a.Relation)
			}
			sr.Statements = append(sr.Statements, rep)
		}
		var an *Analysis
		if i < len(analyses) {
			an = analyses[i]
		}
		for _, l := range s.Loops {
			lr := LoopReport{Iter: l.Iter, Position: fn.File.Position(l.Node.Pos()).String(), Depth: l.Depth,
				Verdict: "unanalyzed", CarriedBy: l.CarriedBy}
			for _, e := range l.Expand {
				var over []string
				for _, o := range e.Over {
					over = append(over, o.Iter)
				}
				lr.Expand = append(lr.Expand, e.Array+" per ("+strings.Join(over, ", ")+")")
			}
			if an != nil {
				switch {
				case l.Parallel:
					lr.Verdict = "parallel"
				case l.Reduction:
					lr.Verdict = "reduction"
				default:
					lr.Verdict = "sequential"
					lr.Anti = l.Anti
					lr.Order = l.Order
				}
				lr.SplitAt = l.SplitAt
			}
			sr.Loops = append(sr.Loops, lr)
		}
		if an != nil {
			for _, d := range an.Deps {
				sr.Deps = append(sr.Deps, DepReport{Kind: d.Kind, Array: d.Array, From: d.From, To: d.To,
					Relation: d.Relation, Reduction: d.Reduction})
			}
			sr.OutOfBounds = an.OutOfBounds
			sr.NonEmpty = an.NonEmpty
		}
		if i < len(errs) && errs[i] != nil {
			r.Errors = append(r.Errors, errs[i].Error())
		}
		r.SCoPs = append(r.SCoPs, sr)
	}
	for _, o := range fn.Opaque {
		r.Opaque = append(r.Opaque, OpaqueReport{Kind: o.Kind.String(),
			Position: fn.File.Position(o.Pos).String(), Reason: o.Reason})
	}
	return r
}

// Print writes the report for people.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "function %s (%s)\n", r.Function, r.Position)
	if r.Lowered != "" {
		fmt.Fprintf(w, "  NumPy array statements lowered to loops (positions below are in this text):\n")
		for _, ln := range strings.Split(strings.TrimRight(r.Lowered, "\n"), "\n") {
			fmt.Fprintf(w, "    | %s\n", ln)
		}
	}
	if len(r.SCoPs) == 0 {
		fmt.Fprintf(w, "  no SCoP: nothing to optimize\n")
	}
	for i, s := range r.SCoPs {
		fmt.Fprintf(w, "  SCoP %d at %s\n", i, s.Position)
		var src []string
		for _, p := range s.Params {
			src = append(src, p+" = "+s.ParamSource[p])
		}
		if len(src) > 0 {
			fmt.Fprintf(w, "    params: %s\n", strings.Join(src, ", "))
		}
		fmt.Fprintf(w, "    context: %s\n", s.Context)
		for _, st := range s.Statements {
			red := ""
			if st.Reduction != "" {
				red = "  (reduction " + st.Reduction + ")"
			}
			fmt.Fprintf(w, "    %s  %s  %s%s\n", st.Name, st.Position, firstLine(st.Source), red)
			fmt.Fprintf(w, "        domain    %s\n", st.Domain)
			fmt.Fprintf(w, "        schedule  %s\n", st.Schedule)
			for _, a := range st.Writes {
				fmt.Fprintf(w, "        write     %s\n", a)
			}
			for _, a := range st.Reads {
				fmt.Fprintf(w, "        read      %s\n", a)
			}
		}
		fmt.Fprintf(w, "    loops:\n")
		for _, l := range s.Loops {
			verdict := l.Verdict
			if l.Anti {
				verdict += " (only anti dependences: whole-array code keeps them)"
			}
			if len(l.Order) > 0 {
				verdict += " (whole-array code keeps every dependence running its statements in the order " + strings.Join(l.Order, ", ") + ")"
			}
			if l.SplitAt != "" {
				verdict += fmt.Sprintf(" (split at %[1]s: the indices below %[1]s and those above it are parallel)", l.SplitAt)
			}
			if len(l.Expand) > 0 {
				verdict += "; parallel with one copy of " + strings.Join(l.Expand, " and ") + " (NumPy variant)"
			}
			fmt.Fprintf(w, "      %sfor %s (%s): %s\n", strings.Repeat("  ", l.Depth), l.Iter, l.Position, verdict)
			for _, c := range l.CarriedBy {
				fmt.Fprintf(w, "      %s  carries %s\n", strings.Repeat("  ", l.Depth), c)
			}
		}
		fmt.Fprintf(w, "    dependences:\n")
		if len(s.Deps) == 0 {
			fmt.Fprintf(w, "      none\n")
		}
		for _, d := range s.Deps {
			red := ""
			if d.Reduction {
				red = " (reduction)"
			}
			fmt.Fprintf(w, "      %-6s %s %s -> %s%s: %s\n", d.Kind, d.Array, d.From, d.To, red, d.Relation)
		}
		if s.NonEmpty {
			fmt.Fprintf(w, "    accesses are in bounds when every array extent is at least 1 (a guard checks it)\n")
		}
		for _, o := range s.OutOfBounds {
			fmt.Fprintf(w, "    may index outside its array: %s\n", o)
		}
		if len(s.Schedules)+len(s.NoSchedule) > 0 {
			fmt.Fprintf(w, "    schedules besides the original order:\n")
		}
		for _, sc := range s.Schedules {
			if sc.Kind == "overlapped bands" {
				fmt.Fprintf(w, "      %s of loop %s (%s): each band copies %s, its rows' values reach %d row(s) before and %d after a step\n",
					sc.Kind, sc.Loop, sc.Position, strings.Join(sc.Windowed, " "), sc.Before, sc.After)
				continue
			}
			tiles := make([]string, len(sc.Tiles))
			for i, t := range sc.Tiles {
				tiles[i] = fmt.Sprint(t)
			}
			fmt.Fprintf(w, "      %s of the nest of loop %s (%s), tiles %s, the tiles of one wavefront in parallel\n",
				sc.Kind, sc.Loop, sc.Position, strings.Join(tiles, " x "))
			fmt.Fprintf(w, "        band      %s\n", sc.Band)
			fmt.Fprintf(w, "        schedule  %s\n", sc.Map)
		}
		for _, why := range s.NoSchedule {
			if strings.HasPrefix(why, "no overlapped bands: ") {
				fmt.Fprintf(w, "      %s\n", why)
				continue
			}
			fmt.Fprintf(w, "      no wavefront: %s\n", why)
		}
	}
	for _, o := range r.Opaque {
		fmt.Fprintf(w, "  not optimized: %s: %s [%s]\n", o.Position, o.Reason, o.Kind)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
