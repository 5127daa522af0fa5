package store

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "profile.db")
	s, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func i64(v int64) *int64 { return &v }

func sampleSnapshot(calls int64, n int64) *Snapshot {
	return &Snapshot{
		Functions: []Function{{
			QualName: "kernel", Module: "__main__", File: "/p/k.py", FirstLine: 3,
			Calls: calls, TotalNS: 100 * calls, SelfNS: 90 * calls,
			Signatures: []Signature{{
				Args: []Arg{
					{Name: "A", Value: Value{Type: "ndarray", DType: "float64", NDim: 2, Shape: []int64{n, n}, CContiguous: true}},
					{Name: "n", Value: Value{Type: "int", Min: i64(n), Max: i64(n)}},
				},
				Returns: []Return{{Value: Value{Type: "None"}, Count: calls}},
				Calls:   calls,
			}},
		}},
		Stacks: []Stack{
			{Frames: []Frame{{"/p/k.py", 5, "kernel"}, {"/p/k.py", 10, "<module>"}}, Samples: 7, NS: 7e6},
			{Frames: []Frame{{"/p/k.py", 5, "kernel"}, {"/p/k.py", 11, "<module>"}}, Samples: 3, NS: 3e6},
			{Frames: []Frame{{"/p/k.py", 6, "kernel"}}, Samples: 1, NS: 1e6},
		},
	}
}

func TestOpenCreatesCurrentSchema(t *testing.T) {
	s, path := openTemp(t)
	v, err := s.Version()
	if err != nil || v != len(migrations) {
		t.Fatalf("version = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	s.Close()
	// Reopening an up-to-date database changes nothing.
	s2, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

func TestOpenWithoutCreate(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none.db"), false)
	if err == nil || !strings.Contains(err.Error(), "no profile database") {
		t.Fatalf("err = %v, want a missing database error", err)
	}
}

func TestMigrateFromVersion1KeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{path: path, db: db}
	if err := old.migrate(migrations[:1]); err != nil {
		t.Fatal(err)
	}
	id, err := old.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py"}, StartedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.SaveSnapshot(id, sampleSnapshot(2, 8)); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(); v != len(migrations) {
		t.Fatalf("version after migration = %d, want %d", v, len(migrations))
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'functions_by_name'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("index from migration 2 missing: %d, %v", n, err)
	}
	funcs, _, err := s.Functions(id)
	if err != nil || len(funcs) != 1 || funcs[0].Calls != 2 {
		t.Fatalf("functions after migration = %+v, %v", funcs, err)
	}
}

// rejectedUntouched checks that Open refuses path with an error containing want and leaves
// the file's bytes as they were.
func rejectedUntouched(t *testing.T, path, want string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, create := range []bool{true, false} {
		s, err := Open(path, create)
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s, %v) succeeded, want error containing %q", path, create, want)
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("Open error = %q, want it to name %s and say %q", err, path, want)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("%s was modified by a failed Open", path)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Errorf("%s-wal was created by a failed Open", path)
	}
}

func TestNewerSchemaRejected(t *testing.T) {
	s, path := openTemp(t)
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rejectedUntouched(t, path, "newer than this pyparc")
	_, err := Open(path, false)
	if !errors.Is(err, ErrNewerSchema) {
		t.Errorf("err = %v, want ErrNewerSchema", err)
	}
}

func TestCorruptFilesRejected(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database at all\n"), 300), 0o644)
	rejectedUntouched(t, garbage, "not a pyparc profile database")

	// A real database whose pages were overwritten past the header.
	s, damaged := openTemp(t)
	id, _ := s.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py"}, StartedAt: time.Now()})
	for i := 0; i < 50; i++ {
		s.SaveSnapshot(id, sampleSnapshot(int64(i+1), int64(i+2)))
	}
	if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, _ := os.ReadFile(damaged)
	if len(b) < 3*4096 {
		t.Fatalf("database too small to damage: %d bytes", len(b))
	}
	for i := 4096; i < len(b); i++ {
		b[i] = 0xA5
	}
	os.WriteFile(damaged, b, 0o644)
	rejectedUntouched(t, damaged, "corrupt")
}

func TestUnwritableLocation(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, []byte("x"), 0o644)
	_, err := Open(filepath.Join(file, "profile.db"), true)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(file, "profile.db")) {
		t.Fatalf("err = %v, want an error naming the path", err)
	}
}

