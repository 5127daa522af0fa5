package emit

import (
	"strings"
	"testing"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/polyopt/isl"
	"github.com/pyparc/pyparc/typeinfer"
)

// TestWholeArrayCode checks the forms that keep small kernels close to hand-written NumPy:
// whole-array slices as the arrays themselves, a zeroed sum filled by one copy, and
// T = T + e1 - e2 as in-place updates; and the cases where each must not apply.
func TestWholeArrayCode(t *testing.T) {
	vec := func(dtype string) *typeinfer.Type { return typeinfer.Array(dtype, typeinfer.SymDim("N")) }
	mat := func(dtype string) *typeinfer.Type {
		return typeinfer.Array(dtype, typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	}
	for _, tc := range []struct {
		name, body string
		a, y       string // dtypes of A and y
		want, not  []string
	}{
		{"gesummv", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        t[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] = A[i, j] * x[j] + y[i]\n",
			"float64", "float64",
			[]string{"_np.matmul(A, x, out=y)", "t[:] = 0.0"}, []string{"_p_N", "y[:] = 0.0", "copyto"}},
		{"read between", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        t[i] = y[i] + 1.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * x[j]\n",
			"float64", "float64",
			[]string{"y[:] = 0.0", "y[:] += (A @ x)"}, []string{"copyto"}},
		{"sum reads itself", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * y[j]\n",
			"float64", "float64",
			nil, []string{"copyto"}},
		{"gemver", "for i in range(A.shape[0]):\n        for j in range(A.shape[0]):\n            A[i, j] = A[i, j] + x[i] * y[j] - t[i]\n",
			"float64", "float64",
			[]string{"A[:, :] += ((x)[:, None] * (y)[None, :])", "A[:, :] -= (t)[:, None]"}, []string{"A[:, :] = "}},
		{"int target", "for i in range(A.shape[0]):\n        for j in range(A.shape[0]):\n            A[i, j] = A[i, j] + x[i] * y[j] - t[i]\n",
			"int64", "float64",
			[]string{`A[:, :] = _rt.int_values(((A + `}, []string{"A[:, :] +="}},
		{"not the whole array", "for i in range(1, A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * x[j]\n",
			"float64", "float64",
			[]string{"_np.matmul(A[1:max(1, _p_N), :], x, out=y[1:max(1, _p_N)])"}, nil},
		{"scaled product", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += 2.5 * A[i, j] * x[j]\n",
			"float64", "float64",
			[]string{"_np.matmul(A, x, out=y)\n    y *= 2.5"}, []string{"copyto"}},
		{"product of a sum", "for i in range(A.shape[0]):\n        y[i] = 0.0\n        for j in range(A.shape[0]):\n            y[i] += A[i, j] * x[j] + t[j]\n",
			"float64", "float64",
			[]string{"_np.copyto(y, "}, []string{"out="}},
		{"scaled target first", "for i in range(A.shape[0]):\n        y[i] = 1.5 * y[i] + x[i] * t[i]\n",
			"float64", "float64",
			[]string{"y[:] *= 1.5\n    y[:] += (x * t)"}, []string{"y[:] = "}},
		{"scaled target second", "for i in range(A.shape[0]):\n        y[i] = x[i] * 2.0 + y[i] * t[i] - x[i]\n",
			"float64", "float64",
			[]string{"y[:] *= t\n    y[:] += (x * 2.0)\n    y[:] -= x"}, []string{"y[:] = "}},
		{"divided target alone", "for i in range(A.shape[0]):\n        y[i] = y[i] / t[i]\n",
			"float64", "float64",
			[]string{"y[:] /= t"}, []string{"y[:] = "}},
		{"difference keeps its order", "for i in range(A.shape[0]):\n        y[i] = x[i] - 2.0 * y[i]\n",
			"float64", "float64",
			[]string{"y[:] = (x - (2.0 * y))"}, []string{"y[:] *="}},
		{"factor reads the target", "for i in range(A.shape[0]):\n        y[i] = y[0] * y[i] + x[i]\n",
			"float64", "float64",
			nil, []string{"y[:] *="}},
		{"term reads the target", "for i in range(1, A.shape[0]):\n        y[i] = 2.0 * y[i] + y[i - 1]\n",
			"float64", "float64",
			nil, []string{"*= 2.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(A, x, y, t):\n    " + tc.body
			code := numpyCode(t, src, map[string]*typeinfer.Type{
				"A": mat(tc.a), "x": vec("float64"), "y": vec(tc.y), "t": vec("float64"),
			})
			checkCode(t, code, tc.want, tc.not)
		})
	}
}

// TestAntiAndTriangles checks loops that carry only anti dependences, and reductions over
// triangles: which become whole-array code, the masked factor that keeps them on BLAS, and the
// finiteness check the mask's zeros need.
func TestAntiAndTriangles(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		anti       bool // the outer loop is marked Loop.Anti
		want, not  []string
	}{
		{"trmm", "for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            for k in range(i + 1, A.shape[0]):\n                B[i, j] += A[k, i] * B[k, j]\n            B[i, j] = alpha * B[i, j]\n",
			true,
			[]string{"if _rt.finite(B[1:max(1, _p_N), :]):", "_rt.masked_matmul_into(B[:, :], A[1:max(1, _p_N), :], B[1:max(1, _p_N), :], _mask0, 0, True, None, alpha)", "else:", "    for i in range(A.shape[0]):"},
			[]string{"_rt.finite(A", "B[:, :] *= alpha"}},
		// Scaled by an array, B stays two lines: the runtime's last argument is a scalar.
		{"trmm scaled by a vector", "for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            for k in range(i + 1, A.shape[0]):\n                B[i, j] += A[k, i] * B[k, j]\n            B[i, j] = y[j] * B[i, j]\n",
			true,
			[]string{"_rt.masked_matmul_into(B[:, :], A[1:max(1, _p_N), :], B[1:max(1, _p_N), :], _mask0, 0, True, None)\n        B[:, :] *= "},
			[]string{"None, y"}},
		{"scalar factor is checked", "for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            for k in range(i):\n                C[i, j] += alpha * A[i, k] * B[k, j]\n",
			false,
			[]string{"_rt.finite(B[0:max(0, _p_N - 1), :], alpha)", "_rt.masked_matmul_into(C[:, :], A[:, 0:max(0, _p_N - 1)], B[0:max(0, _p_N - 1), :], _mask0, 0, False, alpha)"},
			nil},
		{"a sum that is no product needs no check", "for i in range(A.shape[0]):\n        for j in range(i + 1, A.shape[0]):\n            x[i] += A[j, i] + y[j]\n",
			false,
			[]string{"x[:] += _np.sum(_np.broadcast_to(_np.where(_mask"},
			[]string{"_rt.finite", "for i in", "_mask0 ="}},
		{"forward anti on itself", "for i in range(A.shape[0] - 1):\n        x[i] = 0.5 * x[i + 1] + y[i]\n",
			true,
			[]string{"x[0:max(0, _p_N - 1)] = ((0.5 * x[1:max(1, _p_N)]) + y[0:max(0, _p_N - 1)])"},
			[]string{"for i in"}},
		// z reads x[i + 1] before iteration i + 1 overwrites it: it runs first (Loop.Order).
		{"anti into an earlier statement", "for i in range(A.shape[0] - 1):\n        x[i] = y[i] * 2.0\n        z[i] = x[i + 1] + 1.0\n",
			false,
			[]string{"z[0:max(0, _p_N - 1)] = (x[1:max(1, _p_N)] + 1.0)\n    x[0:max(0, _p_N - 1)] = (y[0:max(0, _p_N - 1)] * 2.0)"},
			[]string{"for i in"}},
		{"a cycle keeps the loop", "for i in range(A.shape[0] - 1):\n        x[i + 1] = y[i]\n        y[i + 1] = x[i]\n",
			false,
			[]string{"for i in range(A.shape[0] - 1):"},
			nil},
		// symm: reordered, a masked product into the private temporary (forwarded into its
		// one use), a diagonal read; the loops keep the temporary, read once per i.
		{"symm", "for i in range(C.shape[0]):\n        for j in range(C.shape[1]):\n            t = 0.0\n            for k in range(i):\n                C[k, j] += alpha * B[i, j] * A[i, k]\n                t += B[k, j] * A[i, k]\n            C[i, j] = 2.0 * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * t\n",
			false,
			[]string{"if _rt.finite(B, alpha):",
				// The two masked products and the diagonal: one mirrored product (mirror.go).
				"C[:, :] *= 2.0\n        _rt.mirrored_matmul(A[:, 0:max(0, _p_N - 1)], _mask0, (0, _p_N), (0, _p_N - 1), B[:, :], C[:, :], alpha, A[_np.arange(0, max(0, _p_N)), _np.arange(0, max(0, _p_N))], (0, _p_N))",
				"else:", "t = _np.zeros((max(0, _p_N),))\n", "C[i, :] += (alpha * t)"},
			nil},
		{"diagonal read", "for i in range(A.shape[0]):\n        x[i] = A[i, i] * y[i]\n",
			false,
			[]string{"x[:] = (A[_np.arange(0, max(0, _p_N)), _np.arange(0, max(0, _p_N))] * y)"},
			[]string{"for i in"}},
		// The temporary would be computed over the whole box of i and j, outside the triangle
		// too: only j is vectorized.
		{"a temporary inside triangular bounds", "for i in range(A.shape[0]):\n        for j in range(i):\n            t = A[i, j] * 2.0\n            C[i, j] = t\n",
			false,
			[]string{"for i in range(A.shape[0]):\n        t = _np.array(_np.broadcast_to(_rt.inexact(_np.asarray((A[i, 0:max(0, i)] * 2.0))), (max(0, i),)))"},
			[]string{"_mask"}},
		{"flow", "for i in range(A.shape[0] - 1):\n        x[i + 1] = 0.5 * x[i] + y[i]\n",
			false,
			[]string{"for i in range(A.shape[0] - 1):"},
			nil},
		{"the check runs after earlier nests", "for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            B[i, j] = 2.0 * B[i, j]\n    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n            for k in range(i + 1, A.shape[0]):\n                C[i, j] += A[k, i] * B[k, j]\n",
			false,
			[]string{"B[:, :] *= 2.0", "if _rt.finite(B[1:max(1, _p_N), :]):"},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(alpha, A, B, C, x, y, z):\n    " + tc.body
			mat := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
			vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
			s, f, def := firstSCoP(t, src, map[string]*typeinfer.Type{
				"alpha": typeinfer.Simple(typeinfer.Float), "A": mat, "B": mat, "C": mat, "x": vec, "y": vec, "z": vec,
			})
			ctx, err := isl.NewContext()
			if err != nil {
				t.Fatal(err)
			}
			defer ctx.Free()
			if _, err := polyopt.Analyze(ctx, s); err != nil {
				t.Fatal(err)
			}
			if got := s.Loops[0].Anti; got != tc.anti {
				t.Errorf("loop %s: Anti = %v, want %v (carries %v)", s.Loops[0].Iter, got, tc.anti, s.Loops[0].CarriedBy)
			}
			checkCode(t, strings.Join(newRegion(s, f, def.Body).generate("    "), "\n"), tc.want, tc.not)
		})
	}
}

