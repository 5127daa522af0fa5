package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestSymmetricCompletion: a nest computing the upper triangle of T and mirroring it is the
// same statements over the square, without a mask or the mirror, only when every statement
// is symmetric in i and j and touches T at T[i, j] alone.
func TestSymmetricCompletion(t *testing.T) {
	cases := []struct {
		name string
		body string // the j loop's body, at 12 spaces
		lo   string // the j loop's start
		want bool
	}{
		{"covariance", "T[i, j] = 0.0\n            for k in range(X.shape[0]):\n                T[i, j] += X[k, i] * X[k, j]\n            T[i, j] /= s - 1.0\n            T[j, i] = T[i, j]", "i", true},
		// Equal with i and j swapped, but only through a - b = -(b - a): not recognized.
		{"squared distance", "T[i, j] = (X[i, 0] - X[j, 0]) * (X[i, 0] - X[j, 0])\n            T[j, i] = T[i, j]", "i", false},
		{"gram matrix", "T[i, j] = 0.0\n            for k in range(X.shape[1]):\n                T[i, j] += X[j, k] * X[i, k]\n            T[j, i] = T[i, j]", "i", true},
		{"sum of the two", "T[i, j] = X[0, i] + X[0, j] + s\n            T[j, i] = T[i, j]", "i", true},
		{"product of the two", "T[i, j] = (X[0, i] * X[0, j]) * s\n            T[j, i] = T[i, j]", "i", true},
		{"own cell read", "T[i, j] = X[0, i] * X[0, j]\n            T[i, j] = T[i, j] * s + X[1, j] * X[1, i]\n            T[j, i] = T[i, j]", "i", true},
		{"not symmetric", "T[i, j] = X[0, i] - X[0, j]\n            T[j, i] = T[i, j]", "i", false},
		{"two arrays", "T[i, j] = X[0, i] * Y[0, j]\n            T[j, i] = T[i, j]", "i", false},
		// The diagonal is saved and put back around the square.
		{"strict triangle", "T[i, j] = X[0, i] * X[0, j]\n            T[j, i] = T[i, j]", "i + 1", true},
		// At (p, p) X[0, p + 1] may lie past what the triangle read.
		{"strict, an index beside i", "T[i, j] = X[0, i + 1] * X[0, j + 1]\n            T[j, i] = T[i, j]", "i + 1", false},
		{"strict, i and j in one index", "T[i, j] = X[0, i + j]\n            T[j, i] = T[i, j]", "i + 1", false},
		{"starts past i + 1", "T[i, j] = X[0, i] * X[0, j]\n            T[j, i] = T[i, j]", "i + 2", false},
		{"reads another cell", "T[i, j] = X[0, i] * X[0, j] + T[0, j]\n            T[j, i] = T[i, j]", "i", false},
		{"mirror of another array", "T[i, j] = X[0, i] * X[0, j]\n            Y[j, i] = T[i, j]", "i", false},
		{"inner loop bound reads i", "T[i, j] = 0.0\n            for k in range(i):\n                T[i, j] += X[k, i] * X[k, j]\n            T[j, i] = T[i, j]", "i", false},
		{"no mirror", "T[i, j] = X[0, i] * X[0, j]", "i", false},
		// T[i, j] holds the input's value until assigned: the two points start differently.
		{"update before any assignment", "T[i, j] += X[0, i] * X[0, j]\n            T[j, i] = T[i, j]", "i", false},
		{"read before any assignment", "T[i, j] = T[i, j] + X[0, i] * X[0, j]\n            T[j, i] = T[i, j]", "i", false},
		{"assigned only in a loop", "for k in range(X.shape[0]):\n                T[i, j] = X[k, i] * X[k, j]\n            T[i, j] += 1.0\n            T[j, i] = T[i, j]", "i", false},
		{"strings concatenated", "T[i, j] = Y[0, i] + Y[0, j]\n            T[j, i] = T[i, j]", "i", false},
	}
	sq := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	for _, c := range cases {
		src := "def k(T, X, Y, s):\n    for i in range(T.shape[0]):\n        for j in range(" + c.lo + ", T.shape[0]):\n            " + c.body + "\n"
		y := sq
		if strings.Contains(c.name, "strings") {
			y = typeinfer.Array("object", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
		}
		r, code := generated(t, src, map[string]*typeinfer.Type{"T": sq, "X": sq, "Y": y, "s": typeinfer.Simple(typeinfer.Float)})
		if got := r.symmetric == 1; got != c.want {
			t.Errorf("%s: completed = %v, want %v:\n%s", c.name, got, c.want, code)
			continue
		}
		if c.want && (strings.Contains(code, "_mask") || strings.Contains(code, "(T).")) {
			t.Errorf("%s: a mask or the mirror is left:\n%s", c.name, code)
		}
		if strict := strings.Contains(c.lo, "+"); c.want && strict != strings.Contains(code, "_diag0") {
			t.Errorf("%s: the diagonal saved = %v, want %v:\n%s", c.name, !strict, strict, code)
		}
	}
}

// TestStrictCompletionRefusals: a strict triangle is completed over the square only when
// nothing its statements read is set per i before the j loop (found by review: s = x[i] * 2.0
// then T[i, j] = s gave the lower triangle s[p] instead of s[q]), and when the statements
// cannot fail on the diagonal, which the original never evaluates (2 ** (i - j - 1) on ints
// raised ValueError there).
func TestStrictCompletionRefusals(t *testing.T) {
	cases := []struct {
		name string
		body string // i's loop body, at 8 spaces
		want bool
	}{
		{"an inner loop", "for j in range(i + 1, T.shape[0]):\n            T[i, j] = 0.0\n            for k in range(X.shape[1]):\n                T[i, j] += X[k, i] * X[k, j]\n            T[j, i] = T[i, j]", true},
		{"diagonal set first", "T[i, i] = 1.0\n        for j in range(i + 1, T.shape[0]):\n            T[i, j] = X[0, i] * X[0, j]\n            T[j, i] = T[i, j]", true},
		{"a scalar set per i", "s = X[0, i] * 2.0\n        for j in range(i + 1, T.shape[0]):\n            T[i, j] = s\n            T[j, i] = T[i, j]", false},
		{"a scalar set per i, added", "s = X[1, i]\n        for j in range(i + 1, T.shape[0]):\n            T[i, j] = X[0, i] * X[0, j]\n            T[i, j] += s\n            T[j, i] = T[i, j]", false},
		{"a quotient", "for j in range(i + 1, T.shape[0]):\n            T[i, j] = 1.0 / (X[0, i] + X[0, j])\n            T[j, i] = T[i, j]", false},
		{"a power of a read", "for j in range(i + 1, T.shape[0]):\n            T[i, j] = 2.0 ** (X[0, i] + X[0, j])\n            T[j, i] = T[i, j]", false},
		{"a call", "for j in range(i + 1, T.shape[0]):\n            T[i, j] = math.sqrt(X[0, i] + X[0, j])\n            T[j, i] = T[i, j]", false},
		{"a literal square", "for j in range(i + 1, T.shape[0]):\n            T[i, j] = (X[0, i] - 1.0) ** 2 + (X[0, j] - 1.0) ** 2\n            T[j, i] = T[i, j]", true},
	}
	sq := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	for _, c := range cases {
		src := "def k(T, X, Y, s):\n    for i in range(T.shape[0]):\n        " + c.body + "\n"
		r, code := generated(t, src, map[string]*typeinfer.Type{"T": sq, "X": sq, "Y": sq, "s": typeinfer.Simple(typeinfer.Float)})
		if got := r.symmetric == 1 && strings.Contains(code, "_diag0"); got != c.want {
			t.Errorf("%s: completed = %v, want %v:\n%s", c.name, got, c.want, code)
		}
	}
}
