package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/emit"
	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

var explainCommand = &cli.Command{
	Name:      "explain",
	Usage:     "SCoPs, dependences and parallel loops of a program's functions, or why not",
	ArgsUsage: "SCRIPT[:FUNC]",
	Description: "For each function of SCRIPT (or only FUNC, a qualified name), prints its static " +
		"control parts: statements with their iteration domains, schedules and access relations in " +
		"isl notation, the flow, anti and output dependences isl computes, and for every loop whether " +
		"it is parallel, a reduction, or which dependences it carries. Parts left out of every SCoP " +
		"are listed with the reason. Array shapes and int parameters come from the profile (see " +
		"`pyparc hints`); functions never profiled use their own annotations, if any.",
	Flags: []cli.Flag{
		dbFlag(),
		&cli.BoolFlag{Name: "json", Usage: "print the same as JSON"},
	},
	Action: explainAction,
}

func explainAction(ctx context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() != 1 {
		return errors.New("explain: give exactly one SCRIPT or SCRIPT:FUNC")
	}
	script, only := cmd.Args().First(), ""
	if i := strings.LastIndex(script, ":"); i > 0 && !strings.HasSuffix(script, ".py") {
		script, only = script[:i], script[i+1:]
	}
	prog, err := loadProgram(cmd, script)
	if err != nil {
		return err
	}
	ictx, err := isl.NewContext()
	if err != nil {
		return err
	}
	defer ictx.Free()
	var reports []polyopt.Report
	for _, m := range prog.Modules {
		for _, f := range m.Funcs {
			if only != "" && f.QualName != only {
				continue
			}
			if only == "" && f.Recorded == nil && len(f.Declared) == 0 {
				continue
			}
			reports = append(reports, explainFunc(ictx, m, f))
		}
	}
	if only != "" && len(reports) == 0 {
		return fmt.Errorf("%s: no function %s", script, only)
	}
	if len(reports) == 0 {
		// A module profiled through the script that imports it has its calls recorded
		// under that script: explaining the script covers it.
		return fmt.Errorf("%s: no function was profiled or annotated (run `pyparc profile run` on the script that calls them, then explain that script, which covers the local modules it imports; or name one: %s:FUNC)", script, script)
	}
	if cmd.Bool("json") {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Println()
		}
		r.Print(os.Stdout)
	}
	return nil
}

func explainFunc(ictx *isl.Context, m *typeinfer.Module, f *typeinfer.Function) polyopt.Report {
	pf := polyopt.Func{File: m.File, Def: f.Def, QualName: f.QualName, Params: f.Params(),
		Modules: m.Modules(), Relations: f.Relations()}
	fn := polyopt.Extract(pf)
	// Explain what emit optimizes: the function with its array statements lowered to loops,
	// where that gives the SCoPs.
	lowered, lfn := emit.LowerArrays(pf)
	if lfn != nil {
		fn = lfn
	}
	var (
		analyses []*polyopt.Analysis
		errs     []error
	)
	for _, s := range fn.SCoPs {
		a, err := polyopt.Analyze(ictx, s)
		analyses = append(analyses, a)
		errs = append(errs, err)
	}
	r := polyopt.Explain(fn, m.File.Position(f.Def.Pos()).String(), analyses, errs)
	r.Lowered = lowered
	for i, s := range fn.SCoPs {
		if analyses[i] != nil && len(analyses[i].OutOfBounds) == 0 {
			ws, why := polyopt.Wavefronts(ictx, s, analyses[i], emit.WavefrontTiles)
			r.SCoPs[i].AddWavefronts(fn.File, ws, why)
			ovs, why := polyopt.Overlaps(s)
			r.SCoPs[i].AddOverlaps(fn.File, emit.OverlapsEmitted(ovs, &why), why)
		}
	}
	return r
}
