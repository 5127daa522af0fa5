package isl

import (
	"fmt"
	"testing"
)

// newCtx returns a Context that is freed when the test ends. Freeing fails
// if any object is still alive, so every test that uses newCtx is also a
// leak test. Objects registered with keep are freed before (cleanups run
// last-in first-out).
func newCtx(t *testing.T) *Context {
	t.Helper()
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Free(); err != nil {
			t.Errorf("leak: %v", err)
		}
	})
	return c
}

// keep fails the test on err and frees x when the test ends.
func keep[T interface{ Free() }](t *testing.T, x T, err error) T {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Free)
	return x
}

func set(t *testing.T, c *Context, s string) *Set {
	t.Helper()
	x, err := c.ParseSet(s)
	return keep(t, x, err)
}

func mp(t *testing.T, c *Context, s string) *Map {
	t.Helper()
	x, err := c.ParseMap(s)
	return keep(t, x, err)
}

func uset(t *testing.T, c *Context, s string) *UnionSet {
	t.Helper()
	x, err := c.ParseUnionSet(s)
	return keep(t, x, err)
}

func umap(t *testing.T, c *Context, s string) *UnionMap {
	t.Helper()
	x, err := c.ParseUnionMap(s)
	return keep(t, x, err)
}

// isTrue returns a check that fails the test unless it gets (true, nil);
// it is curried so that isTrue(t, "what")(s.IsEmpty()) compiles.
func isTrue(t *testing.T, what string) func(bool, error) {
	return func(ok bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !ok {
			t.Errorf("%s: got false, want true", what)
		}
	}
}

// isFalse is isTrue for (false, nil).
func isFalse(t *testing.T, what string) func(bool, error) {
	return func(ok bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			t.Errorf("%s: got true, want false", what)
		}
	}
}

// sameUnionMap fails the test unless got equals the relation want.
func sameUnionMap(t *testing.T, c *Context, what string, got *UnionMap, want string) {
	t.Helper()
	w := umap(t, c, want)
	eq, err := got.IsEqual(w)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !eq {
		t.Errorf("%s:\n got  %s\n want %s", what, got, w)
	}
}

// run executes an AST for the given parameter values and returns the
// statement calls it makes, in order, printed as "S(1, 2)". It gives the
// AST tests a check of meaning that does not depend on how isl chooses to
// spell a bound.
func run(t *testing.T, n Node, params map[string]int64) []string {
	t.Helper()
	in := &interp{env: map[string]int64{}}
	for k, v := range params {
		in.env[k] = v
	}
	if err := in.node(n); err != nil {
		t.Fatal(err)
	}
	return in.calls
}

type interp struct {
	env   map[string]int64
	calls []string
	steps int
}

func (in *interp) node(n Node) error {
	if in.steps++; in.steps > 1e6 {
		return fmt.Errorf("interp: too many steps")
	}
	switch n := n.(type) {
	case *For:
		v, err := in.expr(n.Init)
		if err != nil {
			return err
		}
		saved, had := in.env[n.Iterator]
		for {
			in.env[n.Iterator] = v
			ok, err := in.expr(n.Cond)
			if err != nil {
				return err
			}
			if ok == 0 {
				break
			}
			if err := in.node(n.Body); err != nil {
				return err
			}
			inc, err := in.expr(n.Inc)
			if err != nil {
				return err
			}
			if inc <= 0 {
				return fmt.Errorf("interp: non-positive increment %d", inc)
			}
			v += inc
		}
		if had {
			in.env[n.Iterator] = saved
		} else {
			delete(in.env, n.Iterator)
		}
		return nil
	case *If:
		ok, err := in.expr(n.Cond)
		if err != nil {
			return err
		}
		if ok != 0 {
			return in.node(n.Then)
		}
		if n.Else != nil {
			return in.node(n.Else)
		}
		return nil
	case *Block:
		for _, c := range n.Children {
			if err := in.node(c); err != nil {
				return err
			}
		}
		return nil
	case *Mark:
		return in.node(n.Node)
	case *User:
		call, ok := n.Expr.(*Op)
		if !ok || call.Kind != OpCall {
			return fmt.Errorf("interp: user node %v is not a call", n.Expr)
		}
		s := FormatExpr(call.Args[0]) + "("
		for i, a := range call.Args[1:] {
			v, err := in.expr(a)
			if err != nil {
				return err
			}
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprint(v)
		}
		in.calls = append(in.calls, s+")")
		return nil
	}
	return fmt.Errorf("interp: unexpected node %T", n)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (in *interp) expr(e Expr) (int64, error) {
	switch e := e.(type) {
	case *Int:
		return e.Value, nil
	case *Id:
		v, ok := in.env[e.Name]
		if !ok {
			return 0, fmt.Errorf("interp: unbound %s", e.Name)
		}
		return v, nil
	case *Op:
		args := make([]int64, len(e.Args))
		for i, a := range e.Args {
			v, err := in.expr(a)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		switch e.Kind {
		case OpAnd, OpAndThen:
			return b2i(args[0] != 0 && args[1] != 0), nil
		case OpOr, OpOrElse:
			return b2i(args[0] != 0 || args[1] != 0), nil
		case OpMax, OpMin:
			r := args[0]
			for _, v := range args[1:] {
				if (e.Kind == OpMax) == (v > r) {
					r = v
				}
			}
			return r, nil
		case OpMinus:
			return -args[0], nil
		case OpAdd:
			return args[0] + args[1], nil
		case OpSub:
			return args[0] - args[1], nil
		case OpMul:
			return args[0] * args[1], nil
		case OpDiv, OpFdivQ, OpPdivQ:
			return floorDiv(args[0], args[1]), nil
		case OpPdivR, OpZdivR:
			return args[0] - args[1]*floorDiv(args[0], args[1]), nil
		case OpCond, OpSelect:
			if args[0] != 0 {
				return args[1], nil
			}
			return args[2], nil
		case OpEq:
			return b2i(args[0] == args[1]), nil
		case OpLe:
			return b2i(args[0] <= args[1]), nil
		case OpLt:
			return b2i(args[0] < args[1]), nil
		case OpGe:
			return b2i(args[0] >= args[1]), nil
		case OpGt:
			return b2i(args[0] > args[1]), nil
		}
		return 0, fmt.Errorf("interp: operator %v", e.Kind)
	}
	return 0, fmt.Errorf("interp: unexpected expression %T", e)
}