// TestFloat32SumsStay is difffuzz's known failure p60011: a float32 sum reordered by NumPy
// rounds otherwise than the loop's float32 steps, which is within float32's tolerance, but a
// statement copying the float32 array into a float64 one exposes the difference at float64
// precision. Without such a copy the sum is still vectorized.
func TestFloat32SumsStay(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		vectorized bool
	}{
		{"copied into float64", "for i in range(A.shape[0]):\n        A[i] = D[i]\n    for j in range(A.shape[0]):\n        D[0] += E[j]\n", false},
		{"summed into a scalar", "for j in range(A.shape[0]):\n        D[0] += E[j]\n    for i in range(A.shape[0]):\n        s += D[i]\n", false},
		{"stays float32", "for i in range(A.shape[0]):\n        F[i] = D[i]\n    for j in range(A.shape[0]):\n        D[0] += E[j]\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(A, D, E, F):\n    s = 0.0\n    " + tc.body + "    return s\n"
			vec := func(dtype string) *typeinfer.Type { return typeinfer.Array(dtype, typeinfer.SymDim("N")) }
			code := numpyCode(t, src, map[string]*typeinfer.Type{
				"A": vec("float64"), "D": vec("float32"), "E": vec("float64"), "F": vec("float32"),
			})
			if got := !strings.Contains(code, "for j in range"); got != tc.vectorized {
				t.Errorf("sum vectorized %v, want %v:\n%s", got, tc.vectorized, code)
			}
		})
	}
}

