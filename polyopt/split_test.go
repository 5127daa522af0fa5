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
