// Command overhead measures what `pyparc profile run` costs: the wall time of each program
// profiled over its plain wall time, median of N runs each, interleaved so that drift of a
// shared machine hits both alike. Run it from the repository root: go run ./bench/overhead
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"
)

type program struct {
	name, kind string
	args       []string // script and its arguments, relative to the repository root
	target     float64  // the ratio the issue asks for at most
}

var programs = []program{
	{"gemm (loops)", "pure-Python loops", []string{"testdata/programs/basic/gemm.py", "--n", "70"}, 3},
	{"jacobi2d (loops)", "pure-Python loops", []string{"testdata/programs/basic/jacobi2d.py", "150", "8"}, 3},
	{"heat (NumPy)", "NumPy-heavy", []string{"testdata/programs/basic/heat.py", "--n", "1500", "--steps", "60"}, 1.3},
	{"heat f32 (NumPy)", "NumPy-heavy", []string{"testdata/programs/basic/heat.py", "--n", "2000", "--steps", "60", "--float32"}, 1.3},
}

func main() {
	pyparc := flag.String("pyparc", "bin/pyparc", "pyparc binary")
	python := flag.String("python", "python3", "Python interpreter")
	runs := flag.Int("runs", 5, "runs of each configuration")
	flag.Parse()
	dir, err := os.MkdirTemp("", "pyparc-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "profile.db")

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "program\tkind\tplain (median)\tprofiled (median)\tratio\ttarget\t\n")
	failed := false
	for _, p := range programs {
		var plain, prof []time.Duration
		for i := 0; i < *runs; i++ {
			plain = append(plain, timeCmd(*python, p.args...))
			prof = append(prof, timeCmd(*pyparc, append([]string{"profile", "run", "--python", *python, "--db", db}, p.args...)...))
		}
		mp, mq := median(plain), median(prof)
		ratio := mq.Seconds() / mp.Seconds()
		verdict := "ok"
		if ratio > p.target {
			verdict, failed = "OVER", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3fs\t%.3fs\t%.2fx\t<= %.1fx %s\t\n", p.name, p.kind, mp.Seconds(), mq.Seconds(), ratio, p.target, verdict)
	}
	tw.Flush()
	if failed {
		os.Exit(1)
	}
}

func timeCmd(name string, args ...string) time.Duration {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %v: %w", name, args, err))
	}
	return time.Since(start)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "overhead:", err)
	os.Exit(2)
}
