package emit

// A guard runs before every call of an optimized function, so its cost counts on short calls
// (15-70 us at PolyBench MEDIUM): it is written to touch each object as few times as it can.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// guardCode lists the conditions under which the variant computes what the original does:
// the types, dtypes and ranks it was compiled for, the shape relations its parameters rely
// on, and no aliasing between an array it writes and any other array argument.
func guardCode(f *typeinfer.Function, scops []*polyopt.SCoP, args string) []string {
	types := f.Params()
	var conds []string
	var arrays []string
	written := map[string]bool{}
	for _, s := range scops {
		for _, st := range s.Stmts {
			for _, w := range st.Writes {
				written[w.Array] = true
			}
		}
	}
	// A list whose ints a variant gathers with np.take (polyopt's gathers) must hold ints
	// only: np.take reads True as 1 and refuses 2.0 where a subscript does otherwise.
	gathered := map[string]bool{}
	for _, s := range scops {
		for _, src := range s.ParamSource {
			if strings.HasPrefix(src, "len(") && strings.HasSuffix(src, ")") {
				gathered[src[4:len(src)-1]] = true
			}
		}
	}
	var writtenPos []string
	var literalShapes []string // after every type check: the guard binds shapes there
	// The variants compute ints in int64 where Python's are exact: int parameters and shapes
	// are admitted only within the range that keeps every int the SCoPs compute in int64's.
	// A float parameter passed an int makes the variants compute in int64 too: such ints
	// get their own bound, no wider (polyopt's FloatIntBits), and none at all (a negative
	// bound: is_real and is_number then admit no int) where every int there may overflow.
	bits, floatBits := polyopt.MaxIntBits, polyopt.MaxIntBits
	for _, s := range scops {
		bits = min(bits, s.IntBits)
		floatBits = min(floatBits, s.FloatIntBits)
	}
	limit := int64(1) << bits
	floatLimit := int64(-1)
	if floatBits >= 0 {
		floatLimit = int64(1) << floatBits
	}
	for _, p := range f.Def.Params {
		if p.Kind != pyast.ParamNormal {
			continue
		}
		t := types[p.Name]
		if t == nil {
			continue
		}
		if typeinfer.IntLike(t) {
			// An np.int64 too: polyopt takes it as an int, and is_int admits both.
			conds = append(conds, fmt.Sprintf("_rt.is_int(%s, %d)", p.Name, limit))
			continue
		}
		switch t.Kind {
		case typeinfer.NDArray:
			if t.NDim < 0 || t.DType == "" {
				conds = append(conds, "False")
				continue
			}
			conds = append(conds, arrayCheck(p.Name, t.DType, t.NDim))
			for d, dim := range t.Shape {
				if dim.Sym == "" && dim.Lit >= 0 {
					literalShapes = append(literalShapes, fmt.Sprintf("%s.shape[%d] == %d", p.Name, d, dim.Lit))
				}
			}
			if written[p.Name] {
				writtenPos = append(writtenPos, fmt.Sprint(len(arrays)))
			}
			arrays = append(arrays, p.Name)
		case typeinfer.Float, typeinfer.NPScalar:
			// A NumPy scalar too: is_real admits float64 and int64 scalars only, the ones
			// the variants compute with as the original does.
			conds = append(conds, fmt.Sprintf("_rt.is_real(%s, %d)", p.Name, floatLimit))
		case typeinfer.Bool:
			conds = append(conds, fmt.Sprintf("type(%s) is bool", p.Name))
		case typeinfer.List:
			if gathered[p.Name] {
				conds = append(conds, fmt.Sprintf("_rt.int_list(%s)", p.Name))
			}
		case typeinfer.Complex:
			conds = append(conds, fmt.Sprintf("_rt.is_number(%s, %d)", p.Name, floatLimit))
		case typeinfer.Union:
			switch {
			case allReal(t):
				conds = append(conds, fmt.Sprintf("_rt.is_real(%s, %d)", p.Name, floatLimit))
			case allNumbers(t):
				conds = append(conds, fmt.Sprintf("_rt.is_number(%s, %d)", p.Name, floatLimit))
			case anyNumber(t):
				// The variants compute with it as a number: its other kinds (an array,
				// None) run the original.
				conds = append(conds, fmt.Sprintf("_rt.is_number(%s, %d)", p.Name, floatLimit))
			}
		}
	}
	// x / k, i // k and i % k raise ZeroDivisionError for k == 0 where both sides are Python
	// numbers; the variants' NumPy or Numba arithmetic gives inf, nan or 0 instead. A scalar
	// parameter a statement divides by must not be 0: such calls run the original.
	for _, name := range divisorParams(f, types, scops) {
		conds = append(conds, name+" != 0")
	}
	conds = append(conds, literalShapes...)
	seen := map[string]bool{}
	for _, s := range scops {
		for _, src := range s.SizeChecks {
			if !seen[src] {
				seen[src] = true
				conds = append(conds, fmt.Sprintf("%s <= %d", src, limit))
			}
		}
	}
	for _, r := range f.Relations() {
		if !strings.HasPrefix(r.Right, "return") {
			conds = append(conds, r.Left+" == "+r.Right)
		}
	}
	if len(writtenPos) > 0 {
		conds = append(conds, aliasCheck(arrays, writtenPos))
	}
	if len(conds) == 0 {
		conds = []string{"True"}
	}
	return conds
}

