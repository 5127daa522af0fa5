package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestExpand checks which loops array expansion makes parallel, worked out by hand.
func TestExpand(t *testing.T) {
	cube := typeinfer.Array("float64", typeinfer.SymDim("R"), typeinfer.SymDim("Q"), typeinfer.SymDim("P"))
	cases := []struct {
		name, src string
		params    map[string]*typeinfer.Type
		want      string // loop:verdict, expansions in brackets
	}{
		{"doitgen", `
def k(A, C4, s):
    for r in range(A.shape[0]):
        for q in range(A.shape[1]):
            for p in range(A.shape[2]):
                s[p] = 0.0
                for k in range(A.shape[2]):
                    s[p] += A[r, q, k] * C4[k, p]
            for p in range(A.shape[2]):
                A[r, q, p] = s[p]
`, map[string]*typeinfer.Type{"A": cube, "C4": mat("P", "P"), "s": vec("P")},
			"r:sequential[s per (r, q)] q:sequential[s per (r, q)] p:parallel k:reduction p:parallel"},
		{"row buffer", `
def k(A, B, t):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            t[j] = A[i, j] * 2.0
        for j in range(A.shape[1]):
            B[i, j] = t[j] + t[A.shape[1] - 1 - j]
`, map[string]*typeinfer.Type{"A": mat("N", "M"), "B": mat("N", "M"), "t": vec("M")},
			"i:sequential[t per (i)] j:parallel j:parallel"},
		{"read before written", `
def k(A, B, t):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            B[i, j] = t[j]
            t[j] = A[i, j]
`, map[string]*typeinfer.Type{"A": mat("N", "M"), "B": mat("N", "M"), "t": vec("M")},
			"i:sequential j:parallel"},
		{"value from before the loop", `
def k(A, B, t):
    t[0] = 1.0
    for i in range(A.shape[0]):
        for j in range(1, A.shape[1]):
            t[j] = A[i, j] + t[0]
        for j in range(1, A.shape[1]):
            B[i, j] = t[j]
`, map[string]*typeinfer.Type{"A": mat("N", "M"), "B": mat("N", "M"), "t": vec("M")},
			"i:sequential j:parallel j:parallel"},
		{"last iteration writes less", `
def k(A, B, t):
    for i in range(A.shape[0]):
        for j in range(i):
            t[j] = A[i, j]
        for j in range(i):
            B[i, j] = t[j]
`, map[string]*typeinfer.Type{"A": mat("N", "N"), "B": mat("N", "N"), "t": vec("N")},
			"i:sequential j:parallel j:parallel"},
		{"strided outer loop", `
def k(A, B, t):
    for i in range(0, A.shape[0], 2):
        for j in range(A.shape[1]):
            t[j] = A[i, j]
        for j in range(A.shape[1]):
            B[i, j] = t[j]
`, map[string]*typeinfer.Type{"A": mat("N", "M"), "B": mat("N", "M"), "t": vec("M")},
			"i:sequential j:parallel j:parallel"},
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := extract(t, c.src, c.params)
			if len(fn.SCoPs) != 1 {
				t.Fatalf("%d SCoPs, want 1 (%v)", len(fn.SCoPs), fn.Opaque)
			}
			s := fn.SCoPs[0]
			if _, err := Analyze(ctx, s); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range s.Loops {
				v := "sequential"
				switch {
				case l.Parallel:
					v = "parallel"
				case l.Reduction:
					v = "reduction"
				}
				var exp []string
				for _, e := range l.Expand {
					var over []string
					for _, o := range e.Over {
						over = append(over, o.Iter)
					}
					exp = append(exp, e.Array+" per ("+strings.Join(over, ", ")+")")
				}
				if len(exp) > 0 {
					v += "[" + strings.Join(exp, "; ") + "]"
				}
				got = append(got, l.Iter+":"+v)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}
