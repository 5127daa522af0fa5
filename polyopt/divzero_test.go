package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestZeroDivisors: divisions of Python numbers by an affine int that may be 0 inside the
// domain, with loop indices (the SCoP is not optimized) or of parameters only (the guard
// checks them); a NumPy number on either side or a divisor never 0 needs nothing.
func TestZeroDivisors(t *testing.T) {
	params := map[string]*typeinfer.Type{"x": vec("N"), "n": intT(), "k": intT(), "f": typeinfer.Simple(typeinfer.Float),
		"c": {Kind: typeinfer.NPScalar, DType: "float64"}, "w": typeinfer.Simple(typeinfer.Str),
		"z": typeinfer.Simple(typeinfer.Complex)}
	tests := []struct {
		body        string
		what, guard string // joined with ", "; guard: affine divisors, then the others' text
	}{
		// Found by review (helper-33): the index of a loop the model does not cover is no
		// parameter the guard can read; a NumPy scalar parameter may be passed a float.
		{"for t in range(k):\n        print(t)\n        for i in range(n):\n            x[i] = 1.0 / (t - 3)", "t - 3", ""},
		{"for i in range(n):\n        x[i] = c / (i - k)", "i - k", ""},
		// Other divisors: of parameters (locals bound to them written out), or not.
		{"for i in range(n):\n        x[i] = 1.0 / (f - 1.0)", "", "(f - 1.0) != 0"},
		{"fn = float(n)\n    for i in range(n):\n        x[i] = i / fn", "", "(float(n)) != 0"},
		{"for i in range(n):\n        x[i] = 1.0 / (i * i - 4)", "i * i - 4", ""},
		// A parameter the guard does not check to be a number: testing w - 1 could raise.
		{"for i in range(n):\n        x[i] = 1.0 / (w - 1)", "w - 1", ""},
		// Found by review (helper-34): the guard tests values as they are at the division.
		{"for i in range(n):\n        x[i] = i / (f - 1.0)\n    f = 3.0", "f - 1.0", ""},
		{"fl = float(k)\n    k = 5\n    for i in range(n):\n        x[i] = i / fl", "fl", ""},
		{"d = float(k)\n    def reset():\n        nonlocal d\n        d = 0.0\n    reset()\n    for i in range(n):\n        x[i] = i / d", "d", ""},
		{"for i in range(n):\n        x[i] = i / float(z)", "float(z)", ""},
		{"m = x.shape[0] - 1\n    for i in range(n):\n        x[i] = i / float(m)", "", "float((1 * x.shape[0] + -1)) != 0"},
		// adi's DX * DX, DX = 1.0 / n: n is tested first.
		{"DX = 1.0 / n\n    for i in range(n):\n        x[i] = f / (DX * DX)", "", "n, n != 0 and (((1.0 / n)) * ((1.0 / n))) != 0"},
		{"for i in range(n):\n        x[i] = (i - k) ** -1.0", "i - k", ""},
		{"for i in range(n):\n        x[i] = 2.0 ** i + i ** 2", "", ""},
		{"for i in range(n):\n        x[i] = 1.0 / (i - k)", "i - k", ""},
		{"for i in range(n):\n        x[i] = f // (i - 2)", "i - 2", ""},
		{"for i in range(n):\n        x[i] = i % (k - 3)", "", "k - 3"},
		{"for i in range(n):\n        x[i] = 1.0 / (i + 1)", "", ""},
		{"for i in range(1, n):\n        x[i] = 1.0 / i", "", ""},
		{"for i in range(n):\n        x[i] = x[i] / (i - k)", "", ""},
		{"for i in range(n):\n        x[i] = 2.0 / (n - i)", "", ""},
		{"for i in range(3, n):\n        x[i] = 1.0 / (n - 3)", "", ""},
		{"s = 1.0\n    for i in range(n):\n        s /= i\n    x[0] = s", "i", ""},
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	for _, tt := range tests {
		fn := extract(t, "def k(x, n, k, f, c, w, z):\n    "+tt.body+"\n", params)
		if len(fn.SCoPs) != 1 {
			t.Errorf("%q: %d SCoPs, opaque %v", tt.body, len(fn.SCoPs), fn.Opaque)
			continue
		}
		a, err := Analyze(ctx, fn.SCoPs[0])
		if err != nil {
			t.Errorf("%q: %v", tt.body, err)
			continue
		}
		var guard []string
		for _, g := range a.NonZero {
			guard = append(guard, g.String())
		}
		guard = append(guard, a.NonZeroText...)
		if got := strings.Join(a.ZeroDivisors, ", "); got != tt.what {
			t.Errorf("%q: zero divisors %q, want %q", tt.body, got, tt.what)
		}
		if got := strings.Join(guard, ", "); got != tt.guard {
			t.Errorf("%q: guarded divisors %q, want %q", tt.body, got, tt.guard)
		}
	}
}
