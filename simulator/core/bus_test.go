package core

import (
	"fmt"
	"testing"
	"time"
)

// recv returns the next event on s, failing the test if none arrives (the timeout only guards
// against a hang; nothing asserts a duration).
func recv(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatal("subscription closed, want an event")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return Event{}
}

// noEvent fails if an event is already waiting on s.
func noEvent(t *testing.T, s *Subscription) {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if ok {
			t.Fatalf("unexpected event %+v", e)
		}
		t.Fatal("subscription unexpectedly closed")
	default:
	}
}

func TestBusFanOutAndFilters(t *testing.T) {
	b := NewBus()
	all1 := b.Subscribe(8, nil)
	all2 := b.Subscribe(8, nil)
	lumaOnly := b.Subscribe(8, func(e Event) bool { return e.Vendor == "luma" })
	if n := b.Subscribers(); n != 3 {
		t.Fatalf("Subscribers = %d, want 3", n)
	}
	events := []Event{
		{Type: EventMessageDelivered, Vendor: "luma"},
		{Type: EventMessageDelivered, Vendor: "kore"},
		{Type: EventStateReset},
	}
	var published []Event
	for _, e := range events {
		published = append(published, b.Publish(e))
	}
	for i := 1; i < len(published); i++ {
		if published[i].ID <= published[i-1].ID {
			t.Errorf("ids not increasing: %d then %d", published[i-1].ID, published[i].ID)
		}
	}
	if published[0].ID != 1 {
		t.Errorf("first id = %d, want 1", published[0].ID)
	}
	tests := []struct {
		name string
		sub  *Subscription
		want []int // indexes into published
	}{
		{"first unfiltered subscriber", all1, []int{0, 1, 2}},
		{"second unfiltered subscriber", all2, []int{0, 1, 2}},
		{"filtered subscriber", lumaOnly, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, i := range tc.want {
				got := recv(t, tc.sub)
				if got.ID != published[i].ID || got.Type != published[i].Type || got.Vendor != published[i].Vendor {
					t.Errorf("got %+v, want %+v", got, published[i])
				}
			}
			noEvent(t, tc.sub)
			if d := tc.sub.Dropped(); d != 0 {
				t.Errorf("Dropped = %d, want 0", d)
			}
		})
	}
}

func TestBusSlowSubscriberDrops(t *testing.T) {
	b := NewBus()
	slow := b.Subscribe(2, nil)
	fast := b.Subscribe(100, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 10; i++ {
			b.Publish(Event{Type: EventJobProgress})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a subscriber nobody reads")
	}
	// Buffer 2: 8 missed, or 7 when its pump already held id 1 (the event being handed over is
	// not dropped).
	if d := slow.Dropped(); d != 8 && d != 7 {
		t.Errorf("slow Dropped = %d, want 8 or 7 (buffer 2, 10 events)", d)
	}
	if d := fast.Dropped(); d != 0 {
		t.Errorf("fast Dropped = %d, want 0", d)
	}
	if d := b.Dropped(); d != slow.Dropped() {
		t.Errorf("bus Dropped = %d, want %d (the sum over subscribers)", d, slow.Dropped())
	}
	// Every id reaches the slow subscriber, as an event or inside a gap, in order, without
	// waiting for a newer event; the newest come as themselves: a stalled reader gets what is
	// current when it reads again, not a backlog from before its pause.
	got := drainUntil(t, slow, 10)
	var missed int64
	for _, e := range got {
		if e.Type == EventGap {
			missed += e.Data.(Gap).Missed
		}
	}
	if missed != slow.Dropped() {
		t.Errorf("the gaps name %d events, Dropped says %d", missed, slow.Dropped())
	}
	if n := len(got); n < 2 || got[n-1].ID != 10 || got[n-2].ID != 9 {
		t.Errorf("slow got %+v, want it to end with 9 and 10, the newest", got)
	}
	// Once it has room again it gets new events.
	b.Publish(Event{Type: EventJobProgress})
	if e := recv(t, slow); e.ID != 11 {
		t.Errorf("after the gap, slow got id %d, want 11", e.ID)
	}
}

// drainUntil reads s until every id up to last is accounted for, by an event or a gap, failing
// on anything out of order; it returns what it read.
func drainUntil(t *testing.T, s *Subscription, last int64) []Event {
	t.Helper()
	var got []Event
	for covered := int64(0); covered < last; {
		e := recv(t, s)
		got = append(got, e)
		if e.Type == EventGap {
			g := e.Data.(Gap)
			if g.First != covered+1 || g.Last < g.First || g.Missed != g.Last-g.First+1 {
				t.Fatalf("gap %+v after id %d (read %+v)", g, covered, got)
			}
			covered = g.Last
			continue
		}
		if e.ID != covered+1 {
			t.Fatalf("id %d after %d with no gap between (read %+v)", e.ID, covered, got)
		}
		covered = e.ID
	}
	return got
}

func TestBusSubscribeBufferAtLeastOne(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(0, nil)
	b.Publish(Event{Type: EventStateReset})
	if s.Dropped() != 0 {
		t.Fatal("a buffer of 0 should be raised to 1 and keep one event")
	}
	recv(t, s)
}

func TestBusCloseIdempotent(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(4, nil)
	other := b.Subscribe(4, nil)
	s.Close()
	s.Close() // must not panic (double close of the channel)
	if _, ok := <-s.C; ok {
		t.Error("C still open after Close")
	}
	if n := b.Subscribers(); n != 1 {
		t.Errorf("Subscribers = %d after closing one of two, want 1", n)
	}
	// Publishing after a Close neither panics (send on closed channel) nor counts as a drop.
	b.Publish(Event{Type: EventStateReset})
	if s.Dropped() != 0 {
		t.Errorf("closed subscription Dropped = %d", s.Dropped())
	}
	recv(t, other)
	other.Close()
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers = %d, want 0", n)
	}
}

