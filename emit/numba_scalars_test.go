package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestNarrowCasts: the Numba helper casts each result of arithmetic on narrow integers back
// to their type, or there is no helper where a cast could not make it compute as NumPy.
func TestNarrowCasts(t *testing.T) {
	for _, tc := range []struct {
		body, x, y string
		want       []string // in the helper; nil: no helper
	}{
		{"y[i] = x[i] + x[i]", "int16", "float64", []string{"y[i] = _np.int16(x[i] + x[i])"}},
		{"y[i] = (x[i] * 3) // 2", "int16", "int16", []string{"y[i] = _np.int16((_np.int16(x[i] * 3)) // 2)"}},
		{"y[i] = -x[i]", "int8", "int8", []string{"y[i] = _np.int8(-x[i])"}},
		{"y[i] = x[i] + 2.5", "uint8", "float64", []string{"y[i] = x[i] + 2.5"}},
		{"y[i] = x[i] + y[i]", "int16", "int64", []string{"y[i] = x[i] + y[i]"}},   // int64, exact
		{"y[i] = x[i] / x[i]", "int32", "float64", []string{"y[i] = x[i] / x[i]"}}, // a float64
		{"y[i] = max(y[i], x[i] * x[i])", "int32", "int32", []string{"y[i] = max(y[i], _np.int32(x[i] * x[i]))"}},
		{"y[i] += x[i]", "int16", "int16", []string{"y[i] = _np.int16(y[i] + x[i])"}},
		{"y[i] = x[i]", "int16", "float64", []string{"y[i] = x[i]\n"}}, // a copy
		{"y[i] = x[i] + 300", "int16", "int16", []string{"_np.int16(x[i] + 300)"}},
		{"y[i] = x[i] + 300", "int8", "int8", nil},                                      // NumPy raises OverflowError: 300 is no int8
		{"y[i] = x[i] + i", "int16", "int16", nil},                                      // and for an i past 32767
		{"y[i] = x[i] + y[i]", "int16", "int32", nil},                                   // two narrow types
		{"y[i] = x[i] << 2", "int16", "int16", []string{"y[i] = _np.int16(x[i] << 2)"}}, // wraps as NumPy's
		{"y[i] = abs(x[i])", "int16", "int16", []string{"y[i] = _np.int16(abs(x[i]))"}}, // abs(-32768) wraps
		{"y[i] = max(x[i], 0) + x[i]", "int16", "int16", nil},                           // max may give the Python 0
		{"y[i] = max(x[i], 3) * 50", "int8", "int64", nil},                              // found by review: 3 * 50 is 150
		{"y[i] = max(x[i], 3)", "int8", "int64", []string{"y[i] = max(x[i], 3)"}},
		{"y[i] = np.exp(x[i] * 1e-9)", "int32", "float64", []string{"y[i] = np.exp(x[i] * 1e-9)"}},
		{"y[i] = np.sqrt(x[i])", "int16", "float64", nil}, // float32 in NumPy
		{"y[i] = max(x[i], 40000) * 0.5", "int16", "float64", nil},
		{"y[i] = float(x[i] + x[i]) * 0.5", "int16", "float64", []string{"float(_np.int16(x[i] + x[i])) * 0.5"}},
		{"y[i] = x[i] + y[i]", "uint64", "uint64", []string{"y[i] = _np.uint64(x[i] + y[i])"}},
		{"y[i] = x[i] + 1", "uint64", "uint64", nil}, // Numba's uint64 and int64 make a float
		{"y[i] = x[i] * 0.5", "float32", "float32", []string{"y[i] = x[i] * 0.5"}},
	} {
		src := "def k(x, y):\n    for i in range(x.shape[0]):\n        " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"x": typeinfer.Array(tc.x, typeinfer.SymDim("N")),
			"y": typeinfer.Array(tc.y, typeinfer.SymDim("N")),
		}
		s, f, def := firstSCoP(t, src, params)
		c, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s (x %s, y %s): a helper\n%s", tc.body, tc.x, tc.y, c.helper)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s (x %s, y %s): %v", tc.body, tc.x, tc.y, err)
			continue
		}
		checkCode(t, c.helper, tc.want, nil)
	}
}

