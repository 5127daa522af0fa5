package polyopt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// extract parses src, takes its first function and extracts it with the given parameter types.
func extract(t *testing.T, src string, params map[string]*typeinfer.Type, rels ...typeinfer.Relation) *Function {
	t.Helper()
	f, err := pyast.ParseFile("k.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Module.Body {
		if d, ok := s.(*pyast.FunctionDef); ok {
			return Extract(Func{File: f, Def: d, QualName: d.Name, Params: params, Relations: rels,
				Modules: map[string]string{"np": "numpy", "math": "math"}})
		}
	}
	t.Fatal("no function")
	return nil
}

func vec(sym string) *typeinfer.Type { return typeinfer.Array("float64", typeinfer.SymDim(sym)) }
func mat(a, b string) *typeinfer.Type {
	return typeinfer.Array("float64", typeinfer.SymDim(a), typeinfer.SymDim(b))
}
func intT() *typeinfer.Type { return typeinfer.Simple(typeinfer.Int) }

func TestExtractDomainsSchedulesAccesses(t *testing.T) {
	fn := extract(t, `
def k(A, x, n):
    for i in range(n - 1, -1, -2):
        for j in range(i + 1):
            if j > 0 and i != j:
                A[i, j] = A[i, j - 1] * x[j]
            else:
                x[j] += 1.0
`, map[string]*typeinfer.Type{"A": mat("N", "N"), "x": vec("N"), "n": intT()},
		typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if len(fn.SCoPs) != 1 || len(fn.Opaque) != 0 {
		t.Fatalf("scops %d, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	s := fn.SCoPs[0]
	checks := []struct{ got, want string }{
		{s.Stmts[0].Domain, "[N] -> { S0[i, j] : 0 <= i and i <= N - 1 and exists (e0 : i = N - 1 + -2*e0) and 0 <= j and j <= i and ((j > 0) and ((i < j or i > j))) }"},
		{s.Stmts[1].Domain, "[N] -> { S1[i, j] : 0 <= i and i <= N - 1 and exists (e1 : i = N - 1 + -2*e1) and 0 <= j and j <= i and ((j <= 0) or (i = j)) }"},
		{s.Stmts[0].Schedule, "[N] -> { S0[i, j] -> [0, -i, 0, j, 0] }"},
		{s.Stmts[1].Schedule, "[N] -> { S1[i, j] -> [0, -i, 0, j, 1] }"},
		{s.Stmts[0].Writes[0].Relation, "[N] -> { S0[i, j] -> A[i, j] }"},
		{s.Stmts[0].Reads[0].Relation, "[N] -> { S0[i, j] -> A[i, j - 1] }"},
		{s.Stmts[0].Reads[1].Relation, "[N] -> { S0[i, j] -> x[j] }"},
		{s.Stmts[1].Reduction, "+"},
		{s.ParamSource["N"], "A.shape[0]"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("\n got %s\nwant %s", c.got, c.want)
		}
	}
	// The strings must mean something to isl: analyze and free everything.
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.OutOfBounds) != 0 {
		t.Errorf("out of bounds: %v", a.OutOfBounds)
	}
	// S1 adds to x[j] for every i and S0 reads x[j]: i carries; S0 reads A[i, j-1] written
	// at the previous j: j carries too.
	if s.Loops[0].Parallel || s.Loops[1].Parallel || len(s.Loops[0].CarriedBy) == 0 {
		t.Errorf("loops: i parallel %v, j parallel %v", s.Loops[0].Parallel, s.Loops[1].Parallel)
	}
	if err := ctx.Free(); err != nil {
		t.Errorf("isl objects leaked: %v", err)
	}
}

func TestExtractRejects(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": mat("N", "M"), "x": vec("N"), "n": intT(), "f": typeinfer.Simple(typeinfer.Float)}
	tests := []struct {
		body string
		kind RejectKind
		msg  string
	}{
		{"for i in range(n * n):\n        x[i] = 0.0", RejectNonAffineBound, "a product of two variables is not affine"},
		{"for i in x:\n        pass", RejectNonRangeLoop, "not over range"},
		{"for i in range(n):\n        x[i * i] = 0.0", RejectNonAffineIndex, "subscript i * i"},
		{"for i in range(n):\n        if x[i] > 0:\n            x[i] = 0.0", RejectNonAffineCond, "if condition"},
		{"for i in range(n):\n        x[i] = g(i)", RejectCall, "call g may have side effects"},
		{"for i in range(n):\n        y[i] = 0.0", RejectUnknownArray, "y is not an array parameter"},
		{"for i in range(n):\n        if i > 3:\n            break", RejectControl, "break leaves the loop nest early"},
		{"for i in range(0, n, n):\n        x[i] = 0.0", RejectNonConstStep, "not a nonzero constant"},
		{"for i in range(n):\n        i = 2", RejectShadowedIter, "assigned inside its loop"},
		{"for i in range(n):\n        A[i] = 0.0", RejectSlice, "2 dimensions but 1 subscripts"},
		{"for i in range(n):\n        x[1:i] = 0.0", RejectSlice, "slices are not modelled yet"},
		{"for i in range(n):\n        x[i] = 1e400 * x[i]", RejectStatement, "the literal 1e400 is an infinite float"},
		{"for i in range(n):\n        x[i] = 2.5e4_00j * x[i]", RejectStatement, "the literal 2.5e4_00j is an infinite float"},
	}
	for _, tt := range tests {
		fn := extract(t, "def k(A, x, n, f):\n    "+tt.body+"\n", params)
		if len(fn.SCoPs) != 0 || len(fn.Opaque) == 0 {
			t.Errorf("%q: scops %d, opaque %v", tt.body, len(fn.SCoPs), fn.Opaque)
			continue
		}
		o := fn.Opaque[0]
		if o.Kind != tt.kind || !strings.Contains(o.Reason, tt.msg) {
			t.Errorf("%q: got [%s] %s, want [%s] ...%s...", tt.body, o.Kind, o.Reason, tt.kind, tt.msg)
		}
	}
}

func TestInfiniteLiteral(t *testing.T) {
	for raw, want := range map[string]bool{
		"1e400": true, "-0.0": false, "1e308": false, "1.8e308": true, "1_000e306": true, "1e400j": true,
		"2j": false, "1e-400": false, "10": false, "0x1f": false, "1_000": false, "1.": false,
	} {
		if got := infiniteLiteral(raw); got != want {
			t.Errorf("infiniteLiteral(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestExtractLocalsAndSplits(t *testing.T) {
	fn := extract(t, `
def k(A, x):
    n, m = A.shape
    tmp = np.zeros(m)
    for j in range(m):
        tmp[j] = math.sqrt(A[0, j])
    print(tmp)
    for i in range(n):
        x[i] = tmp[i % 3]
    for i in range(1, n):
        x[i] = x[i - 1] + tmp[m - 1]
`, map[string]*typeinfer.Type{"A": mat("N", "M"), "x": vec("N")})
	if len(fn.SCoPs) != 2 {
		t.Fatalf("want 2 SCoPs split by print, got %d (opaque %+v)", len(fn.SCoPs), fn.Opaque)
	}
	if got := fn.SCoPs[0].Stmts[0].Domain; got != "[M, N] -> { S0[j] : 0 <= j and j <= M - 1 }" {
		t.Errorf("first SCoP domain %s", got)
	}
	if got := fn.SCoPs[1].Stmts[0].Reads[1].Relation; got != "[M, N] -> { S0[i] -> tmp[M - 1] }" {
		t.Errorf("second SCoP read %s", got)
	}
	var kinds []string
	for _, o := range fn.Opaque {
		kinds = append(kinds, o.Kind.String())
	}
	if strings.Join(kinds, " ") != "call non-affine-index" {
		t.Errorf("opaque parts %v", fn.Opaque)
	}
}

// TestExtractNeverPanics runs the extractor over every program of the corpus with several
// guesses of parameter types; whatever it cannot model must come back as opaque parts.
func TestExtractNeverPanics(t *testing.T) {
	files, _ := filepath.Glob("../testdata/programs/*/*.py")
	more, _ := filepath.Glob("../pyast/testdata/*.py")
	files = append(files, more...)
	if len(files) < 30 {
		t.Fatalf("only %d programs found", len(files))
	}
	guesses := []func(string) *typeinfer.Type{
		func(string) *typeinfer.Type { return nil },
		func(string) *typeinfer.Type { return intT() },
		func(string) *typeinfer.Type { return mat("N", "M") },
		func(p string) *typeinfer.Type {
			if len(p) == 1 && p >= "A" && p <= "Z" {
				return mat("N", "N")
			}
			return intT()
		},
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	for _, path := range files {
		src, _ := os.ReadFile(path)
		f, err := pyast.ParseFile(path, src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		pyast.Inspect(f.Module, func(n pyast.Node) bool {
			def, ok := n.(*pyast.FunctionDef)
			if !ok {
				return true
			}
			for _, guess := range guesses {
				params := map[string]*typeinfer.Type{}
				for _, p := range def.Params {
					params[p.Name] = guess(p.Name)
				}
				fn := Extract(Func{File: f, Def: def, QualName: def.Name, Params: params,
					Modules: map[string]string{"np": "numpy"}})
				for _, s := range fn.SCoPs {
					if _, err := Analyze(ctx, s); err != nil {
						t.Errorf("%s: %s: isl rejected the model: %v", path, def.Name, err)
					}
				}
			}
			return true
		})
	}
}

// TestExtractConditionParams is difffuzz's p32421: a SCoP inside a loop that is not modelled
// (here a method call in a loop beside it) whose only mention of that loop's index is an if
// condition. The index must be a parameter of the SCoP, or isl cannot read its domains.
func TestExtractConditionParams(t *testing.T) {
	src := "def k(A, n):\n    for i in range(n):\n        if i <= n - 5:\n            A[0] = 1.0\n" +
		"        for j in range(n):\n            A[j] = 2.0 * A[j]\n        A[0] = A[0].conj()\n"
	fn := extract(t, src, map[string]*typeinfer.Type{"A": vec("N"), "n": intT()})
	if len(fn.SCoPs) != 1 {
		t.Fatalf("%d SCoPs, want 1: %+v", len(fn.SCoPs), fn.Opaque)
	}
	s := fn.SCoPs[0]
	if !slices.Contains(s.Params, "i") {
		t.Errorf("params %v lack the index i; domain %s", s.Params, s.Stmts[0].Domain)
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := Analyze(ctx, s); err != nil {
		t.Errorf("Analyze: %v", err)
	}
}

// TestExtractConditionParamsInLoops: a parameter read only by a condition around loops is a
// parameter of the statements inside them too (the loops' bodies lost the condition's
// operands: isl then failed to parse the domains, found by review).
func TestExtractConditionParamsInLoops(t *testing.T) {
	for _, body := range []string{
		"if k > 0:\n        for i in range(A.shape[0]):\n            A[i] = 2.0 * A[i]",
		"for i in range(A.shape[0]):\n        if k > 0:\n            for j in range(A.shape[0]):\n                A[j] += 1.0",
	} {
		src := "def f(A, k):\n    " + body + "\n"
		fn := extract(t, src, map[string]*typeinfer.Type{"A": vec("N"), "k": intT()})
		if len(fn.SCoPs) != 1 {
			t.Fatalf("%q: %d SCoPs, want 1: %+v", body, len(fn.SCoPs), fn.Opaque)
		}
		s := fn.SCoPs[0]
		if !slices.Contains(s.Params, "k") {
			t.Errorf("%q: params %v lack k; domain %s", body, s.Params, s.Stmts[0].Domain)
		}
		ctx, err := isl.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Analyze(ctx, s); err != nil {
			t.Errorf("%q: Analyze: %v", body, err)
		}
		ctx.Free()
	}
}

// TestLocalArrayDTypes: a local array's dtype as NumPy makes it, or the array is not
// modelled (found by review: np.zeros(m, np.int64) and np.full(m, 0) were taken as float64).
func TestLocalArrayDTypes(t *testing.T) {
	for _, tc := range []struct{ alloc, want string }{
		{"np.zeros(n)", "float64"},
		{"np.zeros(n, np.int64)", "int64"},
		{"np.empty(n, dtype=float)", "float64"},
		{"np.ones(n, dtype=np.float32)", "float32"},
		{"np.zeros(n, 'int32')", "int32"},
		{"np.full(n, 0)", "int64"},
		{"np.full(n, 0.0)", "float64"},
		{"np.full(n, -1.5)", "float64"},
		{"np.full(n, 0XE)", "int64"},
		{"np.full(n, 2, np.float32)", "float32"},
		{"np.zeros_like(A)", "float64"},
		{"np.zeros_like(A, dtype=np.int64)", "int64"},
		{"np.full_like(A, 1, np.int32)", "int32"},
		{"np.full(n, k)", ""}, // the fill's type decides: not read
		{"np.zeros(n, dtype=A.dtype)", "float64"},
		{"np.zeros(n, dtype=k.dtype)", ""}, // not an array's
	} {
		src := "def f(A, n, k):\n    s = " + tc.alloc + "\n    for i in range(n):\n        s[i] = A[i]\n    return s\n"
		fn := extract(t, src, map[string]*typeinfer.Type{"A": vec("N"), "n": intT(), "k": intT()})
		got := ""
		if len(fn.SCoPs) == 1 && fn.SCoPs[0].Arrays["s"] != nil {
			got = fn.SCoPs[0].Arrays["s"].DType
		}
		if got != tc.want {
			t.Errorf("s = %s: dtype %q, want %q", tc.alloc, got, tc.want)
		}
	}
}
