package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Measurement is one timing of one variant of one function at one size.
type Measurement struct {
	File     string  `json:"file"`
	QualName string  `json:"function"`
	Target   string  `json:"target"`
	Variant  string  `json:"variant"`
	Scale    float64 `json:"scale"`
	Work     float64 `json:"work"`
	Seconds  float64 `json:"seconds"`
	Runs     int     `json:"runs"`
	OK       bool    `json:"ok"`
	Detail   string  `json:"detail,omitempty"`
}

// Model is a fitted cost t(n) = A + B n^C, in seconds.
type Model struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
	C float64 `json:"c"`
}

// VariantRange says: below work count Below (0: no bound), run Variant.
type VariantRange struct {
	Below   float64 `json:"below,omitempty"`
	Variant string  `json:"variant"`
}

// Decision is what pyparc tune decided for one function on one target: the variant per range
// of the work count, computed at run time by the Python expression Work.
type Decision struct {
	Work         string            `json:"work"`
	Ranges       []VariantRange    `json:"ranges"`
	Models       map[string]Model  `json:"models"`
	Disqualified map[string]string `json:"disqualified,omitempty"`
}

// SaveMeasurement records one measurement.
func (s *Store) SaveMeasurement(m Measurement) error {
	return s.tx(func(tx *sql.Tx) error {
		var secs any
		if m.OK {
			secs = m.Seconds
		}
		_, err := tx.Exec(`INSERT INTO tune_measurements (file, qualname, target, variant, scale, work,
			seconds, runs, ok, detail, measured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.File, m.QualName, m.Target, m.Variant, m.Scale, m.Work, secs, m.Runs, m.OK, m.Detail,
			time.Now().UTC().Format(time.RFC3339Nano))
		return err
	})
}

// SaveDecision records (replacing any earlier one) the decision for a function and target.
func (s *Store) SaveDecision(file, qualname, target string, d Decision) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO tune_decisions (file, qualname, target, decision, decided_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (file, qualname, target) DO UPDATE SET
			decision = excluded.decision, decided_at = excluded.decided_at`,
			file, qualname, target, string(b), time.Now().UTC().Format(time.RFC3339Nano))
		return err
	})
}

// Decisions returns the decisions recorded for the functions of one file on a target, by
// qualified name.
func (s *Store) Decisions(file, target string) (map[string]Decision, error) {
	rows, err := s.db.Query(`SELECT qualname, decision FROM tune_decisions WHERE file = ? AND target = ?`, file, target)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	out := map[string]Decision{}
	for rows.Next() {
		var name, raw string
		if err := rows.Scan(&name, &raw); err != nil {
			return nil, err
		}
		var d Decision
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("decision for %s: %w", name, err)
		}
		out[name] = d
	}
	return out, rows.Err()
}
