package isl

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// genMap generates the AST of a schedule relation under a parameter context.
func genMap(t *testing.T, c *Context, context, schedule string, iterators ...string) Node {
	t.Helper()
	var params *Set
	if context != "" {
		params = set(t, c, context)
	}
	build, err := c.NewASTBuild(params)
	keep(t, build, err)
	if iterators != nil {
		if err := build.SetIterators(iterators); err != nil {
			t.Fatal(err)
		}
	}
	n, err := build.NodeFromScheduleMap(umap(t, c, schedule))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mentions reports whether e refers to the identifier name.
func mentions(e Expr, name string) bool {
	switch e := e.(type) {
	case *Id:
		return e.Name == name
	case *Op:
		for _, a := range e.Args {
			if mentions(a, name) {
				return true
			}
		}
	}
	return false
}

// isCall reports whether n is the statement call name(args...) with
// identifiers as arguments.
func isCall(n Node, name string, args ...string) bool {
	u, ok := n.(*User)
	if !ok {
		return false
	}
	op, ok := u.Expr.(*Op)
	if !ok || op.Kind != OpCall || len(op.Args) != len(args)+1 {
		return false
	}
	want := []Expr{&Id{Name: name}}
	for _, a := range args {
		want = append(want, &Id{Name: a})
	}
	return reflect.DeepEqual(op.Args, want)
}

// enumerate lists the calls name(i, j) in lexicographic order of (i, j)
// over the points accepted by in.
func enumerate(name string, n int, in func(i, j int) bool) []string {
	var out []string
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if in(i, j) {
				out = append(out, fmt.Sprintf("%s(%d, %d)", name, i, j))
			}
		}
	}
	return out
}

func TestASTRectangle(t *testing.T) {
	c := newCtx(t)
	ast := genMap(t, c, "[N, M] -> { : N >= 1 and M >= 1 }",
		"[N, M] -> { S[i, j] -> [i, j] : 0 <= i < N and 0 <= j < M }")

	outer, ok := ast.(*For)
	if !ok {
		t.Fatalf("top node is %T, want *For:\n%s", ast, Format(ast))
	}
	inner, ok := outer.Body.(*For)
	if !ok {
		t.Fatalf("outer body is %T, want *For:\n%s", outer.Body, Format(ast))
	}
	zero, one := &Int{Value: 0}, &Int{Value: 1}
	if outer.Iterator != "c0" || !reflect.DeepEqual(outer.Init, zero) || !reflect.DeepEqual(outer.Inc, one) {
		t.Errorf("outer loop %s = %v; ...; += %v", outer.Iterator, outer.Init, outer.Inc)
	}
	if inner.Iterator != "c1" || !reflect.DeepEqual(inner.Init, zero) || !reflect.DeepEqual(inner.Inc, one) {
		t.Errorf("inner loop %s = %v; ...; += %v", inner.Iterator, inner.Init, inner.Inc)
	}
	// A rectangle: the bounds are the parameters, not the other iterator.
	if !mentions(outer.Cond, "N") || !mentions(inner.Cond, "M") || mentions(inner.Cond, "c0") {
		t.Errorf("conditions %v and %v", outer.Cond, inner.Cond)
	}
	if !isCall(inner.Body, "S", "c0", "c1") {
		t.Errorf("loop body is %s", Format(inner.Body))
	}

	got := run(t, ast, map[string]int64{"N": 3, "M": 2})
	want := []string{"S(0, 0)", "S(0, 1)", "S(1, 0)", "S(1, 1)", "S(2, 0)", "S(2, 1)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("executes %v, want %v", got, want)
	}
	if text := Format(ast); !strings.HasPrefix(text, "for (c0 = 0; ") {
		t.Errorf("Format:\n%s", text)
	}
}

func TestASTTriangle(t *testing.T) {
	c := newCtx(t)
	ast := genMap(t, c, "", "[N] -> { S[i, j] -> [i, j] : 0 <= i < N and 0 <= j <= i }", "i", "j")
	outer, ok := ast.(*For)
	if !ok {
		t.Fatalf("top node is %T:\n%s", ast, Format(ast))
	}
	inner, ok := outer.Body.(*For)
	if !ok {
		t.Fatalf("outer body is %T:\n%s", outer.Body, Format(ast))
	}
	if outer.Iterator != "i" || inner.Iterator != "j" {
		t.Errorf("iterators %q, %q; want the names given to SetIterators", outer.Iterator, inner.Iterator)
	}
	// A triangle: the inner bound is the outer iterator.
	if !mentions(inner.Cond, "i") || mentions(inner.Cond, "N") {
		t.Errorf("inner condition %v", inner.Cond)
	}
	if !isCall(inner.Body, "S", "i", "j") {
		t.Errorf("loop body is %s", Format(inner.Body))
	}
	got := run(t, ast, map[string]int64{"N": 4})
	want := enumerate("S", 4, func(i, j int) bool { return j <= i })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("executes %v, want %v", got, want)
	}
}

