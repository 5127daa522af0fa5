package autotune

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/optimize"
)

// Model is a variant's fitted cost: t(n) = A + B * n^C seconds for work count n. A is the fixed
// cost of a call (guards, dispatch, kernel launches), B*n^C what grows with the problem.
type Model struct {
	A, B, C float64
}

// At predicts the time of a call with work count n.
func (m Model) At(n float64) float64 { return m.A + m.B*math.Pow(n, m.C) }

// Point is one measurement: work count and median seconds.
type Point struct{ N, T float64 }

// Fit fits a model to measured points by least squares on the logarithms of the times (every
// size counts alike, whatever its magnitude), with A and B kept positive. It needs at least one
// point; with fewer than three the exponent stays 1.
func Fit(points []Point) (Model, error) {
	minT := math.Inf(1)
	var ratios []float64
	for _, p := range points {
		minT = math.Min(minT, p.T)
		if p.N > 0 {
			ratios = append(ratios, p.T/p.N)
		}
	}
	sort.Float64s(ratios)
	b0 := 1e-9
	if len(ratios) > 0 {
		b0 = math.Max(ratios[len(ratios)/2], 1e-15)
	}
	x0 := []float64{math.Log(math.Max(minT/2, 1e-9)), math.Log(b0), 1}
	loss := func(x []float64) float64 {
		c := x[2]
		if len(points) < 3 {
			c = 1
		}
		m := Model{math.Exp(x[0]), math.Exp(x[1]), c}
		var s float64
		for _, p := range points {
			d := math.Log(p.T) - math.Log(m.At(p.N))
			s += d * d
		}
		// Keep the exponent in a physical range: work counts grow at most cubically in time
		// per element here, and a negative exponent means nothing.
		if c < 0 {
			s += c * c * 100
		}
		if c > 3 {
			s += (c - 3) * (c - 3) * 100
		}
		return s
	}
	res, err := optimize.Minimize(optimize.Problem{Func: loss}, x0, &optimize.Settings{
		Converger: &optimize.FunctionConverge{Absolute: 1e-10, Iterations: 200},
	}, &optimize.NelderMead{})
	if err != nil && res == nil {
		return Model{}, err
	}
	c := res.X[2]
	if len(points) < 3 {
		c = 1
	}
	return Model{math.Exp(res.X[0]), math.Exp(res.X[1]), c}, nil
}

// Range says which variant to run for work counts below Below (the last range has Below 0,
// meaning no upper bound).
type Range struct {
	Below   float64 `json:"below,omitempty"`
	Variant string  `json:"variant"`
}

// Choose derives, from the variants' models, the best variant as the work count grows, over
// [lo, hi] (beyond the measured sizes the last choice holds). Neighbouring ranges never name
// the same variant.
func Choose(models map[string]Model, lo, hi float64) []Range {
	if len(models) == 0 || lo <= 0 || hi < lo {
		return nil
	}
	var names []string
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	best := func(n float64) string {
		b := names[0]
		for _, v := range names[1:] {
			if models[v].At(n) < models[b].At(n) {
				b = v
			}
		}
		return b
	}
	const steps = 400
	var out []Range
	cur := best(lo)
	prev := lo
	for i := 1; i <= steps; i++ {
		n := lo * math.Pow(hi/lo, float64(i)/steps)
		if b := best(n); b != cur {
			// Bisect the switch point between prev and n.
			l, h := prev, n
			for k := 0; k < 40; k++ {
				mid := math.Sqrt(l * h)
				if best(mid) == cur {
					l = mid
				} else {
					h = mid
				}
			}
			out = append(out, Range{Below: math.Round(h), Variant: cur})
			cur = b
		}
		prev = n
	}
	return append(out, Range{Variant: cur})
}
