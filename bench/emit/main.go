// Command emit benchmarks `pyparc emit` on the PolyBench corpus: it profiles each kernel at
// the MINI and SMALL sizes, emits the optimized program, and times original against emitted kernels in one
// Python process per size (bench/emit/timing.py), printing per-kernel speedups and their
// geometric mean. Run from the repository root: go run ./bench/emit -size medium
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const corpus = "testdata/programs/polybench"

func main() {
	pyparc := flag.String("pyparc", "bin/pyparc", "pyparc binary")
	python := flag.String("python", "python3", "Python interpreter")
	size := flag.String("size", "medium", "PolyBench dataset: mini, small, medium, large")
	runs := flag.Int("runs", 5, "timed runs per kernel and version")
	budget := flag.Float64("max-orig", 60, "stop timing an original kernel after this many seconds")
	only := flag.String("kernels", "", "comma-separated PolyBench names (default: all 30)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "pyparc-bench-emit-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "profile.db")
	names := strings.Split(*only, ",")
	if *only == "" {
		names = allKernels()
	}
	for _, n := range names {
		mod := module(n)
		script := filepath.Join(corpus, mod+".py")
		// Two profiled sizes, so that extents equal by coincidence at one size (tsteps and n
		// are both 20 at MINI) do not become one symbol that the guard then insists on.
		for _, sz := range []string{"mini", "small"} {
			run(*pyparc, "profile", "run", "--python", *python, "--db", db, script, "--size", sz, filepath.Join(dir, mod+".npz"))
		}
		run(*pyparc, "emit", "--db", db, "-o", filepath.Join(dir, "out", mod), script)
	}
	args := append([]string{"bench/emit/timing.py", corpus, filepath.Join(dir, "out"), *size,
		fmt.Sprint(*runs), fmt.Sprint(*budget)}, names...)
	cmd := exec.Command(*python, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fail(err)
	}
}

// module is the corpus file of a PolyBench kernel name.
func module(name string) string {
	switch name {
	case "2mm", "3mm":
		return "k" + name
	}
	return strings.ReplaceAll(name, "-", "_")
}

func allKernels() []string {
	return strings.Fields(`2mm 3mm adi atax bicg cholesky correlation covariance deriche doitgen
		durbin fdtd-2d floyd-warshall gemm gemver gesummv gramschmidt heat-3d jacobi-1d jacobi-2d lu
		ludcmp mvt nussinov seidel-2d symm syr2k syrk trisolv trmm`)
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if out, err := cmd.Output(); err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/emit:", err)
	os.Exit(2)
}
