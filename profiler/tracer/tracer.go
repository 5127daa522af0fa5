// Package tracer holds the Python side of profiling: a small tracer that runs a script and
// streams what the script's own functions were called with to pyparc as JSON lines. It is
// shipped inside the pyparc binary so that profiling needs nothing installed beside Python.
package tracer

import _ "embed"

// Source is the tracer program, run as `python -c Source SCRIPT ARGS...`.
//
//go:embed pyparc_tracer.py
var Source string

// FDEnv names the environment variable that tells the tracer which file descriptor to write to.
const FDEnv = "PYPARC_TRACE_FD"
