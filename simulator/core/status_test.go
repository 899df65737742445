package core

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// statusCases are stored messages in the corners a status change must copy right: no history, a
// long one, deliverAt and deliveredAt set or not, a nil, empty or full payload, Data or none,
// ids that are UUIDs and ids that are not, times in other zones.
func statusCases() []Message {
	berlin := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 30, 4, 5, 6, 7, berlin)
	later := at.Add(time.Hour)
	return []Message{
		{ID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", Vendor: "luminous", Tenant: "demo", Recipient: Recipient{ID: "256751351363", Name: "Test User"},
			Channel: ChannelWhatsApp, Kind: "template", Body: "Hi Test User", Status: "sent", History: []StatusChange{{Status: "sent", At: at}},
			Data: map[string]any{"campaign": "order_update", "templateParams": []any{"Test User", "ORD-1"}}, Payload: json.RawMessage(`{"apiKey":"k"}`),
			CreatedAt: at, RequestID: "req-1"},
		{ID: "scheduled-1", Vendor: "mykaarma", Status: StatusScheduled, DeliverAt: &later, CreatedAt: at, Payload: json.RawMessage{}},
		{ID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a22", Vendor: "luma", Status: StatusDelivered, DeliveredAt: &at, Title: "Outage",
			History: []StatusChange{{Status: "queued", At: at, Reason: "wait"}, {Status: StatusDelivered, At: later}}, CreatedAt: at.UTC(), Seen: true},
		{ID: "", Vendor: "kore", CreatedAt: at},
	}
}

// TestSetStatusIsWhatUpdateDoes: a status change made on the blob's bytes reads back, through
// Get, the snapshot the event carries and what --data records, as the same change made by Update
// (read the message, change it, write it again) does.
func TestSetStatusIsWhatUpdateDoes(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 123, time.FixedZone("IST", 19800))
	for i, stored := range statusCases() {
		for _, change := range []struct{ status, reason string }{{StatusDelivered, ""}, {"read", ""}, {StatusFailed, "bounced ✗"}} {
			t.Run(fmt.Sprintf("%d/%s", i, change.status), func(t *testing.T) {
				byUpdate, bySplice := NewMemStore(), NewMemStore()
				recUpdate, recSplice := &recorder{}, &recorder{}
				for _, s := range []struct {
					store *MemStore
					rec   *recorder
				}{{byUpdate, recUpdate}, {bySplice, recSplice}} {
					s.store.Add([]Message{stored})
					s.store.SetDurable(s.rec)
				}
				want, ok := byUpdate.Update(stored.ID, statusChange(change.status, change.reason, at))
				if !ok {
					t.Fatal("Update: not found")
				}
				v, ok := bySplice.setStatus(stored.ID, change.status, change.reason, at)
				if !ok {
					t.Fatal("setStatus: not found")
				}
				if got := v.Message(); !reflect.DeepEqual(got, want) {
					t.Errorf("snapshot\n got %#v\nwant %#v", got, want)
				}
				if got, _ := bySplice.Get(stored.ID); !reflect.DeepEqual(got, want) {
					t.Errorf("Get\n got %#v\nwant %#v", got, want)
				}
				var from0, from1 int
				if got, want := recSplice.encoded(t, &from0), recUpdate.encoded(t, &from1); !reflect.DeepEqual(got, want) {
					t.Errorf("recorded\n got %v\nwant %v", got, want)
				}
				f := Filter{Status: change.status}
				if got, want := bySplice.Count(f), byUpdate.Count(f); got != want || got != 1 {
					t.Errorf("Count(status %s) = %d, Update's store %d", change.status, got, want)
				}
			})
		}
	}
}

// FuzzSetStatusIsWhatUpdateDoes: whatever a message and the change hold, the change made on the
// blob reads back as Update's.
func FuzzSetStatusIsWhatUpdateDoes(f *testing.F) {
	f.Add("6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21", "body", "sent", "delivered", "", int64(0), true, []byte(`{}`))
	f.Add("x", "", "", "", "why", int64(-62135596800), false, []byte(nil))
	f.Fuzz(func(t *testing.T, id, body, status, next, reason string, sec int64, delivered bool, payload []byte) {
		if sec < MinTime.Unix() || sec > MaxTime.Unix() {
			return
		}
		at := time.Unix(sec, 0).UTC()
		m := Message{ID: id, Body: body, Status: status, Payload: payload, CreatedAt: at, RequestID: reason,
			History: []StatusChange{{Status: status, At: at, Reason: reason}}, Data: map[string]any{"k": body}}
		if delivered {
			m.DeliveredAt, m.DeliverAt = &at, &at
		}
		a, b := NewMemStore(), NewMemStore()
		a.Add([]Message{m})
		b.Add([]Message{m})
		want, _ := a.Update(id, statusChange(next, reason, at.Add(time.Second)))
		v, ok := b.setStatus(id, next, reason, at.Add(time.Second))
		if !ok {
			t.Fatal("not found")
		}
		if got, _ := b.Get(id); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(v.Message(), want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// TestStatusEventsAreMadeWhenRead: with nobody subscribed, a status change's event keeps the
// message as it stood then, and a client that resumes reads it so, after later changes too.
func TestStatusEventsAreMadeWhenRead(t *testing.T) {
	e := newTestEnv(t)
	out := e.Deliver(nil, Message{Vendor: "luminous", Status: "sent", Data: map[string]any{"k": "v"}})
	id := out[0].ID
	e.Clock.Set(t0.Add(time.Second))
	if !e.ChangeStatus(id, StatusDelivered, "") {
		t.Fatal("ChangeStatus(delivered) not ok")
	}
	e.Clock.Set(t0.Add(2 * time.Second))
	read, ok := e.SetStatus(id, "read", "")
	if !ok || read.Status != "read" || len(read.History) != 3 {
		t.Fatalf("SetStatus(read) = %+v, %v", read, ok)
	}
	if e.ChangeStatus("unknown", "read", "") {
		t.Error("ChangeStatus of an unknown id reports ok")
	}
	resumed := e.Bus.SubscribeAfter(0, 16, nil)
	defer resumed.Close()
	for i, want := range []struct {
		typ, status string
		history     int
	}{{EventMessageSent, "sent", 1}, {EventMessageDelivered, StatusDelivered, 2}, {EventMessageStatus, "read", 3}} {
		ev := recv(t, resumed)
		m, ok := ev.Data.(Message)
		if ev.Type != want.typ || !ok || m.Status != want.status || len(m.History) != want.history || m.Data["k"] != "v" {
			t.Errorf("event %d: %s %+v", i, ev.Type, ev.Data)
		}
		if ev.deferred != nil {
			t.Errorf("event %d reached a subscriber unmade", i)
		}
	}
	if got, _ := e.Store.Get(id); !reflect.DeepEqual(got, read) {
		t.Errorf("stored %+v\nSetStatus answered %+v", got, read)
	}
}
