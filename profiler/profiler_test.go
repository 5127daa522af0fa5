package profiler

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/pyparc/pyparc/store"
)

// programs is the corpus the end-to-end tests profile.
var programs = filepath.Join("..", "testdata", "programs", "basic")

func needPython(t *testing.T) {
	t.Helper()
	if _, err := FindPython(""); err != nil {
		t.Skip("no python3:", err)
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "profile.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// profileRun profiles script with args and returns the result, stdout and stderr.
func profileRun(t *testing.T, st *store.Store, script string, args ...string) (Result, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	res, err := Run(context.Background(), st, Options{Script: script, Args: args,
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("profile %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	return res, stdout.String(), stderr.String()
}

func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// function finds qualname in run id, failing the test when it is missing.
func function(t *testing.T, st *store.Store, id int64, qualname string) store.Function {
	t.Helper()
	funcs, bad, err := st.Functions(id)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	var names []string
	for _, f := range funcs {
		if f.QualName == qualname {
			return f
		}
		names = append(names, f.QualName)
	}
	t.Fatalf("run %d has no function %s; it has %v", id, qualname, names)
	return store.Function{}
}

// argTypes renders a signature as "name: type, ..." for comparison.
func argTypes(sig store.Signature) string {
	parts := make([]string, len(sig.Args))
	for i, a := range sig.Args {
		parts[i] = a.Name + ": " + a.Value.String()
	}
	return strings.Join(parts, ", ")
}

func TestProfileGemm(t *testing.T) {
	needPython(t)
	st := openStore(t)
	res, out, _ := profileRun(t, st, filepath.Join(programs, "gemm.py"), "--n", "6", "--repeat", "3")
	if res.ExitCode != 0 || !strings.HasPrefix(out, "checksum ") {
		t.Fatalf("exit %d, stdout %q", res.ExitCode, out)
	}
	f := function(t, st, res.RunID, "gemm")
	if f.Calls != 3 || len(f.Signatures) != 1 || f.Module != "__main__" || f.FirstLine != 23 {
		t.Fatalf("gemm = %+v", f)
	}
	want := "alpha: float, beta: float, C: float64[6, 8], A: float64[6, 10], B: float64[10, 8], " +
		"ni: int =6, nj: int =8, nk: int =10"
	if got := argTypes(f.Signatures[0]); got != want {
		t.Errorf("gemm signature:\n got %s\nwant %s", got, want)
	}
	if f.Signatures[0].Calls != 3 || f.Signatures[0].Returns[0].Value.Type != "None" {
		t.Errorf("gemm signature = %+v", f.Signatures[0])
	}
	if f.TotalNS <= 0 || f.SelfNS <= 0 || f.SelfNS > f.TotalNS {
		t.Errorf("gemm times: total %d, self %d", f.TotalNS, f.SelfNS)
	}
	// main calls init and gemm: its self time excludes theirs.
	m := function(t, st, res.RunID, "main")
	if m.TotalNS < f.TotalNS || m.SelfNS >= m.TotalNS {
		t.Errorf("main total %d self %d, gemm total %d", m.TotalNS, m.SelfNS, f.TotalNS)
	}
	run, err := st.Run(res.RunID)
	if err != nil || !run.Finished || run.ExitStatus != "exit 0" || run.PythonVersion == "" ||
		run.NumpyVersion == "" || run.Argv[1] != "--n" {
		t.Errorf("run = %+v, %v", run, err)
	}
}

func TestProfileJacobiIntRanges(t *testing.T) {
	needPython(t)
	st := openStore(t)
	res, _, _ := profileRun(t, st, filepath.Join(programs, "jacobi2d.py"), "12", "3")
	f := function(t, st, res.RunID, "jacobi_2d")
	want := "tsteps: int =3, n: int =12, A: float64[12, 12], B: float64[12, 12]"
	if f.Calls != 1 || argTypes(f.Signatures[0]) != want {
		t.Errorf("jacobi_2d: calls %d, signature %s; want 1, %s", f.Calls, argTypes(f.Signatures[0]), want)
	}

	// One signature, many int values: the range widens.
	script := writeScript(t, "ranges.py", `
import numpy as np
def scale(A, n):
    for i in range(n):
        A[i] *= 2.0
A = np.ones(10)
for n in (3, 7, 5):
    scale(A, n)
scale(A[::2], 4)
scale(np.asfortranarray(np.ones((3, 2)))[:, 0], 2)
`)
	res, _, _ = profileRun(t, st, script)
	f = function(t, st, res.RunID, "scale")
	var got []string
	for _, sig := range f.Signatures {
		got = append(got, argTypes(sig))
	}
	wantSigs := []string{"A: float64[10], n: int 3..7", "A: float64[5] strided view, n: int =4",
		"A: float64[3] view, n: int =2"}
	if f.Calls != 5 || strings.Join(got, "; ") != strings.Join(wantSigs, "; ") {
		t.Errorf("scale: calls %d, signatures\n got %q\nwant %q", f.Calls, got, wantSigs)
	}
}

func TestProfileNumpyStyleWithSiblingModule(t *testing.T) {
	needPython(t)
	st := openStore(t)
	res, out, _ := profileRun(t, st, filepath.Join(programs, "heat.py"), "--n", "20", "--steps", "12", "--float32")
	if !strings.Contains(out, "after 12 steps") {
		t.Fatalf("stdout %q", out)
	}
	lap := function(t, st, res.RunID, "laplacian")
	if lap.Module != "grid" || filepath.Base(lap.File) != "grid.py" || lap.Calls != 12 {
		t.Errorf("laplacian = %+v", lap)
	}
	if got := argTypes(lap.Signatures[0]); got != "u: float32[20, 20], h: float" {
		t.Errorf("laplacian signature %s", got)
	}
	if ret := lap.Signatures[0].Returns[0].Value.String(); ret != "float32[20, 20]" {
		t.Errorf("laplacian returns %s", ret)
	}
	if e := function(t, st, res.RunID, "energy"); e.Calls != 2 || e.Signatures[0].Returns[0].Value.Type != "float" {
		t.Errorf("energy = %+v", e)
	}
	// numpy's own functions are not the program's: none is recorded.
	funcs, _, _ := st.Functions(res.RunID)
	for _, f := range funcs {
		if !strings.HasPrefix(f.File, mustAbs(t, programs)) {
			t.Errorf("recorded a function outside the program: %s in %s", f.QualName, f.File)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		t.Fatal(err)
	}
	return real
}

func TestProfileEndings(t *testing.T) {
	needPython(t)
	tests := []struct {
		name, src  string
		code       int
		status     string
		fn         string
		calls, exc int64
		stderr     string
	}{
		{"exit3", "import sys\ndef f(x):\n    return x + 1\nf(1)\nf(2)\nsys.exit(3)\n",
			3, "exit 3", "f", 2, 0, ""},
		{"raises", "def f(x):\n    if x > 1:\n        raise ValueError('too big')\n    return x\n" +
			"for i in range(3):\n    try:\n        f(i)\n    except ValueError:\n        pass\nf(5)\n",
			1, "exit 1", "f", 4, 2, "ValueError: too big"},
		// Killed by SIGKILL after a flush: what was recorded up to then survives.
		{"killed", "import os, signal, time\ndef f(x):\n    return x * 2\nfor i in range(10):\n    f(i)\n" +
			"time.sleep(1.5)\nos.kill(os.getpid(), signal.SIGKILL)\n",
			137, "signal: killed", "f", 10, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			res, _, stderr := profileRun(t, st, writeScript(t, tt.name+".py", tt.src))
			if res.ExitCode != tt.code || res.Status != tt.status {
				t.Errorf("exit %d %q, want %d %q", res.ExitCode, res.Status, tt.code, tt.status)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.stderr)
			}
			if strings.Contains(stderr, "pyparc_tracer") || strings.Contains(stderr, "<string>") {
				t.Errorf("traceback shows the tracer's frames:\n%s", stderr)
			}
			f := function(t, st, res.RunID, tt.fn)
			if f.Calls != tt.calls || f.Exceptions != tt.exc {
				t.Errorf("%s: calls %d exceptions %d, want %d %d", tt.fn, f.Calls, f.Exceptions, tt.calls, tt.exc)
			}
			run, _ := st.Run(res.RunID)
			if run.ExitStatus != tt.status {
				t.Errorf("stored status %q, want %q", run.ExitStatus, tt.status)
			}
		})
	}
}

func TestStreamsPassThrough(t *testing.T) {
	needPython(t)
	st := openStore(t)
	script := writeScript(t, "echo.py", "import sys\ndata = sys.stdin.read()\n"+
		"sys.stdout.write(data.upper())\nsys.stderr.write('err:' + sys.argv[1] + '\\n')\n")
	var stdout, stderr bytes.Buffer
	_, err := Run(context.Background(), st, Options{Script: script, Args: []string{"--flag"},
		Stdin: strings.NewReader("hello\n"), Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "HELLO\n" || stderr.String() != "err:--flag\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

func TestSyntaxErrorRunsNothing(t *testing.T) {
	needPython(t)
	st := openStore(t)
	script := writeScript(t, "bad.py", "def f(:\n    pass\n")
	_, err := Run(context.Background(), st, Options{Script: script, Stdout: os.Stdout, Stderr: os.Stderr})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 1 || se.Col == 0 ||
		!strings.HasPrefix(err.Error(), script+":1:") {
		t.Fatalf("err = %v, want a syntax error at %s:1:col", err, script)
	}
	if runs, _ := st.Runs(); len(runs) != 0 {
		t.Errorf("a run was recorded for a script that did not compile: %+v", runs)
	}
}

func TestCheckScript(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "prog.bin")
	os.WriteFile(bin, []byte{0x7f, 'E', 'L', 'F', 0, 0, 1}, 0o644)
	tests := []struct{ path, want string }{
		{filepath.Join(dir, "missing.py"), "missing.py: no such file"},
		{dir, "is a directory"},
		{bin, "prog.bin: not a Python source file"},
	}
	for _, tt := range tests {
		if err := CheckScript(tt.path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckScript(%s) = %v, want %q", tt.path, err, tt.want)
		}
	}
}

func TestLineSamplesAndPprof(t *testing.T) {
	needPython(t)
	st := openStore(t)
	// The loop spins for CPU time, not wall time: the sampler's timer counts CPU time, and on
	// a loaded machine 0.4 s of wall time can hold a few hundredths of CPU time.
	script := writeScript(t, "busy.py", `import time
def spin(seconds):
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return n
def outer():
    return spin(0.4)
outer()
`)
	res, _, _ := profileRun(t, st, script)
	lines, err := st.LineSamples(res.RunID)
	if err != nil || len(lines) == 0 {
		t.Fatalf("line samples %v, %v", lines, err)
	}
	var spinSamples int64
	for _, l := range lines {
		if l.Function == "spin" && (l.Line == 5 || l.Line == 6) {
			spinSamples += l.Samples
		}
	}
	// 0.4 s of CPU at about 1 kHz; allow for samples landing on other lines.
	if spinSamples < 50 {
		t.Errorf("only %d samples on spin's loop lines; lines: %+v", spinSamples, lines)
	}

	run, _ := st.Run(res.RunID)
	stacks, _ := st.Stacks(res.RunID)
	var buf bytes.Buffer
	if err := WritePprof(&buf, run, stacks); err != nil {
		t.Fatal(err)
	}
	raw := append([]byte(nil), buf.Bytes()...)
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sawStack bool
	for _, s := range p.Sample {
		var names []string
		for _, loc := range s.Location {
			names = append(names, loc.Line[0].Function.Name)
		}
		if strings.Join(names, "<") == "spin<outer<module" {
			sawStack = true
		}
	}
	if !sawStack || p.Period != 1e6 || len(p.SampleType) != 2 {
		t.Errorf("pprof profile lacks the spin<outer<module stack or period: %v", p)
	}
	if _, err := exec.LookPath("go"); err == nil {
		path := filepath.Join(t.TempDir(), "p.pb.gz")
		os.WriteFile(path, raw, 0o644)
		out, err := exec.Command("go", "tool", "pprof", "-top", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "spin") {
			t.Errorf("go tool pprof -top: %v\n%s", err, out)
		}
	}
}

func TestConcurrentRunsShareDatabase(t *testing.T) {
	needPython(t)
	path := filepath.Join(t.TempDir(), "shared.db")
	script := writeScript(t, "loop.py", "import time\ndef f(i):\n    return i\n"+
		"for i in range(2000):\n    f(i)\n    if i % 500 == 0:\n        time.sleep(0.3)\n")
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	errs := make([]error, 2)
	for w := range ids {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			st, err := store.Open(path, true)
			if err != nil {
				errs[w] = err
				return
			}
			defer st.Close()
			res, err := Run(context.Background(), st, Options{Script: script})
			ids[w], errs[w] = res.RunID, err
		}(w)
	}
	wg.Wait()
	st, err := store.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for w, id := range ids {
		if errs[w] != nil {
			t.Fatalf("run %d: %v", w, errs[w])
		}
		if f := function(t, st, id, "f"); f.Calls != 2000 {
			t.Errorf("run %d: f called %d times, want 2000", id, f.Calls)
		}
	}
}
