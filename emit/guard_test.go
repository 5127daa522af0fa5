package emit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

func guardParams(names ...string) *pyast.FunctionDef {
	def := &pyast.FunctionDef{Name: "f"}
	for _, n := range names {
		def.Params = append(def.Params, &pyast.Param{Kind: pyast.ParamNormal, Name: n})
	}
	return def
}

func TestGuardDef(t *testing.T) {
	check := func(x string, ndim int) string { return arrayCheck(x, "float64", ndim) }
	tests := []struct {
		name   string
		params []string
		conds  []string
		want   []string // lines the guard must hold
		not    []string // text it must not
	}{{
		name:   "shapes read twice are unpacked once",
		params: []string{"n", "A", "x"},
		conds: []string{"_rt.is_int(n, 1099511627776)", check("A", 2), check("x", 1),
			"n == A.shape[0]", "A.shape[1] == A.shape[0]", "x.shape[0] == A.shape[0]",
			"_rt.no_alias((A, x,), (1,))"},
		want: []string{"    if not ((type(n) is int and -1099511627776 <= n <= 1099511627776 or _rt.is_int(n, 1099511627776))\n", "        return False\n", "    _A_0, _A_1 = A.shape\n",
			"    return (n == _A_0\n", "and _A_1 == _A_0\n", "and x.shape[0] == _A_0\n"},
		not: []string{"x.shape\n"},
	}, {
		name:   "rank one unpacks with a trailing comma",
		params: []string{"x", "y"},
		conds:  []string{check("x", 1), check("y", 1), "y.shape[0] == x.shape[0]", "x.shape[0] - 2 >= 1"},
		want:   []string{"    _x_0, = x.shape\n", "return (y.shape[0] == _x_0\n", "and _x_0 - 2 >= 1)"},
	}, {
		name:   "no shape read twice: one expression",
		params: []string{"A", "x"},
		conds:  []string{check("A", 2), check("x", 1), "x.shape[0] == A.shape[0]"},
		want:   []string{"    _nd = _np.ndarray\n", "    _dtype_float64 = _rt.dtype_float64\n", "    return (type(A) is _nd", "and x.shape[0] == A.shape[0])"},
		not:    []string{"if not", " = A.shape\n"},
	}, {
		name:   "a parameter named like the local keeps the shape reads",
		params: []string{"A", "_A_0"},
		conds:  []string{check("A", 2), "_rt.is_int(_A_0)", "_A_0 == A.shape[0]", "A.shape[1] == A.shape[0]"},
		want:   []string{"and A.shape[1] == A.shape[0]"},
		not:    []string{" = A.shape\n"},
	}, {
		name:   "a parameter named like a hoisted constant keeps the attribute",
		params: []string{"A", "x", "_nd"},
		conds:  []string{check("A", 2), check("x", 1), "_rt.is_real(_nd)"},
		want:   []string{"type(A) is _np.ndarray", "type(x) is _np.ndarray", "(type(_nd) is float and -1.7976931348623157e+308 <= _nd <= 1.7976931348623157e+308 or _rt.is_real(_nd))", "_dtype_float64 = _rt.dtype_float64"},
		not:    []string{"_nd = _np.ndarray"},
	}, {
		name:   "an attribute's shape and an unchecked name are left alone",
		params: []string{"A", "obj"},
		conds:  []string{check("A", 2), "obj.A.shape[0] == A.shape[0]", "A.shape[1] == A.shape[0]", "B.shape[0] == B.shape[1]"},
		want:   []string{"_A_0, _A_1 = A.shape", "obj.A.shape[0] == _A_0", "B.shape[0] == B.shape[1]"},
	}, {
		name:   "other dtypes are checked by _rt.array and bound too",
		params: []string{"S"},
		conds:  []string{`_rt.array(S, "float16", 2)`, "S.shape[0] == S.shape[1]"},
		want:   []string{"_S_0, _S_1 = S.shape", "return (_S_0 == _S_1)"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := guardDef("f", strings.Join(tt.params, ", "), guardParams(tt.params...), append([]string(nil), tt.conds...))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("guard lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("guard holds %q:\n%s", n, got)
				}
			}
		})
	}
}

