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
    A[1:] = A[-1] * w
`, `
def k(A, w):
    _pp_t2 = np.empty((A.shape[0] - 1, A.shape[1],), dtype=np.float64)
    for _pp_i0 in range(A.shape[0] - 1):
        for _pp_i1 in range(A.shape[1]):
            _pp_t2[_pp_i0, _pp_i1] = (A[A.shape[0] - 1, _pp_i1] * w[_pp_i1])
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
		{"def k(u, v, A, n):\n    for i in range(n):\n        u[:i] = 2.0 * ((2.0 * A[:i]) @ v)\n", "the product's extent depends on the loop index i"},
		{"def k(u, n):\n    u[::2] = 0.0\n", "a slice with a step"},
		{"def k(u, A):\n    u[:] = foo(u)\n", "is not lowered"},
		{"def k(u, A):\n    u[:] = 1.0; A[0] = 2.0\n", "shares its line"},
		{"def k(u, n):\n    for i in range(n):\n        w = u[:] * 2.0\n        keep.append(w)\n", "used whole elsewhere"},
		// A view written through must stay a view (a copy would drop the writes).
		{"def k(A, n):\n    V = A[:, :]\n    for i in range(n):\n        V[i, 0] = 2.0\n", "V may be a view of A, and V is written"},
		{"def k(A, n):\n    V = A.T\n    for i in range(n):\n        V[i, 0] = 2.0\n", "V may be a view of A"},
		{"def k(A, n):\n    V = np.transpose(A)\n    for i in range(n):\n        V[i, 0] = 2.0\n", "V may be a view of A"},
		{"def k(A, u, n):\n    V = A[:, :]\n    A[0, 0] = 1.0\n    u[0] = V[0, 0]\n", "and A is written"},
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