func TestSnapshotReplacesAndReads(t *testing.T) {
	s, _ := openTemp(t)
	started := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	id, err := s.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py", "--n", "8"}, Cwd: "/p",
		Python: "/usr/bin/python3", StartedAt: started})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(id, sampleSnapshot(1, 8)); err != nil {
		t.Fatal(err)
	}
	// The next snapshot is cumulative: it replaces the counts, it does not add to them.
	if err := s.SaveSnapshot(id, sampleSnapshot(5, 8)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRunVersions(id, "3.11.7", "2.4.6", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(id, 2*time.Second, 3, "exit 3"); err != nil {
		t.Fatal(err)
	}

	run, err := s.Run(0)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != id || !run.Finished || run.ExitCode != 3 || run.Duration != 2*time.Second ||
		!run.StartedAt.Equal(started) || run.PythonVersion != "3.11.7" || len(run.Argv) != 3 {
		t.Errorf("run = %+v", run)
	}
	funcs, bad, err := s.Functions(id)
	if err != nil || len(bad) != 0 {
		t.Fatal(err, bad)
	}
	if len(funcs) != 1 || funcs[0].Calls != 5 || funcs[0].SelfNS != 450 {
		t.Fatalf("functions = %+v", funcs)
	}
	sigs := funcs[0].Signatures
	if len(sigs) != 1 || sigs[0].Calls != 5 || sigs[0].Args[0].Value.String() != "float64[8, 8]" ||
		sigs[0].Args[1].Value.String() != "int =8" {
		t.Errorf("signatures = %+v", sigs)
	}
	lines, err := s.LineSamples(id)
	if err != nil {
		t.Fatal(err)
	}
	want := []LineSample{{"/p/k.py", 5, "kernel", 10, 10e6}, {"/p/k.py", 6, "kernel", 1, 1e6}}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("line samples = %v, want %v", lines, want)
	}
	stacks, err := s.Stacks(id)
	if err != nil || len(stacks) != 3 || stacks[0].Frames[1].Line != 10 {
		t.Errorf("stacks = %+v, %v", stacks, err)
	}
}

func TestMergeSignaturesWidensRanges(t *testing.T) {
	a := Signature{Args: []Arg{{Name: "n", Value: Value{Type: "int", Min: i64(3), Max: i64(5)}}}, Calls: 2}
	b := Signature{Args: []Arg{{Name: "n", Value: Value{Type: "int", Min: i64(1), Max: i64(4)}}}, Calls: 3}
	c := Signature{Args: []Arg{{Name: "n", Value: Value{Type: "float"}}}, Calls: 1}
	keys, merged, err := mergeSignatures([]Signature{a, b, c})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || len(merged) != 2 {
		t.Fatalf("merged = %+v", merged)
	}
	v := merged[0].Args[0].Value
	if merged[0].Calls != 5 || *v.Min != 1 || *v.Max != 5 {
		t.Errorf("merged int signature = %+v (%d..%d)", merged[0], *v.Min, *v.Max)
	}
}

