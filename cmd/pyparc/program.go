package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/profiler"
	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

// loadProgram parses SCRIPT and its local modules and attaches what the profile recorded.
// Without a database the program is loaded with the source's own annotations only.
func loadProgram(cmd *cli.Command, script string) (*typeinfer.Program, error) {
	if err := profiler.CheckScript(script); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(script)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(dbPath(cmd), false)
	if errors.Is(err, store.ErrNoDatabase) {
		// Without a profile, the source's own annotations are all there is.
		return typeinfer.Load(script, nil)
	}
	if err != nil {
		return nil, err
	}
	defer st.Close()
	funcs, bad, err := st.AllRuns(abs)
	if err != nil {
		return nil, err
	}
	for _, e := range bad {
		fmt.Fprintf(cmd.Root().ErrWriter, "pyparc: warning: %s: %v\n", st.Path(), e)
	}
	return typeinfer.Load(script, funcs)
}

// loadDecisions returns pyparc tune's decisions for the functions of one file, if the profile
// database exists and has any.
func loadDecisions(cmd *cli.Command, file string) (map[string]store.Decision, error) {
	st, err := store.Open(dbPath(cmd), false)
	if errors.Is(err, store.ErrNoDatabase) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Decisions(file, "cpu")
}
