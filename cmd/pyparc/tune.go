package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/autotune"
	"github.com/pyparc/pyparc/emit"
	"github.com/pyparc/pyparc/profiler"
	"github.com/pyparc/pyparc/store"
)

var tuneCommand = &cli.Command{
	Name:      "tune",
	Usage:     "measure the variants on this machine and record which to run per size",
	ArgsUsage: "SCRIPT",
	Description: "For every function `pyparc emit` would optimize, synthesizes inputs from its recorded " +
		"signatures (the recorded dtypes and shapes, random values from a fixed seed) at a sweep of " +
		"sizes (each shape symbol from 1/4x to 4x its recorded size), checks every variant against " +
		"the original on the same inputs (a wrong one is disqualified), times it (a warm-up call, then " +
		"the median of --runs calls), fits t(n) = a + b n^c on the work count n per variant, and " +
		"records the measurements and the decision (which variant below which work count) in the " +
		"profile database. `pyparc emit` then dispatches by those thresholds. Ctrl-C keeps what " +
		"was measured. Only --target cpu exists yet.",
	Flags: []cli.Flag{
		dbFlag(),
		&cli.StringFlag{Name: "target", Value: "cpu", Usage: "where to measure: cpu"},
		&cli.FloatFlag{Name: "budget", Value: 10, Usage: "`SECONDS`: a candidate slower than this at one size is not timed at larger ones"},
		&cli.IntFlag{Name: "runs", Value: 5, Usage: "timed calls per candidate and size"},
		&cli.StringFlag{Name: "scales", Value: "0.25,0.5,1,2,4", Usage: "size factors applied to every shape symbol"},
		&cli.StringFlag{Name: "python", Usage: "Python interpreter `EXE` (default: $PYPARC_PYTHON, else python3)"},
		&cli.BoolFlag{Name: "json", Usage: "print measurements and decisions as JSON"},
	},
	Action: tuneAction,
}

