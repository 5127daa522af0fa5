package polyopt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/pyast"
	"github.com/pyparc/pyparc/typeinfer"
)

// Func is what the optimizer needs to know about one function: its syntax and the types of its
// parameters (from the hints), with the relations those carry.
type Func struct {
	File      *pyast.File
	Def       *pyast.FunctionDef
	QualName  string
	Params    map[string]*typeinfer.Type // by parameter name; a missing entry is unknown
	Relations []typeinfer.Relation
	// Modules maps the names the module binds to modules: "np" -> "numpy", "math" -> "math".
	Modules map[string]string
}

// Function is the polyhedral view of one function: its SCoPs and what they leave out.
type Function struct {
	Name   string
	File   *pyast.File
	SCoPs  []*SCoP
	Opaque []Opaque
}

// Extract builds the SCoPs of a function. It never fails on user code: whatever it cannot
// model becomes an Opaque part with the reason.
func Extract(fn Func) *Function {
	x := newExtractor(fn)
	out := &Function{Name: fn.QualName, File: fn.File}
	x.blocks(fn.Def.Body, out)
	return out
}

type extractor struct {
	fn       Func
	arrays   map[string]*Array // array parameters, by name
	ints     map[string]Affine // int parameters and affine locals, by name
	source   map[string]string // parameter -> Python expression giving it
	assigned map[string]int    // how often each name is assigned in the function
	// rebound counts the bindings other than augmented assignments: A += B updates an
	// array in place, so an array name with only those still names one array.
	rebound map[string]int
	floats  map[string]bool     // parameters that are scalars other than int
	allocs  map[pyast.Stmt]bool // top-level statements that allocate a local array
	pure    map[string]bool     // the module's pure functions, once asked (builder.pure)
	noCalls bool                // build no call statements (see withoutCalls)
	// globalNames are declared global or nonlocal in the function: writing one is not a
	// local's business. localDefs count every binding in the function, imports and nested
	// defs included (they shadow the module's functions).
	globalNames map[string]bool
	localDefs   map[string]int
	modBound    map[string]int  // module-level bindings (moduleBindings), once asked
	modCalls    map[string]bool // the module's defs and classes, once asked
	consts      map[string]bool // the module's plain-data globals (ConstantGlobals), once asked
	// outerRange holds the bounds of range() loops around the SCoPs being built that the
	// model could not cover (see inner), by index, where those are affine: intBits bounds
	// the indices by them.
	outerRange map[string][2]Affine
	outerIndex map[string]bool // the indices of such loops, affine bounds or not
}

// rangeBounds reads range(hi), range(lo, hi) and range(lo, hi, step) with affine lo and hi.
func (x *extractor) rangeBounds(e pyast.Expr) ([2]Affine, bool) {
	if !isRangeCall(e) {
		return [2]Affine{}, false
	}
	args := e.(*pyast.Call).Args
	if len(args) < 1 || len(args) > 3 {
		return [2]Affine{}, false
	}
	var out [2]Affine
	if len(args) == 1 {
		args = append([]pyast.Expr{&pyast.Num{Raw: "0"}}, args...)
	}
	for k := 0; k < 2; k++ {
		a, why := toAffine(args[k], x)
		if why != "" {
			return [2]Affine{}, false
		}
		out[k] = a
	}
	return out, true
}

func (x *extractor) moduleBound() map[string]int {
	if x.modBound == nil {
		x.modBound = moduleBindings(x.fn.File)
	}
	return x.modBound
}

func (x *extractor) constGlobals() map[string]bool {
	if x.consts == nil {
		x.consts = ConstantGlobals(x.fn.File, x.fn.Modules)
	}
	return x.consts
}

func (x *extractor) moduleCallables() map[string]bool {
	if x.modCalls == nil {
		x.modCalls = map[string]bool{}
		if x.fn.File != nil && x.fn.File.Module != nil {
			for _, s := range x.fn.File.Module.Body {
				switch s := s.(type) {
				case *pyast.FunctionDef:
					x.modCalls[s.Name] = true
				case *pyast.ClassDef:
					x.modCalls[s.Name] = true
				}
			}
		}
	}
	return x.modCalls
}

