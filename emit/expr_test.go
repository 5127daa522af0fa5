package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestScalarCallsStayPython is difffuzz's program p3523: in C[0, i] = A[0] + abs(2) with a
// float32 A, _np.abs(2) is an int64 NumPy scalar and made the sum float64, where the
// original's Python int 2 keeps it float32.
func TestScalarCallsStayPython(t *testing.T) {
	src := "def k(A, C):\n    for i in range(2, C.shape[0] - 2):\n        C[0, i] = A[0] + abs(2) + np.exp(A[i])\n"
	s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
		"A": typeinfer.Array("float32", typeinfer.SymDim("N")),
		"C": typeinfer.Array("float32", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
	})
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := polyopt.Analyze(ctx, s); err != nil {
		t.Fatal(err)
	}
	r := newRegion(s, f, def.Body)
	code := strings.Join(r.generate("    "), "\n")
	if r.vector != 1 || !strings.Contains(code, "A[0] + abs(2)") || !strings.Contains(code, "_np.exp(A[") {
		t.Errorf("want abs(2) kept and np.exp(A[i]) vectorized, got:\n%s", code)
	}
}

// TestOtherArithmeticStaysLoops: statements whose whole-array form would compute at another
// precision or with another rounding than the loop (difffuzz's mismatch_p7083, p10095, p10215,
// p10332, and an int target updated with floats, which += cannot even run) stay loops, as do
// complex values stored into real arrays (the loop raises TypeError, NumPy drops the imaginary
// part) and math.* of complex elements.
func TestOtherArithmeticStaysLoops(t *testing.T) {
	cases := []struct {
		name, body string
		a, c       string // dtypes of A and C
		vectorized int
	}{
		{"math of float32 into float64", "C[0, i] = math.exp(A[i])", "float32", "float64", 0},
		{"min of float32", "C[0, i] = 1 - min(C[0, 0], A[i])", "float32", "float32", 0},
		{"float32 sum into float64", "C[0, 0] += abs(A[i])", "float32", "float64", 0},
		{"float32 into float32", "C[0, i] = A[i] * 2.0", "float32", "float32", 1},
		{"float64 unaffected", "C[0, i] = math.exp(A[i])", "float64", "float64", 1},
		{"int updated with floats", "C[0, i] += A[i] * 0.5", "float64", "int64", 0},
		{"int updated with ints", "C[0, i] += 2 * i", "float64", "int64", 1},
		{"int assigned floats", "C[0, i] = A[i] * 0.5", "float64", "int64", 1},
		{"complex into float64", "C[0, i] = A[i] * 2.0", "complex128", "float64", 0},
		{"complex literal into float64", "C[0, i] = A[i] * 2j", "float64", "float64", 0},
		{"abs of complex into float64", "C[0, i] = abs(A[i]) + A[i].real", "complex128", "float64", 1},
		{"math of complex", "C[0, i] = math.sqrt(A[i])", "complex128", "complex128", 0},
		{"complex into complex", "C[0, i] = A[i] * 2j + np.conj(A[i])", "complex128", "complex128", 1},
	}
	for _, c := range cases {
		src := "def k(A, C):\n    for i in range(2, C.shape[0] - 2):\n        " + c.body + "\n"
		s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
			"A": typeinfer.Array(c.a, typeinfer.SymDim("N")),
			"C": typeinfer.Array(c.c, typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		})
		ctx, err := isl.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := polyopt.Analyze(ctx, s); err != nil {
			t.Fatal(err)
		}
		r := newRegion(s, f, def.Body)
		code := strings.Join(r.generate("    "), "\n")
		if r.vector != c.vectorized {
			t.Errorf("%s: %d statements vectorized, want %d:\n%s", c.name, r.vector, c.vectorized, code)
		}
		ctx.Free()
	}
}

