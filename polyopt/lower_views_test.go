package polyopt

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

func intList() *typeinfer.Type {
	t := typeinfer.Simple(typeinfer.List)
	t.Elem = typeinfer.Simple(typeinfer.Int)
	return t
}

// TestLowerViewsAndGathers: a loop over a list of column indices, reading a view of each
// column, becomes a loop over a gathered copy with the view's uses reading the copy.
func TestLowerViewsAndGathers(t *testing.T) {
	params := map[string]*typeinfer.Type{
		"X":       typeinfer.Array("complex128", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"R":       typeinfer.Array("complex128", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		"cells":   intList(),
		"loading": typeinfer.Simple(typeinfer.Float),
	}
	got := lower(t, `
def k(X, R, cells, loading):
    for g in cells:
        x = X[:, g]
        R += np.outer(x, x.conj())
    R /= len(cells)
`, params)
	want := `
def k(X, R, cells, loading):
    _pp_g0 = np.take(X, cells, axis=1)
    for _pp_k1 in range(_pp_g0.shape[1]):
        pass
        for _pp_i2 in range(X.shape[0]):
            for _pp_i3 in range(X.shape[0]):
                R[_pp_i2, _pp_i3] += (_pp_g0[_pp_i2, _pp_k1] * np.conj(_pp_g0[_pp_i3, _pp_k1]))
    _pp_n4 = _pp_g0.shape[1]
    for _pp_i5 in range(X.shape[0]):
        for _pp_i6 in range(X.shape[0]):
            R[_pp_i5, _pp_i6] /= (_pp_n4)
`
	if got == nil || got.Text+"\n" != strings.TrimPrefix(want, "\n") {
		t.Errorf("lowered:\n%v\nwant:\n%s", got, want)
	}
}
