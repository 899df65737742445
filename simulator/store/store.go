// Package store keeps a simulator's state in one SQLite file (serve --data): messages, the
// request journal, the troubleshoot log, callbacks, the dataset in force, the clock, named
// documents such as fault rules, and every vendor's changing state.
//
// Writes are group commits: a committer goroutine takes every change recorded since its last
// commit and writes them in one transaction, while requests wait in Sync for the commit that
// holds their changes. Concurrent requests share one transaction and one fsync.
package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/notifysim/notifysim/simulator/core"
)

// Store is a core.Durable backed by SQLite in WAL mode. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	log  *slog.Logger

	// gate is held shared by Atomic and exclusively by the committer while it cuts a batch, so
	// the changes made inside one Atomic call never straddle two commits.
	gate sync.RWMutex

	mu        sync.Mutex
	more      *sync.Cond // a change was recorded, or Close was called
	flushed   *sync.Cond // committed moved on
	pending   []core.Change
	recorded  int64 // changes recorded so far
	committed int64 // changes committed (or failed) so far
	err       error // the first failed commit: every later Sync reports it
	closing   bool
	done      chan struct{}
	commits   int64
	started   bool

	clockMu  sync.Mutex
	clock    *core.Clock
	lastTick clockState
}

// ErrClosed is what Sync says once the store is closed with changes it could not commit.
var ErrClosed = errors.New("the data file is closed")

// Open opens (creating if needed) the SQLite file at path, brings its schema to the current
// version and locks it for this process: a second notifysim on the same file is refused.
func Open(path string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("--data needs a file name, such as ./sandbox.db")
	}
	if dir := filepath.Dir(path); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("data file %s: directory %s does not exist", path, dir)
		}
	}
	fresh, err := inspect(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	// EXCLUSIVE locking holds the write lock for the life of the connection, so a second process
	// fails at once instead of interleaving its writes. synchronous FULL makes a commit durable
	// when it returns, across a power cut as well as a kill -9. A 32 MiB page cache keeps the
	// pages commits touch (the table ends, the journal's head) in memory.
	for _, p := range []string{"busy_timeout(2000)", "locking_mode(EXCLUSIVE)", "journal_mode(WAL)", "synchronous(FULL)", "cache_size(-32768)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("data file %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and EXCLUSIVE mode ties the lock to it.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, path: path, log: log, done: make(chan struct{})}
	s.more = sync.NewCond(&s.mu)
	s.flushed = sync.NewCond(&s.mu)
	if fresh {
		if _, err = db.Exec(fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			err = fmt.Errorf("marking the file as notifysim's: %w", err)
		}
	}
	if err == nil {
		err = migrate(db)
	}
	if err != nil {
		db.Close()
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return nil, fmt.Errorf("data file %s is in use by another process (is another notifysim serving it?): %w", path, err)
		}
		return nil, fmt.Errorf("data file %s: %w", path, err)
	}
	return s, nil
}

// Path is the file the store writes.
func (s *Store) Path() string { return s.path }

// Start begins committing in the background; clock, when not nil, is recorded whenever it is
// frozen, set or advanced, so a restart resumes the same simulated time.
func (s *Store) Start(clock *core.Clock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	s.clock = clock
	if clock != nil {
		s.lastTick = tick(clock)
	}
	go s.run()
}

// Record queues changes for the next commit. After Close it does nothing.
func (s *Store) Record(changes ...core.Change) {
	s.mu.Lock()
	if !s.closing {
		s.pending = append(s.pending, changes...)
		s.recorded += int64(len(changes))
		s.more.Signal()
	}
	s.mu.Unlock()
}

// Atomic runs fn so that every change it records is committed in the same transaction.
func (s *Store) Atomic(fn func()) {
	s.gate.RLock()
	defer s.gate.RUnlock()
	fn()
}

// Sync waits until every change recorded before it is committed, and reports a failed commit.
func (s *Store) Sync() error {
	s.saveClock()
	s.mu.Lock()
	defer s.mu.Unlock()
	target := s.recorded
	for s.committed < target && s.err == nil && s.started {
		s.flushed.Wait()
	}
	if s.err != nil {
		return s.err
	}
	if s.committed < target {
		return ErrClosed
	}
	return nil
}

// Commits is how many transactions the store has committed: with concurrent requests it is far
// fewer than the requests.
func (s *Store) Commits() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commits
}

// Close commits what is pending, stops the committer and closes the file.
func (s *Store) Close() error {
	s.saveClock()
	s.mu.Lock()
	started := s.started
	s.closing = true
	s.more.Broadcast()
	s.mu.Unlock()
	if started {
		<-s.done
	}
	s.mu.Lock()
	s.flushed.Broadcast()
	s.mu.Unlock()
	return s.db.Close()
}

func (s *Store) run() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.pending) == 0 && !s.closing {
			s.more.Wait()
		}
		if len(s.pending) == 0 {
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()

		s.gate.Lock()
		s.mu.Lock()
		batch, upto := s.pending, s.recorded
		s.pending = nil
		s.mu.Unlock()
		s.gate.Unlock()

		err := s.commit(batch)
		s.mu.Lock()
		if err != nil && s.err == nil {
			s.err = fmt.Errorf("could not write the data file %s: %w", s.path, err)
			s.log.Error("data file write failed; requests now answer 503", "file", s.path, "error", err)
		}
		s.committed = upto
		s.commits++
		s.flushed.Broadcast()
		s.mu.Unlock()
	}
}

type rowKey struct{ table, key string }

