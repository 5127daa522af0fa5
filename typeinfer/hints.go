package typeinfer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// renderer returns a Renderer for the module's own imports.
func (m *Module) renderer() *Renderer {
	np := m.NumPyAlias()
	return &Renderer{NumPy: np, HasNumPy: np != "", Module: m.Name}
}

// hintFor is the annotation pyparc would write for a parameter ("" for none): the recorded
// type, unless the source already has an annotation.
func (f *Function) hintFor(r *Renderer, p *pyast.Param) string {
	if f.Recorded == nil || p.Kind != pyast.ParamNormal || p.Annotation != nil {
		return ""
	}
	for _, rp := range f.Recorded.Params {
		if rp.Name == p.Name {
			return r.Hint(rp.Type)
		}
	}
	return ""
}

func (f *Function) returnHint(r *Renderer) string {
	if f.Recorded == nil || f.Recorded.Return == nil || f.Def.Returns != nil {
		return ""
	}
	return r.Hint(f.Recorded.Return)
}

// DefLine renders the function's signature with the synthesized hints, as a `def` line.
func (f *Function) DefLine() string {
	return f.defLine(f.Module.renderer())
}

func (f *Function) defLine(r *Renderer) string {
	var parts []string
	file := f.Module.File
	for _, p := range f.Def.Params {
		var s string
		switch p.Kind {
		case pyast.ParamKwOnly:
			s = "*"
		case pyast.ParamPosOnly:
			s = "/"
		case pyast.ParamVarArgs:
			s = "*" + p.Name
		case pyast.ParamKwArgs:
			s = "**" + p.Name
		default:
			s = p.Name
		}
		if p.Annotation != nil {
			s += ": " + text(file, p.Annotation)
		} else if h := f.hintFor(r, p); h != "" {
			s += ": " + h
		}
		if p.Default != nil {
			if strings.Contains(s, ":") {
				s += " = " + text(file, p.Default)
			} else {
				s += "=" + text(file, p.Default)
			}
		}
		parts = append(parts, s)
	}
	line := "def " + f.Def.Name + "(" + strings.Join(parts, ", ") + ")"
	if f.Def.Returns != nil {
		line += " -> " + text(file, f.Def.Returns)
	} else if h := f.returnHint(r); h != "" {
		line += " -> " + h
	}
	return line
}

func text(f *pyast.File, n pyast.Node) string {
	if f.Original(n) {
		return string(f.Src[n.Pos():n.End()])
	}
	return pyast.Sprint(f, n)
}

// Notes are the facts a hint cannot carry: int ranges, symbol ranges and relations.
func (f *Function) Notes() []string {
	if f.Recorded == nil {
		return nil
	}
	var out []string
	for _, p := range f.Recorded.Params {
		if r := IntRange(p.Type); IntLike(p.Type) && r != nil {
			out = append(out, fmt.Sprintf("%s in %d..%d", p.Name, r.Min, r.Max))
		}
	}
	for _, s := range f.Recorded.Symbols {
		out = append(out, fmt.Sprintf("%s in %d..%d", s.Name, s.Min, s.Max))
	}
	for _, r := range f.Recorded.Relations {
		out = append(out, r.String())
	}
	return out
}

