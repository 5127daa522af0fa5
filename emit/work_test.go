package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestTripsExpr: the statement instances a function runs, per statement the product of its
// loops' widest extents (a triangle counts as its box), as Python over the parameters.
func TestTripsExpr(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"rectangle", "for i in range(A.shape[0]):\n        for j in range(A.shape[1]):\n            A[i, j] = 0.0",
			"max(0, (A.shape[0])) * max(0, (A.shape[1]))"},
		{"triangle", "for i in range(A.shape[0]):\n        for j in range(i):\n            A[i, j] = 0.0",
			"max(0, (A.shape[0])) * max(0, (A.shape[0]) - 1)"},
		{"upper triangle", "for i in range(A.shape[0]):\n        for j in range(i + 1, A.shape[0]):\n            A[i, j] = 0.0",
			"max(0, (A.shape[0])) * max(0, (A.shape[0]) - 1)"},
		{"downward", "for i in range(A.shape[0] - 1, -1, -1):\n        for j in range(i, A.shape[1]):\n            A[i, j] = 1.0",
			"max(0, (A.shape[0])) * max(0, (A.shape[1]))"},
		{"constant loop and two statements", "for i in range(3):\n        for j in range(A.shape[1]):\n            A[i, j] = 0.0\n            A[i + 1, j] = 1.0",
			"3 * max(0, (A.shape[1]))"},
	}
	mat := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("M"))
	for _, c := range cases {
		src := "def k(A):\n    " + c.body + "\n"
		s, _, _ := firstSCoP(t, src, map[string]*typeinfer.Type{"A": mat})
		if got := tripsExpr([]*polyopt.SCoP{s}, map[string]bool{"A": true}); got != c.want {
			t.Errorf("%s: tripsExpr = %q, want %q", c.name, got, c.want)
		}
		if got := tripsExpr([]*polyopt.SCoP{s}, map[string]bool{"B": true}); got != "" {
			t.Errorf("%s: with A not a parameter, tripsExpr = %q, want \"\"", c.name, got)
		}
	}
}

// TestRegionsExpr: the parallel regions the inner-prange variant starts, per prange loop the
// product of the extents of the loops around it.
func TestRegionsExpr(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"top", "for i in range(A.shape[0]):\n        for j in range(A.shape[1]):\n            A[i, j] = 0.0", "1"},
		{"time loop", "for t in range(A.shape[1]):\n        for i in range(1, A.shape[0] - 1):\n            B[i] = A[i - 1, 0] + A[i + 1, 0]\n        for i in range(1, A.shape[0] - 1):\n            A[i, 0] = B[i]",
			"max(0, (A.shape[0])) + max(0, (A.shape[0]))"}, // A is N x N
		{"sweep", "for k in range(A.shape[0] - 1):\n        for i in range(k + 1, A.shape[0]):\n            A[i, k + 1] = A[i, k] * 0.5",
			"max(0, (A.shape[0]) - 1)"},
	}
	typ := map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"T": {Kind: typeinfer.Int},
	}
	for _, c := range cases {
		src := "def k(A, B, T):\n    " + c.body + "\n"
		s, f, def := analyzedSCoP(t, src, typ)
		nb, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{inner: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		params := map[string]bool{"A": true, "B": true, "T": true}
		if got := regionsExpr([]*polyopt.SCoP{s}, nb.pranged, params); got != c.want {
			t.Errorf("%s: regionsExpr = %q, want %q (prange loops: %d)\n%s", c.name, got, c.want, len(nb.pranged), nb.helper)
		}
		if got := regionsExpr([]*polyopt.SCoP{s}, nb.pranged, map[string]bool{"B": true}); got != "" && got != "1" {
			t.Errorf("%s: with A not a parameter, regionsExpr = %q, want \"\"", c.name, got)
		}
	}
}

// TestInstancesExpr: every statement counts, where tripsExpr counts a set of loops once.
func TestInstancesExpr(t *testing.T) {
	mat := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("M"))
	src := "def k(A):\n    for i in range(3):\n        for j in range(A.shape[1]):\n            A[i, j] = 0.0\n            A[i + 1, j] = 1.0\n"
	s, _, _ := firstSCoP(t, src, map[string]*typeinfer.Type{"A": mat})
	if got, want := instancesExpr([]*polyopt.SCoP{s}, map[string]bool{"A": true}), "2 * 3 * max(0, (A.shape[1]))"; got != want {
		t.Errorf("instancesExpr = %q, want %q", got, want)
	}
}

// TestNarrowTiledExpr: the tile grid of a band of two, the outer loop's extent against the
// first tile size and the widest inner loop's against the second, then the nest's own
// statement instances; "" where an extent is not readable at the call.
func TestNarrowTiledExpr(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"1-d stencil", "for t in range(T):\n        for i in range(1, A.shape[0] - 1):\n            B[i] = A[i - 1] + A[i + 1]\n        for i in range(1, A.shape[0] - 1):\n            A[i] = B[i]",
			"int(T) >= 32 * _rt.NUMBA_TILED_DEPTH and (A.shape[0]) - 2 >= 256 * _rt.NUMBA_TILED_BREADTH and 2 * max(0, int(T)) * max(0, (A.shape[0]) - 2) >= _rt.NUMBA_TILED_WORK"},
		{"triangular solve", "for i in range(A.shape[0]):\n        B[i] = A[i, 0]\n        for j in range(i):\n            B[i] -= A[i, j] * B[j]\n        B[i] = B[i] / A[i, i]",
			"(A.shape[0]) >= 32 * _rt.NUMBA_TILED_DEPTH and (A.shape[0]) - 1 >= 256 * _rt.NUMBA_TILED_BREADTH and 2 * max(0, (A.shape[0])) + max(0, (A.shape[0])) * max(0, (A.shape[0]) - 1) >= _rt.NUMBA_TILED_WORK"},
	}
	typ := map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"T": {Kind: typeinfer.Int},
	}
	typ1 := map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"T": {Kind: typeinfer.Int},
	}
	for i, c := range cases {
		types := typ
		if i == 0 {
			types = typ1
		}
		s, _, _ := firstSCoP(t, "def k(A, B, T):\n    "+c.body+"\n", types)
		ctx, err := isl.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		defer ctx.Free()
		a, err := polyopt.Analyze(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		waves, why := polyopt.Wavefronts(ctx, s, a, WavefrontTiles)
		if len(waves) != 1 || !waves[0].InnerTiled {
			t.Fatalf("%s: want one wavefront of a band of two, got %d (%v)", c.name, len(waves), why)
		}
		if got := narrowTiledExpr(s, waves[0], map[string]bool{"A": true, "B": true, "T": true}); got != c.want {
			t.Errorf("%s: narrowTiledExpr = %q, want %q", c.name, got, c.want)
		}
		if got := narrowTiledExpr(s, waves[0], map[string]bool{"A": true, "B": true}); got != "" && strings.Contains(c.want, "int(T)") {
			t.Errorf("%s: with T not a parameter, narrowTiledExpr = %q, want \"\"", c.name, got)
		}
	}
}
