package typeinfer

import (
	"fmt"
	"strings"

	"github.com/pyparc/pyparc/store"
)

// FromValue converts one recorded value into a type with a literal shape.
func FromValue(v store.Value) *Type {
	switch v.Type {
	case "None":
		return Simple(None)
	case "bool":
		return Simple(Bool)
	case "int":
		if v.Min != nil && v.Max != nil {
			return IntIn(*v.Min, *v.Max)
		}
		return Simple(Int)
	case "float":
		return Simple(Float)
	case "complex":
		return Simple(Complex)
	case "str":
		return Simple(Str)
	case "bytes":
		return Simple(Bytes)
	case "ndarray":
		shape := make([]Dim, len(v.Shape))
		for i, d := range v.Shape {
			shape[i] = LitDim(d)
		}
		return Array(v.DType, shape...)
	case "npscalar":
		t := &Type{Kind: NPScalar, DType: v.DType}
		if v.Min != nil && v.Max != nil {
			t.Range = &Range{*v.Min, *v.Max}
		}
		return t
	case "list":
		return &Type{Kind: List, Elem: joinValues(v.Elem)}
	case "tuple":
		if v.Items != nil || v.Elem == nil {
			items := make([]*Type, len(v.Items))
			for i, it := range v.Items {
				items[i] = FromValue(it)
			}
			return &Type{Kind: Tuple, Items: items}
		}
		return &Type{Kind: Tuple, Elem: joinValues(v.Elem)}
	case "dict":
		return &Type{Kind: Dict, Key: joinValues(v.Key), Elem: joinValues(v.Val)}
	case "object":
		return &Type{Kind: Object, Class: v.Class}
	}
	return Simple(Unknown)
}

func joinValues(vs []store.Value) *Type {
	var t *Type
	for _, v := range vs {
		t = Join(t, FromValue(v))
	}
	if t == nil {
		return Simple(Unknown)
	}
	return t
}

// Param is one synthesized parameter.
type Param struct {
	Name string
	Type *Type
}

// Symbol is a named array extent shared by every dimension that always had the same size.
type Symbol struct {
	Name     string
	Min, Max int64    // the sizes observed
	Dims     []string // where it occurs: "A.shape[0]", ...
	Params   []string // int parameters always equal to it
}

// Relation is an equality the guard of an optimized variant must check: "n == A.shape[0]".
type Relation struct{ Left, Right string }

func (r Relation) String() string { return r.Left + " == " + r.Right }

// Signature is what all recorded calls of one function say about its parameters, with the
// shape symbols and relations found across them.
type Signature struct {
	Params    []Param
	Return    *Type
	Symbols   []Symbol
	Relations []Relation
	Calls     int64
}

// MaxLiteralDim is the largest extent kept as a literal when it never varied: small fixed
// axes (3 for xyz, 2 for complex pairs) are part of an algorithm; larger ones are problem sizes.
// It was 8 until a STAP pipeline profiled with 4 channels got guards refusing 12: a literal
// extent in the guard sends every other size to the original.
const MaxLiteralDim = 3

// symbolLetters name symbols not tied to an int parameter, in order of first appearance.
var symbolLetters = []string{"N", "M", "K", "L", "P", "Q", "R", "S", "T", "U", "V", "W"}

// slot is one dimension of one array parameter (or of the return value, param -1).
type slot struct {
	target *Type  // the joined type whose dimension this is
	where  string // "A", "return", "return[1]"
	dim    int
	sizes  string // the size in each signature, as a key
}

