package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/typeinfer"
)

var hintsCommand = &cli.Command{
	Name:      "hints",
	Usage:     "type hints with NumPy dtypes and symbolic shapes, synthesized from the profile",
	ArgsUsage: "SCRIPT",
	Description: "Prints, for every profiled function of SCRIPT and its local modules, the signature " +
		"with PEP 484 hints (arrays as Annotated[NDArray[np.float64], \"N M\"], where N and M are " +
		"shape symbols shared by all dimensions that always had the same size), the ranges of int " +
		"parameters and the relations between ints and array extents. Annotations already in the " +
		"source are kept, and reported where they disagree with what was recorded.",
	Flags: []cli.Flag{
		dbFlag(),
		&cli.BoolFlag{Name: "json", Usage: "print the types, symbols and relations as JSON"},
		&cli.BoolFlag{Name: "apply", Usage: "write the hints into the source files (signatures and imports only)"},
		&cli.StringFlag{Name: "stub", Usage: "write .pyi stubs into `DIR` instead"},
	},
	Action: hintsAction,
}

// hintReport is one function in `hints --json`.
type hintReport struct {
	Function  string             `json:"function"`
	Module    string             `json:"module"`
	Position  string             `json:"position"`
	Def       string             `json:"def"`
	Calls     int64              `json:"calls"`
	Params    []hintParam        `json:"params"`
	Return    string             `json:"return,omitempty"`
	Symbols   []typeinfer.Symbol `json:"symbols"`
	Relations []string           `json:"relations"`
	Locals    []hintParam        `json:"locals"`
	Conflicts []string           `json:"conflicts,omitempty"`
}

type hintParam struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func hintsAction(ctx context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() != 1 {
		return errors.New("hints: give exactly one SCRIPT")
	}
	if cmd.Bool("apply") && cmd.String("stub") != "" {
		return errors.New("hints: --apply and --stub exclude each other")
	}
	prog, err := loadProgram(cmd, cmd.Args().First())
	if err != nil {
		return err
	}
	var reports []hintReport
	for _, m := range prog.Modules {
		for _, f := range m.Funcs {
			if f.Recorded == nil {
				continue
			}
			rep := hintReport{Function: f.QualName, Module: m.Name, Position: m.File.Position(f.Def.Pos()).String(),
				Def: f.DefLine(), Calls: f.Calls, Symbols: f.Recorded.Symbols, Conflicts: f.Conflicts}
			for _, p := range f.Recorded.Params {
				rep.Params = append(rep.Params, hintParam{p.Name, p.Type.String()})
			}
			if f.Recorded.Return != nil {
				rep.Return = f.Recorded.Return.String()
			}
			for _, r := range f.Recorded.Relations {
				rep.Relations = append(rep.Relations, r.String())
			}
			for _, l := range f.Locals() {
				rep.Locals = append(rep.Locals, hintParam{l.Name, l.Type.String()})
			}
			reports = append(reports, rep)
		}
	}
	if len(reports) == 0 {
		return fmt.Errorf("%s: no profiled function (run `pyparc profile run %s` first)", cmd.Args().First(), cmd.Args().First())
	}
	switch {
	case cmd.Bool("apply"):
		return applyHints(prog)
	case cmd.String("stub") != "":
		return writeStubs(prog, cmd.String("stub"))
	case cmd.Bool("json"):
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	for _, r := range reports {
		fmt.Printf("# %s  (%d calls)\n%s\n", r.Position, r.Calls, r.Def)
		var notes []string
		for _, m := range prog.Modules {
			if f := m.Func(r.Function); f != nil && m.Name == r.Module {
				notes = f.Notes()
			}
		}
		if len(notes) > 0 {
			fmt.Printf("    # %s\n", strings.Join(notes, "; "))
		}
		if len(r.Locals) > 0 {
			var ls []string
			for _, l := range r.Locals {
				ls = append(ls, l.Name+": "+l.Type)
			}
			fmt.Printf("    # locals: %s\n", strings.Join(ls, ", "))
		}
		for _, c := range r.Conflicts {
			fmt.Fprintf(os.Stderr, "pyparc: %s\n", c)
		}
		fmt.Println()
	}
	return nil
}

func applyHints(prog *typeinfer.Program) error {
	for _, m := range prog.Modules {
		out, err := m.Apply()
		if err != nil {
			return fmt.Errorf("%s: %w", m.Path, err)
		}
		if string(out) == string(m.File.Src) {
			continue
		}
		fi, err := os.Stat(m.Path)
		if err != nil {
			return err
		}
		// Write beside, then rename: an interrupted apply never leaves half a file.
		tmp := m.Path + ".pyparc-tmp"
		if err := os.WriteFile(tmp, out, fi.Mode().Perm()); err != nil {
			return err
		}
		if err := os.Rename(tmp, m.Path); err != nil {
			os.Remove(tmp)
			return err
		}
		fmt.Printf("annotated %s\n", m.File.Name)
	}
	return nil
}

func writeStubs(prog *typeinfer.Program, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, m := range prog.Modules {
		name := strings.TrimSuffix(filepath.Base(m.Path), ".py") + ".pyi"
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(m.Stub()), 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s\n", path)
	}
	return nil
}
