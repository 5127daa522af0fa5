package typeinfer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// declared reads the annotations of a definition that pyparc understands.
func (m *Module) declared(def *pyast.FunctionDef) map[string]*Type {
	out := map[string]*Type{}
	for _, p := range def.Params {
		if p.Annotation == nil || p.Kind != pyast.ParamNormal {
			continue
		}
		if t := m.annotation(p.Annotation); t != nil {
			out[p.Name] = t
		}
	}
	if def.Returns != nil {
		if t := m.annotation(def.Returns); t != nil {
			out["return"] = t
		}
	}
	return out
}

// qualified resolves a name or dotted attribute through the module's imports:
// "np.float64" -> "numpy.float64", "NDArray" -> "numpy.typing.NDArray".
func (m *Module) qualified(e pyast.Expr) string {
	switch e := e.(type) {
	case *pyast.Name:
		if q, ok := m.Imports[e.Id]; ok {
			return q
		}
		return e.Id
	case *pyast.Attribute:
		base := m.qualified(e.X)
		if base == "" {
			return ""
		}
		return base + "." + e.Attr
	}
	return ""
}

// annotation converts an annotation expression to a type, or nil when pyparc does not
// understand it (it is then left alone, neither trusted nor contradicted).
func (m *Module) annotation(e pyast.Expr) *Type {
	switch e := e.(type) {
	case *pyast.Constant:
		if e.Kind == pyast.ConstNone {
			return Simple(None)
		}
	case *pyast.BinOp:
		if e.Op == pyast.BitOr {
			x, y := m.annotation(e.X), m.annotation(e.Y)
			if x != nil && y != nil {
				return Join(x, y)
			}
		}
	case *pyast.Name, *pyast.Attribute:
		switch q := m.qualified(e); q {
		case "int":
			return Simple(Int)
		case "float":
			return Simple(Float)
		case "bool":
			return Simple(Bool)
		case "complex":
			return Simple(Complex)
		case "str":
			return Simple(Str)
		case "bytes":
			return Simple(Bytes)
		case "None":
			return Simple(None)
		case "numpy.ndarray", "numpy.typing.NDArray":
			return &Type{Kind: NDArray, NDim: -1}
		default:
			if dt, ok := strings.CutPrefix(q, "numpy."); ok && isDType(dt) {
				return &Type{Kind: NPScalar, DType: strings.TrimSuffix(dt, "_")}
			}
		}
	case *pyast.Subscript:
		switch m.qualified(e.X) {
		case "numpy.typing.NDArray":
			dt, ok := strings.CutPrefix(m.qualified(e.Index), "numpy.")
			if !ok || !isDType(dt) {
				return &Type{Kind: NDArray, NDim: -1}
			}
			return &Type{Kind: NDArray, DType: strings.TrimSuffix(dt, "_"), NDim: -1}
		case "typing.Annotated":
			tup, ok := e.Index.(*pyast.Tuple)
			if !ok || len(tup.Elts) < 2 {
				return nil
			}
			base := m.annotation(tup.Elts[0])
			str, ok := tup.Elts[1].(*pyast.Str)
			if base == nil || base.Kind != NDArray || !ok || len(str.Parts) != 1 {
				return base
			}
			shape, err := strconv.Unquote(str.Parts[0])
			if err != nil {
				return base
			}
			arr := &Type{Kind: NDArray, DType: base.DType, NDim: 0, Shape: []Dim{}}
			for _, f := range strings.Fields(shape) {
				if n, err := strconv.ParseInt(f, 10, 64); err == nil {
					arr.Shape = append(arr.Shape, LitDim(n))
				} else if f == "?" {
					arr.Shape = append(arr.Shape, UnknownDim)
				} else {
					arr.Shape = append(arr.Shape, SymDim(f))
				}
			}
			arr.NDim = len(arr.Shape)
			return arr
		}
	}
	return nil
}

func isDType(name string) bool {
	switch strings.TrimSuffix(name, "_") {
	case "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64", "uint32",
		"uint16", "uint8", "bool", "complex128", "complex64":
		return true
	}
	return false
}

// check compares the annotations written in the source with what was recorded.
func (m *Module) check(fn *Function) []string {
	var out []string
	pos := func(name string) string {
		for _, p := range fn.Def.Params {
			if p.Name == name && p.Annotation != nil {
				return m.File.Position(p.Annotation.Pos()).String()
			}
		}
		if fn.Def.Returns != nil {
			return m.File.Position(fn.Def.Returns.Pos()).String()
		}
		return m.File.Position(fn.Def.Pos()).String()
	}
	for _, p := range fn.Recorded.Params {
		decl := fn.Declared[p.Name]
		if decl == nil {
			continue
		}
		if why := compatible(decl, p.Type); why != "" {
			out = append(out, fmt.Sprintf("%s: parameter %s is annotated %s but was called with %s: %s",
				pos(p.Name), p.Name, decl, p.Type, why))
		}
	}
	if decl := fn.Declared["return"]; decl != nil && fn.Recorded.Return != nil {
		if why := compatible(decl, fn.Recorded.Return); why != "" {
			out = append(out, fmt.Sprintf("%s: %s is annotated to return %s but returned %s: %s",
				pos("return"), fn.QualName, decl, fn.Recorded.Return, why))
		}
	}
	return out
}

// compatible reports why an observed type does not fit a declared one ("" when it fits).
// Declared float admits int, and complex admits both, as PEP 484's numeric tower says.
func compatible(decl, obs *Type) string {
	if decl == nil || obs == nil || decl.Kind == Unknown {
		return ""
	}
	if obs.Kind == Union {
		for _, a := range obs.Alts {
			if why := compatible(decl, a); why != "" {
				return why
			}
		}
		return ""
	}
	if decl.Kind == Union {
		for _, a := range decl.Alts {
			if compatible(a, obs) == "" {
				return ""
			}
		}
		return "no alternative of the union fits"
	}
	switch decl.Kind {
	case Float:
		if obs.Kind == Int || obs.Kind == Bool || obs.Kind == Float || (obs.Kind == NPScalar && strings.HasPrefix(obs.DType, "float")) {
			return ""
		}
	case Int:
		if obs.Kind == Int || obs.Kind == Bool {
			return ""
		}
	case Complex:
		if obs.Kind == Int || obs.Kind == Float || obs.Kind == Complex || obs.Kind == Bool {
			return ""
		}
	case NDArray:
		if obs.Kind != NDArray {
			break
		}
		if decl.DType != "" && decl.DType != obs.DType {
			return "dtype " + obs.DType + " is not " + decl.DType
		}
		if decl.NDim >= 0 && obs.NDim >= 0 {
			if decl.NDim != obs.NDim {
				return fmt.Sprintf("%d dimensions, not %d", obs.NDim, decl.NDim)
			}
			for i, d := range decl.Shape {
				o := obs.Shape[i]
				if d.Sym == "" && d.Lit >= 0 && (o.Sym != "" || o.Lit != d.Lit) {
					return fmt.Sprintf("dimension %d is %s, not %d", i, o, d.Lit)
				}
			}
		}
		return ""
	default:
		if decl.Kind == obs.Kind && decl.DType == obs.DType {
			return ""
		}
	}
	return "a " + obs.Kind.String() + " is not a " + decl.Kind.String()
}
