package emit

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// distributed is one SCoP run as Ray tasks: each of its top-level loops, all parallel, is
// split into chunks of its iterations, each chunk a task that receives only the array regions
// it touches and returns the ones it writes (pyparc_rt/_ray.py does the shipping).
type distributed struct {
	defs []string // module-level definitions: each loop's kernel source, regions and Kernel
	call []string // the lines replacing the SCoP in the variant
}

// rayRegion builds the Ray form of a SCoP whose every top-level statement is a for loop that
// carries no dependence. Each loop's body becomes the source of a kernel function over a
// chunk [_lo, _hi) of its iterations; a generated regions function gives, for a chunk, the
// bounding box of the elements of every array argument the chunk reads and writes. The boxes
// come from the loops' affine bounds and the accesses' affine subscripts by interval
// arithmetic at run time, so they hold for every parameter value: exact for rectangular nests,
// a superset for triangular ones (the runtime ships the written boxes too, so an element a
// chunk does not write goes back unchanged, and it refuses chunks whose written boxes overlap).
func rayRegion(s *polyopt.SCoP, index int, file *pyast.File, def *pyast.FunctionDef, modules map[string]string) (*distributed, error) {
	src := file.Src
	outside := usedOutside(def, s)
	out := &distributed{}
	for k, st := range s.Body {
		f, ok := st.(*pyast.For)
		if !ok {
			return nil, vecErr("a top-level statement is not a loop")
		}
		l := loopOf(s, f)
		if l == nil || !l.Parallel || l.Step != 1 || bindsLiveOut(def, f, outside) {
			return nil, vecErr("a top-level loop carries a dependence")
		}
		call, ok := f.Iter.(*pyast.Call)
		if !ok || len(call.Args) < 1 || len(call.Args) > 2 {
			return nil, vecErr("a top-level loop is not range(hi) or range(lo, hi)")
		}
		lo, hi := "0", text(src, call.Args[0])
		if len(call.Args) == 2 {
			lo, hi = text(src, call.Args[0]), text(src, call.Args[1])
		}
		if leaks(def.Body, f.Pos(), f.End(), l.Iter) {
			return nil, vecErr("the loop variable " + l.Iter + " is read after its loop")
		}
		// A loop with call statements runs in the module's namespace (its functions, the
		// module's constants), on workers too: they import the emitted module.
		calls := s.HasCalls()
		var globals map[string]bool
		if calls {
			globals = moduleNames(file)
		}
		ins, mods, err := loopInputs(f, def, modules, globals)
		if err != nil {
			return nil, err
		}
		for _, v := range ins {
			if v == "_lo" || v == "_hi" || strings.HasPrefix(v, "_mn_") || strings.HasPrefix(v, "_mx_") || strings.HasPrefix(v, "_p_") {
				return nil, vecErr("the loop uses " + v + ", a name the Ray kernel gives its own variables")
			}
		}
		name := fmt.Sprintf("_%s__ray%d_%d", def.Name, index, k)
		regions, err := regionsFunc(s, l, f, name+"_regions", ins, lo, hi)
		if err != nil {
			return nil, err
		}
		// The kernel: the chunk's part of the loop as whole-array NumPy code where the loop
		// vectorizes completely (contractions reach BLAS in every task), else the loop as
		// written, which the worker compiles with Numba.
		var source string
		jit := false
		if !calls {
			source = vectorChunk(s, l, f, file, def, ins, mods, modules, name)
		}
		vectorized := source != ""
		if !vectorized {
			// Calls into the interpreter's functions: Numba could not compile the loop.
			source, jit = loopChunk(l, f, src, ins, mods, modules, name, lo, hi), !calls
			if checkedMath(source, modules) != source {
				// Numba computes nan or inf where math raises; the worker has no
				// pyparc_rt to call instead (see checkedMath): the loop runs as Python.
				jit = false
			}
			if jit {
				if edits, err := numbaSemantics(s, file, def, modules); err != nil || len(edits) > 0 {
					// Numba would compute the loop as written otherwise than Python and
					// NumPy (int16 sums in int64, float32 at double precision, an int64
					// stored into an int16 without OverflowError): the loop runs as Python.
					jit = false
				}
			}
		}
		jitArg := "False"
		if jit {
			jitArg = "True"
		}
		moduleArg := ""
		if calls {
			// The run refuses (runs here) when one of these was replaced since (monkeypatched).
			var pure []string
			for name := range polyopt.PureFunctions(file, modules) {
				pure = append(pure, strconv.Quote(name))
			}
			sort.Strings(pure)
			// No pure function at all (a method call such as x.conj()): "()", as "(,)" does
			// not parse.
			tuple := "()"
			if len(pure) > 0 {
				tuple = "(" + strings.Join(pure, ", ") + ",)"
			}
			moduleArg = ", module=__name__, pure=" + tuple
		}
		out.defs = append(out.defs,
			fmt.Sprintf("%s_source = %s", name, strconv.Quote(source)),
			regions,
			fmt.Sprintf("%s = _rt.ray_kernel(%q, %s_source, %s_regions, jit=%s%s)", name, name, name, name, jitArg, moduleArg))
		gpu := ""
		if vectorized && !calls && len(mods) == 0 {
			// On a cluster with GPUs each chunk runs the same whole-array code with CuPy, on
			// device copies of its pieces (one GPU per task).
			gpu = ", gpu=" + name + "_gpu"
			gpuSource := name + "_source"
			if c := cupyMaskedUpdates(source); c != source {
				gpuSource = strconv.Quote(c) // CuPy's ufuncs take no where=
			}
			out.defs = append(out.defs, fmt.Sprintf("%s_gpu = _rt.ray_kernel(%q, %s.replace(%q, %q, 1), %s_regions, jit=False, num_gpus=1)",
				name, name, gpuSource, "import numpy as _np", "import cupy as _np", name))
		}

		// A call Ray cannot take (no cluster, chunks whose written boxes overlap, aliased
		// arguments) is refused before any task starts; the same kernel then runs here, over
		// the whole range. So does a call one of whose tasks failed: nothing was written back,
		// and running here raises what the original raises, where it raises it.
		indent := string(src[lineStart(src, int(f.Pos())):int(f.Pos())])
		args := fmt.Sprintf("(%s), %s, %s", tupleOf(ins), lo, hi)
		out.call = append(out.call,
			indent+"try:",
			fmt.Sprintf("%s    _rt.ray_run(%s, %s%s)", indent, name, args, gpu),
			indent+"except (_rt.RayUnsuitable, _rt.RayTaskFailed):",
			fmt.Sprintf("%s    _rt.ray_local(%s, %s)", indent, name, args))
	}
	return out, nil
}

