package typeinfer

import (
	"sort"
	"strconv"
	"strings"
)

// Renderer turns types into PEP 484 annotations for one module, and collects the imports those
// annotations need.
type Renderer struct {
	// NumPy is the name the module binds numpy to ("np" when it does not import numpy; the
	// import is then among Imports).
	NumPy string
	// Module is the module's own name: classes defined in it are written by their bare name.
	Module string
	// HasNumPy reports that the module already imports numpy as NumPy.
	HasNumPy bool

	needs map[string]bool // "Annotated", "NDArray", "Any", "numpy"
}

func (r *Renderer) need(what string) {
	if r.needs == nil {
		r.needs = map[string]bool{}
	}
	r.needs[what] = true
}

func (r *Renderer) np() string {
	if !r.HasNumPy {
		r.need("numpy")
	}
	if r.NumPy == "" {
		return "np"
	}
	return r.NumPy
}

// Hint renders t as an annotation, e.g. `Annotated[NDArray[np.float64], "N M"]`.
func (r *Renderer) Hint(t *Type) string {
	if t == nil {
		r.need("Any")
		return "Any"
	}
	switch t.Kind {
	case None:
		return "None"
	case Bool, Int, Float, Complex, Str, Bytes:
		return t.Kind.String()
	case NDArray:
		arr := "NDArray[" + r.dtype(t.DType) + "]"
		r.need("NDArray")
		if t.NDim < 0 {
			return arr
		}
		r.need("Annotated")
		dims := make([]string, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = d.String()
		}
		return "Annotated[" + arr + `, "` + strings.Join(dims, " ") + `"]`
	case NPScalar:
		return r.dtype(t.DType)
	case List:
		return "list[" + r.Hint(t.Elem) + "]"
	case Tuple:
		if t.Items != nil {
			if len(t.Items) == 0 {
				return "tuple[()]"
			}
			parts := make([]string, len(t.Items))
			for i, it := range t.Items {
				parts[i] = r.Hint(it)
			}
			return "tuple[" + strings.Join(parts, ", ") + "]"
		}
		return "tuple[" + r.Hint(t.Elem) + ", ...]"
	case Dict:
		return "dict[" + r.Hint(t.Key) + ", " + r.Hint(t.Elem) + "]"
	case Object:
		if t.Class == "builtins.type" {
			return "type"
		}
		if name, ok := strings.CutPrefix(t.Class, r.Module+"."); ok && r.Module != "" && !strings.Contains(name, "<locals>") {
			// A forward reference: the class may be defined after the function.
			return strconv.Quote(name)
		}
		r.need("Any") // a class of another module would need an import of its own
		return "Any"
	case Union:
		parts := make([]string, len(t.Alts))
		for i, a := range t.Alts {
			parts[i] = r.Hint(a)
		}
		return strings.Join(parts, " | ")
	}
	r.need("Any")
	return "Any"
}

func (r *Renderer) dtype(name string) string {
	switch name {
	case "bool":
		name = "bool_"
	case "":
		r.need("Any")
		return "Any"
	}
	return r.np() + "." + name
}

// Imports returns the import statements the rendered hints need, in a stable order.
func (r *Renderer) Imports() []string {
	var out []string
	if r.needs["numpy"] {
		if r.NumPy == "" || r.NumPy == "np" {
			out = append(out, "import numpy as np")
		} else {
			out = append(out, "import numpy as "+r.NumPy)
		}
	}
	var typing []string
	for _, n := range []string{"Annotated", "Any"} {
		if r.needs[n] {
			typing = append(typing, n)
		}
	}
	if len(typing) > 0 {
		out = append(out, "from typing import "+strings.Join(typing, ", "))
	}
	if r.needs["NDArray"] {
		out = append(out, "from numpy.typing import NDArray")
	}
	sort.Strings(out)
	return out
}

// Needs reports the names the rendered hints use that an import must provide.
func (r *Renderer) Needs() []string {
	var out []string
	for n := range r.needs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
