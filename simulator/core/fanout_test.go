package core

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fanOutPair is two environments alike in every way: one is given a fan-out message by message
// (Deliver), the other as a FanOut (DeliverFanOut).
type fanOutPair struct {
	perMessage, fanOut *Env
	recPer, recFan     *recorder
	subPer, subFan     *Subscription
	seenPer, seenFan   int64 // the last event taken from each
	recordedPer        int   // changes already compared
	recordedFan        int
}

func newFanOutPair(t *testing.T, maxMessages int) *fanOutPair {
	t.Helper()
	p := &fanOutPair{recPer: &recorder{}, recFan: &recorder{}}
	for _, side := range []struct {
		env **Env
		rec *recorder
		sub **Subscription
	}{{&p.perMessage, p.recPer, &p.subPer}, {&p.fanOut, p.recFan, &p.subFan}} {
		clock := NewClock()
		clock.Reset(t0)
		store := NewBoundedMemStore(maxMessages)
		store.SetDurable(side.rec)
		e := &Env{Store: store, Bus: NewBus(), Clock: clock, IDs: NewIDs(7)}
		*side.env = e
		*side.sub = e.Bus.Subscribe(1<<20, nil)
		t.Cleanup((*side.sub).Close)
	}
	return p
}

// deliver sends m to recipients on both sides and checks the answers agree.
func (p *fanOutPair) deliver(t *testing.T, m Message, recipients []Recipient) {
	t.Helper()
	msgs := make([]Message, len(recipients))
	for i, r := range recipients {
		msgs[i] = m
		msgs[i].Recipient = r
	}
	reqPer, reqFan := newTestRequest("req-1"), newTestRequest("req-1")
	out := p.perMessage.Deliver(reqPer, msgs...)
	// along runs once, with the ids chosen (alongside the store for a large fan-out: the race
	// detector watches it there).
	var alongIDs []string
	calls := 0
	f := p.fanOut.DeliverFanOut(reqFan, m, recipients, func(f *FanOut) {
		calls++
		for i := range f.Len() {
			alongIDs = append(alongIDs, string(f.AppendID(nil, i)))
		}
	})
	if f.Len() != len(out) {
		t.Fatalf("fan-out of %d, Deliver of %d", f.Len(), len(out))
	}
	if calls != 1 || len(alongIDs) != len(out) || len(out) > 0 && alongIDs[0] != out[0].ID {
		t.Fatalf("along ran %d times and saw %d ids", calls, len(alongIDs))
	}
	for i := range out {
		if got := f.Message(i); !reflect.DeepEqual(got, out[i]) {
			t.Fatalf("message %d\nfan-out %#v\nDeliver %#v", i, got, out[i])
		}
		if got := string(f.AppendID([]byte("x"), i)); got != "x"+out[i].ID {
			t.Fatalf("AppendID(%d) = %q, want x%s", i, got, out[i].ID)
		}
	}
	if got, want := reqFan.CreatedIDs(), reqPer.CreatedIDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("request recorded %d ids, want %d", len(got), len(want))
	}
	if got, want := reqFan.FirstCreated(3), reqPer.FirstCreated(3); !reflect.DeepEqual(got, want) {
		t.Fatalf("first ids %v, want %v", got, want)
	}
	if reqFan.CreatedCount() != len(out) {
		t.Fatalf("CreatedCount %d, want %d", reqFan.CreatedCount(), len(out))
	}
}

// same checks that both stores answer every read alike, that both buses published the same
// events and that both recorded the same changes for the data file.
func (p *fanOutPair) same(t *testing.T, filters []Filter) {
	t.Helper()
	a, b := p.perMessage.Store, p.fanOut.Store
	if a.Len() != b.Len() {
		t.Fatalf("Len %d, want %d", b.Len(), a.Len())
	}
	for _, f := range filters {
		want, got := a.Query(f), b.Query(f)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Query(%+v): %d messages differ from Deliver's %d", f, len(got), len(want))
		}
		if got, want := b.Count(f), a.Count(f); got != want {
			t.Fatalf("Count(%+v) = %d, want %d", f, got, want)
		}
		if got, want := b.Inboxes(f), a.Inboxes(f); !reflect.DeepEqual(got, want) {
			t.Fatalf("Inboxes(%+v)\n got %+v\nwant %+v", f, got, want)
		}
		for i := 0; i < len(want); i += 1 + len(want)/50 {
			if got, ok := b.Get(want[i].ID); !ok || !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("Get(%s) = %+v, %v\nwant %+v", want[i].ID, got, ok, want[i])
			}
		}
	}
	if got, want := newEvents(t, p.subFan, p.fanOut.Bus, &p.seenFan), newEvents(t, p.subPer, p.perMessage.Bus, &p.seenPer); !reflect.DeepEqual(got, want) {
		t.Fatalf("%d events differ from Deliver's %d", len(got), len(want))
	}
	ca, cb := p.recPer.encoded(t, &p.recordedPer), p.recFan.encoded(t, &p.recordedFan)
	if !reflect.DeepEqual(ca, cb) {
		for i := range min(len(ca), len(cb)) {
			if ca[i] != cb[i] {
				t.Fatalf("recorded change %d\n got %s\nwant %s", i, cb[i], ca[i])
			}
		}
		t.Fatalf("%d changes recorded, want %d", len(cb), len(ca))
	}
}