// imports are the import lines a kernel needs for the module names its code uses.
func imports(mods []string, modules map[string]string) string {
	var b strings.Builder
	for _, m := range mods {
		if modules[m] == m {
			fmt.Fprintf(&b, "import %s\n", m)
		} else {
			fmt.Fprintf(&b, "import %s as %s\n", modules[m], m)
		}
	}
	return b.String()
}

// loopChunk is the kernel that runs the loop as written over [_lo, _hi) of its range.
func loopChunk(l *polyopt.Loop, f *pyast.For, src []byte, ins, mods []string, modules map[string]string, name, lo, hi string) string {
	var ks strings.Builder
	ks.WriteString(imports(mods, modules))
	fmt.Fprintf(&ks, "def %s(_lo, _hi, %s):\n", name, strings.Join(ins, ", "))
	fmt.Fprintf(&ks, "    for %s in range(max(%s, _lo), min(%s, _hi)):\n", l.Iter, lo, hi)
	bodyFrom, bodyTo := lineStart(src, int(f.Body[0].Pos())), lineEnd(src, int(f.Body[len(f.Body)-1].End()))
	bodyIndent := string(src[bodyFrom:int(f.Body[0].Pos())])
	ks.WriteString(reindent(string(src[bodyFrom:bodyTo]), bodyIndent, "        ") + "\n")
	return ks.String()
}

// paramRef finds the parameter variables whole-array code reads.
var paramRef = regexp.MustCompile(`\b_p_[A-Za-z0-9_]+`)

// vectorChunk is the kernel that runs the chunk [_lo, _hi) of loop l as whole-array code: the
// NumPy generator applied to the loop alone, with _lo and _hi as its bounds (a chunk of a
// parallel loop is as legal to vectorize as the whole). "" when the loop does not vectorize
// completely, or the code needs what a worker lacks (the pyparc runtime, a parameter none of
// the kernel's arguments gives).
func vectorChunk(s *polyopt.SCoP, l *polyopt.Loop, f *pyast.For, file *pyast.File, def *pyast.FunctionDef, ins, mods []string, modules map[string]string, name string) string {
	args := map[string]int{}
	for i, v := range ins {
		args[v] = i
	}
	sub := *s
	sub.Body = []pyast.Stmt{f}
	sub.Stmts = l.Stmts
	top := *l
	top.Lo, top.Hi = polyopt.Var("_lo"), polyopt.Var("_hi")
	sub.Loops = nil
	for _, in := range s.Loops {
		switch {
		case in == l:
			sub.Loops = append(sub.Loops, &top)
		case in.Node.Pos() >= f.Pos() && in.Node.End() <= f.End():
			sub.Loops = append(sub.Loops, in)
		}
	}
	sub.ParamSource = map[string]string{}
	sub.Params = nil
	for _, p := range s.Params {
		if src, err := paramFrom(s, p, args); err == nil {
			sub.Params = append(sub.Params, p)
			sub.ParamSource[p] = src
		}
	}
	r := newRegion(&sub, file, def.Body)
	r.spans = map[string][2]polyopt.Affine{l.Iter: {l.Lo, l.Hi}}
	lines := r.generate("    ")
	if r.vector == 0 || r.pyLoops > 0 {
		return ""
	}
	code := strings.Join(lines, "\n")
	if strings.Contains(code, "_rt.") {
		return ""
	}
	have := map[string]bool{}
	for _, p := range sub.Params {
		have["_p_"+p] = true
	}
	for _, ref := range paramRef.FindAllString(code, -1) {
		if !have[ref] {
			return ""
		}
	}
	var ks strings.Builder
	ks.WriteString("import numpy as _np\n")
	ks.WriteString(imports(mods, modules))
	fmt.Fprintf(&ks, "def %s(_lo, _hi, %s):\n%s\n", name, strings.Join(ins, ", "), code)
	return ks.String()
}

