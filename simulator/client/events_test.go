package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/client"
)

// next returns the next event of type typ, failing the test when the stream ends or ctx does.
func next(ctx context.Context, t *testing.T, events <-chan client.Event, typ string) client.Event {
	t.Helper()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the stream closed while waiting for %s", typ)
			}
			if e.Type == typ {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("no %s event: %v", typ, ctx.Err())
		}
	}
}

func TestEventsDecodeAndReconnect(t *testing.T) {
	c, srv := sandbox(t, client.WithBackoff(time.Millisecond, 20*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := c.Events(ctx, client.EventFilter{Types: []string{client.EventMessageDelivered}})
	next(ctx, t, events, client.EventConnected)

	lumaToAnalysts(t, srv.URL, "live one")
	e := next(ctx, t, events, client.EventMessageDelivered)
	m, err := e.Message()
	if err != nil || m.Recipient.ID != "sam.phyll" || m.Body != "live one" || e.ID == 0 || e.Vendor != "luma" {
		t.Fatalf("event %+v decoded to %+v, %v", e, m, err)
	}
	if _, err := e.Job(); err == nil {
		t.Error("a message event decoded as a job")
	}

	// The server drops every connection, as a restart does: the client says so and comes back.
	srv.CloseClientConnections()
	d := next(ctx, t, events, client.EventDisconnected)
	if d.Err == nil {
		t.Error("the disconnected event has no error")
	}
	next(ctx, t, events, client.EventConnected)
	lumaToAnalysts(t, srv.URL, "after reconnect")
	m, err = next(ctx, t, events, client.EventMessageDelivered).Message()
	if err != nil || m.Body != "after reconnect" {
		t.Errorf("after reconnecting got %+v, %v", m, err)
	}

	cancel()
	for range events { // the channel closes once ctx ends
	}
}

func TestEventsResumeWithLastEventID(t *testing.T) {
	var mu sync.Mutex
	var lastIDs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lastIDs = append(lastIDs, r.Header.Get("Last-Event-ID"))
		n := len(lastIDs)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		// Each connection sends one event split over two data lines, with a comment and CRLFs,
		// then ends.
		fmt.Fprintf(w, ": hello\r\nid: %d\r\nevent: state.reset\r\ndata: {\"type\":\"state.reset\",\r\ndata: \"vendor\":\"luma\"}\r\n\r\n", 40+n)
	}))
	defer srv.Close()
	c, _ := client.New(srv.URL, client.WithBackoff(time.Millisecond, time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := c.Events(ctx, client.EventFilter{})
	for want := int64(41); want <= 42; want++ {
		e := next(ctx, t, events, client.EventStateReset)
		if e.ID != want || e.Vendor != "luma" {
			t.Errorf("event = %+v, want id %d from luma", e, want)
		}
	}
	cancel()
	for range events {
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lastIDs) < 2 || lastIDs[0] != "" || lastIDs[1] != "41" {
		t.Errorf("Last-Event-ID headers = %q, want \"\" then \"41\"", lastIDs)
	}
}

func TestEventsReportRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"admin token required: send Authorization: Bearer <token>"}`, http.StatusUnauthorized)
	}))
	defer srv.Close()
	c, _ := client.New(srv.URL, client.WithBackoff(time.Millisecond, time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := next(ctx, t, c.Events(ctx, client.EventFilter{}), client.EventDisconnected)
	if d.Err == nil || !client.IsStatus(d.Err, http.StatusUnauthorized) {
		t.Errorf("disconnected with %v, want the 401", d.Err)
	}
}
