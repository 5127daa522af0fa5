package autotune

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeModule has the shape of an emitted module: a guard, the original, and three variants:
// one wrong, one correct but slow, one correct and fast.
const fakeModule = `import time
import numpy as np


def _guard_k(x, n):
    return x.shape[0] == n


def _k__orig(x, n):
    for i in range(n):
        x[i] = 2.0 * x[i] + 1.0


def _k__wrong(x, n):
    x[:] = 2.0 * x + 2.0


def _k__slow(x, n):
    time.sleep(0.002)
    x[:] = 2.0 * x + 1.0


def _k__fast(x, n):
    x *= 2.0
    x += 1.0
`

func TestRunDisqualifiesWrongAndPicksFast(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "fake.py")
	if err := os.WriteFile(mod, []byte(fakeModule), 0o644); err != nil {
		t.Fatal(err)
	}
	job := FuncJob{Name: "k", Variants: []string{"orig", "wrong", "slow", "fast"},
		Params: []ParamSpec{
			{Name: "x", Kind: "array", DType: "float64", Shape: []DimSpec{{Sym: "N"}}},
			{Name: "n", Kind: "int", Sym: "N"},
		},
		Symbols: map[string]int64{"N": 1000}, Scales: []float64{0.5, 1, 4}, WorkSyms: []string{"N"}, Work: "x.shape[0]"}
	var ms []Measurement
	err := Run(context.Background(), mod, []FuncJob{job}, Options{Python: "python3", Runs: 3, Budget: 5, Seed: 1},
		func(m Measurement) error { ms = append(ms, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for _, m := range ms {
		if m.Variant == "wrong" {
			wrong = append(wrong, m.Detail)
			if m.OK {
				t.Errorf("the wrong variant passed its check: %+v", m)
			}
		}
	}
	if len(wrong) != 1 || !strings.Contains(wrong[0], "wrong result") {
		t.Errorf("wrong variant measurements: %q (want one disqualification, then no more runs)", wrong)
	}
	d, err := Decide(job, ms)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Disqualified["wrong"]; !ok {
		t.Errorf("decision does not disqualify the wrong variant: %+v", d)
	}
	last := d.Ranges[len(d.Ranges)-1]
	if last.Variant != "fast" || d.Work != "x.shape[0]" {
		t.Errorf("decision %+v: want fast for large n", d)
	}
	for _, r := range d.Ranges {
		if r.Variant == "wrong" || r.Variant == "slow" {
			t.Errorf("decision chooses %s: %+v", r.Variant, d.Ranges)
		}
	}
	if len(d.Models) != 3 {
		t.Errorf("models for %d variants, want orig, slow, fast: %+v", len(d.Models), d.Models)
	}
}

func TestRunCancelKeepsMeasurements(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "fake.py")
	os.WriteFile(mod, []byte(fakeModule), 0o644)
	job := FuncJob{Name: "k", Variants: []string{"orig", "slow"},
		Params:  []ParamSpec{{Name: "x", Kind: "array", DType: "float64", Shape: []DimSpec{{Sym: "N"}}}, {Name: "n", Kind: "int", Sym: "N"}},
		Symbols: map[string]int64{"N": 100}, Scales: []float64{1, 2, 3, 4, 5, 6, 7, 8}, WorkSyms: []string{"N"}}
	ctx, cancel := context.WithCancel(context.Background())
	var got int
	err := Run(ctx, mod, []FuncJob{job}, Options{Python: "python3", Runs: 50, Budget: 5, Seed: 1},
		func(m Measurement) error {
			got++
			if got == 3 {
				cancel()
			}
			return nil
		})
	if err == nil || got < 3 {
		t.Errorf("err = %v after %d measurements; want a cancellation after 3", err, got)
	}
}

// gatherModule's kernel gathers columns by a list of ints, as pyparc's gathers do; its
// original raises IndexError on an index outside the array.
const gatherModule = `import numpy as np


def _guard_g(X, cells):
    return type(cells) is list and all(type(c) is int for c in cells)


def _g__orig(X, cells):
    R = np.zeros((X.shape[0], X.shape[0]), dtype=X.dtype)
    for c in cells:
        R += np.outer(X[:, c], X[:, c].conj())
    return R


def _g__take(X, cells):
    G = np.take(X, cells, axis=1)
    return G @ G.conj().T
`

// TestRunSynthesizesIndexLists: a list of ints is drawn so that it indexes the arrays (the
// original then runs), and complex square matrices are made diagonally dominant too.
func TestRunSynthesizesIndexLists(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "gather.py")
	if err := os.WriteFile(mod, []byte(gatherModule), 0o644); err != nil {
		t.Fatal(err)
	}
	job := FuncJob{Name: "g", Variants: []string{"orig", "take"},
		Params: []ParamSpec{
			{Name: "X", Kind: "array", DType: "complex128", Shape: []DimSpec{{Sym: "N"}, {Sym: "M"}}},
			{Name: "cells", Kind: "intlist"},
		},
		Symbols: map[string]int64{"N": 12, "M": 300}, Scales: []float64{1}, WorkSyms: []string{"N", "M"}, Work: "X.size"}
	var ms []Measurement
	err := Run(context.Background(), mod, []FuncJob{job}, Options{Python: "python3", Runs: 2, Budget: 5, Seed: 1},
		func(m Measurement) error { ms = append(ms, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{}
	for _, m := range ms {
		if m.Detail != "" && !m.OK {
			t.Errorf("%s: %s", m.Variant, m.Detail)
		}
		ok[m.Variant] = ok[m.Variant] || m.OK
	}
	if !ok["orig"] || !ok["take"] {
		t.Errorf("measurements %+v: want the original and the gather timed and checked", ms)
	}
}
