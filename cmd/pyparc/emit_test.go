package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestEmitCorpus emits every PolyBench kernel from its MINI profile and runs the original and
// the emitted program on the same inputs at two other sizes: every output must match.
func TestEmitCorpus(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	names := kernels(t)
	sort.Strings(names)
	for _, k := range names {
		code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", filepath.Join(out, k), filepath.Join(polybench, k+".py"))
		if code != 0 {
			t.Fatalf("emit %s: exit %d: %s", k, code, stderr)
		}
		if !strings.Contains(stdout, "wrote ") {
			t.Errorf("emit %s printed no summary: %q", k, stdout)
		}
		// Untuned, large calls run the tiled wavefronts in two dimensions, prange inside
		// the time loop in three (see emit/module.go).
		// Whole-array code runs NumPy, but for gemver's elementwise work over a matrix with
		// no matrix product, which large calls run compiled.
		wide := map[string]string{"jacobi_2d": "runs numba, numba_tiled from A.size >= NUMBA_TILED_MIN",
			"heat_3d": "runs numba, numba_inner from NUMBA_REGION_WORK statement instances a parallel region",
			"gemver":  "runs numpy, numba_sum from A.size >= NUMBA_FUSED_MIN\n",
			"gemm":    "runs numpy\n", "covariance": "runs numpy\n",
			// Two products reading one matrix: one pass over it, in chunks with private sums
			// (mvt's second nest interchanged and fused with its first).
			"mvt":  "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN for matrix-vector work\n",
			"bicg": "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN for matrix-vector work\n",
			"atax": "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN for matrix-vector work\n",
			// Two products reading two matrices: one pass over the rows, each row's two sums
			// in registers; BLAS streams large matrices faster.
			"gesummv": "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN below NUMBA_UNFUSED_MAX for matrix-vector work\n",
			// The row loop split at the pivot: rows below k, row k, rows above k.
			"floyd_warshall": "numba_inner: 2 prange loop(s), also inside sequential loops"}[k]
		if wide != "" && !strings.Contains(stdout, wide) {
			t.Errorf("emit %s: want %q in:\n%s", k, wide, stdout)
		}
	}
	// The checker takes PolyBench's names (2mm, fdtd-2d), not the file names.
	var pbNames []string
	for _, k := range names {
		n := strings.ReplaceAll(k, "_", "-")
		if k == "k2mm" || k == "k3mm" {
			n = k[1:]
		}
		pbNames = append(pbNames, n)
	}
	check := func(env ...string) string {
		cmd := exec.Command("python3", append([]string{filepath.Join("..", "..", "emit", "testdata", "check_polybench.py"),
			polybench, out}, pbNames...)...)
		cmd.Env = append(os.Environ(), env...)
		res, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("original and emitted programs disagree (%v): %v\n%s", env, err, res)
		}
		return string(res)
	}
	// Each variant alone, then without Numba (the dispatchers fall back on NumPy), then the
	// default choice.
	check("PYPARC_VARIANT=numpy")
	check("PYPARC_VARIANT=numba")
	check("PYPARC_VARIANT=numba_inner")
	check("PYPARC_VARIANT=numba_tiled")
	check("PYPARC_VARIANT=numba_sum")
	check("PYPARC_NUMBA=0")
	// Sizes as np.uint32: the guards refuse them (the tiled bounds negate and divide them),
	// so every call runs the original; gemm takes no size.
	for _, line := range strings.Split(check("PYPARC_CHECK_INT=uint32", "PYPARC_VARIANT=numba_tiled"), "\n") {
		if strings.HasSuffix(line, " optimized") && !strings.HasPrefix(line, "ok gemm ") {
			t.Errorf("the guard admitted np.uint32 sizes: %s", line)
		}
	}
	report := check()
	optimized := strings.Count(report, " optimized")
	t.Logf("%d of %d kernel runs took the optimized variant\n%s", optimized, 2*len(names), report)
	// Kernels whose every loop carries a dependence (seidel-2d, floyd-warshall, nussinov) and
	// the few the model does not cover yet stay on the original; the rest must be optimized.
	if optimized < 2*20 {
		t.Errorf("only %d kernel runs optimized, want at least 40:\n%s", optimized, report)
	}
	for _, must := range []string{"gemm", "2mm", "3mm", "syrk", "syr2k", "jacobi-2d", "heat-3d", "lu", "atax", "mvt"} {
		if !strings.Contains(report, "ok "+must+" mini+3 optimized") {
			t.Errorf("%s was not optimized:\n%s", must, report)
		}
	}
}

// TestEmitNarrowWavefronts runs the tiled wavefronts of bands of two (jacobi-1d's time and
// space, trisolv's rows and columns), chosen by the dispatcher, at sizes that span several
// tiles in each dimension: every output must equal the original's exactly, and with the
// default thresholds the dispatcher must take them on a wide grid of tiles only.
func TestEmitNarrowWavefronts(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, k := range []string{"jacobi_1d", "trisolv"} {
		code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", filepath.Join(out, k), filepath.Join(polybench, k+".py"))
		if code != 0 {
			t.Fatalf("emit %s: %s", k, stderr)
		}
		if !strings.Contains(stdout, "numba_tiled from NUMBA_TILED_WORK") {
			t.Errorf("emit %s: no tiled variant chosen by statement instances:\n%s", k, stdout)
		}
	}
	// Every call with work tiled, then the default thresholds' choices.
	for _, env := range [][]string{{"PYPARC_NUMBA_TILED_WORK=1", "PYPARC_NUMBA_TILED_DEPTH=0", "PYPARC_NUMBA_TILED_BREADTH=0"}, nil} {
		cmd := exec.Command("python3", filepath.Join("..", "..", "emit", "testdata", "check_narrow_tiles.py"), polybench, out)
		cmd.Env = append(append(withoutEnv("PYPARC_NUMBA_TILED_"), "PYPARC_CUPY=0"), env...)
		res, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(res), "all tiled cases matched") {
			t.Fatalf("%v: tiled wavefronts disagree with the original, or ran where they should not (%v):\n%s", env, err, res)
		}
	}
}

