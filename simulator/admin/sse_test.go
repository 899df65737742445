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
// EventSource still asks for what it missed), then the events after it.
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
	for len(got) < 3 {
		block := readBlock(t, rd)
		if strings.HasPrefix(block, ":") {
			continue
		}
		got = append(got, block)
	}
	want := []string{
		"id: 1\nevent: job.progress\n",
		"id: 2\nevent: job.progress\n",
		"event: gap\ndata: {\"id\":0,\"type\":\"gap\",",
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("event %d = %q, want it to start %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[2], `"data":{"first":3,"last":5,"missed":3}`) {
		t.Errorf("gap %q does not name ids 3 to 5", got[2])
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
