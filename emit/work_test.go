package emit

import (
	"testing"

	"github.com/pyparc/pyparc/polyopt"
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