// TestSumIntoOneCell: a sum into one cell runs only when it has terms (the loops never touch
// the cell otherwise, and c[i + 1] is past the array for the last i), and a 0-d array's cell
// is acc[()], not the unparsable acc[] (both found by a review of the summing loops).
func TestSumIntoOneCell(t *testing.T) {
	vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
	cases := []struct {
		name, src string
		params    map[string]*typeinfer.Type
		want      string
	}{
		{"empty for the last i", "def k(n, A, c):\n    for i in range(n):\n        for j in range(i + 1, n):\n            c[i + 1] += A[j] * 2.0\n",
			map[string]*typeinfer.Type{"n": typeinfer.Simple(typeinfer.Int), "A": vec, "c": vec},
			"if (i + 1) < (_p_n): c[i + 1] += "},
		{"0-d cell", "def k(n, x, acc):\n    for j in range(n):\n        acc[()] += x[j]\n",
			map[string]*typeinfer.Type{"n": typeinfer.Simple(typeinfer.Int), "x": vec, "acc": typeinfer.Array("float64")},
			"acc[()] += "},
	}
	for _, c := range cases {
		_, code := generated(t, c.src, c.params)
		if !strings.Contains(code, c.want) {
			t.Errorf("%s: want %q in:\n%s", c.name, c.want, code)
		}
	}
}

