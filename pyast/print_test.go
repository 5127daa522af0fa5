package pyast

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// normDump is a dump without positions or layout, for comparing trees
// before and after printing.
func normDump(f *File) string {
	d := dumper{f: f, normalize: true}
	d.node(f.Module, 0)
	return d.b.String()
}

// reprint prints f's module entirely from its fields.
func reprint(f *File) ([]byte, error) {
	p := newPrinter(f)
	p.reprint = true
	p.module(f.Module)
	return p.b.Bytes(), p.err
}

// checkPrint asserts, for a source that parses, that the unedited tree
// prints back byte for byte, and that printing every node from its fields
// gives source that parses to the same tree and is a fixed point.
func checkPrint(t testing.TB, f *File) {
	t.Helper()
	out, err := f.Format()
	if err != nil {
		t.Fatalf("Format: %v", err)
	}
	if string(out) != string(f.Src) {
		t.Fatalf("round trip changed the source:\n%q\n%q", f.Src, out)
	}
	re, err := reprint(f)
	if err != nil {
		t.Fatalf("reprint: %v", err)
	}
	g, err := ParseFile(f.Name, re)
	if err != nil {
		t.Fatalf("reprinted source does not parse: %v\nsource:\n%s\nreprinted:\n%s", err, f.Src, re)
	}
	if a, b := normDump(f), normDump(g); a != b {
		t.Fatalf("reprinted source parses to another tree:\n%s\nsource:\n%s\nreprinted:\n%s", firstDiff(b, a), f.Src, re)
	}
	again, err := reprint(g)
	if err != nil {
		t.Fatalf("reprint of reprint: %v", err)
	}
	if string(again) != string(re) {
		t.Fatalf("reprint is not idempotent:\n%s\n----\n%s", re, again)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, path := range testFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkPrint(t, mustParse(t, path, src))
		})
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func format(t *testing.T, f *File) string {
	t.Helper()
	out, err := f.Format()
	if err != nil {
		t.Fatalf("Format: %v", err)
	}
	if _, err := ParseFile("edited.py", out); err != nil {
		t.Fatalf("edited output does not parse: %v\n%s", err, out)
	}
	return string(out)
}

func findFunc(f *File, name string) *FunctionDef {
	for _, s := range f.Module.Body {
		if fn, ok := s.(*FunctionDef); ok && fn.Name == name {
			return fn
		}
	}
	return nil
}

// TestEditRename renames a function: only its name may change in the output.
func TestEditRename(t *testing.T) {
	src := readTestdata(t, "gemm.py")
	f := mustParse(t, "gemm.py", src)
	findFunc(f, "kernel_gemm").Name = "_kernel_gemm__orig"
	want := strings.Replace(string(src), "def kernel_gemm(", "def _kernel_gemm__orig(", 1)
	if got := format(t, f); got != want {
		t.Errorf("rename changed more than the name:\n%s", firstDiff(got, want))
	}
}

// TestEditExpr replaces one operand deep inside a loop nest.
func TestEditExpr(t *testing.T) {
	src := readTestdata(t, "gemm.py")
	f := mustParse(t, "gemm.py", src)
	loop := findFunc(f, "kernel_gemm").Body[0].(*For).Body[0].(*For)
	aug := loop.Body[0].(*AugAssign)
	aug.Value = &BinOp{X: &Num{Raw: "2"}, Op: Mul, Y: &BinOp{X: aug.Value, Op: Add, Y: &Name{Id: "gamma"}}}
	want := strings.Replace(string(src), "C[i, j] *= beta", "C[i, j] *= 2 * (beta + gamma)", 1)
	if got := format(t, f); got != want {
		t.Errorf("edit:\n%s", firstDiff(got, want))
	}
}

