package isl

import "testing"

// flowCase is a small program given by its accesses and original
// schedule, with the dependences derived by hand from the loop nest.
type flowCase struct {
	name     string
	schedule string // original execution order, as a schedule relation
	reads    string
	writes   string

	raw      string // flow dependences: last write -> read of the same element
	noSource string // reads that see values from before the program
}

// The gemm-like kernel:
//
//	for i in range(N):
//	    for j in range(M):
//	        C[i, j] *= beta                        # S0
//	        for k in range(K):
//	            C[i, j] += A[i, k] * B[k, j]       # S1
//
// S1[i, j, k] reads C[i, j], last written by S0[i, j] when k = 0 and by
// S1[i, j, k-1] otherwise. S0 reads C[i, j] before any write; A and B are
// never written.
var gemm = flowCase{
	name: "gemm",
	schedule: "[N, M, K] -> { S0[i, j] -> [i, j, 0, 0] : 0 <= i < N and 0 <= j < M; " +
		"S1[i, j, k] -> [i, j, 1, k] : 0 <= i < N and 0 <= j < M and 0 <= k < K }",
	reads: "[N, M, K] -> { S0[i, j] -> C[i, j] : 0 <= i < N and 0 <= j < M; " +
		"S1[i, j, k] -> C[i, j] : 0 <= i < N and 0 <= j < M and 0 <= k < K; " +
		"S1[i, j, k] -> A[i, k] : 0 <= i < N and 0 <= j < M and 0 <= k < K; " +
		"S1[i, j, k] -> B[k, j] : 0 <= i < N and 0 <= j < M and 0 <= k < K }",
	writes: "[N, M, K] -> { S0[i, j] -> C[i, j] : 0 <= i < N and 0 <= j < M; " +
		"S1[i, j, k] -> C[i, j] : 0 <= i < N and 0 <= j < M and 0 <= k < K }",
	raw: "[N, M, K] -> { S0[i, j] -> S1[i, j, 0] : 0 <= i < N and 0 <= j < M and K >= 1; " +
		"S1[i, j, k] -> S1[i, j, k + 1] : 0 <= i < N and 0 <= j < M and 0 <= k < K - 1 }",
	noSource: "[N, M, K] -> { S0[i, j] -> C[i, j] : 0 <= i < N and 0 <= j < M; " +
		"S1[i, j, k] -> A[i, k] : 0 <= i < N and 0 <= j < M and 0 <= k < K; " +
		"S1[i, j, k] -> B[k, j] : 0 <= i < N and 0 <= j < M and 0 <= k < K }",
}

// The jacobi-1d-like kernel:
//
//	for t in range(T):
//	    for i in range(1, N - 1):
//	        B[i] = (A[i - 1] + A[i] + A[i + 1]) / 3     # S
//	    for i in range(1, N - 1):
//	        A[i] = B[i]                                 # U
//
// U[t, i] reads B[i], written just before by S[t, i]. S[t, i] reads
// A[j] for j in i-1..i+1, last written by U[t-1, j] if t >= 1 and j is an
// inner point 1..N-2; at t = 0, and for the boundary elements A[0] and
// A[N-1] which are never written, the read has no source.
var jacobi = flowCase{
	name: "jacobi-1d",
	schedule: "[T, N] -> { S[t, i] -> [t, 0, i] : 0 <= t < T and 1 <= i <= N - 2; " +
		"U[t, i] -> [t, 1, i] : 0 <= t < T and 1 <= i <= N - 2 }",
	reads: "[T, N] -> { S[t, i] -> A[j] : 0 <= t < T and 1 <= i <= N - 2 and i - 1 <= j <= i + 1; " +
		"U[t, i] -> B[i] : 0 <= t < T and 1 <= i <= N - 2 }",
	writes: "[T, N] -> { S[t, i] -> B[i] : 0 <= t < T and 1 <= i <= N - 2; " +
		"U[t, i] -> A[i] : 0 <= t < T and 1 <= i <= N - 2 }",
	raw: "[T, N] -> { S[t, i] -> U[t, i] : 0 <= t < T and 1 <= i <= N - 2; " +
		"U[t, j] -> S[t + 1, i] : 0 <= t < T - 1 and 1 <= i <= N - 2 and 1 <= j <= N - 2 and i - 1 <= j <= i + 1 }",
	noSource: "[T, N] -> { S[t, i] -> A[j] : 0 <= t < T and 1 <= i <= N - 2 and i - 1 <= j <= i + 1 " +
		"and (t = 0 or j = 0 or j = N - 1) }",
}