// TestASTShapes covers the other node and expression shapes: guards,
// strides, single iterations, sequences and min/max bounds.
func TestASTShapes(t *testing.T) {
	c := newCtx(t)
	tests := []struct {
		name     string
		schedule string
		check    func(n Node) bool // structure, derived from the schedule
		params   map[string]int64
		want     []string
	}{
		{
			// A condition on parameters only becomes an If around the loop.
			name:     "guard",
			schedule: "[N] -> { S[i] -> [i] : 0 <= i < 3 and N >= 5 }",
			check:    func(n Node) bool { f, ok := n.(*If); return ok && f.Else == nil && mentions(f.Cond, "N") },
			params:   map[string]int64{"N": 7},
			want:     []string{"S(0)", "S(1)", "S(2)"},
		},
		{
			name:     "guard false",
			schedule: "[N] -> { S[i] -> [i] : 0 <= i < 3 and N >= 5 }",
			params:   map[string]int64{"N": 4},
			want:     nil,
		},
		{
			// Multiples of 3 are visited by a loop of step 3.
			name:     "stride",
			schedule: "{ S[i] -> [i] : 0 <= i < 10 and i mod 3 = 0 }",
			check:    func(n Node) bool { f, ok := n.(*For); return ok && reflect.DeepEqual(f.Inc, &Int{Value: 3}) },
			want:     []string{"S(0)", "S(3)", "S(6)", "S(9)"},
		},
		{
			name:     "single iteration",
			schedule: "{ S[i] -> [i] : i = 5 }",
			want:     []string{"S(5)"},
		},
		{
			// Statements at different first time coordinates are in sequence.
			name:     "sequence",
			schedule: "{ S[i] -> [0, i] : 0 <= i < 2; T[i] -> [1, i] : 0 <= i < 3 }",
			check: func(n Node) bool {
				b, ok := n.(*Block)
				return ok && len(b.Children) == 2
			},
			want: []string{"S(0)", "S(1)", "T(0)", "T(1)", "T(2)"},
		},
		{
			// Fused statements share a loop whose body is a block.
			name:     "fused",
			schedule: "{ S[i] -> [i, 0] : 0 <= i < 2; T[i] -> [i, 1] : 0 <= i < 2 }",
			check: func(n Node) bool {
				f, ok := n.(*For)
				if !ok {
					return false
				}
				b, ok := f.Body.(*Block)
				return ok && len(b.Children) == 2
			},
			want: []string{"S(0)", "T(0)", "S(1)", "T(1)"},
		},
		{
			name:     "two upper bounds",
			schedule: "[N, M] -> { S[i] -> [i] : 0 <= i < N and i < M }",
			params:   map[string]int64{"N": 5, "M": 3},
			want:     []string{"S(0)", "S(1)", "S(2)"},
		},
		{
			// The image of i is 2i: the call argument is an expression.
			name:     "scaled time",
			schedule: "{ S[i] -> [2i] : 0 <= i < 3 }",
			want:     []string{"S(0)", "S(1)", "S(2)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ast := genMap(t, c, "", tt.schedule)
			if tt.check != nil && !tt.check(ast) {
				t.Errorf("unexpected structure:\n%s", Format(ast))
			}
			if got := run(t, ast, tt.params); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("executes %v, want %v; AST:\n%s", got, tt.want, Format(ast))
			}
		})
	}
}

// TestASTFromScheduleTree generates code from a schedule tree with a
// sequence, and checks the ordering it implies.
func TestASTFromScheduleTree(t *testing.T) {
	c := newCtx(t)
	sched, err := c.ParseSchedule(`{ domain: "[N] -> { S[i] : 0 <= i < N; T[i] : 0 <= i < N }", ` +
		`child: { sequence: [ { filter: "{ S[i] }", child: { schedule: "[N] -> [{ S[i] -> [(i)] }]" } }, ` +
		`{ filter: "{ T[i] }", child: { schedule: "[N] -> [{ T[i] -> [(N - 1 - i)] }]" } } ] } }`)
	keep(t, sched, err)
	build, err := c.NewASTBuild(nil)
	keep(t, build, err)
	ast, err := build.NodeFromSchedule(sched)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := ast.(*Block)
	if !ok || len(b.Children) != 2 {
		t.Fatalf("want a block of two loops:\n%s", Format(ast))
	}
	// T runs its instances backwards: time c0 is instance N - 1 - c0.
	got := run(t, ast, map[string]int64{"N": 3})
	want := []string{"S(0)", "S(1)", "S(2)", "T(2)", "T(1)", "T(0)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("executes %v, want %v; AST:\n%s", got, want, Format(ast))
	}
}

func TestFormatExpr(t *testing.T) {
	i, n := &Id{Name: "i"}, &Id{Name: "N"}
	k := func(v int64) *Int { return &Int{Value: v} }
	op := func(kind OpKind, args ...Expr) *Op { return &Op{Kind: kind, Args: args} }
	tests := []struct {
		e    Expr
		want string
	}{
		{op(OpAdd, i, k(1)), "i + 1"},
		{op(OpSub, i, op(OpSub, n, k(1))), "i - (N - 1)"},
		{op(OpSub, op(OpSub, i, n), k(1)), "i - N - 1"},
		{op(OpMul, k(2), op(OpAdd, i, k(1))), "2 * (i + 1)"},
		{op(OpLe, i, op(OpSub, n, k(1))), "i <= N - 1"},
		{op(OpAnd, op(OpGe, i, k(0)), op(OpLt, i, n)), "i >= 0 && i < N"},
		{op(OpMinus, op(OpAdd, i, k(1))), "-(i + 1)"},
		{op(OpMin, i, n, k(7)), "min(i, N, 7)"},
		{op(OpFdivQ, i, k(4)), "floord(i, 4)"},
		{op(OpPdivR, i, k(4)), "i % 4"},
		{op(OpCond, op(OpEq, i, k(0)), n, i), "i == 0 ? N : i"},
		{op(OpCall, &Id{Name: "S"}, i, op(OpAdd, i, k(1))), "S(i, i + 1)"},
		{op(OpAccess, &Id{Name: "A"}, i, n), "A[i][N]"},
	}
	for _, tt := range tests {
		if got := FormatExpr(tt.e); got != tt.want {
			t.Errorf("FormatExpr = %q, want %q", got, tt.want)
		}
	}
	if OpFdivQ.String() != "fdiv_q" || OpAddressOf.String() != "address_of" {
		t.Errorf("OpKind names: %v %v", OpFdivQ, OpAddressOf)
	}
}
