package emit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// narrowInts are the NumPy integer types whose arithmetic Numba widens. NumPy keeps an int16
// an int16 through x[i] + x[i + 1], wrapping around past its range, and a uint8 image's
// (a + b + c) // 3 wraps before it divides; Numba computes both in int64 and only truncates
// what it stores (a uint64 with a Python int it computes in float64).
var narrowInts = map[string]bool{
	"int8": true, "int16": true, "int32": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true,
}

// narrowEdits returns the edits that make Numba compute the SCoP's arithmetic on narrow
// integers as NumPy does: each +, -, *, // and % whose operands are of one narrow type (or an
// int literal within its range) is cast back to it, np.int32(a + b), which wraps around as
// NumPy's int32 does; a narrow target's update x += e becomes x = np.int32(x + e). It fails
// where Numba could still compute otherwise: another operator, two narrow types, or a Python
// int whose range is unknown (NumPy raises OverflowError for one past the type's range).
func narrowEdits(r *region, src []byte, before map[string]bool) ([]edit, error) {
	w, err := newNarrowRW(r, src, before)
	if w == nil || err != nil {
		return nil, err
	}
	var stmts []*polyopt.Stmt
	for _, st := range r.scop.Stmts {
		if w.reads(st.Node) {
			stmts = append(stmts, st)
		}
	}
	var edits []edit
	for _, st := range stmts {
		switch n := st.Node.(type) {
		case *pyast.Assign:
			if len(n.Targets) != 1 {
				return nil, vecErr("an assignment to several targets of narrow NumPy integers")
			}
			if _, ok := n.Targets[0].(*pyast.Subscript); ok {
				w.stored = n.Value // stored as it is: min(x[i], 0) may be the 0
			}
			text, _, err := w.expr(n.Value)
			w.stored = nil
			if err != nil {
				return nil, err
			}
			edits = append(edits, edit{int(n.Value.Pos()), int(n.Value.End()), text})
		case *pyast.AugAssign:
			text, d, err := w.expr(n.Value)
			if err != nil {
				return nil, err
			}
			td := w.dtypeOf(n.Target)
			if td == "" {
				edits = append(edits, edit{int(n.Value.Pos()), int(n.Value.End()), text})
				continue
			}
			if !w.sameOrSmall(n.Value, d, td) || !wrapping(n.Op) {
				return nil, vecErr("an update of narrow NumPy integers that Numba would compute in int64")
			}
			t := w.text(n.Target)
			edits = append(edits, edit{int(n.Pos()), int(n.End()), fmt.Sprintf("%s = _np.%s(%s %s %s)", t, td, t, n.Op, operandText(text, n.Value))})
		default:
			return nil, vecErr("a statement on narrow NumPy integers that is not an assignment")
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	return edits, nil
}

// newNarrowRW follows the SCoP's narrow integers through its scalars; nil where it has none.
// before names what is bound before the SCoP (nil: unknown), whose first value a scalar of
// the SCoP may still hold.
func newNarrowRW(r *region, src []byte, before map[string]bool) (*narrowRW, error) {
	w := &narrowRW{r: r, src: src, scalars: map[string]string{}, small: map[string][2]int64{}, wide: map[string]bool{}}
	narrow := false
	for _, st := range r.scop.Stmts {
		narrow = narrow || w.reads(st.Node)
	}
	if !narrow {
		return nil, nil
	}
	type write struct {
		value pyast.Expr
		plain bool
	}
	writes := map[string][]write{}
	var names []string
	for _, st := range r.scop.Stmts {
		target, value, op, err := splitUpdate(st)
		name, ok := target.(*pyast.Name)
		if err != nil || !ok {
			continue
		}
		if writes[name.Id] == nil {
			names = append(names, name.Id)
		}
		writes[name.Id] = append(writes[name.Id], write{value, op == ""})
	}
	// Scalars assigned only int literals (pair = 1 if ... else 0), which NumPy adds to an
	// int32 as an int32: unless bound before, where their first value is another.
	for _, v := range names {
		lo, hi, small := int64(0), int64(0), !before[v]
		for k, wr := range writes[v] {
			l, h, ok := intLiterals(wr.value)
			small = small && ok && wr.plain
			if k == 0 || l < lo {
				lo = l
			}
			if k == 0 || h > hi {
				hi = h
			}
		}
		if small {
			w.small[v] = [2]int64{lo, hi}
		}
	}
	// A scalar holds a narrow type where what it is assigned is of that type (or a small
	// literal), and where updates add values of it (t = 0; t += x[i] wraps as an int16). One
	// assigned a float, or an int64, is of that type instead (s = 0.0; s += x[i] is a float
	// sum). Both in one scalar, or a narrow type with a value bound before the SCoP that may
	// be another, are refused: the rewrite does not follow the order of the statements.
	for changed := true; changed; {
		changed = false
		for _, v := range names {
			if w.scalars[v] != "" || w.wide[v] {
				continue
			}
			d, plainNarrow, wide, unknown := "", false, false, false
			for _, wr := range writes[v] {
				_, dv, err := w.expr(wr.value)
				if err != nil {
					continue // refused with the statement
				}
				_, _, lit := intLiterals(wr.value)
				switch {
				case dv != "" && d != "" && dv != d:
					return nil, vecErr("the scalar " + v + " holds two narrow NumPy integer types")
				case dv != "":
					d, plainNarrow = dv, plainNarrow || wr.plain
				case lit:
				case w.wider(wr.value):
					wide = true
				default:
					unknown = true // a Python int, or a scalar not followed yet
				}
			}
			a := r.scop.Arrays[v]
			switch {
			case unknown:
			case d == "" && wide:
				w.wide[v], changed = true, true
			case d == "":
			case wide && plainNarrow, before[v] && (a == nil || a.DType != d):
				return nil, vecErr("the scalar " + v + " holds narrow NumPy integers and other numbers")
			case wide:
				w.wide[v], changed = true, true
			default:
				w.scalars[v], changed = d, true
				delete(w.small, v)
			}
		}
	}
	for _, v := range names {
		if w.scalars[v] != "" || w.wide[v] {
			continue
		}
		for _, wr := range writes[v] {
			if _, d, err := w.expr(wr.value); err == nil && d != "" {
				return nil, vecErr("the scalar " + v + " holds narrow NumPy integers and Python ints")
			}
		}
	}
	for v, d := range w.scalars {
		for _, wr := range writes[v] {
			if lo, hi, ok := intLiterals(wr.value); ok {
				min, max := intRange(d)
				if lo < min || hi > max {
					return nil, vecErr("the scalar " + v + " holds narrow NumPy integers and ints past their range")
				}
			}
		}
	}
	return w, nil
}

// narrowRW rewrites expressions for narrowEdits.
type narrowRW struct {
	r       *region
	src     []byte
	scalars map[string]string   // scalars holding a narrow integer, by its type
	small   map[string][2]int64 // scalars assigned only int literals, by their range
	wide    map[string]bool     // scalars holding a float or an int64 that narrow ints are added to
	// stored is the value of the statement being rewritten where an array element stores it
	// as it is: a min or max of a narrow int and a literal may be there, which gives either.
	stored pyast.Expr
}

func (w *narrowRW) text(e pyast.Node) string { return string(w.src[e.Pos():e.End()]) }

// dtypeOf is the narrow type of an element or scalar, or "".
func (w *narrowRW) dtypeOf(e pyast.Expr) string {
	switch e := e.(type) {
	case *pyast.Subscript:
		if id, ok := e.X.(*pyast.Name); ok && narrowInts[w.r.dtype(id.Id)] {
			return w.r.dtype(id.Id)
		}
	case *pyast.Name:
		if d := w.scalars[e.Id]; d != "" {
			return d
		}
		if a := w.r.scop.Arrays[e.Id]; a != nil && a.Scalar && narrowInts[a.DType] {
			return a.DType
		}
	}
	return ""
}

// reads reports a narrow element or scalar in n.
func (w *narrowRW) reads(n pyast.Node) bool {
	found := false
	pyast.Inspect(n, func(n pyast.Node) bool {
		if e, ok := n.(pyast.Expr); ok && w.dtypeOf(e) != "" {
			found = true
		}
		return !found
	})
	return found
}

// sameOrSmall reports e, of narrow type d ("" for none), fit to meet a narrow td: of that
// type, or an int literal or small scalar within its range.
func (w *narrowRW) sameOrSmall(e pyast.Expr, d, td string) bool {
	if d != "" {
		return d == td
	}
	lo, hi, ok := intLiterals(e)
	if id, isName := e.(*pyast.Name); isName {
		r, small := w.small[id.Id]
		lo, hi, ok = r[0], r[1], small
	}
	if !ok {
		return false
	}
	min, max := intRange(td)
	return min <= lo && hi <= max
}

// expr returns e's text for Numba and the narrow type of its value ("" for another).
func (w *narrowRW) expr(e pyast.Expr) (string, string, error) {
	if d := w.dtypeOf(e); d != "" {
		return w.text(e), d, nil
	}
	if !w.reads(e) {
		return w.text(e), "", nil
	}
	switch e := e.(type) {
	case *pyast.BinOp:
		x, dx, err := w.expr(e.X)
		if err != nil {
			return "", "", err
		}
		y, dy, err := w.expr(e.Y)
		if err != nil {
			return "", "", err
		}
		text := operandText(x, e.X) + " " + e.Op.String() + " " + operandText(y, e.Y)
		d, other, otherType := dx, e.Y, dy
		if d == "" {
			d, other, otherType = dy, e.X, dx
		}
		switch {
		case d == "":
			return text, "", nil
		case w.sameOrSmall(other, otherType, d) && wrapping(e.Op):
			return "_np." + d + "(" + text + ")", d, nil
		case w.sameOrSmall(other, otherType, d) && e.Op == pyast.Div:
			return text, "", nil
		case otherType == "" && d != "uint64" && w.wider(other) && (wrapping(e.Op) || e.Op == pyast.Div):
			return text, "", nil // an int64 or float64 result, exact from the narrow value
		}
		return "", "", vecErr("arithmetic on narrow NumPy integers that Numba would compute in another type")
	case *pyast.UnaryOp:
		x, d, err := w.expr(e.X)
		if err != nil {
			return "", "", err
		}
		switch {
		case d == "":
			return e.Op.String() + operandText(x, e.X), "", nil
		case e.Op == pyast.USub:
			return "_np." + d + "(-" + operandText(x, e.X) + ")", d, nil
		case e.Op == pyast.UAdd:
			return x, d, nil
		}
	case *pyast.Compare:
		x, _, err := w.expr(e.X)
		if err != nil {
			return "", "", err
		}
		text := operandText(x, e.X)
		for k, y := range e.Ys {
			yt, _, err := w.expr(y)
			if err != nil {
				return "", "", err
			}
			text += " " + e.Ops[k].String() + " " + operandText(yt, y)
		}
		return text, "", nil
	case *pyast.IfExp:
		cond, _, err := w.expr(e.Cond)
		if err != nil || w.reads(e.Body) || w.reads(e.Else) {
			break
		}
		return operandText(w.text(e.Body), e.Body) + " if " + operandText(cond, e.Cond) + " else " + operandText(w.text(e.Else), e.Else), "", nil
	case *pyast.Call:
		f, ok := e.Func.(*pyast.Name)
		if !ok {
			// np.exp(x[i] * 1e-9): a function of a float or int64 value, as in Numba. Of a
			// narrow one NumPy gives float32 (np.sqrt of an int16) or the narrow type.
			var args []string
			for _, a := range e.Args {
				text, da, err := w.expr(a)
				if err != nil || da != "" {
					return "", "", vecErr("a NumPy function of narrow NumPy integers")
				}
				if _, kw := a.(*pyast.Keyword); kw {
					return "", "", vecErr("a call with keywords on narrow NumPy integers")
				}
				args = append(args, text)
			}
			return w.text(e.Func) + "(" + strings.Join(args, ", ") + ")", "", nil
		}
		args := make([]string, len(e.Args))
		types := make([]string, len(e.Args))
		d := ""
		for k, a := range e.Args {
			if _, kw := a.(*pyast.Keyword); kw {
				return "", "", vecErr("a call with keywords on narrow NumPy integers")
			}
			text, da, err := w.expr(a)
			if err != nil {
				return "", "", err
			}
			if da != "" && d != "" && da != d {
				return "", "", vecErr("min or max of two narrow NumPy integer types")
			}
			if da != "" {
				d = da
			}
			args[k], types[k] = text, da
		}
		call := f.Id + "(" + strings.Join(args, ", ") + ")"
		switch {
		case (f.Id == "min" || f.Id == "max") && len(args) >= 2:
			// One of the arguments, as it is: Python's max(x[i], 3) gives the int8 or the
			// Python 3, whose products differ (3 * 50 is 150, not an int8's -106). Only
			// narrow arguments of one type, or a literal where the result is stored as it is.
			for k, a := range e.Args {
				if d == "" || types[k] == d {
					continue
				}
				if e != w.stored || !w.sameOrSmall(a, types[k], d) {
					return "", "", vecErr("min or max of narrow NumPy integers and other numbers")
				}
			}
			return call, d, nil
		case (f.Id == "float" || f.Id == "int") && len(args) == 1:
			return call, "", nil // a Python number, exact in Numba's float64 or int64
		case f.Id == "abs" && len(args) == 1 && d != "":
			return "_np." + d + "(" + call + ")", d, nil // abs(-32768) wraps around too
		}
	}
	return "", "", vecErr("narrow NumPy integers in an expression Numba would compute in another type")
}

// wider reports a value NumPy combines with a narrow integer into int64 or float64 alike
// whether it is a Python or a NumPy number: a float, or an int64 or float64 element.
func (w *narrowRW) wider(e pyast.Expr) bool {
	if id, ok := e.(*pyast.Name); ok && w.wide[id.Id] {
		return true
	}
	t, ok := w.r.typeOf(e, nil, nil)
	switch {
	case !ok:
		return false
	case t.numpy:
		return t.dtype == "float64" || t.dtype == "int64"
	}
	return t.dtype == "float"
}

// wrapping reports the operators whose narrow results NumPy keeps in the narrow type (wrapping
// around past its range, x << 4 too): the int64 result cast back to it is NumPy's.
func wrapping(op pyast.BinaryOp) bool {
	switch op {
	case pyast.Add, pyast.Sub, pyast.Mul, pyast.FloorDiv, pyast.Mod,
		pyast.BitAnd, pyast.BitOr, pyast.BitXor, pyast.LShift, pyast.RShift:
		return true
	}
	return false
}

// operandText parenthesizes text, e's rewritten form, unless e is a name, an element or a literal.
func operandText(text string, e pyast.Expr) string {
	switch e.(type) {
	case *pyast.Name, *pyast.Subscript, *pyast.Num, *pyast.Call:
		return text
	}
	return "(" + text + ")"
}

// intLiterals returns the range of an int literal, or of the literals a conditional
// expression of int literals chooses from.
func intLiterals(e pyast.Expr) (int64, int64, bool) {
	switch e := e.(type) {
	case *pyast.Num:
		v, err := strconv.ParseInt(strings.ReplaceAll(e.Raw, "_", ""), 0, 64)
		return v, v, err == nil
	case *pyast.UnaryOp:
		if lo, hi, ok := intLiterals(e.X); ok && e.Op == pyast.USub {
			return -hi, -lo, true
		}
	case *pyast.IfExp:
		lo1, hi1, ok1 := intLiterals(e.Body)
		lo2, hi2, ok2 := intLiterals(e.Else)
		return min(lo1, lo2), max(hi1, hi2), ok1 && ok2
	}
	return 0, 0, false
}

// intRange is the range of a narrow integer type.
func intRange(dtype string) (int64, int64) {
	switch dtype {
	case "int8":
		return -1 << 7, 1<<7 - 1
	case "int16":
		return -1 << 15, 1<<15 - 1
	case "int32":
		return -1 << 31, 1<<31 - 1
	case "uint8":
		return 0, 1<<8 - 1
	case "uint16":
		return 0, 1<<16 - 1
	case "uint32":
		return 0, 1<<32 - 1
	}
	return 0, -1 // uint64: nothing fits the rules above
}

// scalarType is a value's type as the original computes it: a NumPy scalar of a dtype
// ("float64") or a Python number (dtype "int" or "float"). maybe marks a Python number that
// may be a NumPy one instead: a scalar parameter, which the guard admits as either.
type scalarType struct {
	numpy bool
	dtype string
	maybe bool
}

// typeOf is the type the original gives e, from the dtypes of the arrays it reads and the
// types known of the scalars; false where the rules below do not settle it (a call, a
// comparison, a power).
func (r *region) typeOf(e pyast.Expr, iters map[string]bool, known map[string]scalarType) (scalarType, bool) {
	switch e := e.(type) {
	case *pyast.Num:
		raw := strings.ToLower(e.Raw)
		switch {
		case strings.HasPrefix(raw, "0x") || strings.HasPrefix(raw, "0o") || strings.HasPrefix(raw, "0b"):
			return scalarType{dtype: "int"}, true
		case strings.Contains(raw, "j"):
			return scalarType{}, false
		case strings.ContainsAny(raw, ".e"):
			return scalarType{dtype: "float"}, true
		}
		return scalarType{dtype: "int"}, true
	case *pyast.Name:
		if iters[e.Id] {
			return scalarType{dtype: "int"}, true
		}
		if t, ok := known[e.Id]; ok {
			return t, true
		}
		a := r.scop.Arrays[e.Id]
		switch {
		case a != nil && a.Scalar && a.DType != "":
			return scalarType{numpy: true, dtype: a.DType}, true
		case a != nil:
			return scalarType{}, false
		case r.scop.NonInt[e.Id]:
			return scalarType{dtype: "float", maybe: true}, true
		}
		for _, p := range r.scop.Params {
			if p == e.Id {
				return scalarType{dtype: "int", maybe: true}, true
			}
		}
	case *pyast.Subscript:
		if id, ok := e.X.(*pyast.Name); ok {
			if d := r.dtype(id.Id); d != "" {
				return scalarType{numpy: true, dtype: d}, true
			}
		}
	case *pyast.UnaryOp:
		if e.Op == pyast.USub || e.Op == pyast.UAdd {
			return r.typeOf(e.X, iters, known)
		}
	case *pyast.BinOp:
		x, ok := r.typeOf(e.X, iters, known)
		if !ok {
			return x, false
		}
		y, ok := r.typeOf(e.Y, iters, known)
		if !ok {
			return y, false
		}
		return combine(x, y, e.Op)
	}
	return scalarType{}, false
}

// combine is the type of x op y under NumPy 2's rules for scalars: a Python number takes the
// type of the NumPy scalar beside it (an int becomes a float only with a float), two NumPy
// scalars the wider of their types, and a true division of ints is a float.
func combine(x, y scalarType, op pyast.BinaryOp) (scalarType, bool) {
	switch op {
	case pyast.Add, pyast.Sub, pyast.Mul, pyast.Div, pyast.FloorDiv, pyast.Mod:
	default:
		return scalarType{}, false
	}
	kind := func(t scalarType) string { // "int" or "float"
		if strings.HasPrefix(t.dtype, "int") {
			return "int"
		}
		return t.dtype
	}
	if !x.numpy && !y.numpy {
		t := scalarType{dtype: "int", maybe: x.maybe || y.maybe}
		if x.dtype == "float" || y.dtype == "float" || op == pyast.Div {
			t.dtype = "float"
		}
		return t, true
	}
	if !x.numpy {
		x, y = y, x
	}
	var d string
	switch {
	case !y.numpy && x.dtype == "float64", !y.numpy && x.dtype == "float32" && !y.maybe:
		d = x.dtype
	case !y.numpy && x.dtype == "int64":
		d = "int64"
		if y.dtype == "float" {
			d = "float64"
		}
	case !y.numpy && narrowInts[x.dtype] && y.dtype == "float":
		d = "float64"
	case !y.numpy && narrowInts[x.dtype] && !y.maybe:
		d = x.dtype // a Python int keeps an int16 an int16 (or raises)
	case y.numpy && x.dtype == y.dtype && (x.dtype == "float64" || x.dtype == "float32" || x.dtype == "int64" || narrowInts[x.dtype]):
		d = x.dtype
	case y.numpy && (x.dtype == "float64" || y.dtype == "float64") && kind(x) != "bool" && kind(y) != "bool":
		d = "float64"
	case y.numpy && kind(x) == "float" && kind(y) == "int" || y.numpy && kind(x) == "int" && kind(y) == "float":
		d = "float64"
	default:
		return scalarType{}, false
	}
	if op == pyast.Div && (d == "int64" || narrowInts[d]) {
		d = "float64"
	}
	return scalarType{numpy: true, dtype: d}, true
}

// numpyOuts returns the lines that give each scalar the helper returns the NumPy type the
// original gives it: Numba returns a Python float where the original's sum of float64
// elements is an np.float64, which prints otherwise (np.float64(2.5) in a list) and keeps a
// float32 array it multiplies float64. The lines are relative to the helper's call, with
// one level of indentation for what a condition guards.
//
// A scalar is converted when the statements that assign it all give the same NumPy type; or
// when the one that gives a Python number (s = 0.0) comes first, outside the loops, and the
// others all give one NumPy type (s += A[i]): then where its loops run, tested by their
// bounds. A scalar bound before the SCoP, or whose type the rules do not settle, is left as
// Numba returns it.
func numpyOuts(r *region, outs []string, before, assigned map[string]bool, src []byte) []string {
	iters := map[string]bool{}
	for _, l := range r.scop.Loops {
		iters[l.Iter] = true
	}
	type write struct {
		st    *polyopt.Stmt
		op    pyast.BinaryOp
		value pyast.Expr
	}
	writes := map[string][]write{}
	for _, st := range r.scop.Stmts {
		target, value, op, err := splitUpdate(st)
		name, ok := target.(*pyast.Name)
		if err != nil || !ok {
			continue
		}
		w := write{st: st, value: value, op: -1}
		if op != "" {
			w.op = binaryOp(strings.TrimSuffix(op, "="))
			if w.op < 0 {
				continue
			}
		}
		writes[name.Id] = append(writes[name.Id], w)
	}
	// The type each scalar has once its statements ran (own), and the scalars whose type is
	// that whatever ran (known), which other statements may read as such. s = 0.0 then s +=
	// A[i] is an np.float64 only where a term was added: its own, not known.
	known, own := map[string]scalarType{}, map[string]scalarType{}
	for round := 0; round < 4; round++ {
		next, nextOwn := map[string]scalarType{}, map[string]scalarType{}
		for v, ws := range writes {
			// Its own statements read the scalar with the type the last round gave it
			// (t = t * 3 - x[i]).
			ctx := map[string]scalarType{}
			for k, t := range known {
				ctx[k] = t
			}
			if t, ok := own[v]; ok {
				ctx[v] = t
			}
			var plains []scalarType
			var updates []write
			ok := true
			for _, w := range ws {
				if w.op >= 0 {
					updates = append(updates, w)
					continue
				}
				if t, settled := r.typeOf(w.value, iters, ctx); settled {
					plains = append(plains, t)
				} else {
					ok = false
				}
			}
			if len(plains) == 0 {
				continue
			}
			start := plains[0]
			if !same(plains) {
				// t = 0, then t = x[i] + x[i]: an int16 where the loop ran (found by
				// review); its own type, never known to others.
				var py, np []scalarType
				for _, t := range plains {
					if t.numpy {
						np = append(np, t)
					} else {
						py = append(py, t)
					}
				}
				if len(py) != 1 || len(np) == 0 || !same(np) {
					continue
				}
				plains, start = np, py[0]
			}
			if !ok {
				if _, seen := own[v]; !seen {
					nextOwn[v] = plains[0] // a first guess, for the next round
				}
				continue
			}
			t := plains[0]
			for pass := 0; pass < 2 && ok; pass++ {
				for _, w := range updates {
					term, settled := r.typeOf(w.value, iters, ctx)
					if ok = ok && settled; !ok {
						break
					}
					if t, ok = combine(t, term, w.op); !ok {
						break
					}
				}
			}
			if !ok {
				continue
			}
			nextOwn[v] = t
			if t == plains[0] && t == start {
				next[v] = t
			}
		}
		known, own = next, nextOwn
	}
	var lines []string
	for _, v := range outs {
		t, ok := own[v]
		if before[v] || !ok || !t.numpy || t.maybe {
			continue
		}
		conv := fmt.Sprintf("%s = _np.%s(%s)", v, t.dtype, v)
		var first *write
		var numpyWrites []write
		settled := true
		for _, w := range writes[v] {
			// What the statement adds or assigns: an update by a Python number keeps the
			// scalar's type, one by a NumPy number or an assignment of one makes it NumPy.
			wt, ok := r.typeOf(w.value, iters, known)
			switch {
			case !ok || wt.maybe:
				settled = false
			case wt.numpy:
				numpyWrites = append(numpyWrites, w)
			case w.op >= 0:
			case first == nil:
				first = &w
			default:
				settled = false // two that assign Python numbers
			}
		}
		if !settled {
			continue
		}
		if first == nil {
			if known[v] == t {
				lines = append(lines, conv)
			}
			continue
		}
		if len(first.st.Loops) > 0 || !topLevel(r.scop.Body, first.st.Node) {
			continue
		}
		var conds []string
		for _, w := range numpyWrites {
			if w.st.Node.Pos() < first.st.Node.Pos() {
				conds = nil
				break
			}
			c, ok := runs(w.st, r.scop.Body, iters, before, assigned, src)
			if !ok {
				conds = nil
				break
			}
			conds = append(conds, c)
		}
		if len(conds) == 0 {
			continue
		}
		lines = append(lines, "if "+strings.Join(conds, " or ")+":", "    "+conv)
	}
	return lines
}

// same reports types all alike.
func same(ts []scalarType) bool {
	for _, t := range ts {
		if t != ts[0] {
			return false
		}
	}
	return true
}

// binaryOp is the operator an augmented assignment's text names, or -1.
func binaryOp(text string) pyast.BinaryOp {
	for _, op := range []pyast.BinaryOp{pyast.Add, pyast.Sub, pyast.Mul, pyast.Div, pyast.FloorDiv, pyast.Mod} {
		if op.String() == text {
			return op
		}
	}
	return -1
}

// topLevel reports st among the statements of body themselves.
func topLevel(body []pyast.Stmt, st pyast.Stmt) bool {
	for _, b := range body {
		if b == st {
			return true
		}
	}
	return false
}

// runs returns a condition, in the function's own variables, that holds exactly when st
// runs at least once: every loop around it runs (lo < hi for a positive step), st being in
// their bodies themselves, under no if. False where a bound reads what the SCoP assigns or
// a loop's iterator (a triangle), or the step is not a positive literal.
func runs(st *polyopt.Stmt, body []pyast.Stmt, iters, before, assigned map[string]bool, src []byte) (string, bool) {
	var conds []string
	for k, l := range st.Loops {
		if k == 0 && !topLevel(body, l.Node) || k > 0 && !topLevel(st.Loops[k-1].Node.Body, l.Node) {
			return "", false
		}
		c, ok := l.Node.Iter.(*pyast.Call)
		if !ok || len(c.Args) == 0 || len(c.Args) > 3 {
			return "", false
		}
		if len(c.Args) == 3 {
			if n, ok := c.Args[2].(*pyast.Num); !ok || !natural(n) || strings.Trim(n.Raw, "0_") == "" {
				return "", false
			}
		}
		free := true
		for _, a := range c.Args {
			pyast.Inspect(a, func(n pyast.Node) bool {
				if id, ok := n.(*pyast.Name); ok && (iters[id.Id] || assigned[id.Id] || !before[id.Id] && id.Id != "min" && id.Id != "max" && id.Id != "len") {
					free = false
				}
				return free
			})
		}
		if !free {
			return "", false
		}
		text := func(e pyast.Expr) string { return string(src[e.Pos():e.End()]) }
		lo, hi := "0", text(c.Args[0])
		if len(c.Args) > 1 {
			lo, hi = text(c.Args[0]), text(c.Args[1])
		}
		conds = append(conds, fmt.Sprintf("(%s) < (%s)", lo, hi))
	}
	if !topLevel(innermostBody(st, body), st.Node) {
		return "", false
	}
	if len(conds) == 0 {
		return "True", true
	}
	return "(" + strings.Join(conds, " and ") + ")", true
}

// innermostBody is the body st sits in: its innermost loop's, or the SCoP's.
func innermostBody(st *polyopt.Stmt, body []pyast.Stmt) []pyast.Stmt {
	if n := len(st.Loops); n > 0 {
		return st.Loops[n-1].Node.Body
	}
	return body
}

// narrowMeetsIndex reports arithmetic of value that combines a narrow integer with a loop
// index: in the loop a Python int, which NumPy adds to an int16 as an int16 (wrapping
// around, or raising OverflowError past its range); in whole-array code an int64 arange,
// which makes the sum int64. Likewise a scalar the SCoP assigns (an int64 or float array in
// whole-array code), and arithmetic on a min or max of a narrow int and another number.
func (r *region) narrowMeetsIndex(lhs, value pyast.Expr, op string, iters []string) bool {
	w, err := r.narrowInfo()
	if err != nil {
		return true // a scalar that holds narrow ints and other numbers: refused
	}
	if w == nil {
		return false
	}
	isIter := map[string]bool{}
	for _, it := range iters {
		isIter[it] = true
	}
	// Scalars the SCoP computes from an index: whole-array code makes them int64 arrays.
	fromIndex, assigned := map[string]bool{}, map[string]bool{}
	for _, st := range r.scop.Stmts {
		if target, _, _, err := splitUpdate(st); err == nil {
			if id, ok := target.(*pyast.Name); ok {
				assigned[id.Id] = true
			}
		}
	}
	var indexed func(e pyast.Expr) bool
	indexed = func(e pyast.Expr) bool {
		if t, ok := r.typeOf(e, isIter, nil); ok && (t.numpy || t.dtype == "float") {
			return false // a NumPy number or a float: the sum is wide either way
		}
		found := false
		pyast.Inspect(e, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Subscript:
				return false // an element, not an index
			case *pyast.Name:
				// A scalar the SCoP assigns is an int64 or float64 array in whole-array code:
				// b = 1 if ... else 0 added to an int16 makes an int64 (found by review).
				found = found || isIter[n.Id] || fromIndex[n.Id] || assigned[n.Id] && w.scalars[n.Id] == "" && !w.wide[n.Id]
			}
			return !found
		})
		return found
	}
	for changed := true; changed; {
		changed = false
		for _, st := range r.scop.Stmts {
			target, v, _, err := splitUpdate(st)
			if id, ok := target.(*pyast.Name); ok && err == nil && !fromIndex[id.Id] && indexed(v) {
				fromIndex[id.Id], changed = true, true
			}
		}
	}
	narrowOf := func(e pyast.Expr) string {
		if _, d, err := w.expr(e); err == nil {
			return d
		}
		return w.dtypeOf(e)
	}
	if op != "" && w.dtypeOf(lhs) != "" && indexed(value) {
		return true // x[i] += i
	}
	// max(x[i], 3) gives the int8 or the Python 3 (3 * 50 is 150); np.maximum an int8.
	mixedMinMax := func(e pyast.Expr) bool {
		c, ok := e.(*pyast.Call)
		if !ok {
			return false
		}
		if f, ok := c.Func.(*pyast.Name); !ok || f.Id != "min" && f.Id != "max" {
			return false
		}
		narrow, other := false, false
		for _, a := range c.Args {
			if narrowOf(a) != "" {
				narrow = true
			} else {
				other = true
			}
		}
		return narrow && other
	}
	// np.maximum(x, 300) of an int8 x raises OverflowError where max(x[i], 300) is 300.
	found := mixedMinMax(value)
	pyast.Inspect(value, func(n pyast.Node) bool {
		if b, ok := n.(*pyast.BinOp); ok {
			dx, dy := narrowOf(b.X), narrowOf(b.Y)
			found = found || dx != "" && dy == "" && indexed(b.Y) || dy != "" && dx == "" && indexed(b.X) ||
				mixedMinMax(b.X) || mixedMinMax(b.Y)
		}
		return !found
	})
	return found
}

