package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestWholeArrayCode checks the forms that keep small kernels close to hand-written NumPy:
// whole-array slices as the arrays themselves, a zeroed sum filled by one copy, and
// T = T + e1 - e2 as in-place updates; and the cases where each must not apply.
func TestWholeArrayCode(t *testing.T) {
	vec := func(dtype string) *typeinfer.Type { return typeinfer.Array(dtype, typeinfer.SymDim("N")) }
	mat := func(dtype string) *typeinfer.Type {
		return typeinfer.Array(dtype, typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	}
	for _, tc := range []struct {
		name, body string
		a, y       string // dtypes of A and y
		want, not  []string
	}{
		{"gesummv", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        t[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] = A[i, j] * x[j] + y[i]\n",
			"float64", "float64",
			[]string{`_np.copyto(y, (A @ x), casting="same_kind")`, "t[:] = 0.0"}, []string{"_p_N", "y[:] = 0.0"}},
		{"read between", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        t[i] = y[i] + 1.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * x[j]\n",
			"float64", "float64",
			[]string{"y[:] = 0.0", "y[:] += (A @ x)"}, []string{"copyto"}},
		{"sum reads itself", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * y[j]\n",
			"float64", "float64",
			nil, []string{"copyto"}},
		{"gemver", "for i in range(A.shape[0]):\n        for j in range(A.shape[0]):\n            A[i, j] = A[i, j] + x[i] * y[j] - t[i]\n",
			"float64", "float64",
			[]string{"A[:, :] += ((x)[:, None] * (y)[None, :])", "A[:, :] -= (t)[:, None]"}, []string{"A[:, :] = "}},
		{"int target", "for i in range(A.shape[0]):\n        for j in range(A.shape[0]):\n            A[i, j] = A[i, j] + x[i] * y[j] - t[i]\n",
			"int64", "float64",
			[]string{"A[:, :] = ((A + "}, []string{"A[:, :] +="}},
		{"not the whole array", "for i in range(1, A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * x[j]\n",
			"float64", "float64",
			[]string{"_np.copyto(y[1:max(1, _p_N)], (A[1:max(1, _p_N), :] @ x)"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(A, x, y, t):\n    " + tc.body
			s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
				"A": mat(tc.a), "x": vec("float64"), "y": vec(tc.y), "t": vec("float64"),
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
			for _, w := range tc.want {
				if !strings.Contains(code, w) {
					t.Errorf("want %q in:\n%s", w, code)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(code, n) {
					t.Errorf("want no %q in:\n%s", n, code)
				}
			}
		})
	}
}
