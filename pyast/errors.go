package pyast

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// Error is a syntax error at a source position, in the style of go/scanner.
type Error struct {
	Pos Position
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string {
	if e.Pos.Filename != "" || e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of syntax errors, sorted by position once complete.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Position, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// Sort orders the list by file, line and column.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Offset < b.Offset
	})
}

// Error returns the first error, and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns l as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// maxErrors bounds the errors reported for one file; after the first few,
// tree-sitter's recovery mostly produces noise.
const maxErrors = 10

// syntaxErrors collects an error for each outermost ERROR or MISSING node
// under n. It descends only into subtrees that contain an error.
func syntaxErrors(f *File, root *tree_sitter.Node) ErrorList {
	var errs ErrorList
	var visit func(n *tree_sitter.Node)
	visit = func(n *tree_sitter.Node) {
		if len(errs) >= maxErrors {
			return
		}
		switch {
		case n.IsMissing():
			errs.Add(f.Position(Pos(n.StartByte())), "syntax error: missing "+describeKind(n.Kind()))
			return
		case n.IsError():
			pos, what := unexpected(f, n)
			errs.Add(f.Position(pos), "syntax error: unexpected "+what)
			return
		case !n.HasError():
			return
		}
		for i := uint(0); i < n.ChildCount(); i++ {
			if c := n.Child(i); c != nil {
				visit(c)
			}
		}
	}
	visit(root)
	if len(errs) == 0 {
		// HasError was set but no node is marked; still refuse the tree.
		errs.Add(f.Position(Pos(root.StartByte())), "syntax error")
	}
	errs.Sort()
	return errs
}

// unexpected finds the token an ERROR node was stopped by and describes
// it. tree-sitter puts into an ERROR node what it had parsed so far,
// followed by the tokens it had to skip; the first skipped token is the
// first leaf of the last child, or of the node itself when it has one.
func unexpected(f *File, n *tree_sitter.Node) (Pos, string) {
	leaf := n
	if k := n.ChildCount(); k > 1 {
		if c := n.Child(k - 1); c != nil {
			leaf = c
		}
	}
	for leaf.ChildCount() > 0 {
		c := leaf.Child(0)
		if c == nil {
			break
		}
		leaf = c
	}
	start, end := int(leaf.StartByte()), int(leaf.EndByte())
	if start >= len(f.Src) {
		return Pos(len(f.Src)), "end of file"
	}
	if start == end {
		// A zero-width token is an indent, dedent or newline from the
		// scanner; name it by its kind.
		return Pos(start), describeKind(leaf.Kind())
	}
	text := string(f.Src[start:end])
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		text = text[:i]
	}
	if text == "" {
		return Pos(start), "newline"
	}
	if len(text) > 20 {
		// Cut long tokens on a rune boundary.
		cut := 20
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "..."
	}
	return Pos(start), strconv.Quote(text)
}

// describeKind names a token kind for a message: punctuation and keywords
// quoted, scanner tokens in words.
func describeKind(kind string) string {
	k := strings.TrimPrefix(kind, "_")
	switch k {
	case "indent", "dedent", "newline", "identifier":
		return k
	case "":
		return "token"
	}
	return strconv.Quote(kind)
}
