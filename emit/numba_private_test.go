package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestPrivateLoops: a loop that carries nothing but sums into cells every iteration shares
// runs in chunks, each summing into a private copy of the array; anything else stays as
// written.
func TestPrivateLoops(t *testing.T) {
	cases := []struct {
		name, body string   // the function's body, at 4 spaces
		want       []string // in the summing variant's helper; nil: no private copies
		fused      bool
	}{
		{"bicg", "for i in range(n):\n        x[i] = 0.0\n        for j in range(n):\n            s[j] = s[j] + b[i] * L[i, j]\n            x[i] = x[i] + L[i, j] * b[j]",
			[]string{"_pr0_s = _np.full((_nt0,) + s.shape, -0.0, s.dtype)", "_pr0_s[_c0, j] = _pr0_s[_c0, j] + b[i] * L[i, j]",
				"s[_c0_0] += _pr0_s[_c0, _c0_0]", "x[i] = _k__nbs0_sum0(x[i], L, b, i, n)", "_nt0 = _rt.reduction_chunks(_tr0, s.size, _nthreads)",
				"else:\n        for i in range(n):\n            x[i] = 0.0\n            for j in range(n):\n                s[j] = s[j] + b[i] * L[i, j]\n            if (0) < (n):\n                x[i] = _k__nbs0_sum0(x[i], L, b, i, n)"}, true},
		{"a difference from the second row", "for i in range(1, n):\n        for j in range(n):\n            s[j] -= L[i, j] * b[i]",
			[]string{"_lo0 = (1)", "_tr0 = max(0, (n) - _lo0)", "_pr0_s[_c0, j] -= L[i, j] * b[i]",
				"for i in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):"}, false},
		{"a matrix of sums", "for i in range(n):\n        for j in range(n):\n            for k in range(n):\n                C[j, k] += L[i, j] * L[i, k]",
			[]string{"_pr0_C[_c0, j, k] += L[i, j] * L[i, k]", "for _c0_0 in _rt.prange(C.shape[0]):", "for _c0_1 in range(C.shape[1]):",
				"C[_c0_0, _c0_1] += _pr0_C[_c0, _c0_0, _c0_1]"}, false},
		{"the sums read in the loop", "for i in range(n):\n        for j in range(n):\n            s[j] += L[i, j]\n        if i == n - 1:\n            x[0] = s[1]", nil, false},
		{"the array written otherwise in the loop", "for i in range(n):\n        for j in range(n):\n            s[j] += L[i, j]\n        s[0] = 1.0", nil, false},
		{"an int array", "for i in range(n):\n        for j in range(n):\n            c[j] += 1", nil, false},
		{"a scalar sum", "t = 0.0\n    for i in range(n):\n        t += b[i]\n    x[0] = t", nil, false},
		{"a call", "for i in range(n):\n        for j in range(n):\n            s[j] += abs(L[i, j])", nil, false},
		{"a product", "for i in range(n):\n        for j in range(n):\n            s[j] *= L[i, j]", nil, false},
		// Found by review: a sum loop itself keeps its sum helper, and a body on the last
		// line of a header over two lines is not copied without the header.
		{"a sum loop at the top", "for j in range(n):\n        s[0] += L[0, j] * b[j]\n        x[0] += L[1, j] * b[j]", nil, false},
		{"the body on the header's last line", "for i in range(0,\n                   n): s[0] += b[i] - 1.0", nil, false},
		{"a start over two lines", "for i in range(1 +\n                   1, n):\n        for j in range(n):\n            s[j] += L[i, j]",
			[]string{"_lo0 = (1 +\n                   1)"}, false},
		// Interchange: sums down the columns of a matrix become sums along its rows, the
		// inner loop run in chunks; fused with a parallel loop before it over the same range.
		{"a column sum", "for i in range(n):\n        for j in range(n):\n            x[i] += L[j, i] * b[j]",
			[]string{"for j in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):\n                for i in range(n):\n                    _pr0_x[_c0, i] += L[j, i] * b[j]\n",
				"else:\n        for i in range(n):\n            if (0) < (n):\n                x[i] = _k__nbs0_sum0(x[i], L, b, i, n)"}, false},
		{"a row sum", "for i in range(n):\n        for j in range(n):\n            x[i] += L[i, j] * b[j]", nil, false},
		{"a triangle", "for i in range(n):\n        for j in range(i):\n            x[i] += L[j, i] * b[j]", nil, false},
		{"mvt", "for i in range(n):\n        for j in range(n):\n            s[i] = s[i] + L[i, j] * b[j]\n    for i in range(n):\n        for j in range(n):\n            x[i] = x[i] + L[j, i] * b[j]",
			[]string{"for _r0 in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):\n                i = _r0\n                if (0) < (n):\n                    s[i] = _k__nbs0_sum0(s[i], L, b, i, n)\n                j = _r0\n                for i in range(n):\n                    _pr0_x[_c0, i] = _pr0_x[_c0, i] + L[j, i] * b[j]\n"}, true},
		{"the loop before writes what the sums read", "for i in range(n):\n        b[i] = L[i, i]\n    for i in range(n):\n        for j in range(n):\n            x[i] += L[j, i] * b[j]",
			[]string{"    for i in _rt.prange(n):\n        b[i] = L[i, i]\n    _lo0 = (0)", "for j in range(_lo0 + _tr0"}, false},
		{"the loop before over another range", "for i in range(n - 1):\n        s[i] = L[i, i]\n    for i in range(n):\n        for j in range(n):\n            x[i] += L[j, i] * b[j]",
			[]string{"for j in range(_lo0 + _tr0"}, false},
		// Found by review: bodies indented by other than 4 spaces, and a first loop that
		// reads a name the chunked nest binds.
		{"a body indented by 2", "for i in range(n):\n      x[i] = 0.0\n      for j in range(n):\n        s[j] = s[j] + b[i] * L[i, j]",
			[]string{"for i in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):\n              x[i] = 0.0\n              for j in range(n):\n                _pr0_s[_c0, j] = _pr0_s[_c0, j] + b[i] * L[i, j]\n"}, false},
		{"mvt indented by 2", "for i in range(n):\n      for j in range(n):\n        s[i] = s[i] + L[i, j] * b[j]\n    for i in range(n):\n      for j in range(n):\n        x[i] = x[i] + L[j, i] * b[j]",
			[]string{"for _r0 in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):\n              i = _r0\n              if (0) < (n):\n                  s[i] = _k__nbs0_sum0(s[i], L, b, i, n)\n              j = _r0\n              for i in range(n):\n                _pr0_x[_c0, i] = _pr0_x[_c0, i] + L[j, i] * b[j]\n"}, true},
		{"the loop before reads the chunked loop's variable", "j = 100\n    for k in range(n):\n        b[k] = L[k, 0] + j\n    for i in range(n):\n        for j in range(n):\n            x[i] = x[i] + L[j, i] * L[j, 0]",
			[]string{"for j in range(_lo0 + _tr0"}, false},
		{"a body under tabs and spaces mixed", "for i in range(n):\n    \t    for j in range(n):\n    \t\t    x[i] += L[j, i] * b[j]", nil, false},
		{"a parallel loop over columns", "for j in range(n):\n        for i in range(n):\n            s[j] += L[i, j]",
			[]string{"for i in range(_lo0 + _tr0 * _c0 // _nt0, _lo0 + _tr0 * (_c0 + 1) // _nt0):\n                for j in range(n):\n                    _pr0_s[_c0, j] += L[i, j]"}, false},
		{"a local in the column sum", "for i in range(n):\n        for j in range(n):\n            t = L[j, i] * 2.0\n            x[i] += t * b[j]",
			[]string{"t = L[j, i] * 2.0\n                    _pr0_x[_c0, i] += t * b[j]"}, false},
		{"a parallel loop with more than the inner loop", "for j in range(n):\n        s[j] = 0.0\n        for i in range(n):\n            s[j] += L[i, j]", nil, false},
	}
	vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
	mat := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	for _, c := range cases {
		src := "def k(L, C, b, s, x, n, c):\n    " + c.body + "\n"
		r, err := summingRegion(t, src, map[string]*typeinfer.Type{"L": mat, "C": mat, "b": vec, "s": vec, "x": vec,
			"n": typeinfer.Simple(typeinfer.Int), "c": typeinfer.Array("int64", typeinfer.SymDim("N"))})
		if err != nil {
			if c.want != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		code := r.helper + strings.Join(r.call, "\n")
		if _, err := pyast.ParseFile("helper.py", []byte(r.helper)); err != nil {
			t.Errorf("%s: the helper does not parse: %v\n%s", c.name, err, r.helper)
		}
		if got := r.private > 0; got != (c.want != nil) || strings.Contains(code, "_pr0_") != got {
			t.Errorf("%s: private loops %d, want %v:\n%s", c.name, r.private, c.want != nil, code)
			continue
		}
		if (r.fused > 0) != c.fused {
			t.Errorf("%s: fused %d, want %v", c.name, r.fused, c.fused)
		}
		for _, w := range c.want {
			if !strings.Contains(code, w) {
				t.Errorf("%s: want %q in:\n%s", c.name, w, code)
			}
		}
		// The thread count comes from the caller, never from compiled code (which Numba
		// would then not cache).
		if r.private > 0 && (!strings.Contains(code, "_nthreads):\n") || !strings.Contains(code, "_rt.numba_threads())")) {
			t.Errorf("%s: the thread count is not passed in:\n%s", c.name, code)
		}
	}
}
