package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

func lower(t *testing.T, src string, params map[string]*typeinfer.Type) *Lowered {
	t.Helper()
	f, err := pyast.ParseFile("k.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Module.Body {
		if d, ok := s.(*pyast.FunctionDef); ok {
			return Lower(Func{File: f, Def: d, QualName: d.Name, Params: params,
				Modules: map[string]string{"np": "numpy", "math": "math"}}, nil)
		}
	}
	t.Fatal("no function")
	return nil
}

// TestLowerArrayStatements checks the loops each kind of array statement becomes, written out
// by hand.
func TestLowerArrayStatements(t *testing.T) {
	u := map[string]*typeinfer.Type{"u": vec("N"), "v": vec("N"), "A": mat("N", "M"), "B": mat("M", "N"), "w": vec("M"),
		"c": typeinfer.Simple(typeinfer.Float)}
	tests := []struct {
		name, src, want string
	}{
		{"shifted slices", `
def k(u, v, c):
    v[1:-1] = c * (u[2:] - u[:-2])
`, `
def k(u, v, c):
    for _pp_i0 in range(u.shape[0] - 2):
        v[_pp_i0 + 1] = ((c) * (u[_pp_i0 + 2] - u[_pp_i0]))
`},
		{"in place update reading shifted target uses a temporary", `
def k(u, c):
    u[1:-1] += c * u[:-2]
`, `
def k(u, c):
    _pp_t1 = np.empty((u.shape[0] - 2,), dtype=np.float64)
    for _pp_i0 in range(u.shape[0] - 2):
        _pp_t1[_pp_i0] = u[_pp_i0 + 1] + (((c) * u[_pp_i0]))
    for _pp_i0 in range(u.shape[0] - 2):
        u[_pp_i0 + 1] = _pp_t1[_pp_i0]
`},
		{"transpose, scalars and broadcasting", `
def k(A, B, u, w):
    A[:, :] = B.T * u[0] + np.sqrt(w)
`, `
def k(A, B, u, w):
    for _pp_i0 in range(A.shape[0]):
        for _pp_i1 in range(A.shape[1]):
            A[_pp_i0, _pp_i1] = ((B[_pp_i1, _pp_i0] * u[0]) + np.sqrt(w[_pp_i1]))
`},
		{"a row of the target read while the target is written needs a temporary", `
def k(A, w):
    A[1:] = A[0] * w
`, `
def k(A, w):
    _pp_t2 = np.empty((A.shape[0] - 1, A.shape[1],), dtype=np.float64)
    for _pp_i0 in range(A.shape[0] - 1):
        for _pp_i1 in range(A.shape[1]):
            _pp_t2[_pp_i0, _pp_i1] = (A[0, _pp_i1] * w[_pp_i1])
    for _pp_i0 in range(A.shape[0] - 1):
        for _pp_i1 in range(A.shape[1]):
            A[_pp_i0 + 1, _pp_i1] = _pp_t2[_pp_i0, _pp_i1]
`},
		{"a new array and a sum", `
def k(u, c):
    w = u * c
    s = w.sum() + 1.0
    return s
`, `
def k(u, c):
    w = np.empty((u.shape[0],), dtype=np.float64)
    for _pp_i0 in range(u.shape[0]):
        w[_pp_i0] = (u[_pp_i0] * (c))
    _pp_s1 = 0.0
    for _pp_i2 in range(u.shape[0]):
        _pp_s1 += w[_pp_i2]
    s = (_pp_s1 + (1.0))
    return s
`},
		{"matrix products and dot products", `
def k(A, B, w, u):
    C = A @ B
    v = np.dot(A, w)
    u[:] += A @ w
    s = w @ w
    return C, v, s
`, `
def k(A, B, w, u):
    C = np.empty((A.shape[0], A.shape[0],), dtype=np.float64)
    for _pp_i0 in range(A.shape[0]):
        for _pp_i1 in range(A.shape[0]):
            C[_pp_i0, _pp_i1] = 0.0
            for _pp_i2 in range(A.shape[1]):
                C[_pp_i0, _pp_i1] += (A[_pp_i0, _pp_i2] * B[_pp_i2, _pp_i1])
    v = np.empty((A.shape[0],), dtype=np.float64)
    for _pp_i3 in range(A.shape[0]):
        v[_pp_i3] = 0.0
        for _pp_i4 in range(A.shape[1]):
            v[_pp_i3] += (A[_pp_i3, _pp_i4] * w[_pp_i4])
    for _pp_i5 in range(A.shape[0]):
        for _pp_i6 in range(A.shape[1]):
            u[_pp_i5] += (A[_pp_i5, _pp_i6] * w[_pp_i6])
    _pp_s7 = 0.0
    for _pp_i8 in range(A.shape[1]):
        _pp_s7 += (w[_pp_i8] * w[_pp_i8])
    s = _pp_s7
    return C, v, s
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := lower(t, tc.src, u)
			if got == nil || got.Stmts == 0 {
				t.Fatalf("nothing lowered: %+v", got)
			}
			if want := strings.TrimPrefix(tc.want, "\n"); got.Text+"\n" != want {
				t.Errorf("lowered:\n%s\nwant:\n%s", got.Text, want)
			}
		})
	}
}

// TestLowerLeavesAlone checks statements that must stay NumPy statements, with their reason.
func TestLowerLeavesAlone(t *testing.T) {
	params := map[string]*typeinfer.Type{"u": vec("N"), "v": vec("M"), "A": mat("N", "M"), "n": intT()}
	tests := []struct{ src, why string }{
		{"def k(u, v):\n    u[:] = v\n", "not provably equal"},
		{"def k(u, A):\n    u[:] = A @ u\n", "contracted extents M and N are not provably equal"},
		{"def k(u, v, A):\n    u[:] = 2.0 * (A @ v)\n", "a matrix product inside a larger expression"},
		{"def k(u, n):\n    u[::2] = 0.0\n", "a slice with a step"},
		{"def k(u, A):\n    u[:] = foo(u)\n", "is not lowered"},
		{"def k(u, A):\n    u[:] = 1.0; A[0] = 2.0\n", "shares its line"},
		{"def k(u, n):\n    for i in range(n):\n        w = u[:] * 2.0\n        keep.append(w)\n", "used whole elsewhere"},
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
