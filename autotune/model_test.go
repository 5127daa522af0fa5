package autotune

import (
	"math"
	"testing"
)

func TestFitRecoversKnownModel(t *testing.T) {
	want := Model{A: 2e-4, B: 3e-9, C: 1.5}
	var pts []Point
	for _, n := range []float64{1e3, 1e4, 1e5, 1e6, 1e7} {
		pts = append(pts, Point{n, want.At(n)})
	}
	got, err := Fit(pts)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []float64{1e3, 3e4, 1e7} {
		if r := got.At(n) / want.At(n); math.Abs(r-1) > 0.02 {
			t.Errorf("fit %+v predicts %.3g at n=%g, want %.3g", got, got.At(n), n, want.At(n))
		}
	}
}

func TestChooseThresholds(t *testing.T) {
	// A fast-start, steep variant and a slow-start, flat one cross where
	// 1e-5 + 1e-8 n = 1e-3 + 1e-10 n, i.e. n = 0.99e-3 / 0.99e-8 = 1e5.
	models := map[string]Model{
		"loops": {A: 1e-5, B: 1e-8, C: 1},
		"blas":  {A: 1e-3, B: 1e-10, C: 1},
	}
	got := Choose(models, 1e2, 1e8)
	if len(got) != 2 || got[0].Variant != "loops" || got[1].Variant != "blas" || got[1].Below != 0 {
		t.Fatalf("ranges = %+v", got)
	}
	if math.Abs(got[0].Below-1e5)/1e5 > 1e-3 {
		t.Errorf("threshold %g, want 1e5", got[0].Below)
	}
	if one := Choose(map[string]Model{"only": {1, 1, 1}}, 1, 10); len(one) != 1 || one[0].Variant != "only" {
		t.Errorf("one model: %+v", one)
	}
	if Choose(nil, 1, 10) != nil {
		t.Errorf("no models should give no ranges")
	}
}

func TestFitFewPoints(t *testing.T) {
	got, err := Fit([]Point{{1000, 1e-3}})
	if err != nil || got.C != 1 || got.At(1000) <= 0 {
		t.Errorf("one point: %+v, %v", got, err)
	}
}
