package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestCheckKeepsLoopsSequential: "if cond: raise" on computed values is a statement that
// reads cond's operands; the loop around it, parallel without it, stays sequential so that the
// first failing check raises first, and no wavefront is built for its nest.
func TestCheckKeepsLoopsSequential(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": mat("N", "M"), "u": vec("N")}
	src := `
def k(A, u):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            A[i, j] = A[i, j] * 2.0
            if A[i, j] < 0.0:
                raise ValueError("negative")
        u[i] = A[i, 0]
`
	fn := extract(t, src, params)
	if len(fn.SCoPs) != 1 {
		t.Fatalf("%d SCoPs, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	s := fn.SCoPs[0]
	var check *Stmt
	for _, st := range s.Stmts {
		if st.Check {
			check = st
		}
	}
	if check == nil || len(check.Writes) != 0 || len(check.Reads) != 1 || check.Reads[0].Array != "A" {
		t.Fatalf("want a check statement reading A, got %+v", check)
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	a, err := Analyze(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range a.Deps {
		found = found || (d.Kind == Flow && d.To == check.Name && d.Array == "A")
	}
	if !found {
		t.Errorf("no flow dependence into the check: %+v", a.Deps)
	}
	for _, l := range s.Loops {
		if l.Parallel || l.Reduction || l.Anti || len(l.Expand) > 0 || len(l.Order) > 0 {
			t.Errorf("loop %s: parallel %v, reduction %v, anti %v, expand %v, order %v; want sequential around a check",
				l.Iter, l.Parallel, l.Reduction, l.Anti, l.Expand, l.Order)
		}
		if !strings.Contains(strings.Join(l.CarriedBy, "; "), "check") {
			t.Errorf("loop %s: carried by %q, want the check named", l.Iter, l.CarriedBy)
		}
	}
	waves, why := Wavefronts(ctx, s, a, func(d int) []int64 { return make([]int64, d-1) })
	if len(waves) != 0 || !strings.Contains(strings.Join(why, "; "), "raises") {
		t.Errorf("wavefronts %d, why %q; want none because of the check", len(waves), why)
	}

	// Not checks: an else branch, a raise with a computed message (an f-string too: Numba
	// would format it otherwise), an if that also assigns.
	for _, src := range []string{
		"def k(A, u):\n    for i in range(A.shape[0]):\n        if u[i] < 0.0:\n            raise ValueError('x')\n        else:\n            u[i] = 1.0\n",
		"def k(A, u):\n    for i in range(A.shape[0]):\n        if u[i] < 0.0:\n            raise ValueError(u[i])\n",
		"def k(A, u):\n    for i in range(A.shape[0]):\n        if u[i] < 0.0:\n            raise ValueError(f'negative at {i}')\n",
		"def k(A, u):\n    for i in range(A.shape[0]):\n        if u[i] < 0.0:\n            u[i] = 0.0\n            raise ValueError('x')\n",
	} {
		fn := extract(t, src, params)
		if len(fn.SCoPs) != 0 {
			t.Errorf("%q: want no SCoP, got %d", src, len(fn.SCoPs))
		}
	}
}
