package typeinfer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/store"
)

const progSrc = `"""A program with its own alias for numpy and a few annotations."""
import numpy as xp


class Grid:
    def __init__(self, n):
        self.n = n

    def cells(self, scale):
        return self.n * self.n * scale


def smooth(x, n, w: float = 0.5, *rest):
    # interior points only
    for i in range(1, n - 1):
        x[i] = w * x[i] + (1 - w) * 0.5 * (x[i - 1] + x[i + 1])
    return x


def total(x: xp.ndarray, g: "Grid") -> float:
    return float(x.sum()) + g.cells(1.0)


def wrong(k: int, y):
    return y


def helper(a, b):
    return a
`

func recorded(file string) []store.Function {
	sig := func(calls int64, ret store.Value, args ...any) store.Signature {
		s := store.Signature{Calls: calls, Returns: []store.Return{{Value: ret, Count: calls}}}
		for i := 0; i < len(args); i += 2 {
			s.Args = append(s.Args, store.Arg{Name: args[i].(string), Value: args[i+1].(store.Value)})
		}
		return s
	}
	grid := store.Value{Type: "object", Class: "__main__.Grid"}
	return []store.Function{
		{QualName: "smooth", Module: "__main__", File: file, FirstLine: 13, Calls: 3, Signatures: []store.Signature{
			sig(2, arr("float64", 40), "x", arr("float64", 40), "n", intv(40, 40), "w", float, "rest", store.Value{Type: "tuple", Items: []store.Value{}}),
			sig(1, arr("float64", 90), "x", arr("float64", 90), "n", intv(90, 90), "w", float, "rest", store.Value{Type: "tuple", Items: []store.Value{}}),
		}},
		{QualName: "total", Module: "__main__", File: file, FirstLine: 20, Calls: 1, Signatures: []store.Signature{
			sig(1, float, "x", arr("float64", 40), "g", grid)}},
		{QualName: "Grid.cells", Module: "__main__", File: file, FirstLine: 9, Calls: 1, Signatures: []store.Signature{
			sig(1, float, "self", grid, "scale", float)}},
		{QualName: "wrong", Module: "__main__", File: file, FirstLine: 24, Calls: 1, Signatures: []store.Signature{
			sig(1, none, "k", float, "y", none)}},
	}
}

func loadTemp(t *testing.T) (*Program, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "prog.py")
	if err := os.WriteFile(path, []byte(progSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(path)
	p, err := Load(path, recorded(real))
	if err != nil {
		t.Fatal(err)
	}
	return p, real
}

func TestLoadMatchesDefinitions(t *testing.T) {
	p, _ := loadTemp(t)
	if len(p.Modules) != 1 {
		t.Fatalf("modules = %d", len(p.Modules))
	}
	m := p.Modules[0]
	if m.NumPyAlias() != "xp" || m.Name != "__main__" {
		t.Errorf("numpy alias %q, name %q", m.NumPyAlias(), m.Name)
	}
	want := map[string]string{
		"smooth":     `def smooth(x: Annotated[NDArray[xp.float64], "N"], n: int, w: float = 0.5, *rest) -> Annotated[NDArray[xp.float64], "N"]`,
		"total":      `def total(x: xp.ndarray, g: "Grid") -> float`,
		"Grid.cells": `def cells(self: "Grid", scale: float) -> float`,
		"helper":     `def helper(a, b)`,
	}
	for name, def := range want {
		f := m.Func(name)
		if f == nil {
			t.Fatalf("no function %s", name)
		}
		if got := f.DefLine(); got != def {
			t.Errorf("%s:\n got %s\nwant %s", name, got, def)
		}
	}
	if notes := strings.Join(m.Func("smooth").Notes(), "; "); notes != "n in 40..90; N in 40..90; n == x.shape[0]" {
		t.Errorf("smooth notes = %q", notes)
	}
	if m.Func("helper").Recorded != nil {
		t.Errorf("helper was never called but has a recorded signature")
	}
}

func TestConflictingSourceHintsReported(t *testing.T) {
	p, _ := loadTemp(t)
	m := p.Modules[0]
	c := m.Func("wrong").Conflicts
	if len(c) != 1 || !strings.Contains(c[0], "prog.py:24:14: ") ||
		!strings.Contains(c[0], "parameter k is annotated int but was called with float") {
		t.Errorf("conflicts of wrong = %q", c)
	}
	if c := m.Func("total").Conflicts; len(c) != 0 {
		t.Errorf("total's annotations agree with its calls, yet: %q", c)
	}
}

func TestCompatible(t *testing.T) {
	tests := []struct {
		decl, obs *Type
		ok        bool
	}{
		{Simple(Float), Simple(Int), true},
		{Simple(Int), Simple(Float), false},
		{Simple(Complex), Join(Simple(Int), Simple(Float)), true},
		{&Type{Kind: NDArray, NDim: -1}, Array("int8", LitDim(3)), true},
		{&Type{Kind: NDArray, DType: "float32", NDim: -1}, Array("float64", LitDim(3)), false},
		{Array("float64", SymDim("N"), LitDim(3)), Array("float64", SymDim("M"), LitDim(3)), true},
		{Array("float64", SymDim("N"), LitDim(3)), Array("float64", SymDim("M"), LitDim(4)), false},
		{Array("float64", SymDim("N")), Array("float64", SymDim("M"), SymDim("K")), false},
		{Join(Simple(None), Simple(Int)), Simple(None), true},
		{Join(Simple(None), Simple(Int)), Simple(Str), false},
	}
	for _, tt := range tests {
		if got := compatible(tt.decl, tt.obs) == ""; got != tt.ok {
			t.Errorf("compatible(%s, %s) = %v, want %v", tt.decl, tt.obs, got, tt.ok)
		}
	}
}

func TestApplyChangesOnlySignaturesAndImports(t *testing.T) {
	p, _ := loadTemp(t)
	out, err := p.Modules[0].Apply()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"import numpy as xp\n",
		"import numpy as xp\nfrom numpy.typing import NDArray\nfrom typing import Annotated\n",
		"    def cells(self, scale):", `    def cells(self: "Grid", scale: float) -> float:`,
		"def smooth(x, n, w: float = 0.5, *rest):",
		`def smooth(x: Annotated[NDArray[xp.float64], "N"], n: int, w: float = 0.5, *rest) -> Annotated[NDArray[xp.float64], "N"]:`,
		"def wrong(k: int, y):", "def wrong(k: int, y: None) -> None:",
	).Replace(progSrc)
	if string(out) != want {
		t.Errorf("applied source:\n%s\nwant:\n%s", out, want)
	}
}

