package core

import (
	"encoding/json"
)

// Tables a Durable store keeps. Each change names one.
const (
	TableMessages     = "messages"
	TableJournal      = "journal"
	TableTroubleshoot = "troubleshoot"
	TableCallbacks    = "callbacks"
	TableState        = "state" // vendor state rows: key is "vendor\x00kind\x00key"
	TableMeta         = "meta"  // named JSON documents: the dataset, the clock, blobs
)

// ChangeOp is what a Change does to its table.
type ChangeOp uint8

const (
	// OpPut inserts or replaces the row Key with Value.
	OpPut ChangeOp = iota
	// OpDelete removes the row Key.
	OpDelete
	// OpTrim removes every row whose Seq is at most the change's Seq (journal and log eviction).
	OpTrim
	// OpClear empties every table but the meta one: a reset.
	OpClear
)

// Change is one write a Durable store records. Value is encoded as JSON by the store's committer,
// after the request that made the change has moved on: it must not be changed afterwards. A
// Snapshot Value (a func) is called at commit time instead, so a row changed by a thousand
// requests between two commits is encoded once, with its latest content.
type Change struct {
	Table string
	Op    ChangeOp
	Key   string
	Seq   int64
	Value any
}

// Snapshot is a Change value computed when the change is committed. It is called on the
// committer's goroutine and must take whatever lock guards what it reads.
type Snapshot func() any

// Durable keeps the simulator's state on disk (serve --data). Without it the simulator keeps
// everything in memory. Changes recorded before a Sync are committed when it returns, in the
// order they were recorded.
type Durable interface {
	// Record queues changes for the next group commit.
	Record(changes ...Change)
	// Sync waits until every change recorded before the call is committed and says whether it
	// was: a response that acknowledges effects must not be written before it returns nil.
	Sync() error
	// Atomic runs fn so that every change recorded during it lands in the same commit. fn must
	// not call Atomic.
	Atomic(fn func())
}

// StateRow is one vendor state row a previous run recorded with Env.SaveState.
type StateRow struct {
	Kind  string
	Key   string
	Value json.RawMessage
}

// Restorer is a vendor whose changing state (credits, contacts, jobs, rate-limit windows) is
// recorded with Env.SaveState. Restore runs after the dataset's Load commit on start-up, with
// every row the vendor recorded, and re-arms what was running (jobs, scheduled steps).
type Restorer interface {
	Restore(rows []StateRow) error
}

// Persistent reports whether changes are being recorded: vendors skip building state rows when
// nothing would keep them.
func (e *Env) Persistent() bool { return e.Durable != nil }

// SaveState marks one entity of a vendor as changed. snap is called when the change commits and
// returns the entity's content; a nil result deletes the row. Calls for the same entity between
// two commits cost one encoding.
func (e *Env) SaveState(vendor, kind, key string, snap Snapshot) {
	if e.Durable == nil {
		return
	}
	e.Durable.Record(Change{Table: TableState, Op: OpPut, Key: StateKey(vendor, kind, key), Value: snap})
}

// DeleteState forgets one entity of a vendor.
func (e *Env) DeleteState(vendor, kind, key string) {
	if e.Durable == nil {
		return
	}
	e.Durable.Record(Change{Table: TableState, Op: OpDelete, Key: StateKey(vendor, kind, key)})
}

// SaveBlob records a named JSON document (fault rules, for instance) that survives a restart
// with --data. It is not cleared by a reset.
func (e *Env) SaveBlob(name string, v any) {
	if e.Durable == nil {
		return
	}
	e.Durable.Record(Change{Table: TableMeta, Op: OpPut, Key: "blob:" + name, Value: v})
}

// Atomic runs fn so that its recorded changes commit together (or in memory, simply runs it).
func (e *Env) Atomic(fn func()) {
	if e.Durable == nil {
		fn()
		return
	}
	e.Durable.Atomic(fn)
}

// StateKey is the key of a vendor state row.
func StateKey(vendor, kind, key string) string { return vendor + "\x00" + kind + "\x00" + key }

func record(d Durable, c Change) {
	if d != nil {
		d.Record(c)
	}
}

// ResumeScheduled arms a delivery for every stored message still scheduled, as Schedule did
// before a restart: on time when its moment has not come, at once when it has.
func (e *Env) ResumeScheduled() int {
	msgs := e.Store.Query(Filter{Status: StatusScheduled})
	now := e.Clock.Now()
	n := 0
	for i := len(msgs) - 1; i >= 0; i-- { // oldest first, so equal deadlines keep their order
		m := msgs[i]
		if m.DeliverAt == nil {
			continue
		}
		id := m.ID
		e.Clock.AfterFunc(max(m.DeliverAt.Sub(now), 0), func() { e.ChangeStatus(id, StatusDelivered, "") })
		n++
	}
	return n
}

// Reseed restarts the generator from seed. A simulator resumed from a data file reseeds so the
// ids it hands out differ from those of the run that wrote the file, yet stay reproducible.
func (g *IDs) Reseed(seed uint64) {
	fresh := NewIDs(seed)
	g.mu.Lock()
	g.rng = fresh.rng
	g.mu.Unlock()
}

// MarshalBinary is the generator's state, so a data file can resume its sequence.
func (g *IDs) MarshalBinary() ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rng.MarshalBinary()
}

// UnmarshalBinary puts back a state MarshalBinary returned.
func (g *IDs) UnmarshalBinary(b []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rng.UnmarshalBinary(b)
}