// TestGuardDefRuns runs a guard with bound shapes on good and bad arguments: a wrong rank
// must return False before any shape is unpacked (an unpacking error would escape the guard).
func TestGuardDefRuns(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	conds := []string{"_rt.is_int(n, 1099511627776)", arrayCheck("A", "float64", 2), arrayCheck("x", "float64", 1),
		"n == A.shape[0]", "A.shape[1] == A.shape[0]", "x.shape[0] == A.shape[0]", "_rt.no_alias((A, x,), (1,))"}
	src := "import numpy as _np\nimport pyparc_rt as _rt\n\n\n" +
		guardDef("f", "n, A, x", guardParams("n", "A", "x"), conds) + `


cases = [
    ((3, _np.zeros((3, 3)), _np.zeros(3)), True),
    ((_np.int64(3), _np.zeros((3, 3)), _np.zeros(3)), True),
    ((True, _np.zeros((1, 1)), _np.zeros(1)), False),
    ((3.0, _np.zeros((3, 3)), _np.zeros(3)), False),
    ((3, _np.zeros((3, 4)), _np.zeros(3)), False),
    ((3, _np.zeros(3), _np.zeros(3)), False),
    ((3, _np.zeros((3, 3, 3)), _np.zeros(3)), False),
    ((3, _np.zeros((3, 3)), _np.zeros((3, 1))), False),
    ((2, _np.zeros((3, 3)), _np.zeros(3)), False),
    ((3, _np.zeros((3, 3), dtype=_np.float32), _np.zeros(3)), False),
]
A = _np.zeros((4, 4))
cases.append(((4, A, A[0]), False))
for args, want in cases:
    got = _guard_f(*args)
    assert got is want, (args, got, want)
print("ok")
`
	dir := t.TempDir()
	path := filepath.Join(dir, "g.py")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", path)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join("runtime"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("guard run: %v\n%s\n%s", err, out, src)
	}
}

// TestGuardFloatIntBound: a float parameter's ints get the SCoPs' FloatIntBits, not their
// IntBits: f * n admits n within 2**40 and ints for f within 2**22; f * i * i admits no int
// for f (bound -1) and keeps the inline test for floats.
func TestGuardFloatIntBound(t *testing.T) {
	params := map[string]*typeinfer.Type{"x": typeinfer.Array("float64", typeinfer.SymDim("N")),
		"n": typeinfer.Simple(typeinfer.Int), "f": typeinfer.Simple(typeinfer.Float)}
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"x[i] = f * n * 1.0", []string{"_rt.is_int(n, 1099511627776)", "_rt.is_real(f, 4194304)"}},
		{"x[i] = f * i * i", []string{"_rt.is_int(n, 1099511627776)", "_rt.is_real(f, -1)"}},
		{"x[i] = n * n * i * f", []string{"_rt.is_int(n, 1048576)", "_rt.is_real(f, 4)"}},
	} {
		s, _, def := firstSCoP(t, "def k(x, n, f):\n    for i in range(x.shape[0]):\n        "+tt.body+"\n", params)
		fn := &typeinfer.Function{QualName: "k", Def: def, Declared: params}
		conds := guardCode(fn, []*polyopt.SCoP{s}, "x, n, f")
		joined := strings.Join(conds, " and ")
		for _, want := range tt.want {
			if !strings.Contains(joined, want) {
				t.Errorf("%s: guard %q lacks %s", tt.body, conds, want)
			}
		}
		hoistConstants(conds, map[string]bool{})
		fast := "(type(f) is float and -1.7976931348623157e+308 <= f <= 1.7976931348623157e+308 or _rt.is_real(f, "
		if !strings.Contains(strings.Join(conds, " and "), fast) {
			t.Errorf("%s: no inline float test in %q", tt.body, conds)
		}
	}
}

// TestAliasCheckAgreesWithNoAlias runs aliasCheck's condition and _rt.no_alias on arrays that
// own their data, views, repeats and read-only arrays, for several sets of written positions:
// the two must agree on every one (the written-out case may only ever say what no_alias says).
func TestAliasCheckAgreesWithNoAlias(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	names := []string{"a", "b", "c"}
	var src strings.Builder
	src.WriteString("import itertools\nimport numpy as _np\nimport pyparc_rt as _rt\n\nchecks = []\n")
	for _, written := range [][]string{{"0"}, {"2"}, {"0", "1"}, {"0", "1", "2"}} {
		cond := aliasCheck(names, written)
		if !strings.Contains(cond, " is not ") || !strings.HasSuffix(cond, fmt.Sprintf("_rt.no_alias((a, b, c,), (%s,)))", strings.Join(written, ", "))) {
			t.Errorf("written %v: %s", written, cond)
		}
		fmt.Fprintf(&src, "checks.append((lambda a, b, c: %s, (%s,)))\n", cond, strings.Join(written, ", "))
	}
	if got := aliasCheck([]string{"x"}, []string{"0"}); got != "(x.flags.writeable\n                or _rt.no_alias((x,), (0,)))" {
		t.Errorf("one array: %s", got)
	}
	src.WriteString(`
base = _np.arange(12.0)
ro = _np.zeros(4)
ro.flags.writeable = False
pool = [_np.zeros(4), _np.ones(4), base[:4], base[2:6], base[6:], ro, _np.zeros((2, 2)).T]
n = 0
for check, written in checks:
    for a, b, c in itertools.product(pool, repeat=3):
        got, want = bool(check(a, b, c)), _rt.no_alias((a, b, c), written)
        assert got == want, (written, a, b, c, got, want)
        n += 1
print("ok", n)
`)
	dir := t.TempDir()
	path := filepath.Join(dir, "alias.py")
	if err := os.WriteFile(path, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", path)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join("runtime"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok 1372") {
		t.Fatalf("alias checks: %v\n%s\n%s", err, out, src.String())
	}
}
