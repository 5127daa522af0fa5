package emit

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// firstSCoP parses src and extracts the first SCoP of its first function.
func firstSCoP(t *testing.T, src string, params map[string]*typeinfer.Type) (*polyopt.SCoP, *pyast.File, *pyast.FunctionDef) {
	t.Helper()
	f, err := pyast.ParseFile("k.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	def := f.Module.Body[0].(*pyast.FunctionDef)
	fn := polyopt.Extract(polyopt.Func{File: f, Def: def, QualName: def.Name, Params: params,
		Modules: map[string]string{"np": "numpy", "math": "math"}})
	if len(fn.SCoPs) == 0 {
		t.Fatalf("no SCoP: %+v", fn.Opaque)
	}
	return fn.SCoPs[0], f, def
}

// analyzedSCoP is firstSCoP with the SCoP's dependences analyzed (its loops' Parallel set).
func analyzedSCoP(t *testing.T, src string, params map[string]*typeinfer.Type) (*polyopt.SCoP, *pyast.File, *pyast.FunctionDef) {
	t.Helper()
	s, f, def := firstSCoP(t, src, params)
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Free() })
	if _, err := polyopt.Analyze(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s, f, def
}

// numpyCode returns the whole-array code generate writes for the first SCoP of src.
func numpyCode(t *testing.T, src string, params map[string]*typeinfer.Type) string {
	t.Helper()
	s, f, def := analyzedSCoP(t, src, params)
	return strings.Join(newRegion(s, f, def.Body).generate("    "), "\n")
}

// checkCode reports every string of want missing from code and every string of not in it.
func checkCode(t *testing.T, code string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(code, w) {
			t.Errorf("want %q in:\n%s", w, code)
		}
	}
	for _, n := range not {
		if strings.Contains(code, n) {
			t.Errorf("want no %q in:\n%s", n, code)
		}
	}
}

