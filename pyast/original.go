package pyast

import "reflect"

// The printer copies the source text of a node only while the node is as
// the parser made it. Rather than asking every editor to mark what it
// changed, the File keeps a shallow copy of each parsed node's fields and
// the printer compares: a node is unchanged when its fields hold the same
// values and the same child pointers as at parse time, and its children are
// unchanged too. A node from another File, or built in Go, has no copy and
// so is always printed from its fields.

// snapshot records the fields of every node of f.Module.
func (f *File) snapshot() {
	f.orig = make(map[Node][]any)
	Inspect(f.Module, func(n Node) bool {
		if n != nil {
			f.orig[n] = shallow(n)
		}
		return true
	})
}

// shallow lists the field values of the struct n points to, with each
// slice spread out as its length followed by its elements, so that two
// lists compare equal with == element by element exactly when no field,
// slice element or child pointer differs.
func shallow(n Node) []any {
	v := reflect.ValueOf(n).Elem()
	var out []any
	for i := 0; i < v.NumField(); i++ {
		fv := v.Field(i)
		if fv.Kind() == reflect.Slice {
			out = append(out, fv.Len())
			for j := 0; j < fv.Len(); j++ {
				out = append(out, fv.Index(j).Interface())
			}
			continue
		}
		out = append(out, fv.Interface())
	}
	return out
}

// sameFields reports whether n's fields still match its snapshot.
func (f *File) sameFields(n Node) bool {
	old, ok := f.orig[n]
	if !ok {
		return false
	}
	now := shallow(n)
	if len(now) != len(old) {
		return false
	}
	for i := range now {
		if now[i] != old[i] {
			return false
		}
	}
	return true
}