// TestNarrowScalars follows narrow integers through scalars: a copy of an int16 element is
// an int16, a scalar of small literals adds to one as one, an update of an int16 scalar
// casts, and an int16 scalar plus a Python int of unknown range has no helper.
func TestNarrowScalars(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string
	}{
		{"t = x[i]\n        y[i] = t * t", []string{"y[i] = _np.int16(t * t)"}},
		{"b = 1 if x[i] > 0 else 0\n        y[i] = x[i] + b", []string{"y[i] = _np.int16(x[i] + b)"}},
		{"b = 1 if x[i] + x[i] > 0 else -1\n        y[i] = b", []string{"b = 1 if ((_np.int16(x[i] + x[i])) > 0) else (-1)"}},
		{"t = x[i]\n        t += x[i]\n        y[i] = t", []string{"t = _np.int16(t + x[i])"}},
		{"t = x[i]\n        t += i\n        y[i] = t", nil},
		{"b = 40000\n        y[i] = x[i] + b", nil},
		// A float sum of int16 elements: no cast (found by review: it was cast to int16).
		{"t = 0.5\n        t += x[i]\n        z[i] = t", []string{"t += x[i]"}},
		// One name for an int16, then a float: refused.
		{"t = x[i]\n        y[i] = t + t\n        t = 0.25\n        z[i] = t + t", nil},
	} {
		src := "def k(x, y, z):\n    for i in range(x.shape[0]):\n        " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"x": typeinfer.Array("int16", typeinfer.SymDim("N")),
			"y": typeinfer.Array("int16", typeinfer.SymDim("N")),
			"z": typeinfer.Array("float64", typeinfer.SymDim("N")),
		}
		s, f, def := firstSCoP(t, src, params)
		c, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		switch {
		case tc.want == nil && err == nil:
			t.Errorf("%q: a helper\n%s", tc.body, c.helper)
		case tc.want != nil && err != nil:
			t.Errorf("%q: %v", tc.body, err)
		case tc.want != nil:
			checkCode(t, c.helper, tc.want, nil)
		}
	}
}

