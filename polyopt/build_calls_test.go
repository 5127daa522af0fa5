package polyopt

import (
	"sort"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

func TestPureFunctions(t *testing.T) {
	src := `
import numpy as np
import helpers
from helpers import mystery

LIMIT = 3
CUTOFF = 2

def fresh_writes(X, k):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        out[i] = X[i, k] * 2.0
    out += 1.0
    return out

def list_building(n):
    found = []
    for g in range(n):
        found.append(g)
    found.sort()
    return [g for g in found if g != CUTOFF]

def calls_pure(X, k):
    return np.vdot(fresh_writes(X, k), X[:, k]).real

def recursive_pure(n):
    if n <= 1:
        return 1
    return n * recursive_pure(n - 1)

def scalars(cut, n):
    lo = cut - 2
    hi = cut + 2
    if lo < 0:
        hi -= lo
    lo = max(lo, 0)
    lo += 1
    return lo, hi

def raises(R):
    if R[0, 0] <= 0.0:
        raise np.linalg.LinAlgError("not positive definite")
    return np.linalg.cholesky(R)

def writes_argument(X):
    X[0] = 1.0
    return X

def writes_view(X):
    row = X[0]
    row[1] = 2.0
    return row

def augments_argument(X):
    X += 1.0

def augments_view(X):
    v = X[0]
    v += 1.0
    return v

def mutates_argument(lst):
    lst.append(1)

def fills_argument(A):
    A.fill(0.0)

def uses_out(A, B):
    np.add(A, B, out=A)

def calls_impure(X):
    return writes_argument(X)

def calls_unknown(X):
    return mystery(X)

def prints(x):
    print(x)

def random_numbers(n):
    return np.random.rand(n)

def global_state(x):
    global LIMIT
    LIMIT = x

def closure(x):
    def inner():
        return x
    return inner()

def copies_into(A, B):
    np.copyto(A, B)

def max_alias(A, B):
    m = max(A, B)
    m += 1
    return m

@decorated
def decorated_one(x):
    return x

def out_by_position(r):
    np.add(r, 1.0, r)
    return r.sum()

def method_out_by_position(r, lo, hi):
    return r.clip(lo, hi, r)

def astype_view(r):
    b = r.astype(np.float64, copy=False)
    b[0] = 0.0
    return b

def writes_through_list(M):
    rows = list(M)
    rows[0][0] = 0.0
    return rows

def passes_impure(r):
    return max(r, key=noisy)

def noisy(x):
    print(x)
    return x

def other_module(r):
    return helpers.count(r)

def global_method(r):
    return CACHE.get(r)

def mutable_default(r, seen=[]):
    return len(seen)

def rebound_later(r):
    return r.sum()

def rebinder():
    global rebound_later
    rebound_later = noisy

def abs(x):
    print(x)
    return x

def calls_own_abs(x):
    return abs(x)

def unknown_numpy(r):
    return np.nan_to_num(r, False)

def conj_is_itself(r):
    c = r.conj()
    c[0] = 0.0
    return c

def einsum_view(M):
    d = np.einsum("ii->i", M)
    d[0] = 0.0
    return d

def writes_a_file(r):
    b = r.copy()
    b.tofile("x.bin")
    return b

def reads_other_module(r):
    return r * helpers.SCALE

def rebinds_parameter(x):
    x = x + 1
    return x
`
	f, err := pyast.ParseFile("m.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pure := PureFunctions(f, map[string]string{"np": "numpy", "helpers": "helpers"})
	var got []string
	for name := range pure {
		got = append(got, name)
	}
	sort.Strings(got)
	want := []string{"calls_pure", "fresh_writes", "list_building", "raises", "recursive_pure", "scalars"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pure functions:\n got %v\nwant %v", got, want)
	}
	// A star import may rebind any name after its def, and code run at import would run
	// again in every worker: nothing is pure then.
	for _, src := range []string{
		"def f(x):\n    return x + 1\n\nfrom helpers import *\n",
		"def f(x):\n    return x + 1\n\nwith open('log') as fh:\n    fh.write('loaded')\n",
		"def f(x):\n    return x + 1\n\nprint('loaded')\n",
	} {
		f, err = pyast.ParseFile("m.py", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if pure := PureFunctions(f, map[string]string{"np": "numpy"}); len(pure) != 0 {
			t.Errorf("%q: %v pure", src, pure)
		}
	}
}

// stapLike is a loop that calls pure functions of its module once per (k, cut), as STAP's
// adaptive filter does.
const stapLike = `
def filt(spec, S, out, n_train, loading):
    n_dop = spec.shape[1]
    n_range = spec.shape[2]
    for k in range(n_dop):
        X = snapshots(spec, k)
        s = S[k]
        for cut in range(n_range):
            cells = training(cut, n_range, n_train)
            R = covariance(X, cells, loading)
            w = np.linalg.solve(R, s)
            y = np.vdot(w, X[:, cut]) / np.vdot(s, w).real
            out[k, cut] = abs(y) ** 2

def snapshots(spec, k):
    return spec[:, k, :].copy()

def training(cut, n, n_train):
    return [g for g in range(max(cut - n_train, 0), min(cut + n_train, n)) if g != cut]

def covariance(X, cells, loading):
    G = X[:, cells]
    R = G @ G.conj().T / len(cells)
    for i in range(R.shape[0]):
        R[i, i] += loading
    return R
`

func stapParams() map[string]*typeinfer.Type {
	c3 := typeinfer.Array("complex128", typeinfer.SymDim("C"), typeinfer.SymDim("D"), typeinfer.SymDim("G"))
	return map[string]*typeinfer.Type{
		"spec": c3, "S": typeinfer.Array("complex128", typeinfer.SymDim("D"), typeinfer.SymDim("F")),
		"out": mat("D", "G"), "n_train": intT(), "loading": typeinfer.Simple(typeinfer.Float),
	}
}

// TestCallStatements: the calls are statements that read their arguments whole (or by rows)
// and write a local; both loops are parallel, the locals private to each iteration.
func TestCallStatements(t *testing.T) {
	fn := extract(t, stapLike, stapParams())
	if len(fn.SCoPs) != 1 {
		t.Fatalf("%d SCoPs, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	s := fn.SCoPs[0]
	if !s.HasCalls() {
		t.Fatal("no call statement")
	}
	rel := map[string]string{}
	calls := 0
	for _, st := range s.Stmts {
		if st.Call {
			calls++
		}
		for _, r := range st.Reads {
			rel[r.Array] = r.Relation
		}
	}
	if calls != 6 {
		t.Errorf("%d call statements, want 6 (X, s, cells, R, w, y)", calls)
	}
	for arr, want := range map[string]string{
		"spec": "S0[k] -> spec[w0, w1, w2] : 0 <= w0 < C and 0 <= w1 < D and 0 <= w2 < G",
		"S":    "S1[k] -> S[k, w1] : 0 <= w1 < F",
	} {
		if !strings.Contains(rel[arr], want) {
			t.Errorf("read of %s: %s, want %s", arr, rel[arr], want)
		}
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	a, err := Analyze(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.OutOfBounds) > 0 {
		t.Errorf("out of bounds: %v", a.OutOfBounds)
	}
	for _, l := range s.Loops {
		if !l.Parallel {
			t.Errorf("loop %s not parallel: %v", l.Iter, l.CarriedBy)
		}
	}
}

// TestCallStatementsRefused: what a call statement may not do leaves the nest alone, with
// the reason the statement had before.
func TestCallStatementsRefused(t *testing.T) {
	helpers := `
def pure_row(A, i):
    return A[i] * 2.0

def impure(A, i):
    A[i] = 0.0
    return A

def pure_first(X, i):
    return X[i][0]
`
	for _, tc := range []struct{ name, body, reason string }{
		{"impure callee", "        v = impure(A, i)\n        u[i] = v[0]", "call impure may have side effects"},
		{"written through", "        v = pure_row(A, i)\n        v[0] = 1.0\n        u[i] = v[1]", "v is not an array parameter"},
		{"updated in place", "        v = A[i]\n        v += 1.0\n        u[i] = v[0]", "1 subscripts"},
		{"printed", "        v = pure_row(A, i)\n        print(v)", "call print may have side effects"},
		{"mutating method", "        v = pure_row(A, i)\n        v.sort()\n        u[i] = v[0]", "call v.sort may have side effects"},
		{"local of unknown kind", "        u[i] = pure_first(T, i)", "a call reads T, which is neither an array nor a number"},
		{"argument of unknown kind", "        u[i] = pure_first(rows, i)", "a call reads rows, which is neither an array nor a number"},
		{"global target", "        G = pure_first(A, i)\n        u[i] = G", "G is declared global"},
		{"out by position", "        u[i] = np.sum(np.add(A[i], 1.0, A[i]))", "one may be out="},
		{"local import shadows", "        u[i] = pure_first(A, i)\n    from helpers import pure_first", "call pure_first may have side effects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "\ndef k(A, u, rows):\n    global G\n    T = pure_row(A, 0)\n    for i in range(A.shape[0]):\n" + tc.body + "\n" + helpers
			fn := extract(t, src, map[string]*typeinfer.Type{"A": mat("N", "M"), "u": vec("N")})
			if len(fn.SCoPs) != 0 {
				t.Fatalf("a SCoP was built: %+v", fn.SCoPs[0].Stmts)
			}
			var reasons []string
			for _, o := range fn.Opaque {
				reasons = append(reasons, o.Reason)
			}
			if !strings.Contains(strings.Join(reasons, "; "), tc.reason) {
				t.Errorf("reasons %q, want one containing %q", reasons, tc.reason)
			}
		})
	}
}

// TestCallNestsApart: a nest with call statements is a SCoP of its own, so the nests beside
// it keep every variant.
func TestCallNestsApart(t *testing.T) {
	src := `
def k(A, u, v):
    for i in range(A.shape[0]):
        u[i] = A[i, 0] * 2.0
    for i in range(A.shape[0]):
        r = row_sum(A, i)
        v[i] = r
    for i in range(A.shape[0]):
        u[i] = u[i] + v[i]

def row_sum(A, i):
    return A[i].sum()
`
	fn := extract(t, src, map[string]*typeinfer.Type{"A": mat("N", "M"), "u": vec("N"), "v": vec("N")})
	var kinds []bool
	for _, s := range fn.SCoPs {
		kinds = append(kinds, s.HasCalls())
	}
	if len(kinds) != 3 || kinds[0] || !kinds[1] || kinds[2] {
		t.Errorf("SCoPs with calls: %v, want [false true false]", kinds)
	}
}

// TestCallsKeepInnerNests: a sequential loop that calls a helper around a nest the model
// covers on its own stays as it was: the nest is a SCoP (every variant), the loop is not.
func TestCallsKeepInnerNests(t *testing.T) {
	src := `
def k(A, B, steps):
    for t in range(steps):
        scale = norm(A)
        for i in range(1, A.shape[0] - 1):
            B[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0
        for i in range(1, A.shape[0] - 1):
            A[i] = B[i]

def norm(A):
    return np.sqrt(np.sum(A * A))
`
	fn := extract(t, src, map[string]*typeinfer.Type{"A": vec("N"), "B": vec("N"), "steps": intT()})
	if len(fn.SCoPs) != 1 || fn.SCoPs[0].HasCalls() || len(fn.SCoPs[0].Loops) != 2 {
		t.Fatalf("want the two inner loops as one SCoP without calls, got %d SCoPs", len(fn.SCoPs))
	}
}
