package typeinfer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/store"
)

const localsSrc = `import math
import numpy as np


def k(A, x, n, alpha):
    m = A.shape[1]
    tmp = np.zeros(n)
    buf = np.empty((n, 3), dtype=np.float32)
    s = 0
    for i in range(n):
        s += A[i, 0] * x[i]
        row = A[i, :]
        r = math.sqrt(alpha)
        tmp[i] = s / 2
    y = A @ x
    z = np.dot(A.T, y)
    c = A.sum(axis=0)
    t = np.sum(A)
    e = np.exp(x) * alpha
    w = x[1:3]
    f = buf * 2.0
    for v in x:
        pass
    q = x[0] + 1
    return y
`

func TestLocals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.py")
	os.WriteFile(path, []byte(localsSrc), 0o644)
	real, _ := filepath.EvalSymlinks(path)
	rec := []store.Function{{QualName: "k", Module: "__main__", File: real, Calls: 2, Signatures: []store.Signature{
		sig(1, arr("float64", 20), "A", arr("float64", 20, 30), "x", arr("float64", 30), "n", intv(20, 20), "alpha", float),
		sig(1, arr("float64", 25), "A", arr("float64", 25, 32), "x", arr("float64", 32), "n", intv(25, 25), "alpha", float),
	}}}
	p, err := Load(path, rec)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range p.Modules[0].Func("k").Locals() {
		got[l.Name] = l.Type.String()
	}
	want := map[string]string{
		"m":   "int",
		"tmp": "ndarray[float64, (N)]",
		"buf": "ndarray[float32, (N, 3)]",
		"s":   "int[0..0] | np.float64",
		"i":   "int",
		"row": "ndarray[float64, (M)]",
		"r":   "float",
		"y":   "ndarray[float64, (N)]",
		"z":   "ndarray[float64, (M)]",
		"c":   "ndarray[float64, (M)]",
		"t":   "np.float64",
		"e":   "ndarray[float64, (M)]",
		"w":   "ndarray[float64, (2)]",
		"f":   "ndarray[float32, (N, 3)]",
		"v":   "np.float64",
		"q":   "np.float64",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: got %s, want %s", name, got[name], w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected local %s: %s", name, got[name])
		}
	}
	if t.Failed() {
		t.Logf("all: %v", strings.Join(func() []string {
			var s []string
			for k, v := range got {
				s = append(s, k+": "+v)
			}
			return s
		}(), "; "))
	}
}

func TestPromote(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"float32", "py-float", "float32"},
		{"int64", "py-float", "float64"},
		{"int32", "int64", "int64"},
		{"float32", "float64", "float64"},
		{"int64", "float32", "float32"},
		{"py-int", "int8", "int8"},
	}
	for _, tt := range tests {
		if got := promote(tt.a, tt.b, 0); got != tt.want {
			t.Errorf("promote(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}
