package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// Saved is what a data file holds, as Load reads it back.
type Saved struct {
	// Dataset is the dataset in force when the file was last written; nil for a new file.
	Dataset json.RawMessage
	// Clock is the simulated clock as last recorded; nil when never recorded.
	Clock *ClockState
	// Runs is how many times the file was opened before this one.
	Runs         int64
	Messages     []core.Message // oldest first
	Journal      []core.JournalEntry
	JournalSeqs  []int64
	Troubleshoot []core.TroubleshootEntry
	TroubleSeqs  []int64
	Callbacks    []core.Callback // oldest first
	State        map[string][]core.StateRow
	Blobs        map[string]json.RawMessage
}

// ClockState is the recorded clock: frozen at Now, or running Offset ahead of wall time.
type ClockState struct {
	Frozen bool
	Now    time.Time
	Offset time.Duration
}

// Empty reports whether the file holds no state yet.
func (s *Saved) Empty() bool { return s.Dataset == nil }

// Load reads everything back, keeping at most maxMessages messages (the newest; the older ones
// are deleted from the file), and counts this opening as one more run. Call it before Start.
func (s *Store) Load(maxMessages int) (*Saved, error) {
	if maxMessages <= 0 {
		maxMessages = core.DefaultMaxMessages
	}
	out := &Saved{State: map[string][]core.StateRow{}, Blobs: map[string]json.RawMessage{}}
	if err := s.loadMeta(out); err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(`DELETE FROM messages WHERE seq < (SELECT seq FROM messages ORDER BY seq DESC LIMIT 1 OFFSET ?)`, maxMessages-1); err != nil {
		return nil, fmt.Errorf("dropping messages over --max-messages: %w", err)
	}
	err := eachRow(s.db, `SELECT body FROM messages ORDER BY seq`, func(r *sql.Rows) error {
		var body []byte
		if err := r.Scan(&body); err != nil {
			return err
		}
		var m core.Message
		if err := json.Unmarshal(body, &m); err != nil {
			return fmt.Errorf("message: %w", err)
		}
		out.Messages = append(out.Messages, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(s.db, `SELECT seq, body FROM journal ORDER BY seq`, func(r *sql.Rows) error {
		var seq int64
		var body []byte
		if err := r.Scan(&seq, &body); err != nil {
			return err
		}
		var e core.JournalEntry
		if err := json.Unmarshal(body, &e); err != nil {
			return fmt.Errorf("journal entry %d: %w", seq, err)
		}
		out.Journal, out.JournalSeqs = append(out.Journal, e), append(out.JournalSeqs, seq)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(s.db, `SELECT seq, body FROM troubleshoot ORDER BY seq`, func(r *sql.Rows) error {
		var seq int64
		var body []byte
		if err := r.Scan(&seq, &body); err != nil {
			return err
		}
		var e core.TroubleshootEntry
		if err := json.Unmarshal(body, &e); err != nil {
			return fmt.Errorf("troubleshoot entry %d: %w", seq, err)
		}
		out.Troubleshoot, out.TroubleSeqs = append(out.Troubleshoot, e), append(out.TroubleSeqs, seq)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(s.db, `SELECT body FROM callbacks ORDER BY rowid`, func(r *sql.Rows) error {
		var body []byte
		if err := r.Scan(&body); err != nil {
			return err
		}
		var cb core.Callback
		if err := json.Unmarshal(body, &cb); err != nil {
			return fmt.Errorf("callback: %w", err)
		}
		out.Callbacks = append(out.Callbacks, cb)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(s.db, `SELECT vendor, kind, key, body FROM state ORDER BY rowid`, func(r *sql.Rows) error {
		var vendor string
		var row core.StateRow
		var body []byte
		if err := r.Scan(&vendor, &row.Kind, &row.Key, &body); err != nil {
			return err
		}
		row.Value = body
		out.State[vendor] = append(out.State[vendor], row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(`INSERT INTO meta (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body`, keyRuns, fmt.Sprint(out.Runs+1)); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) loadMeta(out *Saved) error {
	return eachRow(s.db, `SELECT key, body FROM meta`, func(r *sql.Rows) error {
		var key string
		var body []byte
		if err := r.Scan(&key, &body); err != nil {
			return err
		}
		switch {
		case key == keyDataset:
			out.Dataset = body
		case key == keyClock:
			var c clockState
			if err := json.Unmarshal(body, &c); err != nil {
				return fmt.Errorf("clock: %w", err)
			}
			out.Clock = &ClockState{Frozen: c.Frozen, Now: c.Now, Offset: c.Offset}
		case key == keyRuns:
			if err := json.Unmarshal(body, &out.Runs); err != nil {
				return fmt.Errorf("runs: %w", err)
			}
		case strings.HasPrefix(key, blobPrefix):
			out.Blobs[strings.TrimPrefix(key, blobPrefix)] = body
		}
		return nil
	})
}

func eachRow(db *sql.DB, q string, fn func(*sql.Rows) error) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
