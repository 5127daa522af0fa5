package emit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// simpleParams reports a parameter list of plain names (no *args, **kwargs or markers), the
// only kind the CuPy wrapper passes on.
func simpleParams(def *pyast.FunctionDef) bool {
	for _, p := range def.Params {
		if p.Kind != pyast.ParamNormal {
			return false
		}
	}
	return true
}

// cupyVariant renders _f__cupy: it moves the array arguments to the device once, runs body
// (the NumPy variant renamed _f__cupy_body, with numpy replaced by cupy), copies every array the
// function writes back into the caller's arrays, and returns host values.
func cupyVariant(m *typeinfer.Module, file *pyast.File, def *pyast.FunctionDef, body string, scops []*polyopt.SCoP) string {
	// The header keeps plain names: annotations are evaluated when the module loads, where
	// there may be no CuPy at all.
	// (body was renamed from def.Name to _<name>__cupy_body, which lengthens the header.)
	headerLen := lineStart(file.Src, int(def.Body[0].Pos())) - int(def.Pos()) + len("___cupy_body")
	var names []string
	for _, p := range def.Params {
		names = append(names, p.Name)
	}
	body = "def _" + def.Name + "__cupy_body(" + strings.Join(names, ", ") + "):\n" + body[headerLen:]
	body = cupyMaskedUpdates(body)
	// Every spelling of numpy in the body becomes cupy: the generated code's _np and the
	// program's own alias (its allocations must land on the device too).
	body = strings.ReplaceAll(body, "_np.", "_rt.cp.")
	for alias, mod := range m.Modules() {
		if mod == "numpy" {
			re := regexp.MustCompile(`\b` + regexp.QuoteMeta(alias) + `\.`)
			body = re.ReplaceAllString(body, "_rt.cp.")
		}
	}
	types := m.Func(def.Name).Params()
	written := writtenParams(def, scops)
	var conv, back, args []string
	for _, p := range def.Params {
		t := types[p.Name]
		if t != nil && t.Kind == typeinfer.NDArray {
			conv = append(conv, fmt.Sprintf("    _d_%s = _rt.cp.asarray(%s)", p.Name, p.Name))
			args = append(args, "_d_"+p.Name)
			if written[p.Name] {
				back = append(back, fmt.Sprintf("    %s[...] = _d_%s.get()", p.Name, p.Name))
			}
			continue
		}
		args = append(args, p.Name)
	}
	params, _ := paramText(m.File, def)
	var b strings.Builder
	b.WriteString(body + "\n\n\n")
	fmt.Fprintf(&b, "def _%s__cupy(%s):\n", def.Name, params)
	for _, c := range conv {
		b.WriteString(c + "\n")
	}
	fmt.Fprintf(&b, "    _r = _%s__cupy_body(%s)\n", def.Name, strings.Join(args, ", "))
	for _, c := range back {
		b.WriteString(c + "\n")
	}
	b.WriteString("    return _rt.to_host(_r)")
	return b.String()
}

// writtenParams lists the parameters the function may write into: the SCoPs' written arrays
// and every parameter subscripted on the left of an assignment anywhere in the body.
func writtenParams(def *pyast.FunctionDef, scops []*polyopt.SCoP) map[string]bool {
	out := map[string]bool{}
	for _, s := range scops {
		for _, st := range s.Stmts {
			for _, w := range st.Writes {
				out[w.Array] = true
			}
		}
	}
	mark := func(t pyast.Expr) {
		for {
			switch x := t.(type) {
			case *pyast.Subscript:
				t = x.X
				continue
			case *pyast.Attribute:
				t = x.X
				continue
			case *pyast.Name:
				out[x.Id] = true
			}
			return
		}
	}
	for _, s := range def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Assign:
				for _, t := range n.Targets {
					if _, ok := t.(*pyast.Name); !ok {
						mark(t)
					}
				}
			case *pyast.AugAssign:
				if _, ok := n.Target.(*pyast.Name); !ok {
					mark(n.Target)
				}
			}
			return true
		})
	}
	return out
}

// maskedUpdateLine matches a masked update as masked and maskedCopy render it for NumPy:
// _np.add(T, V, out=T, where=M) and the like, _np.copyto(T, V, casting="unsafe", where=M).
var maskedUpdateLine = regexp.MustCompile(`^(\s*)_np\.(add|subtract|multiply|true_divide|copyto)\((.*)\)$`)

// cupyMaskedUpdates turns the NumPy variant's masked in-place updates back into T op=
// np.where(M, V, identity), as CuPy's ufuncs take no where=, and its masked copies whose
// value reads the target's array into T = np.where(M, V, T), as CuPy's copyto does not copy
// an overlapping source first.
func cupyMaskedUpdates(body string) string {
	ops := map[string]string{}
	for op, u := range maskedUfunc {
		ops[u] = op
	}
	lines := strings.Split(body, "\n")
	for i, line := range lines {
		m := maskedUpdateLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		args := splitArgs(m[3])
		if len(args) != 4 || !strings.HasPrefix(args[3], "where=") {
			continue
		}
		target, value, mask := args[0], args[1], args[3][len("where="):]
		if m[2] == "copyto" {
			if args[2] == `casting="unsafe"` && namesIn(value)[baseArray(target)] {
				lines[i] = m[1] + maskedWhere(target, "=", value, mask)
			}
			continue
		}
		if args[2] == "out="+target {
			lines[i] = m[1] + maskedWhere(target, ops[m[2]], value, mask)
		}
	}
	return strings.Join(lines, "\n")
}

// splitArgs splits a call's argument text at its top-level commas, trimmed; nil where the
// brackets or quotes do not balance.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
			if depth < 0 {
				return nil
			}
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if depth != 0 || quote != 0 {
		return nil
	}
	return append(out, strings.TrimSpace(s[start:]))
}