// TestNumpyOuts: the wrapper gives a scalar the helper returns the NumPy type the original
// gives it, where its loops run when it starts as a Python number.
func TestNumpyOuts(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string // wrapper lines
	}{
		{"s = 0.0\n    for i in range(n):\n        s += x[i]", []string{"if ((0) < (n)):", "    s = _np.float64(s)"}},
		{"s = 0\n    for i in range(1, n):\n        s += x[i] * 2", []string{"if ((1) < (n)):", "    s = _np.float64(s)"}},
		{"s = 0\n    for i in range(n):\n        s += k[i]", []string{"if ((0) < (n)):", "    s = _np.int64(s)"}},
		{"s = x[0]\n    for i in range(n):\n        s += 1", []string{"s = _np.float64(s)"}},
		{"s = k[0]\n    for i in range(n):\n        s += k[i]", []string{"s = _np.int64(s)"}},
		{"s = k[0]\n    for i in range(n):\n        s += 0.5", nil}, // np.int64 where the loop is empty
		{"s = k[0]\n    for i in range(n):\n        s = s + k[i] / 2", nil},
		{"s = 0.0\n    for i in range(n):\n        s += 0.5 * i", nil},                                                  // a Python float
		{"s = 0\n    for i in range(n):\n        s += 1", nil},                                                          // a Python int
		{"s = 0.0\n    for i in range(n):\n        for j in range(i):\n            s += x[j]", nil},                     // a triangle
		{"s = 0.0\n    for i in range(n):\n        if i > 2:\n            s += x[i]", nil},                              // under an if
		{"s = 0\n    for i in range(n):\n        s = k[i] + k[i]", []string{"if ((0) < (n)):", "    s = _np.int64(s)"}}, // found by review
		{"s = 0.0\n    for i in range(n):\n        s += alpha", nil},                                                    // alpha: maybe an np.float64
		{"s = 0.0\n    for i in range(n):\n        s += alpha * x[i]", []string{"if ((0) < (n)):", "    s = _np.float64(s)"}},
	} {
		src := "def k(x, k, n, alpha):\n    " + tc.body + "\n    return s\n"
		params := map[string]*typeinfer.Type{
			"x":     typeinfer.Array("float64", typeinfer.SymDim("N")),
			"k":     typeinfer.Array("int64", typeinfer.SymDim("N")),
			"n":     typeinfer.Simple(typeinfer.Int),
			"alpha": typeinfer.Simple(typeinfer.Float),
		}
		s, f, def := firstSCoP(t, src, params)
		r := newRegion(s, f, def.Body)
		before := boundBefore(def, s.Pos)
		assigned := map[string]bool{"s": true}
		got := numpyOuts(r, []string{"s"}, before, assigned, f.Src)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%q: lines\n%s\nwant\n%s", tc.body, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

// TestNarrowProducts is difffuzz's seed 98616: A[i] -= C[j, i] * beta of an int32 C became
// beta * einsum(C), a sum of int32 that wrapped around where the loops add each float term.
// A product of narrow ints is summed elementwise, each term wrapped as the loops wrap it,
// unless it is added into an array of its own type.
func TestNarrowProducts(t *testing.T) {
	for _, tc := range []struct {
		body, a, c string
		want, not  string
	}{
		{"A[i] -= C[j, i] * beta", "float64", "int32", "_np.sum(((C).transpose(1, 0) * beta), axis=(1,))", "einsum"},
		{"A[i] += C[j, i] * C[j, i]", "int64", "int32", "_np.sum(((C).transpose(1, 0) * (C).transpose(1, 0)), axis=(1,))", "einsum"},
		{"A[i] += C[j, i]", "float64", "int16", "_np.sum((C).transpose(1, 0), axis=(1,))", "einsum"},
		{"A[i] += C[j, i]", "int32", "int32", "einsum", "_np.sum("},                                                                    // wraps alike
		{"A[i] += C[j, i] + C[j, i]", "float64", "int16", "_np.sum(((C).transpose(1, 0) + (C).transpose(1, 0)), axis=(1,))", "einsum"}, // found by review: split into two sums
		{"A[i] += C[j, i] * beta", "float64", "float64", "beta * _np.sum(C, axis=(0,))", "broadcast"},                                  // not narrow
	} {
		src := "def k(A, C, beta):\n    for i in range(A.shape[0]):\n        for j in range(C.shape[0]):\n            " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"A":    typeinfer.Array(tc.a, typeinfer.SymDim("N")),
			"C":    typeinfer.Array(tc.c, typeinfer.SymDim("M"), typeinfer.SymDim("N")),
			"beta": typeinfer.Simple(typeinfer.Float),
		}
		checkCode(t, numpyCode(t, src, params), []string{tc.want}, []string{tc.not})
	}
}

// TestNarrowIndexNotVectorized: x[i] + i of an int16 x is an int16 in the loops (wrapping, or
// OverflowError past int16's range), an int64 in whole-array code (x + arange). Found by
// review: the update form and a sibling term slipped through; a float64 element did not.
func TestNarrowIndexNotVectorized(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{"y[i] = x[i] + i", false},
		{"x[i] += i", false},
		{"x[i] = x[i] + 2 * i", false},
		{"y[i] = (x[i] + i) + w[i] * 2.0", false},
		{"y[i] = np.sqrt(x[i]) * i", false}, // float32 in the loop (found by review)
		{"y[i] = max(x[i], 40000)", false},  // np.maximum raises OverflowError (found by review)
		{"y[i] = x[i] * w[i]", true},
		{"y[i] = x[i] + 0.5 * i", true},
		{"y[i] = x[i] + x[i]", true},
	} {
		src := "def k(x, y, w):\n    for i in range(x.shape[0]):\n        " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"x": typeinfer.Array("int16", typeinfer.SymDim("N")),
			"y": typeinfer.Array("float64", typeinfer.SymDim("N")),
			"w": typeinfer.Array("float64", typeinfer.SymDim("N")),
		}
		code := numpyCode(t, src, params)
		if vectorized := strings.Contains(code, "[:]"); vectorized != tc.ok {
			t.Errorf("%q: vectorized %v, want %v:\n%s", tc.body, vectorized, tc.ok, code)
		}
	}
}

