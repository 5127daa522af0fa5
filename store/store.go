// Package store owns pyparc's profile database: the SQLite schema and its migrations, and the
// typed reads and writes every other package goes through. It records facts and decides nothing.
//
// The database is shared by concurrent writers (two `pyparc profile run`s at once), so it runs
// in WAL mode with a busy timeout, and every write is one immediate transaction.
package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// DefaultPath is where the database lives when neither a flag nor PYPARC_DB names one.
const DefaultPath = ".pyparc/profile.db"

// PathEnv names the environment variable that overrides DefaultPath.
const PathEnv = "PYPARC_DB"

// Store is an open profile database.
type Store struct {
	path string
	db   *sql.DB
}

// ErrNoDatabase reports that there is no database file to read.
var ErrNoDatabase = errors.New("no profile database")

// ErrNewerSchema reports a database written by a newer pyparc.
var ErrNewerSchema = errors.New("database schema is newer than this pyparc supports")

// Open opens the database at path, creating it (and its directory) when create is true and it
// does not exist, and migrates it to the current schema. A file that is not a database, or one
// from a newer schema, is returned as an error and left untouched.
func Open(path string, create bool) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !create {
			return nil, fmt.Errorf("%s: %w (run `pyparc profile run` first)", path, ErrNoDatabase)
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	// _txlock=immediate makes every transaction take the write lock up front, so two writers
	// queue on the busy timeout instead of failing with SQLITE_BUSY on lock upgrade.
	dsn := "file:" + path + "?_busy_timeout=30000&_foreign_keys=on&_txlock=immediate"
	if !create {
		dsn += "&mode=rw"
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Store{path: path, db: db}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// init checks the schema version before changing anything, then turns on WAL and migrates.
func (s *Store) init() error {
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return describe(err)
	}
	if version > len(migrations) {
		return fmt.Errorf("%w (schema version %d, this pyparc knows up to %d): upgrade pyparc",
			ErrNewerSchema, version, len(migrations))
	}
	// A quick check catches a truncated or damaged file before anything is written to it.
	var ok string
	if err := s.db.QueryRow("PRAGMA quick_check").Scan(&ok); err != nil {
		return describe(err)
	}
	if ok != "ok" {
		return fmt.Errorf("database is corrupt: %s", ok)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return describe(err)
	}
	return s.migrate(migrations)
}

// describe turns SQLite's terse errors for damaged files into messages a user can act on.
func describe(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB:
			return fmt.Errorf("not a pyparc profile database (file is not SQLite): %w", err)
		case sqlite3.ErrCorrupt:
			return fmt.Errorf("database is corrupt: %w", err)
		case sqlite3.ErrCantOpen, sqlite3.ErrPerm, sqlite3.ErrReadonly:
			return fmt.Errorf("cannot open database for writing: %w", err)
		}
	}
	return err
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Version returns the schema version of the open database.
func (s *Store) Version() (int, error) {
	var v int
	err := s.db.QueryRow("PRAGMA user_version").Scan(&v)
	return v, err
}

// tx runs fn in one immediate transaction, committing only when fn succeeds.
func (s *Store) tx(fn func(*sql.Tx) error) error {
	tx, err := s.db.Begin()
	if err != nil {
		return describe(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return describe(tx.Commit())
}