// guardDTypes are the dtypes pyparc_rt names dtype_<name>, for guards to compare with.
var guardDTypes = map[string]bool{"float64": true, "float32": true, "int64": true, "int32": true,
	"int16": true, "int8": true, "uint64": true, "uint32": true, "uint16": true, "uint8": true,
	"bool": true, "complex128": true, "complex64": true}

// arrayCheck is the guard condition that x is a plain ndarray (no subclass) of a dtype and
// rank. For the common dtypes it is written out: a dtype comparison is a pointer test where
// the array's dtype is NumPy's own, and a guard runs on every call (a non-native byte order
// is refused, as any dtype not equal to the native one). Others call _rt.array.
func arrayCheck(x, dtype string, ndim int) string {
	if guardDTypes[dtype] {
		return fmt.Sprintf("type(%s) is _np.ndarray and %s.ndim == %d and %s.dtype == _rt.dtype_%s", x, x, ndim, x, dtype)
	}
	return fmt.Sprintf("_rt.array(%s, %q, %d)", x, dtype, ndim)
}

// allNumbers reports a union of ints, floats, complex numbers and NumPy scalars.
func allNumbers(t *typeinfer.Type) bool {
	for _, a := range t.Alts {
		if a.Kind != typeinfer.Int && a.Kind != typeinfer.Float && a.Kind != typeinfer.Complex && a.Kind != typeinfer.NPScalar {
			return false
		}
	}
	return true
}

// anyNumber reports a union with a number among its alternatives.
func anyNumber(t *typeinfer.Type) bool {
	for _, a := range t.Alts {
		if a.Kind == typeinfer.Int || a.Kind == typeinfer.Float || a.Kind == typeinfer.Complex || a.Kind == typeinfer.NPScalar {
			return true
		}
	}
	return false
}

func allReal(t *typeinfer.Type) bool {
	for _, a := range t.Alts {
		if a.Kind != typeinfer.Int && a.Kind != typeinfer.Float && a.Kind != typeinfer.NPScalar {
			return false
		}
	}
	return true
}

// shapeRef finds NAME.shape[D] not preceded by a dot or a name character (so not obj.A.shape).
var shapeRef = regexp.MustCompile(`(^|[^\w.])([A-Za-z_]\w*)\.shape\[(\d+)\]`)