func newExtractor(fn Func) *extractor {
	x := &extractor{fn: fn, arrays: map[string]*Array{}, ints: map[string]Affine{},
		source: map[string]string{}, assigned: map[string]int{}, floats: map[string]bool{},
		allocs: map[pyast.Stmt]bool{}, outerRange: map[string][2]Affine{},
		outerIndex: map[string]bool{}}
	countAssignments(fn.Def.Body, x.assigned, true)
	x.localDefs = localBindings(fn.Def.Body)
	x.globalNames = map[string]bool{}
	for _, s := range fn.Def.Body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			switch n := n.(type) {
			case *pyast.Global:
				for _, name := range n.Names {
					x.globalNames[name] = true
				}
			case *pyast.Nonlocal:
				for _, name := range n.Names {
					x.globalNames[name] = true
				}
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			return true
		})
	}
	x.rebound = map[string]int{}
	countAssignments(fn.Def.Body, x.rebound, false)
	// Arrays first, so that int parameters tied to their extents find them.
	for _, p := range fn.Def.Params {
		t := fn.Params[p.Name]
		if t == nil || t.Kind != typeinfer.NDArray || t.NDim < 0 || x.rebound[p.Name] > 0 {
			continue
		}
		a := &Array{Name: p.Name, DType: t.DType}
		for d, dim := range t.Shape {
			switch {
			case dim.Sym != "":
				a.Extent = append(a.Extent, varAff(dim.Sym))
				if _, ok := x.source[dim.Sym]; !ok {
					x.source[dim.Sym] = fmt.Sprintf("%s.shape[%d]", p.Name, d)
				}
			case dim.Lit >= 0:
				a.Extent = append(a.Extent, constAff(dim.Lit))
			default:
				sym := fmt.Sprintf("%s_d%d", p.Name, d)
				a.Extent = append(a.Extent, varAff(sym))
				x.source[sym] = fmt.Sprintf("%s.shape[%d]", p.Name, d)
			}
		}
		x.arrays[p.Name] = a
	}
	tied := map[string]string{}
	for _, r := range fn.Relations {
		tied[r.Left] = r.Right
	}
	for _, p := range fn.Def.Params {
		t := fn.Params[p.Name]
		if t == nil || x.assigned[p.Name] > 0 {
			continue
		}
		switch {
		case typeinfer.IntLike(t):
			if dim, ok := tied[p.Name]; ok {
				if a, ok := x.parseShapeRef(dim); ok {
					x.ints[p.Name] = a
					continue
				}
			}
			x.ints[p.Name] = varAff(p.Name)
			x.source[p.Name] = p.Name
		case t.Kind == typeinfer.Float || t.Kind == typeinfer.Bool || t.Kind == typeinfer.Complex || t.Kind == typeinfer.NPScalar:
			x.floats[p.Name] = true
		}
	}
	// Locals bound once, before any loop, to an affine value (ni, nj = A.shape; n = len(x) - 1)
	// or to a new array (z = np.zeros(n)).
	for _, s := range fn.Def.Body {
		x.affineLocal(s)
		x.localArray(s)
	}
	return x
}

// allocators make a new array from a shape; likeAllocators from another array.
var allocators = map[string]bool{"zeros": true, "empty": true, "ones": true, "full": true}
var likeAllocators = map[string]bool{"zeros_like": true, "empty_like": true, "ones_like": true, "full_like": true}

// localArray records z = np.zeros((n, m)) and z = np.empty_like(A) at the top of the function,
// bound once, as arrays with a known extent. The allocation itself stays outside every SCoP.
func (x *extractor) localArray(s pyast.Stmt) {
	as, ok := s.(*pyast.Assign)
	if !ok || len(as.Targets) != 1 {
		return
	}
	name, ok := as.Targets[0].(*pyast.Name)
	if !ok || x.rebound[name.Id] != 1 {
		return
	}
	call, ok := as.Value.(*pyast.Call)
	if !ok || len(call.Args) == 0 {
		return
	}
	attr, ok := call.Func.(*pyast.Attribute)
	if !ok {
		return
	}
	mod, ok := attr.X.(*pyast.Name)
	if !ok || x.fn.Modules[mod.Id] != "numpy" {
		return
	}
	if attr.Attr == "take" {
		x.gatherArray(s, name.Id, call)
		return
	}
	if !allocators[attr.Attr] && !likeAllocators[attr.Attr] {
		return
	}
	dtype, known := x.allocDType(attr.Attr, call)
	if !known {
		return // an array of a dtype not read for certain is not modelled
	}
	switch {
	case allocators[attr.Attr]:
		dims := []pyast.Expr{call.Args[0]}
		if t, ok := call.Args[0].(*pyast.Tuple); ok {
			dims = t.Elts
		}
		arr := &Array{Name: name.Id, DType: dtype}
		for _, d := range dims {
			a, why := toAffine(d, x)
			if why != "" {
				return
			}
			arr.Extent = append(arr.Extent, a)
		}
		x.arrays[name.Id] = arr
		x.allocs[s] = true
	case likeAllocators[attr.Attr]:
		src, ok := call.Args[0].(*pyast.Name)
		if !ok || x.arrays[src.Id] == nil {
			return
		}
		like := *x.arrays[src.Id]
		like.Name = name.Id
		if dtype != "" {
			like.DType = dtype
		}
		x.arrays[name.Id] = &like
		x.allocs[s] = true
	}
}