// TestIntPowerNotVectorized: an int to an int power stays a loop unless the exponent is a
// literal that is not negative: Python's 2 ** -1 is 0.5, NumPy raises ValueError for int
// arrays, and a masked statement evaluates it where the loops never did (found by review).
func TestIntPowerNotVectorized(t *testing.T) {
	ints := typeinfer.Array("int64", typeinfer.SymDim("N"))
	for _, c := range []struct {
		body string
		want bool
	}{
		// 2 ** (i - 3) is no SCoP at all: Python's power of ints is exact (polyopt's int-range).
		{"x[i] = 2 ** y[i]", false},
		{"x[i] = y[i] ** 2", true},
		{"x[i] = y[i] ** 2 + 1", true},
	} {
		src := "def k(x, y):\n    for i in range(x.shape[0]):\n        " + c.body + "\n"
		r, code := generated(t, src, map[string]*typeinfer.Type{"x": ints, "y": ints})
		if got := r.vector > 0; got != c.want {
			t.Errorf("%s: vectorized = %v, want %v:\n%s", c.body, got, c.want, code)
		}
	}
}

// TestFixedIndexWhenNotEmpty: a statement indexing an array where no loop moves (T[i, 0])
// runs only when its vectorized loops do: NumPy checks T[:, 0] against a 0 x 0 T and raises,
// where the loop over range(0) never read T (found by review).
func TestFixedIndexWhenNotEmpty(t *testing.T) {
	sq := typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	vec := typeinfer.Array("float64", typeinfer.SymDim("N"))
	for _, c := range []struct{ body, want, not string }{
		{"T[i, 0] = 5.0", "if (0) < (_p_N): T[:, 0] = 5.0", ""},
		{"x[i] = T[i, 0] * 2.0", "if (0) < (_p_N): x[:] = ", ""},
		{"T[i, i] = 1.0", "[...] = 1.0", "if ("},
		{"x[i] = T[i, 1] + 1.0", "if (0) < (_p_N): ", ""},
		// A temporary gets zeros of its empty shape; a sum into a scalar is skipped.
		{"s = T[i, 0]\n        x[i] = s * 2.0", "if (0) < (_p_N) else _np.zeros((max(0, _p_N),))", ""},
		{"s += T[i, 0]", "if (0) < (_p_N): s += ", ""},
	} {
		src := "def k(T, x):\n    for i in range(x.shape[0]):\n        " + c.body + "\n"
		if strings.HasPrefix(c.body, "s +=") {
			src = "def k(T, x):\n    s = 0.0\n    for i in range(x.shape[0]):\n        " + c.body + "\n    return s\n"
		}
		_, code := generated(t, src, map[string]*typeinfer.Type{"T": sq, "x": vec})
		if !strings.Contains(code, c.want) || (c.not != "" && strings.Contains(code, c.not)) {
			t.Errorf("%s: want %q (not %q) in:\n%s", c.body, c.want, c.not, code)
		}
	}
}

// TestComplexIntoRealTemp: a scalar that starts at 0.0 and sums complex values turns complex
// in the loop; as a float64 temporary, += raised UFuncTypeError (found by review). It stays a
// scalar per row; with float64 values it becomes one product.
func TestComplexIntoRealTemp(t *testing.T) {
	src := "def k(A, x, y):\n    for i in range(A.shape[0]):\n        s = 0.0\n        for k in range(A.shape[1]):\n            s += A[i, k] * x[k]\n        y[i] = s\n"
	for _, tc := range []struct {
		dtype     string
		want, not []string
	}{
		{"complex128", []string{"s = 0.0", "y[i] = s"}, []string{"_np.zeros"}},
		{"float64", []string{"_np.matmul(A, x, out=y)"}, []string{"s = 0.0"}},
	} {
		params := map[string]*typeinfer.Type{
			"A": typeinfer.Array(tc.dtype, typeinfer.SymDim("N"), typeinfer.SymDim("M")),
			"x": typeinfer.Array(tc.dtype, typeinfer.SymDim("M")),
			"y": typeinfer.Array(tc.dtype, typeinfer.SymDim("N")),
		}
		checkCode(t, numpyCode(t, src, params), tc.want, tc.not)
	}
}