// newEvents takes from sub every event published after id *after, which it misses none of.
func newEvents(t *testing.T, sub *Subscription, bus *Bus, after *int64) []Event {
	t.Helper()
	var out []Event
	for last := bus.LastID(); *after < last; {
		select {
		case e := <-sub.C:
			out = append(out, e)
			*after = e.ID
		case <-time.After(10 * time.Second): // only keeps a broken build from hanging
			t.Fatalf("event %d never came", last)
		}
	}
	return out
}

// encoded is every change recorded from *from on, its value as the data file's committer
// encodes it.
func (r *recorder) encoded(t *testing.T, from *int) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	changes := r.changes[*from:]
	*from = len(r.changes)
	out := make([]string, len(changes))
	for i, c := range changes {
		v, err := json.Marshal(c.Value)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = fmt.Sprintf("%s %d %s %d %s", c.Table, c.Op, c.Key, c.Seq, v)
	}
	return out
}

func fanOutRecipients(n int) []Recipient {
	out := make([]Recipient, n)
	for i := range out {
		r := Recipient{ID: fmt.Sprintf("user%05d@example.com", i), Role: fmt.Sprint(-1 - i%5), RoleName: []string{"Administrator", "Developer", "Analyst", "Self-service", "Guest"}[i%5]}
		switch i % 7 {
		case 1:
			r.ID = fmt.Sprintf("User%05d@Example.com", i) // a spelling whose lower case is another string
			r.Name = "Zoë " + fmt.Sprint(i)
		case 2:
			r.Address = fmt.Sprintf("+2567513%05d", i)
		case 3:
			r.ID = "ruth" // already in the store, and more than once in the batch
			r.Name = "Ruth"
		case 4:
			r.Role, r.RoleName = "", ""
		}
		out[i] = r
	}
	return out
}

// TestFanOutIsWhatDeliverStores: a fan-out stored as one FanOut reads back, through every read of
// the store, event and recorded change, exactly as the same messages delivered one by one; so do
// status changes to some of them and evictions, small batches and large ones (which the store
// sizes up front), a batch larger than the cap included.
func TestFanOutIsWhatDeliverStores(t *testing.T) {
	data := map[string]any{"templateId": "1002", "nested": map[string]any{"n": json.Number("12"), "l": []any{"a", nil}}}
	tmpl := Message{Vendor: "luma", Tenant: "acme", Channel: ChannelLumaChat, Kind: "card", Title: "Outage", Body: "Exchange ✓ down",
		Data: data, Payload: json.RawMessage(`{"recipients":{"contacts":"0"}}`)}
	filters := []Filter{{}, {Recipient: "RUTH"}, {Recipient: "user00007@example.com"}, {Role: "analyst"}, {Vendor: "luma", Tenant: "ACME"},
		{Channel: ChannelLumaChat, Limit: 5}, {Text: "exchange", Limit: 20}, {Recipients: []string{"user00014@example.com", "ruth"}}}
	for _, tc := range []struct {
		name    string
		max     int
		batches []int
	}{
		{"small batches", 100, []int{1, 7, 30}},
		{"a large batch", 20000, []int{4100}}, // 4096 and more: the store sizes its maps up front
		{"evicting", 4300, []int{4100, 4100}},
		{"a batch over the cap", 4097, []int{4200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFanOutPair(t, tc.max)
			for _, e := range []*Env{p.perMessage, p.fanOut} {
				e.Deliver(nil, Message{Vendor: "luma", Tenant: "acme", Recipient: Recipient{ID: "ruth", Name: "Ruth"}, Body: "before"})
			}
			for i, n := range tc.batches {
				m := tmpl
				m.Body = fmt.Sprintf("%s %d", tmpl.Body, i)
				p.deliver(t, m, fanOutRecipients(n))
				p.same(t, []Filter{{Limit: 50}, {Recipient: "ruth", Limit: 50}})
				p.perMessage.Clock.Advance(time.Second)
				p.fanOut.Clock.Advance(time.Second)
			}
			// Status changes and seen flags on messages that share a blob with others.
			for _, q := range p.perMessage.Store.Query(Filter{Limit: 3}) {
				for _, e := range []*Env{p.perMessage, p.fanOut} {
					e.SetStatus(q.ID, "read", "opened")
					e.Store.Update(q.ID, func(m *Message) { m.Seen = true })
				}
			}
			p.same(t, filters)
			for _, e := range []*Env{p.perMessage, p.fanOut} {
				e.Deliver(nil, Message{Vendor: "kore", Tenant: "st-demo-bot", Recipient: Recipient{ID: "bob"}, Body: "after"})
			}
			p.same(t, filters)
		})
	}
}

