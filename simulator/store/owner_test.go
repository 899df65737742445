package store

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// foreign writes a SQLite file the way another program would and returns its path.
func foreign(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// A file that is not notifysim's is refused, with what it holds and what to do, and left
// exactly as it was: not a byte changed, no -wal or -shm file beside it.
func TestOpenRefusesAnotherProgramsFile(t *testing.T) {
	tests := []struct {
		name, want string
		path       func(t *testing.T) string
	}{
		{"a table of its own", "belongs to another program (holding users)", func(t *testing.T) string {
			return foreign(t, `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)`, `INSERT INTO users (name) VALUES ('ada')`)
		}},
		{"our table names beside its own", "holding journal, meta, users", func(t *testing.T) string {
			return foreign(t, `CREATE TABLE meta (key TEXT)`, `CREATE TABLE journal (seq INTEGER)`, `CREATE TABLE users (id INTEGER)`, `PRAGMA user_version = 3`)
		}},
		{"another application id", "application id 0x1234", func(t *testing.T) string {
			return foreign(t, `PRAGMA application_id = 4660`)
		}},
		{"only a schema version", "schema version 7", func(t *testing.T) string {
			return foreign(t, `PRAGMA user_version = 7`)
		}},
		{"a view", "holding v", func(t *testing.T) string {
			return foreign(t, `CREATE VIEW v AS SELECT 1`)
		}},
		{"not a database", "is not a SQLite database", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "notes.txt")
			if err := os.WriteFile(path, bytes.Repeat([]byte("notes, not a database\n"), 100), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, nil)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted the file")
			}
			for _, want := range []string{tt.want, path, "--data", "notifysim.db"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the file changed")
			}
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if _, err := os.Stat(path + side); err == nil {
					t.Errorf("%s%s was created", path, side)
				}
			}
		})
	}
}

// New, empty and notifysim's own files open, and come out marked as notifysim's; so does a
// file written before the mark existed (its tables are all notifysim's).
func TestOpenMarksItsOwnFiles(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"no file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "new.db") }},
		{"an empty file", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "empty.db")
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}},
		{"an empty database", func(t *testing.T) string { return foreign(t, `PRAGMA page_size = 4096`, `VACUUM`) }},
		{"a file from before the mark", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := migrateTo(db, 2); err != nil {
				t.Fatal(err)
			}
			return path
		}},
		{"a file of its own, reopened", func(t *testing.T) string {
			s, path := openTemp(t)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return path
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.path(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var app, version int
			if err := s.db.QueryRow(`PRAGMA application_id`).Scan(&app); err != nil || app != applicationID {
				t.Errorf("application_id = %#x (%v), want %#x", app, err, applicationID)
			}
			if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion() {
				t.Errorf("user_version = %d (%v), want %d", version, err, SchemaVersion())
			}
		})
	}
}