func text(src []byte, n pyast.Node) string { return string(src[n.Pos():n.End()]) }

// moduleNames are the names a file binds at module level: its functions, classes, imports
// and constants.
func moduleNames(file *pyast.File) map[string]bool {
	names := map[string]bool{}
	if file.Module == nil {
		return names
	}
	counts := map[string]int{}
	for _, s := range file.Module.Body {
		switch s := s.(type) {
		case *pyast.FunctionDef:
			names[s.Name] = true
		case *pyast.ClassDef:
			names[s.Name] = true
		case *pyast.Import:
			for _, a := range s.Names {
				names[importedName(a)] = true
			}
		case *pyast.ImportFrom:
			for _, a := range s.Names {
				names[importedName(a)] = true
			}
		default:
			polyopt.CountBindings([]pyast.Stmt{s}, counts)
		}
	}
	for n := range counts {
		names[n] = true
	}
	return names
}

func importedName(a *pyast.Alias) string {
	if a.AsName != "" {
		return a.AsName
	}
	first, _, _ := strings.Cut(a.Name, ".")
	return first
}

// loopInputs lists the variables a loop reads that are bound before it (its kernel's
// parameters) and the module names it uses. Names in globals (a kernel that runs in the
// module's namespace) are neither: the kernel finds them there.
func loopInputs(f *pyast.For, def *pyast.FunctionDef, modules map[string]string, globals map[string]bool) ([]string, []string, error) {
	used, mods := map[string]bool{}, map[string]bool{}
	pyast.Inspect(f, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			if modules[n.Id] != "" {
				mods[n.Id] = true
			} else {
				used[n.Id] = true
			}
		}
		return true
	})
	bound := map[string]int{}
	polyopt.CountBindings([]pyast.Stmt{f}, bound)
	before := boundBefore(def, f.Pos())
	// A name the function binds anywhere is its local, never a global: in a try or a with as
	// well (found by review: the kernel read the module's value of a local bound in try).
	locals := functionLocals(def)
	var ins []string
	for v := range used {
		switch {
		case pyBuiltins[v]:
		case before[v] && bound[v] == 0:
			ins = append(ins, v)
		case bound[v] > 0:
			// bound inside the loop (an iterator, a temporary): the kernel binds it too
		case globals[v] && !before[v] && !locals[v]:
		default:
			return nil, nil, vecErr("the loop uses " + v + ", which is neither bound before it nor in it")
		}
	}
	sort.Strings(ins)
	var ms []string
	for m := range mods {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	if len(ins) == 0 {
		return nil, nil, vecErr("the loop reads no array")
	}
	return ins, ms, nil
}