// TestNarrowScalarSums is difffuzz's seed 99141: s0 = 0; s0 += 1 + B[1, j] of an int16 B wraps
// around at each step in the loop, where np.sum adds int16 elements in int64.
func TestNarrowScalarSums(t *testing.T) {
	for _, tc := range []struct {
		body, want, not string
	}{
		{"s = 0\n    for j in range(x.shape[0]):\n        s += 1 + x[j]\n    y[0] = s", ".astype(_np.int16)[()]", ""},
		{"s = 0.0\n    for j in range(x.shape[0]):\n        s += x[j]\n    z[0] = s", "_np.sum(", "astype"}, // a float sum
	} {
		src := "def k(x, y, z):\n    " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"x": typeinfer.Array("int16", typeinfer.SymDim("N")),
			"y": typeinfer.Array("int16", typeinfer.SymDim("N")),
			"z": typeinfer.Array("float64", typeinfer.SymDim("N")),
		}
		var not []string
		if tc.not != "" {
			not = []string{tc.not}
		}
		checkCode(t, numpyCode(t, src, params), []string{tc.want}, not)
	}
}

// TestWiderIntStore: an element of an int64 (or another wider int) array stored into an int8,
// int16 or int32 array raises OverflowError in NumPy past the target's range; whole-array
// code and Numba wrap it around, so neither variant takes such a store. Unsigned targets
// wrap in NumPy as well, and values of the target's own type or narrower fit.
func TestWiderIntStore(t *testing.T) {
	for _, tc := range []struct {
		body, x, y string
		want       bool
	}{
		{"x[i] = y[i] * 300", "int16", "int64", true},
		{"x[i] = y[i]", "int8", "uint8", true},
		{"x[i] = y[i] // 2", "int32", "int64", true},
		{"x[i] = y[i] + y[i]", "int16", "uint16", true},
		{"t = y[i] * 2\n        x[i] = t", "int16", "int64", true}, // through a scalar
		{"x[i] += y[i]", "int16", "int32", true},
		{"x[i] = y[i] * 300", "uint8", "int64", false}, // NumPy wraps too
		{"x[i] = y[i] + 1", "int16", "int8", false},
		{"x[i] = y[i]", "int32", "uint16", false},
		{"x[i] = x[i] + 1", "int16", "int64", false},
		{"x[i] = y[i] * 0.5", "int16", "float64", false}, // storesFloatIntoInt's concern
		{"x[i] = y[i]", "int64", "int64", false},
	} {
		src := "def k(x, y):\n    for i in range(x.shape[0]):\n        " + tc.body + "\n"
		params := map[string]*typeinfer.Type{
			"x": typeinfer.Array(tc.x, typeinfer.SymDim("N")),
			"y": typeinfer.Array(tc.y, typeinfer.SymDim("N")),
		}
		s, f, def := analyzedSCoP(t, src, params)
		r := newRegion(s, f, def.Body)
		got := false
		for _, st := range s.Stmts {
			got = got || r.widerIntStore(st)
		}
		if got != tc.want {
			t.Errorf("%q (x %s, y %s): widerIntStore %v, want %v", tc.body, tc.x, tc.y, got, tc.want)
		}
	}
}
