// Package profiler runs a Python program under the embedded tracer (package tracer), ingests
// what the tracer streams into the store as the program runs, and exports the line samples as
// a pprof profile. It records observations; inferring types from them is typeinfer's job.
package profiler

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pyparc/pyparc/profiler/tracer"
	"github.com/pyparc/pyparc/store"
)

// Options says what to run and where its standard streams go.
type Options struct {
	Python string   // interpreter; empty means $PYPARC_PYTHON, else python3 from PATH
	Script string   // the program
	Args   []string // its arguments
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Result says how a profiled run ended.
type Result struct {
	RunID    int64
	ExitCode int    // the script's exit code; 128+N when it died of signal N
	Status   string // "exit 0", "signal: killed", ...
	Duration time.Duration
}

// SyntaxError reports a script that Python refused to compile; nothing was run.
type SyntaxError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	if e.Col <= 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// FindPython resolves the interpreter to use.
func FindPython(python string) (string, error) {
	if python == "" {
		python = os.Getenv("PYPARC_PYTHON")
	}
	if python == "" {
		python = "python3"
	}
	path, err := exec.LookPath(python)
	if err != nil {
		return "", fmt.Errorf("python interpreter %q not found (use --python): %w", python, err)
	}
	return path, nil
}

// CheckScript rejects what cannot be a Python script before anything runs.
func CheckScript(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: no such file", path)
		}
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory, not a Python script", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.IndexByte(head[:n], 0) >= 0 {
		return fmt.Errorf("%s: not a Python source file (it holds binary data)", path)
	}
	return nil
}

// message is one line of the tracer's stream; which fields are set depends on T.
type message struct {
	T string `json:"t"`
	// start
	Python       string `json:"python"`
	Numpy        string `json:"numpy"`
	SamplePeriod int64  `json:"sample_period_ns"`
	// syntax
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Msg  string `json:"msg"`
	// snap
	store.Snapshot
}

// Run runs the script under the tracer, recording into st as it goes, and returns once the
// script has exited and everything it reported is stored.
func Run(ctx context.Context, st *store.Store, opt Options) (Result, error) {
	if err := CheckScript(opt.Script); err != nil {
		return Result{}, err
	}
	python, err := FindPython(opt.Python)
	if err != nil {
		return Result{}, err
	}
	abs, err := filepath.Abs(opt.Script)
	if err != nil {
		return Result{}, err
	}
	cwd, _ := os.Getwd()
	start := time.Now()
	id, err := st.CreateRun(store.Run{
		Script: abs, Argv: append([]string{opt.Script}, opt.Args...), Cwd: cwd, Python: python,
		StartedAt: start,
	})
	if err != nil {
		return Result{}, err
	}

	pr, pw, err := os.Pipe()
	if err != nil {
		return Result{}, err
	}
	defer pr.Close()
	args := append([]string{"-c", tracer.Source, opt.Script}, opt.Args...)
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opt.Stdin, opt.Stdout, opt.Stderr
	cmd.ExtraFiles = []*os.File{pw} // becomes fd 3 in the child
	cmd.Env = append(os.Environ(), tracer.FDEnv+"=3")

	// The terminal sends ^C to the whole process group, so the script sees it; pyparc stays up
	// to record how the script ended. A SIGTERM aimed at pyparc alone is passed on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		pw.Close()
		st.DeleteRun(id)
		return Result{}, fmt.Errorf("start %s: %w", python, err)
	}
	pw.Close()
	go func() {
		for s := range sigs {
			if s == syscall.SIGTERM {
				cmd.Process.Signal(s)
			}
		}
	}()

	ingested := make(chan ingestResult, 1)
	go func() { ingested <- ingest(pr, st, id) }()
	waitErr := cmd.Wait()
	in := <-ingested
	res := Result{RunID: id, Duration: time.Since(start)}
	res.ExitCode, res.Status = exitStatus(cmd.ProcessState, waitErr)

	if in.syntax != nil {
		st.DeleteRun(id)
		return Result{}, in.syntax
	}
	if err := st.FinishRun(id, res.Duration, res.ExitCode, res.Status); err != nil && in.err == nil {
		in.err = err
	}
	if in.err != nil {
		return res, fmt.Errorf("profile of %s incomplete: %w", opt.Script, in.err)
	}
	return res, nil
}

type ingestResult struct {
	syntax *SyntaxError
	err    error // the first store error; reading goes on after it so the script never blocks
}

// ingest reads the tracer's stream until the script closes it, storing every snapshot.
func ingest(r io.Reader, st *store.Store, id int64) ingestResult {
	var res ingestResult
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			res.handle(line, st, id)
		}
		if err != nil {
			// A partial last line means the script died mid-write; what came before is stored.
			return res
		}
	}
}

func (res *ingestResult) handle(line []byte, st *store.Store, id int64) {
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		res.fail(fmt.Errorf("tracer sent a bad message: %w", err))
		return
	}
	switch m.T {
	case "start":
		res.fail(st.SetRunVersions(id, m.Python, m.Numpy, time.Duration(m.SamplePeriod)))
	case "syntax":
		res.syntax = &SyntaxError{File: m.File, Line: m.Line, Col: m.Col, Msg: m.Msg}
	case "snap":
		res.fail(st.SaveSnapshot(id, &m.Snapshot))
	}
}

func (res *ingestResult) fail(err error) {
	if err != nil && res.err == nil {
		res.err = err
	}
}

// exitStatus turns how the process ended into a shell-style exit code and a description.
func exitStatus(ps *os.ProcessState, waitErr error) (int, string) {
	if ps == nil {
		return 1, fmt.Sprint(waitErr)
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), "signal: " + ws.Signal().String()
	}
	return ps.ExitCode(), fmt.Sprintf("exit %d", ps.ExitCode())
}
