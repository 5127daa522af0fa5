package emit

import (
	"sort"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// forwardTemps replaces a vectorized scalar temporary that carries one sum to one later
// statement by the sum itself. A user's accumulator (acc = 0.0; for k: acc += A[i, k] *
// B[k, j]; C[i, j] = ... acc ...) and symm's temp2 vectorize to
//
//	T = _np.zeros(shape)
//	T += P
//	...
//	X op= f(T)
//
// which becomes X op= f((P)): no zeros, no pass adding P into them, no memory for T. P
// alone is the value T held (0.0 + x is x, -0.0 aside, which compares equal), as long as P
// is float64 like T (see float64Code); it is computed later than before, so the lines
// between must write nothing P reads. T must appear in these three lines only, of the lines
// of its nest: a read of T anywhere else (a later statement, another iteration of a Python
// loop around) would need its value.
func (r *region) forwardTemps() {
	if len(r.updates) == 0 {
		return
	}
	var ats []int
	for at := range r.updates {
		ats = append(ats, at)
	}
	sort.Ints(ats)
	// A temporary lives in the lines of its nest (its name is not read outside the nest:
	// see statement), the innermost recorded span around its zeros.
	mentions := func(name string, at int) []int {
		lo, hi := 0, len(r.lines)
		for _, sp := range r.subtrees {
			if sp[0] <= at && at < sp[1] && sp[1]-sp[0] < hi-lo {
				lo, hi = sp[0], sp[1]
			}
		}
		var found []int
		for k := lo; k < hi; k++ {
			for _, loc := range nameRefs(r.lines[k]) {
				if r.lines[k][loc[0]:loc[1]] == name {
					found = append(found, k)
					break
				}
			}
		}
		return found
	}
	drop := map[int]bool{}
	for _, at := range ats {
		u := r.updates[at]
		if !u.temp || u.op != "=" || drop[at] {
			continue
		}
		t := u.target
		v, ok := r.updates[at+1]
		if !ok || !v.temp || v.op != "+=" || v.target != t || v.indent != u.indent || namesIn(v.value)[t] ||
			!r.float64Code(v.value) {
			continue
		}
		lines := mentions(t, at)
		if len(lines) != 3 || lines[0] != at || lines[1] != at+1 {
			continue
		}
		use := lines[2]
		if !r.sameLevel(at+2, use, u.indent, namesIn(v.value)) || identifier.FindString(r.lines[use]) == t {
			continue
		}
		line, ok := replaceName(r.lines[use], t, parenthesized(v.value))
		if !ok {
			continue
		}
		r.lines[use] = line
		if w, ok := r.updates[use]; ok {
			w.value, _ = replaceName(w.value, t, parenthesized(v.value))
			w.temp = false
			r.updates[use] = w
		}
		drop[at], drop[at+1] = true, true
	}
	r.dropLines(drop)
	r.subtrees = nil // their indexes are stale now
}

// sameLevel reports that lines from..to (to included) are simple statements at indent, and
// that those before to write none of the names read.
func (r *region) sameLevel(from, to int, indent string, read map[string]bool) bool {
	for k := from; k <= to; k++ {
		line := r.lines[k]
		if !strings.HasPrefix(line, indent) || len(line) == len(indent) || line[len(indent)] == ' ' || line[len(indent)] == '\t' ||
			strings.Contains(line, "\n") || strings.HasSuffix(line, ":") {
			return false
		}
		if k == to {
			break
		}
		written := identifier.FindString(line)
		switch written {
		case "", "if", "for", "while", "with", "else", "elif", "_np", "_rt":
			// A block, or a call that may write through out= (np.copyto): not followed.
			return false
		}
		if read[written] {
			return false
		}
	}
	return true
}

// nameRefs returns the [start, end) of the identifiers of generated code that refer to
// variables: those inside string literals, after a '.' (attributes), after a digit (the e
// of 1e-3) and before a single '=' after '(' or ',' (keyword arguments) are left out.
func nameRefs(code string) [][2]int {
	var refs [][2]int
	for i := 0; i < len(code); {
		c := code[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(code) && code[j] != c {
				if code[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i + 1
			for j < len(code) && (code[j] == '_' || 'a' <= code[j] && code[j] <= 'z' || 'A' <= code[j] && code[j] <= 'Z' || '0' <= code[j] && code[j] <= '9') {
				j++
			}
			if (i == 0 || code[i-1] != '.' && !('0' <= code[i-1] && code[i-1] <= '9')) && !keywordArg(code, i, j) {
				refs = append(refs, [2]int{i, j})
			}
			i = j
		case '0' <= c && c <= '9':
			// A number, exponent and suffix included (1e-3, 2j, 0x1f).
			j := i + 1
			for j < len(code) && (code[j] == '.' || code[j] == '_' || 'a' <= code[j] && code[j] <= 'z' || 'A' <= code[j] && code[j] <= 'Z' || '0' <= code[j] && code[j] <= '9' ||
				(code[j] == '-' || code[j] == '+') && (code[j-1] == 'e' || code[j-1] == 'E')) {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return refs
}

// keywordArg reports that the identifier code[i:j] names a keyword argument: after '(' or
// ',' and before '=' (not '==').
func keywordArg(code string, i, j int) bool {
	k := i - 1
	for k >= 0 && code[k] == ' ' {
		k--
	}
	if k < 0 || code[k] != '(' && code[k] != ',' {
		return false
	}
	for j < len(code) && code[j] == ' ' {
		j++
	}
	return j < len(code) && code[j] == '=' && (j+1 == len(code) || code[j+1] != '=')
}

// parenthesized returns code in parentheses, as it is where one pair already encloses all
// of it.
func parenthesized(code string) string {
	if wrapped(code) {
		return code
	}
	return "(" + code + ")"
}

// replaceName replaces the one identifier name of code by with; ok is false unless code
// names it exactly once.
func replaceName(code, name, with string) (string, bool) {
	var at []int
	for _, loc := range identifier.FindAllStringIndex(code, -1) {
		if code[loc[0]:loc[1]] == name {
			at = append(at, loc[0])
		}
	}
	// Every occurrence must be a reference to the variable: not an attribute, a keyword
	// argument, a string's text or a literal's exponent (1e-3 for a temporary named e).
	refs := 0
	for _, loc := range nameRefs(code) {
		if code[loc[0]:loc[1]] == name {
			refs++
		}
	}
	if refs != len(at) {
		return "", false
	}
	if len(at) != 1 {
		return "", false
	}
	return code[:at[0]] + with + code[at[0]+len(name):], true
}

// dropLines removes the lines at the given indexes, keeping r.updates on the lines they
// describe.
func (r *region) dropLines(drop map[int]bool) {
	if len(drop) == 0 {
		return
	}
	moved := map[int]update{}
	kept := r.lines[:0]
	for k, line := range r.lines {
		if drop[k] {
			continue
		}
		if u, ok := r.updates[k]; ok {
			moved[len(kept)] = u
		}
		kept = append(kept, line)
	}
	r.lines, r.updates = kept, moved
}

// float64Code reports generated code whose value is float64: every array it reads is a
// float64 array, and every other name is a Python scalar the guard admits (an int or a
// real number: with a float64 array, a float64 result) or one of the names generated code
// uses for NumPy, the runtime, masks, extents and the operations they name. A vectorized
// temporary's dtype is unknown (float32 where its value is), so it fails.
func (r *region) float64Code(code string) bool {
	for id := range namesIn(code) {
		if r.tempNames[id] {
			return false
		}
		if arr := r.scop.Arrays[id]; arr != nil {
			if !arr.Scalar && arr.DType != "float64" {
				return false
			}
			continue
		}
		if strings.HasPrefix(id, "_p_") || strings.HasPrefix(id, "_mask") || numeral.MatchString(id) {
			continue
		}
		switch id {
		case "_np", "_rt", "where", "arange", "einsum", "optimize", "True", "False", "None", "sum", "axis",
			"masked_matmul", "transpose", "T", "swapaxes", "max", "min", "matmul", "e":
		default:
			return false
		}
	}
	return true
}

// zeroLiteral reports the literal 0 or 0.0.
func zeroLiteral(e pyast.Expr) bool {
	switch v := pyast.Sprint(nil, e); v {
	case "0", "0.0", "0.":
		return true
	}
	return false
}

// assignProducts computes a matrix product assigned to an array (X[...] = (A @ B), or
// s * (A @ B)) into the array itself, np.matmul(A, B, out=X[...]), without a temporary of
// X's size and the pass copying it (forwardTemps leaves y[:] = (A @ x) where a user wrote
// s = 0.0; for k: s += A[i, k] * x[k]; y[i] = s). Only for float64 X and a float64 product:
// matmul's out= casts as same_kind, where assignment casts anything, and it might choose
// a loop of X's dtype. The product reads nothing of X's array.
func (r *region) assignProducts() {
	for at, u := range r.updates {
		if u.op != "=" || u.temp || u.mask != "" || u.value == "0.0" || u.value == "0" || namesIn(u.value)[u.array] {
			continue
		}
		if _, _, _, ok := splitMatmul(u.value); !ok {
			continue
		}
		if arr := r.scop.Arrays[u.array]; arr == nil || arr.Scalar || arr.DType != "float64" || !r.float64Code(u.value) {
			continue
		}
		dst := u.target
		if wholeTarget.MatchString(dst) {
			dst = u.array
		}
		r.lines[at] = u.indent + copyInto(dst, u.value, u.indent)
		delete(r.updates, at)
	}
}