func TestStub(t *testing.T) {
	p, _ := loadTemp(t)
	got := p.Modules[0].Stub()
	for _, want := range []string{
		"import numpy as xp\n",
		"from numpy.typing import NDArray\n",
		`def smooth(x: Annotated[NDArray[xp.float64], "N"], n: int, w: float = 0.5, *rest) -> Annotated[NDArray[xp.float64], "N"]: ...`,
		"class Grid:\n    def __init__(self, n): ...\n    def cells(self: \"Grid\", scale: float) -> float: ...",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stub lacks %q:\n%s", want, got)
		}
	}
}

func TestLargestArrayExpr(t *testing.T) {
	src := "def gesummv(n, x, A):\n    pass\n\n\ndef vec(x, y):\n    pass\n\n\ndef scal(a):\n    pass\n\n\ndef never(A):\n    pass\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "prog.py")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(path)
	fn := func(name string, line int, sigs ...store.Signature) store.Function {
		return store.Function{QualName: name, Module: "__main__", File: real, FirstLine: line, Calls: 2, Signatures: sigs}
	}
	p, err := Load(path, []store.Function{
		// x comes first but A, N x N, is larger: the product of symbols (N) undercounts it.
		fn("gesummv", 1, sig(1, none, "n", intv(40, 40), "x", arr("float64", 40), "A", arr("float64", 40, 40)),
			sig(1, none, "n", intv(90, 90), "x", arr("float64", 90), "A", arr("float64", 90, 90))),
		// y has more elements in the profile than x, though both are one-dimensional.
		fn("vec", 5, sig(1, none, "x", arr("float64", 10), "y", arr("float64", 500)),
			sig(1, none, "x", arr("float64", 20), "y", arr("float64", 700))),
		fn("scal", 9, sig(1, none, "a", float)),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Modules[0]
	for name, want := range map[string]string{"gesummv": "A.size", "vec": "y.size", "scal": "", "never": ""} {
		if got := m.Func(name).LargestArrayExpr(); got != want {
			t.Errorf("%s: LargestArrayExpr() = %q, want %q", name, got, want)
		}
	}
	if name, rank := m.Func("gesummv").LargestArray(); name != "A" || rank != 2 {
		t.Errorf("gesummv: LargestArray() = %q, %d, want A, 2", name, rank)
	}
}
