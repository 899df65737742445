package core

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// storeFixture is added oldest first; Query answers newest first.
func storeFixture() []Message {
	return []Message{
		{ID: "m1", Vendor: "luma", Tenant: "acme", Recipient: Recipient{ID: "sam.phyll", Role: "-3", RoleName: "Analyst"},
			Channel: ChannelLumaChat, Body: "Disk is FULL", Status: StatusDelivered, CreatedAt: t0},
		{ID: "m2", Vendor: "luma", Tenant: "acme", Recipient: Recipient{ID: "ruth", Role: "-4", RoleName: "Self-service"},
			Channel: ChannelLumaChat, Title: "Outage", Body: "db down", Status: StatusDelivered, CreatedAt: t0.Add(time.Minute), Seen: true},
		{ID: "m3", Vendor: "luminous", Tenant: "demo", Recipient: Recipient{ID: "+256751351363"},
			Channel: ChannelWhatsApp, Body: "Hi Ann, your order 7 has shipped", Status: "sent", CreatedAt: t0.Add(2 * time.Minute)},
		{ID: "m4", Vendor: "kore", Tenant: "st-demo-bot", Recipient: Recipient{ID: "alice@example.com"},
			Channel: ChannelSlack, Body: "deploy done", Status: StatusFailed, CreatedAt: t0.Add(3 * time.Minute)},
		{ID: "m5", Vendor: "kore", Tenant: "st-demo-bot", Recipient: Recipient{ID: "Alice@Example.com"},
			Channel: ChannelMSTeams, Body: "second", Status: StatusDelivered, CreatedAt: t0.Add(4 * time.Minute)},
	}
}

func newFilledStore(t *testing.T) *MemStore {
	t.Helper()
	s := NewMemStore()
	s.Add(storeFixture())
	if s.Len() != 5 {
		t.Fatalf("Len = %d after adding 5", s.Len())
	}
	return s
}

func ids(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func TestMemStoreQueryFilters(t *testing.T) {
	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"zero filter matches all, newest first", Filter{}, []string{"m5", "m4", "m3", "m2", "m1"}},
		{"vendor", Filter{Vendor: "luma"}, []string{"m2", "m1"}},
		{"vendor is case-insensitive", Filter{Vendor: "KORE"}, []string{"m5", "m4"}},
		{"tenant", Filter{Tenant: "demo"}, []string{"m3"}},
		{"recipient is case-insensitive", Filter{Recipient: "ALICE@example.com"}, []string{"m5", "m4"}},
		{"recipient is exact, not a substring", Filter{Recipient: "alice"}, []string{}},
		{"role code", Filter{Role: "-3"}, []string{"m1"}},
		{"role name, any case", Filter{Role: "self-SERVICE"}, []string{"m2"}},
		{"channel", Filter{Channel: ChannelWhatsApp}, []string{"m3"}},
		{"status", Filter{Status: StatusFailed}, []string{"m4"}},
		{"status vendor-specific", Filter{Status: "SENT"}, []string{"m3"}},
		{"text in body, any case", Filter{Text: "full"}, []string{"m1"}},
		{"text in title", Filter{Text: "outage"}, []string{"m2"}},
		{"text matches nothing", Filter{Text: "nothing like it"}, []string{}},
		{"since is inclusive", Filter{Since: t0.Add(3 * time.Minute)}, []string{"m5", "m4"}},
		{"since after everything", Filter{Since: t0.Add(time.Hour)}, []string{}},
		{"limit keeps the newest", Filter{Limit: 2}, []string{"m5", "m4"}},
		{"limit with a filter", Filter{Vendor: "luma", Limit: 1}, []string{"m2"}},
		{"fields combine", Filter{Vendor: "kore", Channel: ChannelSlack}, []string{"m4"}},
		{"fields combine to nothing", Filter{Vendor: "luma", Channel: ChannelSlack}, []string{}},
	}
	s := newFilledStore(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Query(tc.filter)
			if got == nil {
				t.Fatal("Query returned nil; want an empty slice (it is encoded as [] in JSON)")
			}
			if !reflect.DeepEqual(ids(got), tc.want) {
				t.Errorf("Query(%+v) = %v, want %v", tc.filter, ids(got), tc.want)
			}
			unlimited := tc.filter
			unlimited.Limit = 0
			if n, want := s.Count(tc.filter), len(s.Query(unlimited)); n != want {
				t.Errorf("Count(%+v) = %d, want %d (it ignores Limit)", tc.filter, n, want)
			}
		})
	}
}