// TestEmitTwoNarrowNests: a function with two sweeps, each its own tiled wavefront of a band
// of two, takes the tiled variant when a nest's own grid and work pass (not one nest's grid
// on the other's work), and gives the original's results whichever variant runs.
func TestEmitTwoNarrowNests(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "two_sweeps.py")
	if !strings.Contains(stdout, "2 nest(s) as tiled wavefronts") {
		t.Fatalf("emit:\n%s", stdout)
	}
	emitted, _ := os.ReadFile(filepath.Join(out, "two_sweeps.py"))
	want := "if (int(T) >= 32 * _rt.NUMBA_TILED_DEPTH and (A.shape[0]) - 2 >= 256 * _rt.NUMBA_TILED_BREADTH and " +
		"2 * max(0, int(T)) * max(0, (A.shape[0]) - 2) >= _rt.NUMBA_TILED_WORK) or (int(S) >= 32 * _rt.NUMBA_TILED_DEPTH and "
	if !strings.Contains(string(emitted), want) {
		t.Errorf("the dispatcher does not test each nest's grid and work:\n%s", emitted)
	}
	cmd := exec.Command("python3", filepath.Join("..", "..", "emit", "testdata", "check_two_sweeps.py"),
		filepath.Join(dir, "two_sweeps.py"), filepath.Join(out, "two_sweeps.py"))
	cmd.Env = append(withoutEnv("PYPARC_NUMBA_TILED_"), "PYPARC_CUPY=0")
	if res, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(res), "all sweep cases matched") {
		t.Errorf("sweeps: %v\n%s", err, res)
	}
	t.Setenv("PYPARC_VARIANT", "numba_tiled")
	args := []string{"two_sweeps.py", "700", "900", "70", "45"}
	if got, want := runPython(t, out, args...), runPython(t, dir, args...); got != want {
		t.Errorf("tiled %v: emitted prints %q, original %q", args, got, want)
	}
}

// TestEmitNumPyIntSizes profiles a program whose sizes NumPy computed (np.int64): they bound
// the loops as ints do, and every variant gives the original's output.
func TestEmitNumPyIntSizes(t *testing.T) {
	needPython(t)
	dir := copyProgram(t, "npint_sizes.py")
	db := filepath.Join(dir, "p.db")
	script := filepath.Join(dir, "npint_sizes.py")
	// One run passes n as an np.int64, the other as an int: n's type is their union.
	for _, args := range [][]string{{"300", "20"}, {"200", "10", "int"}} {
		if code, _, stderr := pyparc(t, append([]string{"profile", "run", "--db", db, script}, args...)...); code != 0 {
			t.Fatalf("profile: %s", stderr)
		}
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, script)
	if code != 0 || !strings.Contains(stdout, "optimized  relax") || !strings.Contains(stdout, "optimized  spread") {
		t.Fatalf("emit: exit %d\n%s%s", code, stdout, stderr)
	}
	emitted, _ := os.ReadFile(filepath.Join(out, "npint_sizes.py"))
	if !strings.Contains(string(emitted), "_rt.is_int(n, 1099511627776)") || !strings.Contains(string(emitted), "n == _A_0") {
		t.Errorf("the guard does not check n as an int equal to A's extent:\n%s", emitted)
	}
	t.Setenv("PYPARC_CUPY", "0")
	args := []string{"npint_sizes.py", "700", "40"}
	want := runPython(t, dir, args...)
	if !strings.HasPrefix(want, "int64 ") {
		t.Fatalf("the program's n is not an np.int64: %q", want)
	}
	for _, v := range []string{"numpy", "numba", "numba_inner", "numba_tiled"} {
		t.Setenv("PYPARC_VARIANT", v)
		if got := runPython(t, out, args...); got != want {
			t.Errorf("%s %v: emitted prints %q, original %q", v, args, got, want)
		}
	}
}

// TestEmitUnsafeFactors emits, from annotations alone, kernels whose scalar factors may be
// infinite where the guard cannot see them (np.inf, a global, an array element, a product of
// finite numerals), an int power that may be negative, and divisions by an int parameter
// that may be 0: every variant must print what the original prints, nan for nan and the
// same exception.
func TestEmitUnsafeFactors(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "unsafe_factors.py")
	// power's 2 ** p leaves int64 for p >= 63, whatever the guard's bound, and recip's
	// 1.0 / (i - k) divides by 0 for 0 <= k < len(x): both stay as they are.
	if strings.Count(stdout, "optimized ") != 11 || !strings.Contains(stdout, "2 ** p, an int power by a variable") ||
		!strings.Contains(stdout, "a division by i - k may be by 0") {
		t.Fatalf("emit:\n%s", stdout)
	}
	src, _ := os.ReadFile(filepath.Join(out, "unsafe_factors.py"))
	for _, want := range []string{"and k - 3 != 0", "and (alpha - 1.0) != 0"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("no %q in the guards", want)
		}
	}
	quiet := func(d string) string { return runScript(t, d, "unsafe_factors.py") }
	want := quiet(dir)
	if !strings.Contains(want, "np_inf nan") || !strings.Contains(want, "power ValueError") ||
		!strings.Contains(want, "recip ZeroDivisionError") || !strings.Contains(want, "shifted_divide ZeroDivisionError") ||
		!strings.Contains(want, "recip_element -0.5 -1.0 inf") || !strings.Contains(want, "shifted_alpha ZeroDivisionError") ||
		!strings.Contains(want, "power_of_index ZeroDivisionError") || !strings.Contains(want, "means 4.0 5.0 6.0 nan") ||
		!strings.Contains(want, "divide ZeroDivisionError") || !strings.Contains(want, "remainder ZeroDivisionError") {
		t.Fatalf("the original prints %q", want)
	}
	sameForVariants(t, quiet, out, want, "", "numpy", "numba", "numba_inner")
}

