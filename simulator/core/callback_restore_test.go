package core

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Restored callbacks: a pending one due later waits for the clock, a pending one already tried
// goes on with the next attempt number, finished ones are only listed.
func TestCallbacksRestore(t *testing.T) {
	got := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer srv.Close()
	clock := NewClock()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock.Freeze()
	clock.Set(start)
	bus := NewBus()
	c := NewCallbacks(bus, clock, NewIDs(1))
	defer c.Close()
	rec := &recorder{}
	c.SetDurable(rec)
	due := start.Add(time.Minute)
	c.Restore([]Callback{
		{ID: "done", URL: srv.URL, Body: []byte(`"done"`), State: CallbackDelivered, Attempts: []CallbackAttempt{{Attempt: 1, Status: 200}}},
		{ID: "later", URL: srv.URL, Body: []byte(`"later"`), State: CallbackPending, Due: &due},
		{ID: "retry", URL: srv.URL, Body: []byte(`"retry"`), State: CallbackPending, Attempts: []CallbackAttempt{{Attempt: 1, Error: "refused"}}},
	})
	wait := func(want string) {
		t.Helper()
		select {
		case b := <-got:
			if b != want {
				t.Fatalf("callback body %s, want %s", b, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("callback %s never arrived", want)
		}
	}
	wait(`"retry"`)
	select {
	case b := <-got:
		t.Fatalf("%s sent before its due time", b)
	default:
	}
	clock.Advance(time.Minute)
	wait(`"later"`)
	// The target has the body; the sender records the answer just after. Wait for that.
	states := map[string]Callback{}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, cb := range c.List("") {
			states[cb.ID] = cb
		}
		if states["later"].State != CallbackPending && states["retry"].State != CallbackPending {
			break
		}
	}
	if r := states["retry"]; r.State != CallbackDelivered || len(r.Attempts) != 2 || r.Attempts[1].Attempt != 2 {
		t.Errorf("retry = %+v; want delivered on attempt 2", r)
	}
	if l := states["later"]; l.State != CallbackDelivered || len(l.Attempts) != 1 {
		t.Errorf("later = %+v; want delivered on attempt 1", l)
	}
	if rec.ops(TableCallbacks) == "" {
		t.Error("attempts of restored callbacks were not recorded")
	}
}
