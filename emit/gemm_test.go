package emit

import (
	"testing"

	"github.com/pyparc/pyparc/typeinfer"
)

// TestGemmInto: a product added into a whole float64 matrix, with its scaling just before,
// becomes one _rt.gemm call, and a scaled product copied into one an _rt.matmul_scaled call; a product that reads the matrix, a factor that is an array, an
// operand that is computed, a part of the matrix or another dtype keep NumPy's lines.
func TestGemmInto(t *testing.T) {
	mat := func(dtype string) *typeinfer.Type {
		return typeinfer.Array(dtype, typeinfer.SymDim("N"), typeinfer.SymDim("N"))
	}
	loops := "for i in range(C.shape[0]):\n        for j in range(C.shape[0]):\n"
	for _, tc := range []struct {
		name, body string
		c          string // C's dtype
		want, not  []string
	}{
		{"gemm", loops + "            C[i, j] *= beta\n            for k in range(C.shape[0]):\n                C[i, j] += alpha * A[i, k] * B[k, j]\n",
			"float64", []string{"_rt.gemm(alpha, A, B, beta, C)"}, []string{"C[:, :] *= beta"}},
		{"no factors", loops + "            for k in range(C.shape[0]):\n                C[i, j] += A[i, k] * B[j, k]\n",
			"float64", []string{"_rt.gemm(None, A, (B).T, None, C)"}, nil},
		{"scaled product into the matrix", loops + "            C[i, j] = 0.0\n            for k in range(C.shape[0]):\n                C[i, j] += alpha * A[i, k] * B[k, j]\n",
			"float64", []string{"_rt.matmul_scaled(A, B, alpha, C)"}, []string{"_np.matmul", "C *= alpha"}},
		{"scaled product into float32", loops + "            C[i, j] = 0.0\n            for k in range(C.shape[0]):\n                C[i, j] += alpha * A[i, k] * B[k, j]\n",
			"float32", nil, []string{"matmul_scaled"}},
		{"reads the target", loops + "            for k in range(C.shape[0]):\n                C[i, j] += A[i, k] * C[k, j]\n",
			"float64", nil, []string{"_rt.gemm"}},
		{"array factor", loops + "            for k in range(C.shape[0]):\n                C[i, j] += x[k] * A[i, k] * B[k, j]\n",
			"float64", nil, []string{"_rt.gemm"}},
		{"part of the target", "for i in range(1, C.shape[0]):\n        for j in range(C.shape[0]):\n            for k in range(C.shape[0]):\n                C[i, j] += A[i, k] * B[k, j]\n",
			"float64", nil, []string{"_rt.gemm"}},
		{"float32 target", loops + "            for k in range(C.shape[0]):\n                C[i, j] += A[i, k] * B[k, j]\n",
			"float32", nil, []string{"_rt.gemm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def k(alpha, beta, A, B, C, x):\n    " + tc.body
			code := numpyCode(t, src, map[string]*typeinfer.Type{
				"A": mat("float64"), "B": mat("float64"), "C": mat(tc.c),
				"x":     typeinfer.Array("float64", typeinfer.SymDim("N")),
				"alpha": typeinfer.Simple(typeinfer.Float), "beta": typeinfer.Simple(typeinfer.Float),
			})
			checkCode(t, code, tc.want, tc.not)
		})
	}
}
