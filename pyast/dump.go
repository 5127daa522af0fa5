package pyast

import (
	"fmt"
	"reflect"
	"strings"
)

// Dump returns a readable, indented listing of the tree under node: one
// line per node with its type, its non-zero plain fields and, when f is not
// nil, its line:col; child nodes nested under their field names. Golden
// tests compare dumps.
func Dump(f *File, node Node) string {
	d := dumper{f: f}
	d.node(node, 0)
	return d.b.String()
}

type dumper struct {
	f *File
	// normalize drops what a re-print may legitimately change: positions
	// and the indentation inside opaque statements.
	normalize bool
	b         strings.Builder
}

func (d *dumper) indent(depth int) {
	for i := 0; i < depth; i++ {
		d.b.WriteString("  ")
	}
}

func (d *dumper) node(n Node, depth int) {
	if isNil(n) {
		d.b.WriteString("nil\n")
		return
	}
	v := reflect.ValueOf(n).Elem()
	t := v.Type()
	d.b.WriteString(t.Name())
	type child struct {
		name string
		v    reflect.Value
	}
	var kids []child
	for i := 0; i < t.NumField(); i++ {
		ft, fv := t.Field(i), v.Field(i)
		if ft.Name == "Span" {
			continue
		}
		switch {
		case ft.Type.Kind() == reflect.Interface || ft.Type.Kind() == reflect.Pointer:
			if !fv.IsNil() {
				kids = append(kids, child{ft.Name, fv})
			}
		case ft.Type.Kind() == reflect.Slice && isNodeType(ft.Type.Elem()):
			if fv.Len() > 0 {
				kids = append(kids, child{ft.Name, fv})
			}
		default:
			if d.normalize && (ft.Name == "Indent" || ft.Name == "Verbatim" || ft.Name == "Paren") {
				continue
			}
			if fv.IsZero() && !fv.Type().Implements(stringerType) {
				continue
			}
			fmt.Fprintf(&d.b, " %s=%s", ft.Name, d.value(n, ft.Name, fv))
		}
	}
	if d.f != nil && !d.normalize {
		if p := d.f.Position(n.Pos()); p.IsValid() {
			fmt.Fprintf(&d.b, " @%d:%d", p.Line, p.Column)
		}
	}
	d.b.WriteByte('\n')
	for _, k := range kids {
		d.indent(depth + 1)
		if k.v.Kind() != reflect.Slice {
			d.b.WriteString(k.name + ": ")
			d.node(k.v.Interface().(Node), depth+1)
			continue
		}
		d.b.WriteString(k.name + ":\n")
		for j := 0; j < k.v.Len(); j++ {
			d.indent(depth + 2)
			e := k.v.Index(j)
			if e.IsNil() {
				d.b.WriteString("nil\n")
				continue
			}
			d.node(e.Interface().(Node), depth+2)
		}
	}
}

// value formats a plain field: strings quoted, slices in brackets, the rest
// with their String methods.
func (d *dumper) value(n Node, name string, v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if d.normalize && name == "Text" {
			s = dedentAll(s)
		}
		return fmt.Sprintf("%q", s)
	case reflect.Slice:
		var parts []string
		for j := 0; j < v.Len(); j++ {
			parts = append(parts, d.value(n, name, v.Index(j)))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprint(v.Interface())
}

var (
	nodeType     = reflect.TypeOf((*Node)(nil)).Elem()
	stringerType = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()
)

func isNodeType(t reflect.Type) bool { return t.Implements(nodeType) }

// dedentAll strips the leading blanks of every line.
func dedentAll(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " \t\f")
	}
	return strings.Join(lines, "\n")
}

// String returns the kind's name.
func (k ParamKind) String() string {
	switch k {
	case ParamNormal:
		return "normal"
	case ParamVarArgs:
		return "*args"
	case ParamKwArgs:
		return "**kwargs"
	case ParamKwOnly:
		return "*"
	case ParamPosOnly:
		return "/"
	}
	return "?"
}

// String returns the constant as Python writes it.
func (k ConstKind) String() string {
	switch k {
	case ConstNone:
		return "None"
	case ConstTrue:
		return "True"
	case ConstFalse:
		return "False"
	case ConstEllipsis:
		return "..."
	}
	return "?"
}