// narrowInfo follows the SCoP's narrow integers through its scalars, once (newNarrowRW).
func (r *region) narrowInfo() (*narrowRW, error) {
	if !r.narrowDone {
		r.narrowDone = true
		r.narrow, r.narrowErr = newNarrowRW(r, r.file.Src, nil)
	}
	return r.narrow, r.narrowErr
}

// narrowSum returns the code of a scalar's whole-array sum (or product) in the narrow type the
// scalar holds in the loops, or code itself: t = 0; t += x[i] of an int16 x wraps around at
// each step, where np.sum adds int16 elements in int64 (difffuzz seed 99141). Modular sums
// wrap alike in one step or many. An error where the scalar's type is not followed.
func (r *region) narrowSum(scalar, code string) (string, error) {
	w, err := r.narrowInfo()
	switch {
	case err != nil:
		return "", err
	case w == nil || w.scalars[scalar] == "":
		return code, nil
	}
	return fmt.Sprintf("_np.asarray(%s).astype(_np.%s)[()]", code, w.scalars[scalar]), nil
}

// scalarKind is the narrow type a scalar of the SCoP holds, "wide" for one that narrow ints
// are added to as floats or int64s, or "" where neither is known.
func (r *region) scalarKind(name string) string {
	w, err := r.narrowInfo()
	switch {
	case err != nil || w == nil:
		return ""
	case w.scalars[name] != "":
		return w.scalars[name]
	case w.wide[name]:
		return "wide"
	}
	return ""
}

