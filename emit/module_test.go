package emit

import "testing"

// TestCountBLASCalls counts products and linalg calls in code, never in comments or strings.
func TestCountBLASCalls(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{"def f(A, x, y):\n    _np.matmul(A, x, out=y)\n    y[:] += (A.T @ x)\n", 2},
		{"def f(A, x, y):\n    # one inner product per row: dot, outer, A @ x\n    _np.matmul(A, x, out=y)\n", 1},
		{"def f(A, x, y):\n    \"\"\"A @ x, np.dot\"\"\"\n    y[:] = x * 2.0\n", 0},
		{"def f(A, b, C):\n    C[:] = np.linalg.solve(A, b) + np.einsum('ij,j->i', A, b) + np.dot(A, b)\n", 3},
		{"def f(A, B):\n    A @= B\n    return inner(A, B) + linalg.norm(A)\n", 3},
		{"def f(A, x):\n    return x.dotted + A.outer_part\n", 0},
		{"def f(:\n", 0},
	} {
		if got := countBLASCalls(c.src); got != c.want {
			t.Errorf("%q: %d BLAS calls, want %d", c.src, got, c.want)
		}
	}
}
