package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestMaskedUpdatesInPlace: an update over a triangle is the ufunc with out= and where= (no
// temporary of the box), for NumPy; the CuPy text gets the where() form back.
func TestMaskedUpdatesInPlace(t *testing.T) {
	cases := []struct {
		name, body, numpy, cupy string
	}{
		{"scale", "C[i, j] *= 2.5", "_np.multiply(C[:, :], 2.5, out=C[:, :], where=_mask0)", "C[:, :] *= _np.where(_mask0, 2.5, 1)"},
		{"divide", "C[i, j] /= A[i, j]", "_np.true_divide(C[:, :], A, out=C[:, :], where=_mask0)", "C[:, :] /= _np.where(_mask0, A, 1)"},
		{"add", "C[i, j] += A[i, j] * 2.0", "_np.add(C[:, :], (A * 2.0), out=C[:, :], where=_mask0)", "C[:, :] += _np.where(_mask0, (A * 2.0), 0)"},
		{"subtract", "C[i, j] -= A[j, i]", "_np.subtract(C[:, :], (A).transpose(1, 0), out=C[:, :], where=_mask0)", "C[:, :] -= _np.where(_mask0, (A).transpose(1, 0), 0)"},
	}
	for _, c := range cases {
		src := "def k(A, C):\n    for i in range(C.shape[0]):\n        for j in range(i + 1):\n            " + c.body + "\n"
		r, code := generated(t, src, map[string]*typeinfer.Type{
			"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
			"C": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		})
		if r.vector != 1 || !strings.Contains(code, c.numpy) {
			t.Errorf("%s: want %q, got:\n%s", c.name, c.numpy, code)
			continue
		}
		if got := cupyMaskedUpdates(code); !strings.Contains(got, "    "+c.cupy+"\n") && !strings.HasSuffix(got, "    "+c.cupy) {
			t.Errorf("%s: CuPy form: want %q, got:\n%s", c.name, c.cupy, got)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	cases := map[string][]string{
		`C[0:max(0, n), :], (A @ B), out=C[0:max(0, n), :], where=_mask0`: {"C[0:max(0, n), :]", "(A @ B)", "out=C[0:max(0, n), :]", "where=_mask0"},
		`f("a, b", 'c)'), x`: {`f("a, b", 'c)')`, "x"},
		`a, (b`:              nil,
		`a), b`:              nil,
	}
	for in, want := range cases {
		got := splitArgs(in)
		if strings.Join(got, "|") != strings.Join(want, "|") || (got == nil) != (want == nil) {
			t.Errorf("splitArgs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitMatmul(t *testing.T) {
	cases := []struct {
		code, scale, x, y string
		ok                bool
	}{
		{"(A @ x)", "", "A", "x", true},
		{"((A).T @ B[0:max(0, _p_N), :])", "", "(A).T", "B[0:max(0, _p_N), :]", true},
		{"alpha * (A @ B)", "alpha", "A", "B", true},
		{"alpha * beta[0] * (A @ (B).T)", "alpha * beta[0]", "A", "(B).T", true},
		{"((A @ B)).transpose(1, 0)", "", "", "", false},
		{"(A @ B) + (C @ D)", "", "", "", false},
		{"((A @ B) + (C @ D))", "", "", "", false},
		{"(A @ B)[None, :]", "", "", "", false},
		{"_np.sum(A, axis=(0,))", "", "", "", false},
		{"alpha + (A @ B)", "", "", "", false},
		{"(A * B)", "", "", "", false},
	}
	for _, c := range cases {
		scale, x, y, ok := splitMatmul(c.code)
		if ok != c.ok || ok && (scale != c.scale || x != c.x || y != c.y) {
			t.Errorf("splitMatmul(%q) = %q, %q, %q, %v", c.code, scale, x, y, ok)
		}
	}
}

func TestFiniteChecks(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"B[0:max(0, _p_M - 1), :]", "B", "alpha"}, []string{"B", "alpha"}},
		{[]string{"B[0:max(0, _p_M - 1), :]", "alpha", "B[0:max(0, _p_M - 1), :]"}, []string{"B[0:max(0, _p_M - 1), :]", "alpha"}},
		{[]string{"A[1:n, :]", "B", "(B)[:, None]", "B[i][j]"}, []string{"A[1:n, :]", "B", "(B)[:, None]", "B[i][j]"}},
		{[]string{"B.T", "B"}, []string{"B.T", "B"}},
	}
	for _, c := range cases {
		if got := finiteChecks(c.in); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("finiteChecks(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestViewTarget(t *testing.T) {
	for in, want := range map[string]bool{
		"C[0:max(0, _p_M - 1), :]": true,
		"temp2":                    true,
		"C[i, 1:max(1, _p_N)]":     true,
		"_rt.diag_view(corr, (0, 0,), _p_M)[...]": true,
		"A[_np.arange(0, n), _np.arange(0, n)]":   false,
		"A[idx[0], :]":                            false,
		"(C).T":                                   false,
	} {
		if got := viewTarget(in); got != want {
			t.Errorf("viewTarget(%q) = %v, want %v", in, got, want)
		}
	}
}
