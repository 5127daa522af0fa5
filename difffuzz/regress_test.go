package difffuzz

import (
	"context"
	"path/filepath"
	"testing"
)

// TestRegress replays every reproducer under testdata/regress through the same check as the
// campaign: each was a failure once, and must pass now that its bug is fixed.
func TestRegress(t *testing.T) {
	needPython(t)
	files, err := filepath.Glob(filepath.Join("testdata", "regress", "*.py"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no reproducers")
	}
	var groups [2][]*Case
	for _, f := range files {
		c, err := LoadReproducer(f)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		if c.Numba {
			k = 1
		}
		groups[k] = append(groups[k], c)
	}
	for _, g := range groups {
		res, err := Check(context.Background(), Config{}, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != "ok" {
				t.Errorf("%s: %s: %s", r.Case.Name, r.Status, r.Detail)
			} else {
				t.Logf("%s: ok (optimized %v, variants %q, %d of %d calls through the guard)",
					r.Case.Name, r.Optimized, r.Variants, r.Fast, r.Calls)
			}
		}
	}
}
