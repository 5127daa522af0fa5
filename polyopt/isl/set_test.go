package isl

import (
	"reflect"
	"strings"
	"testing"
)

// printer is what the round-trip test needs of each wrapper type.
type printer interface {
	String() string
	Free()
}

// TestRoundTrip parses, prints, parses the printed text and checks that
// the two objects are equal. The text itself need not be stable: isl
// prints its current representation, which reparsing may simplify.
func TestRoundTrip(t *testing.T) {
	c := newCtx(t)
	parse := map[string]func(string) (printer, func(a, b printer) (bool, error), error){
		"set": func(s string) (printer, func(a, b printer) (bool, error), error) {
			x, err := c.ParseSet(s)
			return x, func(a, b printer) (bool, error) { return a.(*Set).IsEqual(b.(*Set)) }, err
		},
		"map": func(s string) (printer, func(a, b printer) (bool, error), error) {
			x, err := c.ParseMap(s)
			return x, func(a, b printer) (bool, error) { return a.(*Map).IsEqual(b.(*Map)) }, err
		},
		"uset": func(s string) (printer, func(a, b printer) (bool, error), error) {
			x, err := c.ParseUnionSet(s)
			return x, func(a, b printer) (bool, error) { return a.(*UnionSet).IsEqual(b.(*UnionSet)) }, err
		},
		"umap": func(s string) (printer, func(a, b printer) (bool, error), error) {
			x, err := c.ParseUnionMap(s)
			return x, func(a, b printer) (bool, error) { return a.(*UnionMap).IsEqual(b.(*UnionMap)) }, err
		},
	}
	tests := []struct{ kind, in string }{
		{"set", "{ [i] : 0 <= i < 10 }"},
		{"set", "[N, M] -> { S[i, j] : 0 <= i < N and 0 <= j < M }"},
		{"set", "[N] -> { S[i, j] : 0 <= i < N and 0 <= j <= i }"},
		{"set", "{ [i] : i mod 3 = 1 and 0 <= i < 100 }"},
		{"set", "{ [i] : exists (e : i = 4e) and 0 <= i <= 40 }"},
		{"set", "{ [i] : 0 <= i < 5 or 10 <= i < 15 }"},
		{"set", "[N] -> { : N >= 1 }"},
		{"set", "{ S[i] : false }"},
		{"map", "[N] -> { S[i] -> A[i + 1] : 0 <= i < N }"},
		{"map", "{ S[i, j] -> [t = i + j, j] }"},
		{"map", "{ [i] -> [floor(i / 4)] }"},
		{"uset", "[N] -> { S[i] : 0 <= i < N; T[i, j] : 0 <= i < N and 0 <= j < i }"},
		{"uset", "{ }"},
		{"umap", "[N] -> { S[i] -> A[i]; T[i, j] -> A[j] : 0 <= j < N }"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.in, func(t *testing.T) {
			a, eq, err := parse[tt.kind](tt.in)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Free()
			text := a.String()
			b, _, err := parse[tt.kind](text)
			if err != nil {
				t.Fatalf("reparsing %q: %v", text, err)
			}
			defer b.Free()
			isTrue(t, "reparsed equals original")(eq(a, b))
		})
	}
}