func tuneAction(ctx context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() != 1 {
		return errors.New("tune: give exactly one SCRIPT")
	}
	if t := cmd.String("target"); t != "cpu" {
		return fmt.Errorf("tune: --target %s: only the cpu target is tuned yet (the CuPy and Ray variants run by the dispatcher's rules: a work threshold, a named cluster)", t)
	}
	var scales []float64
	for _, f := range strings.Split(cmd.String("scales"), ",") {
		var x float64
		if _, err := fmt.Sscan(strings.TrimSpace(f), &x); err != nil || x <= 0 {
			return fmt.Errorf("tune: --scales: %q is not a positive number", f)
		}
		scales = append(scales, x)
	}
	python, err := profiler.FindPython(cmd.String("python"))
	if err != nil {
		return err
	}
	script := cmd.Args().First()
	prog, err := loadProgram(cmd, script)
	if err != nil {
		return err
	}
	st, err := store.Open(dbPath(cmd), false)
	if err != nil {
		return err
	}
	defer st.Close()

	dir, err := os.MkdirTemp("", "pyparc-tune-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	outcomes := map[string]emit.Outcome{}
	if _, err := emitProgram(cmd, prog, dir, false, func(o emit.Outcome) { outcomes[o.Function] = o }); err != nil {
		return err
	}
	if err := emit.WriteRuntime(dir); err != nil {
		return err
	}

	// Ctrl-C stops the measuring; what was measured is stored and decided on.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	live := isTerminal(os.Stderr)
	opt := autotune.Options{Python: python, Runs: int(cmd.Int("runs")), Budget: cmd.Float("budget"), Seed: 1}
	type result struct {
		file     string
		job      autotune.FuncJob
		ms       []autotune.Measurement
		decision store.Decision
		err      error
	}
	var results []*result
	srcDir := filepath.Dir(prog.Script)
	for _, m := range prog.Modules {
		rel, err := filepath.Rel(srcDir, m.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		var jobs []autotune.FuncJob
		byName := map[string]*result{}
		for _, f := range m.Funcs {
			o, ok := outcomes[f.QualName]
			if !ok || !o.Optimized || len(o.Variants) == 0 {
				continue
			}
			var variants []string
			for _, v := range o.Variants {
				if v != "cupy" && v != "ray" { // the cpu target: GPU and cluster variants are measured elsewhere
					variants = append(variants, v)
				}
			}
			if len(variants) == 0 {
				continue // only a Ray variant (a loop that calls functions): nothing to measure here
			}
			job, err := autotune.JobFor(f, variants, scales)
			if err != nil {
				fmt.Fprintf(os.Stderr, "pyparc: tune: %s: %v\n", f.QualName, err)
				continue
			}
			jobs = append(jobs, job)
			r := &result{file: m.Path, job: job}
			results = append(results, r)
			byName[job.Name] = r
		}
		if len(jobs) == 0 {
			continue
		}
		total := 0
		for _, j := range jobs {
			total += len(j.Variants) * len(j.Scales)
		}
		done := 0
		best := map[string]string{}
		err = autotune.Run(ctx, filepath.Join(dir, rel), jobs, opt, func(am autotune.Measurement) error {
			r := byName[am.Func]
			if r == nil {
				return nil
			}
			if am.Variant == "" { // a skipped size
				fmt.Fprintf(os.Stderr, "%s x%g: %s\n", am.Func, am.Scale, am.Detail)
				return nil
			}
			done++
			r.ms = append(r.ms, am)
			key := fmt.Sprintf("%s@%g", am.Func, am.Scale)
			if am.OK && (best[key] == "" || am.Seconds < bestTime(r.ms, am.Func, am.Scale, best[key])) {
				best[key] = am.Variant
			}
			best[am.Func] = best[key]
			// A live line on a terminal; one line per candidate otherwise.
			format := "%s: candidate %d of %d (%s at x%g: %s), best at this size: %s\n"
			if live {
				format = "\r\033[K" + strings.TrimSuffix(format, "\n")
			}
			fmt.Fprintf(os.Stderr, format, am.Func, done, total, am.Variant, am.Scale, secs(am), best[am.Func])
			return st.SaveMeasurement(store.Measurement{File: r.file, QualName: am.Func, Target: "cpu",
				Variant: am.Variant, Scale: am.Scale, Work: am.Work, Seconds: am.Seconds, Runs: am.Runs,
				OK: am.OK, Detail: am.Detail})
		})
		if live {
			fmt.Fprintln(os.Stderr)
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "pyparc: tune: interrupted; deciding on what was measured")
			break
		}
	}
	for _, r := range results {
		if len(r.ms) == 0 {
			continue
		}
		r.decision, r.err = autotune.Decide(r.job, r.ms)
		if r.err == nil {
			r.err = st.SaveDecision(r.file, r.job.Name, "cpu", r.decision)
		}
	}
	if cmd.Bool("json") {
		type out struct {
			Function     string                 `json:"function"`
			File         string                 `json:"file"`
			Measurements []autotune.Measurement `json:"measurements"`
			Decision     store.Decision         `json:"decision"`
			Error        string                 `json:"error,omitempty"`
		}
		var outs []out
		for _, r := range results {
			o := out{Function: r.job.Name, File: r.file, Measurements: r.ms, Decision: r.decision}
			if r.err != nil {
				o.Error = r.err.Error()
			}
			outs = append(outs, o)
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(outs)
	}
	for _, r := range results {
		printTuneTable(r.job, r.ms, r.decision, r.err)
	}
	return nil
}

func bestTime(ms []autotune.Measurement, fn string, scale float64, variant string) float64 {
	for _, m := range ms {
		if m.Func == fn && m.Scale == scale && m.Variant == variant && m.OK {
			return m.Seconds
		}
	}
	return 1e300
}

func secs(m autotune.Measurement) string {
	if !m.OK {
		return "disqualified: " + m.Detail
	}
	return fmt.Sprintf("%.3gs", m.Seconds)
}

// printTuneTable prints variants x sizes with median times, and the decision.
func printTuneTable(job autotune.FuncJob, ms []autotune.Measurement, d store.Decision, err error) {
	fmt.Printf("%s  (work n = %s)\n", job.Name, job.Work)
	var scales []float64
	works := map[float64]float64{}
	times := map[string]map[float64]string{}
	for _, m := range ms {
		if _, ok := works[m.Scale]; !ok {
			scales = append(scales, m.Scale)
			works[m.Scale] = m.Work
		}
		if times[m.Variant] == nil {
			times[m.Variant] = map[float64]string{}
		}
		if m.OK {
			times[m.Variant][m.Scale] = fmt.Sprintf("%.3g", m.Seconds)
		} else {
			times[m.Variant][m.Scale] = "wrong"
		}
	}
	sort.Float64s(scales)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "variant\t")
	for _, s := range scales {
		fmt.Fprintf(tw, "x%g (n=%.3g)\t", s, works[s])
	}
	fmt.Fprintln(tw)
	for _, v := range job.Variants {
		fmt.Fprintf(tw, "%s\t", v)
		for _, s := range scales {
			t := times[v][s]
			if t == "" {
				t = "-"
			}
			fmt.Fprintf(tw, "%s\t", t)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if err != nil {
		fmt.Printf("  no decision: %v\n\n", err)
		return
	}
	var parts []string
	for _, r := range d.Ranges {
		if r.Below > 0 {
			parts = append(parts, fmt.Sprintf("%s for n < %.4g", r.Variant, r.Below))
		} else {
			parts = append(parts, r.Variant+" above")
		}
	}
	fmt.Printf("  choice: %s\n", strings.Join(parts, ", then "))
	for v, why := range d.Disqualified {
		fmt.Printf("  disqualified %s: %s\n", v, why)
	}
	fmt.Println()
}