// guardDef writes the guard function from its conditions. The conditions up to the first
// that reads a shape (the type checks: guardCode puts them first) are tested at once; then
// each array whose shape the rest reads more than once has its shape unpacked into locals
// (ndarray.shape builds a tuple per access: gesummv's guard read A.shape nine times), and
// the rest is tested with the locals.
func guardDef(name, params string, def *pyast.FunctionDef, conds []string) string {
	split := len(conds)
	for i, c := range conds {
		if strings.Contains(c, ".shape[") {
			split = i
			break
		}
	}
	head, rest := conds[:split], conds[split:]
	arrays := map[string]int{} // checked arrays, by rank
	for _, c := range head {
		if m := checkedArray.FindStringSubmatch(c); m != nil {
			x, r := m[1], m[2]
			if x == "" {
				x, r = m[3], m[4]
			}
			rank := 0
			fmt.Sscan(r, &rank)
			arrays[x] = rank
		}
	}
	taken := map[string]bool{}
	for _, p := range def.Params {
		taken[p.Name] = true
	}
	prelude := hoistConstants(conds, taken)
	uses := map[string]int{}
	for _, c := range rest {
		for _, m := range shapeRef.FindAllStringSubmatch(c, -1) {
			uses[m[2]]++
		}
	}
	local := func(x string, d int) string { return fmt.Sprintf("_%s_%d", x, d) }
	var bound []string
	var binds []string
	for _, p := range def.Params {
		rank, ok := arrays[p.Name]
		if !ok || rank < 1 || uses[p.Name] < 2 {
			continue
		}
		var names []string
		clash := false
		for d := 0; d < rank; d++ {
			names = append(names, local(p.Name, d))
			clash = clash || taken[local(p.Name, d)]
		}
		if clash {
			continue
		}
		bound = append(bound, p.Name)
		lhs := strings.Join(names, ", ")
		if rank == 1 {
			lhs += ","
		}
		binds = append(binds, fmt.Sprintf("    %s = %s.shape\n", lhs, p.Name))
	}
	if len(binds) == 0 {
		return fmt.Sprintf("def _guard_%s(%s):\n%s    return (%s)", name, params, prelude, strings.Join(conds, "\n            and "))
	}
	isBound := map[string]bool{}
	for _, x := range bound {
		isBound[x] = true
	}
	for i, c := range rest {
		rest[i] = shapeRef.ReplaceAllStringFunc(c, func(ref string) string {
			m := shapeRef.FindStringSubmatch(ref)
			if !isBound[m[2]] {
				return ref
			}
			d := 0
			fmt.Sscan(m[3], &d)
			if d >= arrays[m[2]] {
				return ref // past its rank: left to raise as the original would not reach it
			}
			return m[1] + local(m[2], d)
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "def _guard_%s(%s):\n", name, params)
	b.WriteString(prelude)
	if len(head) > 0 {
		fmt.Fprintf(&b, "    if not (%s):\n        return False\n", strings.Join(head, "\n            and "))
	}
	for _, l := range binds {
		b.WriteString(l)
	}
	fmt.Fprintf(&b, "    return (%s)", strings.Join(rest, "\n            and "))
	return b.String()
}

// checkedArray finds the array check arrayCheck writes: the name and the rank it admits.
var checkedArray = regexp.MustCompile(`^(?:type\(([A-Za-z_]\w*)\) is _np\.ndarray and [A-Za-z_]\w*\.ndim == (\d+)|_rt\.array\(([A-Za-z_]\w*), "[^"]*", (\d+)\))`)

// scalarCheck finds a whole condition that calls _rt.is_int or _rt.is_real on a name, with
// its bound (negative for is_real: no int admitted).
var scalarCheck = regexp.MustCompile(`^_rt\.(is_int|is_real)\(([A-Za-z_]\w*)(?:, (-?\d+))?\)$`)

// guardConstant finds the module attributes array checks read: NumPy's ndarray type and the
// runtime's dtypes.
var guardConstant = regexp.MustCompile(`_np\.ndarray|_rt\.dtype_\w+`)

// hoistConstants rewrites conds in place to cost less per call, and returns the lines that
// must run before them: a scalar check tests the exact type first (type(n) is int answers
// for nearly every call without a function call), and a module attribute read twice or more
// (_np.ndarray, _rt.dtype_float64: a global and an attribute lookup per read) is read once
// into a local. Locals whose names a parameter has are not made.
func hoistConstants(conds []string, taken map[string]bool) string {
	for i, c := range conds {
		if m := scalarCheck.FindStringSubmatch(c); m != nil {
			// A Python int must lie within the bound is_int is given; a float must be
			// finite, as is_real says (a nan fails both comparisons).
			fast := fmt.Sprintf("type(%[1]s) is float and -1.7976931348623157e+308 <= %[1]s <= 1.7976931348623157e+308", m[2])
			if m[1] == "is_int" {
				lo, hi := "-"+m[3], m[3]
				if m[3] == "" {
					lo, hi = "-9223372036854775808", "9223372036854775807"
				}
				fast = fmt.Sprintf("type(%[1]s) is int and %[2]s <= %[1]s <= %[3]s", m[2], lo, hi)
			}
			conds[i] = fmt.Sprintf("(%s or %s)", fast, c)
		}
	}
	count := map[string]int{}
	var order []string
	for _, c := range conds {
		for _, k := range guardConstant.FindAllString(c, -1) {
			if count[k] == 0 {
				order = append(order, k)
			}
			count[k]++
		}
	}
	local := map[string]string{}
	var b strings.Builder
	for _, k := range order {
		name := "_nd"
		if strings.HasPrefix(k, "_rt.dtype_") {
			name = "_" + strings.TrimPrefix(k, "_rt.")
		}
		if count[k] < 2 || taken[name] {
			continue
		}
		local[k] = name
		fmt.Fprintf(&b, "    %s = %s\n", name, k)
	}
	if len(local) == 0 {
		return ""
	}
	for i, c := range conds {
		conds[i] = guardConstant.ReplaceAllStringFunc(c, func(k string) string {
			if name, ok := local[k]; ok {
				return name
			}
			return k
		})
	}
	return b.String()
}

// divisorParams lists, in parameter order, the scalar parameters some statement of the
// SCoPs divides by directly (x / k, i // k, i % k).
func divisorParams(f *typeinfer.Function, types map[string]*typeinfer.Type, scops []*polyopt.SCoP) []string {
	divisors := map[string]bool{}
	for _, s := range scops {
		for _, st := range s.Body {
			pyast.Inspect(st, func(n pyast.Node) bool {
				if b, ok := n.(*pyast.BinOp); ok && (b.Op == pyast.Div || b.Op == pyast.FloorDiv || b.Op == pyast.Mod) {
					if id, ok := b.Y.(*pyast.Name); ok {
						divisors[id.Id] = true
					}
				}
				return true
			})
		}
	}
	var out []string
	for _, p := range f.Def.Params {
		t := types[p.Name]
		if p.Kind != pyast.ParamNormal || !divisors[p.Name] || t == nil {
			continue
		}
		switch {
		case typeinfer.IntLike(t), t.Kind == typeinfer.Float, t.Kind == typeinfer.NPScalar, t.Kind == typeinfer.Complex,
			t.Kind == typeinfer.Union && anyNumber(t):
			out = append(out, p.Name)
		}
	}
	return out
}

// paramAffine writes an affine expression of a SCoP's parameters in Python, each parameter as
// the expression that gives its value at run time (ParamSource): "k - 3", "A.shape[0] - 1".
func paramAffine(a polyopt.Affine, source map[string]string) string {
	var b strings.Builder
	for _, v := range a.Vars() {
		c := a.Coef[v]
		switch {
		case b.Len() == 0 && c < 0:
			b.WriteString("-")
		case b.Len() > 0 && c < 0:
			b.WriteString(" - ")
		case b.Len() > 0:
			b.WriteString(" + ")
		}
		if c < 0 {
			c = -c
		}
		if c != 1 {
			fmt.Fprintf(&b, "%d * ", c)
		}
		src := source[v]
		if src == "" {
			src = v
		}
		b.WriteString(src)
	}
	switch {
	case b.Len() == 0:
		fmt.Fprintf(&b, "%d", a.Const)
	case a.Const < 0:
		fmt.Fprintf(&b, " - %d", -a.Const)
	case a.Const > 0:
		fmt.Fprintf(&b, " + %d", a.Const)
	}
	return b.String()
}

// aliasCheck is the guard's last condition: no written array may share memory with another
// array argument. _rt.no_alias decides it; in front of it goes its common case written out,
// which the interpreter runs in half the time of the call (0.3 against 0.6 us for five arrays
// and two written on a 2-core machine; a guard's largest cost): each written array is a
// distinct object from every other, writable, and every array owns its data, so that no two
// can overlap. Where that fails, no_alias looks closer (views, repeats) and gives the answer.
func aliasCheck(arrays, writtenPos []string) string {
	call := fmt.Sprintf("_rt.no_alias((%s,), (%s,))", strings.Join(arrays, ", "), strings.Join(writtenPos, ", "))
	written := map[int]bool{}
	for _, p := range writtenPos {
		var i int
		fmt.Sscan(p, &i)
		written[i] = true
	}
	var fast []string
	for i := range arrays {
		if !written[i] {
			continue
		}
		for j, other := range arrays {
			if j != i && !(written[j] && j < i) { // each pair of written arrays once
				fast = append(fast, arrays[i]+" is not "+other)
			}
		}
	}
	// Long lists of arguments keep the call alone: the text would outgrow the saving.
	if len(fast) > 24 {
		return call
	}
	for i, a := range arrays {
		if written[i] {
			fast = append(fast, a+".flags.writeable")
		}
	}
	if len(arrays) > 1 {
		for _, a := range arrays {
			fast = append(fast, a+".flags.owndata")
		}
	}
	return fmt.Sprintf("(%s\n                or %s)", strings.Join(fast, " and "), call)
}

// isAliasCheck reports the condition aliasCheck makes.
func isAliasCheck(cond string) bool {
	return strings.Contains(cond, "_rt.no_alias(")
}
