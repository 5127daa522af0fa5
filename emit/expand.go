package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyparc/pyparc/polyopt"
	"github.com/pyparc/pyparc/pyast"
)

// expansion is an array given one copy per iteration of some vectorized loops (array
// expansion, proven right by polyopt: see polyopt.Expansion). Inside the subtree the array
// X[e] is read and written as _e_X[i - lo, ..., e], with one leading dimension per loop; after
// it, X gets the last iteration's copy, which holds everything the loops left in X.
type expansion struct {
	array string
	name  string // the expanded copy, _e_X
	axes  []axis // the loops of the copy dimensions, outer first
	arr   *polyopt.Array
	names *names
}

// planExpansion decides which arrays the subtree rooted at f expands: those the analysis
// found for its loops, where every loop the expansion covers is a vectorized loop of the
// subtree, starting with f itself, and every use of the array is an element access inside the
// innermost of them.
func (r *region) planExpansion(f *pyast.For, top *polyopt.Loop) error {
	r.expand = nil
	var loops []*polyopt.Loop
	pyast.Inspect(f, func(n pyast.Node) bool {
		if g, ok := n.(*pyast.For); ok && r.loopOf[g] != nil {
			loops = append(loops, r.loopOf[g])
		}
		return true
	})
	plans := map[string]polyopt.Expansion{}
	for _, l := range loops {
		for _, e := range l.Expand {
			if p, ok := plans[e.Array]; ok && !sameLoops(p.Over, e.Over) {
				return vecErr("loops of the nest expand " + e.Array + " differently")
			}
			plans[e.Array] = e
		}
	}
	if len(plans) == 0 {
		return nil
	}
	if r.spans != nil {
		return vecErr("array expansion inside a distributed chunk")
	}
	used := map[string]bool{}
	for _, s := range r.fnBody {
		pyast.Inspect(s, func(n pyast.Node) bool {
			if id, ok := n.(*pyast.Name); ok {
				used[id.Id] = true
			}
			return true
		})
	}
	r.expand = map[string]*expansion{}
	for _, name := range sortedPlans(plans) {
		e := plans[name]
		arr := r.scop.Arrays[name]
		if arr == nil || arr.Scalar || arr.DType == "" {
			return vecErr("an expanded array of unknown type")
		}
		if e.Over[0] != top {
			return vecErr(name + " is expanded over loops outside the nest")
		}
		x := &expansion{array: name, name: "_e_" + name, names: r.names}
		if used[x.name] {
			return vecErr("the name " + x.name + " is taken")
		}
		for _, l := range e.Over {
			if !l.Parallel && !expands(l, name) {
				return vecErr("a loop " + name + " is expanded over carries a dependence")
			}
			ax, err := r.axisOf(l, x.axes)
			if err != nil {
				return err
			}
			if ax.tri || l.Step != 1 {
				return vecErr(name + " is expanded over a loop that is not a box")
			}
			x.axes = append(x.axes, ax)
		}
		inner := e.Over[len(e.Over)-1]
		within := map[*polyopt.Stmt]bool{}
		for _, st := range inner.Stmts {
			within[st] = true
		}
		for _, st := range top.Stmts {
			if accesses(st, name) && !within[st] {
				return vecErr(name + " is used outside the loops it is expanded over")
			}
		}
		if bareUses(f, name) {
			return vecErr(name + " is used as a whole array inside the nest")
		}
		x.arr = &polyopt.Array{Name: x.name, DType: arr.DType}
		for _, ax := range x.axes {
			x.arr.Extent = append(x.arr.Extent, subAff(ax.hi, ax.lo))
		}
		x.arr.Extent = append(x.arr.Extent, arr.Extent...)
		r.expand[name] = x
	}
	return nil
}

// expanded reports a loop that is parallel once the arrays it expands are expanded.
func (r *region) expanded(l *polyopt.Loop) bool {
	if len(l.Expand) == 0 {
		return false
	}
	for _, e := range l.Expand {
		if r.expand[e.Array] == nil {
			return false
		}
	}
	return true
}

// expandedAccess rewrites an access to an expanded array into its copy.
func (r *region) expandedAccess(a polyopt.Access) polyopt.Access {
	x := r.expand[a.Array]
	if x == nil {
		return a
	}
	idx := make([]polyopt.Affine, 0, len(x.axes)+len(a.Index))
	for _, ax := range x.axes {
		idx = append(idx, subAff(polyopt.Var(ax.iter), ax.lo))
	}
	a.Array = x.name
	a.Index = append(idx, a.Index...)
	return a
}

// array returns an array of the SCoP, or an expanded copy by its name.
func (r *region) array(name string) *polyopt.Array {
	for _, x := range r.expand {
		if x.name == name {
			return x.arr
		}
	}
	return r.scop.Arrays[name]
}

// alloc is the statement allocating the copy. Elements no iteration writes are never read
// (polyopt proved every read's value is written in its own iteration), so empty suffices.
func (x *expansion) alloc() string {
	var dims []string
	for _, e := range x.arr.Extent {
		dims = append(dims, fmt.Sprintf("max(0, %s)", x.names.aff(e)))
	}
	return fmt.Sprintf("%s = _np.empty((%s,), dtype=%q)", x.name, strings.Join(dims, ", "), x.arr.DType) // a dtype name both NumPy and CuPy take
}

// writeBack sets the array to the last iteration's copy. polyopt proved that iteration writes
// every element whenever the loops run at all; when they do not run, the copy is empty and the
// array keeps its contents (as it does when it has no elements).
func (x *expansion) writeBack(indent string) []string {
	last := strings.TrimSuffix(strings.Repeat("-1, ", len(x.axes)), ", ")
	return []string{
		indent + "if " + x.name + ".size:",
		indent + "    " + x.array + "[...] = " + x.name + "[" + last + "]",
	}
}

func expands(l *polyopt.Loop, array string) bool {
	for _, e := range l.Expand {
		if e.Array == array {
			return true
		}
	}
	return false
}

func sameLoops(a, b []*polyopt.Loop) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func accesses(st *polyopt.Stmt, array string) bool {
	for _, acc := range append(append([]polyopt.Access(nil), st.Reads...), st.Writes...) {
		if acc.Array == array {
			return true
		}
	}
	return false
}

// bareUses reports a use of name other than as the array of a subscript.
func bareUses(f *pyast.For, name string) bool {
	names, bases := 0, 0
	pyast.Inspect(f, func(n pyast.Node) bool {
		switch n := n.(type) {
		case *pyast.Name:
			if n.Id == name {
				names++
			}
		case *pyast.Subscript:
			if id, ok := n.X.(*pyast.Name); ok && id.Id == name {
				bases++
			}
		}
		return true
	})
	return names != bases
}

func sortedPlans(m map[string]polyopt.Expansion) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedExpansions(m map[string]*expansion) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
