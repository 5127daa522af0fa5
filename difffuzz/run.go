package difffuzz

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/pyparc/pyparc/emit"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/profiler"
	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

//go:embed harness.py
var harnessSource string

// Case is one program to check, with the sizes and input seed its driver runs with.
type Case struct {
	Name    string // a Python module name, unique within a batch
	Source  string
	Seed    int   // the driver's input seed
	Profile int   // the size profiled
	Sizes   []int // the sizes original and emitted are compared at
	Numba   bool  // false runs the emitted program with PYPARC_NUMBA=0: the NumPy variants
}

// Failure kinds. A program whose original raises is not a failure but invalid: the
// generator broke its own promise.
const (
	Mismatch      = "mismatch"       // an array differs
	EmittedRaised = "emitted-raised" // the emitted program raised where the original did not
	PyparcError   = "pyparc-error"   // profiling, loading or emitting returned an error
	PyparcPanic   = "pyparc-panic"   // pyparc panicked
	Crash         = "crash"          // the Python process running the program died
	Invalid       = "invalid"        // the original program raised: a generator bug
)

// Result is what happened to one case.
type Result struct {
	Case      *Case
	Status    string // "ok" or one of the kinds above
	Detail    string
	Optimized bool   // emit said "optimized" for the kernel
	Variants  string // the variants in the emitted file: "", "numpy", "numba", "numpy+numba"
	EmitNote  string // emit's detail for the kernel
	Calls     int    // calls of the emitted kernel
	Fast      int    // calls whose guard admitted a variant
	Numba     int    // calls of the Numba variant
	Inner     int    // calls of the numba_inner, numba_tiled, numba_sum and numba_overlap variants (forced, after the default)
	Ray       int    // calls of the Ray variant, forced, its kernels run in the harness's process
	Overlap   int    // calls of the numba_overlap variant (counted in Inner too)
	NumPy     int    // calls of the NumPy variant
}

// Failed reports a failure of pyparc (not of the generator).
func (r *Result) Failed() bool { return r.Status != "ok" && r.Status != Invalid }

// Config says where to work and with which Python.
type Config struct {
	Python  string // interpreter; empty means python3
	WorkDir string // parent of the temporary directories; empty means os.TempDir()
	Keep    bool   // keep the temporary directories (their paths go to the log)
	Log     func(format string, args ...any)
}

func (c Config) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

// Check profiles, emits and compares a batch of cases. All cases must share Numba. It
// returns one result per case, in order; an error means the batch itself could not run.
func Check(ctx context.Context, cfg Config, cases []*Case) ([]*Result, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp(cfg.WorkDir, "difffuzz-")
	if err != nil {
		return nil, err
	}
	if cfg.Keep {
		cfg.logf("batch of %s..%s in %s", cases[0].Name, cases[len(cases)-1].Name, dir)
	} else {
		defer os.RemoveAll(dir)
	}
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	for _, d := range []string{src, out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	results := make([]*Result, len(cases))
	byName := map[string]*Result{}
	for i, c := range cases {
		results[i] = &Result{Case: c, Status: "ok"}
		byName[c.Name] = results[i]
		if err := os.WriteFile(filepath.Join(src, c.Name+".py"), []byte(c.Source), 0o644); err != nil {
			return nil, err
		}
	}
	if err := profileAndEmit(ctx, cfg, dir, cases, byName); err != nil {
		return nil, err
	}
	var pending []*Case
	for _, r := range results {
		if r.Status == "ok" {
			pending = append(pending, r.Case)
		}
	}
	if err := compareAll(ctx, cfg, dir, pending, byName); err != nil {
		return nil, err
	}
	return results, nil
}

// profileAndEmit profiles every case in one Python process (a script that imports each
// program and calls its run at the profiled size), then emits each program with the library,
// as `pyparc emit` does.
func profileAndEmit(ctx context.Context, cfg Config, dir string, cases []*Case, byName map[string]*Result) error {
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	var b strings.Builder
	b.WriteString("import importlib\nimport sys\nimport warnings\n\nwarnings.simplefilter('ignore')\n")
	b.WriteString("for name, size, seed in [\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "    (%q, %d, %d),\n", c.Name, c.Profile, c.Seed)
	}
	b.WriteString("]:\n    try:\n        importlib.import_module(name).run(size, seed)\n")
	b.WriteString("    except BaseException as e:\n        print('PROFILE-FAIL', name, repr(e)[:300], file=sys.stderr)\n")
	script := filepath.Join(src, "_profile_main.py")
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(dir, "profile.db"), true)
	if err != nil {
		return err
	}
	defer st.Close()
	var stderr bytes.Buffer
	res, err := profiler.Run(ctx, st, profiler.Options{Python: cfg.Python, Script: script,
		Stdout: &bytes.Buffer{}, Stderr: &stderr})
	if err != nil {
		return fmt.Errorf("profile: %w\n%s", err, tailOf(stderr.String()))
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("profile: %s\n%s", res.Status, tailOf(stderr.String()))
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "PROFILE-FAIL" && byName[f[1]] != nil {
			r := byName[f[1]]
			r.Status, r.Detail = Invalid, "profiled run raised: "+strings.Join(f[2:], " ")
		}
	}
	abs, _ := filepath.Abs(script)
	funcs, _, err := st.AllRuns(abs)
	if err != nil {
		return err
	}
	prog, err := typeinfer.Load(script, funcs)
	if err != nil {
		// One bad file makes the whole load fail: blame every case, the caller shrinks.
		for _, r := range byName {
			if r.Status == "ok" {
				r.Status, r.Detail = PyparcError, "load: "+err.Error()
			}
		}
		return nil
	}
	ictx, err := isl.NewContext()
	if err != nil {
		return err
	}
	defer ictx.Free()
	emitted := map[string]bool{}
	for _, m := range prog.Modules {
		name := strings.TrimSuffix(filepath.Base(m.Path), ".py")
		r := byName[name]
		if r == nil {
			continue
		}
		emitted[name] = true
		text, err := emitOne(ictx, m, r)
		if err != nil {
			if r.Status == "ok" {
				r.Status, r.Detail = err.kind, err.msg
			}
			text = []byte(r.Case.Source)
		}
		if err := os.WriteFile(filepath.Join(out, name+".py"), text, 0o644); err != nil {
			return err
		}
	}
	for name, r := range byName {
		if !emitted[name] {
			// Nothing recorded: the program never ran under the profiler.
			if r.Status == "ok" {
				r.Status, r.Detail = Invalid, "no function of the program was recorded"
			}
		}
	}
	return emit.WriteRuntime(out)
}

