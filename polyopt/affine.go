package polyopt

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// Affine is c0 + sum(coef[v] * v) over loop iterators and parameters.
type Affine struct {
	Const int64
	Coef  map[string]int64 // zero coefficients are never stored
}

func constAff(c int64) Affine { return Affine{Const: c} }

func varAff(v string) Affine { return Affine{Coef: map[string]int64{v: 1}} }

func (a Affine) add(b Affine, sign int64) Affine {
	out := Affine{Const: a.Const + sign*b.Const, Coef: map[string]int64{}}
	for v, c := range a.Coef {
		out.Coef[v] = c
	}
	for v, c := range b.Coef {
		out.Coef[v] += sign * c
		if out.Coef[v] == 0 {
			delete(out.Coef, v)
		}
	}
	return out
}

func (a Affine) scale(k int64) Affine {
	if k == 0 {
		return constAff(0)
	}
	out := Affine{Const: a.Const * k, Coef: map[string]int64{}}
	for v, c := range a.Coef {
		out.Coef[v] = c * k
	}
	return out
}

// IsConst reports whether a has no variables.
func (a Affine) IsConst() bool { return len(a.Coef) == 0 }

// Vars returns a's variables, sorted.
func (a Affine) Vars() []string {
	vs := make([]string, 0, len(a.Coef))
	for v := range a.Coef {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	return vs
}

// String writes a in isl's notation: "i + 2N - 1".
func (a Affine) String() string {
	var b strings.Builder
	for _, v := range a.Vars() {
		c := a.Coef[v]
		switch {
		case b.Len() == 0 && c == 1:
		case b.Len() == 0 && c == -1:
			b.WriteString("-")
		case b.Len() == 0:
			b.WriteString(strconv.FormatInt(c, 10) + "*")
		case c == 1:
			b.WriteString(" + ")
		case c == -1:
			b.WriteString(" - ")
		case c < 0:
			b.WriteString(" - " + strconv.FormatInt(-c, 10) + "*")
		default:
			b.WriteString(" + " + strconv.FormatInt(c, 10) + "*")
		}
		b.WriteString(v)
	}
	switch {
	case b.Len() == 0:
		return strconv.FormatInt(a.Const, 10)
	case a.Const > 0:
		b.WriteString(" + " + strconv.FormatInt(a.Const, 10))
	case a.Const < 0:
		b.WriteString(" - " + strconv.FormatInt(-a.Const, 10))
	}
	return b.String()
}

// affineEnv says what names mean inside an affine expression.
type affineEnv interface {
	// affineName returns the affine meaning of a name (an iterator, a parameter, or a local
	// bound to an affine value), and false when the name is not affine.
	affineName(name string) (Affine, bool)
	// shapeDim returns the parameter naming array.shape[dim], if the array is known.
	shapeDim(array string, dim int) (Affine, bool)
}

// toAffine converts e to an affine expression, or reports why it is not one.
func toAffine(e pyast.Expr, env affineEnv) (Affine, string) {
	switch e := e.(type) {
	case *pyast.Num:
		n, err := strconv.ParseInt(strings.ReplaceAll(e.Raw, "_", ""), 0, 64)
		if err != nil {
			return Affine{}, "a non-integer constant " + e.Raw
		}
		return constAff(n), ""
	case *pyast.Name:
		if a, ok := env.affineName(e.Id); ok {
			return a, ""
		}
		return Affine{}, "the name " + e.Id + " is not a loop index, an int parameter or an array extent"
	case *pyast.UnaryOp:
		x, why := toAffine(e.X, env)
		if why != "" {
			return x, why
		}
		switch e.Op {
		case pyast.USub:
			return x.scale(-1), ""
		case pyast.UAdd:
			return x, ""
		}
		return Affine{}, "operator " + e.Op.String() + " is not affine"
	case *pyast.BinOp:
		x, why := toAffine(e.X, env)
		if why != "" {
			return x, why
		}
		y, why := toAffine(e.Y, env)
		if why != "" {
			return y, why
		}
		switch e.Op {
		case pyast.Add:
			return x.add(y, 1), ""
		case pyast.Sub:
			return x.add(y, -1), ""
		case pyast.Mul:
			if x.IsConst() {
				return y.scale(x.Const), ""
			}
			if y.IsConst() {
				return x.scale(y.Const), ""
			}
			return Affine{}, "a product of two variables is not affine"
		}
		return Affine{}, "operator " + e.Op.String() + " is not affine"
	case *pyast.Subscript:
		// A.shape[k]
		if attr, ok := e.X.(*pyast.Attribute); ok && attr.Attr == "shape" {
			if arr, ok := attr.X.(*pyast.Name); ok {
				if k, ok := e.Index.(*pyast.Num); ok {
					if d, err := strconv.Atoi(k.Raw); err == nil {
						if a, ok := env.shapeDim(arr.Id, d); ok {
							return a, ""
						}
					}
				}
			}
		}
	case *pyast.Call:
		// len(A) is A.shape[0]
		if f, ok := e.Func.(*pyast.Name); ok && f.Id == "len" && len(e.Args) == 1 {
			if arr, ok := e.Args[0].(*pyast.Name); ok {
				if a, ok := env.shapeDim(arr.Id, 0); ok {
					return a, ""
				}
			}
		}
	}
	return Affine{}, "the expression is not affine in loop indices and parameters"
}

// Const is the affine constant c.
func Const(c int64) Affine { return constAff(c) }

// Add returns a + b.
func (a Affine) Add(b Affine) Affine { return a.add(b, 1) }

// Var is the affine variable v.
func Var(v string) Affine { return varAff(v) }
