package typeinfer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/store"
)

func i64(v int64) *int64 { return &v }

func arr(dtype string, shape ...int64) store.Value {
	return store.Value{Type: "ndarray", DType: dtype, Shape: shape, NDim: len(shape), CContiguous: true}
}

func intv(lo, hi int64) store.Value { return store.Value{Type: "int", Min: i64(lo), Max: i64(hi)} }

// npint is a NumPy integer scalar argument; the tracer records a range for np.int64 only, but
// a range on another dtype must not tie it either.
func npint(dtype string, lo, hi int64) store.Value {
	return store.Value{Type: "npscalar", DType: dtype, Min: i64(lo), Max: i64(hi)}
}

func sig(calls int64, ret store.Value, args ...any) store.Signature {
	s := store.Signature{Calls: calls, Returns: []store.Return{{Value: ret, Count: calls}}}
	for i := 0; i < len(args); i += 2 {
		s.Args = append(s.Args, store.Arg{Name: args[i].(string), Value: args[i+1].(store.Value)})
	}
	return s
}

var none = store.Value{Type: "None"}
var float = store.Value{Type: "float"}

func TestJoin(t *testing.T) {
	f64 := func(dims ...int64) *Type {
		s := make([]Dim, len(dims))
		for i, d := range dims {
			s[i] = LitDim(d)
		}
		return Array("float64", s...)
	}
	tests := []struct {
		a, b *Type
		want string
	}{
		{IntIn(3, 5), IntIn(1, 4), "int[1..5]"},
		{IntIn(3, 5), Simple(Int), "int"},
		{Simple(Float), Simple(Float), "float"},
		{Simple(Int), Simple(Float), "float | int"},
		{Simple(Float), Join(Simple(Int), Simple(None)), "None | float | int"},
		{Join(IntIn(1, 2), Simple(None)), IntIn(5, 9), "None | int[1..9]"},
		{f64(3, 4), f64(3, 5), "ndarray[float64, (3, ?)]"},
		{f64(3, 4), f64(3), "ndarray[float64, ?]"},
		{f64(3), Array("float32", LitDim(3)), "ndarray[float32, (3)] | ndarray[float64, (3)]"},
		{&Type{Kind: Tuple, Items: []*Type{Simple(Int), f64(2)}}, &Type{Kind: Tuple, Items: []*Type{Simple(Float), f64(2)}},
			"tuple[float | int, ndarray[float64, (2)]]"},
		{&Type{Kind: Tuple, Items: []*Type{Simple(Int)}}, &Type{Kind: Tuple, Items: []*Type{Simple(Int), Simple(Int)}},
			"tuple[int, ...]"},
		{&Type{Kind: List, Elem: Simple(Int)}, &Type{Kind: List, Elem: Simple(Str)}, "list[int | str]"},
		{&Type{Kind: Object, Class: "m.A"}, &Type{Kind: Object, Class: "m.B"}, "m.A | m.B"},
		{nil, Simple(Str), "str"},
		{&Type{Kind: NPScalar, DType: "int64", Range: &Range{3, 5}}, &Type{Kind: NPScalar, DType: "int64", Range: &Range{1, 4}}, "np.int64[1..5]"},
		{&Type{Kind: NPScalar, DType: "int64", Range: &Range{3, 5}}, &Type{Kind: NPScalar, DType: "int64"}, "np.int64"},
		{&Type{Kind: NPScalar, DType: "int64"}, &Type{Kind: NPScalar, DType: "int32"}, "np.int32 | np.int64"},
	}
	for _, tt := range tests {
		if got := Join(tt.a, tt.b).String(); got != tt.want {
			t.Errorf("Join(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
		if got := Join(tt.b, tt.a).String(); got != tt.want {
			t.Errorf("Join(%s, %s) = %s, want %s (not commutative)", tt.b, tt.a, got, tt.want)
		}
	}
}

// render synthesizes a signature and renders it as a def line plus its relations.
func render(t *testing.T, sigs ...store.Signature) string {
	t.Helper()
	s, err := Synthesize(sigs)
	if err != nil {
		t.Fatal(err)
	}
	r := &Renderer{NumPy: "np", HasNumPy: true, Module: "__main__"}
	var parts []string
	for _, p := range s.Params {
		parts = append(parts, p.Name+": "+r.Hint(p.Type))
	}
	out := "(" + strings.Join(parts, ", ") + ") -> " + r.Hint(s.Return)
	for _, rel := range s.Relations {
		out += "; " + rel.String()
	}
	return out
}

func TestSynthesizeShapes(t *testing.T) {
	tests := []struct {
		name string
		sigs []store.Signature
		want string
	}{
		{"gemm one size: distinct large extents, shared ones share a symbol",
			[]store.Signature{sig(1, none, "alpha", float, "beta", float, "C", arr("float64", 20, 25),
				"A", arr("float64", 20, 30), "B", arr("float64", 30, 25))},
			`(alpha: float, beta: float, C: Annotated[NDArray[np.float64], "N M"], A: Annotated[NDArray[np.float64], "N K"], ` +
				`B: Annotated[NDArray[np.float64], "K M"]) -> None; A.shape[0] == C.shape[0]; B.shape[1] == C.shape[1]; B.shape[0] == A.shape[1]`},
		{"int parameters tied to dimensions name the symbols",
			[]store.Signature{
				sig(2, none, "C", arr("float64", 20, 25), "A", arr("float64", 20, 30), "ni", intv(20, 20), "nj", intv(25, 25), "nk", intv(30, 30)),
				sig(1, none, "C", arr("float64", 60, 70), "A", arr("float64", 60, 80), "ni", intv(60, 60), "nj", intv(70, 70), "nk", intv(80, 80)),
			},
			`(C: Annotated[NDArray[np.float64], "NI NJ"], A: Annotated[NDArray[np.float64], "NI NK"], ni: int, nj: int, nk: int) -> None; ` +
				`ni == C.shape[0]; A.shape[0] == C.shape[0]; nj == C.shape[1]; nk == A.shape[1]`},
		{"coincidentally equal in one call, different in another: separate symbols",
			[]store.Signature{
				sig(1, none, "A", arr("float64", 10, 10)),
				sig(1, none, "A", arr("float64", 10, 12)),
			},
			`(A: Annotated[NDArray[np.float64], "N M"]) -> None`},
		{"a small fixed axis stays literal, a varying one does not",
			[]store.Signature{
				sig(1, arr("float32", 100, 3), "pts", arr("float32", 100, 3), "k", intv(2, 2)),
				sig(1, arr("float32", 200, 3), "pts", arr("float32", 200, 3), "k", intv(2, 2)),
			},
			`(pts: Annotated[NDArray[np.float32], "N 3"], k: int) -> Annotated[NDArray[np.float32], "N 3"]`},
		{"a varying small axis is a symbol; int with a range in one signature is not tied",
			[]store.Signature{
				sig(1, store.Value{Type: "npscalar", DType: "float64"}, "x", arr("float64", 4), "n", intv(2, 4)),
				sig(1, store.Value{Type: "npscalar", DType: "float64"}, "x", arr("float64", 6), "n", intv(6, 6)),
			},
			`(x: Annotated[NDArray[np.float64], "N"], n: int) -> np.float64`},
		{"np.int64 parameters tied to dimensions name the symbols as ints do",
			[]store.Signature{
				sig(1, none, "A", arr("float64", 20), "n", npint("int64", 20, 20), "m", npint("int32", 20, 20)),
				sig(1, none, "A", arr("float64", 60), "n", npint("int64", 60, 60), "m", npint("int32", 60, 60)),
			},
			`(A: Annotated[NDArray[np.float64], "N"], n: np.int64, m: np.int32) -> None; n == A.shape[0]`},
		{"a parameter named like a letter keeps its name free",
			[]store.Signature{sig(1, none, "N", intv(3, 3), "x", arr("int64", 50))},
			`(N: int, x: Annotated[NDArray[np.int64], "M"]) -> None`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.sigs...); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestIntLike(t *testing.T) {
	np64 := func(lo, hi int64) *Type { return &Type{Kind: NPScalar, DType: "int64", Range: &Range{lo, hi}} }
	for _, tt := range []struct {
		t    *Type
		like bool
		rng  string
	}{
		{IntIn(2, 5), true, "2..5"},
		{np64(3, 9), true, "3..9"},
		{Join(IntIn(2, 5), np64(3, 9)), true, "2..9"},
		{Join(Simple(Int), np64(3, 9)), true, "none"},
		{&Type{Kind: NPScalar, DType: "int32", Range: &Range{1, 2}}, false, "1..2"},
		{Join(IntIn(2, 5), Simple(Float)), false, "none"},
		{Join(IntIn(2, 5), Simple(None)), false, "none"},
	} {
		rng := "none"
		if r := IntRange(tt.t); r != nil {
			rng = fmt.Sprintf("%d..%d", r.Min, r.Max)
		}
		if IntLike(tt.t) != tt.like || (tt.like && rng != tt.rng) {
			t.Errorf("%s: IntLike %v, range %s; want %v, %s", tt.t, IntLike(tt.t), rng, tt.like, tt.rng)
		}
	}
}

func TestSynthesizeSymbolsRecordOccurrences(t *testing.T) {
	s, err := Synthesize([]store.Signature{
		sig(1, none, "tsteps", intv(3, 3), "n", intv(12, 12), "A", arr("float64", 12, 12), "B", arr("float64", 12, 12)),
		sig(1, none, "tsteps", intv(5, 5), "n", intv(30, 30), "A", arr("float64", 30, 30), "B", arr("float64", 30, 30)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Symbols) != 1 {
		t.Fatalf("symbols = %+v, want one (N for n)", s.Symbols)
	}
	sym := s.Symbols[0]
	if sym.Name != "N" || sym.Min != 12 || sym.Max != 30 || len(sym.Dims) != 4 || sym.Params[0] != "n" {
		t.Errorf("symbol = %+v", sym)
	}
	if got := s.Params[0].Type.String(); got != "int[3..5]" {
		t.Errorf("tsteps = %s, want int[3..5]", got)
	}
	if s.Calls != 2 {
		t.Errorf("calls = %d", s.Calls)
	}
}

func TestSynthesizeRejectsDisagreeingSignatures(t *testing.T) {
	_, err := Synthesize([]store.Signature{sig(1, none, "a", float), sig(1, none, "b", float)})
	if err == nil {
		t.Fatal("no error for signatures with different parameter names")
	}
	if _, err := Synthesize(nil); err == nil {
		t.Fatal("no error for no signatures")
	}
}

func TestRendererImports(t *testing.T) {
	r := &Renderer{Module: "__main__"}
	got := []string{
		r.Hint(Array("bool", SymDim("N"))),
		r.Hint(&Type{Kind: Object, Class: "__main__.Grid"}),
		r.Hint(&Type{Kind: Object, Class: "other.Thing"}),
		r.Hint(&Type{Kind: NDArray, DType: "complex128", NDim: -1}),
		r.Hint(&Type{Kind: Tuple, Items: []*Type{}}),
	}
	want := []string{`Annotated[NDArray[np.bool_], "N"]`, `"Grid"`, "Any", "NDArray[np.complex128]", "tuple[()]"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("hints\n got %q\nwant %q", got, want)
	}
	imports := strings.Join(r.Imports(), "\n")
	wantImports := "from numpy.typing import NDArray\nfrom typing import Annotated, Any\nimport numpy as np"
	if imports != wantImports {
		t.Errorf("imports\n got %q\nwant %q", imports, wantImports)
	}
}