func TestBusConcurrentPublishClose(t *testing.T) {
	b := NewBus()
	stop := make(chan struct{})
	published := make(chan struct{})
	go func() {
		defer close(published)
		for {
			select {
			case <-stop:
				return
			default:
				b.Publish(Event{Type: EventJobProgress})
			}
		}
	}()
	for i := 0; i < 50; i++ {
		s := b.Subscribe(1, nil)
		s.Close()
	}
	close(stop)
	<-published
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers = %d, want 0", n)
	}
}

// drain reads n events from s.
func drain(t *testing.T, s *Subscription, n int) []Event {
	t.Helper()
	out := make([]Event, 0, n)
	for range n {
		out = append(out, recv(t, s))
	}
	return out
}

func eventIDs(events []Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestBusGapComesBeforeNewerEvents(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(3, nil)
	for range 5 {
		b.Publish(Event{Type: EventJobProgress}) // the oldest are dropped for 4 and 5
	}
	first := drainUntil(t, s, 5)
	b.Publish(Event{Type: EventJobProgress})
	if e := recv(t, s); e.ID != 6 {
		t.Fatalf("after %+v came %+v, want id 6", first, e)
	}
	gaps := 0
	for _, e := range first {
		if e.Type == EventGap {
			gaps++
		}
	}
	if gaps != 1 || first[len(first)-1].ID != 5 || first[len(first)-2].ID != 4 {
		t.Errorf("got %+v: want one gap, then 4 and 5, the newest", first)
	}
}

// TestBusStalledReaderGetsTheNewest: a reader that stops taking events while many are published
// gets, once it reads again, the event it held, one gap for the older ones it missed, and the
// newest events as themselves: the last one published is never only a number in a gap.
func TestBusStalledReaderGetsTheNewest(t *testing.T) {
	tests := []struct {
		name      string
		buf, sent int
	}{
		{"a buffer of one", 1, 50},
		{"a buffer of eight", 8, 50},
		{"exactly full", 8, 8},
		{"one over", 8, 9},
		{"many over", 64, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBus()
			s := b.Subscribe(tt.buf, nil)
			defer s.Close()
			b.Publish(Event{Type: "held"})
			for s.inHandForTest() == false { // the reader's pump now holds id 1, like a blocked write
				time.Sleep(time.Millisecond)
			}
			for range tt.sent {
				b.Publish(Event{Type: EventJobProgress})
			}
			last := int64(tt.sent) + 1
			got := drainUntil(t, s, last)
			if got[0].ID != 1 {
				t.Errorf("first %+v, want the held event", got[0])
			}
			if e := got[len(got)-1]; e.ID != last {
				t.Errorf("last %+v, want id %d, the newest", e, last)
			}
			gaps := 0
			for _, e := range got {
				if e.Type == EventGap {
					gaps++
				}
			}
			if want := min(1, max(0, tt.sent-tt.buf)); gaps != want {
				t.Errorf("%d gaps in %+v, want %d", gaps, got, want)
			}
		})
	}
}

