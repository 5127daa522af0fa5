package emit

import (
	"testing"

	"github.com/pyparc/pyparc/pyast"
)

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

// TestPythonNumber: the values a loop adds that are Python ints or floats whatever the
// arguments, and those that may be NumPy scalars.
func TestPythonNumber(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"1", "int"},
		{"i * 2 - 1", "int"},
		{"(i + j) // 2 % 3", "int"},
		{"0x10 + i", "int"},
		{"0.5 * i", "float"},
		{"i / 2", "float"},
		{"1e3", "float"},
		{"-i", "int"},
		{"n", ""},      // a parameter may be an np.int64
		{"x[i]", ""},   // an array element is a NumPy scalar
		{"i ** 2", ""}, // an int, or a float for a negative exponent
		{"abs(i)", ""}, // calls are not looked into
		{"2j * i", ""}, // complex
		{"a.real", ""}, // attributes neither
	} {
		f, err := pyast.ParseFile("x.py", []byte("v = "+c.src+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if got := pythonNumber(f.Module.Body[0].(*pyast.Assign).Value, []string{"i", "j"}); got != c.want {
			t.Errorf("%s: %q, want %q", c.src, got, c.want)
		}
	}
}
