// Package emit owns turning pyparc's polyhedral model back into Python: NumPy variants of the
// functions polyopt modelled (loops that carry no dependence become whole-array operations,
// reductions become einsum/sum), the guards that check every assumption a variant makes, the
// dispatchers, the rewrite of whole modules, and the runtime package pyparc_rt the output
// imports. It measures nothing.
package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
)

// names maps model names to the Python names generated code uses: parameters get a prefix so
// that they never collide with the program's own variables.
type names struct {
	params map[string]string // model parameter -> Python variable
}

func (n *names) name(v string) string {
	if p, ok := n.params[v]; ok {
		return p
	}
	return v
}

// aff renders an affine expression as Python.
func (n *names) aff(a polyopt.Affine) string {
	vars := a.Vars()
	sort.Strings(vars)
	var parts []string
	for _, v := range vars {
		c := a.Coef[v]
		name := n.name(v)
		switch c {
		case 1:
			parts = append(parts, "+ "+name)
		case -1:
			parts = append(parts, "- "+name)
		default:
			if c < 0 {
				parts = append(parts, fmt.Sprintf("- %d * %s", -c, name))
			} else {
				parts = append(parts, fmt.Sprintf("+ %d * %s", c, name))
			}
		}
	}
	if a.Const > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("+ %d", a.Const))
	} else if a.Const < 0 {
		parts = append(parts, fmt.Sprintf("- %d", -a.Const))
	}
	s := strings.Join(parts, " ")
	s = strings.TrimPrefix(s, "+ ")
	if strings.HasPrefix(s, "- ") {
		s = "-" + s[2:]
	}
	return s
}

// paren wraps a rendered affine expression when it is not a single term.
func paren(s string) string {
	if strings.ContainsAny(s, " ") {
		return "(" + s + ")"
	}
	return s
}
