package simulator_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
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

// TestEventStreamResumeGapIsLikeALiveOne: a client reconnecting with a Last-Event-ID older than
// the history is told what it missed as a live reader is: first, last, how many, and the time of
// the newest of them (not 0001-01-01).
func TestEventStreamResumeGapIsLikeALiveOne(t *testing.T) {
	sim := simulator.RunT(t)
	bus := sim.Env().Bus
	base := bus.LastID()
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	const n = core.DefaultHistory + 10
	for i := range n {
		bus.Publish(core.Event{Type: core.EventJobProgress, Vendor: "kore", Time: at.Add(time.Duration(i) * time.Second)})
	}
	rd := openStream(t, sim.URL(), "Last-Event-ID", fmt.Sprint(base+1))
	got := readEvents(t, rd, 2)
	if got[0].typ != "gap" || got[0].id != "" {
		t.Fatalf("first event %+v, want a gap without an id", got[0])
	}
	var gap struct {
		Time time.Time `json:"time"`
		Data core.Gap  `json:"data"`
	}
	if err := json.Unmarshal([]byte(got[0].data), &gap); err != nil {
		t.Fatal(err)
	}
	lost := int64(n - core.DefaultHistory - 1) // the history keeps the newest DefaultHistory; the first was seen
	want := core.Gap{First: base + 2, Last: base + 1 + lost, Missed: lost}
	if gap.Data != want {
		t.Errorf("gap %+v, want %+v", gap.Data, want)
	}
	if wantTime := at.Add(time.Duration(lost) * time.Second); !gap.Time.Equal(wantTime) {
		t.Errorf("gap time %s, want %s, the time of the newest event it names", gap.Time, wantTime)
	}
	if got[1].id != fmt.Sprint(want.Last+1) {
		t.Errorf("after the gap came id %s, want %d", got[1].id, want.Last+1)
	}
}

// TestEventStreamStalledReaderGetsEveryEventOrAGap is issue 20's repro: a reader opens the
// stream and stops reading while 400 Luma fan-outs of 1,500-byte messages (2,800 events) are
// delivered, then one more to ruth; when it reads again it must account for every id, by an
// event or a gap, in order, and receive that last message as an event with its id, not only as
// a number inside a gap (the subscription used to keep its oldest 1,024 events and drop the
// rest, the last one included).
func TestEventStreamStalledReaderGetsEveryEventOrAGap(t *testing.T) {
	// A long write timeout: this reader pauses, it has not gone away.
	sim := simulator.RunTWithOptions(t, simulator.Options{EventWriteTimeout: 5 * time.Minute})
	conn, err := net.Dial("tcp", strings.TrimPrefix(sim.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /_sim/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	bus := sim.Env().Bus
	for deadline := time.Now().Add(time.Minute); bus.Subscribers() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) { // guards against a hang only
			t.Fatal("the stream never subscribed")
		}
	}
	first := bus.LastID() + 1
	send := func(contacts, message string) {
		t.Helper()
		req, _ := http.NewRequest("POST", sim.URL()+"/vsa/public/notifylumauser/message",
			strings.NewReader(fmt.Sprintf(`{"recipients": {"contacts": %s}, "message": %q}`, contacts, message)))
		req.Header.Set("Authorization", "Bearer luma-demo-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("send answered %d", resp.StatusCode)
		}
	}
	big := strings.Repeat("x", 1500)
	for range 400 {
		send(`"0"`, big)
	}
	send(`["ruth"]`, "sse-final")
	last := bus.LastID()

	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Minute)) // guards against a hang only
	rd := bufio.NewReaderSize(conn, 1<<20)
	if _, err := http.ReadResponse(rd, nil); err != nil {
		t.Fatal(err)
	}
	body := httputilChunked(rd)
	covered, gaps, events := first-1, 0, 0
	var final string
	for covered < last {
		e := readEvents(t, body, 1)[0]
		switch e.typ {
		case "gap":
			var g struct{ Data core.Gap }
			if err := json.Unmarshal([]byte(e.data), &g); err != nil || g.Data.First != covered+1 || g.Data.Missed != g.Data.Last-g.Data.First+1 {
				t.Fatalf("gap %s after id %d (%v)", e.data, covered, err)
			}
			covered, gaps = g.Data.Last, gaps+1
		default:
			id, _ := strconv.ParseInt(e.id, 10, 64)
			if id != covered+1 {
				t.Fatalf("id %s after %d, with no gap between", e.id, covered)
			}
			covered, events = id, events+1
			if strings.Contains(e.data, "sse-final") {
				final = e.id
			}
		}
	}
	t.Logf("%d events and %d gaps for ids %d to %d", events, gaps, first, last)
	if final != fmt.Sprint(last) {
		t.Errorf("the last message (id %d) never came as an event: a stalled reader must get the newest", last)
	}
	if gaps == 0 {
		t.Errorf("no gap: the reader never fell behind, so this test tests nothing")
	}
}

// httputilChunked reads the chunked body of the stream's response.
func httputilChunked(rd *bufio.Reader) *bufio.Reader {
	return bufio.NewReader(httputil.NewChunkedReader(rd))
}