func TestBusOrderUnderConcurrentPublishers(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(1, nil) // tiny: most events are missed, and every one must be accounted for
	const publishers, each = 8, 500
	done := make(chan struct{})
	for range publishers {
		go func() {
			for range each {
				b.Publish(Event{Type: EventJobProgress})
			}
			done <- struct{}{}
		}()
	}
	var seen, last int64
	finished := 0
	for finished < publishers || seen < publishers*each {
		select {
		case <-done:
			finished++
			continue
		case e := <-s.C:
			switch {
			case e.Type == EventGap:
				g := e.Data.(Gap)
				if g.First != last+1 || g.Last < g.First {
					t.Fatalf("gap %+v after id %d", g, last)
				}
				seen += g.Last - g.First + 1
				last = g.Last
			case e.ID != last+1:
				t.Fatalf("id %d after %d, with no gap between", e.ID, last)
			default:
				seen++
				last = e.ID
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("stalled after id %d, %d of %d accounted for", last, seen, publishers*each)
		}
	}
	if seen != publishers*each {
		t.Errorf("accounted for %d events, want %d", seen, publishers*each)
	}
}

func TestBusSubscribeAfter(t *testing.T) {
	lumaOnly := func(e Event) bool { return e.Vendor == "luma" }
	tests := []struct {
		name   string
		after  int64
		filter func(Event) bool
		want   []int64 // 0 is the gap
		gap    Gap
	}{
		{name: "resume inside the history", after: 8, want: []int64{9, 10}},
		{name: "resume at the newest", after: 10, want: nil},
		{name: "resume just before the history", after: 6, want: []int64{7, 8, 9, 10}},
		// A resume's gap counts the ids it names and has the time of the newest, like a live one.
		{name: "resume older than the history", after: 3, want: []int64{0, 7, 8, 9, 10}, gap: Gap{First: 4, Last: 6, Missed: 3}},
		{name: "filtered resume", after: 3, filter: lumaOnly, want: []int64{0, 7, 9}, gap: Gap{First: 4, Last: 6, Missed: 3}},
		{name: "id of an earlier run", after: 99, want: []int64{0, 7, 8, 9, 10}, gap: Gap{First: 1, Last: 6, Missed: 6}},
	}
	t0 := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBusWithHistory(4)
			for i := range 10 {
				v := "luma"
				if i%2 == 1 {
					v = "kore"
				}
				// history keeps 7..10; event n happened at t0+n s
				b.Publish(Event{Type: EventJobProgress, Vendor: v, Time: t0.Add(time.Duration(i+1) * time.Second)})
			}
			s := b.SubscribeAfter(tt.after, 1, tt.filter)
			defer s.Close()
			got := drain(t, s, len(tt.want))
			if g := eventIDs(got); fmt.Sprint(g) != fmt.Sprint(tt.want) {
				t.Fatalf("ids %v, want %v", g, tt.want)
			}
			if len(got) > 0 && got[0].Type == EventGap {
				if got[0].Data != tt.gap {
					t.Errorf("gap %+v, want %+v", got[0].Data, tt.gap)
				}
				if want := t0.Add(time.Duration(tt.gap.Last) * time.Second); !got[0].Time.Equal(want) {
					t.Errorf("gap time %s, want %s (the newest event it names)", got[0].Time, want)
				}
			}
			// Live events follow the replay, even with a buffer of one.
			e := b.Publish(Event{Type: EventJobProgress, Vendor: "luma"})
			if next := recv(t, s); next.ID != e.ID {
				t.Errorf("after the replay got %+v, want id %d", next, e.ID)
			}
		})
	}
}

