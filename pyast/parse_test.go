package pyast

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testFiles returns the Python inputs under testdata.
func testFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.py"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	return files
}

func mustParse(t testing.TB, name string, src []byte) *File {
	t.Helper()
	f, err := ParseFile(name, src)
	if err != nil {
		t.Fatalf("ParseFile(%s): %v", name, err)
	}
	return f
}

// TestGolden compares the tree dump of each testdata/*.py with its .golden.
func TestGolden(t *testing.T) {
	for _, path := range testFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := mustParse(t, filepath.Base(path), src)
			got := []byte(Dump(f, f.Module))
			golden := strings.TrimSuffix(path, ".py") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./pyast -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("dump differs from %s (run go test ./pyast -update and review the diff)\n%s",
					golden, firstDiff(string(got), string(want)))
			}
		})
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(no difference)"
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

// TestErrors checks that bad sources are refused with a positioned message.
func TestErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string // prefix of the error text
	}{
		{"x = 1\ny = 2\nz = f(1, 2))\n", `bad.py:3:12: syntax error: unexpected ")"`},
		{"def f(:\n    pass\n", `bad.py:1:7: syntax error: missing ")"`},
		{"x = (1,\n", "bad.py:1:"},
		{"for i in range(3)\n    pass\n", "bad.py:2:5: syntax error: unexpected \"pass\""},
		{"if x:\npass\n", "bad.py:2:1: expected an indented block"},
		{"a = 1\n  b = 2\n", "bad.py:2:3: unexpected indent"},
		{"if a:\n    b = 2\n  c = 3\n", "bad.py:3:3: unindent does not match"},
		{"x = [1, 2\ny = 3\n", "bad.py:"},
		{"x = 1 +\n", "bad.py:1:"},
		{"print 'a\n", "bad.py:1:"},
		{"print x\n", "bad.py:1:1: syntax error: missing parentheses in call to 'print'"},
		{"def f():\n    def\n", `bad.py:2:5: syntax error: unexpected "def"`},
		{"x: T: int = 1\n", `bad.py:1:5: syntax error: unexpected ":"`},
		{"x = 1\x00\n", "bad.py:1:6: source contains a NUL byte"},
		{"class\n", "bad.py:1:"},
		{"x = )\n", `bad.py:1:5: syntax error: unexpected ")"`},
	}
	for _, tt := range tests {
		_, err := ParseFile("bad.py", []byte(tt.src))
		if err == nil {
			t.Errorf("ParseFile(%q): no error, want %q", tt.src, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseFile(%q):\n got %q\nwant %q...", tt.src, err.Error(), tt.want)
		}
		if _, ok := err.(ErrorList); !ok {
			t.Errorf("ParseFile(%q): error is %T, want ErrorList", tt.src, err)
		}
	}
}

// TestValid checks that small valid modules parse; tree-sitter quirks
// around them would otherwise show up only in big files.
func TestValid(t *testing.T) {
	for _, src := range []string{
		"",
		"\n\n",
		"# only a comment",
		"\xef\xbb\xbfx = 1\n",
		"x = 1",
		"x = 1\r\ny = 2\r\n",
		"if x:\n\tpass\n",
		"\x0cx = 1\n",
		"def f(): return\n",
		"class C: pass\n",
		"while 1: break\nelse: pass\n",
		"a[1,] = b[:, None]\n",
		"print(x, end='')\n",
		"f(**{'a': 1})\n",
		"print >>f, x\n",
		"print\n",
		"x = 1; \\\n    y = 2\n",
	} {
		f, err := ParseFile("ok.py", []byte(src))
		if err != nil {
			t.Errorf("ParseFile(%q): %v", src, err)
			continue
		}
		if out, err := f.Format(); err != nil || string(out) != src {
			t.Errorf("Format(%q) = %q, %v", src, out, err)
		}
	}
}

