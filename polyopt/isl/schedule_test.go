package isl

import (
	"fmt"
	"reflect"
	"testing"
)

// dependences computes the flow, anti and output dependences of a program
// given by its reads, writes and original schedule relation, as a
// polyhedral optimizer would before scheduling.
func dependences(t *testing.T, c *Context, reads, writes, schedule string) *UnionMap {
	t.Helper()
	r, w, s := umap(t, c, reads), umap(t, c, writes), umap(t, c, schedule)
	compute := func(sink, must, may *UnionMap) *UnionMap {
		ai, err := c.NewAccessInfo(sink)
		keep(t, ai, err)
		if err := ai.SetMustSource(must); err != nil {
			t.Fatal(err)
		}
		if may != nil {
			if err := ai.SetMaySource(may); err != nil {
				t.Fatal(err)
			}
		}
		if err := ai.SetScheduleMap(s); err != nil {
			t.Fatal(err)
		}
		flow, err := ai.ComputeFlow()
		keep(t, flow, err)
		d, err := flow.MayDependence()
		return keep(t, d, err)
	}
	raw := compute(r, w, nil)
	waw := compute(w, w, nil)
	war := compute(w, w, r)
	all, err := raw.Union(waw)
	keep(t, all, err)
	all, err = all.Union(war)
	return keep(t, all, err)
}

