package emit

import (
	"testing"

	"github.com/pyparc/pyparc/pyast"
)

// TestBoundBefore: the names bound on every path to the last statement of a function, as
// boundBefore gives them to the variants: a branch, a loop that may run no iteration or a
// del leaves a name out; an import, a nested def and the enclosing loop's variable bind one.
func TestBoundBefore(t *testing.T) {
	for _, tc := range []struct {
		body string
		name string
		want bool
	}{
		{"s = 1.0", "s", true},
		{"if c:\n        s = 1.0", "s", false},
		{"if c:\n        s = 1.0\n    else:\n        s = 2.0", "s", true},
		{"for i in range(n):\n        s = 1.0", "s", false},
		{"for i in range(n):\n        s = 1.0", "i", false},
		{"for i in range(4):\n        s = 1.0", "s", true},
		{"s = 1.0\n    del s", "s", false},
		{"import math as m", "m", true},
		{"import os.path", "os", true},
		{"def g():\n        return 1", "g", true},
		{"", "c", true},
		{"s, (u, v) = 1, (2, 3)", "v", true},
	} {
		src := "def f(c, n):\n    " + tc.body + "\n    last = 0\n"
		file, err := pyast.ParseFile("k.py", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		def := file.Module.Body[0].(*pyast.FunctionDef)
		last := def.Body[len(def.Body)-1]
		if got := boundBefore(def, last.Pos())[tc.name]; got != tc.want {
			t.Errorf("%q: %s bound before the last statement: %v, want %v", tc.body, tc.name, got, tc.want)
		}
	}
	// Inside a loop, its variable is bound.
	file, err := pyast.ParseFile("k.py", []byte("def f(n):\n    for t in range(n):\n        u = t\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := file.Module.Body[0].(*pyast.FunctionDef)
	inner := def.Body[0].(*pyast.For).Body[0]
	if !boundBefore(def, inner.Pos())["t"] {
		t.Errorf("the loop variable t is not bound in its body")
	}
}
