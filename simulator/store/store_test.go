package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func reopen(t *testing.T, s *Store, path string, maxMessages int) (*Store, *Saved) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := s.Load(maxMessages)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, saved
}

func TestRoundTripOfEveryTable(t *testing.T) {
	s, path := openTemp(t)
	if _, err := s.Load(0); err != nil {
		t.Fatal(err)
	}
	s.Start(nil)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.ResetTo(map[string]any{"luma": map[string]any{"tenants": []any{}}})
	s.Record(
		core.Change{Table: core.TableMessages, Op: core.OpPut, Key: "m1", Seq: 1, Value: core.Message{ID: "m1", Seq: 1, Body: "one", CreatedAt: at}},
		core.Change{Table: core.TableMessages, Op: core.OpPut, Key: "m2", Seq: 2, Value: core.Message{ID: "m2", Seq: 2, Body: "two"}},
		core.Change{Table: core.TableMessages, Op: core.OpPut, Key: "m1", Seq: 1, Value: core.Message{ID: "m1", Seq: 1, Body: "one", Status: "read", CreatedAt: at}},
		core.Change{Table: core.TableJournal, Op: core.OpPut, Seq: 1, Value: core.JournalEntry{ID: "r1", Status: 200}},
		core.Change{Table: core.TableJournal, Op: core.OpPut, Seq: 2, Value: core.JournalEntry{ID: "r1", Status: 400}},
		core.Change{Table: core.TableJournal, Op: core.OpPut, Seq: 3, Value: core.JournalEntry{ID: "r3", Status: 201}},
		core.Change{Table: core.TableJournal, Op: core.OpTrim, Seq: 1},
		core.Change{Table: core.TableTroubleshoot, Op: core.OpPut, Seq: 1, Value: core.TroubleshootEntry{RequestID: "r1", Status: 400}},
		core.Change{Table: core.TableCallbacks, Op: core.OpPut, Key: "c1", Value: core.Callback{ID: "c1", State: core.CallbackPending}},
		core.Change{Table: core.TableCallbacks, Op: core.OpPut, Key: "c0", Value: core.Callback{ID: "c0", State: core.CallbackPending}},
		core.Change{Table: core.TableCallbacks, Op: core.OpPut, Key: "c1", Value: core.Snapshot(func() any { return core.Callback{ID: "c1", State: core.CallbackDelivered} })},
		core.Change{Table: core.TableState, Op: core.OpPut, Key: core.StateKey("kore", "job", "ds-1"), Value: core.Snapshot(func() any { return map[string]int{"next": 2} })},
		core.Change{Table: core.TableState, Op: core.OpPut, Key: core.StateKey("kore", "job", "ds-2"), Value: map[string]int{"next": 0}},
		core.Change{Table: core.TableState, Op: core.OpDelete, Key: core.StateKey("kore", "job", "ds-2")},
		core.Change{Table: core.TableMeta, Op: core.OpPut, Key: blobPrefix + "faults", Value: []string{"rule"}},
	)
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	_, saved := reopen(t, s, path, 0)
	if saved.Empty() || !strings.Contains(string(saved.Dataset), "tenants") {
		t.Errorf("dataset = %s", saved.Dataset)
	}
	if len(saved.Messages) != 2 || saved.Messages[0].Status != "read" || !saved.Messages[0].CreatedAt.Equal(at) || saved.Messages[1].Body != "two" {
		t.Errorf("messages = %+v; want m1 (read, with its time) then m2", saved.Messages)
	}
	if len(saved.Journal) != 2 || saved.JournalSeqs[0] != 2 || saved.Journal[0].Status != 400 || saved.Journal[1].ID != "r3" {
		t.Errorf("journal = %+v %v; want seq 2 and 3 (1 trimmed; a repeated request id kept apart)", saved.Journal, saved.JournalSeqs)
	}
	if len(saved.Troubleshoot) != 1 || saved.Troubleshoot[0].RequestID != "r1" {
		t.Errorf("troubleshoot = %+v", saved.Troubleshoot)
	}
	if len(saved.Callbacks) != 2 || saved.Callbacks[0].ID != "c1" || saved.Callbacks[0].State != core.CallbackDelivered {
		t.Errorf("callbacks = %+v; want c1 (delivered, its latest snapshot) first, then c0", saved.Callbacks)
	}
	rows := saved.State["kore"]
	if len(rows) != 1 || rows[0].Key != "ds-1" || string(rows[0].Value) != `{"next":2}` {
		t.Errorf("kore state = %+v; want ds-1 only", rows)
	}
	if string(saved.Blobs["faults"]) != `["rule"]` {
		t.Errorf("blob faults = %s", saved.Blobs["faults"])
	}
	if saved.Runs != 1 {
		t.Errorf("runs = %d, want 1", saved.Runs)
	}
}

