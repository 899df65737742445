package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
)

// applicationID marks a SQLite file as notifysim's in its header (PRAGMA application_id, the
// field SQLite keeps for this): "nsim".
const applicationID = 0x6e73696d

// ourNames are the tables and indexes any version of the schema has had.
var ourNames = []string{"messages", "messages3", "messages_seq", "journal", "troubleshoot", "callbacks", "state", "state2", "meta"}

// inspect looks at the file at path before Open touches it, read-only: opening it for writing
// would already change it (WAL mode is written into the header, and -wal and -shm files appear
// beside it). It says whether the file is new to notifysim (missing, empty, or an empty SQLite
// database), so Open marks it as notifysim's, and refuses a file another program wrote: one
// with another application id, or one without an id whose tables are not notifysim's. A file
// without the id whose tables are all notifysim's was written before the id was set, and is
// notifysim's.
func inspect(path string) (fresh bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("data file %s: %w", path, err)
	}
	if fi.IsDir() {
		return false, fmt.Errorf("data file %s is a directory: give --data a file name, such as %s", path, suggest(path))
	}
	if fi.Size() == 0 {
		return true, nil
	}
	q := url.Values{"mode": {"ro"}}
	q.Add("_pragma", "busy_timeout(2000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return false, fmt.Errorf("data file %s: %w", path, err)
	}
	defer db.Close()
	var app, version int64
	var tables []string
	err = db.QueryRow(`PRAGMA application_id`).Scan(&app)
	if err == nil {
		err = db.QueryRow(`PRAGMA user_version`).Scan(&version)
	}
	if err == nil {
		tables, err = names(db)
	}
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "locked") || strings.Contains(msg, "busy"):
			return false, fmt.Errorf("data file %s is in use by another process (is another notifysim serving it?): %w", path, err)
		case strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed"):
			return false, fmt.Errorf("data file %s is not a SQLite database, and notifysim will not overwrite it: give --data a new file name, such as %s", path, suggest(path))
		}
		return false, fmt.Errorf("data file %s: %w", path, err)
	}
	switch {
	case app == applicationID:
		return false, nil
	case app == 0 && version == 0 && len(tables) == 0:
		return true, nil
	case app == 0 && version > 0 && slices.Contains(tables, "meta") && slices.Contains(tables, "journal") &&
		!slices.ContainsFunc(tables, func(t string) bool { return !slices.Contains(ourNames, t) }):
		return true, nil
	}
	what := fmt.Sprintf("application id %#x", app)
	if app == 0 {
		what = "holding " + strings.Join(tables, ", ")
		if len(tables) == 0 {
			what = fmt.Sprintf("schema version %d", version)
		}
	}
	return false, fmt.Errorf("data file %s belongs to another program (%s), and notifysim will not change it: give --data a new file name, such as %s, or an empty file", path, what, suggest(path))
}

// names lists the file's tables, views, indexes and triggers (SQLite's own excepted).
func names(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// suggest is a file name beside path that notifysim would create.
func suggest(path string) string {
	dir := "."
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		dir = path[:i]
		if dir == "" {
			dir = "/"
		}
	}
	return strings.TrimSuffix(dir, "/") + "/notifysim.db"
}
