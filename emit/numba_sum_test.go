package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestSumLoops: an innermost loop that only sums products into one cell becomes a call of a
// jit_sum helper; anything else a sum loop is not stays as written.
func TestSumLoops(t *testing.T) {
	cases := []struct {
		name, body string // the i loop's body, at 8 spaces
		call       string // the call replacing the loop; "" for none
	}{
		{"trisolv", "x[i] = b[i]\n        for j in range(i):\n            x[i] -= L[i, j] * x[j]", "x[i] = _k__nbs0_sum0(x[i], L, i, x)"},
		{"scaled product", "for j in range(n):\n            x[i] += 2.0 * L[i, j] * -b[j]", "x[i] = _k__nbs0_sum0(x[i], L, b, i, n)"},
		{"scalar accumulator", "s = 0.0\n        for j in range(i, n):\n            s += L[j, i]\n        x[i] = s", "s = _k__nbs0_sum0(s, L, i, n)"},
		{"reads the cell it sums into", "for j in range(i + 1):\n            x[i] -= L[i, j] * x[j]", ""},
		{"a difference in the term", "for j in range(n):\n            x[i] += L[i, j] - b[j]", ""},
		{"a quotient in the term", "for j in range(n):\n            x[i] += L[i, j] / b[j]", ""},
		{"a product reduction", "for j in range(n):\n            x[i] *= L[i, j]", ""},
		{"the cell moves with the loop", "for j in range(n):\n            x[j] += L[i, j]", ""},
		// Loop distribution: the other statements keep the loop, the sum is called after it.
		{"two statements", "for j in range(n):\n            x[i] += L[i, j]\n            b[j] = L[j, i] * 2.0", "for j in range(n):\n            b[j] = L[j, i] * 2.0\n        if (0) < (n):\n            x[i] = _k__nbs0_sum0(x[i], L, i, n)"},
		// Two sums (gesummv's row): a call each, in the order written.
		{"two sums", "for j in range(n):\n            x[i] += L[i, j]\n            b[i] += L[j, i] * x[j]", ""},
		{"two sums apart", "for j in range(n):\n            x[i] += L[i, j] * 3.0\n            b[i] = L[j, i] + b[i]", "if (0) < (n):\n            x[i] = _k__nbs0_sum0(x[i], L, i, n)\n            b[i] = _k__nbs0_sum1(b[i], L, i, n)"},
		{"two sums and a statement", "for j in range(n):\n            b[i] -= L[j, i]\n            y[j] = L[i, j]\n            x[i] += L[i, j] * L[j, i]", "for j in range(n):\n            y[j] = L[i, j]\n        if (0) < (n):\n            b[i] = _k__nbs0_sum0(b[i], L, i, n)\n            x[i] = _k__nbs0_sum1(x[i], L, i, n)"},
		{"a sum and a sum that is not a product", "for j in range(n):\n            x[i] += L[i, j] - 1.0\n            b[i] += L[j, i]", "for j in range(n):\n            x[i] += L[i, j] - 1.0\n        if (0) < (n):\n            b[i] = _k__nbs0_sum0(b[i], L, i, n)"},
		{"two sums into one array", "for j in range(n):\n            x[i] += L[i, j]\n            x[0] += L[j, i]", ""},
		{"a sum written as an assignment", "for j in range(n):\n            b[j] = L[j, i] * 2.0\n            x[i] = x[i] + L[i, j] * L[j, i]", "            b[j] = L[j, i] * 2.0\n        if (0) < (n):\n            x[i] = _k__nbs0_sum0(x[i], L, i, n)"},
		{"another statement reads the sum's array", "for j in range(n):\n            x[i] += L[i, j]\n            b[j] = x[j]", ""},
		{"another statement writes what the sum reads", "for j in range(n):\n            x[i] += L[i, j] * b[j]\n            b[j] = L[j, i]", ""},
		{"a call in another statement", "for j in range(n):\n            x[i] += L[i, j]\n            b[j] = abs(L[j, i])", ""},
		{"two statements on one line", "for j in range(n):\n            b[j] = L[j, i]; x[i] += L[i, j]", ""},
		{"iterator read after the loop", "for j in range(n):\n            x[i] += L[i, j]\n        b[i] = j", ""},
		// An int cell truncates every partial sum of floats; the helper would sum in floats.
		{"int cell", "for j in range(n):\n            c[i] += L[i, j]", ""},
		{"accumulator's name taken", "for _acc in range(n):\n            x[i] += L[i, _acc]", "x[i] = _k__nbs0_sum0(x[i], L, i, n)"},
		{"term over two lines", "for j in range(i):\n            x[i] += (L[i, j]\n                     * b[j])", "x[i] = _k__nbs0_sum0(x[i], L, b, i)"},
		{"cell out of bounds when the loop is empty", "for j in range(i + 1, n):\n            x[i + 1] += L[j, i]", "if (i + 1) < (n):"},
	}
	vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
	mat := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	for _, c := range cases {
		src := "def k(L, b, x, n, c, y):\n    for i in range(n):\n        " + c.body + "\n"
		r, err := summingRegion(t, src, map[string]*typeinfer.Type{"L": mat, "b": vec, "x": vec, "n": typeinfer.Simple(typeinfer.Int),
			"c": typeinfer.Array("int64", typeinfer.SymDim("N")), "y": vec})
		if err != nil {
			if c.call != "" {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		code := r.helper + strings.Join(r.call, "\n")
		if got := strings.Contains(code, "@_rt.jit_sum"); got != (c.call != "") {
			t.Errorf("%s: sum helper made = %v, want %v:\n%s", c.name, got, c.call != "", code)
			continue
		}
		if c.call != "" && !strings.Contains(code, c.call) {
			t.Errorf("%s: want %q in:\n%s", c.name, c.call, code)
		}
		// The helper's accumulator is a name the loop does not use, and the term keeps its
		// parentheses.
		if c.call != "" && (strings.Contains(code, "(_acc, L, i, n):\n    for _acc in") || !strings.Contains(code, "= (")) {
			t.Errorf("%s: helper:\n%s", c.name, code)
		}
	}
}

// summingRegion analyzes the first SCoP of src and compiles it for the summing variant.
func summingRegion(t *testing.T, src string, params map[string]*typeinfer.Type) (*compiled, error) {
	t.Helper()
	s, f, def := analyzedSCoP(t, src, params)
	return numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{sums: true})
}
