package polyopt

import (
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
		out := make([]int64, d-1)
		if d == 2 {
			out = make([]int64, 2) // a band of two is tiled in both
		}
		for i := range out {
			out[i] = 8
		}
		return out
	})
}

func TestWavefrontSkews(t *testing.T) {
	seidel := map[string]*typeinfer.Type{"A": mat("N", "N"), "B": mat("N", "N"), "n": intT(), "tsteps": intT()}
	rel := typeinfer.Relation{Left: "n", Right: "A.shape[0]"}
	cases := []struct {
		name, src string
		band      string // isl's permutable band, or "" when no wavefront is expected
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
`, "[N, tsteps] -> { S0[t, i, j] -> [t, t + i, 2t + i + j] }", "", "[N, tsteps] -> { S0[t, i, j] -> [o0, o1, t, t + i, 0, 2t + i + j] : 0 <= t < tsteps and 0 < i <= -2 + N and 0 < j <= -2 + N and 8o1 >= -7 + t + i and -t + 8o0 <= 8o1 <= 7 - t + 8o0 and 8o1 <= t + i }"},
		// Two statements: isl shifts the second by one in the skewed space.
		{"jacobi-2d", `
def k(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                B[i, j] = 0.2 * (A[i, j] + A[i, j - 1] + A[i, 1 + j] + A[1 + i, j] + A[i - 1, j])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = 0.2 * (B[i, j] + B[i, j - 1] + B[i, 1 + j] + B[1 + i, j] + B[i - 1, j])
`, "[N, tsteps] -> { S0[t, i, j] -> [t, 2t + i, 2t + j]; S1[t, i, j] -> [t, 1 + 2t + i, 1 + 2t + j] }", "", ""},
		// A dependence (0, 1, -3) needs a skew of 3.
		{"steep", `
def k(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n):
            for j in range(0, n - 3):
                A[i, j] = A[i - 1, j + 3] + A[i, j - 1]
`, "[N, tsteps] -> { S0[t, i, j] -> [t, t + i, t + 3i + j] }", "", ""},
		// Two loops make a band of two, tiled in both dimensions.
		{"2d sweep", `
def k(tsteps, n, A, B):
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            A[i, j] = A[i - 1, j + 1] + A[i, j - 1]
`, "[N] -> { S0[i, j] -> [i, i + j] }", "", ""},
		// jacobi-1d: time and space, each statement skewed by two per step.
		{"jacobi-1d", `
def k(tsteps, n, A, B):
    for t in range(tsteps):
        for i in range(1, n - 1):
            B[i, 0] = 0.33333 * (A[i - 1, 0] + A[i, 0] + A[i + 1, 0])
        for i in range(1, n - 1):
            A[i, 0] = 0.33333 * (B[i - 1, 0] + B[i, 0] + B[i + 1, 0])
`, "[N, tsteps] -> { S0[t, i] -> [t, 2t + i]; S1[t, i] -> [t, 1 + 2t + i] }", "", "[N, tsteps] -> { S0[t, i] -> [o0, o1, t, 0, 2t + i, 0] : 0 <= t < tsteps and 0 < i <= -2 + N and 8o1 >= -7 + 2t + i and -t + 8o0 <= 8o1 <= 7 - t + 8o0 and 8o1 <= 2t + i; S1[t, i] -> [o0, o1, t, 1, 1 + 2t + i, 1] : 0 <= t < tsteps and 0 < i <= -2 + N and 8o1 >= -6 + 2t + i and -t + 8o0 <= 8o1 <= 7 - t + 8o0 and 8o1 <= 1 + 2t + i }"},
		// A band of two over a deeper nest (gramschmidt's) would run whole inner loops in each tile.
		{"band of two above an inner loop", `
def k(tsteps, n, A, B):
    for k in range(n):
        for j in range(k + 1, n):
            B[k, j] = 0.0
            for i in range(n):
                B[k, j] += A[i, k] * A[i, j]
            for i in range(n):
                A[i, j] = A[i, j] - A[i, k] * B[k, j]
`, "", "nest is deeper", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, why := wavefronts(t, c.src, seidel, rel)
			if c.band == "" {
				if len(ws) != 0 {
					t.Fatalf("got a wavefront with band %v", ws[0].Band)
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
			if w.Band != c.band {
				t.Errorf("band %s, want %s", w.Band, c.band)
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

// A nest whose band isl can make parallel at its outer dimension needs no wavefront, and one
// with no permutable band (floyd-warshall: the k-th row and column are read by every i, j) has
// none. Neither gets one, with why.
func TestWavefrontLeavesAlone(t *testing.T) {
	types := map[string]*typeinfer.Type{"A": mat("N", "N"), "x": vec("N"), "n": intT(), "tsteps": intT()}
	for _, c := range []struct{ src, why string }{{`
def k(tsteps, n, A, x):
    for i in range(1, n):
        for j in range(n):
            A[i, j] = A[i - 1, j] * 0.5
`, "parallel"}, {`
def k(tsteps, n, A, x):
    for k in range(n):
        for i in range(n):
            for j in range(n):
                A[i, j] = min(A[i, j], A[i, k] + A[k, j])
`, "no permutable band"}} {
		ws, why := wavefronts(t, c.src, types, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
		if len(ws) != 0 {
			t.Errorf("wavefront with band %v for\n%s", ws[0].Band, c.src)
		}
		if !strings.Contains(strings.Join(why, "; "), c.why) {
			t.Errorf("reasons %q, want one with %q", why, c.why)
		}
	}
}