// TestEmitIntOverflow emits kernels whose int arithmetic leaves int64's range for large int
// parameters, where Python's ints are exact: every variant must print what the original
// prints, the guards admitting the sizes that keep the ints in range and refusing the rest.
func TestEmitIntOverflow(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "int_overflow.py")
	if strings.Count(stdout, "optimized ") != 12 {
		t.Fatalf("emit:\n%s", stdout)
	}
	src, err := os.ReadFile(filepath.Join(out, "int_overflow.py"))
	if err != nil {
		t.Fatal(err)
	}
	// cubes: (2 * 2**19)**3 <= 2**62; total and drift: a sum over 2**20 of n * i; masks: the
	// width of n * i, 2 * 2**60 <= 2**62; offset's int c times n within 2**62; the rest 2**40;
	// carried's t is the caller's int, of any size: not optimized. A
	// float f computes in floats; an int f makes scaled's f * i * i leave 2**62 for some
	// size (-1: no int admitted) and weighted's f * n for f beyond 2**22.
	for _, want := range []string{"_rt.is_int(n, 524288)", "x.shape[0] <= 524288", "_rt.is_int(n, 1048576)",
		"_rt.is_int(n, 1099511627776)", "_rt.is_int(t, 1099511627776)", "_rt.is_real(f, -1)", "_rt.is_real(f, 4194304)",
		"_rt.is_int(n, 1073741824)", "_rt.is_number(c, 2097152)"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("no %s in the emitted program", want)
		}
	}
	run := func(d string) string { return runScript(t, d, "int_overflow.py") }
	want := run(dir)
	if !strings.Contains(want, "cubes None 2.7e+19") {
		t.Fatalf("the original prints %q", want)
	}
	sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_inner", "numba_tiled")
}

// TestEmitSplitScalars: loops whose locals carry values between iterations keep their order
// in the prange variants (before, carried printed another sum under numba_inner, and
// rescaled and once failed to compile there); floyd still splits at its pivot.
func TestEmitSplitScalars(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "split_scalars.py")
	if strings.Count(stdout, "optimized ") != 4 {
		t.Fatalf("emit:\n%s", stdout)
	}
	src, err := os.ReadFile(filepath.Join(out, "split_scalars.py"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "min(k + 1, n)"); n != 1 {
		t.Errorf("%d loops split at k, want floyd's one", n)
	}
	run := func(d string) string { return runScript(t, d, "split_scalars.py") }
	want := run(dir)
	if !strings.Contains(want, "once 40 ") {
		t.Fatalf("the original prints %q", want)
	}
	sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_inner", "numba_tiled")
}

// TestEmitPrivateSums runs loops whose rows add into shared cells, which the summing variant
// runs in chunks with private copies of the array (emit/numba_private.go), on more threads
// than rows, on uneven chunks and on one thread: every sum is of small integers, so every
// variant must print exactly what the original prints, -0.0 and nan in cells no row updates
// included. two_rows has two sums a row, each summed by a helper of its own.
func TestEmitPrivateSums(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "private_sums.py")
	if strings.Count(stdout, "optimized ") != 10 || strings.Count(stdout, "1 loop(s) in chunks with private partial sums") != 7 {
		t.Fatalf("emit:\n%s", stdout)
	}
	run := func(d string) string { return runScript(t, d, "private_sums.py") }
	want := run(dir)
	if !strings.Contains(want, "inner -0.0 ") || !strings.Contains(want, " nan\n") {
		t.Fatalf("the original prints %q", want)
	}
	for _, threads := range []string{"4", "3", "1"} {
		t.Setenv("NUMBA_NUM_THREADS", threads)
		sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_sum")
	}
}

// TestEmitOverlapStencils runs 1-D stencils stepped in time as overlapped bands (the
// numba_overlap variant, emit/overlap.go) on more threads than rows, uneven bands, and
// blocks of one step and of many (PYPARC_OVERLAP_REGION sets the depth the driver picks):
// each band steps exact copies of the original's operations, so every variant must print
// the original's digests of every array.
func TestEmitOverlapStencils(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "stencils_1d.py")
	if strings.Count(stdout, "optimized ") != 9 || strings.Count(stdout, "numba_overlap: 1 time loop(s) as overlapped bands") != 5 {
		t.Fatalf("emit:\n%s", stdout)
	}
	run := func(d string) string { return runScript(t, d, "stencils_1d.py") }
	want := run(dir)
	if len(strings.Fields(want)) != 172 {
		t.Fatalf("the original prints %q", want)
	}
	for _, threads := range []string{"7", "3", "1"} {
		for _, region := range []string{"4e4", "50"} {
			t.Setenv("NUMBA_NUM_THREADS", threads)
			t.Setenv("PYPARC_OVERLAP_REGION", region)
			sameForVariants(t, run, out, want, "", "numba_overlap")
		}
	}
}

