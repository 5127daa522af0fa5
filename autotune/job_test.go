package autotune

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/store"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestJobForIntParameters checks how int-like parameters are synthesized: an int or an
// np.int64 equal to an extent follows its symbol (the np.int64 passed as one), one that is
// not takes its recorded value, and a NumPy float is a float.
func TestJobForIntParameters(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	arg := func(name string, v store.Value) store.Arg { return store.Arg{Name: name, Value: v} }
	sig := func(n int64) store.Signature {
		return store.Signature{Calls: 1, Returns: []store.Return{{Value: store.Value{Type: "None"}, Count: 1}}, Args: []store.Arg{
			arg("A", store.Value{Type: "ndarray", DType: "float64", Shape: []int64{n}, NDim: 1, CContiguous: true}),
			arg("n", store.Value{Type: "npscalar", DType: "int64", Min: i64(n), Max: i64(n)}),
			arg("steps", store.Value{Type: "int", Min: i64(3), Max: i64(7)}),
			arg("w", store.Value{Type: "npscalar", DType: "float64"}),
		}}
	}
	// m is an int in one signature and an np.int64 in the other, equal to A's extent in both;
	// c likewise but tied to nothing.
	withUnion := func(s store.Signature, n int64, npm bool) store.Signature {
		m := store.Value{Type: "int", Min: i64(n), Max: i64(n)}
		c := store.Value{Type: "int", Min: i64(4), Max: i64(4)}
		if npm {
			m = store.Value{Type: "npscalar", DType: "int64", Min: i64(n), Max: i64(n)}
			c = store.Value{Type: "npscalar", DType: "int64", Min: i64(11), Max: i64(11)}
		}
		s.Args = append(s.Args, arg("m", m), arg("c", c))
		return s
	}
	rec, err := typeinfer.Synthesize([]store.Signature{withUnion(sig(20), 20, false), withUnion(sig(60), 60, true)})
	if err != nil {
		t.Fatal(err)
	}
	job, err := JobFor(&typeinfer.Function{Def: &pyast.FunctionDef{Name: "relax"}, Recorded: rec}, []string{"numba"}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	want := []ParamSpec{
		{Name: "A", Kind: "array", DType: "float64", Shape: []DimSpec{{Sym: "N"}}},
		{Name: "n", Kind: "int", DType: "int64", Sym: "N"},
		{Name: "steps", Kind: "int", Value: 7},
		{Name: "w", Kind: "float"},
		{Name: "m", Kind: "int", Sym: "N"},
		{Name: "c", Kind: "int", Value: 11},
	}
	if len(job.Params) != len(want) {
		t.Fatalf("params = %+v", job.Params)
	}
	for i, p := range job.Params {
		w := want[i]
		if p.Name != w.Name || p.Kind != w.Kind || p.DType != w.DType || p.Sym != w.Sym || p.Value != w.Value || len(p.Shape) != len(w.Shape) {
			t.Errorf("param %d = %+v, want %+v", i, p, w)
		}
	}
	if job.Symbols["N"] != 60 {
		t.Errorf("symbols = %v, want N at 60", job.Symbols)
	}
}

// TestJobRefusesNarrowScalars: a parameter recorded as a NumPy scalar the guard refuses
// (np.float32, np.int32) gets no job: timing the variants with a Python number in its place
// would time calls that always run the original.
func TestJobRefusesNarrowScalars(t *testing.T) {
	for _, dt := range []string{"float32", "int32", "uint8"} {
		sig := store.Signature{Calls: 1, Returns: []store.Return{{Value: store.Value{Type: "None"}, Count: 1}}, Args: []store.Arg{
			{Name: "A", Value: store.Value{Type: "ndarray", DType: "float64", Shape: []int64{8}, NDim: 1, CContiguous: true}},
			{Name: "w", Value: store.Value{Type: "npscalar", DType: dt}},
		}}
		rec, err := typeinfer.Synthesize([]store.Signature{sig})
		if err != nil {
			t.Fatal(err)
		}
		_, err = JobFor(&typeinfer.Function{Def: &pyast.FunctionDef{Name: "scale"}, Recorded: rec}, []string{"numba"}, []float64{1})
		if err == nil || !strings.Contains(err.Error(), "a NumPy "+dt+" scalar, which the guard refuses") {
			t.Errorf("%s: err = %v", dt, err)
		}
	}
}