func TestFlowDependences(t *testing.T) {
	for _, tt := range []flowCase{gemm, jacobi} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCtx(t)
			ai, err := c.NewAccessInfo(umap(t, c, tt.reads))
			keep(t, ai, err)
			if err := ai.SetMustSource(umap(t, c, tt.writes)); err != nil {
				t.Fatal(err)
			}
			if err := ai.SetScheduleMap(umap(t, c, tt.schedule)); err != nil {
				t.Fatal(err)
			}
			flow, err := ai.ComputeFlow()
			keep(t, flow, err)

			must, err := flow.MustDependence()
			keep(t, must, err)
			sameUnionMap(t, c, "must dependence", must, tt.raw)

			// Every source is a must source, so nothing is only possible.
			may, err := flow.MayDependence()
			keep(t, may, err)
			sameUnionMap(t, c, "may dependence", may, tt.raw)

			none, err := flow.MustNoSource()
			keep(t, none, err)
			sameUnionMap(t, c, "must no source", none, tt.noSource)
		})
	}
}

// TestFlowWithScheduleTree computes the same jacobi dependences with the
// order given as a schedule tree instead of a relation.
func TestFlowWithScheduleTree(t *testing.T) {
	c := newCtx(t)
	sched, err := c.ParseSchedule(`{ domain: "[T, N] -> { S[t, i] : 0 <= t < T and 1 <= i <= N - 2; ` +
		`U[t, i] : 0 <= t < T and 1 <= i <= N - 2 }", ` +
		`child: { schedule: "[T, N] -> [{ S[t, i] -> [(t)]; U[t, i] -> [(t)] }]", ` +
		`child: { sequence: [ { filter: "{ S[t, i] }", child: { schedule: "[T, N] -> [{ S[t, i] -> [(i)] }]" } }, ` +
		`{ filter: "{ U[t, i] }", child: { schedule: "[T, N] -> [{ U[t, i] -> [(i)] }]" } } ] } } }`)
	keep(t, sched, err)
	ai, err := c.NewAccessInfo(umap(t, c, jacobi.reads))
	keep(t, ai, err)
	if err := ai.SetMustSource(umap(t, c, jacobi.writes)); err != nil {
		t.Fatal(err)
	}
	if err := ai.SetSchedule(sched); err != nil {
		t.Fatal(err)
	}
	flow, err := ai.ComputeFlow()
	keep(t, flow, err)
	must, err := flow.MustDependence()
	keep(t, must, err)
	sameUnionMap(t, c, "must dependence", must, jacobi.raw)
}

// TestFlowAnti computes jacobi's anti dependences: reads as may sources,
// writes as sinks, writes also as must sources so that a write hides the
// reads before it. U[t, j] overwrites A[j]; the reads of A[j] since the
// previous write U[t-1, j] are those of S[t, i] with |i - j| <= 1.
func TestFlowAnti(t *testing.T) {
	c := newCtx(t)
	writeA := "[T, N] -> { U[t, i] -> A[i] : 0 <= t < T and 1 <= i <= N - 2 }"
	readA := "[T, N] -> { S[t, i] -> A[j] : 0 <= t < T and 1 <= i <= N - 2 and i - 1 <= j <= i + 1 }"
	ai, err := c.NewAccessInfo(umap(t, c, writeA))
	keep(t, ai, err)
	for _, step := range []error{
		ai.SetMaySource(umap(t, c, readA)),
		ai.SetMustSource(umap(t, c, writeA)),
		ai.SetScheduleMap(umap(t, c, jacobi.schedule)),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	flow, err := ai.ComputeFlow()
	keep(t, flow, err)
	may, err := flow.MayDependence()
	keep(t, may, err)
	fromReads, err := may.IntersectDomain(uset(t, c, "{ S[t, i] }"))
	keep(t, fromReads, err)
	sameUnionMap(t, c, "anti dependences", fromReads,
		"[T, N] -> { S[t, i] -> U[t, j] : 0 <= t < T and 1 <= i <= N - 2 and 1 <= j <= N - 2 and i - 1 <= j <= i + 1 }")
	if s := ai.String(); s == "" {
		t.Error("empty AccessInfo.String")
	}
	if s := flow.String(); s == "" {
		t.Error("empty Flow.String")
	}
}
