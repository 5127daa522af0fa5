package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestReorder checks which sequential loops get a new order of their statements
// (Loop.Order) for whole-array code, and which keep theirs.
func TestReorder(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": mat("N", "N"), "B": mat("N", "N"), "C": mat("N", "N"),
		"x": vec("N"), "y": vec("N"), "z": vec("N"), "alpha": typeinfer.Simple(typeinfer.Float)}
	cases := []struct {
		name, body string
		order      string // the outer loop's Order, "" for none
	}{
		// Row i of C, written by S3, is added to by S1 in later iterations: backward in the
		// source, forward once S3 runs first.
		{"symm", `
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            t = 0.0
            for k in range(i):
                C[k, j] += alpha * B[i, j] * A[i, k]
                t += B[k, j] * A[i, k]
            C[i, j] = 2.0 * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * t
`, "S0, S2, S3, S1"},
		// z reads x[i + 1] before iteration i + 1 overwrites it: z first.
		{"anti into an earlier statement", `
    for i in range(x.shape[0] - 1):
        x[i] = y[i] * 2.0
        z[i] = x[i + 1] + 1.0
`, "S1, S0"},
		// Each statement reads what the other wrote in the iteration before: a cycle.
		{"cycle", `
    for i in range(x.shape[0] - 1):
        x[i + 1] = y[i]
        y[i + 1] = x[i]
`, ""},
		// A recurrence on one statement is no matter of order.
		{"flow on itself", `
    for i in range(x.shape[0] - 1):
        z[i] = y[i]
        x[i + 1] = 0.5 * x[i] + z[i]
`, ""},
		// S0 reads the scalar S1 wrote in the iteration before: whole-array code would give
		// it one value per iteration.
		{"scalar carried into an earlier statement", `
    s = 0.0
    for i in range(x.shape[0]):
        z[i] = s
        s = x[i]
`, ""},
		// Within one iteration S1 reads what S0 wrote, and across iterations S0 overwrites
		// what S1 read: S0 must come first, and then the anti dependence is forward.
		{"loop-independent flow and carried anti", `
    for i in range(x.shape[0] - 1):
        x[i] = y[i] * 2.0
        z[i] = x[i] + x[i + 1]
`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fn := extract(t, "def k(alpha, A, B, C, x, y, z):"+tc.body, params)
			if len(fn.SCoPs) != 1 {
				t.Fatalf("scops %d, opaque %+v", len(fn.SCoPs), fn.Opaque)
			}
			s := fn.SCoPs[0]
			ctx, err := isl.NewContext()
			if err != nil {
				t.Fatal(err)
			}
			defer ctx.Free()
			if _, err := Analyze(ctx, s); err != nil {
				t.Fatal(err)
			}
			var l *Loop
			for _, cand := range s.Loops {
				if cand.Depth == 0 {
					l = cand
					break
				}
			}
			if l == nil {
				t.Fatal("no loop")
			}
			if got := strings.Join(l.Order, ", "); got != tc.order {
				t.Errorf("loop %s: Order = %q, want %q (parallel %v, reduction %v, anti %v, carries %v)",
					l.Iter, got, tc.order, l.Parallel, l.Reduction, l.Anti, l.CarriedBy)
			}
		})
	}
}

// TestDistributedSchedule checks the schedule reorder has isl check: the statements' position
// in the new order goes before the loop's own dimension.
func TestDistributedSchedule(t *testing.T) {
	fn := extract(t, `def k(x, y):
    for i in range(x.shape[0] - 1):
        x[i] = y[i] * 2.0
        y[i] = x[i + 1]
`, map[string]*typeinfer.Type{"x": vec("N"), "y": vec("N")})
	s := fn.SCoPs[0]
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	err = withScope(ctx, func(sc *scope) error {
		got, err := distributed(sc, s, s.Loops[0], []string{"S1", "S0"}, 3)
		if err != nil {
			return err
		}
		want, err := sc.umap("[N] -> { S1[i] -> [0, 0, i, 1]; S0[i] -> [0, 1, i, 0] }")
		if err != nil {
			return err
		}
		if ok, err := got.IsEqual(want); err != nil || !ok {
			t.Errorf("distributed schedule %s, want %s", got, want)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