// TestEmitScalarTypes: a scalar the NumPy variant sums from Python numbers (a count, a sum of
// 0.5 * i) keeps the original's Python type, so that the program prints the same reprs and
// json.dumps takes the count (an np.int64 made it raise TypeError); sums of array elements
// are np.float64 in every variant (the Numba ones convert what they return), and a Python
// float where the loop is empty.
func TestEmitScalarTypes(t *testing.T) {
	dir, out, stdout := profileAndEmit(t, "scalar_types.py")
	// narrow stays as it is: its int16 plus i raises OverflowError past int16's range.
	if strings.Count(stdout, "optimized ") != 5 || !strings.Contains(stdout, "the scalar t holds narrow NumPy integers and Python ints") {
		t.Fatalf("emit:\n%s", stdout)
	}
	run := func(d string) string { return runScript(t, d, "scalar_types.py") }
	want := run(dir)
	if !strings.Contains(want, "[40, 390.0, 1520, np.float64(85320.0), np.int64(780), np.float64(1560.0)]") || !strings.Contains(want, "[0, 0.0, 0, 0.0, np.int64(0), -0.0]") || !strings.Contains(want, "[np.int16(781), np.int16(-20685)]") {
		t.Fatalf("the original prints %q", want)
	}
	sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_sum")
}

// TestEmitNarrowInts checks that every variant computes with int16 and uint8 elements as the
// original does, wrapping around in their type (the Numba variants computed in int64).
func TestEmitNarrowInts(t *testing.T) {
	dir, out, stdout := profileAndEmit(t, "narrow_ints.py")
	// Every function but shifted, clamp_scaled and widened gets a Numba variant, its results
	// cast to the narrow type; widened, whose int64 values NumPy refuses to store past int16's
	// range, no NumPy variant either.
	if strings.Count(stdout, "optimized ") != 8 || strings.Count(stdout, "numba: 1 loop nest(s) compiled") != 5 ||
		!strings.Contains(stdout, "narrow_ints.py:26:5: no Numba variant: arithmetic on narrow NumPy integers") ||
		!strings.Contains(stdout, "narrow_ints.py:54:5: no Numba variant: values of a wider int type stored into a narrow int array") {
		t.Fatalf("emit:\n%s", stdout)
	}
	run := func(d string) string { return runScript(t, d, "narrow_ints.py") }
	want := run(dir)
	if !strings.Contains(want, "252737.0 55489 2024 629275 -74928 47488 629324.0") || !strings.Contains(want, "widened OverflowError 1249500") {
		t.Fatalf("the original prints %q", want)
	}
	// ray: with no cluster named, each kernel runs here over the whole range; its loops
	// compiled by Numba as written computed int16 sums in int64 (47488 became 12536560000).
	sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_inner", "numba_sum", "ray")
}

// TestEmitUnboundLocals: locals a nest may read unbound. The original raises
// UnboundLocalError where they are, or reads nothing over an empty loop; the variants did
// neither (Numba's helper read 0.0; a local bound before the nest on some paths only was
// passed to every variant as it started, raising where the original ran: found by review).
func TestEmitUnboundLocals(t *testing.T) {
	dir, out, stdout := emitAnnotated(t, "unbound_locals.py")
	if strings.Count(stdout, "optimized ") != 3 || strings.Count(stdout, "may be unbound where the loop nest reads it") != 8 {
		t.Fatalf("emit:\n%s", stdout)
	}
	run := func(d string) string { return runScript(t, d, "unbound_locals.py") }
	want := run(dir)
	for _, line := range []string{"after_loop 1 () UnboundLocalError", "maybe_before 0 (0.0,) ok", "maybe_before 5 (0.0,) UnboundLocalError",
		"rebound_first 5 (0.0,) ok", "else_break 5 (4, 1) UnboundLocalError", "deleted 0 (1,) ok", "in_try 5 (0.0,) UnboundLocalError",
		"except_as 0 (0.0,) ok", "except_as 5 (0.0,) UnboundLocalError", "checked_mode 5 (2,) ValueError"} {
		if !strings.Contains(want, line) {
			t.Fatalf("the original prints %q", want)
		}
	}
	sameForVariants(t, run, out, want, "", "numpy", "numba", "numba_inner", "numba_sum", "ray")
}

// sameForVariants runs the emitted program in out under each forced variant ("" for the
// dispatchers' own choice), CuPy off, and reports where it prints other than want.
func sameForVariants(t *testing.T, run func(dir string) string, out, want string, variants ...string) {
	t.Helper()
	t.Setenv("PYPARC_CUPY", "0")
	for _, v := range variants {
		t.Setenv("PYPARC_VARIANT", v)
		if got := run(out); got != want {
			t.Errorf("variant %q prints\n%s\nthe original\n%s", v, got, want)
		}
	}
}

// runScript runs a Python script in dir, warnings off, and returns what it prints.
func runScript(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command("python3", "-W", "ignore", script)
	cmd.Dir = dir
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 %s in %s: %v", script, dir, err)
	}
	return string(res)
}

// emitAnnotated copies a program of testdata/programs/basic and emits it from its
// annotations alone (no profile), into dir/out; it returns both and emit's output.
func emitAnnotated(t *testing.T, script string) (dir, out, stdout string) {
	t.Helper()
	needPython(t)
	dir = copyProgram(t, script)
	t.Setenv("PYPARC_DB", filepath.Join(dir, "no-such.db"))
	out = filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "-o", out, filepath.Join(dir, script))
	if code != 0 {
		t.Fatalf("emit: exit %d\n%s%s", code, stdout, stderr)
	}
	return dir, out, stdout
}

