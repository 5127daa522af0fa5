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
def k(X, cells, loading):
    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)
    for g in cells:
        x = X[:, g]
        R += np.outer(x, x.conj())
    R /= len(cells)
    return R
`, params)
	want := `
def k(X, cells, loading):
    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)
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
    return R
`
	if got == nil || got.Text+"\n" != strings.TrimPrefix(want, "\n") {
		t.Errorf("lowered:\n%v\nwant:\n%s", got, want)
	}

	// Not gathered (the loop keeps iterating the list): the body updates an argument in
	// place or raises (the gather would fail first on a bad index), the target is read after
	// the loop or in an f-string; len(cells) before the loop reads the list.
	for _, src := range []string{
		"def k(X, R, cells, loading):\n    for g in cells:\n        R += np.outer(X[:, g], X[:, g])\n",
		"def k(X, cells, loading):\n    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)\n    for g in cells:\n        if loading > 1.0:\n            raise ValueError('x')\n        R += np.outer(X[:, g], X[:, g])\n    return R\n",
		"def k(X, cells, loading):\n    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)\n    for g in cells:\n        R += np.outer(X[:, g], X[:, g])\n    return R, g\n",
		"def k(X, cells, loading):\n    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)\n    for g in cells:\n        R += np.outer(X[:, g], X[:, g])\n        print(f'{g}')\n    return R\n",
	} {
		got := lower(t, src, params)
		if got != nil && strings.Contains(got.Text, "np.take") {
			t.Errorf("%q was gathered:\n%s", src, got.Text)
		}
	}
	got = lower(t, "def k(X, cells, loading):\n    R = np.zeros((X.shape[0], X.shape[0]), dtype=np.complex128)\n    R[:, :] = R / len(cells)\n    for g in cells:\n        R += np.outer(X[:, g], X[:, g])\n    return R\n", params)
	if got == nil || !strings.Contains(got.Text, "/ (len(cells))") || strings.Index(got.Text, "np.take") < strings.Index(got.Text, "len(cells)") {
		t.Errorf("len(cells) before the gather must read the list:\n%+v", got)
	}
}