func TestBusCloseEndsSubscriptions(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(4, nil)
	b.Publish(Event{Type: EventStateReset})
	b.Close()
	for range s.C { // the queued event may or may not come first; then C closes
	}
	late := b.Subscribe(4, nil)
	if _, ok := <-late.C; ok {
		t.Error("a subscription to a closed bus got an event")
	}
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers = %d after Close, want 0", n)
	}
}

// TestPublishBatchSkipsWhatTheHistoryCannotKeep: with nobody subscribed, a batch larger than the
// history builds only the events the history keeps, with the ids n Publish calls would give; a
// client resuming from before them hears of the gap.
func TestPublishBatchSkipsWhatTheHistoryCannotKeep(t *testing.T) {
	b := NewBusWithHistory(8)
	b.Publish(Event{Type: "before"})
	built := 0
	batchTime := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)
	last := b.PublishBatch(20, func(i int) Event { built++; return Event{Type: fmt.Sprint(i), Time: batchTime} })
	if last != 21 || b.LastID() != 21 {
		t.Fatalf("last id %d (bus says %d), want 21", last, b.LastID())
	}
	if built != 8 {
		t.Fatalf("built %d events for a history of 8", built)
	}
	sub := b.SubscribeAfter(1, 64, nil)
	defer sub.Close()
	if e := <-sub.C; e.Type != EventGap || e.Data != (Gap{First: 2, Last: 13, Missed: 12}) || !e.Time.Equal(batchTime) {
		t.Fatalf("first event of the resume: %+v, want a gap of 2 to 13 at the batch's time", e)
	}
	for want := int64(14); want <= 21; want++ {
		if e := <-sub.C; e.ID != want || e.Type != fmt.Sprint(want-2) {
			t.Fatalf("resumed event %+v, want id %d", e, want)
		}
	}

	// With a subscriber every event is built and delivered, in order.
	built = 0
	b.PublishBatch(20, func(i int) Event { built++; return Event{Type: fmt.Sprint(i)} })
	for i := range 20 {
		if e := <-sub.C; e.Type != fmt.Sprint(i) || e.ID != 22+int64(i) {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
	if built != 20 {
		t.Fatalf("built %d of 20 events with a subscriber", built)
	}
}

// TestBusResetStartsAnEpoch: after Reset the ids go on (never reused), the history holds only
// the reset and what followed it, and a client resuming from before the reset gets the reset
// first, not the events of what it forgot, and no gap for them.
func TestBusResetStartsAnEpoch(t *testing.T) {
	tests := []struct {
		name    string
		history int
		after   int64 // Last-Event-ID
		filter  func(Event) bool
		want    []string // types received, "gap" for a gap
		gap     Gap
	}{
		{name: "from before the reset", history: 16, after: 2, want: []string{EventStateReset, "after", "after"}},
		{name: "from the event before the reset", history: 16, after: 5, want: []string{EventStateReset, "after", "after"}},
		{name: "from the reset", history: 16, after: 6, want: []string{"after", "after"}},
		{name: "from an earlier run", history: 16, after: 99, want: []string{EventStateReset, "after", "after"}},
		{name: "filtered", history: 16, after: 2, filter: func(e Event) bool { return e.Type != EventStateReset }, want: []string{"after", "after"}},
		{name: "the epoch outgrew the history", history: 1, after: 2, want: []string{EventGap, "after"}, gap: Gap{First: 6, Last: 7, Missed: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBusWithHistory(tt.history)
			for range 5 {
				b.Publish(Event{Type: "before"})
			}
			r := b.Reset(Event{Type: EventStateReset})
			if r.ID != 6 {
				t.Fatalf("the reset got id %d, want 6: ids go on across a reset", r.ID)
			}
			b.Publish(Event{Type: "after"})
			b.Publish(Event{Type: "after"})
			s := b.SubscribeAfter(tt.after, 16, tt.filter)
			defer s.Close()
			got := drain(t, s, len(tt.want))
			var types []string
			for _, e := range got {
				types = append(types, e.Type)
			}
			if fmt.Sprint(types) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", types, tt.want)
			}
			if got[0].Type == EventGap && got[0].Data != tt.gap {
				t.Errorf("gap %+v, want %+v", got[0].Data, tt.gap)
			}
			noEvent(t, s)
		})
	}
}

// inHandForTest reports whether the pump is handing over an event.
func (s *Subscription) inHandForTest() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inHand
}