// TestMathRaises: a math function that raises in Python (math.sqrt(-1.0)) and gives nan in
// NumPy runs through _rt.mathf where the loops computed it at every point, and stays NumPy's
// where the whole-array form computes it at points the loops never reached.
func TestMathRaises(t *testing.T) {
	params := map[string]*typeinfer.Type{
		"A":     typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		"B":     typeinfer.Array("float64", typeinfer.SymDim("N"), typeinfer.SymDim("N")),
		"alpha": {Kind: typeinfer.Float},
	}
	for _, tc := range []struct {
		inner, stmt string
		want, not   []string
	}{
		{"range(A.shape[1])", "B[i, j] = math.sqrt(A[i, j]) * 2.0", []string{`_rt.mathf("sqrt", A)`}, []string{"_np.sqrt"}},
		{"range(A.shape[1])", "B[i, j] = math.pow(A[i, j], 3.0)", []string{`_rt.mathf("pow", A, 3.0)`}, nil},
		{"range(A.shape[1])", "B[i, j] = math.atan(A[i, j])", []string{"_np.arctan(A)"}, []string{"mathf"}},
		{"range(A.shape[1])", "B[i, j] = math.sqrt(A[i, j]) if A[i, j] > 0.0 else 0.0", []string{"_np.sqrt(A)"}, []string{"mathf"}},
		{"range(A.shape[1])", "B[i, j] = A[i, j] > 0.0 and math.log(A[i, j]) > 1.0", []string{"_np.log(A)"}, []string{"mathf"}},
		{"range(i)", "B[i, j] = math.sqrt(A[i, j])", []string{"_np.sqrt("}, []string{"mathf"}},
		// Checked calls run only where every loop of the statement runs: with no j, the
		// loops never took sqrt of A[i], nor of alpha.
		{"range(B.shape[1])", "B[i, j] = math.sqrt(A[i, 0]) * 2.0", []string{`if (0) < (_p_N): B[:, :] = (_rt.mathf("sqrt", (A[:, 0])[:, None])`}, nil},
		{"range(B.shape[1])", "B[i, j] = math.sqrt(alpha) * A[i, j]", []string{"if (0) < (_p_N): B[:, :] = (math.sqrt(alpha)"}, nil},
		{"range(A.shape[1])", "B[i, j] = math.log(A[i, j], 2.0)", []string{"math.log(A[i, j], 2.0)"}, []string{"_np.log", "mathf"}},
		// math.floor(A[i, j]) is no SCoP: an int of a float has any size (polyopt's int-range).
		{"range(A.shape[1])", "B[i, j] = A[i, j] * math.log(alpha, 2.0)", []string{"B[:, :] = (A * math.log(alpha, 2.0))"}, nil},
	} {
		src := "def k(A, B, alpha):\n    for i in range(A.shape[0]):\n        for j in " + tc.inner + ":\n            " + tc.stmt + "\n"
		checkCode(t, numpyCode(t, src, params), tc.want, tc.not)
	}
}

// TestNumbaMathRaises: the compiled code calls pyparc_rt's checked math functions, under
// the module's own name for math, and leaves math.fmod (Numba has none) and others alone.
func TestNumbaMathRaises(t *testing.T) {
	for _, tc := range []struct {
		code, want string
	}{
		{"x = math.sqrt(a) + math.exp(b)", "x = _rt.math_sqrt(a) + _rt.math_exp(b)"},
		{"x = m.pow(a, 2.0) + m.atan(b)", "x = _rt.math_pow(a, 2.0) + m.atan(b)"},
		{"x = math.fmod(a, b) + np.sqrt(a)", "x = math.fmod(a, b) + np.sqrt(a)"},
		{"x = cmath.sqrt(a) + y.math.sqrt(a)", "x = cmath.sqrt(a) + y.math.sqrt(a)"},
		{"x = math.sqrt (a) + math . exp(b)", "x = _rt.math_sqrt (a) + _rt.math_exp(b)"},
		{"x = math.log(a, 2.0) + math.log(f(a, b))", "x = math.log(a, 2.0) + _rt.math_log(f(a, b))"},
	} {
		got := checkedMath(tc.code, map[string]string{"math": "math", "m": "math", "np": "numpy", "cmath": "cmath"})
		if got != tc.want {
			t.Errorf("checkedMath(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
}
