package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var polybench = filepath.Join("..", "..", "testdata", "programs", "polybench")

// corpusDB profiles every PolyBench kernel once at MINI size, for all the tests that need
// their recorded types.
var corpusDB = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pyparc-corpus-")
	if err != nil {
		return "", err
	}
	db := filepath.Join(dir, "profile.db")
	scripts, _ := filepath.Glob(filepath.Join(polybench, "*.py"))
	for _, s := range scripts {
		base := filepath.Base(s)
		if base == "reference.py" || strings.HasPrefix(base, "test_") {
			continue
		}
		var stderr strings.Builder
		code := run(context.Background(), []string{"pyparc", "profile", "run", "--db", db, s, "--size", "mini",
			filepath.Join(dir, base+".npz")}, &stderr)
		if code != 0 {
			return "", &exitErr{base, stderr.String()}
		}
	}
	return db, nil
})

type exitErr struct{ script, stderr string }

func (e *exitErr) Error() string { return e.script + ": " + e.stderr }

func kernels(t *testing.T) []string {
	scripts, _ := filepath.Glob(filepath.Join(polybench, "*.py"))
	var out []string
	for _, s := range scripts {
		base := strings.TrimSuffix(filepath.Base(s), ".py")
		if base != "reference" && !strings.HasPrefix(base, "test_") {
			out = append(out, base)
		}
	}
	if len(out) < 30 {
		t.Fatalf("found %d corpus kernels, want 30", len(out))
	}
	return out
}

// kernelName is the kernel function of a corpus script: k2mm -> kernel_2mm.
func kernelName(script string) string {
	if script == "k2mm" || script == "k3mm" {
		return "kernel_" + script[1:]
	}
	return "kernel_" + script
}

func explainJSON(t *testing.T, db, script, fn string) polyopt.Report {
	t.Helper()
	code, out, stderr := pyparc(t, "explain", "--db", db, "--json", filepath.Join(polybench, script+".py")+":"+fn)
	if code != 0 {
		t.Fatalf("explain %s: exit %d: %s", script, code, stderr)
	}
	var reps []polyopt.Report
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 {
		t.Fatalf("explain %s --json: %v\n%s", script, err, out)
	}
	return reps[0]
}

