package profiler

import (
	"fmt"
	"io"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/pyparc/pyparc/store"
)

// WritePprof writes run's sampled stacks as a gzipped pprof profile: Python functions, files and
// lines become pprof functions and locations, so `go tool pprof` reads it like any other.
func WritePprof(w io.Writer, run store.Run, stacks []store.Stack) error {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "samples", Unit: "count"},
			{Type: "wall", Unit: "nanoseconds"},
		},
		PeriodType:    &profile.ValueType{Type: "wall", Unit: "nanoseconds"},
		Period:        int64(run.SamplePeriod),
		TimeNanos:     run.StartedAt.UnixNano(),
		DurationNanos: int64(run.Duration),
		Comments:      []string{"pyparc profile of " + run.Script},
	}
	type funcKey struct{ name, file string }
	type locKey struct {
		fn   funcKey
		line int
	}
	funcs := map[funcKey]*profile.Function{}
	locs := map[locKey]*profile.Location{}
	for _, st := range stacks {
		sample := &profile.Sample{Value: []int64{st.Samples, st.NS}}
		for _, fr := range st.Frames {
			fk := funcKey{fr.Function, fr.File}
			fn := funcs[fk]
			if fn == nil {
				name := pprofName(fr.Function)
				fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: name,
					SystemName: name, Filename: fr.File}
				funcs[fk] = fn
				p.Function = append(p.Function, fn)
			}
			lk := locKey{fk, fr.Line}
			loc := locs[lk]
			if loc == nil {
				loc = &profile.Location{ID: uint64(len(p.Location) + 1),
					Line: []profile.Line{{Function: fn, Line: int64(fr.Line)}}}
				locs[lk] = loc
				p.Location = append(p.Location, loc)
			}
			sample.Location = append(sample.Location, loc)
		}
		p.Sample = append(p.Sample, sample)
	}
	if err := p.CheckValid(); err != nil {
		return fmt.Errorf("pprof profile: %w", err)
	}
	return p.Write(w)
}

// pprofName drops the angle brackets of Python's synthetic names ("<module>", "f.<locals>.g"):
// pprof takes "<...>" for C++ template arguments and strips them, leaving "<unknown>".
func pprofName(qualname string) string {
	return strings.NewReplacer("<", "", ">", "").Replace(qualname)
}
