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
		// The else runs unless the loop breaks.
		{"for i in range(n):\n        pass\n    else:\n        s = 1.0", "s", true},
		{"for i in range(n):\n        if i == c:\n            break\n    else:\n        s = 1.0", "s", false},
		{"while c:\n        break\n    else:\n        s = 1.0", "s", false},
		// A del in a loop, or in a later pass's body, unbinds it.
		{"s = 1.0\n    for i in range(n):\n        del s", "s", false},
		{"s = 1.0\n    for i in range(4):\n        t = s\n        del s", "s", false},
		{"s = 1.0\n    while c:\n        del s", "s", false},
		// with and try bind nothing the analysis can see.
		{"with c:\n        s = 1.0", "s", false},
		{"try:\n        s = 1.0\n    except Exception:\n        s = 2.0", "s", false},
		{"s = 1.0\n    try:\n        pass\n    except Exception as s:\n        pass", "s", false},
		{"s = 1.0\n    try:\n        pass\n    except (ValueError,\n            KeyError) as s:\n        pass", "s", false},
		{"s = 1.0\n    try:\n        if c: del s\n    except NameError:\n        pass", "s", false},
		{"s = 1.0\n    try:\n        pass\n    except NameError: del s", "s", false},
		// A branch that raises or returns goes nowhere.
		{"if c:\n        s = 1.0\n    else:\n        raise ValueError(c)", "s", true},
		{"if c:\n        return\n    s = 1.0", "s", true},
		{"if c:\n        s = 1.0\n    elif n:\n        return", "s", false},
		{"s += 1", "s", true},
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

// TestOpaqueBindings: the names a with or a try, kept as text, may bind; a subscript or
// attribute target binds none, and a comparison is no assignment.
func TestOpaqueBindings(t *testing.T) {
	text := "try:\n    s = 1.0\n    a, b = f(x)\n    A[i] = 2\n    o.x = 3\n    if k == 2:\n        u += 1\n    for p, q in z:\n        pass\nexcept ValueError as err:\n    import os.path\n    from m import g as h\n    del w\n    v = (y := 2)\n" +
		"    an: float = 3.0\n    bare: int\n    t = ch = 7.0\n    [l1, *l2] = r\nexcept KeyError: cl = 1\nelse: el = 2\n"
	got := opaqueBindings(text)
	for _, v := range []string{"s", "a", "b", "u", "p", "q", "err", "os", "h", "w", "v", "y", "an", "bare", "t", "ch", "l1", "l2", "cl", "el"} {
		if !got[v] {
			t.Errorf("%s not among the bindings %v", v, got)
		}
	}
	for _, v := range []string{"A", "i", "o", "x", "k", "f", "z", "ValueError", "r", "KeyError"} {
		if got[v] {
			t.Errorf("%s among the bindings %v", v, got)
		}
	}
}