func TestMemStoreSeqAndReset(t *testing.T) {
	s := NewMemStore()
	batch := []Message{{ID: "a"}, {ID: "b"}}
	s.Add(batch)
	if batch[0].Seq != 1 || batch[1].Seq != 2 {
		t.Errorf("Add set caller's Seq to %d,%d; want 1,2", batch[0].Seq, batch[1].Seq)
	}
	s.Add([]Message{{ID: "c"}})
	for id, want := range map[string]int64{"a": 1, "b": 2, "c": 3} {
		m, ok := s.Get(id)
		if !ok || m.Seq != want {
			t.Errorf("Get(%s) = seq %d, ok %v; want seq %d", id, m.Seq, ok, want)
		}
	}
	// Messages created at the same instant still come newest first, by Seq.
	if got := ids(s.Query(Filter{})); !reflect.DeepEqual(got, []string{"c", "b", "a"}) {
		t.Errorf("order = %v, want [c b a]", got)
	}

	s.Reset()
	if s.Len() != 0 {
		t.Errorf("Len after Reset = %d", s.Len())
	}
	if _, ok := s.Get("a"); ok {
		t.Error("Get finds a message after Reset")
	}
	if got := s.Query(Filter{}); len(got) != 0 {
		t.Errorf("Query after Reset = %v", ids(got))
	}
	s.Add([]Message{{ID: "d"}})
	if m, _ := s.Get("d"); m.Seq != 1 {
		t.Errorf("first Seq after Reset = %d, want 1", m.Seq)
	}
}

func TestMemStoreGetUpdate(t *testing.T) {
	s := newFilledStore(t)
	if _, ok := s.Get("nope"); ok {
		t.Error("Get of an unknown id reports ok")
	}
	if _, ok := s.Update("nope", func(*Message) { t.Error("fn called for an unknown id") }); ok {
		t.Error("Update of an unknown id reports ok")
	}
	got, ok := s.Update("m3", func(m *Message) {
		m.Status = "read"
		m.Seen = true
	})
	if !ok || got.Status != "read" || !got.Seen {
		t.Fatalf("Update returned %+v, %v", got, ok)
	}
	again, _ := s.Get("m3")
	if again.Status != "read" || !again.Seen {
		t.Errorf("Get after Update = status %q seen %v", again.Status, again.Seen)
	}
	if q := s.Query(Filter{Status: "read"}); !reflect.DeepEqual(ids(q), []string{"m3"}) {
		t.Errorf("Query sees the update as %v", ids(q))
	}
	// The returned copy is not the stored message.
	got.Status = "changed by caller"
	if m, _ := s.Get("m3"); m.Status != "read" {
		t.Errorf("changing Update's result changed the store: %q", m.Status)
	}
}

func TestMemStoreReturnsCopies(t *testing.T) {
	delivered := t0
	orig := Message{
		ID: "x", Vendor: "luma", Body: "hello", Data: map[string]any{"k": "v"},
		Payload:     json.RawMessage(`{"a":1}`),
		History:     []StatusChange{{Status: StatusDelivered, At: t0}},
		DeliveredAt: &delivered,
	}
	get := func(s *MemStore) Message { m, _ := s.Get("x"); return m }
	query := func(s *MemStore) Message { return s.Query(Filter{})[0] }
	inbox := func(s *MemStore) Message { return *s.Inboxes(Filter{})[0].Last }
	update := func(s *MemStore) Message { m, _ := s.Update("x", func(*Message) {}); return m }
	for name, read := range map[string]func(*MemStore) Message{"Get": get, "Query": query, "Inboxes.Last": inbox, "Update": update} {
		t.Run(name, func(t *testing.T) {
			s := NewMemStore()
			s.Add([]Message{orig.Clone()})
			m := read(s)
			m.Data["k"] = "mutated"
			m.Data["new"] = true
			m.History[0].Status = "mutated"
			m.Payload[2] = 'Z'
			*m.DeliveredAt = t0.Add(time.Hour)

			after := get(s)
			if after.Data["k"] != "v" || len(after.Data) != 1 {
				t.Errorf("stored Data changed: %v", after.Data)
			}
			if after.History[0].Status != StatusDelivered {
				t.Errorf("stored History changed: %v", after.History)
			}
			if string(after.Payload) != `{"a":1}` {
				t.Errorf("stored Payload changed: %s", after.Payload)
			}
			if !after.DeliveredAt.Equal(t0) {
				t.Errorf("stored DeliveredAt changed: %v", after.DeliveredAt)
			}
		})
	}
}

func TestMemStoreAddOwnsBatch(t *testing.T) {
	s := NewMemStore()
	batch := []Message{{ID: "a", Body: "one"}}
	s.Add(batch)
	batch[0].Body = "changed after Add"
	if m, _ := s.Get("a"); m.Body != "one" {
		t.Errorf("changing the caller's slice element changed the store: %q", m.Body)
	}
}

