package store

import (
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to version i+1. Append only: a released
// migration never changes, because databases in the field already ran it.
var migrations = []string{
	// 1: runs, functions, signatures and samples.
	`
CREATE TABLE runs (
	id               INTEGER PRIMARY KEY,
	script           TEXT NOT NULL,    -- absolute path of the profiled script
	argv             TEXT NOT NULL,    -- JSON array: the script and its arguments
	cwd              TEXT NOT NULL,
	python           TEXT NOT NULL,    -- interpreter executable
	python_version   TEXT NOT NULL DEFAULT '',
	numpy_version    TEXT NOT NULL DEFAULT '',
	started_at       TEXT NOT NULL,    -- RFC 3339, UTC
	duration_ns      INTEGER,          -- NULL while running
	exit_code        INTEGER,          -- NULL while running
	exit_status      TEXT,             -- "exit 0", "signal: killed", ...; NULL while running
	sample_period_ns INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE functions (
	id          INTEGER PRIMARY KEY,
	run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	qualname    TEXT NOT NULL,
	module      TEXT NOT NULL,
	file        TEXT NOT NULL,
	first_line  INTEGER NOT NULL,
	calls       INTEGER NOT NULL,
	total_ns    INTEGER NOT NULL,      -- time inside the function, recursion counted once
	self_ns     INTEGER NOT NULL,      -- total less the time in traced callees
	exceptions  INTEGER NOT NULL,      -- calls left by an exception
	UNIQUE (run_id, file, first_line, qualname)
);
CREATE TABLE signatures (
	id          INTEGER PRIMARY KEY,
	function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
	key         TEXT NOT NULL,         -- args without int ranges: what makes two calls alike
	args        TEXT NOT NULL,         -- JSON [{name, value}], value as in type Value
	returns     TEXT NOT NULL,         -- JSON [{value, count}]
	calls       INTEGER NOT NULL,
	UNIQUE (function_id, key)
);
CREATE TABLE line_samples (
	run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	file     TEXT NOT NULL,
	line     INTEGER NOT NULL,
	function TEXT NOT NULL,
	samples  INTEGER NOT NULL,
	ns       INTEGER NOT NULL,
	PRIMARY KEY (run_id, file, line, function)
);
CREATE TABLE stack_samples (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	stack   TEXT NOT NULL,             -- JSON [[file, line, function], ...], innermost first
	samples INTEGER NOT NULL,
	ns      INTEGER NOT NULL,
	PRIMARY KEY (run_id, stack)
);
`,
	// 2: later commands look functions up by name across runs.
	`
CREATE INDEX functions_by_name ON functions (file, qualname);
`,
	// 3: pyparc tune's measurements and decisions.
	`
CREATE TABLE tune_measurements (
	id          INTEGER PRIMARY KEY,
	file        TEXT NOT NULL,
	qualname    TEXT NOT NULL,
	target      TEXT NOT NULL,         -- "cpu", ...
	variant     TEXT NOT NULL,         -- "orig", "numpy", "numba", ...
	scale       REAL NOT NULL,         -- sizes relative to the recorded ones
	work        REAL NOT NULL,         -- the work count (product of the shape symbols)
	seconds     REAL,                  -- median; NULL when the candidate failed
	runs        INTEGER NOT NULL,
	ok          INTEGER NOT NULL,      -- 0: wrong result or error, see detail
	detail      TEXT NOT NULL,
	measured_at TEXT NOT NULL
);
CREATE INDEX tune_measurements_by_function ON tune_measurements (file, qualname, target);
CREATE TABLE tune_decisions (
	file       TEXT NOT NULL,
	qualname   TEXT NOT NULL,
	target     TEXT NOT NULL,
	decision   TEXT NOT NULL,          -- JSON, as type Decision
	decided_at TEXT NOT NULL,
	PRIMARY KEY (file, qualname, target)
);
`,
}

// migrate applies steps until the schema is at version len(steps). The version is read again
// inside the write transaction, so two processes opening a new database at once migrate it once.
func (s *Store) migrate(steps []string) error {
	for {
		done := false
		err := s.tx(func(tx *sql.Tx) error {
			var v int
			if err := tx.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
				return err
			}
			if v >= len(steps) {
				done = true
				return nil
			}
			if _, err := tx.Exec(steps[v]); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
			// PRAGMA takes no bound parameters; v+1 is our own integer.
			_, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil || done {
			return err
		}
	}
}
