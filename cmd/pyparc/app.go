package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/pyparc/pyparc/store"
)

// exitCode carries a status to exit with and nothing to print: the profiled script's own code.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run executes the command line and returns the process exit status; every error is printed
// once, here, as "pyparc: ...".
func run(ctx context.Context, args []string, stderr io.Writer) int {
	app := &cli.Command{
		Name:  "pyparc",
		Usage: "make sequential Python/NumPy programs fast without rewriting them",
		Description: "pyparc profiles a real run of a program (types, NumPy shapes, time), " +
			"synthesizes type hints, optimizes its loop nests polyhedrally and emits a " +
			"multi-versioned program that runs the fast variant when the arguments match.",
		Commands:       []*cli.Command{profileCommand, hintsCommand, explainCommand, tuneCommand, emitCommand},
		ErrWriter:      stderr,
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	err := app.Run(ctx, args)
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	default:
		fmt.Fprintf(stderr, "pyparc: %v\n", err)
		return 1
	}
}

// dbFlag is the --db flag every command that reads or writes the profile shares.
func dbFlag() *cli.StringFlag {
	return &cli.StringFlag{
		Name:  "db",
		Usage: "profile database (default: $" + store.PathEnv + ", else " + store.DefaultPath + ")",
	}
}

// dbPath resolves --db, then $PYPARC_DB, then the default.
func dbPath(cmd *cli.Command) string {
	if p := cmd.String("db"); p != "" {
		return p
	}
	if p := os.Getenv(store.PathEnv); p != "" {
		return p
	}
	return store.DefaultPath
}
