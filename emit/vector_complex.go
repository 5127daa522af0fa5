package emit

import (
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// sameComplex refuses a statement whose whole-array form would treat complex values otherwise
// than the loop: a complex value stored into a real array element raises TypeError in the loop
// but drops the imaginary part in a whole-array store, and math.* of a complex element raises
// where NumPy's function computes. abs(), .real and .imag make a complex value real.
func (r *region) sameComplex(st *polyopt.Stmt, value pyast.Expr) error {
	complexIn := false
	for _, a := range st.Reads {
		complexIn = complexIn || strings.HasPrefix(r.dtype(a.Array), "complex")
	}
	pyast.Inspect(value, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Num:
			complexIn = complexIn || strings.ContainsAny(n.Raw, "jJ")
		case *pyast.Name:
			complexIn = complexIn || r.scop.MaybeComplex[n.Id]
		}
		return !complexIn
	})
	if !complexIn {
		return nil
	}
	if t := r.dtype(st.Writes[0].Array); t != "" && !strings.HasPrefix(t, "complex") && r.maybeComplex(value, true) {
		return vecErr("a value that may be complex stored into a " + t + " array: the loop raises TypeError where NumPy drops the imaginary part")
	}
	bad := ""
	pyast.Inspect(value, func(n pyast.Node) bool {
		if c, ok := n.(*pyast.Call); ok {
			if f, ok := c.Func.(*pyast.Attribute); ok {
				if m, ok := f.X.(*pyast.Name); ok && r.moduleOf(m.Id) == "math" {
					bad = "math." + f.Attr
				}
			}
		}
		return bad == ""
	})
	if bad != "" {
		return vecErr(bad + " of complex elements: the loop raises TypeError where NumPy computes")
	}
	return nil
}

// maybeComplex reports a value with a complex term outside abs(), .real and .imag. unknown
// says whether a Python scalar or an array of unknown dtype counts as one.
func (r *region) maybeComplex(e pyast.Expr, unknown bool) bool {
	found := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *pyast.Num:
			found = strings.ContainsAny(n.Raw, "jJ")
		case *pyast.Attribute:
			if n.Attr == "real" || n.Attr == "imag" {
				return false
			}
		case *pyast.Call:
			name := ""
			switch f := n.Func.(type) {
			case *pyast.Name:
				name = f.Id
			case *pyast.Attribute:
				name = f.Attr
			}
			switch name {
			case "abs", "absolute", "real", "imag", "angle":
				return false
			}
		case *pyast.Subscript:
			if id, ok := n.X.(*pyast.Name); ok {
				t := r.dtype(id.Id)
				found = (unknown && t == "") || strings.HasPrefix(t, "complex")
				return false
			}
		case *pyast.Name:
			if a := r.scop.Arrays[n.Id]; a != nil && a.Scalar && ((unknown && a.DType == "") || strings.HasPrefix(a.DType, "complex")) {
				found = true
			}
			found = found || r.scop.MaybeComplex[n.Id]
		}
		return !found
	})
	return found
}
