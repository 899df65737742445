package core

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// recorder is a Durable that keeps what it is given.
type recorder struct {
	mu      sync.Mutex
	changes []Change
}

func (r *recorder) Record(c ...Change) {
	r.mu.Lock()
	r.changes = append(r.changes, c...)
	r.mu.Unlock()
}
func (r *recorder) Sync() error      { return nil }
func (r *recorder) Atomic(fn func()) { fn() }

func (r *recorder) ops(table string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.changes {
		if c.Table != table {
			continue
		}
		switch c.Op {
		case OpPut:
			out = append(out, "put "+c.Key+fmt.Sprint(c.Seq))
		case OpDelete:
			out = append(out, "del "+c.Key)
		case OpTrim:
			out = append(out, fmt.Sprint("trim ", c.Seq))
		}
	}
	return strings.Join(out, ",")
}

func msg(id, to string) Message {
	return Message{ID: id, Vendor: "luma", Tenant: "acme", Recipient: Recipient{ID: to}}
}

func TestBoundedStoreEvictsTheOldest(t *testing.T) {
	cases := []struct {
		name      string
		max       int
		batches   [][]Message
		wantIDs   string // newest first
		evicted   int64
		inboxes   string // recipient:count/evicted, most recent first
		durableOp string
	}{
		{
			name: "under the cap", max: 3,
			batches: [][]Message{{msg("a", "ruth"), msg("b", "ruth")}},
			wantIDs: "b,a", inboxes: "ruth:2/0", durableOp: "put a1,put b2",
		},
		{
			name: "one at a time", max: 2,
			batches: [][]Message{{msg("a", "ruth")}, {msg("b", "sam")}, {msg("c", "ruth")}},
			wantIDs: "c,b", evicted: 1, inboxes: "ruth:1/1,sam:1/0", durableOp: "put a1,put b2,del a,put c3",
		},
		{
			name: "a batch larger than the cap", max: 2,
			batches: [][]Message{{msg("a", "ruth"), msg("b", "ruth"), msg("c", "ruth")}},
			wantIDs: "c,b", evicted: 1, inboxes: "ruth:2/1", durableOp: "del a,put b2,put c3",
		},
		{
			name: "an inbox whose last message goes is forgotten", max: 1,
			batches: [][]Message{{msg("a", "sam")}, {msg("b", "ruth")}},
			wantIDs: "b", evicted: 1, inboxes: "ruth:1/0", durableOp: "put a1,del a,put b2",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewBoundedMemStore(c.max)
			rec := &recorder{}
			s.SetDurable(rec)
			for _, b := range c.batches {
				s.Add(b)
			}
			var ids []string
			for _, m := range s.Query(Filter{}) {
				ids = append(ids, m.ID)
			}
			if got := strings.Join(ids, ","); got != c.wantIDs {
				t.Errorf("messages %s, want %s", got, c.wantIDs)
			}
			if _, ok := s.Get("a"); ok && strings.Contains(c.durableOp, "del a") {
				t.Error("evicted message a is still found by id")
			}
			if s.Evicted() != c.evicted {
				t.Errorf("Evicted() = %d, want %d", s.Evicted(), c.evicted)
			}
			var in []string
			for _, i := range s.Inboxes(Filter{}) {
				in = append(in, fmt.Sprintf("%s:%d/%d", i.Recipient.ID, i.Count, i.Evicted))
			}
			if got := strings.Join(in, ","); got != c.inboxes {
				t.Errorf("inboxes %s, want %s", got, c.inboxes)
			}
			if got := rec.ops(TableMessages); got != c.durableOp {
				t.Errorf("recorded %s, want %s", got, c.durableOp)
			}
		})
	}
}

func TestBoundedStoreDefaultCapAndReset(t *testing.T) {
	s := NewMemStore()
	if s.Cap() != DefaultMaxMessages {
		t.Errorf("default cap %d, want %d", s.Cap(), DefaultMaxMessages)
	}
	s = NewBoundedMemStore(1)
	s.Add([]Message{msg("a", "x"), msg("b", "x")})
	s.Reset()
	if s.Evicted() != 0 || s.Len() != 0 {
		t.Errorf("after Reset: evicted %d, len %d", s.Evicted(), s.Len())
	}
}

func TestRestoreKeepsSeqAndCap(t *testing.T) {
	s := NewBoundedMemStore(2)
	s.Restore([]Message{{ID: "a", Seq: 5}, {ID: "b", Seq: 9}, {ID: "c", Seq: 12}})
	s.Add([]Message{{ID: "d"}})
	got := s.Query(Filter{})
	if len(got) != 2 || got[0].ID != "d" || got[0].Seq != 13 || got[1].ID != "c" {
		t.Errorf("after restore and add: %+v; want d (seq 13) then c", got)
	}
}

func TestJournalCappedByBytes(t *testing.T) {
	big := strings.Repeat("x", 10_000)
	cases := []struct {
		name     string
		count    int
		bytes    int64
		adds     int
		body     string
		wantLen  int
		wantTrim string
	}{
		{"count cap", 3, 1 << 20, 5, "small", 3, "trim 1,trim 2"},
		{"byte cap", 100, 25_000, 5, big, 2, "trim 1,trim 2,trim 3"},
		{"one entry over the cap is kept", 100, 100, 2, big, 1, "trim 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := NewJournalBytes(c.count, c.bytes)
			rec := &recorder{}
			j.SetDurable(rec)
			for i := range c.adds {
				j.Add(JournalEntry{ID: fmt.Sprint("r", i), Body: c.body})
			}
			got := j.List(JournalFilter{})
			if len(got) != c.wantLen || got[0].ID != fmt.Sprint("r", c.adds-1) {
				t.Fatalf("kept %d entries (newest %s), want %d ending with r%d", len(got), got[0].ID, c.wantLen, c.adds-1)
			}
			if j.Bytes() > c.bytes && c.wantLen > 1 {
				t.Errorf("journal holds %d bytes, over its cap %d", j.Bytes(), c.bytes)
			}
			if j.Total() != int64(c.adds) {
				t.Errorf("Total = %d, want %d", j.Total(), c.adds)
			}
			var trims []string
			for _, op := range strings.Split(rec.ops(TableJournal), ",") {
				if strings.HasPrefix(op, "trim") {
					trims = append(trims, op)
				}
			}
			if strings.Join(trims, ",") != c.wantTrim {
				t.Errorf("recorded trims %v, want %s", trims, c.wantTrim)
			}
		})
	}
}

func TestTroubleshootCappedByBytes(t *testing.T) {
	ts := NewTroubleshootBytes(100, 30_000)
	for i := range 10 {
		ts.Add(TroubleshootEntry{RequestID: fmt.Sprint(i), Vendor: "luma", Body: strings.Repeat("y", 10_000)})
	}
	got := ts.List("", "", 0)
	if len(got) != 2 || got[0].RequestID != "9" {
		t.Errorf("kept %d entries, newest %s; want 2 ending with 9", len(got), got[0].RequestID)
	}
}
