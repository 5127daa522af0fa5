package emit

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// The generated code lives in the user's namespace: the module imports numpy as _np and the
// runtime as _rt, and variant bodies bind temporaries and parameters of their own (_p_N,
// _mask0, _e_A, _acc, _lo, ...). A user name among these would be shadowed by, or would
// shadow, the generated one: a local named _np makes every _np.matmul in the NumPy variant
// an UnboundLocalError. Such a function is left as it is.
var reservedPrefix = regexp.MustCompile(`^_(p|pp|mn|mx|e|d|S|A)_|^_(mask|diag|c|pr|nt|tr|lo)[0-9]|^_dtype_|^_o[0-9]+_`)

var reservedNames = map[string]bool{
	"_np": true, "_rt": true, "_nd": true, "_acc": true, "_lo": true, "_hi": true,
	"_r":        true, // the CuPy wrapper's result
	"_nthreads": true,
	"_oregion":  true, // the overlapped variant's region cost (overlap.go)
}

// generatedBuiltins are the builtins the generated code calls or names (slice bounds
// max(lo, hi), shapes max(0, n), chunk loops range(...), guards type(n) is int and len(...)).
// A function that binds one of them as a local, or a module that rebinds one, would turn those
// into the user's value.
var generatedBuiltins = map[string]bool{
	"range": true, "max": true, "min": true, "len": true, "abs": true, "int": true,
	"float": true, "complex": true, "bool": true, "type": true,
}

// reservedName reports whether id is a name the generated code may bind.
func reservedName(id string) bool {
	return reservedNames[id] || reservedPrefix.MatchString(id)
}

// reservedUse returns the first name in def that the generated code may bind, or a builtin
// it calls that def binds, and where it is, or "" when there is none.
func reservedUse(def *pyast.FunctionDef) (string, pyast.Pos) {
	for _, p := range def.Params {
		if reservedName(p.Name) {
			return p.Name, p.Pos()
		}
	}
	found, at := "", pyast.Pos(0)
	pyast.Inspect(def, func(n pyast.Node) bool {
		if found != "" {
			return false
		}
		for _, id := range bindsHere(n) {
			if generatedBuiltins[id] {
				found, at = id, n.Pos()
				return false
			}
		}
		var ids []string
		switch n := n.(type) {
		case *pyast.Name:
			ids = []string{n.Id}
		case *pyast.Global:
			ids = n.Names
		case *pyast.Nonlocal:
			ids = n.Names
		case *pyast.Import:
			ids = aliasNames(n.Names)
		case *pyast.ImportFrom:
			ids = aliasNames(n.Names)
		}
		for _, id := range ids {
			if reservedName(id) {
				found, at = id, n.Pos()
				return false
			}
		}
		return true
	})
	return found, at
}

// moduleRebinds returns "_np" or "_rt" when the module's top level binds that name to
// anything but what the generated header imports, or a builtin the generated code calls when
// the module binds it, and where; or "".
func moduleRebinds(mod *pyast.Module) (string, pyast.Pos) {
	header := map[string]bool{} // names the module itself imports as the header does
	for _, s := range mod.Body {
		if imp, ok := s.(*pyast.Import); ok {
			for _, a := range imp.Names {
				if a.AsName == "_np" && a.Name == "numpy" || a.AsName == "_rt" && a.Name == "pyparc_rt" {
					header[a.AsName] = true
				}
			}
		}
	}
	clash := func(id string) bool { return (id == "_np" || id == "_rt") && !header[id] }
	found, at := "", pyast.Pos(0)
	for _, s := range mod.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if found != "" {
				return false
			}
			var id string
			switch n := n.(type) {
			case *pyast.FunctionDef:
				id = n.Name // the body is its own scope: reservedUse looks there
				if clash(id) || generatedBuiltins[id] {
					found, at = id, n.Pos()
				}
				return false
			case *pyast.ClassDef:
				if clash(n.Name) || generatedBuiltins[n.Name] {
					found, at = n.Name, n.Pos()
				}
				return false
			case *pyast.Import:
				for _, a := range n.Names {
					header := a.AsName == "_np" && a.Name == "numpy" || a.AsName == "_rt" && a.Name == "pyparc_rt"
					if b := boundName(a); !header && (b == "_np" || b == "_rt") {
						found, at = b, a.Pos()
					}
				}
			case *pyast.ImportFrom:
				for _, a := range n.Names {
					if b := boundName(a); b == "_np" || b == "_rt" || b == "*" {
						// from numpy import * binds max, min, abs and bool to NumPy's.
						found, at = "*", a.Pos()
						if b != "*" {
							found = b
						}
					}
				}
			case *pyast.Name:
				// The tree does not mark stores: any top-level use of a name the module
				// did not import as the header does counts.
				if clash(n.Id) {
					found, at = n.Id, n.Pos()
				}
			}
			for _, id := range bindsHere(n) {
				if generatedBuiltins[id] {
					found, at = id, n.Pos()
				}
			}
			return found == ""
		})
	}
	return found, at
}

// boundName is the name an import alias binds: "import a.b" binds a.
func boundName(a *pyast.Alias) string {
	if a.AsName != "" {
		return a.AsName
	}
	name, _, _ := strings.Cut(a.Name, ".")
	return name
}

func aliasNames(as []*pyast.Alias) []string {
	var out []string
	for _, a := range as {
		out = append(out, boundName(a))
	}
	return out
}

// bindsHere lists the names statement n binds itself (not in nested statements): assignment
// and loop targets, imports, and the parameters of a definition.
func bindsHere(n pyast.Node) []string {
	bound := map[string]int{}
	switch n := n.(type) {
	case *pyast.Assign:
		for _, t := range n.Targets {
			polyopt.BindNames(t, bound)
		}
	case *pyast.AugAssign:
		polyopt.BindNames(n.Target, bound)
	case *pyast.AnnAssign:
		polyopt.BindNames(n.Target, bound)
	case *pyast.For:
		polyopt.BindNames(n.Target, bound)
	case *pyast.NamedExpr:
		polyopt.BindNames(n.Target, bound)
	case *pyast.Comprehension:
		polyopt.BindNames(n.Target, bound)
	case *pyast.Import:
		return aliasNames(n.Names)
	case *pyast.ImportFrom:
		return aliasNames(n.Names)
	case *pyast.FunctionDef:
		var out []string
		for _, p := range n.Params {
			out = append(out, p.Name)
		}
		return out
	}
	var out []string
	for v := range bound {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
