package polyopt

import (
	"errors"
	"fmt"

	"github.com/pyparc/pyparc/polyopt/isl"
)

// scope owns the isl objects one analysis creates and frees them all when it ends, so the
// analysis code never tracks isl lifetimes one by one.
type scope struct {
	ctx  *isl.Context
	objs []interface{ Free() }
}

func withScope(ctx *isl.Context, fn func(*scope) error) error {
	sc := &scope{ctx: ctx}
	defer func() {
		for i := len(sc.objs) - 1; i >= 0; i-- {
			sc.objs[i].Free()
		}
	}()
	return fn(sc)
}

func (sc *scope) add(o interface{ Free() }) { sc.objs = append(sc.objs, o) }

func (sc *scope) keepUM(u *isl.UnionMap, err error) (*isl.UnionMap, error) {
	if err != nil {
		return nil, err
	}
	sc.add(u)
	return u, nil
}

func (sc *scope) keepUS(u *isl.UnionSet, err error) (*isl.UnionSet, error) {
	if err != nil {
		return nil, err
	}
	sc.add(u)
	return u, nil
}

// unionMap parses and unites maps written in isl notation; none gives the empty union.
func (sc *scope) unionMap(strs []string) (*isl.UnionMap, error) {
	u, err := sc.keepUM(sc.ctx.ParseUnionMap("{ }"))
	if err != nil {
		return nil, err
	}
	for _, s := range strs {
		m, err := sc.umap(s)
		if err != nil {
			return nil, err
		}
		if u, err = sc.keepUM(u.Union(m)); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func (sc *scope) umap(s string) (*isl.UnionMap, error) {
	u, err := sc.keepUM(sc.ctx.ParseUnionMap(s))
	if err != nil {
		var e *isl.Error
		if errors.As(err, &e) && e.Code == isl.ErrQuota {
			// A hard problem, not a bad text: dependences with many pieces under the bound
			// of operations (AnalyzeOps) the analysis set.
			return nil, err
		}
		// The text is ours, built from the model: show it, it is the bug.
		if len(s) > 300 {
			s = s[:300] + "..."
		}
		return nil, fmt.Errorf("%w in %s", err, s)
	}
	return u, nil
}

func (sc *scope) unionSet(strs []string) (*isl.UnionSet, error) {
	u, err := sc.keepUS(sc.ctx.ParseUnionSet("{ }"))
	if err != nil {
		return nil, err
	}
	for _, s := range strs {
		one, err := sc.keepUS(sc.ctx.ParseUnionSet(s))
		if err != nil {
			return nil, err
		}
		if u, err = sc.keepUS(u.Union(one)); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func (sc *scope) set(s string) (*isl.Set, error) {
	set, err := sc.ctx.ParseSet(s)
	if err != nil {
		return nil, err
	}
	sc.add(set)
	return set, nil
}