type emitErr struct{ kind, msg string }

// emitOne emits one module, turning a panic into a failure of that case alone.
func emitOne(ictx *isl.Context, m *typeinfer.Module, r *Result) (text []byte, fail *emitErr) {
	defer func() {
		if p := recover(); p != nil {
			text, fail = nil, &emitErr{PyparcPanic, fmt.Sprintf("panic: %v\n%s", p, firstLines(string(debug.Stack()), 12))}
		}
	}()
	text, outcomes, err := emit.Module(ictx, m, nil)
	if err != nil {
		return nil, &emitErr{PyparcError, "emit: " + err.Error()}
	}
	for _, o := range outcomes {
		if o.Function == "kernel" {
			r.Optimized, r.EmitNote = o.Optimized, o.Detail
		}
	}
	var vs []string
	for _, v := range []string{"numpy", "numba"} {
		if bytes.Contains(text, []byte("_kernel__"+v)) {
			vs = append(vs, v)
		}
	}
	r.Variants = strings.Join(vs, "+")
	return text, nil
}

// harnessLine is one result line of harness.py.
type harnessLine struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Calls  int    `json:"calls"`
	Fast   int    `json:"fast"`
	Numba  int    `json:"numba"`
	NumPy  int    `json:"numpy"`
	Inner  int    `json:"inner"`
	Ray    int    `json:"ray"`
	Over   int    `json:"overlap"`
}

// compareAll runs the harness over the cases; when the Python process dies, the case it was
// running is a crash and the harness starts again with the cases after it.
func compareAll(ctx context.Context, cfg Config, dir string, cases []*Case, byName map[string]*Result) error {
	harness := filepath.Join(dir, "harness.py")
	if err := os.WriteFile(harness, []byte(harnessSource), 0o644); err != nil {
		return err
	}
	python := cfg.Python
	if python == "" {
		python = "python3"
	}
	for len(cases) > 0 {
		type jobCase struct {
			Name  string `json:"name"`
			Seed  int    `json:"seed"`
			Sizes []int  `json:"sizes"`
		}
		var job []jobCase
		for _, c := range cases {
			job = append(job, jobCase{c.Name, c.Seed, c.Sizes})
		}
		jb, _ := json.Marshal(job)
		jobPath := filepath.Join(dir, "job.json")
		if err := os.WriteFile(jobPath, jb, 0o644); err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, python, harness, filepath.Join(dir, "src"), filepath.Join(dir, "out"), jobPath)
		numba := "1"
		if !cases[0].Numba {
			numba = "0"
		}
		// Numba's cache goes into the batch directory, so that no run reuses another's.
		// Blocks of few steps for the overlapped bands (emit/overlap.go): several blocks a
		// call, and the default dispatch choosing them.
		cmd.Env = append(os.Environ(), "PYPARC_NUMBA="+numba, "NUMBA_NUM_THREADS=2",
			"NUMBA_CACHE_DIR="+filepath.Join(dir, "numba-cache"), "PYTHONDONTWRITEBYTECODE=1", "PYPARC_OVERLAP_REGION=50")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		done := map[string]bool{}
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var l harnessLine
			if json.Unmarshal(sc.Bytes(), &l) != nil || byName[l.Name] == nil {
				continue
			}
			r := byName[l.Name]
			done[l.Name] = true
			r.Status, r.Detail = l.Status, l.Detail
			r.Calls, r.Fast, r.Numba, r.NumPy, r.Inner, r.Ray, r.Overlap = l.Calls, l.Fast, l.Numba, l.NumPy, l.Inner, l.Ray, l.Over
		}
		waitErr := cmd.Wait()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var rest []*Case
		for i, c := range cases {
			if done[c.Name] {
				continue
			}
			if waitErr == nil {
				return fmt.Errorf("harness ended without a result for %s\n%s", c.Name, tailOf(stderr.String()))
			}
			// The first case without a result is the one the process died in.
			r := byName[c.Name]
			r.Status, r.Detail = Crash, fmt.Sprintf("%v\n%s", waitErr, tailOf(stderr.String()))
			rest = cases[i+1:]
			break
		}
		cases = rest
	}
	return nil
}

func tailOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return s
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
