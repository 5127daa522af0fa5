package typeinfer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
)

// Local is the inferred type of one local variable.
type Local struct {
	Name string
	Type *Type
}

// Locals infers the types of a function's local variables from its parameter types, by
// abstract interpretation of its body: each variable gets the join of every value assigned to
// it. Loop indices, scalar temporaries, array elements and slices (dtype and shape), and the
// results of common NumPy calls are understood; anything else is unknown.
func (f *Function) Locals() []Local {
	li := &localInference{m: f.Module, env: map[string]*Type{}, params: map[string]bool{},
		ties: map[string]string{}}
	if f.Recorded != nil {
		for _, s := range f.Recorded.Symbols {
			for _, p := range s.Params {
				li.ties[p] = s.Name
			}
		}
	}
	for name, t := range f.Params() {
		if name != "return" {
			li.env[name] = t
			li.params[name] = true
		}
	}
	// Twice: a loop body may use a variable assigned later in the body.
	for i := 0; i < 2; i++ {
		li.block(f.Def.Body)
	}
	var out []Local
	for name, t := range li.env {
		if !li.params[name] && t != nil {
			out = append(out, Local{name, t})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type localInference struct {
	m      *Module
	env    map[string]*Type
	params map[string]bool
	ties   map[string]string // int parameter -> the shape symbol it equals
}

func (li *localInference) bind(target pyast.Expr, t *Type) {
	switch target := target.(type) {
	case *pyast.Name:
		if li.params[target.Id] {
			return // a parameter keeps the type it was called with
		}
		li.env[target.Id] = Join(li.env[target.Id], t)
	case *pyast.Tuple:
		for i, e := range target.Elts {
			var et *Type
			switch {
			case t != nil && t.Kind == Tuple && t.Items != nil && i < len(t.Items):
				et = t.Items[i]
			case t != nil && t.Kind == Tuple:
				et = t.Elem
			case t != nil && t.Kind == List:
				et = t.Elem
			}
			if et == nil {
				et = Simple(Unknown)
			}
			li.bind(e, et)
		}
	}
}

func (li *localInference) block(body []pyast.Stmt) {
	for _, s := range body {
		switch s := s.(type) {
		case *pyast.Assign:
			t := li.expr(s.Value)
			for _, target := range s.Targets {
				li.bind(target, t)
			}
		case *pyast.AnnAssign:
			if s.Value != nil {
				li.bind(s.Target, li.expr(s.Value))
			}
		case *pyast.AugAssign:
			if n, ok := s.Target.(*pyast.Name); ok {
				li.bind(n, li.binary(li.env[n.Id], s.Op, li.expr(s.Value)))
			}
		case *pyast.For:
			li.bind(s.Target, li.iterElem(s.Iter))
			li.block(s.Body)
			li.block(s.Else)
		case *pyast.While:
			li.block(s.Body)
			li.block(s.Else)
		case *pyast.If:
			li.block(s.Body)
			li.block(s.Else)
		}
	}
}

// iterElem is the type of what a for loop's variable takes from its iterable.
func (li *localInference) iterElem(e pyast.Expr) *Type {
	if c, ok := e.(*pyast.Call); ok {
		if n, ok := c.Func.(*pyast.Name); ok && n.Id == "range" {
			return Simple(Int)
		}
	}
	t := li.expr(e)
	switch {
	case t == nil:
		return Simple(Unknown)
	case t.Kind == List || (t.Kind == Tuple && t.Items == nil):
		return t.Elem
	case t.Kind == NDArray && t.NDim > 0:
		if t.NDim == 1 {
			return &Type{Kind: NPScalar, DType: t.DType}
		}
		return Array(t.DType, t.Shape[1:]...)
	}
	return Simple(Unknown)
}

// numpy reports whether e names the numpy module.
func (li *localInference) numpy(e pyast.Expr) bool {
	n, ok := e.(*pyast.Name)
	return ok && li.m.Imports[n.Id] == "numpy"
}

func (li *localInference) expr(e pyast.Expr) *Type {
	switch e := e.(type) {
	case *pyast.Num:
		raw := strings.ToLower(strings.ReplaceAll(e.Raw, "_", ""))
		switch {
		case strings.HasSuffix(raw, "j"):
			return Simple(Complex)
		case strings.HasPrefix(raw, "0x") || strings.HasPrefix(raw, "0o") || strings.HasPrefix(raw, "0b"):
			return Simple(Int)
		case strings.ContainsAny(raw, ".e"):
			return Simple(Float)
		}
		if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return IntIn(v, v)
		}
		return Simple(Int)
	case *pyast.Str:
		return Simple(Str)
	case *pyast.Constant:
		switch e.Kind {
		case pyast.ConstTrue, pyast.ConstFalse:
			return Simple(Bool)
		case pyast.ConstNone:
			return Simple(None)
		}
	case *pyast.Name:
		if t, ok := li.env[e.Id]; ok {
			return t
		}
	case *pyast.BinOp:
		return li.binary(li.expr(e.X), e.Op, li.expr(e.Y))
	case *pyast.UnaryOp:
		if e.Op == pyast.Not {
			return Simple(Bool)
		}
		return li.expr(e.X)
	case *pyast.Compare, *pyast.BoolOp:
		return Simple(Bool)
	case *pyast.IfExp:
		return Join(li.expr(e.Body), li.expr(e.Else))
	case *pyast.Tuple:
		items := make([]*Type, len(e.Elts))
		for i, x := range e.Elts {
			items[i] = li.expr(x)
		}
		return &Type{Kind: Tuple, Items: items}
	case *pyast.List:
		var t *Type
		for _, x := range e.Elts {
			t = Join(t, li.expr(x))
		}
		if t == nil {
			t = Simple(Unknown)
		}
		return &Type{Kind: List, Elem: t}
	case *pyast.Subscript:
		return li.subscript(li.expr(e.X), e.Index)
	case *pyast.Attribute:
		x := li.expr(e.X)
		if x != nil && x.Kind == NDArray {
			switch e.Attr {
			case "T":
				return transposed(x)
			case "shape":
				items := make([]*Type, max(x.NDim, 0))
				for i := range items {
					items[i] = Simple(Int)
				}
				return &Type{Kind: Tuple, Items: items}
			case "size", "ndim":
				return Simple(Int)
			}
		}
	case *pyast.Call:
		return li.call(e)
	}
	return Simple(Unknown)
}

// binary types arithmetic: Python's numeric tower for scalars, NumPy's promotion and
// broadcasting when an array takes part.
func (li *localInference) binary(x *Type, op pyast.BinaryOp, y *Type) *Type {
	if x == nil || y == nil {
		return Simple(Unknown)
	}
	if x.Kind == Union || y.Kind == Union {
		var out *Type
		for _, a := range alts(x) {
			for _, b := range alts(y) {
				out = Join(out, li.binary(a, op, b))
			}
		}
		return out
	}
	if op == pyast.MatMul {
		return matmulType(x, y)
	}
	if x.Kind == NDArray || y.Kind == NDArray {
		return broadcast(x, y, op)
	}
	if x.Kind == NPScalar || y.Kind == NPScalar {
		return &Type{Kind: NPScalar, DType: promote(dtypeOf(x), dtypeOf(y), op)}
	}
	rank := map[Kind]int{Bool: 1, Int: 2, Float: 3, Complex: 4}
	rx, ry := rank[x.Kind], rank[y.Kind]
	if rx == 0 || ry == 0 {
		if x.Kind == Str && y.Kind == Str && op == pyast.Add {
			return Simple(Str)
		}
		return Simple(Unknown)
	}
	r := max(rx, ry, 2)
	if op == pyast.Div && r == 2 {
		r = 3
	}
	return Simple([]Kind{Unknown, Bool, Int, Float, Complex}[r])
}

func dtypeOf(t *Type) string {
	switch t.Kind {
	case NDArray, NPScalar:
		return t.DType
	case Bool:
		return "py-bool"
	case Int:
		return "py-int"
	case Float:
		return "py-float"
	case Complex:
		return "py-complex"
	}
	return ""
}

// promote follows NumPy 2's rules in the cases loop code meets: a Python scalar adopts the
// array's kind where it fits (float32 * 2.0 stays float32), int / int is float64.
func promote(a, b string, op pyast.BinaryOp) string {
	kind := func(d string) int {
		switch {
		case strings.Contains(d, "complex"):
			return 4
		case strings.Contains(d, "float"):
			return 3
		case strings.Contains(d, "int"):
			return 2
		case strings.Contains(d, "bool"):
			return 1
		}
		return 0
	}
	if a == "" || b == "" {
		return ""
	}
	pyA, pyB := strings.HasPrefix(a, "py-"), strings.HasPrefix(b, "py-")
	var out string
	switch {
	case pyA && !pyB:
		out = b
		if kind(a) > kind(b) {
			out = map[int]string{3: "float64", 4: "complex128"}[kind(a)]
		}
	case pyB && !pyA:
		out = a
		if kind(b) > kind(a) {
			out = map[int]string{3: "float64", 4: "complex128"}[kind(b)]
		}
	case a == b:
		out = a
	case kind(a) != kind(b):
		if kind(a) > kind(b) {
			out = a
		} else {
			out = b
		}
	default:
		out = map[int]string{1: "bool", 2: "int64", 3: "float64", 4: "complex128"}[kind(a)]
	}
	if op == pyast.Div && kind(out) <= 2 {
		return "float64"
	}
	return out
}

func broadcast(x *Type, y *Type, op pyast.BinaryOp) *Type {
	dt := promote(dtypeOf(x), dtypeOf(y), op)
	if dt == "" || strings.HasPrefix(dt, "py-") {
		return &Type{Kind: NDArray, NDim: -1}
	}
	shape := func(t *Type) ([]Dim, bool) {
		if t.Kind != NDArray {
			return nil, true
		}
		return t.Shape, t.NDim >= 0
	}
	sx, okx := shape(x)
	sy, oky := shape(y)
	if !okx || !oky {
		return &Type{Kind: NDArray, DType: dt, NDim: -1}
	}
	n := max(len(sx), len(sy))
	out := make([]Dim, n)
	for i := 0; i < n; i++ {
		var dx, dy Dim = LitDim(1), LitDim(1)
		if j := i - (n - len(sx)); j >= 0 {
			dx = sx[j]
		}
		if j := i - (n - len(sy)); j >= 0 {
			dy = sy[j]
		}
		switch {
		case dx == dy || dy == LitDim(1):
			out[i] = dx
		case dx == LitDim(1):
			out[i] = dy
		default:
			out[i] = UnknownDim
		}
	}
	return Array(dt, out...)
}

func matmulType(x, y *Type) *Type {
	if x.Kind != NDArray || y.Kind != NDArray || x.NDim < 1 || y.NDim < 1 {
		return Simple(Unknown)
	}
	dt := promote(x.DType, y.DType, pyast.Mul)
	switch {
	case x.NDim == 1 && y.NDim == 1:
		return &Type{Kind: NPScalar, DType: dt}
	case x.NDim == 2 && y.NDim == 1:
		return Array(dt, x.Shape[0])
	case x.NDim == 1 && y.NDim == 2:
		return Array(dt, y.Shape[1])
	case x.NDim == 2 && y.NDim == 2:
		return Array(dt, x.Shape[0], y.Shape[1])
	}
	return &Type{Kind: NDArray, DType: dt, NDim: -1}
}

func transposed(x *Type) *Type {
	if x.NDim < 0 {
		return x
	}
	shape := make([]Dim, x.NDim)
	for i, d := range x.Shape {
		shape[x.NDim-1-i] = d
	}
	return Array(x.DType, shape...)
}

// subscript types x[index]: ints drop a dimension, slices keep one (its extent is known only
// for a full slice or constant bounds), and indexing every dimension gives a NumPy scalar.
func (li *localInference) subscript(x *Type, index pyast.Expr) *Type {
	if x == nil {
		return Simple(Unknown)
	}
	switch x.Kind {
	case List:
		if _, isSlice := index.(*pyast.Slice); isSlice {
			return x
		}
		return x.Elem
	case Tuple:
		if n, ok := index.(*pyast.Num); ok && x.Items != nil {
			if i, err := strconv.Atoi(n.Raw); err == nil && i < len(x.Items) {
				return x.Items[i]
			}
		}
		return tupleElem(x)
	case Dict:
		return x.Elem
	case NDArray:
	default:
		return Simple(Unknown)
	}
	if x.NDim < 0 {
		return &Type{Kind: NDArray, DType: x.DType, NDim: -1}
	}
	idx := []pyast.Expr{index}
	if t, ok := index.(*pyast.Tuple); ok {
		idx = t.Elts
	}
	if len(idx) > x.NDim {
		return Simple(Unknown)
	}
	var shape []Dim
	for i, ix := range idx {
		s, ok := ix.(*pyast.Slice)
		if !ok {
			it := li.expr(ix)
			if it == nil || (it.Kind != Int && it.Kind != Bool) {
				return &Type{Kind: NDArray, DType: x.DType, NDim: -1} // fancy indexing
			}
			continue
		}
		shape = append(shape, sliceExtent(x.Shape[i], s))
	}
	shape = append(shape, x.Shape[len(idx):]...)
	if len(shape) == 0 {
		return &Type{Kind: NPScalar, DType: x.DType}
	}
	return Array(x.DType, shape...)
}

func sliceExtent(d Dim, s *pyast.Slice) Dim {
	if s.Lo == nil && s.Hi == nil && s.Step == nil {
		return d
	}
	lit := func(e pyast.Expr, def int64) (int64, bool) {
		if e == nil {
			return def, true
		}
		n, ok := e.(*pyast.Num)
		if !ok {
			return 0, false
		}
		v, err := strconv.ParseInt(n.Raw, 10, 64)
		return v, err == nil
	}
	lo, ok1 := lit(s.Lo, 0)
	hi, ok2 := lit(s.Hi, d.Lit)
	if ok1 && ok2 && s.Step == nil && lo >= 0 && hi >= lo && (s.Hi != nil || d.Sym == "" && d.Lit >= 0) {
		return LitDim(hi - lo)
	}
	return UnknownDim
}

// call types the NumPy constructors and functions loop code uses.
func (li *localInference) call(c *pyast.Call) *Type {
	var args []pyast.Expr
	kw := map[string]pyast.Expr{}
	for _, a := range c.Args {
		if k, ok := a.(*pyast.Keyword); ok {
			kw[k.Name] = k.Value
		} else {
			args = append(args, a)
		}
	}
	arg := func(i int) *Type {
		if i < len(args) {
			return li.expr(args[i])
		}
		return nil
	}
	switch f := c.Func.(type) {
	case *pyast.Name:
		switch f.Id {
		case "len":
			return Simple(Int)
		case "float":
			return Simple(Float)
		case "int":
			return Simple(Int)
		case "abs":
			return arg(0)
		case "min", "max":
			var t *Type
			for i := range args {
				t = Join(t, arg(i))
			}
			return t
		}
	case *pyast.Attribute:
		if li.numpy(f.X) {
			return li.numpyCall(f.Attr, args, kw, arg)
		}
		if mod, ok := f.X.(*pyast.Name); ok && li.m.Imports[mod.Id] == "math" {
			return Simple(Float)
		}
		// Methods of arrays.
		x := li.expr(f.X)
		if x != nil && x.Kind == NDArray {
			switch f.Attr {
			case "copy", "astype":
				if f.Attr == "astype" && len(args) > 0 {
					return &Type{Kind: NDArray, DType: li.dtype(args[0]), NDim: x.NDim, Shape: x.Shape}
				}
				return x
			case "sum", "mean", "max", "min", "prod":
				return reduceType(x, kw["axis"], f.Attr == "mean")
			case "transpose":
				return transposed(x)
			case "reshape":
				return li.shaped(x.DType, args)
			}
		}
	}
	return Simple(Unknown)
}

func (li *localInference) numpyCall(name string, args []pyast.Expr, kw map[string]pyast.Expr, arg func(int) *Type) *Type {
	switch name {
	case "zeros", "empty", "ones", "full":
		dt := "float64"
		if d, ok := kw["dtype"]; ok {
			dt = li.dtype(d)
		} else if name == "full" && len(args) > 1 {
			if v := arg(1); v != nil && v.Kind == Int {
				dt = "int64"
			}
		}
		if len(args) == 0 {
			return Simple(Unknown)
		}
		t := li.shaped(dt, args[:1])
		return t
	case "zeros_like", "empty_like", "ones_like", "copy", "ascontiguousarray", "asfortranarray":
		t := arg(0)
		if d, ok := kw["dtype"]; ok && t != nil && t.Kind == NDArray {
			return &Type{Kind: NDArray, DType: li.dtype(d), NDim: t.NDim, Shape: t.Shape}
		}
		return t
	case "dot", "matmul":
		return matmulType(arg(0), arg(1))
	case "sum", "mean", "max", "min", "prod", "amax", "amin":
		t := arg(0)
		if t == nil || t.Kind != NDArray {
			return t
		}
		return reduceType(t, kw["axis"], name == "mean")
	case "sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "abs", "absolute", "fabs", "floor", "ceil":
		t := arg(0)
		if t == nil {
			return Simple(Unknown)
		}
		switch t.Kind {
		case NDArray:
			if !strings.Contains(t.DType, "float") && !strings.Contains(t.DType, "complex") && name != "abs" && name != "absolute" {
				return &Type{Kind: NDArray, DType: "float64", NDim: t.NDim, Shape: t.Shape}
			}
			return t
		case Int, Float, NPScalar:
			return &Type{Kind: NPScalar, DType: "float64"}
		}
	case "transpose":
		return transposed(arg(0))
	case "reshape":
		if t := arg(0); t != nil && t.Kind == NDArray {
			return li.shaped(t.DType, args[1:])
		}
	case "arange":
		return Array("int64", UnknownDim)
	case "linspace":
		return Array("float64", UnknownDim)
	}
	return Simple(Unknown)
}

func reduceType(t *Type, axis pyast.Expr, mean bool) *Type {
	dt := t.DType
	if mean && !strings.Contains(dt, "float") {
		dt = "float64"
	}
	if axis == nil {
		return &Type{Kind: NPScalar, DType: dt}
	}
	n, ok := axis.(*pyast.Num)
	if !ok || t.NDim < 0 {
		return &Type{Kind: NDArray, DType: dt, NDim: -1}
	}
	k, err := strconv.Atoi(n.Raw)
	if err != nil || k >= t.NDim {
		return &Type{Kind: NDArray, DType: dt, NDim: -1}
	}
	shape := append(append([]Dim(nil), t.Shape[:k]...), t.Shape[k+1:]...)
	return Array(dt, shape...)
}

// shaped builds an array type from a shape argument: an int, or a tuple of ints, where an int
// parameter tied to a symbol stands for the symbol.
func (li *localInference) shaped(dtype string, args []pyast.Expr) *Type {
	var dims []pyast.Expr
	switch {
	case len(args) == 1:
		if t, ok := args[0].(*pyast.Tuple); ok {
			dims = t.Elts
		} else {
			dims = args
		}
	default:
		dims = args
	}
	shape := make([]Dim, len(dims))
	for i, d := range dims {
		shape[i] = UnknownDim
		switch d := d.(type) {
		case *pyast.Num:
			if v, err := strconv.ParseInt(d.Raw, 10, 64); err == nil {
				shape[i] = LitDim(v)
			}
		case *pyast.Name:
			if sym, ok := li.ties[d.Id]; ok {
				shape[i] = SymDim(sym)
			}
		}
	}
	return Array(dtype, shape...)
}

// dtype reads a dtype argument: np.float32, "float32", float.
func (li *localInference) dtype(e pyast.Expr) string {
	switch e := e.(type) {
	case *pyast.Attribute:
		if li.numpy(e.X) {
			return strings.TrimSuffix(e.Attr, "_")
		}
	case *pyast.Name:
		switch e.Id {
		case "float":
			return "float64"
		case "int":
			return "int64"
		case "bool":
			return "bool"
		case "complex":
			return "complex128"
		}
	case *pyast.Str:
		if len(e.Parts) == 1 {
			if s, err := strconv.Unquote(e.Parts[0]); err == nil {
				return s
			}
		}
	}
	return ""
}