// TestUUIDsAreUUIDsCalls: a fan-out's ids are the ones the generator would have given one by one.
func TestUUIDsAreUUIDsCalls(t *testing.T) {
	a, b := NewIDs(3), NewIDs(3)
	a.UUID()
	b.UUID()
	batch := b.uuids(5)
	for i := range 5 {
		if got, want := formatUUID([16]byte(batch[16*i:])), a.UUID(); got != want {
			t.Fatalf("id %d of the batch %s, one by one %s", i, got, want)
		}
	}
	if a.Hex(4) != b.Hex(4) {
		t.Fatal("the generators differ after the batch")
	}
}

// FuzzFanOutRoundTrip: whatever a fan-out's recipients and shared fields hold, each message reads
// back as the same message added alone does.
func FuzzFanOutRoundTrip(f *testing.F) {
	f.Add("Ruth", "Ruth Ü", "-4", "Self-service", "ruth@example.com", "body", "title", []byte(`{}`), uint8(3))
	f.Add("", "", "", "", "", "", "", []byte(nil), uint8(1))
	f.Fuzz(func(t *testing.T, id, name, role, roleName, address, body, title string, payload []byte, n uint8) {
		recipients := make([]Recipient, 1+int(n)%6)
		for i := range recipients {
			recipients[i] = Recipient{ID: id + strings.Repeat("x", i%2), Name: name, Role: role, RoleName: roleName, Address: address}
		}
		m := Message{Vendor: "luma", Tenant: title, Channel: id, Kind: role, Body: body, Title: title, Payload: payload,
			Status: roleName, Data: map[string]any{"k": body}, CreatedAt: t0}
		s := NewMemStore()
		fan := &FanOut{msg: m, recipients: recipients, uids: NewIDs(1).uuids(len(recipients))}
		s.AddFanOut(fan)
		alone := NewMemStore()
		for i := range recipients {
			want := fan.Message(i)
			alone.Add([]Message{want})
			got, ok := s.Get(want.ID)
			if !ok || !reflect.DeepEqual(got, mustGet(t, alone, want.ID)) {
				t.Fatalf("message %d read back as %#v, alone as %#v", i, got, mustGet(t, alone, want.ID))
			}
		}
		if got, want := s.Inboxes(Filter{}), alone.Inboxes(Filter{}); !reflect.DeepEqual(got, want) {
			t.Fatalf("inboxes %+v, alone %+v", got, want)
		}
	})
}

func mustGet(t *testing.T, s *MemStore, id string) Message {
	t.Helper()
	m, ok := s.Get(id)
	if !ok {
		t.Fatalf("%s not stored", id)
	}
	return m
}

// randomFanOut is a fan-out of n recipients drawn from those randomMessages uses, ids differing
// only in case among them.
func randomFanOut(r *rand.Rand, n int, at time.Time) *FanOut {
	m := randomMessages(r, 1)[0]
	m.CreatedAt = at
	recipients := make([]Recipient, n)
	for i := range recipients {
		recipients[i] = randomMessages(r, 1)[0].Recipient
	}
	return &FanOut{msg: m, recipients: recipients, uids: NewIDs(r.Uint64() | 1).uuids(n)}
}

// TestFanOutEventsAreMadeWhenRead: with nobody subscribed, a fan-out's events keep their messages
// unmade; a client that resumes reads each as Deliver would have published it.
func TestFanOutEventsAreMadeWhenRead(t *testing.T) {
	e := newTestEnv(t)
	f := e.DeliverFanOut(newTestRequest("r"), Message{Vendor: "luma", Body: "hi"}, fanOutRecipients(5), nil)
	resumed := e.Bus.SubscribeAfter(0, 16, nil)
	defer resumed.Close()
	for i := range f.Len() {
		ev := recv(t, resumed)
		if m, ok := ev.Data.(Message); ev.Type != EventMessageDelivered || !ok || !reflect.DeepEqual(m, f.Message(i)) || ev.deferred != nil {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
}
