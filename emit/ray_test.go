package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestRayRunsCallStatements: a loop that calls the module's pure functions becomes a Ray
// kernel that runs in the module's namespace (workers import the module), as written, without
// Numba or a CuPy form; a chunk ships the arrays passed whole and the rows it names, and a
// failed task reruns the loop here.
func TestRayRunsCallStatements(t *testing.T) {
	src := `def filt(spec, S, out, loading):
    for k in range(spec.shape[1]):
        X = snapshots(spec, k)
        s = S[k]
        for cut in range(spec.shape[2]):
            w = solve(X, s, cut, loading)
            out[k, cut] = abs(np.vdot(s, w)) ** 2

def snapshots(spec, k):
    return spec[:, k, :].copy()

def solve(X, s, cut, loading):
    R = np.outer(X[:, cut], X[:, cut].conj())
    for i in range(R.shape[0]):
        R[i, i] += loading
    return np.linalg.solve(R, s)
`
	params := map[string]*typeinfer.Type{
		"spec":    typeinfer.Array("complex128", typeinfer.SymDim("C"), typeinfer.SymDim("D"), typeinfer.SymDim("G")),
		"S":       typeinfer.Array("complex128", typeinfer.SymDim("D"), typeinfer.SymDim("C")),
		"out":     typeinfer.Array("float64", typeinfer.SymDim("D"), typeinfer.SymDim("G")),
		"loading": typeinfer.Simple(typeinfer.Float),
	}
	s, f, def := firstSCoP(t, src, params)
	if !s.HasCalls() {
		t.Fatal("no call statements")
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := polyopt.Analyze(ctx, s); err != nil {
		t.Fatal(err)
	}
	d, err := rayRegion(s, 0, f, def, map[string]string{"np": "numpy"})
	if err != nil {
		t.Fatal(err)
	}
	defs := strings.Join(d.defs, "\n")
	for _, want := range []string{
		`jit=False, module=__name__, pure=("snapshots", "solve",))`,
		`def _filt__ray0_0(_lo, _hi, S, loading, out, spec):`,
		`X = snapshots(spec, k)`,
		`(0, spec.shape[0] - 1 + 1)`,                        // spec passed whole
		`0: ((_mn_k, _mx_k + 1), (0, S.shape[1] - 1 + 1),)`, // the rows S[k] of the chunk
	} {
		if !strings.Contains(defs, want) {
			t.Errorf("kernel lacks %q:\n%s", want, defs)
		}
	}
	if strings.Contains(defs, "_gpu") || strings.Contains(defs, "cupy") {
		t.Errorf("a CuPy form of a loop that calls Python functions:\n%s", defs)
	}
	if call := strings.Join(d.call, "\n"); !strings.Contains(call, "except (_rt.RayUnsuitable, _rt.RayTaskFailed):") {
		t.Errorf("a failed task does not rerun the loop here:\n%s", call)
	}
}

// TestRayRegionsEdgeCases: a 0-d array argument has the empty box (not "(,)", which does not
// parse), and a loop that uses a name the kernel takes for itself gets no Ray variant.
func TestRayRegionsEdgeCases(t *testing.T) {
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	params := map[string]*typeinfer.Type{
		"A": typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("M")),
		"s": typeinfer.Array("float64"), "out": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"_lo": typeinfer.Simple(typeinfer.Float),
	}
	for _, tc := range []struct{ body, want string }{
		{"out[i] = total(A[i]) * s", "2: ()}"},
		{"out[i] = total(A[i]) + _lo", "a name the Ray kernel gives its own variables"},
		// A method call only: no pure function to check (difffuzz p78288, "pure=(,)").
		{"out[i] = A[i, 0].conjugate()", "module=__name__, pure=())"},
	} {
		src := "def k(A, s, out, _lo):\n    for i in range(A.shape[0]):\n        " + tc.body + "\n"
		if strings.Contains(tc.body, "total(") {
			src += "\ndef total(r):\n    return r.sum()\n"
		}
		s, f, def := firstSCoP(t, src, params)
		if _, err := polyopt.Analyze(ctx, s); err != nil {
			t.Fatal(err)
		}
		d, err := rayRegion(s, 0, f, def, map[string]string{"np": "numpy"})
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = strings.Join(d.defs, "\n")
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.body, tc.want, got)
		}
	}
}
