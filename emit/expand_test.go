package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestExpandedCode checks the whole-array code of nests that expand a reused array (doitgen's
// sum_ becomes one copy per (r, q), the contraction a batched @, the array the last copy),
// that write a diagonal, and the cases that must keep their Python loops.
func TestExpandedCode(t *testing.T) {
	cube := typeinfer.Array("float64", typeinfer.SymDim("R"), typeinfer.SymDim("Q"), typeinfer.SymDim("P"))
	mat := func(a, b string) *typeinfer.Type {
		return typeinfer.Array("float64", typeinfer.SymDim(a), typeinfer.SymDim(b))
	}
	vec := func(a string) *typeinfer.Type { return typeinfer.Array("float64", typeinfer.SymDim(a)) }
	types := map[string]*typeinfer.Type{"A": cube, "C": mat("P", "P"), "B": mat("N", "M"), "D": mat("N", "M"),
		"s": vec("P"), "t": vec("M")}
	for _, tc := range []struct {
		name, src string
		want, not []string
	}{
		{"doitgen", `def k(A, C, s):
    for r in range(A.shape[0]):
        for q in range(A.shape[1]):
            for p in range(A.shape[2]):
                s[p] = 0.0
                for u in range(A.shape[2]):
                    s[p] += A[r, q, u] * C[u, p]
            for p in range(A.shape[2]):
                A[r, q, p] = s[p]
`, []string{
			"_e_s = _np.empty((max(0, _p_R), max(0, _p_Q), max(0, _p_P),), dtype=\"float64\")",
			"_np.matmul(A, C, out=_e_s)",
			"A[:, :, :] = _e_s",
			"if _e_s.size:\n        s[...] = _e_s[-1, -1]",
		}, []string{"for r", "for q"}},
		{"transposed matrix", `def k(A, C, s):
    for r in range(A.shape[0]):
        for q in range(A.shape[1]):
            for p in range(A.shape[2]):
                s[p] = 0.0
                for u in range(A.shape[2]):
                    s[p] += C[p, u] * A[r, q, u]
            for p in range(A.shape[2]):
                A[r, q, p] = s[p]
`, []string{"_np.matmul(A, (C).T, out=_e_s)"}, []string{"for r", "einsum"}},
		{"row buffer", `def k(B, D, t):
    for i in range(B.shape[0]):
        for j in range(B.shape[1]):
            t[j] = B[i, j] * 2.0
        for j in range(B.shape[1]):
            D[i, j] = t[j] + 1.0
`, []string{"_e_t[:, :] = (B * 2.0)", "D[:, :] = (_e_t + 1.0)", "t[...] = _e_t[-1]"}, []string{"for i"}},
		{"read before written", `def k(B, D, t):
    for i in range(B.shape[0]):
        for j in range(B.shape[1]):
            D[i, j] = t[j]
            t[j] = B[i, j]
`, []string{"for i in range(B.shape[0]):"}, []string{"_e_t"}},
		{"updated in place", `def k(B, D, t):
    for i in range(B.shape[0]):
        for j in range(B.shape[1]):
            t[j] = B[i, j] * 2.0
        for j in range(B.shape[1]):
            D[i, j] = t[j] + 1.0
        for j in range(B.shape[1]):
            t[j] = t[j] * 2.0
`, []string{"_e_t[:, :] *= 2.0"}, nil},
		{"diagonal", `def k(B, D, t):
    for i in range(B.shape[0]):
        D[i, i] = 1.0
        for j in range(B.shape[1]):
            B[i, j] = 0.0
`, []string{"_rt.diag_view(D, (0, 0,), max(0, _p_N))[...] = 1.0", "B[:, :] = 0.0"}, []string{"for i", "copyto(D"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, f, def := firstSCoP(t, tc.src, types)
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
