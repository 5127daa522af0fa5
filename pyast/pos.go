package pyast

import (
	"fmt"
	"sort"
)

// Pos is a byte offset into a File's source. Line and column are worked out
// only when a message is printed, so nodes stay small.
type Pos int

// NoPos is the Pos of nothing.
const NoPos Pos = -1

// IsValid reports whether p is a position at all.
func (p Pos) IsValid() bool { return p >= 0 }

// Position is a resolved source position.
type Position struct {
	Filename string
	Offset   int // byte offset, from 0
	Line     int // from 1
	Column   int // byte count from the line start, from 1
}

// IsValid reports whether the position has a line number.
func (p Position) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", "line:col", "file" or "-" like go/token.
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// File is a parsed source file: its name, its bytes, its syntax tree, and
// what the printer needs to tell parsed nodes from edited ones.
type File struct {
	Name   string
	Src    []byte
	Module *Module

	lines []int // offset of the first byte of each line

	// orig holds, for every node the parser made, a shallow copy of its
	// fields at parse time. A node whose fields still match, and whose
	// children are all unchanged too, prints as its source text.
	orig map[Node][]any
	// next maps each parsed statement to the statement that followed it in
	// the same block, so the printer knows when the source between two
	// statements (comments, blank lines) still belongs between them.
	next map[Stmt]Stmt
	// first and last are the module's first and last statements at parse time.
	first, last Stmt
	// strings holds the spans of string literals that contain a newline,
	// sorted by start, so re-indenting never changes a string's content.
	strings []Span
}

// newFile returns a File with its line table built.
func newFile(name string, src []byte) *File {
	f := &File{Name: name, Src: src, lines: []int{0}}
	for i, b := range src {
		if b == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Position resolves p to file, line and column. An out-of-range p gives a
// position with only the file name.
func (f *File) Position(p Pos) Position {
	if f == nil {
		return Position{}
	}
	if p < 0 || int(p) > len(f.Src) {
		return Position{Filename: f.Name}
	}
	i := sort.SearchInts(f.lines, int(p)+1) - 1
	return Position{
		Filename: f.Name,
		Offset:   int(p),
		Line:     i + 1,
		Column:   int(p) - f.lines[i] + 1,
	}
}

// inRange reports whether p is an offset within f.Src or just past it.
func (f *File) inRange(p Pos) bool {
	return p >= 0 && int(p) <= len(f.Src)
}

// lineIndent returns the run of spaces and tabs that starts the line holding p.
func (f *File) lineIndent(p Pos) string {
	if p < 0 || int(p) > len(f.Src) {
		return ""
	}
	start := f.lines[sort.SearchInts(f.lines, int(p)+1)-1]
	end := start
	for end < len(f.Src) && (f.Src[end] == ' ' || f.Src[end] == '\t' || f.Src[end] == '\f') {
		end++
	}
	return string(f.Src[start:end])
}

// inString reports whether offset p lies strictly inside a string literal
// that spans lines.
func (f *File) inString(p int) bool {
	i := sort.Search(len(f.strings), func(i int) bool { return int(f.strings[i].Stop) > p })
	return i < len(f.strings) && int(f.strings[i].Start) < p
}

// Original reports whether n is a node the parser made for f and is still
// as the parser made it, children included.
func (f *File) Original(n Node) bool {
	if f == nil || n == nil {
		return false
	}
	return newPrinter(f).unchanged(n)
}

// LineStart returns the offset of the first byte of the line holding offset p of src.
func LineStart(src []byte, p int) int {
	for p > 0 && src[p-1] != '\n' {
		p--
	}
	return p
}

// LineEnd returns the offset of the newline ending the line holding offset p of src (or
// len(src) on the last line).
func LineEnd(src []byte, p int) int {
	for p < len(src) && src[p] != '\n' {
		p++
	}
	return p
}
