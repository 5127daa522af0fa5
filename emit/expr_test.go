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
	src := "def k(A, C):\n    for i in range(2, C.shape[0] - 2):\n        C[0, i] = A[0] + abs(2) + math.exp(A[i])\n"
	s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
		"A": typeinfer.Array("float32", typeinfer.SymDim("N")),
		"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
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
		t.Errorf("want abs(2) kept and math.exp(A[i]) vectorized, got:\n%s", code)
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