// respects reports whether every dependence source -> sink runs in order
// under sched: the sink's time vector is lexicographically greater.
func respects(t *testing.T, deps, sched *UnionMap) bool {
	t.Helper()
	before, err := sched.LexLt(sched)
	keep(t, before, err)
	ok, err := deps.IsSubset(before)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// bands returns the band nodes of a schedule tree in depth-first order.
func bands(t *testing.T, n *ScheduleNode) []*ScheduleNode {
	t.Helper()
	var out []*ScheduleNode
	if n.Type() == NodeBand {
		out = append(out, n)
	}
	for i := 0; i < n.NumChildren(); i++ {
		child, err := n.Child(i)
		keep(t, child, err)
		out = append(out, bands(t, child)...)
	}
	return out
}

// The producer/consumer program
//
//	for i in range(N): B[i] = A[i] * 2        # S
//	for i in range(N): C[i] = B[i] + B[i - 1] # T  (B[-1] read as input)
var (
	pcReads    = "[N] -> { S[i] -> A[i] : 0 <= i < N; T[i] -> B[j] : 0 <= i < N and i - 1 <= j <= i }"
	pcWrites   = "[N] -> { S[i] -> B[i] : 0 <= i < N; T[i] -> C[i] : 0 <= i < N }"
	pcSchedule = "[N] -> { S[i] -> [0, i] : 0 <= i < N; T[i] -> [1, i] : 0 <= i < N }"
	pcDomain   = "[N] -> { S[i] : 0 <= i < N; T[i] : 0 <= i < N }"
)

func TestComputeSchedule(t *testing.T) {
	c := newCtx(t)
	deps := dependences(t, c, pcReads, pcWrites, pcSchedule)
	// T[i] reads B[i] and B[i-1], written by S[i] and S[i-1].
	sameUnionMap(t, c, "dependences", deps,
		"[N] -> { S[i] -> T[i] : 0 <= i < N; S[i] -> T[i + 1] : 0 <= i < N - 1 }")

	sc, err := c.NewScheduleConstraints(uset(t, c, pcDomain))
	keep(t, sc, err)
	for _, err := range []error{sc.SetValidity(deps), sc.SetProximity(deps), sc.SetCoincidence(deps)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	sched, err := sc.ComputeSchedule()
	keep(t, sched, err)
	m, err := sched.Map()
	keep(t, m, err)
	if !respects(t, deps, m) {
		t.Errorf("computed schedule violates the dependences:\n%s", m)
	}
	// The check itself must be able to fail: running T before S is wrong.
	if respects(t, deps, umap(t, c, "{ S[i] -> [1, i]; T[i] -> [0, i] }")) {
		t.Error("respects accepted a schedule that runs T before S")
	}
	// The original order is legal.
	if !respects(t, deps, umap(t, c, pcSchedule)) {
		t.Error("respects rejected the original schedule")
	}

	// Round trip through the YAML text.
	again, err := c.ParseSchedule(sched.String())
	keep(t, again, err)
	m2, err := again.Map()
	keep(t, m2, err)
	isTrue(t, "schedule text round trip")(m2.IsEqual(m))
	dom, err := sched.Domain()
	keep(t, dom, err)
	isTrue(t, "schedule domain")(dom.IsEqual(uset(t, c, pcDomain)))
}

// TestScheduleCoincidence uses a copy S[i] -> T[i] whose only dependence
// has distance 0: whatever the scheduler does, each loop it builds can run
// in parallel, so every band member must be marked coincident.
func TestScheduleCoincidence(t *testing.T) {
	for _, serialize := range []bool{false, true} {
		t.Run(fmt.Sprintf("serialize_sccs=%v", serialize), func(t *testing.T) {
			c := newCtx(t)
			if err := c.SetScheduleSerializeSCCs(serialize); err != nil {
				t.Fatal(err)
			}
			if err := c.SetScheduleOuterCoincidence(true); err != nil {
				t.Fatal(err)
			}
			if err := c.SetScheduleMaximizeBandDepth(true); err != nil {
				t.Fatal(err)
			}
			deps := umap(t, c, "[N] -> { S[i] -> T[i] : 0 <= i < N }")
			sc, err := c.NewScheduleConstraints(uset(t, c, pcDomain))
			keep(t, sc, err)
			for _, err := range []error{sc.SetValidity(deps), sc.SetProximity(deps), sc.SetCoincidence(deps)} {
				if err != nil {
					t.Fatal(err)
				}
			}
			sched, err := sc.ComputeSchedule()
			keep(t, sched, err)
			root, err := sched.Root()
			keep(t, root, err)
			if root.Type() != NodeDomain {
				t.Fatalf("root is a %v node", root.Type())
			}
			bs := bands(t, root)
			if len(bs) == 0 {
				t.Fatalf("no band in\n%s", sched)
			}
			for _, b := range bs {
				n, err := b.BandNumMembers()
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < n; i++ {
					isTrue(t, "coincident")(b.BandMemberCoincident(i))
				}
			}
			first, err := root.Child(0)
			keep(t, first, err)
			// Serializing SCCs puts S and T in sequence, each with its own
			// loop; otherwise the scheduler fuses them under one loop.
			want, wantBands := NodeBand, 1
			if serialize {
				want, wantBands = NodeSequence, 2
			}
			if first.Type() != want || len(bs) != wantBands {
				t.Errorf("top node %v with %d bands, want %v with %d:\n%s", first.Type(), len(bs), want, wantBands, sched)
			}
			m, err := sched.Map()
			keep(t, m, err)
			if !respects(t, deps, m) {
				t.Errorf("schedule violates the dependences:\n%s", m)
			}
		})
	}
}

func TestJacobiSchedule(t *testing.T) {
	c := newCtx(t)
	deps := dependences(t, c, jacobi.reads, jacobi.writes, jacobi.schedule)
	sc, err := c.NewScheduleConstraints(uset(t, c,
		"[T, N] -> { S[t, i] : 0 <= t < T and 1 <= i <= N - 2; U[t, i] : 0 <= t < T and 1 <= i <= N - 2 }"))
	keep(t, sc, err)
	if err := sc.SetValidity(deps); err != nil {
		t.Fatal(err)
	}
	if err := sc.SetProximity(deps); err != nil {
		t.Fatal(err)
	}
	if err := sc.SetContext(set(t, c, "[T, N] -> { : T >= 1 and N >= 3 }")); err != nil {
		t.Fatal(err)
	}
	sched, err := sc.ComputeSchedule()
	keep(t, sched, err)
	m, err := sched.Map()
	keep(t, m, err)
	if !respects(t, deps, m) {
		t.Errorf("schedule violates the dependences:\n%s", sched)
	}
}

// rectangle is a 2D domain with a permutable band whose first member is
// marked coincident and the second not.
const rectangle = `{ domain: "[N] -> { S[i, j] : 0 <= i < N and 0 <= j < N }", ` +
	`child: { schedule: "[N] -> [{ S[i, j] -> [(i)] }, { S[i, j] -> [(j)] }]", ` +
	`permutable: 1, coincident: [ 1, 0 ] } }`

func TestBandAccess(t *testing.T) {
	c := newCtx(t)
	sched, err := c.ParseSchedule(rectangle)
	keep(t, sched, err)
	root, err := sched.Root()
	keep(t, root, err)
	band, err := root.Child(0)
	keep(t, band, err)
	if band.Type() != NodeBand {
		t.Fatalf("child of root is a %v node", band.Type())
	}
	if n, err := band.BandNumMembers(); err != nil || n != 2 {
		t.Fatalf("BandNumMembers = %d, %v", n, err)
	}
	isTrue(t, "permutable")(band.BandPermutable())
	isTrue(t, "member 0 coincident")(band.BandMemberCoincident(0))
	isFalse(t, "member 1 coincident")(band.BandMemberCoincident(1))
	if _, err := band.BandMemberCoincident(2); err == nil {
		t.Error("BandMemberCoincident(2) of a 2-member band succeeded")
	}
	m1, err := band.BandMember(1)
	keep(t, m1, err)
	sameUnionMap(t, c, "member 1", m1, "{ S[i, j] -> [j] }")
	ps, err := band.BandPartialSchedule()
	keep(t, ps, err)
	sameUnionMap(t, c, "partial schedule", ps, "{ S[i, j] -> [i, j] }")

	parent, err := band.Parent()
	keep(t, parent, err)
	if parent.Type() != NodeDomain || parent.HasParent() {
		t.Errorf("parent of the band is a %v node", parent.Type())
	}
	leaf, err := band.Child(0)
	keep(t, leaf, err)
	if leaf.Type() != NodeLeaf || leaf.ScheduleDepth() != 2 {
		t.Errorf("below the band: %v at depth %d", leaf.Type(), leaf.ScheduleDepth())
	}

	outer, err := band.BandSplit(1)
	keep(t, outer, err)
	inner, err := outer.Child(0)
	keep(t, inner, err)
	om, err := outer.BandPartialSchedule()
	keep(t, om, err)
	im, err := inner.BandPartialSchedule()
	keep(t, im, err)
	sameUnionMap(t, c, "outer band after split", om, "{ S[i, j] -> [i] }")
	sameUnionMap(t, c, "inner band after split", im, "{ S[i, j] -> [j] }")
}

func TestTile(t *testing.T) {
	tests := []struct {
		name         string
		scale, shift bool
		tile, point  string
	}{
		{"plain", false, false,
			"{ S[i, j] -> [floor(i / 32), floor(j / 16)] }",
			"{ S[i, j] -> [i, j] }"},
		// Scaled tile loops step by the tile size; shifted point loops
		// count from 0 within the tile.
		{"scaled and shifted", true, true,
			"{ S[i, j] -> [32 * floor(i / 32), 16 * floor(j / 16)] }",
			"{ S[i, j] -> [i - 32 * floor(i / 32), j - 16 * floor(j / 16)] }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCtx(t)
			if err := c.SetTileScaleTileLoops(tt.scale); err != nil {
				t.Fatal(err)
			}
			if err := c.SetTileShiftPointLoops(tt.shift); err != nil {
				t.Fatal(err)
			}
			sched, err := c.ParseSchedule(rectangle)
			keep(t, sched, err)
			root, err := sched.Root()
			keep(t, root, err)
			band, err := root.Child(0)
			keep(t, band, err)
			if _, err := band.BandTile([]int64{32}); err == nil {
				t.Error("BandTile with one size for two members succeeded")
			}
			tile, err := band.BandTile([]int64{32, 16})
			keep(t, tile, err)
			point, err := tile.Child(0)
			keep(t, point, err)
			if tile.Type() != NodeBand || point.Type() != NodeBand {
				t.Fatalf("tile %v, point %v", tile.Type(), point.Type())
			}
			tm, err := tile.BandPartialSchedule()
			keep(t, tm, err)
			pm, err := point.BandPartialSchedule()
			keep(t, pm, err)
			sameUnionMap(t, c, "tile band", tm, tt.tile)
			sameUnionMap(t, c, "point band", pm, tt.point)
			isTrue(t, "tile band permutable")(tile.BandPermutable())
			isTrue(t, "tile member 0 coincident")(tile.BandMemberCoincident(0))
			prefix, err := point.PrefixSchedule()
			keep(t, prefix, err)
			// The prefix is not restricted to the domain, like the band's
			// own partial schedule.
			isTrue(t, "prefix of the point band is the tile band")(prefix.IsEqual(tm))

			// The original band is untouched.
			if n, _ := band.BandNumMembers(); n != 2 {
				t.Errorf("original band has %d members after tiling", n)
			}

			// The tiled tree generates a 4-deep nest visiting tiles of
			// 32 x 16 points in order.
			tiled, err := tile.Schedule()
			keep(t, tiled, err)
			build, err := c.NewASTBuild(nil)
			keep(t, build, err)
			ast, err := build.NodeFromSchedule(tiled)
			if err != nil {
				t.Fatal(err)
			}
			if d := loopDepth(ast); d != 4 {
				t.Errorf("loop depth %d, want 4:\n%s", d, Format(ast))
			}
			const n = 40
			var want2 []string
			for ti := 0; ti < n; ti += 32 {
				for tj := 0; tj < n; tj += 16 {
					for i := ti; i < min(ti+32, n); i++ {
						for j := tj; j < min(tj+16, n); j++ {
							want2 = append(want2, fmt.Sprintf("S(%d, %d)", i, j))
						}
					}
				}
			}
			if got := run(t, ast, map[string]int64{"N": n}); !reflect.DeepEqual(got, want2) {
				t.Errorf("tiled execution differs; AST:\n%s", Format(ast))
			}
		})
	}
}

// loopDepth returns the deepest nesting of For nodes.
func loopDepth(n Node) int {
	switch n := n.(type) {
	case *For:
		return 1 + loopDepth(n.Body)
	case *If:
		d := loopDepth(n.Then)
		if n.Else != nil {
			d = max(d, loopDepth(n.Else))
		}
		return d
	case *Block:
		d := 0
		for _, c := range n.Children {
			d = max(d, loopDepth(c))
		}
		return d
	case *Mark:
		return loopDepth(n.Node)
	}
	return 0
}
