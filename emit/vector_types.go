package emit

// Types: which loop statements whole-array code computes with NumPy's own arithmetic and dtypes.

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// pythonNumber returns "int" or "float" for a value that is that Python type whatever the
// arguments: built from number literals and the iterators of the loops around it (range
// yields Python ints) with +, -, *, // and % (and / for a float); "" for anything else (a
// parameter may be a NumPy scalar, an array element is one, ** may give either).
func pythonNumber(e pyast.Expr, iters []string) string {
	iter := map[string]bool{}
	for _, it := range iters {
		iter[it] = true
	}
	ok, float := true, false
	pyast.Inspect(e, func(n pyast.Node) bool {
		switch n := n.(type) {
		case nil:
		case *pyast.Num:
			raw := strings.ToLower(n.Raw)
			switch {
			case strings.HasPrefix(raw, "0x") || strings.HasPrefix(raw, "0o") || strings.HasPrefix(raw, "0b"):
			case strings.Contains(raw, "j"):
				ok = false
			case strings.ContainsAny(raw, ".e"):
				float = true
			}
		case *pyast.Name:
			ok = ok && iter[n.Id]
		case *pyast.BinOp:
			switch n.Op {
			case pyast.Add, pyast.Sub, pyast.Mul, pyast.FloorDiv, pyast.Mod:
			case pyast.Div:
				float = true
			default:
				ok = false
			}
		case *pyast.UnaryOp:
			ok = ok && (n.Op == pyast.USub || n.Op == pyast.UAdd)
		default:
			ok = false
		}
		return ok
	})
	switch {
	case !ok:
		return ""
	case float:
		return "float"
	}
	return "int"
}

// readsArray reports an expression that reads an array element.
func readsArray(e pyast.Expr) bool {
	found := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		if _, ok := n.(*pyast.Subscript); ok {
			found = true
		}
		return !found
	})
	return found
}

// sameArithmetic refuses a statement whose whole-array form would compute at another
// precision than the original's element-by-element Python: float32 elements read into a value
// that goes to anything but a float32 array. Python then mixes NumPy float32 scalars with its
// own floats (math.* returns a Python float, min() returns whichever object is smaller, +=
// into a float64 element rounds each step differently from a float32 sum), which whole-array
// NumPy cannot reproduce. difffuzz found each of these (mismatch_p7083, p10095, p10215,
// p10332).
func (r *region) sameArithmetic(st *polyopt.Stmt, value pyast.Expr) error {
	if err := r.sameComplex(st, value); err != nil {
		return err
	}
	// An int to an int power: Python gives a float for a negative exponent (2 ** -1 is
	// 0.5), NumPy raises ValueError for int arrays; a masked statement would even compute it
	// at points the loops never reach. Only a literal exponent, never negative, is the same.
	intPow := false
	pyast.Inspect(value, func(n pyast.Node) bool {
		if b, ok := n.(*pyast.BinOp); ok && b.Op == pyast.Pow && r.intValued(b.X) && r.intValued(b.Y) {
			if num, ok := b.Y.(*pyast.Num); !ok || strings.ContainsAny(num.Raw, ".eEjJ-") {
				intPow = true
			}
		}
		return !intPow
	})
	if intPow {
		return vecErr("an int to an int power that may be negative: Python gives a float, NumPy raises")
	}
	f32, small := false, false
	for _, a := range st.Reads {
		f32 = f32 || r.dtype(a.Array) == "float32"
		switch r.dtype(a.Array) {
		case "int8", "int16", "uint8", "uint16":
			small = true
		}
	}
	if small && !f32 {
		// NumPy's functions give float32 for these (np.sqrt of an int16): a sum of them is a
		// float32 sum, found by difffuzz (seed 100), and np.sqrt(x[i]) * i a float32 in the
		// loop, float64 with an arange (found by review).
		pyast.Inspect(value, func(n pyast.Node) bool {
			if c, ok := n.(*pyast.Call); ok {
				if f, ok := c.Func.(*pyast.Attribute); ok {
					if m, ok := f.X.(*pyast.Name); ok && r.moduleOf(m.Id) == "numpy" {
						f32 = true
					}
				}
			}
			return !f32
		})
	}
	if !f32 {
		return nil
	}
	if t := r.dtype(st.Writes[0].Array); t != "float32" {
		if t == "" {
			t = "Python scalar"
		}
		return vecErr("float32 elements computed into a " + t + " target: NumPy would compute them at another precision than the loop does")
	}
	bad := ""
	pyast.Inspect(value, func(n pyast.Node) bool {
		if c, ok := n.(*pyast.Call); ok {
			switch f := c.Func.(type) {
			case *pyast.Name:
				if f.Id == "min" || f.Id == "max" {
					bad = f.Id + "()"
				}
			case *pyast.Attribute:
				if m, ok := f.X.(*pyast.Name); ok && r.moduleOf(m.Id) == "math" {
					bad = "math." + f.Attr
				}
			}
		}
		return bad == ""
	})
	if bad != "" {
		return vecErr(bad + " of float32 elements: Python computes it on Python floats, NumPy on float32 arrays")
	}
	return nil
}

// float32SumStays refuses to reorder a sum into the float32 array target when a statement of
// the SCoP copies target's elements into a wider array or a Python scalar. The reordered sum
// rounds otherwise than the loop's float32 steps: within float32's tolerance, but a float64
// copy of it is then compared, and used, at float64 precision.
func (r *region) float32SumStays(target string) error {
	if r.dtype(target) != "float32" {
		return nil
	}
	for _, st := range r.scop.Stmts {
		if st.Check || len(st.Writes) == 0 || r.dtype(st.Writes[0].Array) == "float32" {
			continue
		}
		for _, a := range st.Reads {
			if a.Array == target {
				return vecErr(fmt.Sprintf("a float32 sum into %s reordered, and %s copies %s into a wider %s: NumPy's rounding would reach it at float64 precision",
					target, r.source(st.Node), target, cmp.Or(r.dtype(st.Writes[0].Array), "Python scalar")))
			}
		}
	}
	return nil
}

// dtype is the NumPy dtype of an array of the SCoP, "" for a Python scalar or an unknown name.
func (r *region) dtype(name string) string {
	if a := r.array(name); a != nil && !a.Scalar {
		return a.DType
	}
	return ""
}

func isIntDType(t string) bool {
	return strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || t == "bool"
}

// intValued reports a value built only from ints: int literals, int arrays and scalars, loop
// indices, and the operators that keep ints ints (not /, not **).
func (r *region) intValued(e pyast.Expr) bool {
	ok := true
	pyast.Inspect(e, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Num:
			raw := strings.ToLower(n.Raw)
			if strings.ContainsAny(raw, ".j") || (strings.Contains(raw, "e") && !strings.HasPrefix(raw, "0x")) {
				ok = false
			}
		case *pyast.BinOp:
			if op := n.Op.String(); op == "/" || op == "**" || op == "@" {
				ok = false
			}
		case *pyast.Call, *pyast.Attribute:
			ok = false
		case *pyast.Subscript:
			if id, isName := n.X.(*pyast.Name); isName && !isIntDType(r.dtype(id.Id)) {
				ok = false
			}
			return false
		case *pyast.Name:
			if a := r.scop.Arrays[n.Id]; a != nil && !isIntDType(a.DType) && !(a.Scalar && a.DType == "") {
				ok = false
			}
			if a := r.scop.Arrays[n.Id]; a != nil && a.Scalar && a.DType == "" {
				ok = false // a Python scalar of unknown type
			}
			if r.scop.NonInt[n.Id] {
				ok = false // a float parameter
			}
		}
		return ok
	})
	return ok
}
