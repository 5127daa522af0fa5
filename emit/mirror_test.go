package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestMergeMirrored: symm's two masked products by one stored triangle (and its diagonal's
// line) become one mirrored_matmul call; products that differ in anything the merge relies
// on stay two.
func TestMergeMirrored(t *testing.T) {
	symm := func(first, second, last string) string {
		return "def k(alpha, beta, C, A, B, D):\n" +
			"    for i in range(C.shape[0]):\n" +
			"        for j in range(C.shape[1]):\n" +
			"            temp2 = 0.0\n" +
			"            for k in range(i):\n" +
			"                " + first + "\n" +
			"                " + second + "\n" +
			"            " + last + "\n"
	}
	const (
		s1   = "C[k, j] += alpha * B[i, j] * A[i, k]"
		s2   = "temp2 += B[k, j] * A[i, k]"
		last = "C[i, j] = beta * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * temp2"
	)
	cases := []struct {
		name, src, want string
		merged          bool
	}{
		{"symm", symm(s1, s2, last),
			"_rt.mirrored_matmul(A[:, 0:max(0, _p_M - 1)], _mask0, (0, _p_M), (0, _p_M - 1), B[:, :], C[:, :], alpha, A[_np.arange(0, max(0, _p_M)), _np.arange(0, max(0, _p_M))], (0, _p_M))",
			true},
		{"no diagonal", symm(s1, s2, "C[i, j] = beta * C[i, j] + alpha * temp2"),
			"_rt.mirrored_matmul(A[:, 0:max(0, _p_M - 1)], _mask0, (0, _p_M), (0, _p_M - 1), B[:, :], C[:, :], alpha)", true},
		// Another scale on each term, another factor: two products. The target read by a
		// factor: no merge (here, no product either).
		{"scales differ", symm(s1, s2, "C[i, j] = C[i, j] + beta * temp2"), "", false},
		{"other factor", symm("C[k, j] += alpha * D[i, j] * A[i, k]", s2, last), "", false},
		{"target read", symm("C[k, j] += alpha * C[i, j] * A[i, k]", "temp2 += C[k, j] * A[i, k]",
			"C[i, j] = beta * C[i, j] + alpha * temp2"), "", false},
	}
	n, m := typeinfer.SymDim("M"), typeinfer.SymDim("N")
	for _, c := range cases {
		r, code := generated(t, c.src, map[string]*typeinfer.Type{
			"alpha": typeinfer.Simple(typeinfer.Float), "beta": typeinfer.Simple(typeinfer.Float),
			"A": typeinfer.Array("float64", n, n), "B": typeinfer.Array("float64", n, m),
			"C": typeinfer.Array("float64", n, m), "D": typeinfer.Array("float64", n, m),
		})
		if r.vector == 0 {
			t.Errorf("%s: not vectorized:\n%s", c.name, code)
			continue
		}
		got := strings.Count(code, "_rt.mirrored_matmul(")
		switch {
		case c.merged && (got != 1 || !strings.Contains(code, c.want) || strings.Contains(code, "masked_matmul(B")):
			t.Errorf("%s: want %s and no masked_matmul left, got:\n%s", c.name, c.want, code)
		case !c.merged && (got != 0 || c.name != "target read" && strings.Count(code, "_rt.masked_matmul(") != 2):
			t.Errorf("%s: want the two masked products, got:\n%s", c.name, code)
		}
	}
}

func TestSplitScaled(t *testing.T) {
	r := &region{products: map[string]*maskedProduct{"_rt.masked_matmul(x, y, m, 1, True)": {}}}
	r.scop = &polyopt.SCoP{Arrays: map[string]*polyopt.Array{"u": {Name: "u", DType: "float64"}}}
	cases := []struct {
		code, scale string
		flipped, ok bool
	}{
		{"(alpha * ((_rt.masked_matmul(x, y, m, 1, True)).transpose(1, 0)))", "alpha", true, true},
		{"(alpha * _rt.masked_matmul(x, y, m, 1, True)).transpose(1, 0)", "alpha", true, true},
		{"_rt.masked_matmul(x, y, m, 1, True)", "", false, true},
		{"beta * alpha * _rt.masked_matmul(x, y, m, 1, True)", "beta alpha", false, true},
		{"_rt.masked_matmul(x, y, m, 1, True) * alpha", "alpha", false, true},
		// Another grouping than s1 * ... * M: (2.0 * beta) * M may round or overflow otherwise.
		{"2.0 * (beta * _rt.masked_matmul(x, y, m, 1, True))", "", false, false},
		{"alpha * _rt.masked_matmul(x, y, m, 1, True) * beta", "", false, false},
		{"((_rt.masked_matmul(x, y, m, 1, True)).transpose(1, 0)).transpose(1, 0)", "", false, true},
		{"alpha + _rt.masked_matmul(x, y, m, 1, True)", "", false, false},
		{"alpha * _rt.masked_matmul(x, y, m, 1, True) + beta", "", false, false},
		{"u[:, None] * _rt.masked_matmul(x, y, m, 1, True)", "", false, false},
		{"alpha * (A @ B)", "", false, false},
	}
	for _, c := range cases {
		scale, _, flipped, ok := r.splitScaled(c.code)
		if ok != c.ok || ok && (strings.Join(scale, " ") != c.scale || flipped != c.flipped) {
			t.Errorf("splitScaled(%q) = %q, %v, %v; want %q, %v, %v", c.code, scale, flipped, ok, c.scale, c.flipped, c.ok)
		}
	}
}
