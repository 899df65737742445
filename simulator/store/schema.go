package store

import (
	"database/sql"
	"fmt"
	"strings"
)

// migration brings the schema from one version to the next inside a transaction.
type migration func(tx *sql.Tx) error

// migrations[i] takes a file from version i to version i+1; PRAGMA user_version holds the
// version. Append only: a released migration never changes.
var migrations = []migration{
	// 1: one table per kind of record, each row a JSON document.
	execAll(
		`CREATE TABLE messages (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body BLOB NOT NULL)`,
		`CREATE INDEX messages_seq ON messages(seq)`,
		`CREATE TABLE journal (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)`,
		`CREATE TABLE troubleshoot (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)`,
		`CREATE TABLE callbacks (id TEXT PRIMARY KEY, body BLOB NOT NULL)`,
		`CREATE TABLE state (key TEXT PRIMARY KEY, body BLOB NOT NULL)`,
		`CREATE TABLE meta (key TEXT PRIMARY KEY, body BLOB NOT NULL)`,
	),
	// 2: vendor state rows get their vendor and kind as columns, so a vendor restores its rows
	// with one indexed query instead of a scan of every vendor's.
	func(tx *sql.Tx) error {
		if err := execAll(
			`CREATE TABLE state2 (vendor TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (vendor, kind, key))`,
		)(tx); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT key, body FROM state ORDER BY rowid`)
		if err != nil {
			return err
		}
		type row struct {
			key  string
			body []byte
		}
		var old []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.key, &r.body); err != nil {
				rows.Close()
				return err
			}
			old = append(old, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range old {
			parts := strings.SplitN(r.key, "\x00", 3)
			if len(parts) != 3 {
				return fmt.Errorf("state row %q: want vendor, kind and key separated by NUL", r.key)
			}
			if _, err := tx.Exec(`INSERT INTO state2 (vendor, kind, key, body) VALUES (?, ?, ?, ?)`, parts[0], parts[1], parts[2], r.body); err != nil {
				return err
			}
		}
		return execAll(`DROP TABLE state`, `ALTER TABLE state2 RENAME TO state`)(tx)
	},
	// 3: messages are keyed by their sequence number. New messages then append to the end of the
	// table instead of landing on random pages of an index of UUIDs, which at 100,000 messages
	// made every commit rewrite pages all over the file. The id is kept for reading.
	execAll(
		`CREATE TABLE messages3 (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, body BLOB NOT NULL)`,
		`INSERT INTO messages3 (seq, id, body) SELECT seq, id, body FROM messages ORDER BY seq`,
		`DROP TABLE messages`,
		`ALTER TABLE messages3 RENAME TO messages`,
	),
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

func execAll(stmts ...string) migration {
	return func(tx *sql.Tx) error {
		for _, q := range stmts {
			if _, err := tx.Exec(q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
}

// migrate applies the migrations the file lacks, each in its own transaction, and refuses a file
// written by a newer notifysim.
func migrate(db *sql.DB) error { return migrateTo(db, len(migrations)) }

func migrateTo(db *sql.DB, target int) error {
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this notifysim understands (%d): use a newer notifysim, or another --data file", v, len(migrations))
	}
	for ; v < target; v++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if err := migrations[v](tx); err != nil {
			tx.Rollback() //nolint:errcheck
			return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback() //nolint:errcheck
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
