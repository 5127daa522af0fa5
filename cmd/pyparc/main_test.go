package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyparc/pyparc/store"
)

// pyparc runs the command line in-process and returns the exit status, what the command wrote
// to stdout and what pyparc itself wrote to stderr.
func pyparc(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	var stderr bytes.Buffer
	code := run(context.Background(), append([]string{"pyparc"}, args...), &stderr)
	os.Stdout = saved
	w.Close()
	return code, <-done, stderr.String()
}

func write(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func needPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
}

func TestBadInputIsOneLineError(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	goodDB := filepath.Join(dir, "fresh", "profile.db")
	bin := filepath.Join(dir, "data.bin")
	os.WriteFile(bin, []byte("\x00\x01\x02binary"), 0o644)
	bad := write(t, dir, "bad.py", "import numpy\n\nx = (1,\ny = 2 +\n")
	ok := write(t, dir, "ok.py", "print('hi')\n")

	corrupt := write(t, dir, "corrupt.db", strings.Repeat("garbage ", 1000))
	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(newer, true)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out, err := exec.Command("python3", "-c",
		"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=42'); c.close()",
		newer).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}

	tests := []struct {
		name string
		args []string
		want string // a substring of the one line printed
	}{
		{"no script", []string{"profile", "run", "--db", goodDB}, "no script given"},
		{"missing script", []string{"profile", "run", "--db", goodDB, filepath.Join(dir, "nope.py")}, "nope.py: no such file"},
		{"directory", []string{"profile", "run", "--db", goodDB, dir}, "is a directory"},
		{"not python", []string{"profile", "run", "--db", goodDB, bin}, "data.bin: not a Python source file"},
		{"syntax error", []string{"profile", "run", "--db", filepath.Join(dir, "syntax.db"), bad}, bad + ":3:"},
		{"corrupt db", []string{"profile", "run", "--db", corrupt, ok}, corrupt + ": not a pyparc profile database"},
		{"newer db", []string{"profile", "run", "--db", newer, ok}, newer + ": database schema is newer"},
		{"unwritable db", []string{"profile", "run", "--db", filepath.Join(ok, "x.db"), ok}, "x.db"},
		{"show without db", []string{"profile", "show", "--db", filepath.Join(dir, "none.db")}, "no profile database"},
		{"show corrupt", []string{"profile", "show", "--db", corrupt}, "not a pyparc profile database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(corrupt)
			code, _, stderr := pyparc(t, tt.args...)
			if code == 0 {
				t.Errorf("exit 0, want failure")
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(stderr, "pyparc: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want one line \"pyparc: ...%s...\"", stderr, tt.want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr shows a Go panic: %s", stderr)
			}
			after, _ := os.ReadFile(corrupt)
			if !bytes.Equal(before, after) {
				t.Errorf("the corrupt database was modified")
			}
		})
	}
	if _, err := os.Stat(goodDB); err == nil {
		t.Errorf("a database was created although no script ran")
	}
}

func TestRunShowRoundTrip(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	script := write(t, dir, "prog.py", `import sys
import numpy as np
def smooth(x, n):
    for i in range(1, n - 1):
        x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0
    return x
for n in (16, 32):
    smooth(np.ones(n, dtype=np.float32), n)
print(" ".join(sys.argv[1:]))
sys.exit(4)
`)
	// Flags after SCRIPT belong to the script, even ones pyparc also has.
	code, out, stderr := pyparc(t, "profile", "run", "--db", db, script, "--db", "theirs", "-x")
	if code != 4 || out != "--db theirs -x\n" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 4, the script's arguments, nothing", code, out, stderr)
	}

	code, out, stderr = pyparc(t, "profile", "show", "--db", db)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"smooth", "x: float32[16], n: int =16", "x: float32[32], n: int =32",
		"-> float32[16]", "exit 4", "prog.py --db theirs -x"} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = pyparc(t, "profile", "show", "--db", db, "--json")
	var rep profileReport
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil {
		t.Fatalf("show --json: exit %d, %v\n%s", code, err, out)
	}
	var found bool
	for _, f := range rep.Functions {
		if f.QualName == "smooth" {
			found = f.Calls == 2 && len(f.Signatures) == 2 && f.Signatures[0].Args[0].Value.DType == "float32"
		}
	}
	if !found || rep.Run.ExitCode != 4 {
		t.Errorf("show --json: smooth not found with 2 calls and 2 float32 signatures: %+v", rep)
	}

	// PYPARC_DB names the database when --db does not.
	t.Setenv("PYPARC_DB", db)
	if code, out, _ := pyparc(t, "profile", "show", "--run", "1"); code != 0 || !strings.Contains(out, "smooth") {
		t.Errorf("show via PYPARC_DB: exit %d\n%s", code, out)
	}
}

func TestHelpIsTrue(t *testing.T) {
	code, out, _ := pyparc(t, "profile", "run", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"SCRIPT [ARGS...]", "--db", "--pprof", "--python", "exit code"} {
		if !strings.Contains(out, want) {
			t.Errorf("profile run --help lacks %q:\n%s", want, out)
		}
	}
}
