package simulator_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct{ id, typ, data string }

// readEvents reads n events (comments skipped) from an open stream.
func readEvents(t *testing.T, rd *bufio.Reader, n int) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	for len(out) < n {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended after %d events: %v", len(out), err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if cur.typ != "" {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			cur.typ = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.data = strings.TrimPrefix(line, "data: ")
		}
	}
	return out
}

func openStream(t *testing.T, url string, header ...string) *bufio.Reader {
	t.Helper()
	req, err := http.NewRequest("GET", url+"/_sim/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sim/events answered %d", resp.StatusCode)
	}
	return bufio.NewReader(resp.Body)
}

func TestEventStreamResumesFromLastEventID(t *testing.T) {
	tests := []struct {
		name   string
		lastID int64 // of the five published, 1-based
		spaces bool
		want   []int64
	}{
		{name: "after the second", lastID: 2, want: []int64{3, 4, 5}},
		{name: "after the last", lastID: 5, want: nil},
		{name: "with spaces", lastID: 4, spaces: true, want: []int64{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := simulator.RunT(t)
			bus := sim.Env().Bus
			base := bus.LastID() // loading the dataset published its own events
			for i := range 5 {
				bus.Publish(core.Event{Type: core.EventJobProgress, Vendor: "kore", Data: i})
			}
			header := fmt.Sprint(base + tt.lastID)
			if tt.spaces {
				header = " " + header + " "
			}
			rd := openStream(t, sim.URL(), "Last-Event-ID", header)
			live := bus.Publish(core.Event{Type: core.EventStateReset})
			got := readEvents(t, rd, len(tt.want)+1)
			var ids []string
			for _, e := range got {
				ids = append(ids, e.id)
			}
			var want []string
			for _, n := range tt.want {
				want = append(want, fmt.Sprint(base+n))
			}
			want = append(want, fmt.Sprint(live.ID))
			if fmt.Sprint(ids) != fmt.Sprint(want) {
				t.Errorf("ids %v, want %v", ids, want)
			}
		})
	}
}

func TestEventStreamRefusesABadLastEventID(t *testing.T) {
	sim := simulator.RunT(t)
	req, _ := http.NewRequest("GET", sim.URL()+"/_sim/events", nil)
	req.Header.Set("Last-Event-ID", "yesterday")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
}

func TestEventStreamDropsAClientThatNeverReads(t *testing.T) {
	sim := simulator.RunTWithOptions(t, simulator.Options{EventWriteTimeout: 100 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(sim.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096) // fill up sooner
	}
	fmt.Fprintf(conn, "GET /_sim/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	bus := sim.Env().Bus
	deadline := time.Now().Add(60 * time.Second) // guards against a hang only
	for bus.Subscribers() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	big := strings.Repeat("x", 64<<10)
	for i := 0; bus.Subscribers() > 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d events of 64 KiB the stream of a client that reads nothing is still open", i)
		}
		bus.Publish(core.Event{Type: core.EventJobProgress, Data: big})
		time.Sleep(time.Millisecond)
	}
}