// TestIndexValueNextToFloat32 is difffuzz's reproducer mismatch_p3523: C[j, 0] = A[0] + j with
// a float32 A is float32 in the original, float64 with j an int64 arange.
func TestIndexValueNextToFloat32(t *testing.T) {
	for _, dtype := range []string{"float64", "float32"} {
		src := "def k(A, C):\n    for j in range(2, C.shape[0] - 2):\n        C[j, 0] = A[0] + j\n"
		s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
			"A": typeinfer.Array(dtype, typeinfer.SymDim("N")),
			"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		})
		ctx, err := isl.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := polyopt.Analyze(ctx, s); err != nil {
			t.Fatal(err)
		}
		r := newRegion(s, f, def.Body)
		r.generate("    ")
		if want := map[string]int{"float64": 1, "float32": 0}[dtype]; r.vector != want {
			t.Errorf("A %s: %d statements vectorized, want %d", dtype, r.vector, want)
		}
		ctx.Free()
	}
}

// TestConjugateProductReachesMatmul: R[i, k] += A[i, j] * np.conj(A[k, j]) is A @ A^H, not a
// sum over a broadcast product of every (i, k, j).
func TestConjugateProductReachesMatmul(t *testing.T) {
	src := "def k(A, R):\n    for i in range(R.shape[0]):\n        for k in range(R.shape[1]):\n            for j in range(A.shape[1]):\n                R[i, k] += A[i, j] * np.conj(A[k, j])\n"
	r, code := generated(t, src, map[string]*typeinfer.Type{
		"A": typeinfer.Array("complex128", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"R": typeinfer.Array("complex128", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
	})
	if r.vector != 1 || strings.Contains(code, "_np.sum(") || !strings.Contains(code, "_np.conj(A") ||
		!(strings.Contains(code, " @ ") || strings.Contains(code, "einsum")) {
		t.Errorf("want a matrix product with a conjugated operand, got:\n%s", code)
	}
}

// TestPlainSum: a sum of one operand is np.sum over its reduced axes, transposed to the
// output's order; diagonals and products are not.
func TestPlainSum(t *testing.T) {
	cases := []struct {
		axes, out []string
		want      string
	}{
		{[]string{"b", "a"}, []string{"a"}, "_np.sum(X, axis=(0,))"},
		{[]string{"a", "b", "c"}, []string{"c", "a"}, "(_np.sum(X, axis=(1,))).transpose(1, 0)"},
		{[]string{"a", "b"}, nil, "_np.sum(X, axis=(0, 1,))"},
		{[]string{"a", "a"}, []string{"a"}, ""},
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
	}
	for _, c := range cases {
		got, ok := plainSum([]operand{{"X", c.axes}}, c.out)
		if (c.want == "") == ok || (ok && got.code != c.want) {
			t.Errorf("%v -> %v: got %q (ok %v), want %q", c.axes, c.out, got.code, ok, c.want)
		}
	}
}

// TestMaskedZeroThenSumFuses: over a triangle, T = 0 then T += A @ A^T is one masked copy of
// the product into the triangle (np.copyto with where=, no where() temporary), and the mask is
// built through the runtime's cache.
func TestMaskedZeroThenSumFuses(t *testing.T) {
	src := "def k(A, C):\n    for i in range(C.shape[0]):\n        for j in range(i + 1):\n            C[i, j] = 0.0\n            for k in range(A.shape[1]):\n                C[i, j] += A[i, k] * A[j, k]\n"
	r, code := generated(t, src, map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
	})
	if r.vector != 2 || strings.Count(code, "_np.where(") != 0 || !strings.Contains(code, "_np.copyto(C[:, :], (A @ (A).T), casting=\"unsafe\", where=_mask0)") ||
		strings.Contains(code, ", 0.0, ") || !strings.Contains(code, "_rt.cached_mask((_np.ndarray, ") {
		t.Errorf("want one masked copy over a cached mask taking the product, got:\n%s", code)
	}
}

// generated runs the vectorizer on the first SCoP of src, analyzed, and returns the region and
// the code it generated.
func generated(t *testing.T, src string, params map[string]*typeinfer.Type) (*region, string) {
	t.Helper()
	s, f, def := firstSCoP(t, src, params)
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := polyopt.Analyze(ctx, s); err != nil {
		t.Fatal(err)
	}
	r := newRegion(s, f, def.Body)
	return r, strings.Join(r.generate("    "), "\n")
}

// TestSquareOfArrayExpression: d * d with d an array difference or quotient is rendered d ** 2
// (one temporary, squared in place); plain reads (possibly boolean) and scalars keep *.
func TestSquareOfArrayExpression(t *testing.T) {
	cases := []struct {
		name, body string
		want, not  string
	}{
		{"variance term", "C[0, i] = (A[i] - C[0, 0]) * (A[i] - C[0, 0])", "((A[", " * (A["},
		{"quotient", "C[0, i] = (A[i] / 3.0) * (A[i] / 3.0)", "/ 3.0) ** 2)", " * ("},
		{"plain read", "C[0, i] = A[i] * A[i]", " * A[", "** 2"},
		{"different factors", "C[0, i] = (A[i] - 1.0) * (A[i] - 2.0)", " * (A[", "** 2"},
		{"scalar factor", "C[0, i] = A[i] * ((C[0, 0] - 1.0) * (C[0, 0] - 1.0))", "(C[0, 0] - 1.0) * (C[0, 0] - 1.0)", "** 2"},
	}
	for _, c := range cases {
		src := "def k(A, C):\n    for i in range(2, C.shape[0] - 2):\n        " + c.body + "\n"
		s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		})
		ctx, err := isl.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := polyopt.Analyze(ctx, s); err != nil {
			t.Fatal(err)
		}
		r := newRegion(s, f, def.Body)
		code := strings.Join(r.generate("    "), "\n")
		if r.vector != 1 || !strings.Contains(code, c.want) || strings.Contains(code, c.not) {
			t.Errorf("%s: want %q and no %q, got:\n%s", c.name, c.want, c.not, code)
		}
		ctx.Free()
	}
}