func TestLoadKeepsTheNewestMessages(t *testing.T) {
	s, path := openTemp(t)
	s.Start(nil)
	for i := 1; i <= 10; i++ {
		id := fmt.Sprint("m", i)
		s.Record(core.Change{Table: core.TableMessages, Op: core.OpPut, Key: id, Seq: int64(i), Value: core.Message{ID: id, Seq: int64(i)}})
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	s, saved := reopen(t, s, path, 4)
	var ids []string
	for _, m := range saved.Messages {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "m7,m8,m9,m10" {
		t.Errorf("loaded %v, want the newest four in order", ids)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 4 {
		t.Errorf("%d rows left in the file (%v), want 4: the rest are deleted", n, err)
	}
}

// Many goroutines recording and syncing at once share commits: far fewer transactions than
// requests, and each Sync returns only once its own change is committed.
func TestGroupCommit(t *testing.T) {
	s, path := openTemp(t)
	s.Start(nil)
	const writers, each = 32, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("m-%d-%d", w, i)
				s.Record(core.Change{Table: core.TableMessages, Op: core.OpPut, Key: id, Seq: int64(w*each + i + 1), Value: core.Message{ID: id}})
				if err := s.Sync(); err != nil {
					t.Error(err)
					return
				}
				var n int
				if err := s.db.QueryRow(`SELECT count(*) FROM messages WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
					t.Errorf("%s not in the file after Sync (%v)", id, err)
				}
			}
		}()
	}
	wg.Wait()
	if c := s.Commits(); c >= writers*each {
		t.Errorf("%d commits for %d synced writes: no grouping", c, writers*each)
	}
	t.Logf("%d writes in %d commits", writers*each, s.Commits())
	_, saved := reopen(t, s, path, 0)
	if len(saved.Messages) != writers*each {
		t.Errorf("%d messages after reopening, want %d", len(saved.Messages), writers*each)
	}
}

// Changes recorded inside one Atomic call are committed together, never split across commits.
func TestAtomicChangesShareACommit(t *testing.T) {
	s, _ := openTemp(t)
	s.Start(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				s.Atomic(func() {
					for k := range 3 {
						id := fmt.Sprintf("a-%d-%d-%d", g, i, k)
						s.Record(core.Change{Table: core.TableMessages, Op: core.OpPut, Key: id, Seq: int64(g*1000 + i*3 + k + 1), Value: core.Message{ID: id}})
					}
				})
			}
		}()
	}
	wg.Wait()
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	var bad int
	if err := s.db.QueryRow(`SELECT count(*) FROM (SELECT substr(id, 1, length(id) - 2) AS g, count(*) AS n FROM messages GROUP BY g HAVING n != 3)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d groups not written whole (%v)", bad, err)
	}
}

func TestSyncReportsAFailedCommitAndKeepsReportingIt(t *testing.T) {
	s, _ := openTemp(t)
	s.Start(nil)
	s.Record(core.Change{Table: "nonsense", Op: core.OpPut, Key: "x", Value: 1})
	err := s.Sync()
	if err == nil || !strings.Contains(err.Error(), "could not write the data file") {
		t.Fatalf("Sync after a bad change = %v, want the write failure", err)
	}
	s.Record(core.Change{Table: core.TableMeta, Op: core.OpPut, Key: "k", Value: 1})
	if err2 := s.Sync(); err2 == nil {
		t.Error("a later Sync succeeded after a lost commit; it must keep failing")
	}
	s.Close()
}

func TestClockIsRecordedWhenChanged(t *testing.T) {
	s, path := openTemp(t)
	clock := core.NewClock()
	s.Start(clock)
	at := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	clock.Freeze()
	clock.Set(at)
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	_, saved := reopen(t, s, path, 0)
	if saved.Clock == nil || !saved.Clock.Frozen || !saved.Clock.Now.Equal(at) {
		t.Errorf("clock = %+v, want frozen at %s", saved.Clock, at)
	}
}

func TestOpenRefusesAFileInUse(t *testing.T) {
	s, path := openTemp(t)
	defer s.Close()
	_, err := Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open = %v, want an error saying the file is in use", err)
	}
}

func TestOpenNamesAMissingDirectory(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no", "such", "x.db"), nil)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Open in a missing directory = %v", err)
	}
}

