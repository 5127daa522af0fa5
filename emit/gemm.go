package emit

import (
	"regexp"
	"strings"
)

// gemmInto turns a product added into a whole float64 matrix, C[:, :] += s * (X @ Y), with
// the scaling of C just before it, C[:, :] *= b, into one call, _rt.gemm(s, X, Y, b, C):
// BLAS's gemm computes s * (X @ Y) + b * C reading C once, without the temporary of C's size
// and the three passes NumPy makes (gemm on 16 cores: 98-121 us against 158-177 at MEDIUM,
// 5.6-6.0 ms against 7.7-8.8 at LARGE; see pyparc_rt/_gemm.py, which runs the NumPy
// operations wherever one dgemm would not compute the same). The product must not read C's
// array, so that C is scaled before or after the product alike; s and b are numbers or
// scalars' names, the same at every point. X and Y are arrays, their transposes or slices,
// which cannot raise: their evaluation moves before the scaling of C. The dtypes and layouts
// are the runtime's to check.
func (r *region) gemmInto() {
	drop := map[int]bool{}
	for at, u := range r.updates {
		if u.op != "+=" || u.mask != "" || u.temp || !wholeTarget.MatchString(u.target) {
			continue
		}
		arr := r.scop.Arrays[u.array]
		if arr == nil || arr.Scalar || arr.DType != "float64" || len(arr.Extent) != 2 || namesIn(u.value)[u.array] {
			continue
		}
		scale, x, y, ok := splitMatmul(u.value)
		if !ok || !plainOperand.MatchString(x) || !plainOperand.MatchString(y) {
			continue
		}
		alpha := "None"
		if scale != "" {
			for _, f := range splitTop(scale, " * ") {
				if !r.scalarFactor(f) {
					ok = false
				}
			}
			alpha = scale
		}
		if !ok {
			continue
		}
		beta := "None"
		if at > 0 {
			factor, isScale := strings.CutPrefix(r.lines[at-1], u.indent+u.target+" *= ")
			if _, isUpdate := r.updates[at-1]; isScale && !isUpdate && r.scalarFactor(factor) {
				beta = factor
				drop[at-1] = true
			}
		}
		r.lines[at] = u.indent + "_rt.gemm(" + alpha + ", " + x + ", " + y + ", " + beta + ", " + u.array + ")"
		delete(r.updates, at)
	}
	r.dropLines(drop)
	// A product copied into a whole matrix and scaled (copyInto's np.matmul(X, Y, out=T)
	// then T *= s, one entry of two lines: 2mm's tmp = alpha * A @ B): one dgemm writing T,
	// without the pass that scaled it.
	for at, line := range r.lines {
		m := matmulInto.FindStringSubmatch(line)
		if _, isUpdate := r.updates[at]; m == nil || isUpdate || m[4] != m[1] || m[5] != m[3] || !r.scalarFactor(m[6]) {
			continue
		}
		xy := splitArgs(m[2])
		if len(xy) != 2 || !plainOperand.MatchString(xy[0]) || !plainOperand.MatchString(xy[1]) {
			continue
		}
		arr := r.scop.Arrays[m[3]]
		if arr == nil || arr.Scalar || arr.DType != "float64" || len(arr.Extent) != 2 {
			continue
		}
		r.lines[at] = m[1] + "_rt.matmul_scaled(" + xy[0] + ", " + xy[1] + ", " + m[6] + ", " + m[3] + ")"
	}
}

// matmulInto matches copyInto's scaled product into a whole array: indentation, operands,
// array; the second line's indentation, array and factor.
var matmulInto = regexp.MustCompile(`^([ \t]*)_np\.matmul\(([^\n]*), out=([A-Za-z_][A-Za-z0-9_]*)\)\n([ \t]*)([A-Za-z_][A-Za-z0-9_]*) \*= ([^\n]+)$`)

// plainOperand matches an array, (array).T, array.T or array[slices] with no call in them.
var plainOperand = regexp.MustCompile(`^(\(?[A-Za-z_][A-Za-z0-9_]*\)?(\.T)?|[A-Za-z_][A-Za-z0-9_]*\[[^()\[\]]*\])$`)