// withoutEnv is the environment less the variables whose names start with prefix: the
// default thresholds, whatever the shell running the tests set.
func withoutEnv(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// TestEmitGuardsFallBack calls an emitted kernel with arguments its variant was not made
// for; each call must give exactly what the original gives.
func TestEmitGuardsFallBack(t *testing.T) {
	needPython(t)
	db, err := corpusDB()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, k := range []string{"gemm", "jacobi_1d", "atax"} {
		if code, _, stderr := pyparc(t, "emit", "--db", db, "-o", filepath.Join(out, k), filepath.Join(polybench, k+".py")); code != 0 {
			t.Fatalf("emit %s: %s", k, stderr)
		}
	}
	script := filepath.Join("..", "..", "emit", "testdata", "check_guards.py")
	cmd := exec.Command("python3", script, polybench, out)
	// Every admitted jacobi-1d call runs the tiled wavefront, the variant whose isl bounds
	// negate the step count.
	cmd.Env = append(os.Environ(), "PYPARC_NUMBA_TILED_WORK=1", "PYPARC_NUMBA_TILED_DEPTH=0", "PYPARC_NUMBA_TILED_BREADTH=0", "PYPARC_CUPY=0")
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("guard checks failed: %v\n%s", err, res)
	}
	if !strings.Contains(string(res), "all guard cases fell back and matched") {
		t.Errorf("unexpected output:\n%s", res)
	}
	_ = os.Remove
}

// TestEmitFromSourceHints emits a program that was never profiled: its annotations (shape
// symbols N and M, and n, m named after them) are all pyparc knows.
func TestEmitFromSourceHints(t *testing.T) {
	needPython(t)
	dir := copyProgram(t, "smooth_annotated.py")
	t.Setenv("PYPARC_DB", filepath.Join(dir, "no-such.db"))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "-o", out, filepath.Join(dir, "smooth_annotated.py"))
	if code != 0 || !strings.Contains(stdout, "optimized  smooth") {
		t.Fatalf("emit: exit %d\n%s%s", code, stdout, stderr)
	}
	emitted, _ := os.ReadFile(filepath.Join(out, "smooth_annotated.py"))
	for _, want := range []string{"_u_0, _u_1 = u.shape", "n == _u_0", "m == _u_1", "_out_0 == _u_0", "def _smooth__numpy("} {
		if !strings.Contains(string(emitted), want) {
			t.Errorf("emitted program lacks %q", want)
		}
	}
	for _, n := range []string{"12", "40"} {
		want := runPython(t, dir, "smooth_annotated.py", n)
		if got := runPython(t, out, "smooth_annotated.py", n); got != want {
			t.Errorf("n=%s: emitted prints %q, original %q", n, got, want)
		}
	}
}

// TestEmitBasicPrograms profiles each basic program at one size, emits it, and runs original
// and emitted at two other sizes: what they print and save must agree.
func TestEmitBasicPrograms(t *testing.T) {
	needPython(t)
	dir := copyProgram(t, "gemm.py", "jacobi2d.py", "heat.py", "grid.py")
	db := filepath.Join(dir, "p.db")
	progs := []struct {
		script  string
		profile []string
		sizes   [][]string
		opt     string
	}{
		{"gemm.py", []string{"--n", "12"}, [][]string{{"--n", "7", "out.npz"}, {"--n", "31", "--repeat", "2", "out.npz"}}, "gemm"},
		{"jacobi2d.py", []string{"14", "3"}, [][]string{{"9", "2"}, {"33", "5"}}, "jacobi_2d"},
		{"heat.py", []string{"--n", "16", "--steps", "4"}, [][]string{{"--n", "21", "--steps", "12"}, {"--n", "40", "--steps", "30", "--float32"}}, ""},
	}
	for _, p := range progs {
		if code, _, stderr := pyparc(t, append([]string{"profile", "run", "--db", db, filepath.Join(dir, p.script)}, p.profile...)...); code != 0 {
			t.Fatalf("profile %s: %s", p.script, stderr)
		}
		out := filepath.Join(dir, "out-"+strings.TrimSuffix(p.script, ".py"))
		code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, filepath.Join(dir, p.script))
		if code != 0 {
			t.Fatalf("emit %s: %s", p.script, stderr)
		}
		if p.opt != "" && !strings.Contains(stdout, "optimized  "+p.opt+" ") {
			t.Errorf("%s: %s not optimized:\n%s", p.script, p.opt, stdout)
		}
		for _, args := range p.sizes {
			want := runPython(t, dir, append([]string{p.script}, args...)...)
			got := runPython(t, out, append([]string{p.script}, args...)...)
			if got != want {
				t.Errorf("%s %v: emitted prints %q, original %q", p.script, args, got, want)
			}
			if args[len(args)-1] == "out.npz" {
				if err := sameArrays(filepath.Join(dir, "out.npz"), filepath.Join(out, "out.npz")); err != nil {
					t.Errorf("%s %v: saved arrays differ: %v", p.script, args, err)
				}
			}
		}
	}
}

