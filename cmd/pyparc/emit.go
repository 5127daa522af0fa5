package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/emit"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

var emitCommand = &cli.Command{
	Name:      "emit",
	Usage:     "write the optimized, multi-versioned program",
	ArgsUsage: "SCRIPT",
	Description: "Writes into OUTDIR a runnable copy of SCRIPT and the Python files beside it. Every " +
		"function pyparc can vectorize keeps its original as _f__orig and gains a NumPy variant " +
		"_f__numpy, a guard _guard_f and a dispatcher f that runs the variant only when the " +
		"arguments have the types, dtypes, ranks and shape relations it was compiled for and no " +
		"written array aliases another argument; otherwise the original runs. Everything else is " +
		"copied byte for byte. The runtime package pyparc_rt is written beside the script. A summary " +
		"says which functions were optimized and which were not, and why.",
	Flags: []cli.Flag{
		dbFlag(),
		&cli.StringFlag{Name: "o", Aliases: []string{"out"}, Usage: "output `DIR` (required)", Required: true},
	},
	Action: emitAction,
}

func emitAction(ctx context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() != 1 {
		return errors.New("emit: give exactly one SCRIPT")
	}
	script := cmd.Args().First()
	out := cmd.String("o")
	prog, err := loadProgram(cmd, script)
	if err != nil {
		return err
	}
	srcDir := filepath.Dir(prog.Script)
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(absOut); err == nil {
		absOut = real
	}
	if absOut == srcDir {
		return fmt.Errorf("emit: %s is the script's own directory; choose another output directory", out)
	}
	if err := os.MkdirAll(absOut, 0o755); err != nil {
		return err
	}
	written, err := emitProgram(cmd, prog, absOut, true, func(o emit.Outcome) {
		if o.Optimized {
			fmt.Printf("optimized  %s (%s): %s\n", o.Function, o.Position, o.Detail)
		} else {
			fmt.Printf("unchanged  %s (%s): %s\n", o.Function, o.Position, o.Detail)
		}
	})
	if err != nil {
		return err
	}
	// The other Python files beside the script come along unchanged, so that imports resolve.
	others, _ := filepath.Glob(filepath.Join(srcDir, "*.py"))
	for _, p := range others {
		if fi, err := os.Stat(p); written[p] || err != nil || !fi.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(absOut, filepath.Base(p)), b); err != nil {
			return err
		}
	}
	if err := emit.WriteRuntime(absOut); err != nil {
		return fmt.Errorf("emit: runtime: %w", err)
	}
	fmt.Printf("wrote %s\n", filepath.Join(out, filepath.Base(prog.Script)))
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// emitProgram writes the rewritten modules of prog under out (relative to the script's
// directory), reporting each function's outcome, and returns the paths it wrote. With tuned,
// the dispatchers follow pyparc tune's recorded decisions.
func emitProgram(cmd *cli.Command, prog *typeinfer.Program, out string, tuned bool, report func(emit.Outcome)) (map[string]bool, error) {
	srcDir := filepath.Dir(prog.Script)
	ictx, err := isl.NewContext()
	if err != nil {
		return nil, err
	}
	defer ictx.Free()
	written := map[string]bool{}
	for _, m := range prog.Modules {
		var decisions map[string]store.Decision
		if tuned {
			if decisions, err = loadDecisions(cmd, m.Path); err != nil {
				return nil, err
			}
		}
		text, outcomes, err := emit.Module(ictx, m, decisions)
		if err != nil {
			return nil, fmt.Errorf("emit %s: %w", m.File.Name, err)
		}
		rel, err := filepath.Rel(srcDir, m.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		if err := writeFile(filepath.Join(out, rel), text); err != nil {
			return nil, err
		}
		written[m.Path] = true
		for _, o := range outcomes {
			report(o)
		}
	}
	return written, nil
}
