package polyopt

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestIntBits checks the bound the guard puts on int parameters and shapes, |n| <= 2**bits,
// and the SCoPs left out because no bound keeps their ints within int64.
func TestIntBits(t *testing.T) {
	union := &typeinfer.Type{Kind: typeinfer.Union, Alts: []*typeinfer.Type{intT(), typeinfer.Simple(typeinfer.Float)}}
	params := map[string]*typeinfer.Type{"x": vec("N"), "A": mat("N", "M"), "n": intT(),
		"f": typeinfer.Simple(typeinfer.Float), "u": union,
		"y": typeinfer.Array("int32", typeinfer.SymDim("N")), "z": typeinfer.Array("uint8", typeinfer.SymDim("N"))}
	tests := []struct {
		body      string
		bits      int    // -1: no SCoP, rejected as int-range
		floatBits int    // the bound on ints passed for f and u; -1: none admitted
		msg       string // the reason, when rejected
	}{
		// Sums of sizes and indices: the widest range.
		{"for i in range(x.shape[0]):\n        x[i] = (n - i) * 2.0", MaxIntBits, MaxIntBits, ""},
		{"for i in range(n):\n        x[i] = x[i] * f", MaxIntBits, MaxIntBits, ""},
		// i < 2n: (2 * 2**b)**2 <= 2**62 gives b = 30.
		{"for i in range(n, 2 * n):\n        x[i - n] = i * i * 0.5", 30, 30, ""},
		// (2 * 2**b)**3 <= 2**62: b = 19.
		{"for i in range(n, n + x.shape[0]):\n        x[i - n] = i * i * i * 1.0", 19, 19, ""},
		// i * j < (2**b + 1)**2, with the affine local m = n - 1.
		{"m = n - 1\n    for i in range(m):\n        for j in range(m):\n            A[i, j] = (i * j % m) / m", 30, 30, ""},
		// A sum over N of n * i: 2**b * 2**b * 2**b (the trips) <= 2**62: b = 20.
		{"s = 0\n    for i in range(x.shape[0]):\n        s += n * i\n    x[0] = s", 20, 20, ""},
		// A float sum of int terms: only the terms count.
		{"s = 0.0\n    for i in range(x.shape[0]):\n        s += n * i\n    x[0] = s", 31, 31, ""},
		// Literals count: 2**40 * 2**b <= 2**62.
		{"for i in range(n):\n        x[i] = i * 1099511627776 * 1.0", 22, 22, ""},
		// A float parameter holds a float: f * i * i is float arithmetic, which no size makes
		// overflow. Passed an int, f makes it an int product: its own bound, here none (f * i * i
		// leaves 2**62 for i near 2**40 whatever f is); f * n * 1.0 admits ints within 2**22.
		// An array element times an int is NumPy's.
		{"for i in range(n):\n        x[i] = f * i * i", MaxIntBits, -1, ""},
		{"for i in range(n):\n        x[i] = f * n * 1.0", MaxIntBits, 22, ""},
		{"for i in range(n):\n        x[i] = f * u * i", MaxIntBits, 11, ""},     // alpha * beta * i
		{"for i in range(n):\n        x[i] = n * n * i * f", 20, 2, ""},          // (n * n * i) * f
		{"for i in range(n):\n        x[i] = (f * i) / 3", MaxIntBits, 13, ""},   // 2**53 for int / int
		{"for i in range(n):\n        x[i] = (n * n * i > f) * 1.0", 17, 17, ""}, // compared with a float
		{"for i in range(n):\n        x[i] = f * 0.5 * i * i", MaxIntBits, MaxIntBits, ""},
		{"for i in range(n):\n        x[i] = (x[i] * i) * i", MaxIntBits, MaxIntBits, ""},
		// Found by review: -1 % n is n - 1; pow(); an int's attributes; division and
		// comparison with floats round ints above 2**53; narrow int arrays; outer loops.
		{"for i in range(x.shape[0]):\n        x[i] = ((-1) % n) * n * n * 1.0", 20, 20, ""},
		{"for i in range(x.shape[0]):\n        x[i] = pow(n, 3) * 1.0", 20, 20, ""},
		{"for i in range(x.shape[0]):\n        x[i] = n.real * n.real * n.real * 1.0", 20, 20, ""},
		{"for i in range(x.shape[0]):\n        x[i] = (n * n + i) / 3", 26, 26, ""},
		{"for i in range(x.shape[0]):\n        x[i] = (n * n + i > f) * 1.0", 26, 26, ""},
		{"for i in range(x.shape[0]):\n        x[i] = 1.0 if n * n + i > u else 0.0", 26, 26, ""}, // u: int | float
		{"for i in range(x.shape[0]):\n        y[i] = n + i", 29, 29, ""},
		{"for k in range(n, 3 * n + 1, n):\n        print(k)\n        for i in range(x.shape[0]):\n            x[i] = k * k * 1.0", 29, 29, ""},
		// s = s - e sums as s -= e does: 2**b * 2**b (the trips) <= 2**62.
		{"s = 0\n    for i in range(x.shape[0]):\n        s = s - i\n    x[0] = s * 1.0", 31, 31, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s -= i\n    x[0] = s * 1.0", 31, 31, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = i + s\n    x[0] = s * 1.0", 31, 31, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = s - n * i\n    x[0] = s * 1.0", 20, 20, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = s // 2 + i\n    x[0] = s * 1.0", -1, -1, "grows with every iteration"},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = i - s\n    x[0] = s * 1.0", -1, -1, "grows with every iteration"},
		// Bitwise updates stay within the width of the largest value combined: s | (n * i)
		// within 2 * 2**2b <= 2**62. Mixed with a sum, each | adds up to that width.
		{"s = 0\n    for i in range(x.shape[0]):\n        s |= n * i\n    x[0] = s * 1.0", 30, 30, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = s ^ (n * i)\n    x[0] = s * 1.0", 30, 30, ""},
		{"s = n\n    for i in range(x.shape[0]):\n        s = (n * i) & s\n    x[0] = s * 1.0", 30, 30, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s |= i\n        s ^= n\n    x[0] = s * 1.0", MaxIntBits, MaxIntBits, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s += i\n        s |= n * i\n    x[0] = s * 1.0", 20, 20, ""},
		{"s = 0\n    for i in range(x.shape[0]):\n        s |= s + i\n    x[0] = s * 1.0", -1, -1, "grows with every iteration"},
		// A local bound before the SCoP, read in it: the caller's int, of any size.
		{"t = n * n\n    print(t)\n    for i in range(x.shape[0]):\n        t += 1\n        x[i] = t * 1.0", -1, -1, "the int t"},
		{"t = n * n\n    print(t)\n    for i in range(x.shape[0]):\n        t = t + 1\n        x[i] = t * 1.0", -1, -1, "the int t"},
		{"t = n * n\n    print(t)\n    for i in range(x.shape[0]):\n        t = t | i\n        x[i] = t * 1.0", -1, -1, "the int t"},
		{"for i in range(x.shape[0]):\n        x[i] = G * G * i * 1.0", -1, -1, "G * G"},
		{"for i in range(x.shape[0]):\n        x[i] = pow(n, i) * 1.0", -1, -1, "pow(n, i)"},
		{"for i in range(x.shape[0]):\n        z[i] = i - 1", -1, -1, "an int stored into a uint8 array"},
		// No bound helps.
		{"for i in range(n):\n        x[i] = 2 ** n + i", -1, -1, "an int power by a variable"},
		{"p = 1\n    for i in range(n):\n        p *= 2\n    x[0] = p", -1, -1, "updated with *"},
		{"for i in range(n):\n        x[i] = int(x[i] * 1e300) + i", -1, -1, "an int of a float"},
		{"for i in range(n):\n        x[i] = u * i", MaxIntBits, 22, ""}, // int | float: ints bounded as f's
		// int() of a float parameter may be any int: f is no int the guard bounds.
		{"for i in range(n):\n        x[i] = int(f * i) + i", -1, -1, "an int of a float"},
		{"for i in range(n):\n        x[i] = i * 99999999999999999999", -1, -1, "99999999999999999999"},
		// A local started as an int and added floats holds floats: int() of it may be any
		// int, as may int() of max(i, f) or of a branch that is a float (review, helper-37).
		{"s = 0\n    for i in range(x.shape[0]):\n        s += f\n        x[i] = int(s) % 1000", -1, -1, "an int of a float"},
		{"s = 0\n    for i in range(x.shape[0]):\n        s = s + 1e19\n        x[i] = int(s) % 1000", -1, -1, "an int of a float"},
		{"for i in range(x.shape[0]):\n        x[i] = int(max(i, f)) % 1000", -1, -1, "an int of a float"},
		{"for i in range(x.shape[0]):\n        x[i] = int(f if i > 1 else i) % 1000", -1, -1, "an int of a float"},
		// Python's max returns the int itself; the variants unify it with the float to
		// float64, exact below 2**53; the difference's bound, n * n + i + n * n, too: b = 25.
		{"for i in range(x.shape[0]):\n        x[i] = max(n * n + i, f) - n * n", 25, 25, ""},
		{"for i in range(x.shape[0]):\n        x[i] = (n * n + i if i > 0 else f) - n * n", 25, 25, ""},
		// An int product of a value that may be a float: 2 * 2**2b <= 2**53, b = 26.
		{"for i in range(x.shape[0]):\n        x[i] = max(i, f) * n * 2", 26, 26, ""},
		// Shifts by a variable count: Python's are exact, the variants' undefined from 64.
		{"for i in range(x.shape[0]):\n        x[i] = (n + i) >> n", -1, -1, "shifted by a variable"},
		{"s = n\n    for i in range(x.shape[0]):\n        s >>= n\n        x[i] = s", -1, -1, "shifted by a variable"},
		{"for i in range(x.shape[0]):\n        x[i] = (n + i) >> 3", MaxIntBits, MaxIntBits, ""},
		// The float first, an array element, a unary minus (review, helper-38).
		{"for i in range(x.shape[0]):\n        x[i] = int(max(f, i)) % 1000", -1, -1, "an int of a float"},
		{"for i in range(x.shape[0]):\n        x[i] = int(f or i) % 1000", -1, -1, "an int of a float"},
		{"for i in range(x.shape[0]):\n        x[i] = round(-max(f, i)) % 1000", -1, -1, "an int of a float"},
		{"for i in range(x.shape[0]):\n        x[i] = int(max(x[i], 0)) % 1000", -1, -1, "an int of a float"},
		// n * n * n + 1 meets a float element: within 2**53, b = 17.
		{"for i in range(x.shape[0]):\n        x[i] = (n * n * n + 1 + max(x[i], 0)) - n * n * n", 17, 17, ""},
		{"for i in range(x.shape[0]):\n        x[i] = (n * n * n + 1 + (x[i] if i < 0 else 0)) - n * n * n", 17, 17, ""},
		// A local that holds floats too is a float64 in the variants: its ints within 2**53.
		{"for i in range(x.shape[0]):\n        s = n * n * n + i\n        x[i] = s % 7\n        s += f", 17, 17, ""},
		// A local set under a condition keeps the caller's value elsewhere, any int, which
		// the SCoP never reads: only what it computes into the local must be exact (fuzz).
		{"for i in range(x.shape[0]):\n        if i > 3:\n            t = max(i, x[i])\n        x[i] = 1.0", MaxIntBits, MaxIntBits, ""},
		// pow and .real of a value that may be a float (review, helper-39): within 2**53.
		{"for i in range(x.shape[0]):\n        x[i] = pow(max(n + i, f), 3) % 1000", 16, 16, ""},
		{"for i in range(x.shape[0]):\n        x[i] = (max(n + i, f).real * n * n) % 1000", 17, 17, ""},
		// A local that may end as an int or a float, read after the loops: the variants
		// return 3.0 where Python returns 3. An accumulator started at 0 is let through.
		{"t = 0\n    for i in range(x.shape[0]):\n        t = max(i, f)\n        x[i] = t * 2.0\n    return t", -1, -1, "read after the loops"},
		{"s = 0\n    for i in range(x.shape[0]):\n        s += x[i]\n    return s", MaxIntBits, MaxIntBits, ""},
		// An int element meets no float: int64 arithmetic as in Python, 2**62 (b = 20).
		{"for i in range(x.shape[0]):\n        x[i] = max(n * n * n + i, y[i]) * 1.0", 20, 20, ""},
		// Two float parameters: the guard may admit an int for u and a float for f, whose
		// comparison Python makes exactly: u * n + i within 2**53, c = 12.
		{"for i in range(x.shape[0]):\n        x[i] = (u * n + i > f) * 1.0", MaxIntBits, 12, ""},
	}
	for _, tt := range tests {
		// Only the float parameters a row reads: with two, the guard may admit an int for
		// one and a float for the other, and the bound on ints passed for them is narrower.
		sig := "x, A, n"
		for _, p := range []string{"f", "u"} {
			if regexp.MustCompile(`\b` + p + `\b`).MatchString(tt.body) {
				sig += ", " + p
			}
		}
		fn := extract(t, "def k("+sig+", y, z):\n    "+tt.body+"\n", params)
		if tt.bits < 0 {
			rejected := false
			for _, o := range fn.Opaque {
				rejected = rejected || o.Kind == RejectIntRange && strings.Contains(o.Reason, tt.msg)
			}
			if len(fn.SCoPs) != 0 || !rejected {
				t.Errorf("%q: scops %d, opaque %v; want [int-range] ...%s...", tt.body, len(fn.SCoPs), fn.Opaque, tt.msg)
			}
			continue
		}
		if len(fn.SCoPs) == 0 {
			t.Errorf("%q: no SCoP: %v", tt.body, fn.Opaque)
			continue
		}
		got, gotFloat := MaxIntBits, MaxIntBits
		for _, s := range fn.SCoPs {
			got = min(got, s.IntBits)
			gotFloat = min(gotFloat, s.FloatIntBits)
		}
		if got != tt.bits || gotFloat != tt.floatBits {
			t.Errorf("%q: bits %d, float bits %d; want %d, %d", tt.body, got, gotFloat, tt.bits, tt.floatBits)
		}
	}
}
