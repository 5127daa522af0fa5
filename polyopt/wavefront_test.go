package polyopt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

func wavefronts(t *testing.T, src string, params map[string]*typeinfer.Type, rels ...typeinfer.Relation) ([]*Wavefront, []string) {
	t.Helper()
	fn := extract(t, src, params, rels...)
	if len(fn.SCoPs) != 1 {
		t.Fatalf("scops %d, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	a, err := Analyze(ctx, fn.SCoPs[0])
	if err != nil {
		t.Fatal(err)
	}
	return Wavefronts(ctx, fn.SCoPs[0], a, func(d int) []int64 {
		out := make([]int64, d)
		for i := range out {
			out[i] = 8
		}
		return out
	})
}

func TestWavefrontSkews(t *testing.T) {
	seidel := map[string]*typeinfer.Type{"A": mat("N", "N"), "n": intT(), "tsteps": intT()}
	rel := typeinfer.Relation{Left: "n", Right: "A.shape[0]"}
	cases := []struct {
		name, src string
		skew      string // rows of the skew matrix, or "" when no wavefront is expected
		why       string // part of the reason when none is expected
		schedule  string // the schedule map, when given
	}{
		{"seidel-2d", `
def k(tsteps, n, A):
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = (A[i - 1, j - 1] + A[i - 1, j] + A[i - 1, j + 1]
                           + A[i, j - 1] + A[i, j] + A[i, j + 1]
                           + A[i + 1, j - 1] + A[i + 1, j] + A[i + 1, j + 1]) / 9.0
`, "[[1 0 0] [1 1 0] [2 1 1]]", "", "[N, tsteps] -> { S0[t, i, j] -> [floor((t)/8) + floor((t + i)/8) + floor((2t + i + j)/8), floor((t + i)/8), floor((2t + i + j)/8), t, t + i, 2t + i + j, 0] }"},
		// Gauss-Seidel in two dimensions without time: (i, j) with a dependence (1, -1)
		// needs j + i.
		{"2d sweep", `
def k(tsteps, n, A):
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            A[i, j] = A[i - 1, j + 1] + A[i, j - 1]
`, "[[1 0] [1 1]]", "", ""},
		// Already permutable: tiles alone give the wavefront.
		{"no skew", `
def k(tsteps, n, A):
    for i in range(1, n):
        for j in range(1, n):
            A[i, j] = A[i - 1, j] + A[i, j - 1]
`, "[[1 0] [0 1]]", "", ""},
		// A dependence (1, -3) needs a skew of 3, beyond what is tried.
		{"too steep", `
def k(tsteps, n, A):
    for i in range(1, n):
        for j in range(0, n - 3):
            A[i, j] = A[i - 1, j + 3] + A[i, j - 1]
`, "", "no skew", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, why := wavefronts(t, c.src, seidel, rel)
			if c.skew == "" {
				if len(ws) != 0 {
					t.Fatalf("got a wavefront with skew %v", ws[0].Skew)
				}
				if !strings.Contains(strings.Join(why, "; "), c.why) {
					t.Fatalf("reasons %q, want one with %q", why, c.why)
				}
				return
			}
			if len(ws) != 1 {
				t.Fatalf("no wavefront: %q", why)
			}
			w := ws[0]
			if got := fmt.Sprint(w.Skew); got != c.skew {
				t.Errorf("skew %s, want %s", got, c.skew)
			}
			if c.schedule != "" && w.Schedule != c.schedule {
				t.Errorf("schedule\n%s\nwant\n%s", w.Schedule, c.schedule)
			}
			if w.Parallel != "_c1" {
				t.Errorf("parallel %q", w.Parallel)
			}
			text := isl.Format(w.AST)
			if !strings.Contains(text, "for (_c1 = ") || !strings.Contains(text, "S0(") {
				t.Errorf("AST has no tile loop or statement:\n%s", text)
			}
		})
	}
}

// A nest with a parallel loop, or one whose body holds a loop beside a statement, is left to
// the other variants.
func TestWavefrontLeavesAlone(t *testing.T) {
	types := map[string]*typeinfer.Type{"A": mat("N", "N"), "x": vec("N"), "n": intT(), "tsteps": intT()}
	for _, src := range []string{`
def k(tsteps, n, A, x):
    for i in range(1, n):
        for j in range(n):
            A[i, j] = A[i - 1, j] * 0.5
`, `
def k(tsteps, n, A, x):
    for i in range(1, n):
        x[i] = x[i - 1] + 1.0
        for j in range(1, n):
            A[i, j] = A[i - 1, j] + A[i, j - 1]
`} {
		if ws, _ := wavefronts(t, src, types); len(ws) != 0 {
			t.Errorf("wavefront with skew %v for\n%s", ws[0].Skew, src)
		}
	}
}
