package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// ErrNoRun reports that the database holds no run (of the requested id).
var ErrNoRun = errors.New("no such run")

const runColumns = `id, script, argv, cwd, python, python_version, numpy_version, started_at,
	duration_ns, exit_code, exit_status, sample_period_ns`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var (
		r        Run
		argv     string
		started  string
		duration sql.NullInt64
		code     sql.NullInt64
		status   sql.NullString
		period   int64
	)
	err := row.Scan(&r.ID, &r.Script, &argv, &r.Cwd, &r.Python, &r.PythonVersion, &r.NumpyVersion,
		&started, &duration, &code, &status, &period)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(argv), &r.Argv); err != nil {
		return r, fmt.Errorf("run %d: argv: %w", r.ID, err)
	}
	if r.StartedAt, err = time.Parse(time.RFC3339Nano, started); err != nil {
		return r, fmt.Errorf("run %d: start time: %w", r.ID, err)
	}
	r.Finished = status.Valid
	r.Duration = time.Duration(duration.Int64)
	r.ExitCode = int(code.Int64)
	r.ExitStatus = status.String
	r.SamplePeriod = time.Duration(period)
	return r, nil
}

// Runs returns every run, oldest first.
func (s *Store) Runs() ([]Run, error) {
	rows, err := s.db.Query(`SELECT ` + runColumns + ` FROM runs ORDER BY id`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// Run returns the run with the given id, or the newest run when id is 0.
func (s *Store) Run(id int64) (Run, error) {
	q := `SELECT ` + runColumns + ` FROM runs WHERE id = ?`
	args := []any{id}
	if id == 0 {
		q = `SELECT ` + runColumns + ` FROM runs ORDER BY id DESC LIMIT 1`
		args = nil
	}
	r, err := scanRun(s.db.QueryRow(q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		if id == 0 {
			return r, ErrNoRun
		}
		return r, fmt.Errorf("%w: %d", ErrNoRun, id)
	}
	return r, describe(err)
}

// Functions returns what run id recorded per function, by self time (highest first), each with
// its signatures by call count. A signature row that does not decode is skipped and reported in
// the returned error list, so one damaged row never hides the rest.
func (s *Store) Functions(id int64) ([]Function, []error, error) {
	rows, err := s.db.Query(`SELECT id, run_id, qualname, module, file, first_line, calls, total_ns,
		self_ns, exceptions FROM functions WHERE run_id = ? ORDER BY self_ns DESC, id`, id)
	if err != nil {
		return nil, nil, describe(err)
	}
	var funcs []Function
	for rows.Next() {
		var f Function
		if err := rows.Scan(&f.ID, &f.RunID, &f.QualName, &f.Module, &f.File, &f.FirstLine, &f.Calls,
			&f.TotalNS, &f.SelfNS, &f.Exceptions); err != nil {
			rows.Close()
			return nil, nil, err
		}
		funcs = append(funcs, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var bad []error
	for i := range funcs {
		sigs, errs, err := s.signatures(funcs[i].ID)
		if err != nil {
			return nil, nil, err
		}
		funcs[i].Signatures = sigs
		bad = append(bad, errs...)
	}
	return funcs, bad, nil
}

func (s *Store) signatures(functionID int64) ([]Signature, []error, error) {
	rows, err := s.db.Query(`SELECT id, args, returns, calls FROM signatures WHERE function_id = ?
		ORDER BY calls DESC, id`, functionID)
	if err != nil {
		return nil, nil, describe(err)
	}
	defer rows.Close()
	var (
		sigs []Signature
		bad  []error
	)
	for rows.Next() {
		var (
			id         int64
			args, rets string
			sig        Signature
		)
		if err := rows.Scan(&id, &args, &rets, &sig.Calls); err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal([]byte(args), &sig.Args); err != nil {
			bad = append(bad, fmt.Errorf("signature %d: args: %w", id, err))
			continue
		}
		if err := json.Unmarshal([]byte(rets), &sig.Returns); err != nil {
			bad = append(bad, fmt.Errorf("signature %d: returns: %w", id, err))
			continue
		}
		sigs = append(sigs, sig)
	}
	return sigs, bad, rows.Err()
}

// LineSamples returns run id's samples per line, most time first.
func (s *Store) LineSamples(id int64) ([]LineSample, error) {
	rows, err := s.db.Query(`SELECT file, line, function, samples, ns FROM line_samples
		WHERE run_id = ? ORDER BY ns DESC, samples DESC, file, line`, id)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []LineSample
	for rows.Next() {
		var ls LineSample
		if err := rows.Scan(&ls.File, &ls.Line, &ls.Function, &ls.Samples, &ls.NS); err != nil {
			return nil, err
		}
		out = append(out, ls)
	}
	return out, rows.Err()
}

// Stacks returns run id's sampled stacks.
func (s *Store) Stacks(id int64) ([]Stack, error) {
	rows, err := s.db.Query(`SELECT stack, samples, ns FROM stack_samples WHERE run_id = ?
		ORDER BY ns DESC, stack`, id)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []Stack
	for rows.Next() {
		var (
			raw string
			st  Stack
		)
		if err := rows.Scan(&raw, &st.Samples, &st.NS); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &st.Frames); err != nil {
			return nil, fmt.Errorf("run %d: stack %q: %w", id, raw, err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// AllRuns returns, per function (file and qualified name), what every run recorded about it:
// calls and times summed, signatures merged across runs (equal signatures add up, int ranges
// widen). Functions come by self time, highest first; first line and module are the newest run's.
//
// With a non-empty script, only the runs of that script (its absolute path) count.
func (s *Store) AllRuns(script string) ([]Function, []error, error) {
	rows, err := s.db.Query(`SELECT f.id, f.qualname, f.module, f.file, f.first_line, f.calls,
		f.total_ns, f.self_ns, f.exceptions FROM functions f JOIN runs r ON r.id = f.run_id
		WHERE ? = '' OR r.script = ? ORDER BY f.file, f.qualname, f.run_id`, script, script)
	if err != nil {
		return nil, nil, describe(err)
	}
	type key struct{ file, qualname string }
	index := map[key]int{}
	var (
		funcs []Function
		ids   [][]int64
	)
	for rows.Next() {
		var f Function
		if err := rows.Scan(&f.ID, &f.QualName, &f.Module, &f.File, &f.FirstLine, &f.Calls,
			&f.TotalNS, &f.SelfNS, &f.Exceptions); err != nil {
			rows.Close()
			return nil, nil, err
		}
		k := key{f.File, f.QualName}
		i, ok := index[k]
		if !ok {
			index[k] = len(funcs)
			funcs = append(funcs, f)
			ids = append(ids, []int64{f.ID})
			continue
		}
		g := &funcs[i]
		g.Module, g.FirstLine = f.Module, f.FirstLine
		g.Calls += f.Calls
		g.TotalNS += f.TotalNS
		g.SelfNS += f.SelfNS
		g.Exceptions += f.Exceptions
		ids[i] = append(ids[i], f.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var bad []error
	for i := range funcs {
		var all []Signature
		for _, id := range ids[i] {
			sigs, errs, err := s.signatures(id)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, sigs...)
			bad = append(bad, errs...)
		}
		_, merged, err := mergeSignatures(all)
		if err != nil {
			return nil, nil, err
		}
		funcs[i].ID, funcs[i].Signatures = 0, merged
	}
	sort.SliceStable(funcs, func(i, j int) bool { return funcs[i].SelfNS > funcs[j].SelfNS })
	return funcs, bad, nil
}