// Synthesize joins the recorded signatures of one function and names its shape symbols:
// dimensions that are always equal share a symbol, a dimension that varied or is larger than
// MaxLiteralDim becomes a symbol, and an int parameter always equal to a symbol is tied to it.
func Synthesize(sigs []store.Signature) (*Signature, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("no recorded calls")
	}
	names := make([]string, len(sigs[0].Args))
	for i, a := range sigs[0].Args {
		names[i] = a.Name
	}
	out := &Signature{}
	per := make([][]*Type, len(sigs)) // per[s][p]: the type of param p in signature s
	for s, sig := range sigs {
		if len(sig.Args) != len(names) {
			return nil, fmt.Errorf("recorded calls disagree on the parameters (%d and %d)", len(names), len(sig.Args))
		}
		per[s] = make([]*Type, len(names))
		for p, a := range sig.Args {
			if a.Name != names[p] {
				return nil, fmt.Errorf("recorded calls disagree on parameter %d (%s and %s)", p, names[p], a.Name)
			}
			per[s][p] = FromValue(a.Value)
		}
		out.Calls += sig.Calls
	}
	for p, name := range names {
		var t *Type
		for s := range sigs {
			t = Join(t, per[s][p])
		}
		out.Params = append(out.Params, Param{Name: name, Type: t})
	}
	out.Return = joinReturns(sigs)

	// Collect the array dimension slots with their size vectors.
	var slots []slot
	addSlots := func(where string, t *Type, at func(s int) *Type) {
		if t.Kind != NDArray || t.NDim < 0 {
			return
		}
		for d := 0; d < t.NDim; d++ {
			sizes := make([]string, len(sigs))
			for s := range sigs {
				st := at(s)
				if st == nil || st.Kind != NDArray || st.NDim != t.NDim {
					return
				}
				sizes[s] = st.Shape[d].String()
			}
			slots = append(slots, slot{t, where, d, strings.Join(sizes, ",")})
		}
	}
	for p := range names {
		addSlots(names[p], out.Params[p].Type, func(s int) *Type { return per[s][p] })
	}
	if out.Return != nil {
		addSlots("return", out.Return, func(s int) *Type { return singleReturn(sigs[s]) })
		if out.Return.Kind == Tuple {
			for i, item := range out.Return.Items {
				addSlots(fmt.Sprintf("return[%d]", i), item, func(s int) *Type {
					r := singleReturn(sigs[s])
					if r == nil || r.Kind != Tuple || len(r.Items) != len(out.Return.Items) {
						return nil
					}
					return r.Items[i]
				})
			}
		}
	}

	// Int parameters (np.int64 ones too) with one value per signature can be tied to a group
	// of slots.
	intSizes := map[string][]string{} // size vector -> int params
	for p, name := range names {
		if !IntLike(out.Params[p].Type) {
			continue
		}
		sizes := make([]string, len(sigs))
		ok := true
		for s := range sigs {
			r := per[s][p].Range
			if !IntLike(per[s][p]) || r == nil || r.Min != r.Max {
				ok = false
				break
			}
			sizes[s] = fmt.Sprint(r.Min)
		}
		if ok {
			key := strings.Join(sizes, ",")
			intSizes[key] = append(intSizes[key], name)
		}
	}

	// Group slots by size vector; name each group that is a symbol.
	used := map[string]bool{}
	for _, n := range names {
		used[n] = true // a symbol never shadows a parameter name
	}
	symOf := map[string]string{} // size vector -> symbol name
	var order []string
	for _, sl := range slots {
		if _, seen := symOf[sl.sizes]; seen {
			continue
		}
		lo, hi := sizeRange(sl.sizes)
		if lo == hi && hi <= MaxLiteralDim && len(intSizes[sl.sizes]) == 0 {
			symOf[sl.sizes] = "" // a small fixed axis, unless an int parameter says its size
			continue
		}
		name := ""
		if ps := intSizes[sl.sizes]; len(ps) > 0 && !used[strings.ToUpper(ps[0])] {
			name = strings.ToUpper(ps[0])
		}
		symOf[sl.sizes] = name
		order = append(order, sl.sizes)
	}
	letters := 0
	for _, key := range order {
		if symOf[key] != "" {
			used[symOf[key]] = true
		}
	}
	for _, key := range order {
		if symOf[key] != "" {
			continue
		}
		for ; ; letters++ {
			name := fmt.Sprintf("N%d", letters)
			if letters < len(symbolLetters) {
				name = symbolLetters[letters]
			}
			if !used[name] {
				symOf[key], used[name] = name, true
				break
			}
		}
	}

	// Rewrite the shapes with the symbols and record where each occurs.
	syms := map[string]*Symbol{}
	for _, key := range order {
		lo, hi := sizeRange(key)
		syms[key] = &Symbol{Name: symOf[key], Min: lo, Max: hi, Params: intSizes[key]}
	}
	for _, sl := range slots {
		name := symOf[sl.sizes]
		if name == "" {
			continue
		}
		sl.target.Shape[sl.dim] = SymDim(name)
		syms[sl.sizes].Dims = append(syms[sl.sizes].Dims, fmt.Sprintf("%s.shape[%d]", sl.where, sl.dim))
	}
	for _, key := range order {
		s := syms[key]
		out.Symbols = append(out.Symbols, *s)
		param := firstParamDim(s.Dims)
		for _, p := range s.Params {
			if param != "" {
				out.Relations = append(out.Relations, Relation{p, param})
			}
		}
		for _, d := range s.Dims[1:] {
			if !strings.HasPrefix(d, "return") && !strings.HasPrefix(param, "return") {
				out.Relations = append(out.Relations, Relation{d, s.Dims[0]})
			}
		}
	}
	return out, nil
}

// firstParamDim is the first occurrence of a symbol in a parameter (not the return value).
func firstParamDim(dims []string) string {
	for _, d := range dims {
		if !strings.HasPrefix(d, "return") {
			return d
		}
	}
	return ""
}

func sizeRange(key string) (lo, hi int64) {
	lo, hi = -1, -1
	for _, f := range strings.Split(key, ",") {
		var n int64
		if _, err := fmt.Sscan(f, &n); err != nil {
			continue
		}
		if lo < 0 || n < lo {
			lo = n
		}
		if n > hi {
			hi = n
		}
	}
	return lo, hi
}

// singleReturn is the return type of a signature that always returned one kind of value.
func singleReturn(sig store.Signature) *Type {
	if len(sig.Returns) != 1 {
		return nil
	}
	return FromValue(sig.Returns[0].Value)
}

func joinReturns(sigs []store.Signature) *Type {
	var t *Type
	for _, sig := range sigs {
		for _, r := range sig.Returns {
			t = Join(t, FromValue(r.Value))
		}
	}
	return t // nil: the function never returned (it always raised)
}
