package emit

import (
	"testing"

	"github.com/pyparc/pyparc/pyast"
)

func TestReservedUse(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"def k(A):\n    for i in range(A.shape[0]):\n        A[i] = 0.0\n", ""},
		{"def k(A):\n    for _ in range(3):\n        _x = A[0]\n", ""},
		{"def k(A):\n    _np = 0.0\n    for i in range(A.shape[0]):\n        _np += A[i]\n", "_np"},
		{"def k(A, _rt):\n    A[0] = _rt\n", "_rt"},
		{"def k(A):\n    global _acc\n    _acc = 1\n", "_acc"},
		{"def k(A):\n    import numpy as _np\n    A[0] = 1\n", "_np"},
		{"def k(A):\n    for _lo in range(3):\n        A[_lo] = 1\n", "_lo"},
		{"def k(A, _p_N):\n    A[0] = _p_N\n", "_p_N"},
		{"def k(A):\n    _mask0 = A > 0\n", "_mask0"},
		{"def k(A):\n    _e_A = A.copy()\n", "_e_A"},
		{"def k(A):\n    _mask = A > 0\n    _p = 1\n    _np1 = 2\n", ""},
		{"def k(A):\n    max = 0.0\n    A[0] = max\n", "max"},
		{"def k(A, len):\n    A[0] = len\n", "len"},
		{"def k(A, _r):\n    A[0] = _r[0]\n", "_r"},
		{"def k(A):\n    for range in A:\n        pass\n", "range"},
		{"def k(A):\n    A[0] = max(A[1], min(A[2], 1.0))\n    sum = 0.0\n", ""},
	}
	for _, tt := range tests {
		f, err := pyast.ParseFile("k.py", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		def := f.Module.Body[0].(*pyast.FunctionDef)
		got, at := reservedUse(def)
		if got != tt.want {
			t.Errorf("reservedUse(%q) = %q, want %q", tt.src, got, tt.want)
		}
		if got != "" && (at < def.Pos() || at >= def.End()) {
			t.Errorf("reservedUse(%q) at %d, outside the def [%d, %d)", tt.src, at, def.Pos(), def.End())
		}
	}
}

func TestModuleRebinds(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"import numpy as np\n", ""},
		{"import numpy as _np\nx = _np.zeros(3)\n", ""},
		{"import pyparc_rt as _rt\n", ""},
		{"_np = 3\n", "_np"},
		{"import math as _np\n", "_np"},
		{"from numpy import linalg as _rt\n", "_rt"},
		{"def _rt():\n    pass\n", "_rt"},
		{"class _np:\n    pass\n", "_np"},
		{"def f():\n    _np = 1\n", ""}, // a local: reservedUse's business
		{"if True:\n    _rt = 1\n", "_rt"},
		{"def max(a, b):\n    return a\n", "max"},
		{"range = 3\n", "range"},
		{"from builtins import min\n", "min"},
		{"sum = 3\ndef f(max):\n    pass\n", ""},
		{"from numpy import *\n", "*"},
		{"print = 3\nfrom rich import print\n", ""},
	}
	for _, tt := range tests {
		f, err := pyast.ParseFile("m.py", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := moduleRebinds(f.Module); got != tt.want {
			t.Errorf("moduleRebinds(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
