package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// CreateRun records the start of a run and returns its id.
func (s *Store) CreateRun(r Run) (int64, error) {
	argv, err := json.Marshal(r.Argv)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.tx(func(tx *sql.Tx) error {
		return tx.QueryRow(`INSERT INTO runs (script, argv, cwd, python, started_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			r.Script, string(argv), r.Cwd, r.Python, r.StartedAt.UTC().Format(time.RFC3339Nano)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	return id, nil
}

// SetRunVersions records what the tracer reported about its interpreter.
func (s *Store) SetRunVersions(id int64, python, numpy string, period time.Duration) error {
	return s.tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE runs SET python_version = ?, numpy_version = ?, sample_period_ns = ?
			WHERE id = ?`, python, numpy, int64(period), id)
		return err
	})
}

// FinishRun records how a run ended.
func (s *Store) FinishRun(id int64, d time.Duration, exitCode int, status string) error {
	return s.tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE runs SET duration_ns = ?, exit_code = ?, exit_status = ? WHERE id = ?`,
			int64(d), exitCode, status, id)
		return err
	})
}

// DeleteRun removes a run and everything recorded for it.
func (s *Store) DeleteRun(id int64) error {
	return s.tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM runs WHERE id = ?`, id)
		return err
	})
}

// signatureKey is what makes two calls "the same signature": the argument types and shapes
// with the int ranges left out.
func signatureKey(args []Arg) (string, error) {
	stripped := make([]Arg, len(args))
	for i, a := range args {
		stripped[i] = Arg{Name: a.Name, Value: a.Value}
		stripped[i].Value.Min, stripped[i].Value.Max = nil, nil
	}
	b, err := json.Marshal(stripped)
	return string(b), err
}

// mergeSignatures folds signatures with equal keys into one, summing counts and widening int
// ranges, so that an upsert never overwrites one with another.
func mergeSignatures(sigs []Signature) (keys []string, merged []Signature, err error) {
	index := map[string]int{}
	for _, sig := range sigs {
		k, err := signatureKey(sig.Args)
		if err != nil {
			return nil, nil, err
		}
		i, ok := index[k]
		if !ok {
			index[k] = len(merged)
			keys = append(keys, k)
			merged = append(merged, sig)
			continue
		}
		m := &merged[i]
		m.Calls += sig.Calls
		m.Returns = append(m.Returns, sig.Returns...)
		for j := range m.Args {
			a, b := &m.Args[j].Value, sig.Args[j].Value
			if b.Min != nil && (a.Min == nil || *b.Min < *a.Min) {
				a.Min = b.Min
			}
			if b.Max != nil && (a.Max == nil || *b.Max > *a.Max) {
				a.Max = b.Max
			}
		}
	}
	return keys, merged, nil
}

// SaveSnapshot replaces what is recorded for run id with snap, in one transaction.
func (s *Store) SaveSnapshot(id int64, snap *Snapshot) error {
	err := s.tx(func(tx *sql.Tx) error {
		for _, f := range snap.Functions {
			var fid int64
			err := tx.QueryRow(`INSERT INTO functions
				(run_id, qualname, module, file, first_line, calls, total_ns, self_ns, exceptions)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (run_id, file, first_line, qualname) DO UPDATE SET
					module = excluded.module, calls = excluded.calls, total_ns = excluded.total_ns,
					self_ns = excluded.self_ns, exceptions = excluded.exceptions
				RETURNING id`,
				id, f.QualName, f.Module, f.File, f.FirstLine, f.Calls, f.TotalNS, f.SelfNS,
				f.Exceptions).Scan(&fid)
			if err != nil {
				return fmt.Errorf("function %s: %w", f.QualName, err)
			}
			keys, sigs, err := mergeSignatures(f.Signatures)
			if err != nil {
				return fmt.Errorf("function %s: %w", f.QualName, err)
			}
			for i, sig := range sigs {
				args, err := json.Marshal(sig.Args)
				if err != nil {
					return err
				}
				rets, err := json.Marshal(sig.Returns)
				if err != nil {
					return err
				}
				_, err = tx.Exec(`INSERT INTO signatures (function_id, key, args, returns, calls)
					VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (function_id, key) DO UPDATE SET
						args = excluded.args, returns = excluded.returns, calls = excluded.calls`,
					fid, keys[i], string(args), string(rets), sig.Calls)
				if err != nil {
					return fmt.Errorf("function %s: signature: %w", f.QualName, err)
				}
			}
		}
		return replaceSamples(tx, id, snap.Stacks)
	})
	if err != nil {
		return fmt.Errorf("save profile of run %d: %w", id, err)
	}
	return nil
}

func replaceSamples(tx *sql.Tx, id int64, stacks []Stack) error {
	if _, err := tx.Exec(`DELETE FROM stack_samples WHERE run_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM line_samples WHERE run_id = ?`, id); err != nil {
		return err
	}
	lines := map[Frame]*LineSample{}
	var order []Frame
	for _, st := range stacks {
		if len(st.Frames) == 0 {
			continue
		}
		b, err := json.Marshal(st.Frames)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO stack_samples (run_id, stack, samples, ns) VALUES (?, ?, ?, ?)
			ON CONFLICT (run_id, stack) DO UPDATE SET samples = samples + excluded.samples,
				ns = ns + excluded.ns`,
			id, string(b), st.Samples, st.NS); err != nil {
			return err
		}
		leaf := st.Frames[0]
		ls := lines[leaf]
		if ls == nil {
			ls = &LineSample{File: leaf.File, Line: leaf.Line, Function: leaf.Function}
			lines[leaf] = ls
			order = append(order, leaf)
		}
		ls.Samples += st.Samples
		ls.NS += st.NS
	}
	for _, fr := range order {
		ls := lines[fr]
		if _, err := tx.Exec(`INSERT INTO line_samples (run_id, file, line, function, samples, ns)
			VALUES (?, ?, ?, ?, ?, ?)`, id, ls.File, ls.Line, ls.Function, ls.Samples, ls.NS); err != nil {
			return err
		}
	}
	return nil
}