// TestMaskedStoreCopies: a store over a triangle is np.copyto with where=; in the CuPy text it
// stays so where its value reads other arrays, and is a where() where it reads its own
// target's array (CuPy's copyto would read the source while writing it).
func TestMaskedStoreCopies(t *testing.T) {
	cases := []struct {
		name, body, numpy, cupy string
	}{
		{"other array", "C[i, j] = A[i, j] * 2.0", `_np.copyto(C[:, 1:max(1, _p_N)], (A[:, 1:max(1, _p_N)] * 2.0), casting="unsafe", where=_mask0)`, `_np.copyto(C[`},
		{"own transpose", "C[j, i] = C[i, j]", `_np.copyto(C[1:max(1, _p_N), :], (C[:, 1:max(1, _p_N)]).transpose(1, 0), casting="unsafe", where=_mask0)`,
			`C[1:max(1, _p_N), :] = _np.where(_mask0, (C[:, 1:max(1, _p_N)]).transpose(1, 0), C[1:max(1, _p_N), :])`},
	}
	for _, c := range cases {
		src := "def k(A, C):\n    for i in range(C.shape[0]):\n        for j in range(i + 1, C.shape[0]):\n            " + c.body + "\n"
		r, code := generated(t, src, map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
			"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		})
		if r.vector != 1 || !strings.Contains(code, c.numpy) {
			t.Errorf("%s: want %q, got:\n%s", c.name, c.numpy, code)
		}
		if got := cupyMaskedUpdates(code); !strings.Contains(got, c.cupy) {
			t.Errorf("%s: CuPy form: want %q, got:\n%s", c.name, c.cupy, got)
		}
	}
}

func TestBaseArray(t *testing.T) {
	for in, want := range map[string]string{
		"C[0:max(0, _p_M - 1), :]": "C",
		"temp2":                    "temp2",
		"_rt.diag_view(corr, (0, 0,), _p_M)[...]": "corr",
		"(C).T": "",
		"C.T":   "",
	} {
		if got := baseArray(in); got != want {
			t.Errorf("baseArray(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNarrowIntSumsKeepDType: np.sum widens int32 to int64, so a column sum of int32 arrays
// stays an einsum (which wraps like the original); int64 takes np.sum.
func TestNarrowIntSumsKeepDType(t *testing.T) {
	src := "def k(A, s):\n    for j in range(A.shape[1]):\n        s[j] = 0\n        for i in range(A.shape[0]):\n            s[j] += A[i, j]\n"
	for dtype, want := range map[string]string{"int32": "_np.einsum(", "int64": "_np.sum("} {
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array(dtype, typeinfer.SymDim("N"), typeinfer.SymDim("M")),
			"s": typeinfer.Array(dtype, typeinfer.SymDim("M")),
		}
		_, code := generated(t, src, params)
		if !strings.Contains(code, want) {
			t.Errorf("%s: want %s in\n%s", dtype, want, code)
		}
	}
}

// TestSumIntoAxisNoOperandHas is difffuzz's p70178: B[i] += A[j] sums A once per i; einsum
// cannot make the output axis i that no operand has ('b->a' raised ValueError).
func TestSumIntoAxisNoOperandHas(t *testing.T) {
	src := "def k(A, B):\n    for i in range(2, B.shape[0] - 2):\n        for j in range(2, A.shape[0] - 2):\n            B[i] += A[j]\n"
	vec := func(s string) *typeinfer.Type { return typeinfer.Array("float64", typeinfer.SymDim(s)) }
	_, code := generated(t, src, map[string]*typeinfer.Type{"A": vec("N"), "B": vec("M")})
	if strings.Contains(code, "einsum('b->a'") || !strings.Contains(code, "_np.sum(_np.broadcast_to(") {
		t.Errorf("want a broadcast sum, got\n%s", code)
	}
}

// TestSumWithoutBroadcast: a summed value that varies along every loop has its shape already
// and is summed as it is (np.broadcast_to costs microseconds: correlation's variances); one
// that lacks a loop's axis, summed along it or not, is broadcast first, or its sum would count
// each value once instead of once per point of that loop.
func TestSumWithoutBroadcast(t *testing.T) {
	for _, tc := range []struct {
		body      string
		want, not string
	}{
		{"B[i] += (A[j, i] - x[i]) ** 2", "_np.sum((((A).transpose(1, 0) - (x)[:, None]) ** 2), axis=(1,))", "broadcast_to"},
		{"B[i] += np.sqrt(A[j, i]) * x[i]", "_np.sum((_np.sqrt((A).transpose(1, 0))", "broadcast_to"},
		{"B[i] += x[i] + 1.0", "_np.sum(_np.broadcast_to(", ""}, // the sum along j adds it once per j
		{"B[i] += y[j] + 1.0", "_np.sum(_np.broadcast_to(", ""}, // the same for every i
	} {
		src := "def k(A, B, x, y):\n    for i in range(B.shape[0]):\n        for j in range(A.shape[0]):\n            " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("M"), typeinfer.SymDim("N")),
			"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"x": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"y": typeinfer.Array("float64", typeinfer.SymDim("M")),
		}
		code := numpyCode(t, src, params)
		var not []string
		if tc.not != "" {
			not = append(not, tc.not)
		}
		checkCode(t, code, []string{tc.want}, not)
	}
}

// TestTempInSiblingLoop is helper-51's review finding: t computed in `for j in range(1)` is an
// (N, 1) temporary; read in a sibling `for j in range(M)`, it was summed as if its j axis had
// M points (s += (t + 1.0) * 3.0 lost broadcast_to; s += t * 3.0, through einsum's factors,
// was wrong before that). A temporary is read as an array only in the loops it was computed
// over.
func TestTempInSiblingLoop(t *testing.T) {
	for _, body := range []string{"s += (t + 1.0) * 3.0", "s += t * 3.0"} {
		src := "def k(A, B):\n    s = 0.0\n    for i in range(A.shape[0]):\n        for j in range(1):\n            t = A[i] * 2.0\n        for j in range(B.shape[0]):\n            " + body + "\n    return s\n"
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"B": typeinfer.Array("float64", typeinfer.SymDim("M")),
		}
		code := numpyCode(t, src, params)
		checkCode(t, code, nil, []string{"_np.sum(t", "axis=(0, 1,)"})
	}
}
