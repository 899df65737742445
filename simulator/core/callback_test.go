package core

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// waitSettled polls until the callback leaves the pending state.
func waitSettled(t *testing.T, c *Callbacks, id string) Callback {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, cb := range c.List("") {
			if cb.ID == id && cb.State != CallbackPending {
				return cb
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("callback %s still pending after 5s", id)
	return Callback{}
}

func TestCallbacksRetryPolicy(t *testing.T) {
	tests := []struct {
		name      string
		status    int           // what the target answers
		delay     time.Duration // how long it takes
		url       string        // overrides the target
		wantState string
		wantTries int
		wantError string
	}{
		{name: "2xx is delivered at once", status: http.StatusNoContent, wantState: CallbackDelivered, wantTries: 1},
		{name: "5xx is retried to the limit", status: http.StatusBadGateway, wantState: CallbackFailed, wantTries: 3, wantError: "502"},
		{name: "429 is retried", status: http.StatusTooManyRequests, wantState: CallbackFailed, wantTries: 3, wantError: "429"},
		{name: "4xx is not retried", status: http.StatusNotFound, wantState: CallbackFailed, wantTries: 1, wantError: "404"},
		{name: "a slow target times out and is retried", status: http.StatusOK, delay: 300 * time.Millisecond, wantState: CallbackFailed, wantTries: 3, wantError: "Timeout"},
		{name: "a placeholder URL fails once", url: "string", wantState: CallbackFailed, wantTries: 1, wantError: "not an absolute http(s) URL"},
		{name: "a URL without a host fails once", url: "http://", wantState: CallbackFailed, wantTries: 1, wantError: "not an absolute http(s) URL"},
		{name: "another scheme fails once", url: "ftp://example.com/x", wantState: CallbackFailed, wantTries: 1, wantError: "not an absolute http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if tc.delay > 0 {
					select {
					case <-time.After(tc.delay):
					case <-r.Context().Done():
					}
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			bus := NewBus()
			sub := bus.Subscribe(64, nil)
			defer sub.Close()
			c := NewCallbacks(bus, NewClock(), NewIDs(1))
			c.Backoff = time.Millisecond
			c.Client.Timeout = 50 * time.Millisecond
			defer c.Close()
			url := srv.URL
			if tc.url != "" {
				url = tc.url
			}
			cb := waitSettled(t, c, c.Send("v", "req-1", url, map[string]string{"a": "b"}).ID)
			if cb.State != tc.wantState || len(cb.Attempts) != tc.wantTries {
				t.Fatalf("state %s after %d attempts, want %s after %d: %+v", cb.State, len(cb.Attempts), tc.wantState, tc.wantTries, cb.Attempts)
			}
			if tc.wantError != "" && !strings.Contains(cb.Attempts[len(cb.Attempts)-1].Error, tc.wantError) {
				t.Fatalf("last attempt error %q does not mention %q", cb.Attempts[len(cb.Attempts)-1].Error, tc.wantError)
			}
			// The event of the last attempt may trail its state change by a moment.
			events := 0
			for timeout := time.After(time.Second); events < tc.wantTries; {
				select {
				case e := <-sub.C:
					if e.Type == EventCallback {
						events++
					}
				case <-timeout:
					t.Fatalf("%d callback.attempt events, want one per attempt (%d)", events, tc.wantTries)
				}
			}
		})
	}
}

// A reset forgets a callback that is still retrying: it makes no further attempt and publishes
// no further event, so nothing from before the reset shows up after it.
func TestCallbacksResetStopsPendingRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	bus := NewBus()
	c := NewCallbacks(bus, NewClock(), NewIDs(1))
	c.Backoff = 200 * time.Millisecond
	defer c.Close()
	c.Send("v", "req-1", srv.URL, map[string]string{"a": "b"})
	for deadline := time.Now().Add(2 * time.Second); hits.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the first attempt never reached the target")
		}
		time.Sleep(time.Millisecond)
	}
	c.Reset()
	sub := bus.Subscribe(64, nil)
	defer sub.Close()
	time.Sleep(3 * c.Backoff)
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d attempts reached the target, want the 1 made before the reset", n)
	}
	if got := c.List(""); len(got) != 0 {
		t.Fatalf("callbacks after reset: %+v", got)
	}
	select {
	case e := <-sub.C:
		t.Fatalf("event after reset: %+v", e)
	default:
	}
	// Callbacks sent after the reset work as before.
	cb := waitSettled(t, c, c.Send("v", "req-2", "string", nil).ID)
	if cb.State != CallbackFailed || len(cb.Attempts) != 1 {
		t.Fatalf("callback after reset: %+v", cb)
	}
}

func TestCallbacksAfterCloseFailAtOnce(t *testing.T) {
	c := NewCallbacks(NewBus(), NewClock(), NewIDs(1))
	c.Close()
	if cb := c.Send("v", "req-1", "http://127.0.0.1:1/x", nil); cb.State != CallbackFailed {
		t.Fatalf("a send after Close is %s, want failed", cb.State)
	}
	if got := c.List(""); len(got) != 0 {
		t.Fatalf("a send after Close was recorded: %+v", got)
	}
}

func TestCallbacksKeepTheNewestRecords(t *testing.T) {
	c := NewCallbacks(NewBus(), NewClock(), NewIDs(1))
	defer c.Close()
	var last Callback
	for range maxCallbacks + 5 {
		last = c.Send("v", "req", "string", nil)
	}
	got := c.List("")
	if len(got) != maxCallbacks || got[0].ID != last.ID {
		t.Fatalf("%d records, newest %s; want %d, newest %s", len(got), got[0].ID, maxCallbacks, last.ID)
	}
}
