package admin

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// A subscriber that fell behind is sent a gap event, without an id line (so a reconnecting
// EventSource still asks for what it missed), in place of the oldest events it missed, then the
// newest ones.
func TestServeSSEWritesGapWithoutID(t *testing.T) {
	bus := core.NewBus()
	sub := bus.Subscribe(2, nil)
	for range 5 {
		bus.Publish(core.Event{Type: core.EventJobProgress})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveSSE(w, r, sub, time.Second)
	}))
	defer srv.Close()
	defer sub.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	rd := bufio.NewReader(resp.Body)
	var got []string
	for len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "id: 5\n") {
		block := readBlock(t, rd)
		if strings.HasPrefix(block, ":") {
			continue
		}
		got = append(got, block)
	}
	// The pump may already hold id 1 when the others arrive: then 1 comes first.
	want := []string{
		"event: gap\ndata: {\"id\":0,\"type\":\"gap\",",
		"id: 4\nevent: job.progress\n",
		"id: 5\nevent: job.progress\n",
	}
	gap := `"data":{"first":1,"last":3,"missed":3}`
	if len(got) == 4 {
		if !strings.HasPrefix(got[0], "id: 1\nevent: job.progress\n") {
			t.Fatalf("got %q: four events, the first not id 1", got)
		}
		got = got[1:]
		gap = `"data":{"first":2,"last":3,"missed":2}`
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %d events", got, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("event %d = %q, want it to start %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[0], gap) {
		t.Errorf("gap %q does not hold %s", got[0], gap)
	}
}

func readBlock(t *testing.T, rd *bufio.Reader) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v (read %q)", err, b.String())
		}
		if line == "\n" {
			return b.String()
		}
		b.WriteString(line)
	}
}