// TestTuneThenEmit tunes two corpus kernels, then checks that emit's dispatchers follow the
// recorded decisions and that the tuned programs still compute what the originals do.
func TestTuneThenEmit(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	for _, k := range []string{"gemm", "jacobi_1d"} {
		script := filepath.Join(polybench, k+".py")
		if code, _, stderr := pyparc(t, "profile", "run", "--db", db, script, "--size", "mini", filepath.Join(dir, k+".npz")); code != 0 {
			t.Fatalf("profile %s: %s", k, stderr)
		}
		code, out, stderr := pyparc(t, "tune", "--db", db, "--runs", "2", "--budget", "1", "--scales", "0.5,1,2", script)
		if code != 0 {
			t.Fatalf("tune %s: exit %d: %s", k, code, stderr)
		}
		if !strings.Contains(out, "kernel_"+k) || !strings.Contains(out, "choice: ") || !strings.Contains(out, "orig") {
			t.Errorf("tune %s printed no table with a choice:\n%s", k, out)
		}
		code, out, stderr = pyparc(t, "emit", "--db", db, "-o", filepath.Join(dir, "out", k), script)
		if code != 0 {
			t.Fatalf("emit %s: %s", k, stderr)
		}
		if !strings.Contains(out, "runs as tuned: ") {
			t.Errorf("emit %s ignored the tuning decision:\n%s", k, out)
		}
		emitted, _ := os.ReadFile(filepath.Join(dir, "out", k, k+".py"))
		if !strings.Contains(string(emitted), "_n = ") {
			t.Errorf("%s: dispatcher does not compute the work count", k)
		}
		// The decision is followed where CuPy is present too: it did not measure the GPU.
		if k == "gemm" && (!strings.Contains(string(emitted), "def _kernel_gemm__cupy(") || strings.Contains(string(emitted), "CUPY_MIN_WORK")) {
			t.Errorf("%s: want a CuPy variant that the tuned dispatcher does not pick by a fixed threshold", k)
		}
	}
	report := func() string {
		cmd := exec.Command("python3", filepath.Join("..", "..", "emit", "testdata", "check_polybench.py"),
			polybench, filepath.Join(dir, "out"), "gemm", "jacobi-1d")
		res, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tuned programs disagree with the originals: %v\n%s", err, res)
		}
		return string(res)
	}()
	if strings.Count(report, "optimized") != 4 {
		t.Errorf("tuned kernels did not take their variants:\n%s", report)
	}
}

// TestEmitNumPyStylePrograms profiles NumPy-style programs (whole-array statements inside
// loops), emits them with their array statements lowered to loops, and runs every variant at
// the profiled size and a larger one against the original.
func TestEmitNumPyStylePrograms(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	for _, n := range []string{"heat2d.py", "sor_poisson.py", "principal_axes.py", "whiten.py"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "programs", "numpy_style", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "p.db")
	// whiten.py is complex: a DFT whose twiddle factor becomes a matrix, a covariance
	// accumulated into a local array with +=, a Cholesky
	// factorization that raises on a matrix that is not positive definite, triangular solves.
	progs := []struct {
		script string
		fns    []string
	}{{"heat2d.py", []string{"diffuse"}}, {"sor_poisson.py", []string{"residual"}}, {"principal_axes.py", []string{"covariance"}},
		{"whiten.py", []string{"dft_time", "cross_covariance", "cholesky", "whiten", "weights"}}}
	for _, p := range progs {
		if code, _, stderr := pyparc(t, "profile", "run", "--db", db, filepath.Join(dir, p.script), "--size", "small", filepath.Join(dir, "p.npz")); code != 0 {
			t.Fatalf("profile %s: %s", p.script, stderr)
		}
		out := filepath.Join(dir, "out-"+strings.TrimSuffix(p.script, ".py"))
		code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, filepath.Join(dir, p.script))
		if code != 0 {
			t.Fatalf("emit %s: %s", p.script, stderr)
		}
		for _, fn := range p.fns {
			if !strings.Contains(stdout, "optimized  "+fn+" ") || !strings.Contains(stdout, "lowered to loops") {
				t.Errorf("%s: %s not lowered and optimized:\n%s", p.script, fn, stdout)
			}
		}
		if p.script == "whiten.py" {
			// The check in cholesky raises in every variant, as in the original.
			for _, variant := range []string{"orig", "numpy", "numba", "numba_inner"} {
				cmd := exec.Command("python3", "-c", `import numpy as np, whiten
R = np.eye(6, dtype=np.complex128); R[3, 3] = -1.0
try:
    whiten.cholesky(R)
except np.linalg.LinAlgError as e:
    print("raised", e)`)
				cmd.Dir, cmd.Env = out, append(os.Environ(), "PYPARC_VARIANT="+variant)
				res, err := cmd.CombinedOutput()
				if err != nil || !strings.Contains(string(res), "raised not positive definite") {
					t.Errorf("cholesky of a matrix that is not positive definite, variant %s: %v\n%s", variant, err, res)
				}
			}
		}
		for _, size := range []string{"small", "medium"} {
			runPython(t, dir, p.script, "--size", size, "want.npz")
			for _, variant := range []string{"", "numpy", "numba", "numba_inner"} {
				cmd := exec.Command("python3", p.script, "--size", size, "got.npz")
				cmd.Dir, cmd.Env = out, append(os.Environ(), "PYPARC_VARIANT="+variant)
				if res, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s %s %q: %v\n%s", p.script, size, variant, err, res)
				}
				if err := sameArrays(filepath.Join(dir, "want.npz"), filepath.Join(out, "got.npz")); err != nil {
					t.Errorf("%s %s variant %q: saved arrays differ: %v", p.script, size, variant, err)
				}
			}
		}
	}
}