// allocDType returns the dtype of the array an allocator call makes, "" for a *_like call
// that keeps its argument's, and whether it is known for certain (found by review: a
// positional np.int64, or np.full(m, 0), made an int array modelled as float64, which the
// variants then summed in floats).
func (x *extractor) allocDType(fn string, call *pyast.Call) (string, bool) {
	var positional []pyast.Expr
	var keyword pyast.Expr
	for _, a := range call.Args[1:] {
		if k, ok := a.(*pyast.Keyword); ok {
			if k.Name == "dtype" {
				keyword = k.Value
			}
			continue
		}
		positional = append(positional, a)
	}
	// The positional place of dtype: after the fill value for full and full_like.
	at := 0
	if fn == "full" || fn == "full_like" {
		at = 1
	}
	given := keyword
	if given == nil && len(positional) > at {
		given = positional[at]
	}
	if given != nil {
		return x.dtypeName(given)
	}
	switch fn {
	case "full":
		// NumPy takes the fill value's type: 0 makes an int64 array.
		if len(positional) == 0 {
			return "", false
		}
		if n, ok := positional[0].(*pyast.Num); ok {
			switch {
			case strings.ContainsAny(n.Raw, "jJ"):
				return "complex128", true
			case strings.ContainsAny(n.Raw, ".eE") && !strings.HasPrefix(strings.ToLower(n.Raw), "0x"):
				return "float64", true
			}
			return "int64", true
		}
		if u, ok := positional[0].(*pyast.UnaryOp); ok {
			if n, ok := u.X.(*pyast.Num); ok && strings.ContainsAny(n.Raw, ".eE") && !strings.ContainsAny(n.Raw, "jJxX") {
				return "float64", true
			}
		}
		return "", false
	case "zeros", "empty", "ones":
		return "float64", true
	}
	return "", true // *_like: the argument's dtype
}

// dtypeName reads a dtype written as np.int64, float, int, "float32" or A.dtype of an array
// whose dtype is known.
func (x *extractor) dtypeName(e pyast.Expr) (string, bool) {
	switch e := e.(type) {
	case *pyast.Attribute:
		if arr, ok := e.X.(*pyast.Name); ok && e.Attr == "dtype" {
			if a := x.arrays[arr.Id]; a != nil && !a.Scalar && a.DType != "" {
				return a.DType, true
			}
			return "", false
		}
		if mod, ok := e.X.(*pyast.Name); ok && x.fn.Modules[mod.Id] == "numpy" {
			switch e.Attr {
			case "float64", "float32", "int64", "int32", "complex128", "complex64", "bool_", "int8", "int16", "uint8", "float16":
				return strings.TrimSuffix(e.Attr, "_"), true
			case "double":
				return "float64", true
			}
		}
	case *pyast.Name:
		switch e.Id {
		case "float":
			return "float64", true
		case "int":
			return "int64", true
		case "complex":
			return "complex128", true
		case "bool":
			return "bool", true
		}
	case *pyast.Str:
		if len(e.Parts) == 1 {
			name := strings.Trim(e.Parts[0], "'\"")
			switch name {
			case "float64", "float32", "int64", "int32", "complex128", "complex64", "bool":
				return name, true
			}
		}
	}
	return "", false
}

// parseShapeRef reads "A.shape[k]" into the parameter standing for it.
func (x *extractor) parseShapeRef(ref string) (Affine, bool) {
	name, rest, ok := strings.Cut(ref, ".shape[")
	if !ok {
		return Affine{}, false
	}
	d, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if err != nil {
		return Affine{}, false
	}
	return x.shapeDim(name, d)
}

func (x *extractor) affineLocal(s pyast.Stmt) {
	as, ok := s.(*pyast.Assign)
	if !ok || len(as.Targets) != 1 {
		return
	}
	switch t := as.Targets[0].(type) {
	case *pyast.Name:
		if x.assigned[t.Id] != 1 {
			return
		}
		if a, why := toAffine(as.Value, x); why == "" {
			x.ints[t.Id] = a
		}
	case *pyast.Tuple:
		// ni, nk = A.shape
		attr, ok := as.Value.(*pyast.Attribute)
		if !ok || attr.Attr != "shape" {
			return
		}
		arr, ok := attr.X.(*pyast.Name)
		if !ok || x.arrays[arr.Id] == nil || len(x.arrays[arr.Id].Extent) != len(t.Elts) {
			return
		}
		for d, e := range t.Elts {
			if n, ok := e.(*pyast.Name); ok && x.assigned[n.Id] == 1 {
				x.ints[n.Id] = x.arrays[arr.Id].Extent[d]
			}
		}
	}
}

