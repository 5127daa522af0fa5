package polyopt

import (
	"errors"
	"testing"
	"time"

	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestAnalyzeBounded is difffuzz's program p1259: isl's dataflow on this SCoP (disjunctive
// guards, stride-2 loops, every statement on one array) ran for hours. Analyze must give up
// within its operation bound and leave the context usable.
func TestAnalyzeBounded(t *testing.T) {
	fn := extract(t, `
def kernel(A, n, alpha, beta):
    for i in range(2, n - 3):
        A[i, i] = beta
        for j in range(3, n - 2):
            if not (j + 1 < 3) or (i - 1 >= n - 5 or j - 1 > j - 1):
                A[j, j + 1] += 2.0
                A[j, i] = max((0.5 * beta) * beta, np.sqrt(np.abs(beta - A[i, i + 2])))
            t0 = j
        for j in range(n - 3, 1, -2):
            if i - 1 <= n - 4 and i != 2:
                A[j, j + 1] = np.sqrt(np.abs(A[j - 1, i] + A[i, i + 1])) * beta
                A[j, n - 1 - i] = A[j, n - 1 - i] + (-1.5)
            if j + 1 != n - 4:
                A[j, n - 1 - j] += math.exp(-abs(0.5))
            else:
                A[2, j + 2] += A[j, j] + A[j, n - 1 - i]
            t1 = (-beta) + (alpha - A[n - 1 - j, i])
    s0 = 1.0
    for i in range(2, n - 3):
        A[i, i] = A[i, i - 2]
        A[i - 1, 0] -= min(i, np.sqrt(np.abs(A[i - 2, 2])))
        A[i, i + 2] += A[i - 2, n - 1 - i] * beta
    for i in range(n - 4, 1, -1):
        for j in range(i, n - 3):
            for k in range(2, n - 3):
                if i - 1 <= 5:
                    A[i, 0] += np.sqrt(np.abs(((-1.5) * 1.5) + min(i, j)))
                    A[k, k + 1] = min((A[j, j] - A[n - 1 - j, i]) + np.sqrt(np.abs(2.0)), np.sqrt(np.abs(A[n - 1 - j, k + 2])))
                if (k > i - 1 and i - 1 > 5 >= k - 1) or i >= 4:
                    A[k, k] -= ((2.0 + beta) + A[j + 2, j - 1]) * alpha
                if i == 3:
                    A[n - 1 - k, k] += np.sqrt(np.abs((A[i, i + 1] + 2.0) + (-1.5)))
                else:
                    t2 = min(-A[n - 1 - j, n - 1 - k], abs(1.0))
                A[k - 2, k] += abs(np.sqrt(np.abs(A[i + 2, i])) * 1.5)
            A[j, j] += A[j, j + 1]
        for j in range(3, n - 4):
            for k in range(2, n - 2):
                A[k, k] += A[i + 2, 0]
            if i - 1 != 4:
                A[0, j] = A[3, i] * 2.0
            else:
                A[n - 1 - i, n - 1 - i] -= A[j + 2, i]
            A[n - 1 - j, 0] += math.exp(-abs(1.0)) + ((2.0 + 0.125) * 0.5)
        for j in range(n - 3, 1, -2):
            for k in range(3, n - 2):
                if i - 1 != 4:
                    A[k, k] = A[n - 1 - i, i]
                    A[j, k] += max(max(math.exp(-abs(2.0)), np.sqrt(np.abs(A[i, j]))), A[i, i])
                if not (j == 5) and i + 1 == 2:
                    A[j - 1, i] += A[k - 2, k] + np.sqrt(np.abs(0.5 + A[k, i - 1]))
                    s0 += (A[i + 2, k] - A[0, i]) - k
                else:
                    A[k, 0] += min(k - A[k + 1, i], beta - A[j, k]) * math.exp(-abs(A[n - 1 - k, i - 2]))
                t3 = np.sqrt(np.abs(-1.5))
            A[i, j] = -1.5
        A[i, i] *= 1.0 + (0.01 * A[i + 1, n - 1 - i])
    A[1, 0] = s0
`, map[string]*typeinfer.Type{"A": mat("N", "N"), "n": intT(), "alpha": typeinfer.Simple(typeinfer.Float),
		"beta": typeinfer.Simple(typeinfer.Float)}, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if len(fn.SCoPs) != 1 {
		t.Fatalf("%d SCoPs, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	start := time.Now()
	_, err = Analyze(ctx, fn.SCoPs[0])
	var e *isl.Error
	if err != nil && !(errors.As(err, &e) && e.Code == isl.ErrQuota) {
		t.Fatalf("Analyze: %v, want success or a quota error", err)
	}
	t.Logf("Analyze: %v in %s", err, time.Since(start))
	// The bound is per call: a small SCoP analyzed next must succeed.
	small := extract(t, "def k(A, n):\n    for i in range(1, n):\n        A[i] = A[i - 1]\n",
		map[string]*typeinfer.Type{"A": vec("N"), "n": intT()}, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if _, err := Analyze(ctx, small.SCoPs[0]); err != nil {
		t.Fatalf("small SCoP after a bounded one: %v", err)
	}
}

// TestUpdateReadingItsArrayIsNoReduction is difffuzz's reproducers mismatch_p1155 and
// mismatch_p1283 (and program p1006): A[i] = A[i - 2] + A[i] looks like A[i] += A[i - 2], but
// the read of A[i - 2] sees the value written two iterations earlier; the loop is sequential.
func TestUpdateReadingItsArrayIsNoReduction(t *testing.T) {
	fn := extract(t, "def k(A, B, n):\n    for i in range(3, n - 2):\n        A[i] = A[i - 2] + A[i]\n        B[i] += B[i]\n",
		map[string]*typeinfer.Type{"A": vec("N"), "B": vec("N"), "n": intT()}, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if len(fn.SCoPs) != 1 {
		t.Fatalf("%d SCoPs, opaque %+v", len(fn.SCoPs), fn.Opaque)
	}
	s := fn.SCoPs[0]
	ctx, err := isl.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Free()
	if _, err := Analyze(ctx, s); err != nil {
		t.Fatal(err)
	}
	if l := s.Loops[0]; l.Parallel || l.Reduction {
		t.Errorf("loop i: parallel %v, reduction %v; want it to carry the flow dependence", l.Parallel, l.Reduction)
	}
	// Reading the very element it accumulates into, at one iteration (mismatch_p3189).
	fn = extract(t, "def k(A, n):\n    for j in range(2, n - 2):\n        A[2] = A[2] + A[j - 2]\n",
		map[string]*typeinfer.Type{"A": vec("N"), "n": intT()}, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if _, err := Analyze(ctx, fn.SCoPs[0]); err != nil {
		t.Fatal(err)
	}
	if l := fn.SCoPs[0].Loops[0]; l.Parallel || l.Reduction {
		t.Errorf("A[2] = A[2] + A[j - 2]: parallel %v, reduction %v; want a sequential loop", l.Parallel, l.Reduction)
	}
	// An update reading other rows than its loop writes is still a reduction (trmm).
	fn = extract(t, "def k(A, B, n):\n    for i in range(n):\n        for k in range(i + 1, n):\n            B[i] += A[k] * B[k]\n",
		map[string]*typeinfer.Type{"A": vec("N"), "B": vec("N"), "n": intT()}, typeinfer.Relation{Left: "n", Right: "A.shape[0]"})
	if _, err := Analyze(ctx, fn.SCoPs[0]); err != nil {
		t.Fatal(err)
	}
	if l := fn.SCoPs[0].Loops[1]; !l.Reduction {
		t.Errorf("loop k of B[i] += A[k] * B[k]: parallel %v, reduction %v; want a reduction", l.Parallel, l.Reduction)
	}
}