// A version 1 file (state rows keyed "vendor NUL kind NUL key") is migrated to version 2 with
// its rows intact; a file from a newer notifysim is refused with a way out.
func TestMigrationFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(db, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO state (key, body) VALUES ('luminous' || char(0) || 'project' || char(0) || 'demo', '{"credits":900}')`,
		`INSERT INTO state (key, body) VALUES ('luminous' || char(0) || 'contact' || char(0) || 'demo' || char(0) || '+256751351363', '{"name":"T"}')`,
		`INSERT INTO meta (key, body) VALUES ('dataset', '{}')`,
		`INSERT INTO messages (id, seq, body) VALUES ('m1', 1, '{"id":"m1","seq":1}')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("version after Open = %d (%v), want %d", v, err, SchemaVersion())
	}
	saved, err := s.Load(0)
	if err != nil {
		t.Fatal(err)
	}
	rows := saved.State["luminous"]
	if len(rows) != 2 || rows[0].Kind != "project" || rows[0].Key != "demo" || string(rows[0].Value) != `{"credits":900}` ||
		rows[1].Kind != "contact" || rows[1].Key != "demo\x00+256751351363" {
		t.Errorf("state rows after migration = %+v", rows)
	}
	if len(saved.Messages) != 1 {
		t.Errorf("messages after migration = %+v", saved.Messages)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = %d`, applicationID, SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), "newer than this notifysim") {
		t.Fatalf("Open of a newer file = %v", err)
	}
}

func TestEncodeSnapshotNilDeletes(t *testing.T) {
	body, err := encode(core.Snapshot(func() any { return nil }))
	if err != nil || body != nil {
		t.Fatalf("encode(nil snapshot) = %s, %v; want nil (a delete)", body, err)
	}
	raw, _ := encode(json.RawMessage(`{"a":1}`))
	if string(raw) != `{"a":1}` {
		t.Errorf("raw JSON re-encoded: %s", raw)
	}
	if _, err := encode(make(chan int)); err == nil || errors.Is(err, nil) {
		t.Errorf("a value JSON can't hold was encoded")
	}
}

func TestCoalesce(t *testing.T) {
	put := func(k string) core.Change { return core.Change{Table: "t", Op: core.OpPut, Key: k} }
	del := func(k string) core.Change { return core.Change{Table: "t", Op: core.OpDelete, Key: k} }
	clr := core.Change{Op: core.OpClear}
	cases := []struct {
		name  string
		batch []core.Change
		want  []int
	}{
		{"distinct rows", []core.Change{put("a"), put("b")}, []int{0, 1}},
		{"repeats merge into the first place", []core.Change{put("a"), put("b"), put("a"), put("a")}, []int{3, 1, -1, -1}},
		{"a delete drops earlier puts", []core.Change{put("a"), del("a")}, []int{-1, 1}},
		{"put after delete is written after it", []core.Change{put("a"), del("a"), put("a"), put("a")}, []int{-1, 1, -1, 3}},
		{"a clear separates", []core.Change{put("a"), clr, put("a")}, []int{0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := coalesce(c.batch); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("coalesce = %v, want %v", got, c.want)
			}
		})
	}
}