func TestBadSignatureRowDoesNotHideOthers(t *testing.T) {
	s, _ := openTemp(t)
	id, _ := s.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py"}, StartedAt: time.Now()})
	if err := s.SaveSnapshot(id, sampleSnapshot(1, 4)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO signatures (function_id, key, args, returns, calls)
		SELECT id, 'broken', '{not json', '[]', 9 FROM functions`); err != nil {
		t.Fatal(err)
	}
	funcs, bad, err := s.Functions(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || len(funcs) != 1 || len(funcs[0].Signatures) != 1 {
		t.Errorf("functions = %+v, bad = %v; want the good signature kept and one error", funcs, bad)
	}
}

func TestConcurrentWritersBothLand(t *testing.T) {
	_, path := openTemp(t)
	const writers, snaps = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	ids := make([]int64, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s, err := Open(path, true) // a connection of its own, as another process would have
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			id, err := s.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py"}, StartedAt: time.Now()})
			if err != nil {
				errs <- err
				return
			}
			ids[w] = id
			for i := 1; i <= snaps; i++ {
				if err := s.SaveSnapshot(id, sampleSnapshot(int64(i), int64(w+2))); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for w, id := range ids {
		funcs, _, err := s.Functions(id)
		if err != nil || len(funcs) != 1 || funcs[0].Calls != snaps ||
			funcs[0].Signatures[0].Args[0].Value.Shape[0] != int64(w+2) {
			t.Errorf("writer %d: functions = %+v, %v", w, funcs, err)
		}
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Value{Type: "ndarray", DType: "float32", Shape: []int64{3, 4}, FContiguous: true}, "float32[3, 4] F"},
		{Value{Type: "ndarray", DType: "int64", Shape: []int64{5}, View: true, CContiguous: true, FContiguous: true}, "int64[5] view"},
		{Value{Type: "ndarray", DType: "float64", Shape: []int64{4, 4}}, "float64[4, 4] strided"},
		{Value{Type: "int", Min: i64(2), Max: i64(9)}, "int 2..9"},
		{Value{Type: "list", Elem: []Value{{Type: "float"}, {Type: "int"}}}, "list[float | int]"},
		{Value{Type: "dict", Key: []Value{{Type: "str"}}, Val: []Value{{Type: "float"}}}, "dict[str, float]"},
		{Value{Type: "tuple", Items: []Value{{Type: "float"}, {Type: "ndarray", DType: "int8", Shape: []int64{2}, CContiguous: true, FContiguous: true}}}, "tuple[float, int8[2]]"},
		{Value{Type: "npscalar", DType: "float64"}, "np.float64"},
		{Value{Type: "object", Class: "__main__.Grid"}, "__main__.Grid"},
		{Value{Type: "None"}, "None"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestAllRunsMergesAcrossRuns(t *testing.T) {
	s, _ := openTemp(t)
	for _, n := range []int64{8, 8, 16} {
		id, err := s.CreateRun(Run{Script: "/p/k.py", Argv: []string{"k.py"}, StartedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSnapshot(id, sampleSnapshot(2, n)); err != nil {
			t.Fatal(err)
		}
	}
	if funcs, _, _ := s.AllRuns("/other/script.py"); len(funcs) != 0 {
		t.Errorf("AllRuns of another script = %+v", funcs)
	}
	funcs, bad, err := s.AllRuns("/p/k.py")
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	if len(funcs) != 1 || funcs[0].Calls != 6 || len(funcs[0].Signatures) != 2 {
		t.Fatalf("AllRuns = %+v", funcs)
	}
	if got := funcs[0].Signatures[0]; got.Calls != 4 || got.Args[0].Value.Shape[0] != 8 {
		t.Errorf("merged signature = %+v", got)
	}
}

func TestTuneRecords(t *testing.T) {
	s, _ := openTemp(t)
	for _, m := range []Measurement{
		{File: "/p/k.py", QualName: "k", Target: "cpu", Variant: "numpy", Scale: 1, Work: 100, Seconds: 0.5, Runs: 5, OK: true},
		{File: "/p/k.py", QualName: "k", Target: "cpu", Variant: "bad", Scale: 1, Work: 100, OK: false, Detail: "wrong result"},
	} {
		if err := s.SaveMeasurement(m); err != nil {
			t.Fatal(err)
		}
	}
	d := Decision{Work: "x.shape[0]", Ranges: []VariantRange{{Below: 1000, Variant: "numba"}, {Variant: "numpy"}},
		Models: map[string]Model{"numpy": {A: 1e-5, B: 1e-9, C: 1}}}
	if err := s.SaveDecision("/p/k.py", "k", "cpu", d); err != nil {
		t.Fatal(err)
	}
	d.Ranges[0].Below = 2000 // a later tune replaces the decision
	if err := s.SaveDecision("/p/k.py", "k", "cpu", d); err != nil {
		t.Fatal(err)
	}
	got, err := s.Decisions("/p/k.py", "cpu")
	if err != nil || len(got) != 1 || got["k"].Ranges[0].Below != 2000 || got["k"].Work != "x.shape[0]" {
		t.Errorf("decisions = %+v, %v", got, err)
	}
	if other, _ := s.Decisions("/p/k.py", "gpu"); len(other) != 0 {
		t.Errorf("gpu decisions = %+v", other)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM tune_measurements WHERE seconds IS NULL AND ok = 0`).Scan(&n)
	if n != 1 {
		t.Errorf("failed measurement stored %d times with no time, want 1", n)
	}
}