// regionsFunc generates the function that gives the boxes a chunk of loop l reads and writes:
// {argument index: ((start, stop), ...)} per array argument.
func regionsFunc(s *polyopt.SCoP, l *polyopt.Loop, f *pyast.For, name string, ins []string, lo, hi string) (string, error) {
	argIndex := map[string]int{}
	for i, v := range ins {
		argIndex[v] = i
	}
	var b strings.Builder // the body; the parameters it uses go first
	usedParams := map[string]bool{}
	fmt.Fprintf(&b, "    _mn_%s, _mx_%s = max(%s, _lo), min(%s, _hi) - 1\n", l.Iter, l.Iter, lo, hi)
	known := map[string]bool{l.Iter: true}
	term := func(c int64, v string) string {
		if c == 1 {
			return v
		}
		return fmt.Sprintf("%d * %s", c, v)
	}
	bound := func(a polyopt.Affine, low bool) (string, error) {
		var terms []string
		if a.Const != 0 || len(a.Coef) == 0 {
			terms = append(terms, strconv.FormatInt(a.Const, 10))
		}
		for _, v := range a.Vars() {
			c := a.Coef[v]
			switch {
			case known[v]:
				side := "_mx_"
				if (c > 0) == low {
					side = "_mn_"
				}
				terms = append(terms, term(c, side+v))
			case s.ParamSource[v] != "":
				terms = append(terms, term(c, "_p_"+v))
				usedParams[v] = true
			default:
				return "", vecErr("a bound uses " + v + ", neither a loop index nor a parameter")
			}
		}
		return strings.Join(terms, " + "), nil
	}
	// Intervals of the inner loops, outer first, from their bounds over the outer intervals.
	for _, in := range s.Loops {
		if in == l || in.Node.Pos() < f.Pos() || in.Node.End() > f.End() {
			continue
		}
		first, last := in.Lo, in.Hi.Add(polyopt.Const(-1))
		if in.Step < 0 {
			first, last = in.Hi.Add(polyopt.Const(1)), in.Lo
		}
		mn, err := bound(first, true)
		if err != nil {
			return "", err
		}
		mx, err := bound(last, false)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "    _mn_%s, _mx_%s = %s, %s\n", in.Iter, in.Iter, mn, mx)
		known[in.Iter] = true
	}
	boxes := func(write bool) (string, error) {
		type box struct{ lo, hi []string }
		per := map[string]*box{}
		for _, st := range l.Stmts {
			accs := st.Reads
			if write {
				accs = st.Writes
			}
			for _, a := range accs {
				arr := s.Arrays[a.Array]
				if arr == nil || arr.Scalar {
					continue
				}
				if _, ok := argIndex[a.Array]; !ok {
					continue // a local array of the kernel itself
				}
				bx := per[a.Array]
				if bx == nil {
					bx = &box{lo: make([]string, len(a.Index)), hi: make([]string, len(a.Index))}
					per[a.Array] = bx
				}
				for d, ix := range a.Index {
					var mn, mx string
					var err error
					if d < len(a.Free) && a.Free[d] {
						// Read whole along d (an array passed to a function).
						mn, mx = "0", fmt.Sprintf("%s.shape[%d] - 1", a.Array, d)
					} else if mn, err = bound(ix, true); err == nil {
						mx, err = bound(ix, false)
					}
					if err != nil {
						return "", err
					}
					if bx.lo[d] == "" {
						bx.lo[d], bx.hi[d] = mn, mx
					} else {
						bx.lo[d] = "min(" + bx.lo[d] + ", " + mn + ")"
						bx.hi[d] = "max(" + bx.hi[d] + ", " + mx + ")"
					}
				}
			}
		}
		var names []string
		for n := range per {
			names = append(names, n)
		}
		sort.Strings(names)
		var entries []string
		for _, n := range names {
			bx := per[n]
			dims := make([]string, len(bx.lo))
			for d := range dims {
				dims[d] = fmt.Sprintf("(%s, %s + 1)", bx.lo[d], bx.hi[d])
			}
			if len(dims) == 0 {
				entries = append(entries, fmt.Sprintf("%d: ()", argIndex[n])) // a 0-d array
				continue
			}
			entries = append(entries, fmt.Sprintf("%d: (%s,)", argIndex[n], strings.Join(dims, ", ")))
		}
		return "{" + strings.Join(entries, ", ") + "}", nil
	}
	reads, err := boxes(false)
	if err != nil {
		return "", err
	}
	writes, err := boxes(true)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "    return %s, %s\n", reads, writes)
	var h strings.Builder
	fmt.Fprintf(&h, "def %s(_lo, _hi, %s):\n", name, strings.Join(ins, ", "))
	for _, p := range s.Params {
		if usedParams[p] {
			src, err := paramFrom(s, p, argIndex)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&h, "    _p_%s = %s\n", p, src)
		}
	}
	return h.String() + b.String(), nil
}

// paramFrom is a Python expression for parameter p over the kernel's own arguments: its usual
// source ("n", "A.shape[0]") when that names an argument, else the extent of an argument array
// that the parameter stands for.
func paramFrom(s *polyopt.SCoP, p string, args map[string]int) (string, error) {
	src := s.ParamSource[p]
	base, _, _ := strings.Cut(src, ".")
	if _, ok := args[base]; ok {
		return src, nil
	}
	var names []string
	for n := range args {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if a := s.Arrays[n]; a != nil {
			for d, ext := range a.Extent {
				if ext.String() == p {
					return fmt.Sprintf("%s.shape[%d]", n, d), nil
				}
			}
		}
	}
	return "", vecErr("the loop's bounds use " + src + ", which it does not receive")
}