// sameArrays compares two .npz files as DESIGN.md's correctness rules do (rtol 1e-9 for
// float64): the same names, every array close.
func sameArrays(want, got string) error {
	cmp := exec.Command("python3", "-c", `import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert set(a.files) == set(b.files)
for k in a.files:
    assert np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12), k`, want, got)
	if res, err := cmp.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, res)
	}
	return nil
}

// TestEmitTriangles runs the NumPy variants of triangles.py (masked products over triangles,
// loops carrying only anti dependences) against the original, also on inputs holding an inf
// and a nan, which the masked products must not multiply by the zeros outside their mask.
func TestEmitTriangles(t *testing.T) {
	needPython(t)
	dir := copyProgram(t, "triangles.py")
	db := filepath.Join(dir, "p.db")
	script := filepath.Join(dir, "triangles.py")
	for _, n := range [][]string{{"--n", "10", "--m", "7"}, {"--n", "14", "--m", "11"}} {
		if code, _, stderr := pyparc(t, append([]string{"profile", "run", "--db", db, script}, n...)...); code != 0 {
			t.Fatalf("profile: %s", stderr)
		}
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, script)
	if code != 0 {
		t.Fatalf("emit: %s", stderr)
	}
	for _, fn := range []string{"trmm", "lower_product", "upper_sums", "shift", "backward", "symm", "gram", "skew", "corr_like", "strict_upper"} {
		if !strings.Contains(stdout, "optimized  "+fn+" ") || !strings.Contains(stdout, fn) {
			t.Errorf("%s not optimized:\n%s", fn, stdout)
		}
	}
	emitted, err := os.ReadFile(filepath.Join(out, "triangles.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(emitted), "if _rt.finite(") {
		t.Errorf("no masked product in the emitted program:\n%s", emitted)
	}
	// symm's i loop runs as whole-array code, its last statement first, and reads A's
	// diagonal, which joins the two masked products in one product by the symmetric matrix.
	if !strings.Contains(string(emitted), ", A[_np.arange(0, max(0, _p_") || !strings.Contains(string(emitted), "_rt.mirrored_matmul(") {
		t.Errorf("symm's diagonal read is not vectorized, or its products not one:\n%s", emitted)
	}
	// gram's upper triangle and mirror are one product over the square, corr_like's and
	// strict_upper's strict ones too (the diagonal saved); skew's stay masked.
	for fn, masked := range map[string]bool{"gram": false, "skew": true, "corr_like": false, "strict_upper": false} {
		body := string(emitted)
		if at := strings.Index(body, "def _"+fn+"__numpy("); at >= 0 {
			body = body[at:]
			body = body[:strings.Index(body, "\n\n\n")]
		}
		strict := strings.Contains(fn, "_")
		if strings.Contains(body, "_mask") != masked || !strings.Contains(body, "def _"+fn+"__numpy(") || strings.Contains(body, "_diag0 = ") != strict {
			t.Errorf("%s's NumPy variant (want masked %v):\n%s", fn, masked, body)
		}
	}
	t.Setenv("PYPARC_VARIANT", "numpy")
	for _, args := range [][]string{
		{"--n", "12", "--m", "9"}, {"--n", "31", "--m", "5"}, {"--n", "31", "--m", "5", "--bad"},
		{"--n", "2", "--m", "3"}, {"--n", "1", "--m", "1"}, {"--n", "0", "--m", "4"}, {"--n", "17", "--m", "4", "--bad"},
		// symm's product by the symmetric matrix, from 16 columns of B (MIRROR_MIN_COLS).
		{"--n", "23", "--m", "20"}, {"--n", "23", "--m", "20", "--bad"},
	} {
		args = append(args, "out.npz")
		want := runPython(t, dir, append([]string{"triangles.py"}, args...)...)
		got := runPython(t, out, append([]string{"triangles.py"}, args...)...)
		if got != want {
			t.Errorf("%v: emitted prints %q, original %q", args, got, want)
		}
		if err := sameArraysNaN(filepath.Join(dir, "out.npz"), filepath.Join(out, "out.npz")); err != nil {
			t.Errorf("%v: saved arrays differ: %v", args, err)
		}
	}
}

// TestEmitFusedDefault: untuned, gemver-like elementwise matrix work runs the Numba variant
// from NUMBA_FUSED_MIN elements, but not in float32, not where a loop nest has no Numba form
// and not beside a matrix product (the first two found by review); outputs match the
// original below and above the threshold.
func TestEmitFusedDefault(t *testing.T) {
	dir, out, stdout := profileAndEmit(t, "fused.py", "10", "13")
	for fn, fused := range map[string]bool{"rank1": true, "rank1_f32": false, "split": false, "product": false} {
		line := summaryLine(stdout, fn)
		if got := strings.Contains(line, "numba from A.size >= NUMBA_FUSED_MIN"); line == "" || got != fused {
			t.Errorf("%s: compiled default %v, want %v:\n%s", fn, got, fused, line)
		}
	}
	for _, n := range []string{"12", "200"} {
		want := runPython(t, dir, "fused.py", "--n", n, "out.npz")
		got := runPython(t, out, "fused.py", "--n", n, "out.npz")
		if got != want {
			t.Errorf("--n %s: emitted prints %q, original %q", n, got, want)
		}
		if err := sameArraysNaN(filepath.Join(dir, "out.npz"), filepath.Join(out, "out.npz")); err != nil {
			t.Errorf("--n %s: saved arrays differ: %v", n, err)
		}
	}
}

// TestEmitMatvecDefault: untuned, the summing variant runs for matrix-vector products whose
// NumPy variant makes two or more BLAS calls that its one pass replaces: two sums a row
// (gesummv) or one matrix read for two products (bicg); not for one product whose comments
// name products, nor for products in nests of their own, nor for vector dot products, nor
// for two sums a row of no products beside products elsewhere, nor for row and column sums
// under a comment naming a product, nor for matrix products beside a cube (all found by
// review). Outputs match the original below and above NUMBA_MATVEC_MIN.
func TestEmitMatvecDefault(t *testing.T) {
	dir, out, stdout := profileAndEmit(t, "matvec.py", "10", "13")
	for fn, want := range map[string]string{
		"rows":   "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN below NUMBA_UNFUSED_MAX for matrix-vector work",
		"shared": "runs numpy, numba_sum from A.size >= NUMBA_MATVEC_MIN for matrix-vector work",
		"one":    "runs numpy", "apart": "runs numpy", "dots": "runs numpy",
		"sums_apart": "runs numpy", "no_product": "runs numpy", "products": "runs numpy"} {
		line := summaryLine(stdout, fn)
		if !strings.HasSuffix(line, want) {
			t.Errorf("%s: want %q at the end of:\n%s", fn, want, line)
		}
	}
	for _, n := range []string{"12", "200"} {
		want := runPython(t, dir, "matvec.py", "--n", n, "out.npz")
		got := runPython(t, out, "matvec.py", "--n", n, "out.npz")
		if err := sameArraysNaN(filepath.Join(dir, "out.npz"), filepath.Join(out, "out.npz")); err != nil {
			t.Errorf("--n %s: saved arrays differ: %v (prints %q, the original %q)", n, err, got, want)
		}
	}
}

// profileAndEmit copies a program of testdata/programs/basic, profiles it at each --n size
// and emits it into dir/out; it returns both and emit's output.
func profileAndEmit(t *testing.T, script string, sizes ...string) (dir, out, stdout string) {
	t.Helper()
	needPython(t)
	dir = copyProgram(t, script)
	db := filepath.Join(dir, "p.db")
	path := filepath.Join(dir, script)
	runs := [][]string{nil} // no sizes: one run without arguments
	if len(sizes) > 0 {
		runs = nil
		for _, n := range sizes {
			runs = append(runs, []string{"--n", n})
		}
	}
	for _, args := range runs {
		if code, _, stderr := pyparc(t, append([]string{"profile", "run", "--db", db, path}, args...)...); code != 0 {
			t.Fatalf("profile: %s", stderr)
		}
	}
	out = filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, path)
	if code != 0 {
		t.Fatalf("emit: %s", stderr)
	}
	return dir, out, stdout
}

// summaryLine is emit's line about function fn, or "".
func summaryLine(stdout, fn string) string {
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "optimized  "+fn+" ") {
			return l
		}
	}
	return ""
}