// TestSetOps checks the set operations against results derived by hand.
func TestSetOps(t *testing.T) {
	c := newCtx(t)
	a := "{ [i] : 0 <= i < 10 }"
	b := "{ [i] : 5 <= i < 20 }"
	tests := []struct {
		name string
		in   string
		op   func(s *Set) (*Set, error)
		want string
	}{
		{"intersect", a, func(s *Set) (*Set, error) { return s.Intersect(set(t, c, b)) }, "{ [i] : 5 <= i < 10 }"},
		{"union", a, func(s *Set) (*Set, error) { return s.Union(set(t, c, b)) }, "{ [i] : 0 <= i < 20 }"},
		{"subtract", a, func(s *Set) (*Set, error) { return s.Subtract(set(t, c, b)) }, "{ [i] : 0 <= i < 5 }"},
		// i -> 2i + 1 maps 0..3 to the odd numbers 1..7.
		{"apply", "{ [i] : 0 <= i < 4 }",
			func(s *Set) (*Set, error) { return s.Apply(mp(t, c, "{ [i] -> [2i + 1] }")) },
			"{ [1]; [3]; [5]; [7] }"},
		// The smallest (i, j) with 0 <= i <= j < N is (0, 0), when N >= 1.
		{"lexmin", "[N] -> { [i, j] : 0 <= i < N and i <= j < N }",
			func(s *Set) (*Set, error) { return s.Lexmin() }, "[N] -> { [0, 0] : N >= 1 }"},
		{"lexmax", "[N] -> { [i, j] : 0 <= i < N and i <= j < N }",
			func(s *Set) (*Set, error) { return s.Lexmax() }, "[N] -> { [N - 1, N - 1] : N >= 1 }"},
		// Some j with 0 <= j < i exists exactly when i >= 1.
		{"project out", "{ [i, j] : 0 <= i < 10 and 0 <= j < i }",
			func(s *Set) (*Set, error) { return s.ProjectOut(DimSet, 1, 1) }, "{ [i] : 1 <= i < 10 }"},
		{"params", "[N] -> { [i] : 0 <= i < N }",
			func(s *Set) (*Set, error) { return s.Params() }, "[N] -> { : N >= 1 }"},
		{"intersect params", "[N] -> { [i] : 0 <= i < N }",
			func(s *Set) (*Set, error) { return s.IntersectParams(set(t, c, "[N] -> { : N = 3 }")) },
			"[N] -> { [i] : N = 3 and 0 <= i < 3 }"},
		{"coalesce", "{ [i] : 0 <= i < 5 or 5 <= i < 10 }",
			func(s *Set) (*Set, error) { return s.Coalesce() }, "{ [i] : 0 <= i < 10 }"},
		{"detect equalities", "{ [i, j] : i <= j and j <= i }",
			func(s *Set) (*Set, error) { return s.DetectEqualities() }, "{ [i, i] }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(set(t, c, tt.in))
			keep(t, got, err)
			want := set(t, c, tt.want)
			eq, err := got.IsEqual(want)
			if err != nil {
				t.Fatal(err)
			}
			if !eq {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}

	// Coalescing two adjacent intervals must leave one disjunct.
	co, err := set(t, c, "{ [i] : 0 <= i < 5 or 5 <= i < 10 }").Coalesce()
	keep(t, co, err)
	if got := co.String(); strings.Contains(got, " or ") || strings.Contains(got, ";") {
		t.Errorf("coalesced text = %q, want a single disjunct", got)
	}
}

func TestSetPredicates(t *testing.T) {
	c := newCtx(t)
	tests := []struct {
		name       string
		a, b       string
		emptyA     bool
		equal, sub bool
	}{
		{"same set spelled twice", "{ [i] : 0 <= i < 10 }", "{ [i] : 0 <= i <= 9 }", false, true, true},
		{"strict subset", "{ [i] : 2 <= i < 5 }", "{ [i] : 0 <= i < 10 }", false, false, true},
		{"superset", "{ [i] : 0 <= i < 10 }", "{ [i] : 2 <= i < 5 }", false, false, false},
		{"empty by contradiction", "{ [i] : i > 5 and i < 3 }", "{ [i] : 0 <= i < 10 }", true, false, true},
		{"empty without integer points", "{ [i] : 2i = 1 }", "{ [i] : false }", true, true, true},
		{"parametric", "[N] -> { [i] : 0 <= i < N }", "[N] -> { [i] : 0 <= i }", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := set(t, c, tt.a), set(t, c, tt.b)
			check := func(what string, want bool) func(bool, error) {
				if want {
					return isTrue(t, what)
				}
				return isFalse(t, what)
			}
			check("IsEmpty", tt.emptyA)(a.IsEmpty())
			check("IsEqual", tt.equal)(a.IsEqual(b))
			check("IsSubset", tt.sub)(a.IsSubset(b))
		})
	}
}

// TestGist checks gist's contract: equal to the input within the context.
func TestGist(t *testing.T) {
	c := newCtx(t)
	s := set(t, c, "[N] -> { [i] : 0 <= i < N and N >= 10 and i >= 0 }")
	ctx := set(t, c, "[N] -> { [i] : i >= 0 and N >= 10 }")
	g, err := s.Gist(ctx)
	keep(t, g, err)
	gi, err := g.Intersect(ctx)
	keep(t, gi, err)
	si, err := s.Intersect(ctx)
	keep(t, si, err)
	isTrue(t, "gist ∩ context = set ∩ context")(gi.IsEqual(si))
	// Only the bound i < N is not implied by the context.
	want := set(t, c, "[N] -> { [i] : i < N }")
	isTrue(t, "gist is the remaining constraint")(g.IsEqual(want))

	p, err := s.GistParams(set(t, c, "[N] -> { : N >= 10 }"))
	keep(t, p, err)
	isTrue(t, "gist params")(p.IsEqual(set(t, c, "[N] -> { [i] : 0 <= i < N }")))
}

func TestSetDimsAndSample(t *testing.T) {
	c := newCtx(t)
	s := set(t, c, "[N, M] -> { S[i, j, k] : 0 <= i < N and 0 <= j < M and k = 0 }")
	if s.NumParams() != 2 || s.NumDims() != 3 {
		t.Errorf("dims = %d params, %d set, want 2, 3", s.NumParams(), s.NumDims())
	}
	if got := s.DimName(DimParam, 1); got != "M" {
		t.Errorf("param 1 = %q, want M", got)
	}
	if got := s.DimName(DimSet, 1); got != "j" {
		t.Errorf("dim 1 = %q, want j", got)
	}
	if got := s.DimName(DimSet, 7); got != "" {
		t.Errorf("dim 7 = %q, want empty", got)
	}
	if got := s.TupleName(); got != "S" {
		t.Errorf("tuple = %q, want S", got)
	}

	tests := []struct {
		name string
		in   string
		ok   bool
		want Point
	}{
		{"singleton", "{ S[i, j] : i = 3 and j = 4 }", true, Point{Tuple: "S", Coords: []int64{3, 4}}},
		{"parametric singleton", "[N] -> { [i] : i = N and N = 7 }", true,
			Point{ParamNames: []string{"N"}, Params: []int64{7}, Coords: []int64{7}}},
		{"negative", "{ [i] : i = -5 }", true, Point{Coords: []int64{-5}}},
		{"empty", "{ [i] : i > 0 and i < 0 }", false, Point{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok, err := set(t, c, tt.in).SamplePoint()
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok || !reflect.DeepEqual(p, tt.want) {
				t.Errorf("got %+v, %v; want %+v, %v", p, ok, tt.want, tt.ok)
			}
		})
	}

	// Sample of a larger set is one of its elements.
	big := set(t, c, "{ [i, j] : 0 <= i < 100 and 0 <= j < i }")
	one, err := big.Sample()
	keep(t, one, err)
	isTrue(t, "sample in set")(one.IsSubset(big))
	isFalse(t, "sample empty")(one.IsEmpty())
}