// TestLowerReductionsTransposesOuter checks sums and means over axes, transposes with and
// without axes, outer products and matrix products inside expressions, written out by hand.
func TestLowerReductionsTransposesOuter(t *testing.T) {
	params := map[string]*typeinfer.Type{"u": vec("N"), "v": vec("N"), "A": mat("N", "M"), "B": mat("M", "N"), "w": vec("M"),
		"I": typeinfer.Array("int64", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"T": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("M"), typeinfer.SymDim("K")),
		"n": intT()}
	tests := []struct {
		name, src, want string
	}{
		{"an axis sum into a new array adds rows in memory order", `
def k(A):
    y = A.sum(axis=0)
    return y
`, `
def k(A):
    y = np.empty((A.shape[1],), dtype=np.float64)
    for _pp_i1 in range(A.shape[1]):
        y[_pp_i1] = 0.0
    for _pp_i0 in range(A.shape[0]):
        for _pp_i1 in range(A.shape[1]):
            y[_pp_i1] += A[_pp_i0, _pp_i1]
    return y
`},
		{"axis sums into targets: keyword, positional and negative axes, updates", `
def k(A, u, v, w):
    u[:] = np.sum(A, axis=1)
    v[:] += np.sum(A, 1)
    w[:] -= A.sum(-2)
`, `
def k(A, u, v, w):
    for _pp_i0 in range(A.shape[0]):
        u[_pp_i0] = 0.0
    for _pp_i0 in range(A.shape[0]):
        for _pp_i1 in range(A.shape[1]):
            u[_pp_i0] += A[_pp_i0, _pp_i1]
    for _pp_i2 in range(A.shape[0]):
        for _pp_i3 in range(A.shape[1]):
            v[_pp_i2] += A[_pp_i2, _pp_i3]
    for _pp_i4 in range(A.shape[0]):
        for _pp_i5 in range(A.shape[1]):
            w[_pp_i5] -= A[_pp_i4, _pp_i5]
`},
		{"an axis sum inside an expression is computed into a buffer first", `
def k(A, n):
    m = A.sum(axis=0) / n
    return m
`, `
def k(A, n):
    m = np.empty((A.shape[1],), dtype=np.float64)
    _pp_r0 = np.empty((A.shape[1],), dtype=np.float64)
    for _pp_i2 in range(A.shape[1]):
        _pp_r0[_pp_i2] = 0.0
    for _pp_i1 in range(A.shape[0]):
        for _pp_i2 in range(A.shape[1]):
            _pp_r0[_pp_i2] += A[_pp_i1, _pp_i2]
    for _pp_i3 in range(A.shape[1]):
        m[_pp_i3] = (_pp_r0[_pp_i3] / (n))
    return m
`},
		{"a sum over a tuple of axes and over None", `
def k(T, w, u):
    w[:] = T.sum(axis=(0, 2))
    s = np.sum(u, axis=None)
    return s
`, `
def k(T, w, u):
    for _pp_i1 in range(T.shape[1]):
        w[_pp_i1] = 0.0
    for _pp_i0 in range(T.shape[0]):
        for _pp_i1 in range(T.shape[1]):
            for _pp_i2 in range(T.shape[2]):
                w[_pp_i1] += T[_pp_i0, _pp_i1, _pp_i2]
    _pp_s3 = 0.0
    for _pp_i4 in range(T.shape[0]):
        _pp_s3 += u[_pp_i4]
    s = _pp_s3
    return s
`},
		{"means divide by extents bound before the statement", `
def k(A):
    s = A.mean()
    z = np.mean(A, axis=-1)
    return s, z
`, `
def k(A):
    _pp_n1 = A.shape[0]
    _pp_n2 = A.shape[1]
    _pp_s0 = 0.0
    for _pp_i3 in range(A.shape[0]):
        for _pp_i4 in range(A.shape[1]):
            _pp_s0 += A[_pp_i3, _pp_i4]
    _pp_s0 = _pp_s0 / (_pp_n1 * _pp_n2)
    s = _pp_s0
    z = np.empty((A.shape[0],), dtype=np.float64)
    _pp_n5 = A.shape[1]
    for _pp_i6 in range(A.shape[0]):
        z[_pp_i6] = 0.0
    for _pp_i6 in range(A.shape[0]):
        for _pp_i7 in range(A.shape[1]):
            z[_pp_i6] += A[_pp_i6, _pp_i7]
    for _pp_i6 in range(A.shape[0]):
        z[_pp_i6] = z[_pp_i6] / _pp_n5
    return s, z
`},
		{"int64 sums stay int64 (a float64 target takes them from a buffer), int64 means accumulate in float64", `
def k(I, v):
    v[:] = I.sum(axis=1)
    z = I.mean(axis=0)
    return z
`, `
def k(I, v):
    _pp_r0 = np.empty((I.shape[0],), dtype=np.int64)
    for _pp_i1 in range(I.shape[0]):
        _pp_r0[_pp_i1] = 0
    for _pp_i1 in range(I.shape[0]):
        for _pp_i2 in range(I.shape[1]):
            _pp_r0[_pp_i1] += I[_pp_i1, _pp_i2]
    for _pp_i3 in range(I.shape[0]):
        v[_pp_i3] = _pp_r0[_pp_i3]
    z = np.empty((I.shape[1],), dtype=np.float64)
    _pp_n4 = I.shape[0]
    for _pp_i6 in range(I.shape[1]):
        z[_pp_i6] = 0.0
    for _pp_i5 in range(I.shape[0]):
        for _pp_i6 in range(I.shape[1]):
            z[_pp_i6] += I[_pp_i5, _pp_i6]
    for _pp_i6 in range(I.shape[1]):
        z[_pp_i6] = z[_pp_i6] / _pp_n4
    return z
`},
		{"a reduction that reads its target, and *=, go through a buffer", `
def k(A, u):
    A[0] = A.sum(axis=0)
    u[:] *= A.sum(axis=1)
`, `
def k(A, u):
    _pp_r0 = np.empty((A.shape[1],), dtype=np.float64)
    for _pp_i2 in range(A.shape[1]):
        _pp_r0[_pp_i2] = 0.0
    for _pp_i1 in range(A.shape[0]):
        for _pp_i2 in range(A.shape[1]):
            _pp_r0[_pp_i2] += A[_pp_i1, _pp_i2]
    for _pp_i3 in range(A.shape[1]):
        A[0, _pp_i3] = _pp_r0[_pp_i3]
    _pp_r4 = np.empty((A.shape[0],), dtype=np.float64)
    for _pp_i5 in range(A.shape[0]):
        _pp_r4[_pp_i5] = 0.0
    for _pp_i5 in range(A.shape[0]):
        for _pp_i6 in range(A.shape[1]):
            _pp_r4[_pp_i5] += A[_pp_i5, _pp_i6]
    for _pp_i7 in range(A.shape[0]):
        u[_pp_i7] *= _pp_r4[_pp_i7]
`},
		{"transposes with and without axes", `
def k(A, B, T):
    C = np.transpose(A)
    D = B.transpose((1, 0)) + A
    E = T.transpose(2, 0, 1)
    F = np.transpose(T, axes=[1, -1, 0])
    return C * 1.0, D, E * 1.0, F * 1.0
`, `
def k(A, B, T):
    C = np.empty((A.shape[1], A.shape[0],), dtype=np.float64)
    for _pp_i0 in range(A.shape[1]):
        for _pp_i1 in range(A.shape[0]):
            C[_pp_i0, _pp_i1] = A[_pp_i1, _pp_i0]
    D = np.empty((A.shape[0], A.shape[1],), dtype=np.float64)
    for _pp_i2 in range(A.shape[0]):
        for _pp_i3 in range(A.shape[1]):
            D[_pp_i2, _pp_i3] = (B[_pp_i3, _pp_i2] + A[_pp_i2, _pp_i3])
    E = np.empty((T.shape[2], A.shape[0], A.shape[1],), dtype=np.float64)
    for _pp_i4 in range(T.shape[2]):
        for _pp_i5 in range(A.shape[0]):
            for _pp_i6 in range(A.shape[1]):
                E[_pp_i4, _pp_i5, _pp_i6] = T[_pp_i5, _pp_i6, _pp_i4]
    F = np.empty((A.shape[1], T.shape[2], A.shape[0],), dtype=np.float64)
    for _pp_i7 in range(A.shape[1]):
        for _pp_i8 in range(T.shape[2]):
            for _pp_i9 in range(A.shape[0]):
                F[_pp_i7, _pp_i8, _pp_i9] = T[_pp_i9, _pp_i7, _pp_i8]
    return C * 1.0, D, E * 1.0, F * 1.0
`},
		{"outer products", `
def k(A, u, w):
    G = np.outer(u, w)
    A[:, :] -= 2.0 * np.outer(u, w)
    return G
`, `
def k(A, u, w):
    G = np.empty((A.shape[0], A.shape[1],), dtype=np.float64)
    for _pp_i0 in range(A.shape[0]):
        for _pp_i1 in range(A.shape[1]):
            G[_pp_i0, _pp_i1] = (u[_pp_i0] * w[_pp_i1])
    for _pp_i2 in range(A.shape[0]):
        for _pp_i3 in range(A.shape[1]):
            A[_pp_i2, _pp_i3] -= ((2.0) * (u[_pp_i2] * w[_pp_i3]))
    return G
`},
		{"a matrix product inside an expression is computed into a buffer first", `
def k(A, u, n):
    C = A.T @ A / (n - 1)
    u[:] = 2.0 * (A @ A[0])
    return C
`, `
def k(A, u, n):
    C = np.empty((A.shape[1], A.shape[1],), dtype=np.float64)
    _pp_r0 = np.empty((A.shape[1], A.shape[1],), dtype=np.float64)
    for _pp_i1 in range(A.shape[1]):
        for _pp_i2 in range(A.shape[1]):
            _pp_r0[_pp_i1, _pp_i2] = 0.0
            for _pp_i3 in range(A.shape[0]):
                _pp_r0[_pp_i1, _pp_i2] += (A[_pp_i3, _pp_i1] * A[_pp_i3, _pp_i2])
    for _pp_i4 in range(A.shape[1]):
        for _pp_i5 in range(A.shape[1]):
            C[_pp_i4, _pp_i5] = (_pp_r0[_pp_i4, _pp_i5] / ((n) - (1)))
    _pp_r6 = np.empty((A.shape[0],), dtype=np.float64)
    for _pp_i7 in range(A.shape[0]):
        _pp_r6[_pp_i7] = 0.0
        for _pp_i8 in range(A.shape[1]):
            _pp_r6[_pp_i7] += (A[_pp_i7, _pp_i8] * A[0, _pp_i8])
    for _pp_i9 in range(A.shape[0]):
        u[_pp_i9] = ((2.0) * _pp_r6[_pp_i9])
    return C
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

// TestLowerReductionsLeftAlone checks the sums, means, transposes and outer products that must
// stay NumPy statements, with their reason.
func TestLowerReductionsLeftAlone(t *testing.T) {
	params := map[string]*typeinfer.Type{"u": vec("N"), "w": vec("M"), "A": mat("N", "M"), "n": intT(),
		"I": typeinfer.Array("int64", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"F": typeinfer.Array("float32", typeinfer.SymDim("N"), typeinfer.SymDim("M")), "c": typeinfer.Simple(typeinfer.Float)}
	tests := []struct{ src, why string }{
		{"def k(u, A):\n    u[:] = A.sum(axis=2)\n", "axis 2 is out of range for 2 dimensions"},
		{"def k(w, A):\n    w[:] = A.sum(axis=-3)\n", "axis -3 is out of range for 2 dimensions"},
		{"def k(u, A, n):\n    u[:] = A.sum(axis=n)\n", "axis n is not a constant"},
		{"def k(A, c):\n    s = A.sum(axis=(0, -2))\n    return s\n", "axis -2 is repeated"},
		{"def k(u, A):\n    u[:] = A.sum(axis=())\n", ".sum() over no axis"},
		{"def k(u, A):\n    A[:, :] = A.sum(axis=1, keepdims=True)\n", "the argument keepdims of .sum() is not lowered"},
		{"def k(u, A):\n    u[:] = np.sum(A, 1, np.float64)\n", "np.sum with arguments other than the axis"},
		{"def k(u, A):\n    u[:] = np.sum(A, 1, axis=1)\n", "np.sum with the axis given twice"},
		{"def k(u, A):\n    u[:] = A.mean(axis=1, dtype=np.float32)\n", "the argument dtype of .mean() is not lowered"},
		{"def k(u, c):\n    u[:] = np.sum(c, axis=0)\n", "np.sum of a scalar"},
		{"def k(u, F):\n    u[:] = F.sum(axis=1)\n", "a sum over an array whose dtype is not float64 or int64"},
		{"def k(u, F):\n    u[:] = F.mean(axis=1)\n", "a mean of an array whose dtype is not float64 or int64"},
		{"def k(I):\n    y = I.sum(axis=1)\n    return y\n", "the new array's dtype is not known to be float64"},
		{"def k(w, A, n):\n    for i in range(n):\n        w[:i] = 2.0 * A[:, :i].sum(axis=0)\n", "the reduction's extent depends on the loop index i"},
		{"def k(A):\n    A[:, :] = A.transpose((0, 0))\n", "axis 0 is repeated"},
		{"def k(A):\n    A[:, :] = np.transpose(A, (1,))\n", "1 axes for an array of 2 dimensions"},
		{"def k(A, n):\n    A[:, :] = A.transpose(n, 0)\n", "axis n is not a constant"},
		{"def k(A):\n    A[:, :] = np.transpose(A, axes=(1, 0), out=A)\n", "the argument out of np.transpose is not lowered"},
		{"def k(A, c):\n    A[:, :] = c + np.transpose(c)\n", "np.transpose of a scalar"},
		{"def k(A, u, w):\n    A[:, :] = np.outer(A, w)\n", "np.outer of other than two vectors"},
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
