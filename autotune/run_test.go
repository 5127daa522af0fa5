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
