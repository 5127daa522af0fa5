package emit

import (
	"sort"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestLiveAfter states, for the loop marked "# this" in each function, which names it
// binds are read after it.
func TestLiveAfter(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"read after", `
def k(A, B, C):
    for i in range(A.shape[0]):  # this
        s = A[i] * 2.0
        B[i] = s
    C[0] = s
`, "s"},
		{"rebound first", `
def k(A, B, C):
    for i in range(A.shape[0]):  # this
        s = A[i] * 2.0
        B[i] = s
    s = 1.0
    C[0] = s
`, ""},
		{"next nest rebinds", `
def k(A, B):
    for i in range(A.shape[0]):  # this
        for j in range(A.shape[1]):
            s = A[i, j]
            B[i, j] = s
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            s = B[i, j] * 2.0
            A[i, j] = s
`, ""},
		{"zero-trip loop lets the old value through", `
def k(A, B, n):
    for i in range(A.shape[0]):  # this
        s = A[i]
    for i in range(n):
        s = B[i]
    B[0] = s
`, "s"},
		{"loop variable read after", `
def k(A, B):
    for i in range(A.shape[0]):  # this
        A[i] = 0.0
    B[0] = i
`, "i"},
		{"next time step reads it first", `
def k(A, B, T):
    for t in range(T):
        B[0] = B[0] + s
        for i in range(A.shape[0]):  # this
            s = A[i]
            A[i] = s * 0.5
`, "s"},
		{"next time step binds it first", `
def k(A, B, T):
    for t in range(T):
        s = 0.0
        B[0] = B[0] + s
        for i in range(A.shape[0]):  # this
            s = A[i]
            A[i] = s * 0.5
`, ""},
		{"return", `
def k(A):
    for i in range(A.shape[0]):  # this
        s = A[i]
        A[i] = s
    return s
`, "s"},
		{"conditional rebinding", `
def k(A, B, c):
    for i in range(A.shape[0]):  # this
        s = A[i]
    if c:
        s = 0.0
    B[0] = s
`, "s"},
		{"opaque statement", `
def k(A, B):
    for i in range(A.shape[0]):  # this
        s = A[i]
    with open("x") as f:
        f.write(str(s))
`, "s"},
		{"augmented assignment reads", `
def k(A, B):
    for i in range(A.shape[0]):  # this
        s = A[i]
    s += 1.0
`, "s"},
		{"f-string", `
def k(A):
    for i in range(A.shape[0]):  # this
        s = A[i]
        A[i] = s * 2.0
    return f"{s:.6f}"
`, "s"},
		{"plain string", `
def k(A):
    for i in range(A.shape[0]):  # this
        s = A[i]
        A[i] = s * 2.0
    return "{s}"
`, ""},
		{"global", `
def k(A):
    global s
    for i in range(A.shape[0]):  # this
        s = A[i]
`, "s"},
		{"break in a later loop", `
def k(A, B):
    for i in range(A.shape[0]):  # this
        s = A[i]
    while True:
        if B[0] > 0:
            break
        s = 1.0
    B[1] = s
`, "s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.TrimLeft(tt.src, "\n")
			f, err := pyast.ParseFile("k.py", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			def := f.Module.Body[0].(*pyast.FunctionDef)
			mark := pyast.Pos(strings.Index(src, "# this"))
			var loop *pyast.For
			pyast.Inspect(def, func(n pyast.Node) bool {
				if l, ok := n.(*pyast.For); ok && l.Pos() < mark && mark < l.End() {
					loop = l // the innermost loop holding the marker's line wins
				}
				return true
			})
			bound := map[string]int{}
			polyopt.BindNames(loop.Target, bound)
			polyopt.CountBindings(loop.Body, bound)
			live := liveAfter(def, loop)
			var got []string
			for v := range bound {
				if live[v] {
					got = append(got, v)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != tt.want {
				t.Errorf("live after the loop, of what it binds: %v, want %q", got, tt.want)
			}
		})
	}
}

// TestPrangeKeepsNoLastValue: a loop whose body binds a scalar read after it, in the same
// SCoP, stays a range loop (prange left s at some iteration's value, not the last's), and a
// loop whose scalar is bound again first still runs in parallel. A loop variable read after
// its loop gets no Numba variant (unbound where the loop runs no iteration), and so does a
// scalar bound nowhere else.
func TestPrangeKeepsNoLastValue(t *testing.T) {
	params := map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"B": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"C": typeinfer.Array("float64", typeinfer.SymDim("M")),
	}
	for _, tc := range []struct {
		before, after string
		prange        int
	}{
		{"    s = 0.0\n", "    C[0] = s\n", 0},
		{"", "    C[0] = s\n", -1}, // no Numba variant: s is unbound where A is empty
		{"", "    C[0] = i\n", -1}, // and so is i
		{"", "    s = 1.0\n    C[0] = s\n", 1},
		{"", "", 1},
	} {
		src := "def k(A, B, C):\n" + tc.before + "    for i in range(A.shape[0]):\n        s = A[i] * 2.0\n        B[i] = s + 1.0\n" + tc.after
		s, f, def := analyzedSCoP(t, src, params)
		c, err := numbaRegion(s, 0, f, def, map[string]string{"np": "numpy"}, numbaOptions{})
		if tc.prange < 0 {
			if err == nil {
				t.Errorf("after the loop %q: a Numba variant", tc.after)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.after, err)
		}
		if c.prange != tc.prange {
			t.Errorf("after the loop %q: %d prange loops, want %d:\n%s", tc.after, c.prange, tc.prange, c.helper)
		}
	}
}