// TestNumbaRefusesMixedFloat32 is difffuzz's reproducers mismatch_p136 and mismatch_p1528:
// Numba computes math.exp of a float32 in float32 (Python in float64) and 0.5 + x in float64
// (NumPy 2 in float32), and a float64 array stored the result.
func TestNumbaRefusesMixedFloat32(t *testing.T) {
	for _, tc := range []struct {
		src, a, b string
		ok        bool
	}{
		{"A[i] = math.exp(-abs(B[i]))", "float64", "float64", true},
		{"A[i] = math.exp(-abs(B[i]))", "float64", "float32", false},
		{"A[i] = math.exp(-abs(B[i]))", "float32", "float32", false},
		{"A[i] = 0.5 + B[i]", "float64", "float32", false},
		{"A[i] = 0.5 + B[i]", "float32", "float32", true},
		{"A[i] = 0.5 + B[i]", "int64", "float32", false}, // a float into an int array
	} {
		src := "def k(A, B):\n    for i in range(A.shape[0]):\n        " + tc.src + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array(tc.a, typeinfer.SymDim("N")),
			"B": typeinfer.Array(tc.b, typeinfer.SymDim("N")),
		}
		s, f, def := firstSCoP(t, src, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy", "math": "math"}, numbaOptions{})
		if (err == nil) != tc.ok {
			t.Errorf("%s with A %s, B %s: numbaRegion error %v, want ok=%v", tc.src, tc.a, tc.b, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "float32") && !strings.Contains(err.Error(), "int array") {
			t.Errorf("%s: unexpected reason %v", tc.src, err)
		}
	}
}

// TestGuardRefusesFloat32Scalars is difffuzz's reproducer mismatch_p1100: with alpha a NumPy
// float32, the original computes math.exp(-2.0) * alpha in float32, the variants in float64.
func TestGuardRefusesFloat32Scalars(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	dir := t.TempDir()
	if err := WriteRuntime(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", `import numpy as np, pyparc_rt as rt
assert [rt.is_real(v) for v in (1, 0.5, np.float64(0.5), np.int64(3))] == [True] * 4
assert not rt.is_real(np.float32(0.5)) and not rt.is_real(np.float16(0.5)) and not rt.is_real(True)
assert not rt.is_real(np.int32(3)) and not rt.is_real(np.uint8(3))`)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYPARC_NUMBA=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestGuardChecksNumPyScalars: a parameter recorded only as a NumPy scalar (alpha:
// np.float32, reproducer mismatch_p1100) was not checked by the guard at all.
func TestGuardChecksNumPyScalars(t *testing.T) {
	f, err := pyast.ParseFile("k.py", []byte("def k(B, alpha):\n    for i in range(B.shape[0]):\n        B[i] = alpha\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := f.Module.Body[0].(*pyast.FunctionDef)
	fn := &typeinfer.Function{QualName: "k", Def: def, Declared: map[string]*typeinfer.Type{
		"B":     typeinfer.Array("float64", typeinfer.SymDim("N")),
		"alpha": {Kind: typeinfer.NPScalar, DType: "float32"},
	}}
	conds := guardCode(fn, nil, "B, alpha")
	if !strings.Contains(strings.Join(conds, " and "), "_rt.is_real(alpha, ") {
		t.Errorf("guard %q does not check alpha", conds)
	}
	// Called with 0.5 and np.float32(0.5) (program p1100 of the campaign): a union.
	fn.Declared["alpha"] = &typeinfer.Type{Kind: typeinfer.Union, Alts: []*typeinfer.Type{
		typeinfer.Simple(typeinfer.Float), {Kind: typeinfer.NPScalar, DType: "float32"}}}
	conds = guardCode(fn, nil, "B, alpha")
	if !strings.Contains(strings.Join(conds, " and "), "_rt.is_real(alpha, ") {
		t.Errorf("guard %q does not check alpha of a union type", conds)
	}
}

// TestNumbaRaisesChecks checks that a loop holding "if ...: raise ValueError(...)" compiles
// with Numba, which raises the same exception, with no prange around the check (the first
// failing check must raise and nothing after it run); and that a check raising a class that
// is not built in (a module's own, which the helper cannot see) stays out.
func TestNumbaRaisesChecks(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": typeinfer.Array("float64", typeinfer.SymDim("N"))}
	modules := map[string]string{"np": "numpy", "math": "math"}
	check := func(exc string) (*compiled, error) {
		src := "def k(A):\n    for i in range(A.shape[0]):\n        if A[i] < -5.0:\n            raise " + exc +
			"(\"neg\")\n        A[i] = 2.0 * A[i]\n"
		s, f, def := firstSCoP(t, src, params)
		return numbaRegion(s, 0, f, def, modules, numbaOptions{})
	}
	c, err := check("ValueError")
	if err != nil {
		t.Fatalf("numbaRegion: %v", err)
	}
	if c.prange != 0 || !strings.Contains(c.helper, `raise ValueError("neg")`) {
		t.Errorf("prange loops %d, helper:\n%s", c.prange, c.helper)
	}
	if _, err := check("SolverError"); err == nil || !strings.Contains(err.Error(), "SolverError") {
		t.Errorf("a check raising a module's own class: numbaRegion error %v", err)
	}
}

// TestGuardChecksComplexScalars: a scalar recorded complex, or as a number and an array, is
// admitted as a number only (the review's x1, x2: an array passed where the variant multiplies
// by a number).
func TestGuardChecksComplexScalars(t *testing.T) {
	f, err := pyast.ParseFile("k.py", []byte("def k(B, alpha):\n    for i in range(B.shape[0]):\n        B[i] = alpha * B[i]\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := f.Module.Body[0].(*pyast.FunctionDef)
	for _, alpha := range []*typeinfer.Type{
		typeinfer.Simple(typeinfer.Complex),
		{Kind: typeinfer.Union, Alts: []*typeinfer.Type{typeinfer.Simple(typeinfer.Complex), typeinfer.Simple(typeinfer.Float)}},
		{Kind: typeinfer.Union, Alts: []*typeinfer.Type{typeinfer.Simple(typeinfer.Complex), typeinfer.Array("float64", typeinfer.LitDim(5))}},
	} {
		fn := &typeinfer.Function{QualName: "k", Def: def, Declared: map[string]*typeinfer.Type{
			"B": typeinfer.Array("complex128", typeinfer.SymDim("N")), "alpha": alpha}}
		if conds := guardCode(fn, nil, "B, alpha"); !strings.Contains(strings.Join(conds, " and "), "_rt.is_number(alpha, ") {
			t.Errorf("alpha %s: guard %q does not check it is a number", alpha, conds)
		}
	}
}

// TestComplexParamIntoRealStaysLoop: alpha may be complex (recorded so), B is real: the loop
// raises TypeError where whole-array code would drop the imaginary part.
func TestComplexParamIntoRealStaysLoop(t *testing.T) {
	src := "def k(alpha, A, B):\n    for i in range(B.shape[0]):\n        B[i] = alpha * A[i]\n"
	for _, c := range []struct {
		alpha      *typeinfer.Type
		vectorized int
	}{{typeinfer.Simple(typeinfer.Complex), 0}, {typeinfer.Simple(typeinfer.Float), 1}} {
		r, code := generated(t, src, map[string]*typeinfer.Type{"alpha": c.alpha,
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")), "B": typeinfer.Array("float64", typeinfer.SymDim("N"))})
		if r.vector != c.vectorized {
			t.Errorf("alpha %s: %d statements vectorized, want %d:\n%s", c.alpha, r.vector, c.vectorized, code)
		}
	}
}

// TestFloatIntoInt: a float stored into a signed int array raises in Python where it is nan,
// infinite or out of range (found by review). The NumPy variant checks the values
// (_rt.int_values); Numba casts them, so there is no Numba variant; ints stay compiled.
func TestFloatIntoInt(t *testing.T) {
	for _, tc := range []struct {
		stmt, y string
		numba   bool
		want    string
	}{
		{"y[i] = A[i] * 3.5", "int64", false, `y[:] = _rt.int_values((A * 3.5), "int64")`},
		{"y[i] = A[i] / 2", "int32", false, `_rt.int_values(`},
		{"y[i] = A[i] * 3.5", "float64", true, "y[:] = (A * 3.5)"},
		{"y[i] = A[i] * 3.5", "uint8", true, "y[:] = (A * 3.5)"},
		{"y[i] = min(y[i], I[i] + 1)", "int64", true, "_np.minimum("},
		{"s = 2 if I[i] > 0 else 1\n        y[i] = max(y[i], I[i] + s)", "int64", true, ""},
		{"s = 0.5 if I[i] > 0 else 1\n        y[i] = max(y[i], I[i] + s)", "int64", false, ""},
	} {
		src := "def k(A, I, y):\n    for i in range(A.shape[0]):\n        " + tc.stmt + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"I": typeinfer.Array("int64", typeinfer.SymDim("N")),
			"y": typeinfer.Array(tc.y, typeinfer.SymDim("N")),
		}
		s, f, def := firstSCoP(t, src, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if (err == nil) != tc.numba {
			t.Errorf("%s into %s: numbaRegion error %v, want a variant: %v", tc.stmt, tc.y, err, tc.numba)
		}
		if tc.want != "" {
			checkCode(t, numpyCode(t, src, params), []string{tc.want}, nil)
		}
	}
}

// TestNumbaLeavesUnboundLocals: a local read after the nest that only its loops or branches
// bind stays the original's (Python raises UnboundLocalError where they bind nothing; Numba's
// helper returned 0.0, found by review); one bound at the top of the nest, or before it, is
// returned.
func TestNumbaLeavesUnboundLocals(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{"for i in range(n):\n        u = A[i] * 2.0\n        B[i] = u\n    return u", false},
		{"for i in range(n):\n        if i > 2:\n            u = A[i]\n    return u", false},
		{"u = 0.0\n    for i in range(n):\n        u = A[i] * 2.0\n        B[i] = u\n    return u", true},
		{"t = 1.0\n    u = t\n    for i in range(n):\n        u = A[i] * 2.0\n        B[i] = u\n    return u", true},
		// Bound in a loop over a literal range: the returned scalar's type is not followed
		// there (found by review: an int16 sum came back a Python int).
		{"for i in range(3):\n        u = A[i] * 2.0\n        B[i] = u\n    return u", false},
	} {
		src := "def k(A, B, n):\n    " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"n": typeinfer.Simple(typeinfer.Int),
		}
		s, f, def := firstSCoP(t, src, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "may leave it unbound") {
			t.Errorf("%q: numbaRegion error %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
}

// TestNumbaLoopVariableAfterLoop: a loop variable read after its loop inside the nest is
// unbound where the loop ran no iteration (Python raises UnboundLocalError, Numba's helper
// wrote a value it made up: found by review); bound before the loop, it is not.
func TestNumbaLoopVariableAfterLoop(t *testing.T) {
	for _, tc := range []struct {
		args, body string
		ok         bool
		why        string
	}{
		{"", "for t in range(k, n):\n        B[t] = A[t]\n    B[0] = t", false, "may run no iteration"},
		{"", "for t in range(k, n):\n        for i in range(n):\n            B[i] = A[i]\n    B[0] = i", false, "may run no iteration"},
		{"", "t = -1\n    for t in range(k, n):\n        B[t] = A[t]\n    B[0] = t", true, ""},
		{"", "for t in range(k, n):\n        B[t] = A[t]\n    B[0] = k", true, ""},
		// A parameter t: after an empty loop Python reads its value, which the helper
		// never receives (found by review).
		{", t", "for t in range(k, n):\n        B[t] = A[t]\n    B[0] = t", false, "may run no iteration"},
		// else runs after an empty loop, reading the earlier loop's t (found by review).
		{"", "for t in range(k, n):\n        B[t] = A[t]\n    for t in range(n):\n        A[0] = 1.0\n    else:\n        B[0] = t", false, "read after its loop"},
		// The module's t (found by review).
		{"", "global t\n    for t in range(k, n):\n        B[t] = A[t]", false, "declares global"},
	} {
		src := "def f(A, B, n, k" + tc.args + "):\n    " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"n": typeinfer.Simple(typeinfer.Int),
			"k": typeinfer.Simple(typeinfer.Int),
			"t": typeinfer.Simple(typeinfer.Int),
		}
		s, f, def := firstSCoP(t, src, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%q: numbaRegion error %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
}

// TestNumbaRefusesMixedIndentation: a nest whose lines Python indents with tabs against
// spaces, in a way no text replacement of its indentation moves, stays as written.
func TestNumbaRefusesMixedIndentation(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": typeinfer.Array("float64", typeinfer.SymDim("N")), "n": typeinfer.Simple(typeinfer.Int)}
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{"    for i in range(n):\n        A[i] = 2.0 * A[i]\n", true},
		{"    for i in range(n):\n    \tA[i] = 2.0 * A[i]\n", true},
		{"\tfor i in range(n):\n\t    for j in range(n):\n\t\t    A[j] += 1.0\n", true},
		{"    \tfor i in range(n):\n\t    \tA[i] = 2.0 * A[i]\n", false},
	} {
		s, f, def := firstSCoP(t, "def k(A, n):\n"+tc.body, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "tabs and spaces") {
			t.Errorf("%q: numbaRegion error %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
}

// TestNumbaUnboundScalar: a local the nest binds only in a loop or branch, read where that may
// have bound nothing, keeps the nest out of the Numba variants (Python raises
// UnboundLocalError there; Numba wrote 0.0: found by review). Bound on every path to the
// read, at the top of the enclosing body as durbin's sum is, it does not.
func TestNumbaUnboundScalar(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{"for i in range(k, n):\n        s = A[i] * 2.0\n    B[0] = s", false},
		{"for t in range(n):\n        for i in range(k, n):\n            s = A[i]\n        B[t] = s", false},
		{"for i in range(n):\n        if i > k:\n            s = A[i]\n        B[i] = s", false},
		{"for i in range(n):\n        B[i] = s\n        s = A[i]", false},
		{"for i in range(n):\n        if i > k:\n            s = A[i]\n        else:\n            s = 1.0\n        B[i] = s", true},
		{"for t in range(1, n):\n        s = 0.0\n        for i in range(t):\n            s += A[i]\n        B[t] = s", true},
		{"for t in range(3):\n        s = A[t]\n    B[0] = s", true},
		{"for t in range(3, 3):\n        s = A[t]\n    B[0] = s", false},
		{"s = 1.0\n    for i in range(k, n):\n        s = A[i]\n    B[0] = s", true},
	} {
		src := "def f(A, B, n, k):\n    " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"n": typeinfer.Simple(typeinfer.Int),
			"k": typeinfer.Simple(typeinfer.Int),
		}
		s, f, def := firstSCoP(t, src, params)
		_, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "may not have bound it") {
			t.Errorf("%q: numbaRegion error %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
}
