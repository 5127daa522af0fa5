package isl

import "testing"

// TestMapOps checks the relation operations against results derived by hand.
func TestMapOps(t *testing.T) {
	c := newCtx(t)
	tests := []struct {
		name string
		in   string
		op   func(m *Map) (*Map, error)
		want string
	}{
		// S[i] -> A[i+1] -> B[2(i+1)].
		{"apply range", "{ S[i] -> A[i + 1] }",
			func(m *Map) (*Map, error) { return m.ApplyRange(mp(t, c, "{ A[x] -> B[2x] }")) },
			"{ S[i] -> B[2i + 2] }"},
		// The input S[i] becomes T[i+1]; so T[j] -> A[j-1].
		{"apply domain", "{ S[i] -> A[i] }",
			func(m *Map) (*Map, error) { return m.ApplyDomain(mp(t, c, "{ S[i] -> T[i + 1] }")) },
			"{ T[j] -> A[j - 1] }"},
		{"reverse", "{ S[i] -> A[i + 1] : 0 <= i < 10 }",
			func(m *Map) (*Map, error) { return m.Reverse() },
			"{ A[j] -> S[j - 1] : 1 <= j <= 10 }"},
		{"intersect", "{ [i] -> [j] : j >= i }",
			func(m *Map) (*Map, error) { return m.Intersect(mp(t, c, "{ [i] -> [j] : j <= i }")) },
			"{ [i] -> [i] }"},
		{"union", "{ [i] -> [i] }",
			func(m *Map) (*Map, error) { return m.Union(mp(t, c, "{ [i] -> [i + 1] }")) },
			"{ [i] -> [j] : i <= j <= i + 1 }"},
		{"subtract", "{ [i] -> [j] : i <= j <= i + 1 }",
			func(m *Map) (*Map, error) { return m.Subtract(mp(t, c, "{ [i] -> [i] }")) },
			"{ [i] -> [i + 1] }"},
		{"intersect domain", "{ S[i] -> A[i] }",
			func(m *Map) (*Map, error) { return m.IntersectDomain(set(t, c, "{ S[i] : 0 <= i < 4 }")) },
			"{ S[i] -> A[i] : 0 <= i < 4 }"},
		{"intersect range", "{ S[i] -> A[i + 1] }",
			func(m *Map) (*Map, error) { return m.IntersectRange(set(t, c, "{ A[j] : 0 <= j < 4 }")) },
			"{ S[i] -> A[i + 1] : -1 <= i < 3 }"},
		{"intersect params", "[N] -> { S[i] -> A[i] : 0 <= i < N }",
			func(m *Map) (*Map, error) { return m.IntersectParams(set(t, c, "[N] -> { : N = 2 }")) },
			"[N] -> { S[i] -> A[i] : N = 2 and 0 <= i < 2 }"},
		// For each i the smallest j in [i, 10) is i and the largest 9.
		{"lexmin", "{ [i] -> [j] : 0 <= i < 10 and i <= j < 10 }",
			func(m *Map) (*Map, error) { return m.Lexmin() }, "{ [i] -> [i] : 0 <= i < 10 }"},
		{"lexmax", "{ [i] -> [j] : 0 <= i < 10 and i <= j < 10 }",
			func(m *Map) (*Map, error) { return m.Lexmax() }, "{ [i] -> [9] : 0 <= i < 10 }"},
		// k = i + j with 0 <= j < 3 leaves i <= k <= i + 2.
		{"project out", "{ [i, j] -> [k] : k = i + j and 0 <= i < 3 and 0 <= j < 3 }",
			func(m *Map) (*Map, error) { return m.ProjectOut(DimIn, 1, 1) },
			"{ [i] -> [k] : 0 <= i < 3 and i <= k <= i + 2 }"},
		{"coalesce", "{ [i] -> [i] : 0 <= i < 5 or 5 <= i < 10 }",
			func(m *Map) (*Map, error) { return m.Coalesce() }, "{ [i] -> [i] : 0 <= i < 10 }"},
		{"detect equalities", "{ [i] -> [j] : j <= i and j >= i }",
			func(m *Map) (*Map, error) { return m.DetectEqualities() }, "{ [i] -> [i] }"},
		{"gist domain", "{ [i] -> [i] : 0 <= i < 10 }",
			func(m *Map) (*Map, error) { return m.GistDomain(set(t, c, "{ [i] : 0 <= i < 10 }")) },
			"{ [i] -> [i] }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(mp(t, c, tt.in))
			keep(t, got, err)
			want := mp(t, c, tt.want)
			eq, err := got.IsEqual(want)
			if err != nil {
				t.Fatal(err)
			}
			if !eq {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestMapToSets(t *testing.T) {
	c := newCtx(t)
	m := mp(t, c, "{ S[i] -> A[j] : 0 <= i < 10 and j = i + 1 }")
	tests := []struct {
		name string
		op   func() (*Set, error)
		want string
	}{
		{"domain", m.Domain, "{ S[i] : 0 <= i < 10 }"},
		{"range", m.Range, "{ A[j] : 1 <= j <= 10 }"},
		{"params", m.Params, "{ : }"},
		// S[i, j] -> S[i + 1, j - 1] has the constant distance (1, -1).
		{"deltas", mp(t, c, "{ S[i, j] -> S[i + 1, j - 1] }").Deltas, "{ S[1, -1] }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op()
			keep(t, got, err)
			isTrue(t, tt.name)(got.IsEqual(set(t, c, tt.want)))
		})
	}
}

func TestMapDimsAndSample(t *testing.T) {
	c := newCtx(t)
	m := mp(t, c, "[N] -> { S[i, j] -> A[a] : a = i + j and 0 <= i < N and 0 <= j < N }")
	if m.NumParams() != 1 || m.NumIn() != 2 || m.NumOut() != 1 {
		t.Errorf("dims = %d, %d, %d; want 1, 2, 1", m.NumParams(), m.NumIn(), m.NumOut())
	}
	for _, tt := range []struct {
		got, want string
	}{
		{m.TupleName(DimIn), "S"},
		{m.TupleName(DimOut), "A"},
		{m.DimName(DimIn, 1), "j"},
		{m.DimName(DimOut, 0), "a"},
		{m.DimName(DimParam, 0), "N"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	s, err := m.Sample()
	keep(t, s, err)
	isFalse(t, "sample empty")(s.IsEmpty())
	isTrue(t, "sample in map")(s.IsSubset(m))

	u, err := m.ToUnion()
	keep(t, u, err)
	back, err := u.AsMap()
	keep(t, back, err)
	isTrue(t, "through a UnionMap and back")(back.IsEqual(m))
}

// TestUnionOps checks union set and union map operations.
func TestUnionOps(t *testing.T) {
	c := newCtx(t)

	a := uset(t, c, "{ A[i] : 0 <= i < 3 }")
	u, err := a.Union(uset(t, c, "{ B[i] : 0 <= i < 2 }"))
	keep(t, u, err)
	isTrue(t, "union of spaces")(u.IsEqual(uset(t, c, "{ A[i] : 0 <= i < 3; B[i] : 0 <= i < 2 }")))
	if u.NumSets() != 2 {
		t.Errorf("NumSets = %d, want 2", u.NumSets())
	}
	sets, err := u.Sets()
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 {
		t.Errorf("Sets() has %d sets, want 2", len(sets))
	}
	freeAll(sets)

	// Applying a statement-wise schedule gives the time points.
	dom := uset(t, c, "{ S[i] : 0 <= i < 3; T[i] : 0 <= i < 2 }")
	sched := umap(t, c, "{ S[i] -> [0, i]; T[i] -> [1, i] }")
	times, err := dom.Apply(sched)
	keep(t, times, err)
	isTrue(t, "apply")(times.IsEqual(uset(t, c, "{ [0, i] : 0 <= i < 3; [1, i] : 0 <= i < 2 }")))

	// LexLt of a schedule with itself is the happens-before relation.
	// S[a] at time a, T[b] at time b + 1, a and b in {0, 1}:
	// S[a] before S[b] iff a < b; T likewise; S[a] before T[b] iff a <= b;
	// T[a] before S[b] iff a + 1 < b, never.
	s2 := umap(t, c, "{ S[i] -> [i] : 0 <= i < 2; T[i] -> [i + 1] : 0 <= i < 2 }")
	before, err := s2.LexLt(s2)
	keep(t, before, err)
	sameUnionMap(t, c, "LexLt", before,
		"{ S[0] -> S[1]; T[0] -> T[1]; S[0] -> T[0]; S[0] -> T[1]; S[1] -> T[1] }")

	deps := umap(t, c, "[N] -> { S[i] -> S[i + 1] : 0 <= i < N - 1; S[i] -> T[i] : 0 <= i < N }")
	tests := []struct {
		name string
		op   func() (*UnionMap, error)
		want string
	}{
		{"reverse", deps.Reverse, "[N] -> { S[i] -> S[i - 1] : 1 <= i < N; T[i] -> S[i] : 0 <= i < N }"},
		{"apply range", func() (*UnionMap, error) {
			return deps.ApplyRange(umap(t, c, "{ S[i] -> [0, i]; T[i] -> [1, i] }"))
		}, "[N] -> { S[i] -> [0, i + 1] : 0 <= i < N - 1; S[i] -> [1, i] : 0 <= i < N }"},
		{"apply domain", func() (*UnionMap, error) {
			return deps.ApplyDomain(umap(t, c, "{ S[i] -> [i] }"))
		}, "[N] -> { [i] -> S[i + 1] : 0 <= i < N - 1; [i] -> T[i] : 0 <= i < N }"},
		{"intersect domain", func() (*UnionMap, error) {
			return deps.IntersectDomain(uset(t, c, "{ S[i] : i >= 5 }"))
		}, "[N] -> { S[i] -> S[i + 1] : 5 <= i < N - 1; S[i] -> T[i] : 5 <= i < N }"},
		{"intersect range", func() (*UnionMap, error) {
			return deps.IntersectRange(uset(t, c, "{ T[i] }"))
		}, "[N] -> { S[i] -> T[i] : 0 <= i < N }"},
		{"subtract", func() (*UnionMap, error) {
			return deps.Subtract(umap(t, c, "{ S[i] -> T[i] }"))
		}, "[N] -> { S[i] -> S[i + 1] : 0 <= i < N - 1 }"},
		{"intersect params", func() (*UnionMap, error) {
			return deps.IntersectParams(set(t, c, "[N] -> { : N = 1 }"))
		}, "[N] -> { S[0] -> T[0] : N = 1 }"},
		{"lexmin", deps.Lexmin, "[N] -> { S[i] -> S[i + 1] : 0 <= i < N - 1; S[i] -> T[i] : 0 <= i < N }"},
		{"project out all params", deps.ProjectOutAllParams, "{ S[i] -> S[i + 1] : i >= 0; S[i] -> T[i] : i >= 0 }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op()
			keep(t, got, err)
			sameUnionMap(t, c, tt.name, got, tt.want)
		})
	}

	dm, err := deps.Domain()
	keep(t, dm, err)
	isTrue(t, "domain")(dm.IsEqual(uset(t, c, "[N] -> { S[i] : 0 <= i < N }")))
	rg, err := deps.Range()
	keep(t, rg, err)
	isTrue(t, "range")(rg.IsEqual(uset(t, c, "[N] -> { S[i] : 1 <= i < N; T[i] : 0 <= i < N }")))
	ds, err := umap(t, c, "{ S[i, j] -> S[i + 1, j] }").Deltas()
	keep(t, ds, err)
	isTrue(t, "deltas")(ds.IsEqual(uset(t, c, "{ S[1, 0] }")))
	ps, err := deps.Params()
	keep(t, ps, err)
	isTrue(t, "params")(ps.IsEqual(set(t, c, "[N] -> { : N >= 1 }")))
	if deps.NumMaps() != 2 {
		t.Errorf("NumMaps = %d, want 2", deps.NumMaps())
	}
	maps, err := deps.Maps()
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 2 {
		t.Errorf("Maps() has %d maps, want 2", len(maps))
	}
	freeAll(maps)
	one, err := deps.Sample()
	keep(t, one, err)
	isFalse(t, "union map sample empty")(one.IsEmpty())
	oneU, err := one.ToUnion()
	keep(t, oneU, err)
	isTrue(t, "union map sample in union map")(oneU.IsSubset(deps))
	_, ok, err := uset(t, c, "{ S[i] : i < 0 and i > 0 }").SamplePoint()
	if ok || err != nil {
		t.Errorf("sample point of an empty union set: %v, %v", ok, err)
	}
	sp, ok, err := dom.SamplePoint()
	if err != nil || !ok || (sp.Tuple != "S" && sp.Tuple != "T") {
		t.Errorf("union sample point = %+v, %v, %v", sp, ok, err)
	}
}