func (x *extractor) affineName(name string) (Affine, bool) {
	a, ok := x.ints[name]
	return a, ok
}

func (x *extractor) shapeDim(array string, dim int) (Affine, bool) {
	a := x.arrays[array]
	if a == nil || dim < 0 || dim >= len(a.Extent) {
		return Affine{}, false
	}
	return a.Extent[dim], true
}

// CountBindings counts, per name, how often a statement list binds it: assignment targets,
// loop variables, augmented assignments, := (not inside nested definitions).
func CountBindings(body []pyast.Stmt, counts map[string]int) { countAssignments(body, counts, true) }

// countAssignments counts the bindings of each name: assignment targets, loop variables,
// augmented assignments.
func countAssignments(body []pyast.Stmt, counts map[string]int, augmented bool) {
	for _, s := range body {
		pyast.Inspect(s, func(n pyast.Node) bool {
			var targets []pyast.Expr
			switch n := n.(type) {
			case *pyast.Assign:
				targets = n.Targets
			case *pyast.AugAssign:
				if augmented {
					targets = []pyast.Expr{n.Target}
				}
			case *pyast.AnnAssign:
				if n.Value != nil {
					targets = []pyast.Expr{n.Target}
				}
			case *pyast.For:
				targets = []pyast.Expr{n.Target}
			case *pyast.NamedExpr:
				targets = []pyast.Expr{n.Target}
			case *pyast.FunctionDef, *pyast.ClassDef:
				return false
			}
			for _, t := range targets {
				BindNames(t, counts)
			}
			return true
		})
	}
}

// BindNames counts the plain names an assignment target binds: a, or a and b of "a, b" or
// "[a, *b]"; a subscript or attribute target binds none.
func BindNames(t pyast.Expr, counts map[string]int) {
	switch t := t.(type) {
	case *pyast.Name:
		counts[t.Id]++
	case *pyast.Tuple:
		for _, e := range t.Elts {
			BindNames(e, counts)
		}
	case *pyast.List:
		for _, e := range t.Elts {
			BindNames(e, counts)
		}
	case *pyast.Starred:
		BindNames(t.X, counts)
	}
}

// blocks finds the SCoPs of a statement list: maximal runs of statements the model covers.
// A statement it cannot cover ends the run, is recorded as opaque, and its own bodies are
// searched for SCoPs in turn.
func (x *extractor) blocks(body []pyast.Stmt, out *Function) {
	var run []pyast.Stmt
	runCalls := false // the run's statements have call statements
	flush := func() {
		if len(run) > 0 {
			// A SCoP without a loop has nothing to parallelize or vectorize.
			if scop := x.scop(run); scop != nil && len(scop.Loops) > 0 {
				if scop.IntBits < 0 {
					out.addOpaque(Opaque{Kind: RejectIntRange, Pos: scop.intPos,
						Reason: scop.intWhy + " may leave int64's range for any size, where Python's ints are exact"})
				} else {
					out.SCoPs = append(out.SCoPs, scop)
				}
			}
			run = nil
		}
	}
	for _, s := range body {
		if x.skippable(s) {
			if len(run) > 0 {
				run = append(run, s)
			}
			continue
		}
		b := x.newBuilder()
		op := b.stmt(s, nil, nil)
		if op == nil && b.calls > 0 {
			op = x.withoutCalls(s)
		}
		if op != nil {
			flush()
			out.addOpaque(*op)
			x.inner(s, out)
			continue
		}
		if b.count == 0 {
			flush() // a statement with nothing to optimize, such as an affine local
			continue
		}
		// Nests with call statements get SCoPs of their own: only the Ray variant covers
		// those, and the other variants still take the nests around them.
		calls := b.calls > 0
		if len(run) > 0 && calls != runCalls {
			flush()
		}
		runCalls = calls
		run = append(run, s)
	}
	flush()
}

// withoutCalls decides a statement that builds only with call statements. Only the Ray
// variant covers a nest with calls; where the nest without them holds SCoPs of its own (a
// time loop calling a helper around a stencil), those keep every variant instead, and the
// statement is opaque for the reason it had before calls were modelled. nil: take the calls.
func (x *extractor) withoutCalls(s pyast.Stmt) *Opaque {
	x.noCalls = true
	defer func() { x.noCalls = false }()
	probe := &Function{}
	x.inner(s, probe)
	if len(probe.SCoPs) == 0 {
		return nil
	}
	if op := x.newBuilder().stmt(s, nil, nil); op != nil {
		return op
	}
	return &Opaque{Kind: RejectCall, Pos: s.Pos(), Reason: "a call statement would hide the loop nests inside"}
}