func TestMemStoreInboxes(t *testing.T) {
	s := NewMemStore()
	s.Add([]Message{
		{ID: "1", Vendor: "kore", Tenant: "bot", Recipient: Recipient{ID: "alice"}, Channel: ChannelSlack, CreatedAt: t0},
		{ID: "2", Vendor: "kore", Tenant: "bot", Recipient: Recipient{ID: "bob"}, Channel: ChannelMSTeams, CreatedAt: t0, Seen: true},
		{ID: "3", Vendor: "kore", Tenant: "bot", Recipient: Recipient{ID: "alice"}, Channel: ChannelMSTeams, CreatedAt: t0, Seen: true},
		{ID: "4", Vendor: "kore", Tenant: "bot", Recipient: Recipient{ID: "alice"}, Channel: ChannelSlack, CreatedAt: t0},
		// Same recipient id under another vendor or tenant is another inbox.
		{ID: "5", Vendor: "luma", Tenant: "acme", Recipient: Recipient{ID: "alice"}, Channel: ChannelLumaChat, CreatedAt: t0},
		{ID: "6", Vendor: "kore", Tenant: "other", Recipient: Recipient{ID: "alice"}, Channel: ChannelSlack, CreatedAt: t0},
	})
	type row struct {
		vendor, tenant, id string
		count, unread      int
		channels           []string
		last               string
	}
	tests := []struct {
		name   string
		filter Filter
		want   []row
	}{
		{"all, most recent activity first", Filter{}, []row{
			{"kore", "other", "alice", 1, 1, []string{"slack"}, "6"},
			{"luma", "acme", "alice", 1, 1, []string{"luma-chat"}, "5"},
			{"kore", "bot", "alice", 3, 2, []string{"msteams", "slack"}, "4"},
			{"kore", "bot", "bob", 1, 0, []string{"msteams"}, "2"},
		}},
		{"filter applies before grouping", Filter{Tenant: "bot", Channel: ChannelMSTeams}, []row{
			{"kore", "bot", "alice", 1, 0, []string{"msteams"}, "3"},
			{"kore", "bot", "bob", 1, 0, []string{"msteams"}, "2"},
		}},
		{"limit counts inboxes, not messages", Filter{Tenant: "bot", Limit: 1}, []row{
			{"kore", "bot", "alice", 3, 2, []string{"msteams", "slack"}, "4"},
		}},
		{"nothing matches", Filter{Vendor: "mykaarma"}, []row{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := []row{}
			for _, in := range s.Inboxes(tc.filter) {
				if in.Last == nil {
					t.Fatalf("inbox %s has no Last", in.Recipient.ID)
				}
				got = append(got, row{in.Vendor, in.Tenant, in.Recipient.ID, in.Count, in.Unread, in.Channels, in.Last.ID})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Inboxes(%+v) =\n  %+v\nwant\n  %+v", tc.filter, got, tc.want)
			}
		})
	}
}

func TestMemStoreConcurrent(t *testing.T) {
	s := NewMemStore()
	const writers, perWriter = 4, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				s.Add([]Message{{ID: fmt.Sprintf("w%d-%d", w, i), Vendor: "luma", Data: map[string]any{"i": i}}})
			}
		}()
	}
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				for _, m := range s.Query(Filter{Vendor: "luma", Limit: 10}) {
					m.Data["touched"] = true // a copy: must not race with the store
				}
				s.Inboxes(Filter{})
				s.Update(fmt.Sprintf("w0-%d", i), func(m *Message) { m.Seen = true })
				s.Len()
			}
		}()
	}
	wg.Wait()
	msgs := s.Query(Filter{})
	if len(msgs) != writers*perWriter {
		t.Fatalf("stored %d messages, want %d", len(msgs), writers*perWriter)
	}
	// Seq is unique and follows arrival: newest first means strictly decreasing.
	for i := 1; i < len(msgs); i++ {
		if msgs[i].Seq >= msgs[i-1].Seq {
			t.Fatalf("Seq not strictly decreasing at %d: %d then %d", i, msgs[i-1].Seq, msgs[i].Seq)
		}
	}
	if msgs[0].Seq != writers*perWriter || msgs[len(msgs)-1].Seq != 1 {
		t.Errorf("Seq runs %d..%d, want %d..1", msgs[0].Seq, msgs[len(msgs)-1].Seq, writers*perWriter)
	}
	for _, m := range msgs {
		if _, touched := m.Data["touched"]; touched {
			t.Fatalf("a reader's change to a copy reached the store: %s", m.ID)
		}
	}
}
