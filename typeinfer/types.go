// Package typeinfer owns pyparc's type lattice: the types of Python values (scalars,
// containers, NumPy arrays with dtype and symbolic shape, user classes, unions), the join of two
// observations, the synthesis of symbolic shapes and int relations from a function's recorded
// calls, static inference of a function's locals, and rendering types as PEP 484 hints.
// It knows nothing of loops: that is polyopt's.
package typeinfer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Kind is the outermost constructor of a type.
type Kind int

const (
	Unknown Kind = iota // nothing known: the top of the lattice
	None
	Bool
	Int
	Float
	Complex
	Str
	Bytes
	List
	Tuple
	Dict
	NDArray
	NPScalar // a NumPy scalar such as np.float64
	Object   // an instance of a class, named by Class
	Union
)

var kindNames = [...]string{"unknown", "None", "bool", "int", "float", "complex", "str", "bytes",
	"list", "tuple", "dict", "ndarray", "npscalar", "object", "union"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Range is the closed interval of values an int took.
type Range struct{ Min, Max int64 }

// Dim is one dimension of an array shape: a literal extent, a symbol, or unknown.
type Dim struct {
	Sym string // "N"; empty for a literal or an unknown extent
	Lit int64  // the extent when Sym is empty; -1 when unknown
}

// LitDim returns a literal dimension.
func LitDim(n int64) Dim { return Dim{Lit: n} }

// SymDim returns a symbolic dimension.
func SymDim(s string) Dim { return Dim{Sym: s} }

// UnknownDim is a dimension nothing is known about.
var UnknownDim = Dim{Lit: -1}

func (d Dim) String() string {
	switch {
	case d.Sym != "":
		return d.Sym
	case d.Lit < 0:
		return "?"
	}
	return strconv.FormatInt(d.Lit, 10)
}

// Type is one point of the lattice. Types are values: operations return new ones and never
// change their arguments.
type Type struct {
	Kind  Kind
	Range *Range // Int, NPScalar int64: the values seen or proven; nil when unbounded
	DType string // NDArray, NPScalar: "float64", "int32", ...
	// NDArray: one Dim per axis; nil when even the rank is unknown (NDim -1).
	Shape []Dim
	NDim  int
	Elem  *Type   // List, Tuple of unknown length: the element type; Dict: the value type
	Key   *Type   // Dict: the key type
	Items []*Type // Tuple of known length: the type of each position
	Class string  // Object: "module.QualName"
	Alts  []*Type // Union: two or more alternatives, none a Union, ordered by String
}

// Simple returns a type of a kind that carries nothing else (None, bool, float, ...).
func Simple(k Kind) *Type { return &Type{Kind: k} }

// IntIn returns int with a known range.
func IntIn(min, max int64) *Type { return &Type{Kind: Int, Range: &Range{min, max}} }

// IntLike reports an int or a NumPy int64 scalar, or a union of both (a size passed as
// A.shape[0] at one call, as np.max(idx) + 1 at another): what a loop bound or a size may
// be. The variants compute with either as the original does.
func IntLike(t *Type) bool {
	if t != nil && t.Kind == Union {
		for _, a := range t.Alts {
			if !IntLike(a) {
				return false
			}
		}
		return len(t.Alts) > 0
	}
	return t != nil && (t.Kind == Int || t.Kind == NPScalar && t.DType == "int64")
}

// IntRange is the range an IntLike type's values took: its own, or its alternatives' joined;
// nil when any is unbounded.
func IntRange(t *Type) *Range {
	if t == nil || t.Kind != Union {
		if t == nil {
			return nil
		}
		return t.Range
	}
	var r *Range
	for _, a := range t.Alts {
		ar := IntRange(a)
		if ar == nil {
			return nil
		}
		if r == nil {
			r = &Range{ar.Min, ar.Max}
			continue
		}
		r = &Range{min(r.Min, ar.Min), max(r.Max, ar.Max)}
	}
	return r
}

// Array returns an ndarray type of the given dtype and shape.
func Array(dtype string, shape ...Dim) *Type {
	return &Type{Kind: NDArray, DType: dtype, Shape: shape, NDim: len(shape)}
}

// String renders the type compactly, for messages and golden files.
func (t *Type) String() string {
	if t == nil {
		return "unknown"
	}
	switch t.Kind {
	case Int:
		if t.Range != nil {
			return fmt.Sprintf("int[%d..%d]", t.Range.Min, t.Range.Max)
		}
		return "int"
	case NDArray:
		if t.NDim < 0 {
			return "ndarray[" + t.DType + ", ?]"
		}
		dims := make([]string, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = d.String()
		}
		return "ndarray[" + t.DType + ", (" + strings.Join(dims, ", ") + ")]"
	case NPScalar:
		if t.Range != nil {
			return fmt.Sprintf("np.%s[%d..%d]", t.DType, t.Range.Min, t.Range.Max)
		}
		return "np." + t.DType
	case List:
		return "list[" + t.Elem.String() + "]"
	case Tuple:
		if t.Items != nil {
			parts := make([]string, len(t.Items))
			for i, it := range t.Items {
				parts[i] = it.String()
			}
			return "tuple[" + strings.Join(parts, ", ") + "]"
		}
		return "tuple[" + t.Elem.String() + ", ...]"
	case Dict:
		return "dict[" + t.Key.String() + ", " + t.Elem.String() + "]"
	case Object:
		return t.Class
	case Union:
		parts := make([]string, len(t.Alts))
		for i, a := range t.Alts {
			parts[i] = a.String()
		}
		return strings.Join(parts, " | ")
	}
	return t.Kind.String()
}

// Equal reports whether two types are the same point of the lattice.
func Equal(a, b *Type) bool { return a.String() == b.String() }

// Join returns the least type that covers both a and b: int ranges widen, array dimensions
// that differ become unknown (symbolization names them later), and different kinds make a union.
func Join(a, b *Type) *Type {
	switch {
	case a == nil || a.Kind == Unknown:
		return b
	case b == nil || b.Kind == Unknown:
		return a
	case a.Kind == Union || b.Kind == Union:
		return unionOf(append(alts(a), alts(b)...))
	case a.Kind != b.Kind:
		return unionOf([]*Type{a, b})
	}
	switch a.Kind {
	case Int:
		if a.Range == nil || b.Range == nil {
			return Simple(Int)
		}
		return IntIn(min(a.Range.Min, b.Range.Min), max(a.Range.Max, b.Range.Max))
	case NDArray:
		if a.DType != b.DType {
			return unionOf([]*Type{a, b})
		}
		if a.NDim != b.NDim || a.NDim < 0 {
			return &Type{Kind: NDArray, DType: a.DType, NDim: -1}
		}
		shape := make([]Dim, a.NDim)
		for i := range shape {
			if a.Shape[i] == b.Shape[i] {
				shape[i] = a.Shape[i]
			} else {
				shape[i] = UnknownDim
			}
		}
		return Array(a.DType, shape...)
	case NPScalar:
		if a.DType != b.DType {
			return unionOf([]*Type{a, b})
		}
		if a.Range == nil || b.Range == nil {
			return &Type{Kind: NPScalar, DType: a.DType}
		}
		return &Type{Kind: NPScalar, DType: a.DType, Range: &Range{min(a.Range.Min, b.Range.Min), max(a.Range.Max, b.Range.Max)}}
	case List:
		return &Type{Kind: List, Elem: Join(a.Elem, b.Elem)}
	case Tuple:
		if a.Items != nil && b.Items != nil && len(a.Items) == len(b.Items) {
			items := make([]*Type, len(a.Items))
			for i := range items {
				items[i] = Join(a.Items[i], b.Items[i])
			}
			return &Type{Kind: Tuple, Items: items}
		}
		return &Type{Kind: Tuple, Elem: Join(tupleElem(a), tupleElem(b))}
	case Dict:
		return &Type{Kind: Dict, Key: Join(a.Key, b.Key), Elem: Join(a.Elem, b.Elem)}
	case Object:
		if a.Class != b.Class {
			return unionOf([]*Type{a, b})
		}
		return a
	}
	return a
}

// tupleElem is the join of a tuple's items, for a tuple seen with several lengths.
func tupleElem(t *Type) *Type {
	if t.Items == nil {
		return t.Elem
	}
	var e *Type
	for _, it := range t.Items {
		e = Join(e, it)
	}
	return e
}

func alts(t *Type) []*Type {
	if t.Kind == Union {
		return t.Alts
	}
	return []*Type{t}
}

// unionOf joins alternatives of the same kind (and dtype, for arrays) and sorts the rest.
func unionOf(ts []*Type) *Type {
	var out []*Type
	for _, t := range ts {
		merged := false
		for i, o := range out {
			if o.Kind == t.Kind && o.DType == t.DType && o.Class == t.Class {
				out[i] = Join(o, t)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return &Type{Kind: Union, Alts: out}
}
