package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/profiler"
	"github.com/pyparc/pyparc/store"
)

var stopAfterScript = 1

var profileCommand = &cli.Command{
	Name:  "profile",
	Usage: "record and show what a real run of a program does",
	Commands: []*cli.Command{
		{
			Name:      "run",
			Usage:     "run SCRIPT with ARGS under the tracer and record types, shapes and time",
			ArgsUsage: "SCRIPT [ARGS...]",
			Description: "Runs SCRIPT with python, passing ARGS, stdin, stdout and stderr through " +
				"untouched, and exits with the script's exit code. Records every function of the " +
				"program's own files (the script's directory tree): calls, total and self time, " +
				"each distinct call signature (types; NumPy dtype, shape, contiguity; int ranges), " +
				"exceptions, and line samples at about 1 kHz. Data is stored as the run goes, so " +
				"a run that crashes or is killed keeps what it recorded until then. Flags go " +
				"before SCRIPT; everything after it belongs to the script.",
			StopOnNthArg: &stopAfterScript,
			Flags: []cli.Flag{
				dbFlag(),
				&cli.StringFlag{Name: "pprof", Usage: "also write the line samples as a pprof profile (gzipped) to `FILE`"},
				&cli.StringFlag{Name: "python", Usage: "Python interpreter `EXE` (default: $PYPARC_PYTHON, else python3)"},
			},
			Action: profileRun,
		},
		{
			Name:  "show",
			Usage: "hot functions by self time, with their call signatures",
			Flags: []cli.Flag{
				dbFlag(),
				&cli.IntFlag{Name: "run", Usage: "run `ID` to show (default: the newest)"},
				&cli.BoolFlag{Name: "json", Usage: "print JSON for scripts"},
				&cli.IntFlag{Name: "top", Value: 20, Usage: "show at most `N` functions and lines (0: all)"},
			},
			Action: profileShow,
		},
	},
}

func profileRun(ctx context.Context, cmd *cli.Command) error {
	args := cmd.Args().Slice()
	if len(args) == 0 {
		return errors.New("profile run: no script given (usage: pyparc profile run [flags] SCRIPT [ARGS...])")
	}
	script := args[0]
	// Check the script before the database, so a typo never creates an empty database.
	if err := profiler.CheckScript(script); err != nil {
		return err
	}
	st, err := store.Open(dbPath(cmd), true)
	if err != nil {
		return err
	}
	defer st.Close()

	res, err := profiler.Run(ctx, st, profiler.Options{
		Python: cmd.String("python"), Script: script, Args: args[1:],
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
	})
	if err != nil {
		return err
	}
	if path := cmd.String("pprof"); path != "" {
		if err := writePprof(st, res.RunID, path); err != nil {
			return err
		}
	}
	if isTerminal(os.Stderr) {
		fmt.Fprintf(os.Stderr, "pyparc: run %d recorded in %s (%s, %s); see `pyparc profile show`\n",
			res.RunID, st.Path(), res.Status, res.Duration.Round(time.Millisecond))
	}
	if res.ExitCode != 0 {
		return exitCode(res.ExitCode)
	}
	return nil
}

func writePprof(st *store.Store, id int64, path string) error {
	run, err := st.Run(id)
	if err != nil {
		return err
	}
	stacks, err := st.Stacks(id)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	if err := profiler.WritePprof(f, run, stacks); err != nil {
		f.Close()
		return fmt.Errorf("pprof %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// profileReport is what `profile show --json` prints.
type profileReport struct {
	Run       store.Run          `json:"run"`
	Functions []store.Function   `json:"functions"`
	Lines     []store.LineSample `json:"lines"`
	Warnings  []string           `json:"warnings,omitempty"`
}

func profileShow(ctx context.Context, cmd *cli.Command) error {
	st, err := store.Open(dbPath(cmd), false)
	if err != nil {
		return err
	}
	defer st.Close()
	run, err := st.Run(int64(cmd.Int("run")))
	if err != nil {
		return fmt.Errorf("%s: %w", st.Path(), err)
	}
	funcs, bad, err := st.Functions(run.ID)
	if err != nil {
		return err
	}
	lines, err := st.LineSamples(run.ID)
	if err != nil {
		return err
	}
	rep := profileReport{Run: run, Functions: funcs, Lines: lines}
	for _, e := range bad {
		rep.Warnings = append(rep.Warnings, e.Error())
	}
	if top := cmd.Int("top"); top > 0 {
		if len(rep.Functions) > top {
			rep.Functions = rep.Functions[:top]
		}
		if len(rep.Lines) > top {
			rep.Lines = rep.Lines[:top]
		}
	}
	if cmd.Bool("json") {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printReport(os.Stdout, rep)
}

func printReport(w io.Writer, rep profileReport) error {
	r := rep.Run
	status := r.ExitStatus
	if !r.Finished {
		status = "unfinished"
	}
	fmt.Fprintf(w, "run %d  %s  python %s  numpy %s  %s  %s\n", r.ID,
		r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.PythonVersion, orDash(r.NumpyVersion),
		r.Duration.Round(time.Millisecond), status)
	fmt.Fprintf(w, "  %s\n\n", strings.Join(r.Argv, " "))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "self\ttotal\tcalls\texc\t\t")
	for _, f := range rep.Functions {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\t%s  %s:%d\n", ms(f.SelfNS), ms(f.TotalNS), f.Calls,
			f.Exceptions, f.QualName, rel(r.Cwd, f.File), f.FirstLine)
	}
	tw.Flush()
	for _, f := range rep.Functions {
		if len(f.Signatures) == 0 || f.QualName == "<module>" {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", f.QualName)
		for _, sig := range f.Signatures {
			parts := make([]string, len(sig.Args))
			for i, a := range sig.Args {
				parts[i] = a.Name + ": " + a.Value.String()
			}
			var rets []string
			for _, ret := range sig.Returns {
				rets = append(rets, ret.Value.String())
			}
			ret := strings.Join(rets, " | ")
			if ret == "" {
				ret = "(raised)"
			}
			fmt.Fprintf(w, "  %6dx (%s) -> %s\n", sig.Calls, strings.Join(parts, ", "), ret)
		}
	}
	if len(rep.Lines) > 0 {
		var total int64
		for _, l := range rep.Lines {
			total += l.NS
		}
		fmt.Fprintf(w, "\nhot lines (sampled)\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range rep.Lines {
			fmt.Fprintf(tw, "  %s\t%5.1f%%\t%s:%d\t%s\n", ms(l.NS), 100*float64(l.NS)/float64(total),
				rel(r.Cwd, l.File), l.Line, l.Function)
		}
		tw.Flush()
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	return nil
}

func ms(ns int64) string {
	return fmt.Sprintf("%.1fms", float64(ns)/1e6)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// rel shortens paths under the run's working directory.
func rel(base, path string) string {
	if r, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
