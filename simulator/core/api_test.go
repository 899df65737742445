package core

import (
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

func newTestEnv(t *testing.T) *Env {
	t.Helper()
	clock := NewClock()
	clock.Reset(t0)
	return &Env{Store: NewMemStore(), Bus: NewBus(), Clock: clock, IDs: NewIDs(1)}
}

func newTestRequest(id string) *Request {
	return &Request{HTTP: httptest.NewRequest("POST", "/x", nil), ID: id}
}

func statuses(h []StatusChange) []string {
	out := make([]string, len(h))
	for i, c := range h {
		out[i] = c.Status
	}
	return out
}

func TestEnvDeliver(t *testing.T) {
	e := newTestEnv(t)
	req := newTestRequest("req-1")
	shared := map[string]any{"template": "1001"}
	out := e.Deliver(req,
		Message{Vendor: "luma", Recipient: Recipient{ID: "ruth"}, Body: "hi", Data: shared},
		Message{ID: "given-id", Vendor: "luma", Recipient: Recipient{ID: "judy"}, Body: "hi", Data: shared},
		Message{Vendor: "luminous", Recipient: Recipient{ID: "+1"}, Status: "sent", CreatedAt: t0.Add(-time.Minute)},
	)
	if len(out) != 3 {
		t.Fatalf("Deliver returned %d messages", len(out))
	}
	if _, err := uuid.Parse(out[0].ID); err != nil {
		t.Errorf("generated id %q is not a UUID", out[0].ID)
	}
	if out[1].ID != "given-id" {
		t.Errorf("a given id was replaced by %q", out[1].ID)
	}
	if got := req.CreatedIDs(); !reflect.DeepEqual(got, []string{out[0].ID, "given-id", out[2].ID}) {
		t.Errorf("request recorded %v", got)
	}
	tests := []struct {
		id          string
		status      string
		history     []string
		createdAt   time.Time
		deliveredAt time.Time // zero: not delivered yet, so no deliveredAt
	}{
		{out[0].ID, StatusDelivered, []string{StatusDelivered}, t0, t0},
		{"given-id", StatusDelivered, []string{StatusDelivered}, t0, t0},
		{out[2].ID, "sent", []string{"sent"}, t0.Add(-time.Minute), time.Time{}},
	}
	for _, tc := range tests {
		m, ok := e.Store.Get(tc.id)
		if !ok {
			t.Fatalf("message %s not stored", tc.id)
		}
		if m.Status != tc.status || !reflect.DeepEqual(statuses(m.History), tc.history) {
			t.Errorf("%s: status %q history %v, want %q %v", tc.id, m.Status, statuses(m.History), tc.status, tc.history)
		}
		delivered := m.DeliveredAt != nil && m.DeliveredAt.Equal(tc.deliveredAt) || m.DeliveredAt == nil && tc.deliveredAt.IsZero()
		if !m.CreatedAt.Equal(tc.createdAt) || !delivered {
			t.Errorf("%s: created %v delivered %v", tc.id, m.CreatedAt, m.DeliveredAt)
		}
		if m.RequestID != "req-1" {
			t.Errorf("%s: RequestID %q", tc.id, m.RequestID)
		}
		if m.Seq == 0 {
			t.Errorf("%s: Seq not set", tc.id)
		}
	}
	// Without a request it still delivers.
	if got := e.Deliver(nil, Message{Vendor: "kore"}); got[0].RequestID != "" || e.Store.Len() != 4 {
		t.Errorf("Deliver(nil): %+v, store has %d", got[0], e.Store.Len())
	}
}

func TestEnvSetStatusLeavesBatchMatesAlone(t *testing.T) {
	for _, mode := range []string{"deliver", "schedule"} {
		t.Run(mode, func(t *testing.T) {
			e := newTestEnv(t)
			shared := map[string]any{"k": "v"}
			msgs := []Message{{Vendor: "luma", Data: shared}, {Vendor: "luma", Data: shared}}
			var out []Message
			if mode == "deliver" {
				out = e.Deliver(nil, msgs...)
			} else {
				out = e.Schedule(nil, t0.Add(time.Hour), msgs...)
			}
			before, _ := e.Store.Get(out[1].ID)

			e.Clock.Set(t0.Add(time.Minute))
			for _, s := range []string{"sent", StatusDelivered, "read", StatusFailed} {
				if _, ok := e.SetStatus(out[0].ID, s, "because "+s); !ok {
					t.Fatalf("SetStatus(%s) not ok", s)
				}
			}
			changed, _ := e.Store.Get(out[0].ID)
			if changed.Status != StatusFailed || len(changed.History) != 5 || changed.History[4].Reason != "because failed" {
				t.Errorf("changed message: status %q history %+v", changed.Status, changed.History)
			}
			if changed.DeliveredAt == nil || !changed.DeliveredAt.Equal(t0.Add(time.Minute)) {
				t.Errorf("DeliveredAt after delivered = %v", changed.DeliveredAt)
			}

			after, _ := e.Store.Get(out[1].ID)
			if !reflect.DeepEqual(before, after) {
				t.Errorf("SetStatus on one message changed its batch mate:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// Events are published with nobody listening, so a client that resumes with Last-Event-ID
// finds what happened while it was away.
func TestEnvEventsKeptWithoutSubscribers(t *testing.T) {
	e := newTestEnv(t)
	e.Deliver(nil, Message{Vendor: "luma"}, Message{Vendor: "luma"})
	e.Schedule(nil, t0.Add(time.Hour), Message{Vendor: "luma"})
	resumed := e.Bus.SubscribeAfter(0, 16, nil)
	defer resumed.Close()
	for i, want := range []string{EventMessageDelivered, EventMessageDelivered, EventMessageStatus} {
		if ev := recv(t, resumed); ev.ID != int64(i+1) || ev.Type != want {
			t.Errorf("replayed event %d = %d %s, want %d %s", i, ev.ID, ev.Type, i+1, want)
		}
	}
	sub := e.Bus.Subscribe(16, nil)
	defer sub.Close()
	e.Bus.Publish(Event{Type: "probe"})
	recv(t, sub)

	req := newTestRequest("r")
	out := e.Deliver(req, Message{Vendor: "luma", Data: map[string]any{"k": "v"}}, Message{Vendor: "kore"})
	for i, want := range []string{"luma", "kore"} {
		ev := recv(t, sub)
		m, ok := ev.Data.(Message)
		if ev.Type != EventMessageDelivered || ev.Vendor != want || !ok || m.ID != out[i].ID || !ev.Time.Equal(t0) {
			t.Errorf("event %d = %+v", i, ev)
		}
		if ok && m.Data != nil {
			m.Data["k"] = "mutated" // the event carries a copy
		}
	}
	if m, _ := e.Store.Get(out[0].ID); m.Data["k"] != "v" {
		t.Errorf("changing an event's message changed the store: %v", m.Data)
	}
	if _, ok := e.SetStatus(out[0].ID, "read", ""); !ok {
		t.Fatal("SetStatus not ok")
	}
	if ev := recv(t, sub); ev.Type != EventMessageStatus {
		t.Errorf("SetStatus(read) published %q, want %q", ev.Type, EventMessageStatus)
	}
	if _, ok := e.SetStatus("unknown", "read", ""); ok {
		t.Error("SetStatus of an unknown id reports ok")
	}
	noEvent(t, sub)
}

func TestEnvSchedule(t *testing.T) {
	e := newTestEnv(t)
	sub := e.Bus.Subscribe(16, nil)
	defer sub.Close()
	at := t0.Add(10 * time.Minute)
	req := newTestRequest("req-s")
	out := e.Schedule(req, at, Message{Vendor: "mykaarma"}, Message{Vendor: "mykaarma"})
	if got := req.CreatedIDs(); len(got) != 2 || got[0] != out[0].ID {
		t.Errorf("request recorded %v", got)
	}
	for range out {
		if ev := recv(t, sub); ev.Type != EventMessageStatus || ev.Data.(Message).Status != StatusScheduled {
			t.Errorf("scheduling published %+v", ev)
		}
	}
	check := func(when, status string, history []string, deliveredAt *time.Time) {
		t.Helper()
		for _, o := range out {
			m, _ := e.Store.Get(o.ID)
			if m.Status != status || !reflect.DeepEqual(statuses(m.History), history) {
				t.Errorf("%s: status %q history %v, want %q %v", when, m.Status, statuses(m.History), status, history)
			}
			if m.DeliverAt == nil || !m.DeliverAt.Equal(at) {
				t.Errorf("%s: DeliverAt %v, want %v", when, m.DeliverAt, at)
			}
			if (m.DeliveredAt == nil) != (deliveredAt == nil) || (deliveredAt != nil && !m.DeliveredAt.Equal(*deliveredAt)) {
				t.Errorf("%s: DeliveredAt %v, want %v", when, m.DeliveredAt, deliveredAt)
			}
			if m.RequestID != "req-s" || !m.CreatedAt.Equal(t0) {
				t.Errorf("%s: request %q created %v", when, m.RequestID, m.CreatedAt)
			}
		}
	}
	check("at once", StatusScheduled, []string{StatusScheduled}, nil)
	if e.Clock.Pending() != 1 {
		t.Errorf("Pending = %d, want one timer for the batch", e.Clock.Pending())
	}
	e.Clock.Advance(9 * time.Minute)
	check("before the time", StatusScheduled, []string{StatusScheduled}, nil)
	e.Clock.Advance(5 * time.Minute)
	check("after the time", StatusDelivered, []string{StatusScheduled, StatusDelivered}, &at)
	for range out {
		if ev := recv(t, sub); ev.Type != EventMessageDelivered || !ev.Time.Equal(at) {
			t.Errorf("delivery published %+v", ev)
		}
	}
}

func TestDeliverNamesTheEventByStatus(t *testing.T) {
	tests := []struct {
		status, wantEvent string
		delivered         bool
	}{
		{"", EventMessageDelivered, true},
		{StatusDelivered, EventMessageDelivered, true},
		{"sent", EventMessageSent, false},
		{StatusFailed, EventMessageStatus, false},
	}
	for _, tc := range tests {
		t.Run(tc.status, func(t *testing.T) {
			e := newTestEnv(t)
			sub := e.Bus.Subscribe(4, nil)
			defer sub.Close()
			out := e.Deliver(nil, Message{Vendor: "luminous", Status: tc.status})
			if ev := recv(t, sub); ev.Type != tc.wantEvent {
				t.Errorf("a message stored %q is announced as %q, want %q", tc.status, ev.Type, tc.wantEvent)
			}
			if (out[0].DeliveredAt != nil) != tc.delivered {
				t.Errorf("status %q: deliveredAt %v", tc.status, out[0].DeliveredAt)
			}
		})
	}
}