// TestEditInsert adds statements built in Go around parsed ones.
func TestEditInsert(t *testing.T) {
	src := readTestdata(t, "gemm.py")
	f := mustParse(t, "gemm.py", src)
	fn := findFunc(f, "kernel_gemm")
	guard := &If{
		Cond: &Compare{X: &Name{Id: "ni"}, Ops: []CmpOp{LtE}, Ys: []Expr{&Num{Raw: "0"}}},
		Body: []Stmt{&Return{}},
	}
	fn.Body = append([]Stmt{guard}, fn.Body...)
	imp := &Import{Names: []*Alias{{Name: "pyparc_rt", AsName: "_rt"}}}
	f.Module.Body = append([]Stmt{f.Module.Body[0], imp}, f.Module.Body[1:]...)
	got := format(t, f)
	for _, want := range []string{
		"import numpy as np\nimport pyparc_rt as _rt\n",
		"def kernel_gemm(ni, nj, nk, alpha, beta, C, A, B):\n    if ni <= 0:\n        return\n    for i in range(ni):\n        for j in range(nj):\n",
		"# PolyBench gemm",
		"\n\n\ndef init_array(",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestEditReindent moves parsed statements to a deeper block; a string
// spanning lines must keep its content.
func TestEditReindent(t *testing.T) {
	src := readTestdata(t, "indent.py")
	f := mustParse(t, "indent.py", src)
	fn := findFunc(f, "f")
	wrapped := &If{Cond: &Constant{Kind: ConstTrue}, Body: fn.Body}
	fn.Body = []Stmt{wrapped}
	got := format(t, f)
	if !strings.Contains(got, "\"\"\"first\n  keep\nline\"\"\"") {
		t.Errorf("string content changed:\n%s", got)
	}
	if !strings.Contains(got, "def f(a, b):\n    if True:\n        s = 0\n        for i in range(a):\n          if i % 2:\n            s += i  # odd\n") {
		t.Errorf("not re-indented:\n%s", got)
	}
}

// TestEditMultiline edits statements whose copied children span lines or
// are elif clauses.
func TestEditMultiline(t *testing.T) {
	src := readTestdata(t, "indent.py")
	f := mustParse(t, "indent.py", src)
	var z *Assign
	for _, s := range f.Module.Body {
		if a, ok := s.(*Assign); ok && a.Targets[0].(*Name).Id == "z" {
			z = a
		}
	}
	z.Targets[0] = &Name{Id: "zz"}
	if got := format(t, f); !strings.Contains(got, "zz = (a +\n     b)\n") {
		t.Errorf("multi-line value lost its parentheses:\n%s", got)
	}
	// The value, copied from inside parentheses the printer dropped,
	// spans two lines and needs parentheses again.
	z.Value = &Call{Func: &Name{Id: "g"}, Args: []Expr{z.Value}}
	got := format(t, f)
	if !strings.Contains(got, "zz = g(a +\n     b)\n") {
		t.Errorf("multi-line operand:\n%s", got)
	}

	src = []byte("if a:\n    x = 1\nelif b:  # why\n    x = 2\nelse:\n    x = 3\n")
	f = mustParse(t, "elif.py", src)
	top := f.Module.Body[0].(*If)
	top.Cond = &Name{Id: "c"}
	got = format(t, f)
	if want := "if c:\n    x = 1\nelif b:  # why\n    x = 2\nelse:\n    x = 3\n"; got != want {
		t.Errorf("elif kept:\n%s", firstDiff(got, want))
	}
	// An elif moved out on its own prints as an if.
	f.Module.Body = append(f.Module.Body, top.Else[0])
	got = format(t, f)
	if !strings.HasSuffix(got, "\nif b:\n    x = 2\nelse:\n    x = 3\n") {
		t.Errorf("moved elif:\n%s", got)
	}
}

// TestPrintSynthesized prints a function built entirely in Go.
func TestPrintSynthesized(t *testing.T) {
	name := func(s string) *Name { return &Name{Id: s} }
	idx := func(a string, i ...Expr) Expr {
		return &Subscript{X: name(a), Index: &Tuple{Elts: i}}
	}
	fn := &FunctionDef{
		Decorators: []Expr{&Attribute{X: name("_rt"), Attr: "variant"}},
		Name:       "_scale__numpy",
		Params: []*Param{
			{Name: "A", Annotation: &Attribute{X: name("np"), Attr: "ndarray"}},
			{Name: "k", Default: &Num{Raw: "2"}},
			{Kind: ParamKwOnly},
			{Name: "out", Annotation: name("object"), Default: &Constant{Kind: ConstNone}},
			{Kind: ParamKwArgs, Name: "kw"},
		},
		Returns: &Constant{Kind: ConstNone},
		Body: []Stmt{
			&For{Target: &Tuple{Elts: []Expr{name("i"), name("j")}},
				Iter: &Call{Func: name("zip"), Args: []Expr{name("r"), name("s")}},
				Body: []Stmt{&AugAssign{Target: idx("A", name("i"), &Slice{}), Op: Mul, Value: &BinOp{X: name("k"), Op: Add, Y: &Num{Raw: "1"}}}},
				Else: []Stmt{&Pass{}}},
			&If{Cond: &BoolOp{X: name("a"), Op: And, Y: &UnaryOp{Op: Not, X: name("b")}},
				Body: []Stmt{&ExprStmt{X: &Call{Func: name("f"), Args: []Expr{&Keyword{Name: "x", Value: &NamedExpr{Target: name("y"), Value: &Num{Raw: "1"}}}}}}},
				Else: []Stmt{&If{Elif: true, Cond: name("c"), Body: []Stmt{&Break{}}, Else: []Stmt{&Continue{}}}}},
			&OpaqueStmt{Text: "with lock:\n    x = 1", Indent: ""},
			&Return{Value: &Tuple{Elts: []Expr{name("A"), &Yield{Value: name("z")}}}},
		},
	}
	want := `@_rt.variant
def _scale__numpy(A: np.ndarray, k=2, *, out: object = None, **kw) -> None:
    for i, j in zip(r, s):
        A[i, :] *= k + 1
    else:
        pass
    if a and not b:
        f(x=(y := 1))
    elif c:
        break
    else:
        continue
    with lock:
        x = 1
    return A, (yield z)
`
	got := Sprint(nil, fn)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, err := ParseFile("synth.py", []byte(got)); err != nil {
		t.Errorf("synthesized code does not parse: %v", err)
	}
	var b strings.Builder
	if err := Fprint(&b, nil, &ExprStmt{X: &BinOp{X: name("a"), Op: Add}}); err == nil {
		t.Errorf("Fprint of a BinOp without Y: no error")
	}
}

// FuzzParse checks that no input makes the parser or printer panic, that
// accepted inputs print back byte for byte, and that the field printer's
// output parses to the same tree.
func FuzzParse(f *testing.F) {
	for _, path := range testFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{"x = (1,\n", "def f(:\n", "a[1:2, ::3] @= b ** -c\n", "if x:\n\tpass\nelif y: z\n"} {
		f.Add([]byte(s))
	}
	for _, tt := range exprTests {
		f.Add([]byte(tt.src + "\n"))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := ParseFile("fuzz.py", src)
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkPrint(t, file)
	})
}