// verdicts renders the loops of a report as "i:parallel j:reduction ...", SCoP by SCoP.
func verdicts(r polyopt.Report) string {
	var parts []string
	for i, s := range r.SCoPs {
		if i > 0 {
			parts = append(parts, "|")
		}
		for _, l := range s.Loops {
			v := l.Iter + ":" + l.Verdict
			if l.Anti {
				v += "(anti)"
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

// TestExplainVerdicts checks answers worked out by hand from the loop code.
func TestExplainVerdicts(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ script, fn, want string }{
		// C[i,j] *= beta; then for k: for j: C[i,j] += ...: i and both j parallel, k a reduction.
		{"gemm", "kernel_gemm", "i:parallel j:parallel k:reduction j:parallel"},
		// The time loop carries (A feeds B feeds A), the space loops do not.
		{"jacobi_2d", "kernel_jacobi_2d", "t:sequential i:parallel j:parallel i:parallel j:parallel"},
		// In-place Gauss-Seidel: every loop carries a dependence before skewing.
		{"seidel_2d", "kernel_seidel_2d", "t:sequential i:sequential j:sequential"},
		// Row i uses rows k < i: i carries; the first j uses earlier columns of its row; k
		// loops are reductions; the second j loop reads only finished values.
		{"lu", "kernel_lu", "i:sequential j:sequential k:reduction j:parallel k:reduction"},
		// Triangular j <= i: the same shape as gemm.
		{"syrk", "kernel_syrk", "i:parallel j:parallel k:reduction j:parallel"},
		// tmp[i] and y[i] accumulate over j.
		{"gesummv", "kernel_gesummv", "i:parallel j:reduction"},
		// Row i reads rows k > i, which later iterations overwrite: anti dependences only.
		{"trmm", "kernel_trmm", "i:sequential(anti) j:parallel k:reduction"},
		// C[i, j] = beta * C[i, j] + ... comes after the C[k, j] += ... of the same i that later
		// iterations add to: a flow and an output dependence into an earlier statement.
		{"symm", "kernel_symm", "i:sequential j:parallel k:reduction"},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			r := explainJSON(t, db, tt.script, tt.fn)
			if got := verdicts(r); got != tt.want {
				t.Errorf("loops: %s\nwant:  %s", got, tt.want)
			}
			for _, s := range r.SCoPs {
				if len(s.OutOfBounds) > 0 {
					t.Errorf("accesses not proven in bounds: %v", s.OutOfBounds)
				}
			}
		})
	}
}

// TestExplainScalarsAndUnsupported checks a scalar temporary, a scalar reduction, and
// constructs the model rejects, each with its reason.
func TestExplainScalarsAndUnsupported(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	script := write(t, dir, "prog.py", `import numpy as np

def scale_rows(A, out, n, m):
    for i in range(n):
        s = 0.0
        for j in range(m):
            s += A[i, j]
        for j in range(m):
            t = A[i, j] / s
            out[i, j] = t * t

def with_print(x, n):
    for i in range(n):
        x[i] = x[i] * 2.0
    print("done")
    for i in range(1, n):
        x[i] = x[i - 1] + np.sqrt(x[i])
    k = n
    while k > 0:
        k -= 1

def indirect(x, idx, n):
    for i in range(n):
        x[idx[i]] = 1.0

A = np.random.rand(12, 10)
scale_rows(A, np.zeros_like(A), 12, 10)
with_print(np.ones(20), 20)
indirect(np.zeros(20), np.arange(20), 20)
`)
	if code, _, stderr := pyparc(t, "profile", "run", "--db", db, script); code != 0 {
		t.Fatalf("profile: %s", stderr)
	}
	r := explainJSON2(t, db, script, "scale_rows")
	// i is parallel once the scalars s and t are private to it; the first j is a reduction
	// into s; the second j only needs t private.
	if got := verdicts(r); got != "i:parallel j:reduction j:parallel" {
		t.Errorf("scale_rows loops: %s", got)
	}

	r = explainJSON2(t, db, script, "with_print")
	if got := verdicts(r); got != "i:parallel | i:sequential" {
		t.Errorf("with_print loops: %s", got)
	}
	reasons := map[string]string{}
	for _, o := range r.Opaque {
		reasons[o.Kind] = o.Position + ": " + o.Reason
	}
	if !strings.Contains(reasons["call"], "prog.py:15:5: call print may have side effects") ||
		!strings.Contains(reasons["non-range-loop"], "prog.py:19:5: a while loop") {
		t.Errorf("with_print opaque parts: %v", reasons)
	}

	r = explainJSON2(t, db, script, "indirect")
	if len(r.SCoPs) != 0 || len(r.Opaque) == 0 || r.Opaque[0].Kind != "non-affine-index" ||
		!strings.Contains(r.Opaque[0].Reason, "subscript idx[i]") {
		t.Errorf("indirect: %+v", r)
	}
}

func explainJSON2(t *testing.T, db, script, fn string) polyopt.Report {
	t.Helper()
	code, out, stderr := pyparc(t, "explain", "--db", db, "--json", script+":"+fn)
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, stderr)
	}
	var reps []polyopt.Report
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 {
		t.Fatalf("explain --json: %v\n%s", err, out)
	}
	return reps[0]
}

