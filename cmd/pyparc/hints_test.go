package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyProgram copies files of testdata/programs/basic into a fresh directory.
func copyProgram(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "programs", "basic", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runPython(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("python3", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestHintsApplyKeepsBehaviour(t *testing.T) {
	needPython(t)
	dir := copyProgram(t, "heat.py", "grid.py")
	db := filepath.Join(dir, "p.db")
	script := filepath.Join(dir, "heat.py")
	for _, n := range []string{"24", "40"} {
		if code, _, stderr := pyparc(t, "profile", "run", "--db", db, script, "--n", n, "--steps", "20"); code != 0 {
			t.Fatalf("profile: exit %d: %s", code, stderr)
		}
	}
	before := runPython(t, dir, "heat.py", "--n", "33", "--steps", "30")
	gridBefore, _ := os.ReadFile(filepath.Join(dir, "grid.py"))

	code, out, stderr := pyparc(t, "hints", "--db", db, script)
	if code != 0 {
		t.Fatalf("hints: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`def laplacian(u: Annotated[NDArray[np.float64], "N N"], h: float) -> Annotated[NDArray[np.float64], "N N"]`,
		`def step(u: Annotated[NDArray[np.float64], "N N"], dt: float, h: float, kappa: float) -> Annotated[NDArray[np.float64], "N N"]`,
		`def simulate(n: int, steps: int, dtype: type) -> tuple[`,
		"# n in 24..40",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("hints output lacks %q:\n%s", want, out)
		}
	}

	code, out, stderr = pyparc(t, "hints", "--db", db, "--apply", script)
	if code != 0 || !strings.Contains(out, "annotated heat.py") && !strings.Contains(out, "heat.py") {
		t.Fatalf("hints --apply: exit %d: %s %s", code, out, stderr)
	}
	gridAfter, _ := os.ReadFile(filepath.Join(dir, "grid.py"))
	if string(gridAfter) == string(gridBefore) || !strings.Contains(string(gridAfter), "from numpy.typing import NDArray") {
		t.Errorf("grid.py was not annotated:\n%s", gridAfter)
	}
	// Only signature lines and import lines changed.
	oldLines, newLines := strings.Split(string(gridBefore), "\n"), strings.Split(string(gridAfter), "\n")
	added := 0
	for _, l := range newLines {
		if !contains(oldLines, l) {
			added++
			if !strings.HasPrefix(l, "def ") && !strings.HasPrefix(l, "from ") && !strings.HasPrefix(l, "import ") {
				t.Errorf("--apply changed a line that is not a signature or an import: %q", l)
			}
		}
	}
	if added == 0 {
		t.Errorf("no line changed")
	}
	after := runPython(t, dir, "heat.py", "--n", "33", "--steps", "30")
	if after != before {
		t.Errorf("annotated program prints %q, the original %q", after, before)
	}
	if _, err := exec.Command("python3", "-m", "mypy", "--version").CombinedOutput(); err == nil {
		// mypy now checks the bodies too; what pyparc answers for is the signatures: no error
		// may point at a def line or an import line.
		cmd := exec.Command("python3", "-m", "mypy", "--ignore-missing-imports", "--no-error-summary",
			"--follow-imports=silent", "grid.py", "heat.py")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		files := map[string][]string{"grid.py": newLines}
		heat, _ := os.ReadFile(filepath.Join(dir, "heat.py"))
		files["heat.py"] = strings.Split(string(heat), "\n")
		for _, l := range strings.Split(string(out), "\n") {
			parts := strings.SplitN(l, ":", 3)
			if len(parts) < 3 || !strings.Contains(parts[2], "error") {
				continue
			}
			var n int
			fmt.Sscan(parts[1], &n)
			src := files[parts[0]]
			if n >= 1 && n <= len(src) {
				line := strings.TrimSpace(src[n-1])
				if strings.HasPrefix(line, "def ") || strings.HasPrefix(line, "from ") || strings.HasPrefix(line, "import ") {
					t.Errorf("mypy rejects an annotated signature or import: %s\n  %s", l, line)
				}
			}
		}
	}

	stubs := filepath.Join(dir, "stubs")
	if code, _, stderr := pyparc(t, "hints", "--db", db, "--stub", stubs, script); code != 0 {
		t.Fatalf("hints --stub: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(stubs, "grid.pyi")); err != nil || !strings.Contains(string(b), "def laplacian(") {
		t.Errorf("grid.pyi: %v\n%s", err, b)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
