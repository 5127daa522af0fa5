// Package autotune owns choosing among the variants emit generates: it synthesizes inputs from
// a function's recorded signatures at a sweep of sizes, runs every variant on the target in a
// worker process (after checking its outputs against the original on the same inputs), fits a
// cost model per variant with gonum/optimize, and derives the size thresholds at which the best
// variant changes. It generates no code; emit turns its decisions into dispatchers.
package autotune

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

//go:embed worker.py
var workerSource string

// DefaultScales sweep each shape symbol from a quarter to four times its recorded size.
var DefaultScales = []float64{0.25, 0.5, 1, 2, 4}

// FuncJob says how to build inputs for one function and which variants to time.
type FuncJob struct {
	Name     string           `json:"name"`
	Variants []string         `json:"variants"` // "orig" first, then the emitted variants
	Params   []ParamSpec      `json:"params"`
	Symbols  map[string]int64 `json:"symbols"` // recorded size of each shape symbol
	Scales   []float64        `json:"scales"`
	// WorkSyms are the symbols whose product is the work count; Work is that product as a
	// Python expression over the function's arguments, for the dispatcher.
	WorkSyms []string `json:"work_syms"`
	Work     string   `json:"-"`
}

// ParamSpec describes how to synthesize one argument.
type ParamSpec struct {
	Name  string    `json:"name"`
	Kind  string    `json:"kind"`            // "array", "int", "float", "none", "intlist"
	DType string    `json:"dtype,omitempty"` // array; int: the NumPy scalar type it is passed as
	Shape []DimSpec `json:"shape,omitempty"`
	Sym   string    `json:"sym,omitempty"`   // int tied to a shape symbol
	Value int64     `json:"value,omitempty"` // int at its recorded value
}

// DimSpec is one dimension: a symbol or a literal.
type DimSpec struct {
	Sym string `json:"sym,omitempty"`
	Lit int64  `json:"lit,omitempty"`
}

// JobFor builds the job of a profiled function, or says why its inputs cannot be synthesized.
func JobFor(f *typeinfer.Function, variants []string, scales []float64) (FuncJob, error) {
	if f.Recorded == nil {
		return FuncJob{}, errors.New("never profiled: no sizes to start from")
	}
	job := FuncJob{Name: f.Def.Name, Variants: append([]string{"orig"}, variants...), Scales: scales,
		Symbols: map[string]int64{}}
	tied := map[string]string{}
	for _, s := range f.Recorded.Symbols {
		job.Symbols[s.Name] = s.Max
		for _, p := range s.Params {
			tied[p] = s.Name
		}
	}
	job.Work, job.WorkSyms = f.WorkExpr()
	for _, p := range f.Recorded.Params {
		spec := ParamSpec{Name: p.Name}
		t := p.Type
		switch t.Kind {
		case typeinfer.NDArray:
			if t.NDim < 0 || t.DType == "" {
				return FuncJob{}, fmt.Errorf("parameter %s: an array of unknown rank or dtype", p.Name)
			}
			spec.Kind, spec.DType = "array", t.DType
			for _, d := range t.Shape {
				switch {
				case d.Sym != "":
					spec.Shape = append(spec.Shape, DimSpec{Sym: d.Sym})
				case d.Lit >= 0:
					spec.Shape = append(spec.Shape, DimSpec{Lit: d.Lit})
				default:
					return FuncJob{}, fmt.Errorf("parameter %s: a dimension of unknown size", p.Name)
				}
			}
		case typeinfer.Int, typeinfer.NPScalar, typeinfer.Union:
			if !typeinfer.IntLike(t) {
				if t.Kind == typeinfer.NPScalar && t.DType == "float64" {
					spec.Kind = "float" // np.float64 is a float: the variants take it as the original does
					break
				}
				if t.Kind == typeinfer.NPScalar {
					// The guard refuses the other NumPy scalars (pyparc_rt.is_real): timing the
					// variants with a float in its place would time calls that never run them.
					return FuncJob{}, fmt.Errorf("parameter %s: a NumPy %s scalar, which the guard refuses: such calls run the original", p.Name, t.DType)
				}
				return FuncJob{}, fmt.Errorf("parameter %s: cannot synthesize a %s", p.Name, t)
			}
			spec.Kind = "int"
			if t.Kind == typeinfer.NPScalar {
				spec.DType = t.DType // passed as that NumPy scalar, as it was recorded
			}
			if s, ok := tied[p.Name]; ok {
				spec.Sym = s
			} else if r := typeinfer.IntRange(t); r != nil {
				spec.Value = r.Max
			} else {
				return FuncJob{}, fmt.Errorf("parameter %s: an int with no recorded value", p.Name)
			}
		case typeinfer.Float:
			spec.Kind = "float"
		case typeinfer.None:
			spec.Kind = "none"
		case typeinfer.List:
			if t.Elem == nil || t.Elem.Kind != typeinfer.Int {
				return FuncJob{}, fmt.Errorf("parameter %s: cannot synthesize a %s", p.Name, t)
			}
			// Ints that index every dimension of every array argument (the worker draws
			// them below the smallest extent): such lists are indices in the code pyparc
			// optimizes (a gather of training cells, say).
			spec.Kind = "intlist"
		default:
			return FuncJob{}, fmt.Errorf("parameter %s: cannot synthesize a %s", p.Name, t)
		}
		job.Params = append(job.Params, spec)
	}
	return job, nil
}