// TestExplainGolden keeps the full explanation of every corpus kernel under
// testdata/explain; go test ./cmd/pyparc -run Golden -update rewrites them.
func TestExplainGolden(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(polybench)
	real, _ := filepath.EvalSymlinks(abs)
	names := kernels(t)
	sort.Strings(names)
	for _, k := range names {
		t.Run(k, func(t *testing.T) {
			code, out, stderr := pyparc(t, "explain", "--db", db, filepath.Join(polybench, k+".py")+":"+kernelName(k))
			if code != 0 {
				t.Fatalf("explain: exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, real+string(filepath.Separator), "")
			golden := filepath.Join("testdata", "explain", k+".golden")
			checkGolden(t, golden, out)
		})
	}
}

// TestHintsGolden keeps the synthesized hints of every corpus program under testdata/hints;
// go test ./cmd/pyparc -run HintsGolden -update rewrites them.
func TestHintsGolden(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(polybench)
	real, _ := filepath.EvalSymlinks(abs)
	for _, k := range kernels(t) {
		t.Run(k, func(t *testing.T) {
			code, out, stderr := pyparc(t, "hints", "--db", db, filepath.Join(polybench, k+".py"))
			if code != 0 {
				t.Fatalf("hints: exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, real+string(filepath.Separator), "")
			golden := filepath.Join("testdata", "hints", k+".golden")
			checkGolden(t, golden, out)
		})
	}
}

// TestEmitGolden keeps the whole emitted module of a few kernels under testdata/emit, so that
// the shape of every variant (CuPy's included, which CI cannot run) is reviewed when it changes.
func TestEmitGolden(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"gemm", "jacobi_2d", "durbin", "seidel_2d", "doitgen", "correlation"} {
		t.Run(k, func(t *testing.T) {
			out := t.TempDir()
			if code, _, stderr := pyparc(t, "emit", "--db", db, "-o", out, filepath.Join(polybench, k+".py")); code != 0 {
				t.Fatalf("emit: %s", stderr)
			}
			got, err := os.ReadFile(filepath.Join(out, k+".py"))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "emit", k+".golden")
			checkGolden(t, golden, string(got))
		})
	}
}

// checkGolden compares got with the golden file, or rewrites the file under -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n%s", golden, got)
	}
}

// TestExplainNumPyStencil explains a NumPy-slice stencil: the array statement is shown lowered
// to loops, with its domain, accesses and parallel loops (checked by hand: the in-place update
// reads u at shifted positions, so it goes through a temporary, and both nests are parallel).
func TestExplainNumPyStencil(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	script := write(t, dir, "stencil.py", `import numpy as np

def smooth(u, c, steps):
    for t in range(steps):
        u[1:-1] = u[1:-1] + c * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u

smooth(np.linspace(0.0, 1.0, 50) ** 2, 0.25, 3)
smooth(np.linspace(0.0, 1.0, 70) ** 2, 0.25, 4)
`)
	if code, _, stderr := pyparc(t, "profile", "run", "--db", db, script); code != 0 {
		t.Fatalf("profile: %s", stderr)
	}
	code, out, stderr := pyparc(t, "explain", "--db", db, script+":smooth")
	if code != 0 {
		t.Fatalf("explain: %s", stderr)
	}
	checkGolden(t, filepath.Join("testdata", "explain", "numpy_stencil.golden"), strings.ReplaceAll(out, dir+string(filepath.Separator), ""))
}

// TestExplainUnprofiledModule: a module with nothing profiled or annotated says so and where
// to look (the script that imports it), instead of printing nothing.
func TestExplainUnprofiledModule(t *testing.T) {
	dir := t.TempDir()
	script := write(t, dir, "kernels.py", "def k(x, n):\n    for i in range(n):\n        x[i] = 2.0 * x[i]\n")
	code, stdout, stderr := pyparc(t, "explain", "--db", filepath.Join(dir, "p.db"), script)
	if code == 0 || stdout != "" || !strings.Contains(stderr, "no function was profiled or annotated") {
		t.Errorf("exit %d, stdout %q, stderr %q: want an error naming what to do", code, stdout, stderr)
	}
}
