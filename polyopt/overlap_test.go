package polyopt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

func overlaps(t *testing.T, src string, params map[string]*typeinfer.Type) ([]*Overlap, []string) {
	t.Helper()
	fn := extract(t, src, params)
	if len(fn.SCoPs) != 1 {
		t.Fatalf("scops %d, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := Analyze(ctx, fn.SCoPs[0]); err != nil {
		t.Fatal(err)
	}
	return Overlaps(fn.SCoPs[0])
}

func TestOverlaps(t *testing.T) {
	params := map[string]*typeinfer.Type{"A": vec("N"), "B": vec("N"), "C": vec("N"), "D": vec("M"),
		"G": mat("N", "N"), "H": mat("N", "N"), "tsteps": intT(), "k": intT()}
	cases := []struct {
		name, src string
		want      string // Windowed, Before and After, or part of the reason none is found
	}{
		{"jacobi-1d", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.33333 * (B[i - 1] + B[i] + B[i + 1])
`, "[A B] [1 1] [1 1] rank 1"},
		// C is read by row and never written; D not by row.
		{"lopsided", `
def k(tsteps, A, B, C, D):
    for t in range(tsteps):
        for i in range(2, A.shape[0] - 1):
            B[i] = C[i] * A[i - 2] + D[0] * A[i + 1]
        for i in range(1, A.shape[0] - 3):
            A[i] = B[i + 3] - B[i - 1]
`, "[A B C] [2 1] [1 3] rank 1"},
		// The condition's statement reads a row before i, the other does not: the sweep's
		// start is proven one row in only for the second (Every).
		{"conditional read", `
def f(tsteps, A, B, k):
    for t in range(tsteps):
        for i in range(k, A.shape[0] - 1):
            if k >= 1:
                B[i] = A[i - 1] + A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1])
`, "[A B] [1 1] [1 1] rank 1 every [-1 1]"},
		{"jacobi-2d", `
def k(tsteps, G, H):
    for t in range(tsteps):
        for i in range(1, G.shape[0] - 1):
            for j in range(1, G.shape[1] - 1):
                H[i, j] = 0.2 * (G[i, j] + G[i, j - 1] + G[i, j + 1] + G[i + 1, j] + G[i - 1, j])
        for i in range(1, G.shape[0] - 1):
            for j in range(1, G.shape[1] - 1):
                G[i, j] = 0.2 * (H[i, j] + H[i, j - 1] + H[i, j + 1] + H[i + 1, j] + H[i - 1, j])
`, "G is used other than subscripted"}, // the copy's G.shape[1] is G's, but G.shape[0] would not be
		// An inner bound or a condition reading a windowed array's extent would read the
		// band copy's (found by review).
		{"extent in a condition", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            if A.shape[0] > 30:
                B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for i in range(1, A.shape[0] - 1):
            A[i] = 0.5 * (B[i - 1] + B[i + 1])
`, "A is used other than subscripted"},
		// The bands run each sweep in a function of its own (found by review).
		{"another sweep's index", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i] = 0.5 * (A[i - 1] + A[i + 1])
        for j in range(1, A.shape[0] - 1):
            A[j] = B[j - 1] + i
`, "the loop variable i is read outside its loop"},
		{"seidel", `
def k(tsteps, A):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            A[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0
`, "sweep i carries a dependence"},
		{"index as a value", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i] = A[i - 1] * i
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]
`, "i is used outside the first subscript"},
		{"index in another subscript", `
def k(tsteps, G, H):
    for t in range(tsteps):
        for i in range(1, G.shape[0] - 1):
            H[i, 0] = G[i - 1, 0] + G[0, i]
        for i in range(1, G.shape[0] - 1):
            G[i, 0] = H[i, 0]
`, "in another subscript of G"},
		{"a fixed row written", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i] = A[i - 1] + A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[0] = B[i]
`, "carries a dependence"},
		{"a shifted write", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i - 1] = A[i - 1] + A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]
`, "writes B at another row than i"},
		{"a scalar carried", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            s = A[i - 1] + A[i + 1]
            B[i] = s
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]
`, "writes the scalar s"},
		{"bounds in time", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1 - t):
            B[i] = A[i - 1] + A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]
`, "bounds change with t"},
		{"a statement between sweeps", `
def k(tsteps, A, B):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            B[i] = A[i - 1] + A[i + 1]
        A[0] = B[1]
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]
`, "outside a loop"},
		{"extents differ", `
def k(tsteps, A, D):
    for t in range(tsteps):
        for i in range(1, A.shape[0] - 1):
            D[i] = A[i - 1] + A[i + 1]
        for i in range(1, A.shape[0] - 1):
            A[i] = D[i]
`, "different first extents"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := overlaps(t, c.src, params)
			if len(got) == 0 {
				if !strings.Contains(strings.Join(why, "; "), c.want) {
					t.Errorf("no overlap, why %q; want %q", why, c.want)
				}
				return
			}
			o := got[0]
			desc := fmt.Sprintf("%v %v %v rank %d", o.Windowed, o.Before, o.After, o.Rank)
			if strings.Contains(c.want, "every") {
				desc += fmt.Sprintf(" every %v", o.Every)
			}
			if desc != c.want {
				t.Errorf("overlap %s, want %q", desc, c.want)
			}
		})
	}
}