// skippable statements do nothing a SCoP must model: pass, docstrings.
func (x *extractor) skippable(s pyast.Stmt) bool {
	switch s := s.(type) {
	case *pyast.Pass:
		return true
	case *pyast.ExprStmt:
		_, isStr := s.X.(*pyast.Str)
		return isStr
	}
	return false
}

// inner searches the bodies of a statement left out of every SCoP. Inside a for loop that
// could not be modelled, its variable is fixed while the body runs: the body's SCoPs take it
// as a parameter, as PPCG does with outer loops it cannot model.
func (x *extractor) inner(s pyast.Stmt, out *Function) {
	if f, ok := s.(*pyast.For); ok {
		inBody := map[string]int{}
		countAssignments(f.Body, inBody, true)
		if v, ok := f.Target.(*pyast.Name); ok && inBody[v.Id] == 0 {
			if _, taken := x.ints[v.Id]; !taken && x.arrays[v.Id] == nil {
				x.ints[v.Id], x.source[v.Id] = varAff(v.Id), v.Id
				x.outerIndex[v.Id] = true
				if b, ok := x.rangeBounds(f.Iter); ok {
					x.outerRange[v.Id] = b
				}
				defer func() {
					delete(x.ints, v.Id)
					delete(x.source, v.Id)
					delete(x.outerRange, v.Id)
					delete(x.outerIndex, v.Id)
				}()
			}
		}
	}
	for _, body := range innerBodies(s) {
		x.blocks(body, out)
	}
}

// addOpaque records a part left out, once per position and reason.
func (f *Function) addOpaque(o Opaque) {
	for _, have := range f.Opaque {
		if have == o {
			return
		}
	}
	f.Opaque = append(f.Opaque, o)
}

// InnerBodies returns the statement lists nested directly in a for, while or if.
func InnerBodies(s pyast.Stmt) [][]pyast.Stmt { return innerBodies(s) }

func innerBodies(s pyast.Stmt) [][]pyast.Stmt {
	switch s := s.(type) {
	case *pyast.For:
		return [][]pyast.Stmt{s.Body, s.Else}
	case *pyast.While:
		return [][]pyast.Stmt{s.Body, s.Else}
	case *pyast.If:
		return [][]pyast.Stmt{s.Body, s.Else}
	}
	return nil
}

// scop builds one SCoP from a run of statements that each built alone.
func (x *extractor) scop(run []pyast.Stmt) *SCoP {
	b := x.newBuilder()
	for _, s := range run {
		if x.skippable(s) {
			continue
		}
		if op := b.stmt(s, nil, nil); op != nil {
			return nil // cannot happen: each statement built alone
		}
	}
	if len(b.stmts) == 0 {
		return nil
	}
	return b.finish(run)
}

// gatherArray records z = np.take(A, P, axis=k) with P a list parameter of ints (what
// Lower's gathers write): A's extents, with len(P) along axis k as a new parameter.
func (x *extractor) gatherArray(s pyast.Stmt, name string, call *pyast.Call) {
	if len(call.Args) != 3 {
		return
	}
	src, ok := call.Args[0].(*pyast.Name)
	if !ok || x.arrays[src.Id] == nil || x.rebound[src.Id] != 0 {
		return
	}
	list, ok := call.Args[1].(*pyast.Name)
	if !ok || x.assigned[list.Id] != 0 {
		return
	}
	if t := x.fn.Params[list.Id]; t == nil || t.Kind != typeinfer.List || t.Elem == nil || t.Elem.Kind != typeinfer.Int {
		return
	}
	kw, ok := call.Args[2].(*pyast.Keyword)
	if !ok || kw.Name != "axis" {
		return
	}
	num, ok := kw.Value.(*pyast.Num)
	if !ok {
		return
	}
	axis, err := strconv.Atoi(num.Raw)
	a := x.arrays[src.Id]
	if err != nil || axis < 0 || axis >= len(a.Extent) {
		return
	}
	n := name + "_n"
	x.ints[n] = varAff(n)
	x.source[n] = "len(" + list.Id + ")"
	ext := append([]Affine(nil), a.Extent...)
	ext[axis] = varAff(n)
	x.arrays[name] = &Array{Name: name, DType: a.DType, Extent: ext}
	x.allocs[s] = true
}
