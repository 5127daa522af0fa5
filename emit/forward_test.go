package emit

import (
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestForwardTemps checks that a vectorized accumulator carrying one sum to one statement is
// replaced by the sum, and each reason it must stay.
func TestForwardTemps(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		dtype      string // of A
		want, not  []string
	}{
		{"matrix-vector", "for i in range(A.shape[0]):\n        s = 0.0\n        for k in range(A.shape[0]):\n            s += A[i, k] * x[k]\n        y[i] = s\n",
			"float64", []string{"_np.matmul(A, x, out=y)"}, []string{"s = ", "s +=", "_np.zeros"}},
		{"matrix product into a sum", "for i in range(A.shape[0]):\n        for j in range(A.shape[0]):\n            acc = 0.0\n            for k in range(A.shape[0]):\n                acc += A[i, k] * B[k, j]\n            C[i, j] = 2.0 * acc + C[i, j]\n",
			"float64", []string{"C[:, :] += (2.0 * (A @ B))"}, []string{"acc"}},
		{"int literal", "for i in range(A.shape[0]):\n        s = 0\n        for k in range(A.shape[0]):\n            s += A[i, k] * x[k]\n        y[i] = s + 1.0\n",
			"float64", []string{"y[:] = ((A @ x) + 1.0)"}, []string{"s = "}},
		// Only float64 products are known to be float64 like the temporary's zeros.
		{"int operand", "for i in range(A.shape[0]):\n        s = 0.0\n        for k in range(A.shape[0]):\n            s += A[i, k] * x[k]\n        y[i] = s\n",
			"int64", []string{"s = _np.zeros((max(0, _p_N),))\n    s += (A @ x)\n    y[:] = s"}, nil},
		{"read twice", "for i in range(A.shape[0]):\n        s = 0.0\n        for k in range(A.shape[0]):\n            s += A[i, k] * x[k]\n        y[i] = s\n        z[i] = s * 2.0\n",
			"float64", []string{"s += (A @ x)", "y[:] = s", "z[:] = (s * 2.0)"}, nil},
		// A changes between the sum and its use (elsewhere than the sum reads, but the
		// check goes by name): the sum stays before.
		{"operand written between", "for i in range(A.shape[0]):\n        s = 0.0\n        for k in range(A.shape[0] - 1):\n            s += A[i, k] * x[k]\n        A[i, A.shape[0] - 1] = 0.0\n        y[i] = s\n",
			"float64", []string{"s += (A[:, 0:max(0, _p_N - 1)] @ x[0:max(0, _p_N - 1)])\n    if (0) < (_p_N): A[:, _p_N - 1] = 0.0\n    y[:] = s"}, nil},
		// Never read: its name in the next statement's einsum subscripts, a keyword
		// argument or an exponent is no use of it (the reviewer's dead_a, dead_axis, dead_e).
		{"dead accumulator named a", "for i in range(A.shape[0]):\n        a = 0.0\n        for k in range(A.shape[0]):\n            a += A[i, k] * x[k]\n        for j in range(A.shape[0]):\n            z[i] += C[i, j] * C[i, j]\n",
			"float64", []string{"_np.einsum('ab,ab->a', C, C)"}, []string{"->(A"}},
		{"dead accumulator named axis", "for i in range(A.shape[0]):\n        axis = 0.0\n        for k in range(A.shape[0]):\n            axis += A[i, k] * x[k]\n        for j in range(A.shape[0]):\n            z[i] += C[i, j]\n",
			"float64", []string{"axis=(1,)"}, []string{"(A @ x)="}},
		{"dead accumulator named e", "for i in range(A.shape[0]):\n        e = 0.0\n        for k in range(A.shape[0]):\n            e += A[i, k] * x[k]\n        z[i] = y[i] * 1e-3\n",
			"float64", []string{"1e-3"}, []string{"1(A @ x)"}},
		{"not a zero", "for i in range(A.shape[0]):\n        s = 1.0\n        for k in range(A.shape[0]):\n            s += A[i, k] * x[k]\n        y[i] = s\n",
			"float64", []string{"s += (A @ x)", "y[:] = s"}, []string{"_np.zeros"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(A, B, C, x, y, z):\n    " + tc.body
			mat := func(dtype string) *typeinfer.Type {
				return typeinfer.Array(dtype, typeinfer.SymDim("N"), typeinfer.SymDim("N"))
			}
			vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
			code := numpyCode(t, src, map[string]*typeinfer.Type{
				"A": mat(tc.dtype), "B": mat("float64"), "C": mat("float64"), "x": vec, "y": vec, "z": vec,
			})
			checkCode(t, code, tc.want, tc.not)
		})
	}
}

// TestSameLevel checks the lines a forwarded sum moves past.
func TestSameLevel(t *testing.T) {
	read := map[string]bool{"A": true, "x": true}
	for _, tc := range []struct {
		lines []string
		want  bool
	}{
		{[]string{"    C[:, :] *= beta", "    y[:] = s"}, true},
		{[]string{"    A[:, 0] = 1.0", "    y[:] = s"}, false}, // writes what the sum reads
		{[]string{"    x[:] += 1.0", "    y[:] = s"}, false},
		{[]string{"    if (0) < (_p_N): z[:, 0] = 1.0", "    y[:] = s"}, false},
		{[]string{"    _np.copyto(z, w)", "    y[:] = s"}, false},
		{[]string{"    for i in range(n):", "        z[i] = 1.0", "    y[:] = s"}, false},
		{[]string{"        z[:] = 1.0", "    y[:] = s"}, false}, // another block
		{[]string{"    z[:] = 1.0", "        y[:] = s"}, false},
	} {
		r := &region{lines: tc.lines}
		if got := r.sameLevel(0, len(tc.lines)-1, "    ", read); got != tc.want {
			t.Errorf("sameLevel(%q) = %v, want %v", tc.lines, got, tc.want)
		}
	}
}

func TestReplaceName(t *testing.T) {
	for _, tc := range []struct {
		code, name, with, want string
		ok                     bool
	}{
		{"C[:, :] += (alpha * t)", "t", "(A @ B)", "C[:, :] += (alpha * (A @ B))", true},
		{"y[:] = t + t", "t", "x", "", false},
		{"y[:] = (B).T", "T", "x", "", false}, // an attribute, not the name
		{"y[:] = ts", "t", "x", "", false},
		{"z[:] += _np.einsum('ab,ab->a', C, C)", "a", "x", "", false},        // a string's text
		{"z[:] += _np.sum(C, axis=(1,))", "axis", "x", "", false},            // a keyword argument
		{"z[:] = (y * 1e-3)", "e", "x", "", false},                           // an exponent
		{"z[:] = (e * 1e-3)", "e", "x", "", false},                           // and a reference
		{"z[:] = f(e, axis == 1)", "axis", "x", "z[:] = f(e, x == 1)", true}, // a comparison
	} {
		got, ok := replaceName(tc.code, tc.name, tc.with)
		if ok != tc.ok || got != tc.want {
			t.Errorf("replaceName(%q, %q) = %q, %v; want %q, %v", tc.code, tc.name, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"(A @ B)", "(A @ B)"}, {"(A).T @ B", "((A).T @ B)"}, {"x", "(x)"}, {"(a) + (b)", "((a) + (b))"},
	} {
		if got := parenthesized(tc.in); got != tc.want {
			t.Errorf("parenthesized(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
