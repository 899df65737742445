package store

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// writer applies changes inside one transaction, preparing each statement once per batch.
type writer struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newWriter(tx *sql.Tx) *writer { return &writer{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (w *writer) exec(q string, args ...any) error {
	st, ok := w.stmts[q]
	if !ok {
		var err error
		if st, err = w.tx.Prepare(q); err != nil {
			return err
		}
		w.stmts[q] = st
	}
	_, err := st.Exec(args...)
	return err
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

func (w *writer) apply(c core.Change) error {
	switch c.Op {
	case core.OpClear:
		for _, t := range []string{"messages", "journal", "troubleshoot", "callbacks", "state"} {
			if err := w.exec(`DELETE FROM ` + t); err != nil {
				return err
			}
		}
		return nil
	case core.OpTrim:
		switch c.Table {
		case core.TableJournal:
			return w.exec(`DELETE FROM journal WHERE seq <= ?`, c.Seq)
		case core.TableTroubleshoot:
			return w.exec(`DELETE FROM troubleshoot WHERE seq <= ?`, c.Seq)
		}
		return fmt.Errorf("trim is not defined for table %s", c.Table)
	case core.OpDelete:
		return w.delete(c)
	case core.OpPut:
		body, err := encode(c.Value)
		if err != nil {
			return err
		}
		if body == nil {
			return w.delete(c)
		}
		switch c.Table {
		case core.TableMessages:
			if c.Seq <= 0 {
				return fmt.Errorf("message %s has no sequence number", c.Key)
			}
			return w.exec(`INSERT INTO messages (seq, id, body) VALUES (?, ?, ?) ON CONFLICT(seq) DO UPDATE SET id = excluded.id, body = excluded.body`, c.Seq, c.Key, body)
		case core.TableJournal:
			return w.exec(`INSERT OR REPLACE INTO journal (seq, body) VALUES (?, ?)`, c.Seq, body)
		case core.TableTroubleshoot:
			return w.exec(`INSERT OR REPLACE INTO troubleshoot (seq, body) VALUES (?, ?)`, c.Seq, body)
		case core.TableCallbacks:
			// An upsert keeps the row's rowid, so callbacks load in the order they were made.
			return w.exec(`INSERT INTO callbacks (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body`, c.Key, body)
		case core.TableState:
			vendor, kind, key, err := splitState(c.Key)
			if err != nil {
				return err
			}
			return w.exec(`INSERT INTO state (vendor, kind, key, body) VALUES (?, ?, ?, ?) ON CONFLICT(vendor, kind, key) DO UPDATE SET body = excluded.body`, vendor, kind, key, body)
		case core.TableMeta:
			return w.exec(`INSERT INTO meta (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body`, c.Key, body)
		}
		return fmt.Errorf("unknown table %q", c.Table)
	}
	return fmt.Errorf("unknown change op %d", c.Op)
}

func (w *writer) delete(c core.Change) error {
	switch c.Table {
	case core.TableMessages:
		if c.Seq > 0 {
			return w.exec(`DELETE FROM messages WHERE seq = ?`, c.Seq)
		}
		return w.exec(`DELETE FROM messages WHERE id = ?`, c.Key)
	case core.TableJournal:
		return w.exec(`DELETE FROM journal WHERE seq = ?`, c.Seq)
	case core.TableTroubleshoot:
		return w.exec(`DELETE FROM troubleshoot WHERE seq = ?`, c.Seq)
	case core.TableCallbacks:
		return w.exec(`DELETE FROM callbacks WHERE id = ?`, c.Key)
	case core.TableState:
		vendor, kind, key, err := splitState(c.Key)
		if err != nil {
			return err
		}
		return w.exec(`DELETE FROM state WHERE vendor = ? AND kind = ? AND key = ?`, vendor, kind, key)
	case core.TableMeta:
		return w.exec(`DELETE FROM meta WHERE key = ?`, c.Key)
	}
	return fmt.Errorf("unknown table %q", c.Table)
}

func splitState(k string) (vendor, kind, key string, err error) {
	parts := strings.SplitN(k, "\x00", 3)
	if len(parts) != 3 {
		return "", "", "", fmt.Errorf("state key %q is not vendor, kind and key (use core.StateKey)", k)
	}
	return parts[0], parts[1], parts[2], nil
}