// widerIntStore reports a statement that stores into a signed narrow int array (int8, int16,
// int32) a value read from an int array, or a scalar the SCoP assigns from one, whose dtype
// holds values past the target's range: x16[i] = y64[i] * 300. NumPy raises OverflowError
// for such an element past the range, where whole-array code and Numba wrap it around. (An
// unsigned target wraps in NumPy too; Python ints and loop indices the guard bounds.)
func (r *region) widerIntStore(st *polyopt.Stmt) bool {
	if len(st.Writes) == 0 {
		return false
	}
	target := r.dtype(st.Writes[0].Array)
	if target != "int8" && target != "int16" && target != "int32" {
		return false
	}
	if a := r.array(st.Writes[0].Array); a == nil || a.Scalar {
		return false
	}
	_, value, _, err := splitUpdate(st)
	if err != nil {
		return true
	}
	wide := r.wideScalars(target)
	return r.readsWiderInt(value, target, wide)
}

// wideScalars are the scalars the SCoP assigns from values that readsWiderInt finds for a
// target of dtype target, and from such scalars in turn.
func (r *region) wideScalars(target string) map[string]bool {
	wide := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, st := range r.scop.Stmts {
			if len(st.Writes) == 0 {
				continue
			}
			w := st.Writes[0].Array
			if a := r.array(w); a == nil || !a.Scalar || wide[w] {
				continue
			}
			if _, value, _, err := splitUpdate(st); err != nil || r.readsWiderInt(value, target, wide) {
				wide[w], changed = true, true
			}
		}
	}
	return wide
}

// readsWiderInt reports e reading an element of an int array, a NumPy int scalar or a scalar
// of wide whose dtype's range is not within target's; the indices of a subscript are not
// its value and are not looked at.
func (r *region) readsWiderInt(e pyast.Expr, target string, wide map[string]bool) bool {
	tlo, thi := intRange(target)
	fits := func(d string) bool {
		if d == "bool" || !isIntDType(d) {
			return true // floats are storesFloatIntoInt's concern
		}
		lo, hi := intRange(d)
		return lo <= hi && tlo <= lo && hi <= thi
	}
	found := false
	pyast.Inspect(e, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Subscript:
			if id, ok := n.X.(*pyast.Name); ok && !fits(r.dtype(id.Id)) {
				found = true
			}
			return false
		case *pyast.Name:
			if a := r.scop.Arrays[n.Id]; a != nil && a.Scalar && a.DType != "" && !fits(a.DType) {
				found = true
			}
			found = found || wide[n.Id]
		}
		return !found
	})
	return found
}
