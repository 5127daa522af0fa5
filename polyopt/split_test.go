package polyopt

import (
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestSplitLoops: Floyd-Warshall's row and column loops split at the pivot k; a stencil's
// sweep and a prefix sum do not split (their dependences join neighbours of one piece).
func TestSplitLoops(t *testing.T) {
	ints := typeinfer.Array("int64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	tests := []struct {
		body  string
		split map[string]string // loop index -> SplitAt
	}{
		{"for k in range(n):\n        for i in range(n):\n            for j in range(n):\n                A[i, j] = min(A[i, j], A[i, k] + A[k, j])",
			map[string]string{"k": "", "i": "k", "j": "k"}},
		{"for k in range(n):\n        for i in range(1, n):\n            A[i, k] = A[i - 1, k] + A[i, k]",
			map[string]string{"k": "", "i": ""}},
		{"for k in range(n):\n        for i in range(n):\n            A[i, i] = A[k, k] + 1",
			map[string]string{"k": "", "i": "k"}},
		// The pivot rows as above, with a local passed from row 0 (below k) to row n - 1
		// (above k): prange's pieces would each have their own t (found by review).
		{"for k in range(1, n):\n        for i in range(n):\n            for j in range(n):\n                A[i, j] = A[i, j] + A[k, j]",
			map[string]string{"i": "k", "j": ""}},
		{"for k in range(1, n):\n        t = 0\n        for i in range(n):\n            if i == 0:\n                t = A[n - 1, k - 1]\n            for j in range(n):\n                A[i, j] = A[i, j] + A[k, j]\n            if i == n - 1:\n                A[i, k] = t",
			map[string]string{"i": "", "j": ""}},
		// s is read before it is written, in row k only: Numba refuses such a local in a
		// prange body, though no piece but the middle one reaches the update.
		{"for k in range(1, n):\n        s = A[k, k - 1]\n        for i in range(n):\n            A[i, k] = A[i, k] + A[k, k]\n            if i == k:\n                s = s * 2 + A[i, k]\n                A[i, k] = s",
			map[string]string{"i": ""}},
		// A loop around a check keeps its order; the loop inside it, which holds none, splits.
		{"for k in range(n):\n        for i in range(n):\n            if A[i, i] < 0:\n                raise ValueError(\"negative\")\n            for j in range(n):\n                A[i, j] = min(A[i, j], A[i, k] + A[k, j])",
			map[string]string{"i": "", "j": "k"}},
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	for _, tt := range tests {
		fn := extract(t, "def f(A, n):\n    "+tt.body+"\n", map[string]*typeinfer.Type{"A": ints, "n": intT()},
			typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
		if len(fn.SCoPs) != 1 {
			t.Fatalf("%q: %d SCoPs %v", tt.body, len(fn.SCoPs), fn.Opaque)
		}
		if _, err := Analyze(ctx, fn.SCoPs[0]); err != nil {
			t.Fatal(err)
		}
		for _, l := range fn.SCoPs[0].Loops {
			if want, ok := tt.split[l.Iter]; ok && l.SplitAt != want {
				t.Errorf("%q: loop %s splits at %q, want %q (parallel %v)", tt.body, l.Iter, l.SplitAt, want, l.Parallel)
			}
		}
	}
}

// TestSharedScalars: a loop where a local written inside carries a value into an iteration
// from another one or from before the loop is marked; temporaries written first in each
// iteration, and loops writing no local, are not.
func TestSharedScalars(t *testing.T) {
	vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
	tests := []struct {
		body   string
		shared map[string]bool // loop index -> SharedScalar
	}{
		{"for i in range(n):\n        A[i] = A[i] * 2", map[string]bool{"i": false}},
		{"for i in range(n):\n        t = A[i] * 2\n        A[i] = t + 1", map[string]bool{"i": false}},
		// Read before written at i == 3: the value comes from before the loop.
		{"s = 1.0\n    for i in range(n):\n        if i == 3:\n            s = s * 0.5 + A[i]\n            A[i] = s",
			map[string]bool{"i": true}},
		// Written at i == 0, read at i == n - 1.
		{"t = 0.0\n    for i in range(n):\n        if i == 0:\n            t = A[0]\n        if i == n - 1:\n            A[i] = t",
			map[string]bool{"i": true}},
		// A sum inside each iteration of i, started in it: private to i, carried by j.
		{"for i in range(n):\n        s = 0.0\n        for j in range(n):\n            s = s + A[j]\n        A[i] = s",
			map[string]bool{"i": false, "j": true}},
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	for _, tt := range tests {
		fn := extract(t, "def f(A, n):\n    "+tt.body+"\n", map[string]*typeinfer.Type{"A": vec, "n": intT()},
			typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
		if len(fn.SCoPs) != 1 {
			t.Fatalf("%q: %d SCoPs %v", tt.body, len(fn.SCoPs), fn.Opaque)
		}
		if _, err := Analyze(ctx, fn.SCoPs[0]); err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, l := range fn.SCoPs[0].Loops {
			if want, ok := tt.shared[l.Iter]; ok {
				seen++
				if l.SharedScalar != want {
					t.Errorf("%q: loop %s SharedScalar %v, want %v", tt.body, l.Iter, l.SharedScalar, want)
				}
			}
		}
		if seen != len(tt.shared) {
			t.Errorf("%q: %d of the loops %v found", tt.body, seen, tt.shared)
		}
	}
}