// TestExprs checks the tree built for expressions and how the field
// printer writes them back.
var exprTests = []struct {
	src   string // an expression statement
	shape string // the tree in prefix form
	print string // printed from fields; "" means as src
}{
	{"a + b * c", "(+ a (* b c))", ""},
	{"(a + b) * c", "(* (+ a b) c)", ""},
	{"a - (b - c)", "(- a (- b c))", ""},
	{"(a - b) - c", "(- (- a b) c)", "a - b - c"},
	{"A @ B @ C", "(@ (@ A B) C)", ""},
	{"a ** b ** c", "(** a (** b c))", ""},
	{"(a ** b) ** c", "(** (** a b) c)", ""},
	{"-a ** 2", "(-u (** a 2))", ""},
	{"(-a) ** 2", "(** (-u a) 2)", ""},
	{"2 ** -1", "(** 2 (-u 1))", ""},
	{"a // b % c", "(% (// a b) c)", ""},
	{"not a and b or c", "(or (and (not a) b) c)", ""},
	{"a and (b or c)", "(and a (or b c))", ""},
	{"a < b <= c != d", "(cmp a < b <= c != d)", ""},
	{"a is not b not in c", "(cmp a is not b not in c)", ""},
	{"x if c else y", "(ifexp x c y)", ""},
	{"(x if c else y) if d else z", "(ifexp (ifexp x c y) d z)", ""},
	{"f(a, *b, k=1, **d)", "(call f a (* b) (kw k 1) (** d))", ""},
	{"f(x for x in y)", "(call f (genexp x (for x y)))", ""},
	{"A[i, j]", "(sub A (tuple i j))", ""},
	{"A[1:n:2, ::3, ...]", "(sub A (tuple (slice 1 n 2) (slice _ _ 3) ...))", ""},
	{"A[:, i]", "(sub A (tuple (slice _ _ _) i))", ""},
	{"A[i,]", "(sub A (tuple i))", ""},
	{"a.b.c(1)[2]", "(sub (call (. (. a b) c) 1) 2)", ""},
	{"(n := 10) > 5", "(cmp (:= n 10) > 5)", ""},
	{"[v * v for v in r if v if w]", "(listcomp (* v v) (for v r v w))", ""},
	{"(a, b)", "(tuple a b)", ""},
	{"a, b", "(tuple a b)", ""},
	{"()", "(tuple)", ""},
	{"(1,)", "(tuple 1)", ""},
	{"[1, *a]", "(list 1 (* a))", ""},
	{"{1, 2}", "(set 1 2)", ""},
	{"{'k': 1, **d}", "(dict (str 'k') 1 ** d)", ""},
	{"1_000 + 0x1f + 1e-3 + 2j", "(+ (+ (+ 1_000 0x1f) 1e-3) 2j)", ""},
	{"'a' \"b\"", "(str 'a' \"b\")", ""},
	{"f'{x!r}' + b'y'", "(+ (str f'{x!r}') (str b'y'))", ""},
	{"None, True, False, ...", "(tuple None True False ...)", ""},
	{"~a + -b", "(+ (~u a) (-u b))", ""},
	{"await f()", "(await (call f))", ""},
	{"lambda x: x + 1", "(opaque lambda)", ""},
	{"(1).real", "(. 1 real)", ""},
	{"a if b else lambda: c", "(ifexp a b (opaque lambda))", ""},
	{"(yield x)", "(yield x)", "yield x"},
	{"x = (  a  +\n  b  )", "", "x = a + b"},
}

func TestExprs(t *testing.T) {
	for _, tt := range exprTests {
		f, err := ParseFile("e.py", []byte(tt.src+"\n"))
		if err != nil {
			t.Errorf("ParseFile(%q): %v", tt.src, err)
			continue
		}
		if len(f.Module.Body) != 1 {
			t.Errorf("%q: %d statements", tt.src, len(f.Module.Body))
			continue
		}
		if es, ok := f.Module.Body[0].(*ExprStmt); ok && tt.shape != "" {
			if got := shape(es.X); got != tt.shape {
				t.Errorf("%q: shape\n got %s\nwant %s", tt.src, got, tt.shape)
			}
		}
		p := newPrinter(f)
		p.reprint = true
		p.stmt(f.Module.Body[0])
		want := tt.print
		if want == "" {
			want = tt.src
		}
		if got := p.b.String(); got != want || p.err != nil {
			t.Errorf("%q: printed %q (%v), want %q", tt.src, got, p.err, want)
		}
	}
}