// sameArraysNaN is sameArrays with nan equal to nan at the same places.
func sameArraysNaN(want, got string) error {
	cmp := exec.Command("python3", "-c", `import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert set(a.files) == set(b.files)
for k in a.files:
    assert np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12, equal_nan=True), k
    assert (np.isnan(a[k]) == np.isnan(b[k])).all(), k`, want, got)
	if res, err := cmp.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, res)
	}
	return nil
}

// TestEmitSTAP profiles the STAP radar pipeline (testdata/programs/stap: complex data, a
// Cholesky with a check, covariance over a list of training cells), emits it, and runs every
// variant against the original.
func TestEmitSTAP(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	for _, n := range []string{"stap.py", "stap_kernels.py"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "programs", "stap", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "p.db")
	if code, _, stderr := pyparc(t, "profile", "run", "--db", db, filepath.Join(dir, "stap.py"), "--size", "small", filepath.Join(dir, "p.npz")); code != 0 {
		t.Fatalf("profile: %s", stderr)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := pyparc(t, "emit", "--db", db, "-o", out, filepath.Join(dir, "stap.py"))
	if code != 0 {
		t.Fatalf("emit: %s", stderr)
	}
	for _, fn := range []string{"doppler_filter", "estimate_covariance", "cholesky", "forward_substitution", "back_substitution_h"} {
		if !strings.Contains(stdout, "optimized  "+fn+" ") {
			t.Errorf("%s not optimized:\n%s", fn, stdout)
		}
	}
	// The covariance is one matrix product over the gathered training cells.
	b, err := os.ReadFile(filepath.Join(out, "stap_kernels.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "np.take(X, cells, axis=1)") || !strings.Contains(string(b), "_rt.int_list(cells)") {
		t.Errorf("estimate_covariance does not gather its cells:\n%s", b)
	}
	// Profiled with 4 channels, the guards admit any number (the realistic size has 12).
	if strings.Contains(string(b), ".shape[0] == 4") {
		t.Errorf("a guard fixes the channel count seen in the profile:\n%s", b)
	}
	runPython(t, dir, "stap.py", "--size", "small", "want.npz")
	for _, variant := range []string{"", "numpy", "numba"} {
		cmd := exec.Command("python3", "stap.py", "--size", "small", "got.npz")
		cmd.Dir, cmd.Env = out, append(os.Environ(), "PYPARC_VARIANT="+variant)
		if res, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("variant %q: %v\n%s", variant, err, res)
		}
		if err := sameArrays(filepath.Join(dir, "want.npz"), filepath.Join(out, "got.npz")); err != nil {
			t.Errorf("variant %q: saved arrays differ: %v", variant, err)
		}
	}
}
