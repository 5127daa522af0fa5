package typeinfer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/store"
)

// Program is a script and its local modules, parsed, with what the profile recorded about
// their functions.
type Program struct {
	Script  string    // absolute path
	Modules []*Module // the script first, then the other files that recorded functions
}

// Module is one parsed source file of the program.
type Module struct {
	Path string // absolute path
	Name string // "__main__" for the script
	File *pyast.File
	// Imports maps the names the module binds to modules: "np" -> "numpy", "npt" ->
	// "numpy.typing", "math" -> "math"; and names imported from typing/numpy.typing to their
	// qualified names: "NDArray" -> "numpy.typing.NDArray".
	Imports map[string]string
	Funcs   []*Function
}

// Function is one function definition with its hints.
type Function struct {
	QualName string
	Def      *pyast.FunctionDef
	Module   *Module
	// Recorded is what the profile says; nil when the function never ran under the profiler.
	Recorded *Signature
	Calls    int64
	SelfNS   int64
	// Declared holds the annotations written in the source, by parameter ("return" for the
	// return annotation); only the ones pyparc understands.
	Declared map[string]*Type
	// Conflicts lists where a written annotation disagrees with what was recorded.
	Conflicts []string
}

// Load parses the script and every file under its directory that has recorded functions,
// and attaches the recorded signatures (all runs) to the definitions.
func Load(script string, recorded []store.Function) (*Program, error) {
	abs, err := filepath.Abs(script)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	p := &Program{Script: abs}
	byFile := map[string][]store.Function{}
	root := filepath.Dir(abs) + string(filepath.Separator)
	for _, f := range recorded {
		if f.File == abs || strings.HasPrefix(f.File, root) {
			byFile[f.File] = append(byFile[f.File], f)
		}
	}
	files := []string{abs}
	var others []string
	for f := range byFile {
		if f != abs {
			others = append(others, f)
		}
	}
	sort.Strings(others)
	files = append(files, others...)
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		display := path
		if rel, err := filepath.Rel(mustGetwd(), path); err == nil && !strings.HasPrefix(rel, "..") {
			display = rel
		}
		file, err := pyast.ParseFile(display, src)
		if err != nil {
			return nil, err
		}
		m := &Module{Path: path, File: file, Imports: imports(file.Module)}
		m.Name = moduleName(path, abs, byFile[path])
		m.collect(file.Module.Body, "")
		for _, fn := range m.Funcs {
			fn.Declared = m.declared(fn.Def)
		}
		for _, rec := range byFile[path] {
			fn := m.Func(rec.QualName)
			if fn == nil {
				continue // defined dynamically, or the file changed since the run
			}
			sig, err := Synthesize(rec.Signatures)
			if err != nil {
				fn.Conflicts = append(fn.Conflicts, fmt.Sprintf("%s: recorded calls: %v", file.Position(fn.Def.Pos()), err))
				continue
			}
			fn.Recorded, fn.Calls, fn.SelfNS = sig, rec.Calls, rec.SelfNS
			fn.Conflicts = append(fn.Conflicts, m.check(fn)...)
		}
		p.Modules = append(p.Modules, m)
	}
	return p, nil
}

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}

func moduleName(path, script string, recorded []store.Function) string {
	if path == script {
		return "__main__"
	}
	for _, f := range recorded {
		if f.Module != "" {
			return f.Module
		}
	}
	return strings.TrimSuffix(filepath.Base(path), ".py")
}

// Func returns the function with the given qualified name.
func (m *Module) Func(qualname string) *Function {
	for _, f := range m.Funcs {
		if f.QualName == qualname {
			return f
		}
	}
	return nil
}

// collect finds the function definitions of a body, with Python's qualified names.
func (m *Module) collect(body []pyast.Stmt, prefix string) {
	for _, s := range body {
		switch s := s.(type) {
		case *pyast.FunctionDef:
			q := prefix + s.Name
			m.Funcs = append(m.Funcs, &Function{QualName: q, Def: s, Module: m})
			m.collect(s.Body, q+".<locals>.")
		case *pyast.ClassDef:
			m.collect(s.Body, prefix+s.Name+".")
		case *pyast.If:
			m.collect(s.Body, prefix)
			m.collect(s.Else, prefix)
		}
	}
}

func imports(mod *pyast.Module) map[string]string {
	out := map[string]string{}
	for _, s := range mod.Body {
		switch s := s.(type) {
		case *pyast.Import:
			for _, a := range s.Names {
				if a.AsName != "" {
					out[a.AsName] = a.Name
				} else {
					first, _, _ := strings.Cut(a.Name, ".")
					out[first] = first
				}
			}
		case *pyast.ImportFrom:
			if s.Level > 0 {
				continue
			}
			for _, a := range s.Names {
				name := a.Name
				if a.AsName != "" {
					name = a.AsName
				}
				out[name] = s.Module + "." + a.Name
			}
		}
	}
	return out
}

