package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

func cvec(sym string) *typeinfer.Type {
	return typeinfer.Array("complex128", typeinfer.SymDim(sym))
}

// TestLowerComplex checks complex statements as loops, written out by hand (x, y, u and L
// share the extent N, so any of them may name it): conjugates and
// complex dot products, .real, complex constants in a scalar, a new complex array.
func TestLowerComplex(t *testing.T) {
	params := map[string]*typeinfer.Type{"x": cvec("N"), "y": cvec("N"), "u": vec("N"), "n": intT(),
		"L": typeinfer.Array("complex128", typeinfer.SymDim("N"), typeinfer.SymDim("N"))}
	tests := []struct{ name, src, want string }{
		{"conjugate dot product of slices", `
def k(L, x, y):
    for i in range(x.shape[0]):
        y[i] = x[i] - L[i, :i].conj() @ y[:i]
`, `
def k(L, x, y):
    for i in range(x.shape[0]):
        _pp_s0 = 0j
        for _pp_i1 in range(i):
            _pp_s0 += (np.conj(L[i, _pp_i1]) * y[_pp_i1])
        y[i] = (x[i] - _pp_s0)
`},
		{"real part into a real array", `
def k(x, u):
    u[:] = x.real * 2.0
`, `
def k(x, u):
    for _pp_i0 in range(x.shape[0]):
        u[_pp_i0] = ((x[_pp_i0]).real * (2.0))
`},
		{"a complex scalar from a loop index scales a complex slice", `
def k(x, y, n):
    for m in range(n):
        t = np.exp(-2j * np.pi * m / n)
        y[:] += t * x[:]
`, `
def k(x, y, n):
    for m in range(n):
        t = np.exp(-2j * np.pi * m / n)
        for _pp_i0 in range(x.shape[0]):
            y[_pp_i0] += ((t) * x[_pp_i0])
`},
		{"a row the statement never writes needs no temporary", `
def k(L, n):
    for j in range(n):
        L[j + 1:, j] = L[j + 1:, j] / L[j, j]
`, `
def k(L, n):
    for j in range(n):
        for _pp_i0 in range(L.shape[0] - j - 1):
            L[_pp_i0 + j + 1, j] = (L[_pp_i0 + j + 1, j] / L[j, j])
`},
		{"a matrix-vector product whose rows depend on the loop index", `
def k(L, n):
    for j in range(n):
        L[j + 1:, j] = (L[j + 1:, j] - L[j + 1:, :j] @ L[j, :j].conj()) / L[j, j]
`, `
def k(L, n):
    _pp_r0 = np.empty((L.shape[0],), dtype=np.complex128)
    for j in range(n):
        for _pp_i1 in range(L.shape[0] - j - 1):
            _pp_r0[_pp_i1] = 0j
            for _pp_i2 in range(j):
                _pp_r0[_pp_i1] += (L[_pp_i1 + j + 1, _pp_i2] * np.conj(L[j, _pp_i2]))
        for _pp_i3 in range(L.shape[0] - j - 1):
            L[_pp_i3 + j + 1, j] = ((L[_pp_i3 + j + 1, j] - _pp_r0[_pp_i3]) / L[j, j])
`},
		{"a new complex array", `
def k(x, y):
    z = x * np.conj(y)
    return z
`, `
def k(x, y):
    z = np.empty((x.shape[0],), dtype=np.complex128)
    for _pp_i0 in range(x.shape[0]):
        z[_pp_i0] = (x[_pp_i0] * np.conj(y[_pp_i0]))
    return z
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := lower(t, tc.src, params)
			if got == nil || got.Stmts == 0 {
				t.Fatalf("nothing lowered: %+v", got)
			}
			if want := strings.TrimPrefix(tc.want, "\n"); got.Text+"\n" != want {
				t.Errorf("lowered:\n%s\nwant:\n%s", got.Text, want)
			}
		})
	}
}

// TestLowerComplexLeftAlone checks the complex statements that must stay as they are.
func TestLowerComplexLeftAlone(t *testing.T) {
	params := map[string]*typeinfer.Type{"x": cvec("N"), "u": vec("N"), "v": vec("N"), "n": intT(),
		"c": typeinfer.Simple(typeinfer.Complex)}
	tests := []struct{ src, why string }{
		// NumPy drops the imaginary part with a warning; the loop raises TypeError.
		{"def k(x, u):\n    u[:] = x * 2.0\n", "may be complex stored into u"},
		{"def k(u, v):\n    u[:] = v * 1j\n", "may be complex stored into u"},
		{"def k(x, u, n):\n    for m in range(n):\n        t = 1j * m\n        u[:] += t * x\n", "may be complex stored into u"},
		// A loop target over anything but a range may be complex (the review's x4).
		{"def k(u, v, c):\n    for w in (c, c):\n        u[:] = u + v * w\n", "may be complex stored into u"},
		// A real array times a complex scalar is complex: not the float64 the operands have.
		{"def k(u):\n    z = u * 1j\n    return z\n", "not known to be float64 or complex128"},
	}
	for _, tc := range tests {
		got := lower(t, tc.src, params)
		if got != nil && got.Stmts > 0 {
			t.Errorf("%q was lowered:\n%s", tc.src, got.Text)
			continue
		}
		found := false
		for _, o := range got.Skipped {
			found = found || strings.Contains(o.Reason, tc.why)
		}
		if !found {
			t.Errorf("%q: reasons %+v, want one with %q", tc.src, got.Skipped, tc.why)
		}
	}
}

// TestLowerScalarConjugate: a scalar statement with x.conj() is written with np.conj, which
// the model and Numba know.
func TestLowerScalarConjugate(t *testing.T) {
	params := map[string]*typeinfer.Type{"x": cvec("N"), "y": cvec("N")}
	got := lower(t, "def k(x, y):\n    for i in range(x.shape[0]):\n        y[i] = x[i].conj() * 2.0\n", params)
	want := "def k(x, y):\n    for i in range(x.shape[0]):\n        y[i] = (np.conj(x[i]) * (2.0))\n"
	if got == nil || got.Text+"\n" != want {
		t.Errorf("lowered:\n%+v\nwant:\n%s", got, want)
	}
}