// commit writes a batch in one transaction. A row put several times in the batch is written
// once, with its last content, at the place of its first put so that new rows keep the order
// they were made in (callbacks and vendor rows load in that order).
func (s *Store) commit(batch []core.Change) error {
	plan := coalesce(batch)
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w := newWriter(tx)
	defer w.close()
	bodies, errs := encodeBatch(batch, plan)
	for i, c := range batch {
		if plan[i] < 0 {
			continue
		}
		if c.Op == core.OpPut {
			if errs[i] != nil {
				return fmt.Errorf("%s %q: %w", c.Table, c.Key, errs[i])
			}
			c.Value = nil // encoded to nothing: the row is deleted
			if bodies[i] != nil {
				c.Value = json.RawMessage(bodies[i])
			}
		}
		if err := w.apply(c); err != nil {
			return fmt.Errorf("%s %q: %w", c.Table, c.Key, err)
		}
	}
	return tx.Commit()
}

// encodeBatch encodes the value each put of the batch writes (the value of the put it was merged
// into, per plan), on every core: requests wait for the commit, so its encoding was the one
// thing running, on one core, while they did (a sixth of a --data server's CPU). Snapshots (a
// vendor's state, read under its own lock) are still taken one at a time, on this goroutine.
func encodeBatch(batch []core.Change, plan []int) ([][]byte, []error) {
	bodies, errs := make([][]byte, len(batch)), make([]error, len(batch))
	value := func(i int) (any, bool) {
		if j := plan[i]; j >= 0 && batch[i].Op == core.OpPut {
			return batch[j].Value, true
		}
		return nil, false
	}
	plain := func(i int) {
		if v, ok := value(i); ok {
			if _, snap := v.(core.Snapshot); !snap {
				bodies[i], errs[i] = encode(v)
			}
		}
	}
	if workers := min(runtime.GOMAXPROCS(0), len(batch)/8+1); workers <= 1 {
		for i := range batch {
			plain(i)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(batch); i = int(next.Add(1) - 1) {
					plain(i)
				}
			})
		}
		wg.Wait()
	}
	for i := range batch {
		if v, ok := value(i); ok {
			if _, snap := v.(core.Snapshot); snap {
				bodies[i], errs[i] = encode(v)
			}
		}
	}
	return bodies, errs
}

// coalesce says, for each change, which change's value to write in its place (itself unless
// merged), or -1 to skip it. Puts of one row between two clears merge into the first of them
// unless the row is also deleted there; then only its last put is written, in place.
func coalesce(batch []core.Change) []int {
	plan := make([]int, len(batch))
	first := map[rowKey]int{}
	deleted := map[rowKey]bool{}
	flush := func() {
		clear(first)
		clear(deleted)
	}
	for i, c := range batch {
		plan[i] = i
		k := rowKey{c.Table, keyOf(c)}
		switch c.Op {
		case core.OpClear:
			flush()
		case core.OpDelete:
			deleted[k] = true
			if f, ok := first[k]; ok {
				plan[f] = -1 // the delete wins over every earlier put
				delete(first, k)
			}
		case core.OpPut:
			if deleted[k] {
				if f, ok := first[k]; ok {
					plan[f] = -1
				}
				first[k] = i
				continue
			}
			if f, ok := first[k]; ok {
				plan[f] = i
				plan[i] = -1
				continue
			}
			first[k] = i
		}
	}
	return plan
}

func keyOf(c core.Change) string {
	if c.Table == core.TableJournal || c.Table == core.TableTroubleshoot {
		return fmt.Sprint(c.Seq)
	}
	return c.Key
}

// clockState is the clock as recorded: frozen at Now, or running Offset ahead of wall time.
type clockState struct {
	Frozen bool          `json:"frozen"`
	Now    time.Time     `json:"now"`
	Offset time.Duration `json:"offset"`
}

func tick(c *core.Clock) clockState {
	now := c.Now()
	st := clockState{Frozen: c.Frozen(), Now: now}
	if !st.Frozen {
		st.Offset = now.Sub(time.Now())
	}
	return st
}

// changed reports whether b differs from a by more than the jitter of reading two clocks.
func (a clockState) changed(b clockState) bool {
	if a.Frozen != b.Frozen {
		return true
	}
	if a.Frozen {
		return !a.Now.Equal(b.Now)
	}
	d := a.Offset - b.Offset
	return d > 10*time.Millisecond || d < -10*time.Millisecond
}

// saveClock records the clock when it was frozen, set or advanced since it was last recorded.
func (s *Store) saveClock() {
	if s.clock == nil {
		return
	}
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	now := tick(s.clock)
	if !now.changed(s.lastTick) {
		return
	}
	s.lastTick = now
	s.Record(core.Change{Table: core.TableMeta, Op: core.OpPut, Key: keyClock, Value: now})
}

// Meta keys.
const (
	keyDataset = "dataset"
	keyClock   = "clock"
	keyRuns    = "runs"
	blobPrefix = "blob:"
)

// SaveDataset records the dataset in force (as PUT /_sim/fixtures or --fixtures gave it).
func (s *Store) SaveDataset(ds any) {
	s.Record(core.Change{Table: core.TableMeta, Op: core.OpPut, Key: keyDataset, Value: ds})
}

// ResetTo records a reset: every message, journal entry, log entry, callback and vendor state
// row is dropped, and ds becomes the dataset in force. Blobs and the clock stay.
func (s *Store) ResetTo(ds any) {
	s.Record(core.Change{Op: core.OpClear}, core.Change{Table: core.TableMeta, Op: core.OpPut, Key: keyDataset, Value: ds})
}

func encode(v any) ([]byte, error) {
	if snap, ok := v.(core.Snapshot); ok {
		v = snap()
	}
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}