// Apply rewrites the module's source with the synthesized hints and the imports they need.
// Only parameters without an annotation get one, and only return values without one; the edits
// are made in the text itself, so every other byte of the file (comments included) stays.
func (m *Module) Apply() ([]byte, error) {
	r := m.renderer()
	src := m.File.Src
	var edits []edit
	for _, f := range m.Funcs {
		for _, p := range f.Def.Params {
			h := f.hintFor(r, p)
			if h == "" {
				continue
			}
			at := int(p.Pos()) + len(p.Name)
			if p.Default == nil {
				edits = append(edits, edit{at, at, ": " + h})
			} else {
				// name=default becomes name: hint = default, as PEP 8 spells it.
				edits = append(edits, edit{at, int(p.Default.Pos()), ": " + h + " = "})
			}
		}
		if h := f.returnHint(r); h != "" {
			at, err := m.closingParen(f.Def)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.QualName, err)
			}
			edits = append(edits, edit{at + 1, at + 1, " -> " + h})
		}
	}
	if len(edits) == 0 {
		return src, nil
	}
	if imp := m.missingImports(r); imp != "" {
		edits = append(edits, edit{m.importPoint(), m.importPoint(), imp})
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var out []byte
	last := 0
	for _, e := range edits {
		out = append(out, src[last:e.from]...)
		out = append(out, e.text...)
		last = e.to
	}
	return append(out, src[last:]...), nil
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// closingParen finds the ")" that closes a definition's parameter list.
func (m *Module) closingParen(def *pyast.FunctionDef) (int, error) {
	src := m.File.Src
	i := int(def.Pos())
	if n := len(def.Params); n > 0 {
		i = int(def.Params[n-1].End())
	} else if j := strings.IndexByte(string(src[i:def.End()]), '('); j >= 0 {
		i += j + 1
	}
	depth := 0
	for ; i < int(def.End()); i++ {
		switch src[i] {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i, nil
			}
			depth--
		}
	}
	return 0, fmt.Errorf("no closing parenthesis after the parameters")
}

// missingImports returns the import lines the hints need that the module lacks.
func (m *Module) missingImports(r *Renderer) string {
	var b strings.Builder
	for _, imp := range r.Imports() {
		if !m.hasImport(imp) {
			b.WriteString(imp + "\n")
		}
	}
	return b.String()
}

// importPoint is the offset where new imports go: after the last top-level import (or
// __future__ import, or docstring) at the head of the module.
func (m *Module) importPoint() int {
	at := 0
	for i, s := range m.File.Module.Body {
		switch s := s.(type) {
		case *pyast.Import, *pyast.ImportFrom:
			at = int(s.End())
		case *pyast.ExprStmt:
			if _, isDoc := s.X.(*pyast.Str); isDoc && i == 0 {
				at = int(s.End())
			}
		}
	}
	src := m.File.Src
	for at < len(src) && src[at] != '\n' {
		at++
	}
	if at < len(src) {
		at++
	}
	return at
}

// hasImport reports whether the module already binds what an import line would bind.
func (m *Module) hasImport(line string) bool {
	switch {
	case strings.HasPrefix(line, "import numpy as "):
		return m.Imports[strings.TrimPrefix(line, "import numpy as ")] == "numpy"
	case strings.HasPrefix(line, "from typing import "):
		for _, n := range strings.Split(strings.TrimPrefix(line, "from typing import "), ", ") {
			if m.Imports[n] != "typing."+n {
				return false
			}
		}
		return true
	case line == "from numpy.typing import NDArray":
		return m.Imports["NDArray"] == "numpy.typing.NDArray"
	}
	return false
}

// Stub renders a .pyi stub of the module's functions with the synthesized hints.
func (m *Module) Stub() string {
	r := m.renderer()
	var defs []string
	classes := map[string][]string{}
	var classOrder []string
	for _, f := range m.Funcs {
		if strings.Contains(f.QualName, "<locals>") {
			continue
		}
		line := f.defLine(r) + ": ..."
		if i := strings.LastIndex(f.QualName, "."); i >= 0 {
			cls := f.QualName[:i]
			if strings.Contains(cls, ".") {
				continue // nested classes: left out of the stub
			}
			if _, ok := classes[cls]; !ok {
				classOrder = append(classOrder, cls)
			}
			classes[cls] = append(classes[cls], "    "+line)
			continue
		}
		defs = append(defs, line)
	}
	var b strings.Builder
	b.WriteString("# Generated by pyparc hints from the recorded profile.\n")
	imps := r.Imports()
	if np := m.NumPyAlias(); np != "" {
		imps = append(imps, "import numpy as "+np)
	}
	sort.Strings(imps)
	for _, imp := range dedupe(imps) {
		b.WriteString(imp + "\n")
	}
	b.WriteString("\n")
	for _, d := range defs {
		b.WriteString(d + "\n")
	}
	for _, c := range classOrder {
		b.WriteString("\nclass " + c + ":\n" + strings.Join(classes[c], "\n") + "\n")
	}
	return b.String()
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