// NumPyAlias returns the name the module binds numpy to, or "".
func (m *Module) NumPyAlias() string {
	var names []string
	for name, mod := range m.Imports {
		if mod == "numpy" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	for _, n := range names {
		if n == "np" {
			return n
		}
	}
	return names[0]
}

// Modules maps the names bound to modules ("np" -> "numpy"), for the optimizer.
func (m *Module) Modules() map[string]string {
	out := map[string]string{}
	for name, mod := range m.Imports {
		if !strings.Contains(mod, ".") || mod == "numpy.typing" {
			out[name] = mod
		}
	}
	return out
}

// Params returns the parameter types the optimizer should assume: the recorded ones, or the
// declared ones where nothing was recorded.
func (f *Function) Params() map[string]*Type {
	out := map[string]*Type{}
	for name, t := range f.Declared {
		out[name] = t
	}
	if f.Recorded != nil {
		for _, p := range f.Recorded.Params {
			out[p.Name] = p.Type
		}
	}
	return out
}

// Relations returns the equalities the optimizer may assume and the guard must check: the
// recorded ones, or, for a function never profiled, those its annotations state. An array
// dimension named by the same symbol in two annotations is one extent, and an int parameter
// whose name is a symbol's in lower case (n for "N") is that extent.
func (f *Function) Relations() []Relation {
	if f.Recorded != nil {
		return f.Recorded.Relations
	}
	first := map[string]string{} // symbol -> its first occurrence
	var out []Relation
	for _, p := range f.Def.Params {
		t := f.Declared[p.Name]
		if t == nil || t.Kind != NDArray {
			continue
		}
		for d, dim := range t.Shape {
			if dim.Sym == "" {
				continue
			}
			at := fmt.Sprintf("%s.shape[%d]", p.Name, d)
			if prev, ok := first[dim.Sym]; ok {
				out = append(out, Relation{at, prev})
			} else {
				first[dim.Sym] = at
			}
		}
	}
	for _, p := range f.Def.Params {
		t := f.Declared[p.Name]
		if !IntLike(t) {
			continue
		}
		if at, ok := first[strings.ToUpper(p.Name)]; ok {
			out = append(out, Relation{p.Name, at})
		}
	}
	return out
}

// WorkExpr is a Python expression, over the function's arguments, of its work count: the
// product of its shape symbols, each read off an array extent or an int parameter equal to it.
// The symbols used are returned too. A function never profiled has no symbols: "1".
func (f *Function) WorkExpr() (string, []string) {
	if f.Recorded == nil {
		return "1", nil
	}
	var parts, syms []string
	for _, s := range f.Recorded.Symbols {
		expr := ""
		for _, d := range s.Dims {
			if !strings.HasPrefix(d, "return") {
				expr = d
				break
			}
		}
		if expr == "" && len(s.Params) > 0 {
			expr = s.Params[0]
		}
		if expr != "" {
			parts = append(parts, expr)
			syms = append(syms, s.Name)
		}
	}
	if len(parts) == 0 {
		return "1", nil
	}
	return strings.Join(parts, " * "), syms
}

// LargestArrayExpr is a Python expression of the element count of the array parameter that
// was the largest in the profile ("A.size"), or "" when the function was never profiled or
// takes no array of known rank. Dispatchers size BLAS calls by it: WorkExpr multiplies the
// shape symbols once each, so gesummv's N x N matrices count N, which sent 400 x 400
// products to one BLAS thread.
func (f *Function) LargestArrayExpr() string {
	if name, _ := f.LargestArray(); name != "" {
		return name + ".size"
	}
	return ""
}

// LargestArray is the array parameter that was the largest in the profile and its rank; ""
// as LargestArrayExpr says.
func (f *Function) LargestArray() (string, int) {
	if f.Recorded == nil {
		return "", 0
	}
	maxOf := map[string]int64{}
	for _, s := range f.Recorded.Symbols {
		maxOf[s.Name] = s.Max
	}
	types := f.Params()
	best, bestSize, bestRank := "", int64(-1), 0
	for _, p := range f.Def.Params {
		t := types[p.Name]
		if t == nil || t.Kind != NDArray || t.Shape == nil {
			continue
		}
		size := int64(1)
		for _, d := range t.Shape {
			n := d.Lit
			if d.Sym != "" {
				n = maxOf[d.Sym]
			}
			if n > 0 && size < 1<<40 {
				size *= n
			}
		}
		if size > bestSize {
			best, bestSize, bestRank = p.Name, size, len(t.Shape)
		}
	}
	return best, bestRank
}
