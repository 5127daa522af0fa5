package difffuzz

import (
	"context"
	"flag"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var (
	fuzzN      = flag.Uint64("fuzz.n", 250, "programs TestCampaign generates")
	fuzzFirst  = flag.Uint64("fuzz.first", 1, "first seed of TestCampaign")
	fuzzSave   = flag.Bool("fuzz.save", false, "shrink failures and write reproducers to testdata/regress")
	fuzzShrink = flag.Duration("fuzz.shrink", 3*time.Minute, "time to shrink each failure with -fuzz.save")
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command("python3", "-c", "import numpy").Run(); err != nil {
		t.Skip("numpy not installed")
	}
}

// TestCampaign generates programs, checks original against emitted and fails on any wrong
// answer, pyparc error or emitted program that raises.
func TestCampaign(t *testing.T) {
	needPython(t)
	if testing.Short() {
		t.Skip("short")
	}
	opt := Options{First: *fuzzFirst, N: *fuzzN, Batch: 25, Parallel: 2}
	if *fuzzSave {
		opt.Shrink, opt.RegressTo = *fuzzShrink, filepath.Join("testdata", "regress")
	}
	cfg := Config{Log: t.Logf}
	sum, err := Run(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(sum)
	if len(sum.Failures) > 0 || sum.Invalid > 0 {
		t.Errorf("%d failures, %d invalid programs (rerun with -fuzz.save to shrink them)", len(sum.Failures), sum.Invalid)
	}
}