// shape writes an expression in a compact prefix form for TestExprs.
func shape(e Expr) string {
	if isNil(e) {
		return "_"
	}
	list := func(head string, es ...Expr) string {
		parts := []string{head}
		for _, x := range es {
			parts = append(parts, shape(x))
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	switch e := e.(type) {
	case *Name:
		return e.Id
	case *Num:
		return e.Raw
	case *Str:
		return "(str " + strings.Join(e.Parts, " ") + ")"
	case *Constant:
		return e.Kind.String()
	case *BinOp:
		return list(e.Op.String(), e.X, e.Y)
	case *UnaryOp:
		if e.Op == Not {
			return list("not", e.X)
		}
		return list(e.Op.String()+"u", e.X)
	case *BoolOp:
		return list(e.Op.String(), e.X, e.Y)
	case *Compare:
		parts := []string{"cmp", shape(e.X)}
		for i, op := range e.Ops {
			parts = append(parts, op.String(), shape(e.Ys[i]))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *IfExp:
		return list("ifexp", e.Body, e.Cond, e.Else)
	case *Call:
		return list("call "+shape(e.Func), e.Args...)
	case *Keyword:
		return list("kw "+e.Name, e.Value)
	case *Starred:
		return list("*", e.X)
	case *DoubleStarred:
		return list("**", e.X)
	case *Subscript:
		return list("sub", e.X, e.Index)
	case *Slice:
		return list("slice", e.Lo, e.Hi, e.Step)
	case *Attribute:
		return "(. " + shape(e.X) + " " + e.Attr + ")"
	case *NamedExpr:
		return list(":=", e.Target, e.Value)
	case *Tuple:
		return list("tuple", e.Elts...)
	case *List:
		return list("list", e.Elts...)
	case *Set:
		return list("set", e.Elts...)
	case *Dict:
		parts := []string{"dict"}
		for i, v := range e.Values {
			if isNil(e.Keys[i]) {
				parts = append(parts, "**", shape(v))
			} else {
				parts = append(parts, shape(e.Keys[i]), shape(v))
			}
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *ListComp:
		return "(listcomp " + shape(e.Elt) + gens(e.Generators) + ")"
	case *GeneratorExp:
		return "(genexp " + shape(e.Elt) + gens(e.Generators) + ")"
	case *Yield:
		return list("yield", e.Value)
	case *Await:
		return list("await", e.X)
	case *OpaqueExpr:
		return "(opaque " + e.Kind + ")"
	}
	return "?"
}

func gens(gs []*Comprehension) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(" (for " + shape(g.Target) + " " + shape(g.Iter))
		for _, c := range g.Ifs {
			b.WriteString(" " + shape(c))
		}
		b.WriteString(")")
	}
	return b.String()
}

// TestInspect checks that Inspect reaches every node in source order.
func TestInspect(t *testing.T) {
	src := "def f(a, b=1):\n    for i in range(a):\n        x = a[i] + b\n    return x\n"
	f := mustParse(t, "w.py", []byte(src))
	var names []string
	var last Pos = -1
	Inspect(f.Module, func(n Node) bool {
		if n == nil {
			return true
		}
		if n.Pos() < last {
			t.Errorf("%T at %d visited after a node at %d", n, n.Pos(), last)
		}
		last = n.Pos()
		if nm, ok := n.(*Name); ok {
			names = append(names, nm.Id)
		}
		return true
	})
	if got, want := strings.Join(names, " "), "i range a x a i b x"; got != want {
		t.Errorf("names = %q, want %q", got, want)
	}
	pos := f.Position(f.Module.Body[0].(*FunctionDef).Body[1].Pos())
	if pos.String() != "w.py:4:5" {
		t.Errorf("return at %s, want w.py:4:5", pos)
	}
}