// Measurement is one line of the worker's stream.
type Measurement struct {
	Func    string  `json:"func"`
	Variant string  `json:"variant"`
	Scale   float64 `json:"scale"`
	Work    float64 `json:"work"`
	Seconds float64 `json:"seconds"`
	Runs    int     `json:"runs"`
	OK      bool    `json:"ok"`
	Checked bool    `json:"checked"`
	Event   string  `json:"event"`
	Detail  string  `json:"detail"`
}

// Options controls a tuning run.
type Options struct {
	Python string
	Runs   int     // timed runs per candidate and size
	Budget float64 // seconds: a candidate slower than this at one size is not timed at larger ones
	Seed   int64
}

// Run times the jobs' candidates in one worker process on the emitted module, calling each
// for every measurement as it arrives. Cancelling ctx stops the worker; what was measured
// until then has been passed to each already.
func Run(ctx context.Context, module string, jobs []FuncJob, opt Options, each func(Measurement) error) error {
	job := map[string]any{"module": module, "functions": jobs, "runs": opt.Runs, "budget": opt.Budget,
		"seed": opt.Seed}
	in, err := json.Marshal(job)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, opt.Python, "-c", workerSource)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start tuning worker: %w", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cbErr error
	for sc.Scan() {
		var m Measurement
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue // not ours: a program's own print
		}
		if m.Event == "done" {
			continue
		}
		if cbErr == nil {
			cbErr = each(m)
		}
	}
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if waitErr != nil {
		return fmt.Errorf("tuning worker: %v\n%s", waitErr, lastLines(stderr.String(), 15))
	}
	return cbErr
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Decide fits a model per candidate that was never wrong and derives the variant to run per
// range of the work count. Candidates that gave a wrong result or raised are disqualified.
func Decide(job FuncJob, ms []Measurement) (store.Decision, error) {
	d := store.Decision{Work: job.Work, Models: map[string]store.Model{}, Disqualified: map[string]string{}}
	points := map[string][]Point{}
	lo, hi := 0.0, 0.0
	for _, m := range ms {
		if m.Func != job.Name || m.Variant == "" {
			continue
		}
		if !m.OK {
			d.Disqualified[m.Variant] = m.Detail
			continue
		}
		points[m.Variant] = append(points[m.Variant], Point{m.Work, m.Seconds})
		if lo == 0 || m.Work < lo {
			lo = m.Work
		}
		hi = max(hi, m.Work)
	}
	models := map[string]Model{}
	var names []string
	for v := range points {
		if _, bad := d.Disqualified[v]; !bad {
			names = append(names, v)
		}
	}
	sort.Strings(names)
	for _, v := range names {
		m, err := Fit(points[v])
		if err != nil {
			return d, fmt.Errorf("%s: fit %s: %w", job.Name, v, err)
		}
		models[v] = m
		d.Models[v] = store.Model{A: m.A, B: m.B, C: m.C}
	}
	if len(models) == 0 {
		return d, fmt.Errorf("%s: no candidate was measured", job.Name)
	}
	for _, r := range Choose(models, lo, hi) {
		d.Ranges = append(d.Ranges, store.VariantRange{Below: r.Below, Variant: r.Variant})
	}
	return d, nil
}
